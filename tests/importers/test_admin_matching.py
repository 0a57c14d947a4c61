"""In the admin, as Athens' editor: a file with English names and the Wikidata/Pleiades ids of places Athens has is
guessed as English, its matches are listed in the dry run and linked by default, not duplicated."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from gis.models import Place
from tests.browser import admin_log_in, assert_accessible

from .helpers import DATA

pytestmark = [pytest.mark.browser]
ENGLISH = DATA / "athens_monuments_en.csv"
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "imports"
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}


def shoot(page, name: str, *, at: str | None = None) -> None:
    """Screenshots at phone and desktop size under var/screenshots/imports/, for a person to look at; ``at``: the
    element to scroll to first (the admin scrolls inside its own pane, so a full-page shot shows only the top)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for size, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        if at:
            page.locator(at).first.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"{name}-{size}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


@pytest.mark.django_db(transaction=True)
def test_editor_links_matching_features_instead_of_duplicating_them(page, live_server, tmp_path, settings):
    settings.XENAGOS_IMPORT_ROOT = tmp_path / "uploads"
    admin_log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/imports/new/")
    page.locator("#id_file").set_input_files(str(ENGLISH))
    page.locator("#id_title").fill("Monuments in English")
    page.locator("#id_licence").fill("CC BY 3.0")
    page.locator("#id_attribution").fill("Pleiades")
    page.locator("form[data-importers-upload] button[type=submit]").click()
    expect(page.locator("[data-importers-facts] [data-fact=count]")).to_have_text("5")
    page.locator("button[name=next]").click()

    expect(page.locator("#id_field_name_en")).to_have_value("name")  # Latin-script names: English
    expect(page.locator("#id_field_name_el")).to_have_value("")
    expect(page.locator("#id_field_wikidata")).to_have_value("wikidata")
    expect(page.locator("#id_field_pleiades")).to_have_value("pleiades")
    expect(page.locator("input[name=matching][value=link]")).to_be_checked()
    assert_accessible(page)
    shoot(page, "mapping")
    shoot(page, "mapping-matches", at="input[name=matching]")
    page.locator("form[data-importers-mapping] button[type=submit]").click()

    counts = page.locator("[data-importers-counts]")
    expect(counts.locator("[data-count=matched]")).to_have_text("3")
    expect(counts.locator("[data-count=link]")).to_have_text("3")
    expect(counts.locator("[data-count=create]")).to_have_text("2")
    matched = page.locator("[data-importers-matched] tbody tr")
    expect(matched).to_have_count(3)
    expect(matched.first).to_contain_text("Παρθενώνας")
    expect(matched.first).to_contain_text("Wikidata Q10288")
    expect(page.locator("[data-importers-duplicates]")).to_contain_text("Ηφαιστείο")
    assert_accessible(page)
    shoot(page, "dry-run-report")
    shoot(page, "dry-run-matches", at="[data-importers-matched]")
    shoot(page, "dry-run-duplicates", at="[data-importers-duplicates]")

    page.locator("[data-importers-confirm]").click()
    expect(page.locator("[data-importers-done]")).to_be_visible()
    expect(counts.locator("[data-count=link]")).to_have_text("3")
    created = Place.objects.filter(dataset__slug="monuments-in-english")
    assert sorted(created.values_list("name_en", flat=True)) == ["Temple of Hephaestus", "Tower of the Winds"]
    assert set(created.values_list("name_el", flat=True)) == {""}
    assert Place.objects.filter(wikidata="Q10288").count() == 1
    shoot(page, "report")
