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
