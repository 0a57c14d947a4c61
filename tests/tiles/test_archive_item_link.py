"""A historical map layer links to the archive item it was made from (issue 15): the field, the admin's choice
(only an item of a municipality the editor edits and whose map the layer reaches: tried as an attacker), "From the
archive: <title>" in the overlay's attribution on the map and "This map is a layer on the map" on the item's page,
each only when the item is published and of the host's municipality."""

import json

import pytest
from bs4 import BeautifulSoup

from tests.factories import ArchiveItemFactory
from tests.tiles.test_registry import form_data
from tiles.models import RasterLayer

pytestmark = pytest.mark.django_db

ATHENS_HOST = {"HTTP_HOST": "athens.localhost"}
NAFPLIO_HOST = {"HTTP_HOST": "nafplio.localhost"}


@pytest.fixture
def athens_map(athens):
    return ArchiveItemFactory(municipality=athens, name_el="Χάρτης των Αθηνών", name_en="Map of Athens, 1875")


@pytest.fixture
def nafplio_map(nafplio):
    return ArchiveItemFactory(municipality=nafplio, name_el="Χάρτης του Ναυπλίου", name_en="Map of Nafplio")


@pytest.fixture
def raster_editor(athens_raster_editor):
    return athens_raster_editor[1]


def edit_data(layer: RasterLayer, **overrides) -> dict:
    return form_data(slug=layer.slug, title_el=layer.title_el, title_en=layer.title_en, **overrides)


def test_deleting_the_item_keeps_the_layer(athens_layer, athens_map):
    athens_layer.archive_item = athens_map
    athens_layer.save()
    assert list(athens_map.raster_layers.all()) == [athens_layer]
    athens_map.delete()
    athens_layer.refresh_from_db()
    assert athens_layer.archive_item is None and athens_layer.status == "ready"


def test_an_editor_links_their_municipalitys_item(raster_editor, athens_layer, athens_map):
    response = raster_editor.post(
        f"/admin/raster_layers/edit/{athens_layer.pk}/", edit_data(athens_layer, archive_item=athens_map.pk)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    athens_layer.refresh_from_db()
    assert athens_layer.archive_item == athens_map


def test_an_editor_cannot_post_another_municipalitys_item(raster_editor, athens_layer, nafplio_map):
    page = raster_editor.get(f"/admin/raster_layers/edit/{athens_layer.pk}/").content.decode()
    assert "archive_item" in page  # the field is there, as a chooser
    response = raster_editor.post(
        f"/admin/raster_layers/edit/{athens_layer.pk}/", edit_data(athens_layer, archive_item=nafplio_map.pk)
    )
    assert response.status_code == 200  # the form again, with its error
    form = response.context["form"]
    assert "archive_item" in form.errors
    athens_layer.refresh_from_db()
    assert athens_layer.archive_item is None


def test_the_chooser_lists_only_the_editors_items(raster_editor, athens_map, nafplio_map):
    listing = raster_editor.get("/admin/snippets/choose/xgis/archiveitem/results/?q=Χάρτης")
    text = listing.content.decode()
    assert listing.status_code == 200
    assert "Χάρτης των Αθηνών" in text and "Χάρτης του Ναυπλίου" not in text


def test_even_a_superuser_cannot_link_an_item_of_a_municipality_the_layer_does_not_reach(
    admin_client, athens_layer, nafplio_map
):
    response = admin_client.post(
        f"/admin/raster_layers/edit/{athens_layer.pk}/", edit_data(athens_layer, archive_item=nafplio_map.pk)
    )
    assert response.status_code == 200
    message = "Το «Χάρτης του Ναυπλίου» είναι τεκμήριο του δήμου Ναυπλιέων, στον χάρτη του οποίου το επίπεδο αυτό δεν"
    assert message in str(response.context["form"].errors["archive_item"])  # the admin speaks Greek by default
    athens_layer.refresh_from_db()
    assert athens_layer.archive_item is None


def overlay_attributions(response) -> list[str]:
    """The attributions of the overlay tile layers in the map page's JSON configuration."""
    soup = BeautifulSoup(response.content, "html.parser")
    found = []
    for script in soup.find_all("script", type="application/json"):
        try:
            config = json.loads(script.string or "")
        except ValueError:
            continue
        steps = config.get("steps", []) if isinstance(config, dict) else []
        found += [step["options"]["attribution"] for step in steps if step.get("overlay") and step["type"] == "tiles"]
    return found


def test_the_map_names_the_published_item_of_its_municipality(client, athens_layer, athens_map):
    athens_layer.archive_item = athens_map
    athens_layer.save()
    attributions = overlay_attributions(client.get("/en/map/", **ATHENS_HOST))
    assert len(attributions) == 1
    link = BeautifulSoup(attributions[0], "html.parser").find("a", href=f"/en/archive/{athens_map.uid}/")
    assert link is not None and link.text == "Map of Athens, 1875"
    assert "From the archive:" in attributions[0]
    greek = overlay_attributions(client.get("/el/map/", **ATHENS_HOST))
    assert f'href="/el/archive/{athens_map.uid}/">Χάρτης των Αθηνών</a>' in greek[0]


def test_the_map_does_not_name_a_withdrawn_item_or_another_municipalitys(client, athens_layer, athens_map, nafplio_map):
    athens_map.withdrawn = True
    athens_map.save()
    athens_layer.archive_item = athens_map
    athens_layer.save()
    assert "archive" not in overlay_attributions(client.get("/en/map/", **ATHENS_HOST))[0]
    RasterLayer.objects.filter(pk=athens_layer.pk).update(archive_item=nafplio_map)  # past the form, as a script could
    assert "archive" not in overlay_attributions(client.get("/en/map/", **ATHENS_HOST))[0]


def item_layer_links(response) -> list[tuple[str, str]]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [(p.a["href"], p.get_text(" ", strip=True)) for p in soup.select("[data-archive-map-layer]")]


def test_the_item_page_links_to_the_map_with_the_layer_on(client, athens_layer, athens_map):
    assert item_layer_links(client.get(f"/en/archive/{athens_map.uid}/", **ATHENS_HOST)) == []
    athens_layer.archive_item = athens_map
    athens_layer.save()
    links = item_layer_links(client.get(f"/en/archive/{athens_map.uid}/", **ATHENS_HOST))
    assert links == [("/en/map/?layer=athens-1875", "This map is a layer on the map (Athens 1875)")]
    greek = item_layer_links(client.get(f"/el/archive/{athens_map.uid}/", **ATHENS_HOST))
    assert greek == [("/el/map/?layer=athens-1875", "Ο χάρτης αυτός είναι επίπεδο του χάρτη (Αθήνα 1875)")]


def test_the_item_page_does_not_link_an_unpublished_layer_or_one_off_its_map(client, athens_layer, nafplio_map):
    athens_layer.archive_item = nafplio_map  # past the form: an Athens layer that Nafplio's map does not offer
    athens_layer.save()
    assert item_layer_links(client.get(f"/en/archive/{nafplio_map.uid}/", **NAFPLIO_HOST)) == []
    athens_map = ArchiveItemFactory(name_el="Χάρτης")
    RasterLayer.objects.filter(pk=athens_layer.pk).update(archive_item=athens_map, published=False)
    assert item_layer_links(client.get(f"/en/archive/{athens_map.uid}/", **ATHENS_HOST)) == []
