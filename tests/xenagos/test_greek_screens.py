"""The Greek admin and the Greek public pages show no English: a municipality's editor (and, for raster layers,
the administrator) and a visitor open a set of screens in Chromium, and every text they can meet there — visible or
behind a menu, titles, aria-labels, placeholders, tooltips, image alternatives — is checked for English words.

The detector knows common English interface words (and the English names of the starting vocabularies), not
every Latin-script word: proper names (Wikidata, Pleiades, OpenStreetMap, GeoJSON, …) and what the data itself
says (a dataset's title and attribution as its source wrote them) pass. Text that the page marks as another
language (``lang="en"``, like the language switcher's "English") passes too. The failure lists each screen and
each offending text, so whoever added an untranslated string at merge time sees where it is."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from gis import vocabularies
from tests.browser import admin_log_in, site_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Common words of English user interfaces (lower case). Words that are also proper names or Greek-admin jargon
# that stays in Latin script (URL, API, CSV, …) are not here.
ENGLISH_UI_WORDS = set(
    """
    about account actions activity add added admin after ago all an and any apply are as at back before
    browse by cancel categories category change changed changes choose clear close collection collections comment
    comments content copy create created current dashboard date day days delete description details document
    documents download draft edit editor edited editing email empty enter error failed field file files filter
    filters find first for from get help here hide history home hour hours image images import imports in info
    is it item items language last latest layer layers less link live locale lock locked log login logout main
    make menu minute minutes month months more moderation my name new next no not notes notifications of off on
    open or order owner page pages password period periods place places please preferences preview previous
    privacy profile publish published recent refresh remove reports required reset results revision revisions
    save saved saving search see select selected send set settings show showing sign site sites size snippets
    sort source status submit submitted summary sync synced the there this time title to translate translated
    translation translations type unlock unpublish untitled update updated upload uploaded user username users
    version view week weeks welcome with workflow workflows year years yes you your zoom
    """.split()
) | {
    word.lower()
    for _slug, _el, english, *_years in [*vocabularies.CATEGORIES, *vocabularies.PERIODS]
    for word in re.findall(r"[A-Za-z]+", english)
    if len(word) > 2
}
# Latin-script tokens that are names, formats or standards, kept as they are in Greek text.
ALLOWED_PHRASES = [
    "CC BY-SA",
    "CC BY",
    "CC0",
    "© OpenStreetMap contributors",
    "OpenStreetMap contributors",
    "Wikimedia Commons",
    "Open Data Commons",
    "DCMI Type",  # the vocabulary's name, and its terms (e.g. StillImage) as an API value
    "StillImage",
]
WORD = re.compile(r"[A-Za-z][A-Za-z'’]*(?:-[A-Za-z]+)*")
CODE_LIKE = re.compile(r"`[^`]*`|\S*[/=_@#?{}<>]\S*|\S+\.\w{2,4}\b|%\(\w+\)s")

# Everything a person can meet on the page: text nodes (visible or in a closed menu), the page title, and the
# attributes that are read out or shown as tooltips. Not: scripts, code samples, form values (what users typed),
# SVG sprites, and text inside an element marked as another language than the page's.
COLLECT = r"""
() => {
  const pageLang = (document.documentElement.lang || "").slice(0, 2);
  const skip = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "CODE", "PRE", "KBD", "SAMP", "TEXTAREA", "svg"]);
  const otherLanguage = (el) => {
    const marked = el.closest("[lang]");
    return marked && marked.getAttribute("lang").slice(0, 2) !== pageLang;
  };
  // jquery.datetimepicker's "Save Selected" button, which Wagtail never shows (no showApplyButton), cannot be
  // translated: it is left out.
  const skipped = (el) => {
    if (el.closest(".xdsoft_save_selected")) return true;
    for (let node = el; node; node = node.parentElement) if (skip.has(node.tagName)) return true;
    return otherLanguage(el);
  };
  const texts = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.nodeValue.trim();
    if (text && !skipped(node.parentElement)) texts.push(text);
  }
  const attributes = ["title", "aria-label", "placeholder", "alt", "aria-description", "data-w-tooltip-content-value"];
  for (const el of document.body.querySelectorAll("*")) {
    if (skipped(el)) continue;
    for (const name of attributes) {
      const value = el.getAttribute(name);
      if (value && value.trim()) texts.push(value.trim());
    }
    if (el.tagName === "INPUT" && ["submit", "button", "reset"].includes(el.type) && el.value) texts.push(el.value);
  }
  return texts;
}
"""


def english_in(texts: list[str], allowed: list[str]) -> list[str]:
    """The texts that contain an English interface word, with the words found (after allowed names are removed)."""
    found = []
    phrases = sorted({phrase for phrase in [*ALLOWED_PHRASES, *allowed] if phrase}, key=len, reverse=True)
    for text in dict.fromkeys(texts):
        rest = text
        for phrase in phrases:
            rest = rest.replace(phrase, " ")
        rest = CODE_LIKE.sub(" ", rest)
        words = [word for word in WORD.findall(rest) if word.lower().strip("'’") in ENGLISH_UI_WORDS]
        if words:
            found.append(f"{text[:120]!r} ({', '.join(dict.fromkeys(words))})")
    return found


def test_the_detector_finds_english_and_passes_greek():
    assert english_in(["Πριν από 12 minutes", "CURRENT PAGE STATUS", "Zoom in"], []) == [
        "'Πριν από 12 minutes' (minutes)",
        "'CURRENT PAGE STATUS' (CURRENT, PAGE, STATUS)",
        "'Zoom in' (Zoom, in)",
    ]
    assert english_in(["Classical"], []) == ["'Classical' (Classical)"]
    assert (
        english_in(
            [
                "Αρχεία GeoJSON και CSV, άδεια CC BY 4.0, © OpenStreetMap contributors",
                "https://example.org/el/api/collections/places/items?limit=10",
                "Πηγή: Pleiades gazetteer (demo selection)",
                "Wikidata Q131013 · Leaflet",
            ],
            ["Pleiades gazetteer (demo selection)"],
        )
        == []
    )


def data_phrases() -> list[str]:
    """What the data says in its own words: dataset titles and attributions, base-map and layer credits, user
    names, and the English pages' own texts (the translation editor shows them beside the Greek)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from wagtail.models import Page

    from content.models import PlacePage
    from gis.models import ArchiveItem, Dataset
    from tiles.models import RasterLayer

    phrases = [base["attribution"] for base in settings.BASEMAPS]
    phrases += list(get_user_model().objects.values_list("username", flat=True))
    phrases += list(Page.objects.filter(locale__language_code="en").values_list("title", flat=True))
    for page in PlacePage.objects.filter(locale__language_code="en"):
        phrases += [page.summary, page.opening_hours, page.admission, page.access_notes]
    for title, attribution in Dataset.objects.values_list("title", "attribution"):
        phrases += [title, attribution]
    phrases += [text for text in RasterLayer.objects.values_list("attribution", flat=True)]
    # archive items' titles are the source's text, in its language (the demo's National Gallery titles are English)
    phrases += [text for pair in ArchiveItem.objects.values_list("name_el", "name_en") for text in pair if text]
    return phrases


def check_screens(page: Page, screens: list[tuple[str, str]], *, prepare=None) -> list[str]:
    """Open each (name, url) and list what English it shows; ``prepare(page, name)`` may open menus or panels."""
    allowed = data_phrases()
    problems = []
    for name, url in screens:
        response = page.goto(url)
        assert response is not None and response.status == 200, f"{name}: {url} answered {response and response.status}"
        page.wait_for_load_state("networkidle")
        if prepare:
            prepare(page, name)
        problems += [f"{name} ({url}): {item}" for item in english_in(page.evaluate(COLLECT), allowed)]
    return problems


def acropolis():
    from content.models import PlacePage

    greek = PlacePage.objects.get(locale__language_code="el", place__source_id="638356144")
    english = PlacePage.objects.get(locale__language_code="en", translation_key=greek.translation_key)
    return greek, english


def test_greek_admin_screens_of_an_editor_show_no_english(page, live_server):
    greek, english = acropolis()
    admin_log_in(page, live_server)
    base = live_server.url
    screens = [
        ("dashboard", f"{base}/admin/"),
        ("pages explorer", f"{base}/admin/pages/{greek.get_parent().get_parent().pk}/"),
        ("place page editor", f"{base}/admin/pages/{greek.pk}/edit/"),
        ("translation editor", f"{base}/admin/pages/{english.pk}/edit/"),
        ("places", base + reverse("wagtailsnippets_xgis_place:list")),
        ("new place", base + reverse("wagtailsnippets_xgis_place:add")),
        ("place edit", base + reverse("wagtailsnippets_xgis_place:edit", args=[greek.place_id])),
        ("import upload", base + reverse("importers:upload")),
        ("new archive item", base + reverse("wagtailsnippets_xgis_archiveitem:add")),  # its audio and video panel
        ("media library", base + reverse("wagtailmedia:index")),  # wagtailmedia: Greek from site/locale-overrides
        ("new audio", base + reverse("wagtailmedia:add", args=["audio"])),
    ]

    def prepare(page: Page, name: str) -> None:
        if name == "place page editor":  # the status side panel ("current page status") and the actions menu
            page.locator("[data-side-panel-toggle='status']").first.click()
            page.locator("[data-side-panel='status']").wait_for(state="visible")

    problems = check_screens(page, screens, prepare=prepare)
    assert not problems, "English on Greek admin screens:\n" + "\n".join(problems)


def test_greek_account_screen_of_an_editor_shows_no_english(page, live_server):
    """Apart from the others: the account page also lists the time zones (and the language preference)."""
    admin_log_in(page, live_server)
    problems = check_screens(page, [("account", f"{live_server.url}/admin/account/")])
    assert not problems, "English on Greek admin screens:\n" + "\n".join(problems)


def test_greek_admin_screens_of_the_administrator_show_no_english(page, live_server):
    admin_log_in(page, live_server, "admin", "xenagos-demo-admin")
    base = live_server.url
    screens = [
        ("dashboard", f"{base}/admin/"),
        ("raster layers", base + reverse("raster_layers:index")),
        ("new raster layer", base + reverse("raster_layers:add")),
    ]
    problems = check_screens(page, screens)
    assert not problems, "English on Greek admin screens:\n" + "\n".join(problems)


def test_greek_public_screens_show_no_english(page, live_server):
    from gis.models import Place

    greek, _english = acropolis()
    record = Place.objects.filter(municipality__code="9186", withdrawn=False).exclude(pk=greek.place_id).first()
    athens = lambda path: site_url(live_server, "athens", path)  # noqa: E731
    screens = [
        ("home", athens("/el/")),
        ("map", athens("/el/map/")),
        ("place page", athens(greek.get_url_parts()[2])),
        ("place from its record", athens(f"/el/places/p/{record.uid}/")),
        ("open data", athens("/el/data/")),
        ("privacy", athens("/el/privacy/")),
    ]

    def prepare(page: Page, name: str) -> None:
        if name == "map":  # Leaflet's controls carry their own texts: zoom buttons, the layer switcher
            page.locator(".leaflet-control-zoom-in").wait_for()

    problems = check_screens(page, screens, prepare=prepare)
    assert not problems, "English on Greek public pages:\n" + "\n".join(problems)
