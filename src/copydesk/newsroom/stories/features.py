"""Feature-desk story kinds: business, technology, science and culture."""

from __future__ import annotations

from copydesk.newsroom.stories.kind import StoryKind

FACTORY = StoryKind(
    section="business",
    orgs=("{company}", "the Unite branch at the plant"),
    companies=("Calder Precision", "Wexford Components", "Ashby Castings"),
    headlines=(
        "{company} to close {place} factory with the loss of {n_mid} jobs",
        "{n_mid} jobs at risk as {company} plans to shut {place} plant",
        "Blow for {place} as {company} confirms factory closure",
    ),
    leads=(
        "{company} is to close its factory in {place} with the loss of {n_mid} jobs, blaming "
        "rising energy costs and falling demand.",
        "About {n_mid} workers at the {company} plant in {place} have been told the site will "
        "close by the end of the year.",
    ),
    details=(
        "The factory, which makes parts for the car industry, has been part of the town for "
        "more than {years} years.",
        "Production will move to the company's larger site in {place2}, where some staff will be "
        "offered jobs.",
        "The company said energy bills at the site had risen by {pct} over the past two years.",
        "Unions said they would fight the decision and called on the government to step in.",
        "{company} reported a pre-tax loss of {money} last year, compared with a small profit the "
        "year before.",
        "Local suppliers fear that hundreds more jobs could be lost across {region} as a result.",
        "A formal consultation with staff will begin next week and is expected to last 45 days.",
        "The site employed {n_large} people at its peak in the 1990s.",
        "Orders from carmakers fell sharply last year as demand for new vehicles slowed.",
        "The council said it would set up a task force to help workers find new jobs.",
        "Staff were told about the closure at a meeting shortly after the morning shift began.",
        "The plant was bought by {company} from its previous owner {years} years ago.",
        "Workers said many of them had learned of the plan from social media before the meeting.",
        "The site's apprentices will be offered places at the company's training centre in "
        "{place2}.",
        "The local MP said she would seek an urgent meeting with the business secretary.",
    ),
    quotes=(
        (
            "official",
            "This has been an incredibly difficult decision, and we will do everything "
            "we can to support our staff",
        ),
        (
            "expert",
            "Manufacturers are being squeezed from every side, and energy-intensive sites "
            "are the first to go",
        ),
        (
            "witness",
            "My father worked here, and so did his father; it feels like the end of something",
        ),
        (
            "official",
            "We have looked at every option to keep the site open, but the numbers "
            "simply do not add up",
        ),
        (
            "witness",
            "There aren't many jobs round here that pay like this, so people are frightened",
        ),
        ("expert", "Once a plant like this closes, the skills tend to leave the area with it"),
    ),
    official_roles=("chief executive of {company}", "{company}'s managing director for Europe"),
    expert_roles=("an industry analyst at {analyst}",),
    witness_roles=("who has worked at the plant for {years} years",),
    caption="The {company} factory in {place}",
)

RETAIL = StoryKind(
    section="business",
    orgs=("the Retail Trade Association", "the Office for National Statistics"),
    companies=("Fenwick & Rowe", "Harlow Home", "Brightmarket"),
    headlines=(
        "Shoppers cut back as retail sales fall for a third month",
        "High street sales slide by {pct} as shoppers tighten their belts",
        "Retailers warn of a tough winter after sales fall again",
    ),
    leads=(
        "Retail sales fell by {pct} last month as shoppers cut back on clothing and household "
        "goods, according to figures published on {weekday}.",
        "Shoppers spent less for the third month in a row in {month}, official figures show, "
        "piling pressure on struggling retailers.",
    ),
    details=(
        "Food sales held up better than expected, but spending on furniture and electrical goods "
        "dropped sharply.",
        "Online sales accounted for more than a quarter of all retail spending, close to their "
        "pandemic peak.",
        "{n_small} major chains have gone into administration so far this year, putting thousands "
        "of jobs at risk.",
        "In {place}, {n_mid} shops in the town centre are currently empty, according to the "
        "local business association.",
        "Economists had expected a small rise after a warm spell boosted demand for garden "
        "furniture earlier in the season.",
        "The figures will add to pressure on the central bank to cut interest rates at its next "
        "meeting.",
        "Retailers say rising wage bills and business rates are forcing them to raise prices or "
        "close stores.",
        "{company} said last week that it would close its branch in {place} in the new year.",
        "Consumer confidence rose slightly in {month}, but remains well below its long-term "
        "average.",
        "Sales at petrol stations fell for the first time in several months as prices rose.",
        "Analysts at {analyst} said discounting had begun much earlier than usual this year.",
        "Clothing sales were hit hardest, falling for the fourth time this year.",
        "Footfall in shopping centres fell more sharply than on high streets or in retail parks.",
        "Some retailers said the figures were distorted by the timing of the school holidays.",
        "Department stores reported their weakest month since the pandemic.",
    ),
    quotes=(
        (
            "expert",
            "Households are still feeling the squeeze, and spending on treats is the "
            "first thing to go",
        ),
        (
            "official",
            "These figures should be a wake-up call for anyone who cares about the "
            "future of our high streets",
        ),
        (
            "witness",
            "We've had our worst autumn since we opened, and I don't know how much longer "
            "we can keep going",
        ),
        (
            "expert",
            "There are some signs of stabilisation, but it is far too early to call a recovery",
        ),
        ("witness", "People come in and look, but they're not buying the way they used to"),
        (
            "official",
            "Retailers need a business rates system that reflects the world we trade in today",
        ),
    ),
    official_roles=("chief executive of the Retail Trade Association",),
    expert_roles=("chief economist at {analyst}",),
    witness_roles=("who runs a gift shop in {place}",),
    caption="Shoppers on the high street in {place}",
)

OUTAGE = StoryKind(
    section="technology",
    orgs=("{company}", "the Financial Conduct Authority"),
    companies=("Paylink", "Tillway", "CardStream"),
    headlines=(
        "Card payments fail across the country in {company} outage",
        "{company} outage leaves shoppers unable to pay",
        "{company} blames software update for payments chaos",
    ),
    leads=(
        "Shoppers across the country were unable to pay by card for several hours on {weekday} "
        "after a fault at the payments firm {company}.",
        "A technical fault at {company} left thousands of shops, cafes and petrol stations unable "
        "to take card payments for much of {weekday}.",
    ),
    details=(
        "The problems began shortly after 11am and were not fully resolved until the early "
        "evening.",
        "The company later said a faulty software update had been rolled out to its systems and "
        "then withdrawn.",
        "More than {n_large} complaints were logged on an outage-tracking website at the peak of "
        "the disruption.",
        "Some supermarkets put up signs asking customers to pay in cash, and queues formed at "
        "cash machines in {place}.",
        "{company} handles about {pct} of all card transactions in the country.",
        "The financial regulator said it was in contact with the firm and would be asking what "
        "went wrong.",
        "It is the second major outage at the company this year, after a shorter failure in "
        "{month}.",
        "Small businesses said they had lost a day's takings and asked whether they would be "
        "compensated.",
        "Banks said their own systems were working normally and that customers' money was safe.",
        "MPs on the Treasury committee said they would write to the company's chief executive.",
        "Some transport operators in {region} let passengers travel free while ticket machines "
        "were down.",
        "Online payments were also affected, with some customers charged twice for the same "
        "purchase.",
        "{company} said anyone charged twice would be refunded automatically within five working "
        "days.",
        "The company's shares fell sharply in early trading the following morning.",
        "Consumer groups said the outage showed why shops should still accept cash.",
    ),
    quotes=(
        (
            "official",
            "We are deeply sorry for the disruption this has caused to our customers "
            "and their businesses",
        ),
        (
            "expert",
            "When so much of the economy runs through a handful of providers, a single bad "
            "update can have enormous consequences",
        ),
        (
            "witness",
            "We had a queue out of the door and nobody could pay, so in the end we just "
            "gave the coffee away",
        ),
        (
            "official",
            "Our engineers identified the cause quickly, and we are putting further "
            "checks in place",
        ),
        (
            "expert",
            "The real question is why an update like this was not tested properly before it went "
            "live",
        ),
        ("witness", "I'd just filled up with petrol and couldn't pay, which was very embarrassing"),
    ),
    official_roles=("chief technology officer at {company}", "a spokesperson for {company}"),
    expert_roles=("a security researcher at the University of {place2}",),
    witness_roles=("who runs a cafe in {place}",),
    caption="A sign asking for cash payments at a shop in {place}",
)

BATTERY = StoryKind(
    section="technology",
    orgs=("{company}", "the {region} Combined Authority"),
    companies=("Voltcore", "Ampera Cells", "Northcell Energy"),
    headlines=(
        "{place} battery start-up {company} raises {money} to expand",
        "{company} secures {money} to build batteries in {place}",
        "Investors back {place} battery firm with {money} funding round",
    ),
    leads=(
        "{company}, a battery start-up based in {place}, has raised {money} from investors to "
        "build its first full-scale factory.",
        "The {place} battery company {company} says it will create {n_mid} jobs after securing "
        "{money} in new funding.",
    ),
    details=(
        "The company, founded {years} years ago by two former university researchers, develops "
        "batteries for electric buses and lorries.",
        "It currently employs {n_small} people at a converted warehouse on the edge of the city.",
        "The funding round was led by a fund backed by the government's national investment bank.",
        "The new factory is expected to produce its first batteries within two years.",
        "{company} claims its cells can be charged in under 20 minutes and last twice as long as "
        "current designs.",
        "Several battery start-ups have collapsed in recent years after struggling to move from "
        "the laboratory to mass production.",
        "The company is also in talks with bus manufacturers in {region} about supply deals.",
        "Local leaders said the investment was a sign that {region} could become a hub for clean "
        "technology.",
        "The factory will be built on the site of a former power station that closed nearly a "
        "decade ago.",
        "Demand for large batteries rose sharply last year as more councils switched to electric "
        "buses.",
        "The start-up has also applied for a government grant worth about {pct} of the cost of "
        "the factory.",
        "The new factory will need around {n_large} tonnes of steel and several hundred "
        "kilometres of cabling.",
        "Existing investors, including a venture fund based in {place2}, also took part in the "
        "round.",
        "The company has signed a research partnership with the University of {place2}.",
        "The funding values the business at about {money}, according to people familiar with the "
        "deal.",
    ),
    quotes=(
        (
            "official",
            "This investment lets us move from making batteries by the hundred to making "
            "them by the thousand",
        ),
        (
            "expert",
            "The technology looks promising, but scaling up manufacturing is where most "
            "companies come unstuck",
        ),
        ("official", "We chose {place} because the skills are here, and the people are here"),
        ("witness", "It's good to see jobs like these coming to this part of the city at last"),
        (
            "official",
            "We want the next generation of batteries to be designed and made in {region}",
        ),
        (
            "expert",
            "Investors have become much more cautious, so a round of this size is a vote of "
            "confidence",
        ),
    ),
    official_roles=("co-founder and chief executive of {company}",),
    expert_roles=("an energy storage analyst at {analyst}",),
    witness_roles=("a councillor for the ward where the factory will be built",),
    caption="Battery cells being tested at {company}'s laboratory in {place}",
)

FOSSILS = StoryKind(
    section="science",
    orgs=("the {region} Coast Trust", "the University of {place2}"),
    headlines=(
        "Fossil hunters uncover {n_small} dinosaur footprints on {place} coast",
        "Dinosaur footprints found on beach near {place}",
        "Rare dinosaur tracks revealed by winter storms in {region}",
    ),
    leads=(
        "A set of {n_small} dinosaur footprints has been discovered on the coast near {place}, "
        "exposed by winter storms that stripped sand from the beach.",
        "Scientists say {n_small} footprints found on a beach near {place} were left by a large "
        "plant-eating dinosaur about 165 million years ago.",
    ),
    details=(
        "The tracks were spotted by a retired teacher walking her dog along the shore early on a "
        "{weekday} morning.",
        "Each print measures about 60 centimetres across, suggesting an animal that may have been "
        "up to nine metres long.",
        "A team from the University of {place2} spent several days recording the site with drones "
        "and 3D scanners between tides.",
        "Researchers believe the animal was walking across a muddy lagoon that later hardened "
        "into rock.",
        "The exact location is being kept secret to protect the site from collectors.",
        "Similar tracks have been found along this stretch of coastline before, but rarely in "
        "such good condition.",
        "The findings have been published in the journal Palaeontology Letters.",
        "Experts warned that the footprints are likely to be worn away by the sea within months.",
        "Casts of the best-preserved prints will go on display at a museum in {place2} next year.",
        "The rocks on this part of the coast were laid down when the area lay close to the "
        "equator.",
        "Visitors to the beach rose by nearly a third after news of the find spread online.",
        "Geologists say the rock layer containing the tracks is about 165 million years old.",
        "Some of the prints overlap, suggesting that several animals may have walked the same "
        "route.",
        "The landowner has given permission for researchers to return after the next big tide.",
        "Local schools have been invited to see the scans as part of a science project.",
    ),
    quotes=(
        (
            "expert",
            "You can see the impression of each toe, which is remarkable for tracks of this age",
        ),
        (
            "witness",
            "I almost walked straight past them, and then I realised the shapes were far "
            "too regular to be natural",
        ),
        (
            "expert",
            "It is a race against time, because the storms that revealed them will "
            "eventually destroy them",
        ),
        (
            "official",
            "We are asking people to enjoy the beach but not to try to remove anything "
            "from the rocks",
        ),
        (
            "expert",
            "Finds like this help us to understand how these animals moved and lived together",
        ),
        ("witness", "I've walked this beach for years and never seen anything like it"),
    ),
    official_roles=("a ranger with {org}",),
    expert_roles=("a palaeontologist at the University of {place2}",),
    witness_roles=("who first spotted the tracks",),
    caption="One of the footprints on the beach near {place}",
)

MUSEUM = StoryKind(
    section="culture",
    orgs=("the {place} Museum", "{place} Borough Council"),
    headlines=(
        "{place} museum reopens after {money} restoration",
        "Doors reopen at {place} Museum after three-year refit",
        "Crowds return as restored {place} Museum opens its doors",
    ),
    leads=(
        "The {place} Museum has reopened to the public after a three-year restoration costing "
        "{money}.",
        "Hundreds of visitors queued outside the {place} Museum on {weekday} as it reopened "
        "following a major restoration.",
    ),
    details=(
        "The Victorian building had been closed since water damage was found in its roof.",
        "New galleries tell the story of the town's textile industry, and {n_large} objects are "
        "on display for the first time.",
        "The museum expects {n_huge} visitors in its first year, roughly double the number before "
        "it closed.",
        "The restoration was paid for by lottery funding, the council and a public appeal that "
        "drew thousands of donations.",
        "A cafe and a learning centre for school groups have been added on the ground floor.",
        "Entry will remain free, although some special exhibitions will charge for tickets.",
        "The opening exhibition features paintings by local artists lent by private collectors "
        "across {region}.",
        "The building's original glass roof, hidden behind boards for decades, has been restored.",
        "Work began shortly after the museum closed, but was delayed by a shortage of specialist "
        "stonemasons.",
        "Volunteers spent nearly two years cleaning and cataloguing the collection while the "
        "building was closed.",
        "The museum will stay open late on Fridays during the summer.",
        "More than {n_large} people signed up for free tickets to the opening weekend.",
        "The original mosaic floor in the entrance hall was lifted, cleaned and relaid tile by "
        "tile.",
        "The museum has also put part of its collection online for the first time.",
        "A new lift means every gallery is now accessible to wheelchair users.",
    ),
    quotes=(
        (
            "official",
            "This building belongs to the people of {place}, and it is wonderful to be "
            "able to give it back to them",
        ),
        ("witness", "I used to come here as a child, and it is even better than I remember"),
        (
            "expert",
            "Regional museums like this one are vital, and it is a real achievement to see "
            "one restored so carefully",
        ),
        (
            "official",
            "We have tried to keep everything people loved about the old museum while "
            "making it fit for the future",
        ),
        ("witness", "It's lovely to have somewhere to bring the grandchildren on a rainy day"),
        ("official", "We want everyone in {place} to feel that this is their museum"),
    ),
    official_roles=("director of the {place} Museum", "the museum's head of collections"),
    expert_roles=("an architectural historian at {place2} University",),
    witness_roles=("who was first in the queue",),
    caption="Visitors in the restored main hall of the {place} Museum",
)

FEATURE_KINDS = (FACTORY, RETAIL, OUTAGE, BATTERY, FOSSILS, MUSEUM)
