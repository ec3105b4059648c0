"""Word banks the simulated newsroom writes from: names, places, synonyms, correction notes.

All text here was written for copydesk; nothing is copied from real articles.
"""

from __future__ import annotations

from types import MappingProxyType

# fmt: off
FIRST_NAMES = (
    "Amara", "Ben", "Catherine", "Daniel", "Eleanor", "Farid", "Grace", "Harriet", "Imran",
    "Joanna", "Kwame", "Laura", "Marcus", "Niamh", "Oliver", "Priya", "Rachel", "Samuel",
    "Tomasz", "Uma", "Victoria", "William", "Yasmin", "Zoe", "Adrian", "Bethan", "Callum",
    "Deborah", "Ewan", "Fiona", "Gareth", "Helen", "Isaac", "Janet", "Kieran", "Lydia",
    "Martin", "Nadia", "Owen", "Patricia", "Rhys", "Sofia", "Theo", "Wendy",
)
SURNAMES = (
    "Okafor", "Pemberton", "Lindqvist", "Harcourt", "Mensah", "Ashworth", "Delgado", "Fairbairn",
    "Kowalski", "Thorne", "Rahman", "Whitlock", "Brennan", "Castellano", "Drummond", "Ellery",
    "Fitzgerald", "Gallagher", "Hollins", "Iqbal", "Jarvis", "Kerrigan", "Lockhart", "Moreno",
    "Nwosu", "Oyelaran", "Prescott", "Quinlan", "Rowntree", "Sandhu", "Tremlett", "Underhill",
    "Vasquez", "Wainwright", "Yardley", "Abernethy", "Birch", "Calloway", "Dunmore", "Everard",
)
TOWNS = (
    "Eastbridge", "Marlow Vale", "Kingsford", "Ashcombe", "Hollowmere", "Redhaven", "Stanbury",
    "Wexcombe", "Thornley", "Caldermouth", "Brightwater", "Oakhampstead", "Fernleigh",
    "Gorsebrook", "Millbrook", "Northwold", "Saltcote", "Westerham Cross", "Dunmore Bay",
    "Elmsworth", "Harrowgate Mill", "Linton Ferrers", "Porthaven", "Queensmead",
)
REGIONS = (
    "the North West", "the South West", "the Midlands", "the North East", "East Anglia",
    "the Thames Valley", "Yorkshire", "the Welsh borders",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)
ANALYSTS = ("Harbour Street Capital", "Meridian Research", "Calder & Finch", "Ostrava Partners")
PARTIES = ("Liberal Reform Party", "Green Future Party", "Progressive Alliance", "Civic Party")
# Words a stealth edit may swap for a near-synonym; every story uses several of them.
# One-way, so that two word changes never restore an earlier text.
SYNONYMS = MappingProxyType({
    "about": "around", "nearly": "almost", "began": "started", "warned": "cautioned",
    "major": "significant", "significant": "substantial", "said": "added", "shortly": "soon",
    "several": "a number of", "large": "big", "fell": "dropped", "rose": "climbed",
    "sharply": "steeply", "difficult": "tough",
})
# Nouns that make "<number> <noun>" a figure a correction may change.
FIGURE_NOUNS = (
    "people", "homes", "jobs", "workers", "staff", "patients", "votes", "objections", "stations",
    "complaints", "footprints", "objects", "visitors", "sensors", "sites", "children", "shops",
    "properties", "candidates", "wards",
)
CLOSINGS = (
    "{org} said it would give a further update on {weekday2}.",
    "Further details are expected to be released in the coming days.",
    "{org} said it was not able to comment further at this stage.",
)
FALLBACK_ADDITIONS = (
    "A spokesperson said the situation was being kept under review.",
    "More details are expected to emerge later in the week.",
    "The figures have not been independently verified.",
    "Officials declined to say when a final decision would be made.",
    "Questions have also been raised about how the decision was communicated.",
)
CORRECTIONS = (
    "Correction: An earlier version of this article misspelled the name of {name}.",
    "Correction: An earlier version of this article gave the wrong title for {name}.",
    "Correction: An earlier version of this article gave the day as {wrong_day}. It was "
    "{weekday}.",
)
FIGURE_CORRECTION = (
    "Correction: An earlier version of this article gave an incorrect number of {noun}. "
    "This has been amended."
)
# fmt: on
