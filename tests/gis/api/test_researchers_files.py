"""What a researcher takes away (issue 12, defect 9): coordinates as published, the same in every format; a CSV that
Excel reads; each record's own licence in every format; page addresses on the website of the municipality that owns
the place, whichever host the API is asked on."""

import codecs
import csv
import io
import json
import re

import pyogrio
import pytest
from django.contrib.gis.geos import Point

from content.models import Branding, PlacePage
from gis.api import feature_cache
from gis.models import Place, PlaceFeature
from tests.factories import DatasetFactory, PlaceFactory

pytestmark = pytest.mark.django_db
API = "/api/features"
# at most 7 decimals, as the data page promises and ST_AsGeoJSON writes
SEVEN_DECIMALS = re.compile(r"^-?\d{1,3}(\.\d{0,6}[1-9])?$")


def body_of(response) -> bytes:
    assert response.status_code == 200, response.content[:300]
    return b"".join(response.streaming_content) if response.streaming else b"".join(response)


def download(client, collection: str, fmt: str, **query) -> bytes:
    return body_of(client.get(f"{API}/collections/{collection}/download.{fmt}", query))


def csv_rows(body: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))


@pytest.fixture
def noisy_place(athens):
    """A place whose stored coordinates are the float sums that printed as 37.971433499999996 (the issue's)."""
    dataset = DatasetFactory(slug="noise", title="Noise", licence="CC BY 4.0", attribution="Test")
    return PlaceFactory(
        dataset=dataset,
        source_id="1",
        location=Point(23.7 + 0.0266784999999, 37.9 + 0.071433499999996, srid=4326),
        name_el="Θόρυβος",
    )


def test_csv_coordinates_have_at_most_7_decimals_and_are_the_geojsons(client, noisy_place):
    rows = csv_rows(download(client, "places", "csv"))
    features = json.loads(download(client, "places", "geojson"))["features"]
    coordinates = {feature["id"]: feature["geometry"]["coordinates"] for feature in features}
    assert len(rows) == len(coordinates) > 1
    for row in rows:
        assert SEVEN_DECIMALS.match(row["lon"]) and SEVEN_DECIMALS.match(row["lat"]), (row["lon"], row["lat"])
        assert [float(row["lon"]), float(row["lat"])] == coordinates[row["id"]], row["id"]
        place = Place.objects.get(uid=row["id"])  # and within half a unit of the 7th decimal of what is stored
        assert abs(float(row["lon"]) - place.location.x) <= 0.5e-7 + 1e-12
        assert abs(float(row["lat"]) - place.location.y) <= 0.5e-7 + 1e-12
    noisy = next(row for row in rows if row["id"] == str(noisy_place.uid))
    assert (noisy["lon"], noisy["lat"]) == ("23.7266785", "37.9714335")


def test_csv_for_excel_starts_with_a_bom_and_the_plain_csv_does_not(client):
    plain = download(client, "places-athens", "csv", lang="el")
    excel = download(client, "places-athens", "csv", lang="el", bom="true")
    assert not plain.startswith(codecs.BOM_UTF8)
    assert excel == codecs.BOM_UTF8 + plain  # the same file, with the mark Excel needs to read Greek
    assert "Ακρόπολη Αθηνών" in excel.decode("utf-8-sig")
    assert download(client, "places-athens", "csv", bom="1") == excel
    assert download(client, "places-athens", "csv", bom="false") == plain
    # only CSV has it, and a bad value says what is wrong
    response = client.get(f"{API}/collections/places-athens/download.geojson", {"bom": "true"})
    assert response.status_code == 400 and "unknown query parameter 'bom'" in response.json()["description"]
    response = client.get(f"{API}/collections/places-athens/download.csv", {"bom": "yes"})
    assert response.status_code == 400 and "bom must be one of" in response.json()["description"]
    document = client.get(f"{API}/api").json()
    csv_parameters = document["paths"]["/collections/places-athens/download.csv"]["get"]["parameters"]
    geojson_parameters = document["paths"]["/collections/places-athens/download.geojson"]["get"]["parameters"]
    assert "bom" in {p["name"] for p in csv_parameters} and "bom" not in {p["name"] for p in geojson_parameters}


@pytest.fixture
def licensed_places(athens):
    """Two places in Athens beside the demo's Pleiades ones (CC BY 3.0): one from a CC0 dataset, one from a dataset
    that names no licence (the municipality's applies)."""
    cc0 = DatasetFactory(slug="cc0-survey", title="Survey", licence="CC0 1.0", attribution="Survey team")
    unnamed = DatasetFactory(slug="no-licence", title="Notes", licence="", attribution="Town hall")
    return {
        "CC0 1.0": PlaceFactory(dataset=cc0, source_id="a", location=Point(23.73, 37.975, srid=4326), name_el="Πρώτο"),
        athens.licence: PlaceFactory(
            dataset=unnamed, source_id="b", location=Point(23.731, 37.976, srid=4326), name_el="Δεύτερο"
        ),
    }


def expected_licence(place: Place) -> str:
    return (place.dataset.licence if place.dataset else "") or place.municipality.licence


def test_each_record_says_its_own_licence_in_every_format(client, tmp_path, athens, licensed_places):
    assert athens.licence == "CC BY 4.0"
    places = {str(place.uid): place for place in Place.objects.filter(municipality=athens, withdrawn=False)}
    acropolis = Place.objects.get(pleiades="638356144")
    assert expected_licence(acropolis) == "CC BY 3.0"  # a Pleiades-derived record keeps its source's licence
    geojson = json.loads(download(client, "places-athens", "geojson"))
    assert {f["id"]: f["properties"]["licence"] for f in geojson["features"]} == {
        uid: expected_licence(place) for uid, place in places.items()
    }
    assert geojson["licence"] == "CC BY 3.0; CC BY 4.0; CC0 1.0"
    assert geojson["licence_urls"] == [
        "https://creativecommons.org/licenses/by/3.0/",
        "https://creativecommons.org/licenses/by/4.0/",
        "https://creativecommons.org/publicdomain/zero/1.0/",
    ]
    rows = csv_rows(download(client, "places-athens", "csv"))
    assert {row["id"]: row["licence"] for row in rows} == {uid: expected_licence(p) for uid, p in places.items()}
    path = tmp_path / "athens.gpkg"
    path.write_bytes(download(client, "places-athens", "gpkg"))
    _meta, _fids, _geometry, fields = pyogrio.raw.read(path, columns=["licence"])
    assert sorted(fields[0]) == sorted(expected_licence(p) for p in places.values())
    assert pyogrio.read_info(path)["layer_metadata"]["LICENCE"] == "CC BY 3.0; CC BY 4.0; CC0 1.0"
    # OGC API: each item links its own licence; a collection links every licence its records have
    for licence, place in [("CC BY 3.0", acropolis), *licensed_places.items()]:
        item = client.get(f"{API}/collections/places/items/{place.uid}").json()
        assert item["properties"]["licence"] == licence
        assert [link["title"] for link in item["links"] if link["rel"] == "license"] == [licence]
    collection = client.get(f"{API}/collections/places-athens").json()
    titles = [link["title"] for link in collection["links"] if link["rel"] == "license"]
    assert titles == ["CC BY 3.0", "CC BY 4.0", "CC0 1.0"]
    nafplio = client.get(f"{API}/collections/places-nafplio").json()  # all of Nafplio's come from Pleiades
    assert [link["href"] for link in nafplio["links"] if link["rel"] == "license"] == [
        "https://creativecommons.org/licenses/by/3.0/"
    ]


def test_a_datasets_new_licence_reaches_its_stored_features(client, athens, licensed_places):
    place = licensed_places["CC0 1.0"]
    feature_cache.feature_cache_fill(language="el")
    assert PlaceFeature.objects.filter(place_id=place.pk).exists()
    dataset = place.dataset
    dataset.licence = "CC BY-SA 4.0"
    dataset.save()
    assert not PlaceFeature.objects.filter(place_id=place.pk).exists()
    features = json.loads(download(client, "places-athens", "geojson"))["features"]
    assert next(f for f in features if f["id"] == str(place.uid))["properties"]["licence"] == "CC BY-SA 4.0"


def test_page_addresses_are_on_the_owning_municipalitys_site_whatever_the_host(
    client, nafplio, django_capture_on_commit_callbacks
):
    tiryns = Place.objects.get(pleiades="570740")  # in Nafplio, with a published page in both languages
    page = PlacePage.objects.get(place=tiryns, locale__language_code="en")
    site = Branding.objects.get(municipality=nafplio).site
    assert page.full_url.startswith(site.root_url + "/en/")
    for host in ("athens.localhost", "nafplio.localhost"):
        item = client.get(f"{API}/collections/places/items/{tiryns.uid}", {"lang": "en"}, HTTP_HOST=host).json()
        assert item["properties"]["url"] == page.full_url
    # the downloads' stored features say the same, and follow the site when it moves
    feature_cache.feature_cache_fill(language="en")
    assert PlaceFeature.objects.filter(place_id=tiryns.pk, language="en").exists()

    def tiryns_url() -> str:
        response = client.get(
            f"{API}/collections/places/download.geojson", {"lang": "en"}, HTTP_HOST="athens.localhost"
        )
        features = json.loads(body_of(response))["features"]
        return next(f for f in features if f["id"] == str(tiryns.uid))["properties"]["url"]

    assert tiryns_url() == page.full_url
    with django_capture_on_commit_callbacks(execute=True):
        site.hostname, site.port = "nafplio.example.gr", 443
        site.save()
    path = "/" + page.full_url.split("/", 3)[3]  # /en/…/tiryns/
    assert tiryns_url() == "https://nafplio.example.gr" + path
    # and so do the items read live (the site roots are cached between requests, and forgotten when a site changes)
    item = client.get(f"{API}/collections/places/items/{tiryns.uid}", {"lang": "en"}, HTTP_HOST="athens.localhost")
    assert item.json()["properties"]["url"] == "https://nafplio.example.gr" + path
    # a place without a page has no address (it is served from its record on its own site's places index)
    other = Place.objects.filter(municipality__slug="athens", pages__isnull=True).first()
    item = client.get(f"{API}/collections/places/items/{other.uid}").json()
    assert item["properties"]["url"] is None
