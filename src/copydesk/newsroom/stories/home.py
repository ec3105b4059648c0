"""Home-desk story kinds: local news, politics, health and the environment."""

from __future__ import annotations

from copydesk.newsroom.stories.kind import StoryKind

FLOODING = StoryKind(
    section="local",
    orgs=("{place} Borough Council", "the Environment Agency", "{region} Fire and Rescue Service"),
    headlines=(
        "{n_mid} homes evacuated as river bursts its banks in {place}",
        "Families forced from homes after overnight flooding in {place}",
        "{place} flooding: clean-up begins as water levels fall",
        "Flood warnings remain across {region} after a night of heavy rain",
    ),
    leads=(
        "Emergency crews evacuated {n_mid} homes in {place} on {weekday} after the river burst its "
        "banks following a night of torrential rain.",
        "More than {n_mid} homes in {place} were evacuated overnight after the river rose above "
        "its "
        "flood defences for the first time in {years} years.",
    ),
    details=(
        "Firefighters used boats to reach {n_small} people who were trapped in their homes on the "
        "lower streets of the town.",
        "A rest centre was opened at {place} Leisure Centre, where volunteers handed out blankets "
        "and hot drinks through the night.",
        "The Environment Agency said river levels had peaked shortly after 4am and were now "
        "falling slowly.",
        "Several roads into the town remain closed, and the rail line to {place2} has been "
        "suspended until at least {weekday2}.",
        "Around {n_large} properties across {region} were left without power at the height of "
        "the storm.",
        "Forecasters have warned that a further band of rain could bring more flooding to "
        "low-lying areas later in the week.",
        "Insurers said it was too early to estimate the cost of the damage, but one broker put the "
        "likely bill at about {money}.",
        "The town's flood barrier, completed {years} years ago, was overwhelmed shortly after "
        "midnight.",
        "Schools in the area will stay closed for the rest of the week while buildings are checked "
        "for damage.",
        "Residents in neighbouring villages have been told to keep sandbags at their doors until "
        "the warnings are lifted.",
        "The army has been put on standby to help if river levels rise again over the weekend.",
        "A clean-up operation began on {weekday2} as water drained from the worst-affected "
        "streets.",
        "Some families spent the night with relatives in {place2} after being told they could not "
        "return home.",
        "Engineers will inspect the town's bridges before they are reopened to traffic.",
        "The last serious flood in {place} happened {years} years ago, when the river rose almost "
        "as high.",
    ),
    quotes=(
        (
            "official",
            "Our crews have worked through the night, and I want to thank everyone who "
            "has helped their neighbours",
        ),
        (
            "official",
            "The priority now is making sure people are safe, and we would ask everyone "
            "to stay away from the river",
        ),
        (
            "witness",
            "The water came up so fast that we barely had time to get the children upstairs",
        ),
        (
            "expert",
            "We are seeing rainfall like this far more often than the defences were designed for",
        ),
        (
            "witness",
            "We've lost nearly everything on the ground floor, but at least we're all safe",
        ),
        (
            "official",
            "Anyone who needs somewhere to stay tonight should contact the council's emergency "
            "line",
        ),
    ),
    official_roles=("the council's head of emergency planning", "a group manager for {org}"),
    expert_roles=("a hydrologist at the University of {place2}",),
    caption="Emergency crews in {place} on {weekday}",
)

HOUSING = StoryKind(
    section="local",
    orgs=("{place} City Council",),
    companies=("Hartwell Homes", "Beacon Land", "Greystone Developments"),
    headlines=(
        "Council approves {n_mid} new homes on edge of {place} despite objections",
        "{place} housing plan approved after heated four-hour meeting",
        "Controversial {place} development gets the green light",
    ),
    leads=(
        "Plans for {n_mid} new homes on farmland at the edge of {place} have been approved by "
        "councillors, despite {n_large} objections from residents.",
        "Councillors in {place} have approved a development of {n_mid} homes on the town's "
        "northern fringe, ending a dispute that has lasted nearly {years} years.",
    ),
    details=(
        "The scheme, put forward by {company}, includes a primary school, a health centre and a "
        "new link road.",
        "About {pct} of the homes will be classed as affordable, below the council's own target "
        "of 35%.",
        "Opponents argued that the roads around the site were already congested and that local "
        "schools were full.",
        "The planning committee voted seven to four in favour after a meeting that ran late into "
        "the evening.",
        "Work on the first phase is expected to begin next spring, with the first residents "
        "moving in within two years.",
        "{company} has agreed to contribute {money} towards improvements to local roads and "
        "public transport.",
        "A residents' group said it was considering a legal challenge to the decision.",
        "The site was removed from the green belt several years ago as part of the council's "
        "long-term housing strategy.",
        "The council says it must find space for {n_huge} homes over the next decade to meet "
        "government targets.",
        "House prices in {place} have risen faster than the average for {region} over the past "
        "five years.",
        "Campaigners began gathering signatures for a petition against the scheme last summer.",
        "The original plans were scaled back last year after a public consultation drew hundreds "
        "of responses.",
        'Residents packed the public gallery, and several held placards reading "Save our fields".',
        "Two councillors who represent the ward voted against the scheme.",
        "A bus route linking the estate to the town centre will be paid for by the developer for "
        "five years.",
    ),
    quotes=(
        (
            "official",
            "We know this has been a difficult decision, but our town needs homes that "
            "young families can actually afford",
        ),
        (
            "witness",
            "Nobody is against new homes, but the roads simply cannot cope with hundreds more cars",
        ),
        (
            "expert",
            "The evidence is that developments of this size only work if the "
            "infrastructure arrives first",
        ),
        (
            "official",
            "We have listened to residents, and the scheme has changed a great deal "
            "since it was first proposed",
        ),
        ("witness", "We were told this land would always be farmland, and now it's gone"),
        (
            "expert",
            "Councils are under enormous pressure to hit housing targets, and greenfield sites "
            "are the easiest to build on",
        ),
    ),
    official_roles=("the council's cabinet member for housing", "chair of the planning committee"),
    expert_roles=("a lecturer in urban planning at {place2} University",),
    witness_roles=("who lives next to the site",),
    caption="The fields north of {place} where the homes will be built",
)

RAIL = StoryKind(
    section="politics",
    orgs=("the Department for Transport", "Network Rail"),
    headlines=(
        "Government unveils {money} plan to upgrade rail links in {region}",
        "Minister promises faster trains for {region} in {money} package",
        "Rail upgrade for {region} will cut journey times, minister says",
    ),
    leads=(
        "The government has announced a {money} package to upgrade rail lines across {region}, "
        "promising faster and more reliable journeys by the end of the decade.",
        "Ministers have set out plans to spend {money} on the railways in {region}, in what they "
        "described as the biggest investment in the network for a generation.",
    ),
    details=(
        "The plan includes electrifying the line between {place} and {place2} and reopening "
        "{n_small} stations that closed in the 1960s.",
        "Officials say journey times between the two towns could be cut by up to {pct}.",
        "The announcement was made during a visit to a train depot in {place} on {weekday}.",
        "Rail unions welcomed the investment but warned that it must be matched by more staff on "
        "trains and at stations.",
        "The opposition said the money had been announced twice before and accused ministers of "
        "recycling old promises.",
        "Construction is due to start within 18 months, subject to planning approval.",
        "Passenger numbers on the route rose sharply last year, leaving many services overcrowded "
        "at peak times.",
        "Around {n_large} jobs are expected to be created during the construction phase.",
        "Business leaders in {region} have campaigned for better rail links for more than a "
        "decade.",
        "The line between the two towns is one of the slowest in the country, with trains "
        "averaging under 40mph.",
        "A major signalling upgrade on the route was cancelled in a round of spending cuts.",
        "The line between {place} and {place2} still uses signalling equipment installed in the "
        "1970s.",
        "A consultation on the new timetable will open in the autumn.",
        "Ministers said the first improvements, including longer trains, would arrive within a "
        "year.",
        "The plan still needs the approval of the Treasury before contracts can be signed.",
    ),
    quotes=(
        (
            "official",
            "This is about giving people in {region} the transport links they have been "
            "promised for decades",
        ),
        (
            "expert",
            "The money is welcome, but the real test will be whether these projects are "
            "delivered on time",
        ),
        ("witness", "Some mornings the train is so packed that I can't get on at all"),
        (
            "official",
            "We are not going to make the mistakes of the past by announcing schemes and "
            "then quietly dropping them",
        ),
        ("official", "People in {place} deserve trains that turn up on time and have enough seats"),
        (
            "expert",
            "Faster trains are only part of the answer; reliability is what passengers care about "
            "most",
        ),
    ),
    official_roles=("the Transport Secretary", "the rail minister"),
    expert_roles=("a transport economist at the University of {place2}",),
    witness_roles=("who commutes from {place2} every day",),
    caption="A commuter train leaving {place} station",
)

BY_ELECTION = StoryKind(
    section="politics",
    orgs=("the Electoral Commission", "{place} Borough Council"),
    headlines=(
        "{party} wins {place} by-election with majority of {n_large} votes",
        "{place} by-election: {party} takes seat as turnout falls to {pct}",
        "Voters in {place} deliver a blow to the government in by-election",
    ),
    leads=(
        "The {party} has won the {place} by-election with a majority of {n_large} votes, in what "
        "its leader called a turning point for the party.",
        "The {party} has taken the {place} seat in a by-election dominated by the cost of living, "
        "winning by {n_large} votes.",
    ),
    details=(
        "Turnout was {pct}, down sharply from the last general election.",
        "The seat fell vacant after the previous MP stood down in {month} to take a job in the "
        "private sector.",
        "{n_small} candidates stood in the contest, the largest field the constituency has seen.",
        "Counting at the {place} Sports Centre went on until the early hours, with the result "
        "declared shortly after 3am.",
        "The governing party finished third, its worst result in the seat since it was created.",
        "Polling experts said the swing, if repeated at a general election, would cost the "
        "government dozens of seats.",
        "Campaigners reported long queues at several polling stations in the town centre during "
        "the evening.",
        "Local issues, including the planned closure of the town's maternity unit, featured "
        "heavily in the campaign.",
        "Party leaders visited the constituency nearly a dozen times during the five-week "
        "campaign.",
        "The new MP is expected to take their seat in the Commons on {weekday2}.",
        "Postal votes made up about a third of all ballots cast.",
        "The result was the party's first by-election win in {region} for more than {years} years.",
        "The defeated candidate congratulated the winner and said the party would reflect on the "
        "result.",
        "Party activists from across the country travelled to {place} in the final week of the "
        "campaign.",
        "Many voters said they had made up their minds only in the last few days.",
    ),
    quotes=(
        (
            "official",
            "The people of {place} have sent a clear message tonight, and I will not let them down",
        ),
        (
            "expert",
            "By-elections are often a protest vote, but this result is too large to dismiss",
        ),
        ("witness", "I've voted the same way all my life, but this time I just couldn't"),
        ("official", "My first job will be to fight to keep the maternity unit open"),
        ("official", "I want to thank every volunteer who knocked on doors in the rain for this"),
        (
            "witness",
            "Everyone I know has been struggling with their bills, and nobody seemed to be "
            "listening",
        ),
    ),
    official_roles=("the newly elected MP for {place}", "the {party} candidate"),
    expert_roles=("professor of politics at the University of {place2}",),
    witness_roles=("a retired nurse from {place}",),
    caption="The count at {place} Sports Centre",
)

HOSPITAL = StoryKind(
    section="health",
    orgs=("{place} Hospitals NHS Trust",),
    headlines=(
        "Patients waiting more than 12 hours in {place} A&E, figures show",
        "{place} hospital declares critical incident as A&E demand soars",
        "Record waits at {place} General as pressure on beds grows",
    ),
    leads=(
        "{place} General Hospital declared a critical incident on {weekday} after its emergency "
        "department became overwhelmed with patients.",
        "Patients at {place} General Hospital waited more than 12 hours for a bed last month, new "
        "figures show, as the hospital struggled with record demand.",
    ),
    details=(
        "More than {n_mid} patients waited over 12 hours in the emergency department in {month}, "
        "up from the same month last year.",
        "Ambulances were queuing outside the hospital for several hours, with crews unable to "
        "hand over patients.",
        "The trust said {n_small} wards had been affected by an outbreak of norovirus, reducing "
        "the number of available beds.",
        "Patients have been asked to use pharmacies, GP surgeries and the 111 service unless "
        "their condition is life-threatening.",
        "The trust employs {n_large} staff across its three sites in {region}.",
        "Only {pct} of patients were seen within four hours, against a national target of 76%.",
        "A new urgent care centre is due to open next to the hospital in the spring.",
        "Planned operations have been postponed this week to free up beds for emergency "
        "admissions.",
        "Nearly one in five beds is occupied by a patient who is well enough to leave but has "
        "nowhere suitable to go.",
        "Health leaders in {region} have warned that the pressure is likely to continue well into "
        "the spring.",
        "The hospital began diverting some ambulances to {place2} on {weekday} evening.",
        "The trust has opened an extra ward to cope with demand, staffed largely by agency nurses.",
        "Visiting has been restricted on the affected wards to stop the virus spreading.",
        "Staff sickness rates at the hospital rose sharply over the winter.",
        "The hospital said anyone with an appointment should attend unless contacted directly.",
    ),
    quotes=(
        (
            "official",
            "Our staff are working incredibly hard in very difficult circumstances, and "
            "I want to thank them",
        ),
        ("witness", "My mother is 87, and she spent the whole night on a trolley in a corridor"),
        (
            "expert",
            "These are not winter pressures any more; this is what the system looks like "
            "all year round",
        ),
        (
            "official",
            "Please help us by only coming to the emergency department if you really need to",
        ),
        ("official", "We are doing everything we can to get patients home safely and free up beds"),
        ("witness", "The staff were wonderful, but they were clearly run off their feet"),
    ),
    official_roles=("chief executive of {org}", "the trust's medical director"),
    expert_roles=("a consultant in emergency medicine and adviser to the Care Policy Institute",),
    witness_roles=("whose mother was admitted on {weekday}",),
    caption="The emergency department at {place} General Hospital",
)

AIR = StoryKind(
    section="environment",
    orgs=("{place} City Council", "the Clean Air Network"),
    headlines=(
        "Air pollution above legal limits at {n_small} sites in {place}",
        "{place} air quality: toxic hotspots revealed near schools",
        "Report finds dirty air near {place} schools years after promised clean-up",
    ),
    leads=(
        "Air pollution exceeded legal limits at {n_small} monitoring sites in {place} last year, "
        "including several outside primary schools, a new report has found.",
        "Levels of nitrogen dioxide in parts of {place} remain well above legal limits, according "
        "to a report published on {weekday}.",
    ),
    details=(
        "The worst readings were recorded on the ring road, where traffic queues for much of the "
        "day.",
        "The council plans to introduce a clean air zone next year, with a daily charge for older "
        "vans and lorries entering the city centre.",
        "Campaigners said {n_large} children attend schools within 200 metres of a road that "
        "breaches the limit.",
        "Pollution levels fell during the pandemic but have since risen to where they were before.",
        "Doctors have linked long-term exposure to dirty air with asthma, heart disease and "
        "strokes.",
        "The report was compiled using data from {n_mid} sensors installed across the city over "
        "the past two years.",
        "Ministers have promised to publish a new national air quality strategy later this year.",
        "Some parents have begun walking their children to school along back streets to avoid "
        "the main roads.",
        "The council has been under a legal order to cut pollution on the ring road since "
        "{month} three years ago.",
        "Bus operators in {place} said about half of their fleet would be electric within five "
        "years.",
        "A trial of school streets, closing roads to traffic at drop-off times, will be extended "
        "to a dozen more schools.",
        "Readings near the bus station were nearly twice the legal limit for much of the year.",
        "The council has planted hundreds of trees along the ring road in an attempt to improve "
        "the air.",
        "The report's authors called for a ban on idling engines outside schools.",
        "Taxi drivers have said they cannot afford to replace their vehicles before the charge "
        "begins.",
    ),
    quotes=(
        (
            "expert",
            "There is no safe level of air pollution, and children are particularly vulnerable",
        ),
        (
            "official",
            "We accept there is more to do, and the clean air zone will make a real difference",
        ),
        (
            "witness",
            "My son has asthma, and on bad days you can actually taste the fumes at the "
            "school gate",
        ),
        ("expert", "The data are clear: where traffic falls, pollution falls"),
        ("official", "Nobody should have to breathe polluted air on the way to school"),
        ("witness", "We keep the windows shut all summer because of the traffic"),
    ),
    official_roles=("the council's cabinet member for the environment",),
    expert_roles=("a professor of environmental health at the University of {place2}",),
    witness_roles=("whose son attends a primary school near the ring road",),
    caption="Traffic on the {place} ring road during the morning rush hour",
)

HOME_KINDS = (FLOODING, HOUSING, RAIL, BY_ELECTION, HOSPITAL, AIR)
