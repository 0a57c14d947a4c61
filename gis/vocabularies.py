"""The starting vocabularies (categories, historical periods) in Greek and English. Editors may change them."""

CATEGORIES = [
    ("archaeological-site", "Αρχαιολογικός χώρος", "Archaeological site"),
    ("monument", "Μνημείο", "Monument"),
    ("museum", "Μουσείο", "Museum"),
    ("church-monastery", "Εκκλησία ή μονή", "Church or monastery"),
    ("castle", "Κάστρο ή οχύρωση", "Castle or fortification"),
    ("historic-building", "Ιστορικό κτίριο", "Historic building"),
    ("traditional-settlement", "Παραδοσιακός οικισμός", "Traditional settlement"),
    ("viewpoint", "Θέα", "Viewpoint"),
    ("natural-monument", "Μνημείο της φύσης", "Natural monument"),
    ("visitor-service", "Εξυπηρέτηση επισκεπτών", "Visitor service"),
]

# (slug, Greek, English, from year, to year); negative years are BCE. Dates are conventional for Greece.
PERIODS = [
    ("prehistoric", "Προϊστορική", "Prehistoric", None, -3200),
    ("minoan-mycenaean", "Μινωική / Μυκηναϊκή", "Minoan / Mycenaean", -3200, -1100),
    ("geometric-archaic", "Γεωμετρική / Αρχαϊκή", "Geometric / Archaic", -1100, -480),
    ("classical", "Κλασική", "Classical", -480, -323),
    ("hellenistic", "Ελληνιστική", "Hellenistic", -323, -31),
    ("roman", "Ρωμαϊκή", "Roman", -31, 330),
    ("byzantine", "Βυζαντινή", "Byzantine", 330, 1453),
    ("frankish-venetian", "Φραγκοκρατία / Ενετοκρατία", "Frankish / Venetian", 1204, 1715),
    ("ottoman", "Οθωμανική", "Ottoman", 1453, 1830),
    ("modern", "Νεότερη", "Modern", 1830, None),
]

# Route themes (slug, Greek, English): the programme's themed routes.
THEMES = [
    ("antiquity", "Αρχαιότητα", "Antiquity"),
    ("byzantine-heritage", "Βυζαντινή κληρονομιά", "Byzantine heritage"),
    ("frankish-venetian", "Φραγκοκρατία και Ενετοκρατία", "Frankish and Venetian"),
    ("ottoman", "Οθωμανική περίοδος", "Ottoman"),
    ("industrial-heritage", "Βιομηχανική κληρονομιά", "Industrial heritage"),
    ("literature-arts", "Λογοτεχνία και τέχνες", "Literature and the arts"),
    ("nature", "Φύση", "Nature"),
    ("gastronomy", "Γαστρονομία", "Gastronomy"),
]

# The DCMI Type vocabulary (https://www.dublincore.org/specifications/dublin-core/dcmi-type-vocabulary/): the term,
# Greek, English. An archive item's type is one of these; its URI is DCMI_TYPE_NS + term.
DCMI_TYPE_NS = "http://purl.org/dc/dcmitype/"
DCMI_TYPES = [
    ("Collection", "Συλλογή", "Collection"),
    ("Dataset", "Σύνολο δεδομένων", "Dataset"),
    ("Event", "Γεγονός", "Event"),
    ("Image", "Εικόνα", "Image"),
    ("InteractiveResource", "Διαδραστικός πόρος", "Interactive resource"),
    ("MovingImage", "Κινούμενη εικόνα", "Moving image"),
    ("PhysicalObject", "Φυσικό αντικείμενο", "Physical object"),
    ("Service", "Υπηρεσία", "Service"),
    ("Software", "Λογισμικό", "Software"),
    ("Sound", "Ήχος", "Sound"),
    ("StillImage", "Ακίνητη εικόνα", "Still image"),
    ("Text", "Κείμενο", "Text"),
]
# Europeana's edm:type values and the DCMI type each one is.
EDM_TYPES = {"TEXT": "Text", "IMAGE": "Image", "SOUND": "Sound", "VIDEO": "MovingImage", "3D": "PhysicalObject"}

# Rights an archive item may carry (URI, short name, English name): the Creative Commons licences and public domain
# tools, and the twelve RightsStatements.org statements. The URI is the canonical one (http, trailing slash), as
# Europeana and SearchCulture.gr expect it.
_CC = [
    ("by", "Attribution"),
    ("by-sa", "Attribution-ShareAlike"),
    ("by-nd", "Attribution-NoDerivatives"),
    ("by-nc", "Attribution-NonCommercial"),
    ("by-nc-sa", "Attribution-NonCommercial-ShareAlike"),
    ("by-nc-nd", "Attribution-NonCommercial-NoDerivatives"),
]
_RIGHTS_STATEMENTS = [
    ("InC", "In Copyright"),
    ("InC-OW-EU", "In Copyright - EU Orphan Work"),
    ("InC-EDU", "In Copyright - Educational Use Permitted"),
    ("InC-NC", "In Copyright - Non-Commercial Use Permitted"),
    ("InC-RUU", "In Copyright - Rights-holder(s) Unlocatable or Unidentifiable"),
    ("NoC-CR", "No Copyright - Contractual Restrictions"),
    ("NoC-NC", "No Copyright - Non-Commercial Use Only"),
    ("NoC-OKLR", "No Copyright - Other Known Legal Restrictions"),
    ("NoC-US", "No Copyright - United States"),
    ("CNE", "Copyright Not Evaluated"),
    ("UND", "Copyright Undetermined"),
    ("NKC", "No Known Copyright"),
]
RIGHTS = [
    ("http://creativecommons.org/publicdomain/zero/1.0/", "CC0 1.0", "CC0 1.0 Universal (public domain dedication)"),
    ("http://creativecommons.org/publicdomain/mark/1.0/", "PDM 1.0", "Public Domain Mark 1.0"),
    *[
        (f"http://creativecommons.org/licenses/{code}/{version}/", f"CC {code.upper()} {version}", f"{name} {version}")
        for version in ("4.0", "3.0")
        for code, name in _CC
    ],
    *[(f"http://rightsstatements.org/vocab/{code}/1.0/", code, name) for code, name in _RIGHTS_STATEMENTS],
]
