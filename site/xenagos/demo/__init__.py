"""The demo municipalities (Athens, Nafplio) from real open data kept beside this file (see ATTRIBUTION.md)."""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point
from django.db import transaction

from content.models import PlaceIndexPage, PlacePage
from content.services import page_translation_save, place_page_create, wagtail_welcome_remove
from gis.models import Place
from gis.services import dataset_upsert, place_upsert, vocabularies_ensure
from xenagos.municipalities import municipality_create

from .archive_media import archive_media_load
from .archive_records import demo_archive_load
from .routes import demo_routes_load

HERE = Path(__file__).resolve().parent
BOUNDARIES = HERE / "boundaries.geojson"
PLACES = HERE / "places.geojson"


@dataclass(frozen=True)
class DemoMunicipality:
    code: str
    name_el: str
    name_en: str
    subdomain: str
    intro_el: str
    intro_en: str


MUNICIPALITIES = [
    DemoMunicipality(
        "9186",
        "Αθηναίων",
        "Athens",
        "athens",
        # A home page promises only what it has (OLD_INTROS: an earlier one promised routes the demo lacked).
        "Μνημεία, μουσεία και αρχαιολογικοί χώροι στην πόλη της Αθήνας.",
        "Monuments, museums and archaeological sites in the city of Athens.",
    ),
    DemoMunicipality(
        "9236",
        "Ναυπλιέων",
        "Nafplio",
        "nafplio",
        "Η πρώτη πρωτεύουσα της Ελλάδας, τα κάστρα της και η Αργολίδα γύρω της.",
        "Greece's first capital, its castles and the Argolid around it.",
    ),
]
ADMIN = ("admin", "xenagos-demo-admin")
EDITORS = {"9186": ("editor-athens", "athens-demo-editor"), "9236": ("editor-nafplio", "nafplio-demo-editor")}
# Names and e-mail addresses (example.org: reserved, never delivered) of the demo accounts: Wagtail's account page
# requires them, so without them an editor could not save a language preference.
PEOPLE = {
    "admin": ("Διαχειριστής", "Ξεναγού", "admin@example.org"),
    "editor-athens": ("Ελένη", "Αθανασίου", "editor-athens@example.org"),
    "editor-nafplio": ("Νίκος", "Ναυπλιώτης", "editor-nafplio@example.org"),
}


def _demo_person(user) -> None:
    """Give a demo account its name and e-mail address, unless someone has already set them."""
    first, last, email = PEOPLE[user.username]
    if not (user.first_name or user.last_name or user.email):
        user.first_name, user.last_name, user.email = first, last, email
        user.save(update_fields=["first_name", "last_name", "email"])


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, password, role) of the demo accounts. Demo only: never load the demo on a public server."""
    return [(ADMIN[0], ADMIN[1], "administrator, all municipalities")] + [
        (user, password, f"editor, {m.name_en} only") for m in MUNICIPALITIES for user, password in [EDITORS[m.code]]
    ]


@transaction.atomic
def demo_load(*, domain: str = "localhost", port: int = 80) -> None:
    """Create or refresh the demo: two municipalities on <name>.<domain>, their places, one editor each, and a
    themed route in each (xenagos.demo.routes)."""
    wagtail_welcome_remove()
    vocabularies_ensure()
    User = get_user_model()
    admin, created = User.objects.get_or_create(username=ADMIN[0], defaults={"is_superuser": True, "is_staff": True})
    if created:
        admin.set_password(ADMIN[1])
        admin.save()
    _demo_person(admin)
    for index, item in enumerate(MUNICIPALITIES):
        result = municipality_create(
            code=item.code,
            name_el=item.name_el,
            name_en=item.name_en,
            hostname=f"{item.subdomain}.{domain}",
            port=port,
            boundary_path=BOUNDARIES,
            where=("KWD_YPES", item.code),
            is_default=index == 0,
            intro_el=item.intro_el,
            intro_en=item.intro_en,
        )
        _intro_refresh(result.home, item)
        username, password = EDITORS[item.code]
        editor, created = User.objects.get_or_create(username=username)
        if created:
            editor.set_password(password)
            editor.save()
        _demo_person(editor)
        editor.groups.add(result.editors)
    dataset = dataset_upsert(
        slug="pleiades-demo",
        title="Pleiades gazetteer (demo selection)",
        licence="CC BY 3.0",
        attribution="Pleiades, © Ancient World Mapping Center and Institute for the Study of the Ancient World",
        source_url="https://pleiades.stoa.org/",
    )
    for feature in json.loads(PLACES.read_text(encoding="utf-8"))["features"]:
        properties = feature["properties"]
        lon, lat = feature["geometry"]["coordinates"]
        place_upsert(
            dataset=dataset,
            source_id=properties["pleiades_id"],
            location=Point(lon, lat, srid=4326),
            name_el=properties["name_el"],
            name_en=properties["name_en"],
            category=properties["category"],
            periods=properties["periods"],
            wikidata=properties["wikidata"],
            pleiades=properties["pleiades_id"],
            attributes={"title": properties["title"], "uri": properties["uri"]},
        )
    demo_pages()
    demo_routes_load()
    demo_archive_load()
    archive_media_load()  # the one zoomable image (IIIF), tiled once the transaction commits


# Home page introductions of earlier demo versions, replaced by a new load (an editor's own text is kept).
OLD_INTROS = {"Μνημεία, μουσεία και διαδρομές στην πόλη της Αθήνας."}  # promised routes, which the demo lacks


def _intro_refresh(home, item: DemoMunicipality) -> None:
    """Bring a home page still showing an earlier demo introduction to the current one, in Greek and English."""
    if home.intro not in OLD_INTROS:
        return
    home.intro = item.intro_el
    home.save_revision().publish()
    page_translation_save(source=home, locale=_english(), strings={"intro": item.intro_en})


# Editorial pages for a few places (the others are shown from their records).
PAGES: dict[str, dict[str, Any]] = {
    "638356144": {
        "el": {
            "title": "Ακρόπολη Αθηνών",
            "summary": "Ο βράχος με τον Παρθενώνα, το Ερέχθειο και τα Προπύλαια, σύμβολο της κλασικής Αθήνας.",
            "opening_hours": "Καθημερινά 08:00–20:00 (χειμώνας 08:00–17:00).",
            "admission": "Ενιαίο εισιτήριο 30 €· μειωμένο 15 €.",
            "access_notes": "Ανελκυστήρας στη βόρεια πλευρά για άτομα με κινητική αναπηρία.",
        },
        "en": {
            "title": "Acropolis of Athens",
            "summary": "The rock of the Parthenon, the Erechtheion and the Propylaea, emblem of classical Athens.",
            "opening_hours": "Daily 08:00–20:00 (winter 08:00–17:00).",
            "admission": "Single ticket €30; reduced €15.",
            "access_notes": "A lift on the north side for visitors with reduced mobility.",
        },
        "step_free": "partly",
    },
    "570740": {
        "el": {
            "title": "Τίρυνθα",
            "summary": "Μυκηναϊκή ακρόπολη με τα κυκλώπεια τείχη, μνημείο παγκόσμιας κληρονομιάς.",
            "opening_hours": "Καθημερινά 08:00–15:00.",
            "admission": "Εισιτήριο 4 €.",
            "access_notes": "",
        },
        "en": {
            "title": "Tiryns",
            "summary": "Mycenaean citadel with Cyclopean walls, a World Heritage site.",
            "opening_hours": "Daily 08:00–15:00.",
            "admission": "Ticket €4.",
            "access_notes": "",
        },
        "step_free": "no",
    },
}


def demo_pages() -> None:
    """Greek pages (published) and their English translations for the places in PAGES, once."""
    for pleiades_id, texts in PAGES.items():
        place = Place.objects.get(dataset__slug="pleiades-demo", source_id=pleiades_id)
        if PlacePage.objects.filter(place=place).exists():
            continue
        place.step_free = texts["step_free"]
        place.save(update_fields=["step_free"])
        index = PlaceIndexPage.objects.get(locale__language_code="el", depth=3, path__startswith=_home_path(place))
        greek = texts["el"]
        page = place_page_create(place=place, index=index, title=greek["title"], summary=greek["summary"])
        for field in ("opening_hours", "admission", "access_notes"):
            setattr(page, field, greek[field])
        page.save_revision().publish()
        english = texts["en"]
        page_translation_save(source=page, locale=_english(), strings=english)


def _english():
    from wagtail.models import Locale

    return Locale.objects.get(language_code="en")


def _home_path(place: Place) -> str:
    if place.municipality is None:
        raise ValueError(f"demo place {place.source_id} lies outside the demo municipalities")
    return place.municipality.branding.site.root_page.path
