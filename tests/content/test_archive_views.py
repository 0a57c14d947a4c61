"""The public archive through a real client: the list (facets, search, paging, 400 for a parameter it cannot use),
an item's page (its Dublin Core values by language, rights, collections, "Cite this" in plain text and BibTeX parsed
back by bibtexparser, schema.org data), 404 for what is not published here (tried from the other municipality's
host), the header's link and a place page's "In the archive"."""

import json

import bibtexparser
import pytest
from bibtexparser.middlewares import LatexDecodingMiddleware
from bs4 import BeautifulSoup
from django.contrib.gis.geos import Point, Polygon
from django.urls import reverse

from content.archive_context import bibtex_escape
from content.archive_views import LIST_PAGE
from gis.archive import DC_ELEMENTS
from gis.models import ArchiveItem
from tests.factories import ArchiveCollectionFactory, ArchiveItemFactory, PlaceFactory

pytestmark = pytest.mark.django_db

ATHENS = {"HTTP_HOST": "athens.localhost"}
NAFPLIO = {"HTTP_HOST": "nafplio.localhost"}
CC_BY_SA = "http://creativecommons.org/licenses/by-sa/4.0/"
TRICKY_TITLE = "Η «Πλάκα» {1912} 50% & $x_1$ ~ ^ \\ #"


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture(autouse=True)
def only_these_items(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the page cache's invalidation runs, not left pending
        ArchiveItem.objects.all().delete()  # the demo's


@pytest.fixture
def postcard(athens):
    agora = PlaceFactory(name_el="Αρχαία Αγορά", name_en="Ancient Agora", location=Point(23.7227, 37.9747, srid=4326))
    collection = ArchiveCollectionFactory(municipality=athens, slug="postcards", name_el="Καρτ ποστάλ", name_en="Cards")
    return ArchiveItemFactory(
        dc=[
            ("title", "Η Αρχαία Αγορά", "el"),
            ("title", "The Ancient Agora", "en"),
            ("creator", "Κοντός, Νικόλαος", ""),
            ("creator", "Φωτογραφείο «Ερμής»", ""),
            ("subject", "αρχαιότητες", "el"),
            ("description", "Άποψη από τον Άρειο Πάγο.", "el"),
            ("publisher", "Εκδόσεις Α", ""),
            ("contributor", "Μαρία Π.", ""),
            ("date", "1912–1913", ""),
            ("type", "http://purl.org/dc/dcmitype/StillImage", ""),
            ("type", "καρτ ποστάλ", "el"),
            ("format", "χαρτί, 9 × 14 εκ.", "el"),
            ("identifier", "ΚΠ-0042", ""),
            ("source", "Συλλογή Δήμου", "el"),
            ("language", "ell", ""),
            ("relation", "ΚΠ-0041", ""),
            ("coverage", "Αθήνα", "el"),
            ("rights", CC_BY_SA, ""),
        ],
        places=[agora],
        collections=[collection],
        location=Point(23.7230, 37.9750, srid=4326),
    )


def test_the_list_shows_published_items_with_facets_and_searches(client, postcard, nafplio):
    ArchiveItemFactory(dc=[("title", "Αποσυρμένο", "el")], withdrawn=True)
    ArchiveItemFactory(municipality=nafplio, dc=[("title", "Το Ναύπλιο", "el"), ("type", "Text", "")])
    page = soup_of(client.get("/el/archive/", **ATHENS))
    assert [a.get_text(strip=True) for a in page.select("[data-archive-list] h2 a")] == ["Η Αρχαία Αγορά"]
    types = page.select('[data-facet="type"] li')
    assert [li.get_text(" ", strip=True) for li in types] == ["Ακίνητη εικόνα (1)"]
    assert page.select_one('[data-facet="decade"] a').get_text(strip=True) == "Δεκαετία του 1910"
    assert page.select_one('[data-facet="rights"] a')["href"] == "?rights=cc-by-sa-4.0"
    assert page.select_one('[data-facet="place"] a').get_text(strip=True) == "Αρχαία Αγορά"
    english = soup_of(client.get("/en/archive/?q=agora&type=StillImage&rights=cc-by-sa-4.0", **ATHENS))
    assert [a.get_text(strip=True) for a in english.select("[data-archive-list] h2 a")] == ["The Ancient Agora"]
    chosen = english.select_one('[data-facet="type"] a[aria-current]')
    assert chosen is not None and chosen["href"] == "?q=agora&rights=cc-by-sa-4.0"  # a chosen value's link drops it
    none = soup_of(client.get("/el/archive/?q=Ναύπλιο", **ATHENS))  # Nafplio's item is not Athens'
    assert none.select_one("[data-archive-empty]") is not None


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("type=Photo", "type"),
        ("decade=1913", "decade"),
        ("place=not-a-uuid", "place"),
        ("collection=nope", "collection"),
        ("rights=copyright", "rights"),
        ("sort=random", "sort"),
        ("page=0", "page"),
        ("page=x", "page"),
        ("q=" + "α" * 201, "q"),
    ],
)
def test_a_parameter_that_cannot_be_used_is_a_400_naming_it(client, postcard, query, name):
    response = client.get(f"/en/archive/?{query}", **ATHENS)
    assert response.status_code == 400
    notice = soup_of(response).select_one("[data-archive-bad]")
    assert notice["data-archive-bad"] == name and f"{name}=" in notice.get_text()


def test_another_municipalitys_place_or_collection_is_a_400_and_a_page_past_the_end_a_404(client, postcard, nafplio):
    bourtzi = PlaceFactory(location=Point(22.8085, 37.5673, srid=4326))
    ArchiveCollectionFactory(municipality=nafplio, slug="nafplio-cards")
    assert client.get(f"/el/archive/?place={bourtzi.uid}", **ATHENS).status_code == 400
    assert client.get("/el/archive/?collection=nafplio-cards", **ATHENS).status_code == 400
    assert client.get("/el/archive/?page=2", **ATHENS).status_code == 404


def test_pages_of_24(client, athens):
    for n in range(LIST_PAGE + 2):
        ArchiveItemFactory(dc=[("title", f"Τεκμήριο {n:02d}", "el"), ("date", str(1900 + n), "")])
    first = soup_of(client.get("/el/archive/?sort=date", **ATHENS))
    assert len(first.select("[data-archive-list] li")) == LIST_PAGE
    assert first.select_one("[data-archive-count]")["data-archive-count"] == str(LIST_PAGE + 2)
    next_link = first.select_one('a[rel="next"]')["href"]
    assert next_link == "?sort=date&page=2"
    second = soup_of(client.get(f"/el/archive/{next_link}", **ATHENS))
    assert [a.get_text() for a in second.select("[data-archive-list] h2 a")] == ["Τεκμήριο 24", "Τεκμήριο 25"]


def test_the_item_page_shows_every_element_in_the_visitors_language(client, postcard):
    url = reverse("archive-item", kwargs={"uid": postcard.uid})
    assert url == f"/el/archive/{postcard.uid}/"
    page = soup_of(client.get(f"/en/archive/{postcard.uid}/", **ATHENS))
    shown = {row["data-element"]: row for row in page.select("[data-archive-values] > div")}
    assert len(DC_ELEMENTS) == 15 and set(shown) == {*DC_ELEMENTS, "collections"}  # every element has a value
    assert page.select_one("h1").get_text() == "The Ancient Agora"
    assert [dd.get_text() for dd in shown["title"].select("dd")] == ["The Ancient Agora"]
    subject = shown["subject"].select_one("dd")  # no English subject: the Greek one, marked for screen readers
    assert subject.get_text() == "αρχαιότητες" and subject["lang"] == "el"
    assert shown["date"].select_one("dd").get_text() == "1912–1913"  # as written
    assert shown["type"].select_one("a").get_text() == "Still image"
    rights = shown["rights"].select_one("a")
    assert (rights.get_text(), rights["href"]) == ("CC BY-SA 4.0", CC_BY_SA)
    assert shown["collections"].select_one("a")["href"] == "/en/archive/?collection=postcards"
    assert page.select_one("[data-archive-place] a").get_text() == "Ancient Agora"
    greek = soup_of(client.get(f"/el/archive/{postcard.uid}/", **ATHENS))
    assert greek.select_one("h1").get_text() == "Η Αρχαία Αγορά"
    assert not greek.select_one('[data-element="subject"] dd').has_attr("lang")
    assert greek.select_one('[data-element="type"] a').get_text() == "Ακίνητη εικόνα"
    types = [dd.get_text() for dd in greek.select('[data-element="type"] dd')]
    assert types == ["Ακίνητη εικόνα", "καρτ ποστάλ"]  # the term once (not its URI again), then the other text


def test_schema_org_data_and_the_map(client, postcard):
    page = soup_of(client.get(f"/en/archive/{postcard.uid}/", **ATHENS))
    data = json.loads(page.select_one('script[type="application/ld+json"]').string)
    assert data["@type"] == ["ArchiveComponent", "Photograph"]
    assert data["name"] == "The Ancient Agora" and data["license"] == CC_BY_SA
    assert data["dateCreated"] == "1912–1913"
    assert [c["name"] for c in data["creator"]] == ["Κοντός, Νικόλαος", "Φωτογραφείο «Ερμής»"]
    assert data["contentLocation"][0]["name"] == "Ancient Agora"
    config = json.loads(page.select_one("#xenagos-archive-map-config").string)
    kinds = [step["type"] for step in config["steps"]]
    assert kinds == ["tiles", "geojson", "marker", "fitBounds"]  # the place, the item's own point, fitted


def test_cite_this_in_plain_text_and_bibtex_parsed_back(client, athens):
    item = ArchiveItemFactory(
        dc=[
            ("title", TRICKY_TITLE, "el"),
            ("creator", "Κοντός, Νικόλαος", ""),
            ("creator", "Φωτογραφείο {Ερμής}", ""),
            ("date", "c. 1920", ""),
            ("rights", "InC", ""),
        ]
    )
    page = soup_of(client.get(f"/el/archive/{item.uid}/", **ATHENS))
    plain = page.select_one("#cite-text").get_text()
    assert plain.startswith("Κοντός, Νικόλαος; Φωτογραφείο {Ερμής}. " + TRICKY_TITLE + ". c. 1920. ")
    assert plain.endswith(f"http://athens.localhost/el/archive/{item.uid}/")
    bibtex = page.select_one("#cite-bibtex").get_text()
    library = bibtexparser.parse_string(bibtex, append_middleware=[LatexDecodingMiddleware()])
    assert library.failed_blocks == []
    (entry,) = library.entries
    assert entry.entry_type == "misc" and entry.key == f"xenagos-{item.uid}"
    fields = {field.key: field.value for field in entry.fields}
    assert fields["title"] == TRICKY_TITLE.replace("^", "ˆ")  # pylatexenc reads \textasciicircum as the modifier
    assert fields["year"] == "c. 1920"
    assert fields["url"] == f"http://athens.localhost/el/archive/{item.uid}/"
    assert fields["author"] == "Κοντός, Νικόλαος and Φωτογραφείο {Ερμής}"
    raw = {field.key: field.value for field in bibtexparser.parse_string(bibtex).entries[0].fields}
    assert raw["author"] == "Κοντός, Νικόλαος and {Φωτογραφείο \\{Ερμής\\}}"  # a name without a comma kept whole
    assert bibtex_escape("a{b}") == "a\\{b\\}"
    assert fields["publisher"] == "Αρχείο του Δήμου Αθηναίων" and "howpublished" not in fields


def test_a_citation_names_the_records_own_publisher_and_the_archive_that_holds_it(client, athens):
    item = ArchiveItemFactory(
        dc=[
            ("title", "Νομίσματα", "el"),
            ("publisher", "National Gallery of Art, Washington", ""),
            ("date", "1950", ""),
        ]
    )
    page = soup_of(client.get(f"/el/archive/{item.uid}/", **ATHENS))
    plain = page.select_one("#cite-text").get_text()
    assert plain.startswith("Νομίσματα. 1950. National Gallery of Art, Washington. Αρχείο του Δήμου Αθηναίων. http")
    (entry,) = bibtexparser.parse_string(page.select_one("#cite-bibtex").get_text()).entries
    fields = {field.key: field.value for field in entry.fields}
    assert fields["publisher"] == "National Gallery of Art, Washington"
    assert fields["howpublished"] == "Αρχείο του Δήμου Αθηναίων"


def test_an_item_not_published_here_is_a_404(client, postcard, nafplio):
    withdrawn = ArchiveItemFactory(dc=[("title", "Αποσυρμένο", "el")], withdrawn=True)
    nowhere = ArchiveItemFactory(dc=[("title", "Κανενός", "el")], municipality=None)
    theirs = ArchiveItemFactory(municipality=nafplio, dc=[("title", "Το Ναύπλιο", "el")])
    assert client.get(f"/el/archive/{postcard.uid}/", **ATHENS).status_code == 200
    for item in (withdrawn, nowhere):
        assert client.get(f"/el/archive/{item.uid}/", **ATHENS).status_code == 404
    # an attacker on Athens' host asking for Nafplio's item, and on Nafplio's for Athens'
    assert client.get(f"/el/archive/{theirs.uid}/", **ATHENS).status_code == 404
    response = client.get(f"/en/archive/{postcard.uid}/", **NAFPLIO)
    assert response.status_code == 404 and "Αρχαία Αγορά" not in response.content.decode()
    assert client.get(f"/el/archive/{theirs.uid}/", **NAFPLIO).status_code == 200
    assert "Η Αρχαία Αγορά" not in client.get("/el/archive/", **NAFPLIO).content.decode()


def test_an_area_is_drawn_as_an_outline(client, athens):
    area = Polygon(((23.72, 37.97), (23.73, 37.97), (23.73, 37.98), (23.72, 37.97)), srid=4326)
    item = ArchiveItemFactory(dc=[("title", "Χάρτης", "el")], location=area)
    page = soup_of(client.get(f"/el/archive/{item.uid}/", **ATHENS))
    config = json.loads(page.select_one("script#xenagos-archive-map-config").string)
    assert [step["type"] for step in config["steps"]] == ["tiles", "geojson", "fitBounds"]
    bare = ArchiveItemFactory(dc=[("title", "Χωρίς τόπο", "el")])
    assert soup_of(client.get(f"/el/archive/{bare.uid}/", **ATHENS)).select_one(".archive-map") is None


def test_the_header_links_the_archive_only_when_something_is_published(client, athens):
    def link():
        return soup_of(client.get("/el/map/", **ATHENS)).select_one('header nav a[href="/el/archive/"]')

    assert link() is None
    item = ArchiveItemFactory(dc=[("title", "Πρώτο", "el")])
    assert link() is not None
    item.withdrawn = True
    item.save()
    assert link() is None


def test_a_place_page_lists_its_archive_items(client, athens):
    from content.models import PlacePage

    page = PlacePage.objects.filter(locale__language_code="el", live=True).first()
    place = page.place
    for n in range(8):
        ArchiveItemFactory(dc=[("title", f"Τεκμήριο {n}", "el"), ("date", str(1900 + n), "")], places=[place])
    ArchiveItemFactory(dc=[("title", "Αποσυρμένο", "el")], places=[place], withdrawn=True)
    soup = soup_of(client.get(page.url, **ATHENS))
    items = soup.select("[data-archive-of-place] li")
    assert len(items) == 6 and items[0].find("a").get_text() == "Τεκμήριο 0"
    more = soup.select_one(".in-archive p a")
    assert more["href"] == f"/el/archive/?place={place.uid}" and "8" in more.get_text()


def test_the_header_link_is_kept_in_the_cache_and_follows_the_items(
    client, athens, settings, tmp_path, django_capture_on_commit_callbacks
):
    """With the page cache on (a file cache), the header's answer is read from the cache (no query for it) until
    a write to an item commits and starts a new generation."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path / "c")}
    }
    settings.XENAGOS_PAGE_CACHE_SECONDS = 600
    client.cookies[settings.SESSION_COOKIE_NAME] = "none"  # never served whole from the page cache: rendered
    table = ArchiveItem._meta.db_table

    def link():
        with CaptureQueriesContext(connection) as queries:
            soup = soup_of(client.get("/el/map/", **ATHENS))
        asked = [  # the header's EXISTS (the map's archive layer reads the table too)
            q["sql"] for q in queries.captured_queries if f'FROM "{table}"' in q["sql"] and "LIMIT 1" in q["sql"]
        ]
        return soup.select_one('header nav a[href="/el/archive/"]') is not None, len(asked)

    assert link() == (False, 1)
    assert link() == (False, 0)  # from the cache
    with django_capture_on_commit_callbacks(execute=True):
        item = ArchiveItemFactory(dc=[("title", "Πρώτο", "el")])
    assert link() == (True, 1)
    assert link() == (True, 0)
    with django_capture_on_commit_callbacks(execute=True):
        item.withdrawn = True
        item.save()
    assert link() == (False, 1)


def test_linked_routes_with_a_live_page_are_listed_and_drawn(client, athens):
    from gis.models import Route
    from tests.content.test_routes_list import make_route

    Route.objects.update(withdrawn=True)
    walk = make_route(athens, "Περίπατος στην Πλάκα")
    hidden = make_route(athens, "Χωρίς σελίδα", live=False)
    item = ArchiveItemFactory(dc=[("title", "Η Πλάκα", "el")], routes=[walk, hidden])
    page = soup_of(client.get(f"/el/archive/{item.uid}/", **ATHENS))
    links = page.select("[data-archive-route] a")
    assert [a.get_text() for a in links] == ["Περίπατος στην Πλάκα"]
    assert links[0]["href"] == f"/el/places/route-{walk.pk}/"  # its page (make_route: slug route-<pk>)
    config = json.loads(page.select_one("#xenagos-archive-map-config").string)
    lines = [step for step in config["steps"] if step["type"] == "geojson"]
    assert len(lines) == 1 and lines[0]["data"]["type"] == "MultiLineString"
    english = soup_of(client.get(f"/en/archive/{item.uid}/", **ATHENS))
    assert [a.get_text() for a in english.select("[data-archive-route] a")] == ["Περίπατος στην Πλάκα (en)"]


def test_a_long_facet_shows_ten_values_and_the_rest_behind_more(client, athens):
    places = [PlaceFactory(name_el=f"Τόπος {n:02d}") for n in range(12)]
    for n in range(len(places)):  # item n is of places 0..n: place 0 of twelve items, the last of one
        ArchiveItemFactory(dc=[("title", f"Τεκμήριο {n}", "el")], places=places[: n + 1])
    last = places[-1]  # of one item: the twelfth by count
    page = soup_of(client.get(f"/el/archive/?place={last.uid}", **ATHENS))
    facet = page.select_one('[data-facet="place"]')
    first = facet.select("ul")[0].select("li a")
    assert len(first) == 10 and first[0]["data-facet-value"] == str(last.uid)  # the chosen one first
    more = facet.select("details.facet-more li a")
    assert len(more) == 2 and facet.select_one("details.facet-more summary").get_text(strip=True) == "2 ακόμη"


def test_a_withdrawn_linked_place_is_neither_listed_nor_drawn_nor_a_facet(client, athens):
    gone = PlaceFactory(name_el="Αποσυρμένος τόπος", withdrawn=True)
    kept = PlaceFactory(name_el="Δημοσιευμένος τόπος")
    item = ArchiveItemFactory(dc=[("title", "Δύο τόποι", "el")], places=[gone, kept])
    page = soup_of(client.get(f"/el/archive/{item.uid}/", **ATHENS))
    assert [li.get_text(strip=True) for li in page.select("[data-archive-place]")] == ["Δημοσιευμένος τόπος"]
    config = json.loads(page.select_one("#xenagos-archive-map-config").string)
    (places,) = [step for step in config["steps"] if step["type"] == "geojson"]
    assert len(places["data"]["features"]) == 1
    listed = soup_of(client.get("/el/archive/", **ATHENS))
    assert [a.get_text() for a in listed.select('[data-facet="place"] a')] == ["Δημοσιευμένος τόπος"]
    assert client.get(f"/el/archive/?place={gone.uid}", **ATHENS).status_code == 400


def test_the_list_shows_each_items_first_image_as_a_thumbnail_with_its_alternative_text(
    client, athens, settings, tmp_path
):
    import io

    from django.core.files.images import ImageFile
    from wagtail.images.models import Image
    from wagtail.models import Collection

    from gis.models import ArchiveItemImage
    from tests.gis.test_iiif import jpeg_bytes

    settings.MEDIA_ROOT = tmp_path
    ArchiveItem.objects.all().delete()
    pictured = ArchiveItemFactory(dc=[("title", "Με εικόνα", "el")])
    ArchiveItemFactory(dc=[("title", "Χωρίς εικόνα", "el")])
    athens_images = Collection.objects.get(name="Athens", depth=2)
    for order, (alt_el, alt_en) in enumerate([("Η πλατεία", "The square"), ("Δεύτερη", "Second")]):
        picture = Image.objects.create(
            title=alt_el, file=ImageFile(io.BytesIO(jpeg_bytes(800, 600)), name="p.jpg"), collection=athens_images
        )
        ArchiveItemImage.objects.bulk_create(  # no tiling task: the list shows a rendition of the Wagtail image
            [ArchiveItemImage(item=pictured, image=picture, alt_el=alt_el, alt_en=alt_en, sort_order=order)]
        )
    for language, alt in (("el", "Η πλατεία"), ("en", "The square")):
        page = soup_of(client.get(f"/{language}/archive/?sort=title", **ATHENS))
        (thumbnail,) = page.select("[data-archive-thumbnail]")  # the first image only, of the item that has one
        assert thumbnail.find_parent("li")["data-archive-item"] == str(pictured.uid)
        assert thumbnail["alt"] == alt and (thumbnail["width"], thumbnail["height"]) == ("480", "300")
        assert client.get(thumbnail["src"], **ATHENS).status_code == 200
