"""No 500 from input: hostile values in any query parameter or path segment of a public endpoint are a 400 (the OGC
exception document on the API, the map's JSON error on its endpoints), or a 404 for a path that names nothing.

First an explicit list (each case once, with the status and the words of its message); then a property-based test
(hypothesis) that sends random and hostile values to every public endpoint and fails on any 5xx or exception."""

import json
import re
from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gis.models import Place

pytestmark = pytest.mark.django_db
API = "/api/features"
HOST = {"HTTP_HOST": "athens.localhost"}
ITEMS = f"{API}/collections/places/items"

# values that broke something once, or that parsers commonly get wrong
HOSTILE = [
    "\x00",
    "a\x00b",
    "%00",
    "\ufffd",
    "\x1b[31m",
    "1e309",
    "-1e309",
    "NaN",
    "nan",
    "Infinity",
    "-inf",
    "9" * 5000,
    "-" + "9" * 400,
    "1_000",
    "0x10",
    "1e-400",
    "",
    " ",
    "..",
    "/",
    "../..",
    ",,,",
    "1,2,3,4,5,6,7",
    "2024-05-01T00:00:00+16:00",
    "2024-05-01T00:00:00-16:00",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
    "9999-12-31",
    "0000-01-01",
    "2024-02-30",
    "2024-05-01T24:00:00Z",
    "x" * 3000,
    "'; DROP TABLE xgis_place; --",
    "<script>alert(1)</script>",
    "Ακρόπολη",
    "\U0001f3db",
]
RAW_QUERY_VALUES = ["%FF", "%C0%AF", "%ED%A0%80", "%00", "a%00b", "%E2%82", "%%", "%zz"]


def _api_exception(response) -> dict:
    assert response["Content-Type"] == "application/json", response.content[:200]
    data = json.loads(response.content)
    assert set(data) == {"code", "description"}, data
    return data


@pytest.mark.parametrize(
    ("path", "status", "code", "words"),
    [
        (f"{ITEMS}/abc%00def", 400, "InvalidParameterValue", "contains a NUL character"),
        (f"{ITEMS}/%00", 400, "InvalidParameterValue", "contains a NUL character"),
        (f"{API}/collections/places%00", 400, "InvalidParameterValue", "contains a NUL character"),
        (f"{API}/collections/places%00/items", 400, "InvalidParameterValue", "contains a NUL character"),
        (f"{ITEMS}/{'x' * 300}", 400, "InvalidParameterValue", "longer than 200 characters"),
        (f"{ITEMS}/%1B%5B31m", 400, "InvalidParameterValue", "contains a control character"),
        # Django keeps a path's invalid UTF-8 as the literal text '%FF' (RFC 3987 re-escaping): an id that is absent
        (f"{ITEMS}/%FF", 404, "NotFound", "there is no feature '%FF'"),
    ],
)
def test_hostile_path_segments_are_ogc_exceptions(client, path, status, code, words):
    response = client.get(path)
    assert response.status_code == status, response.content[:300]
    data = _api_exception(response)
    assert data["code"] == code and words in data["description"], data
    assert "\x00" not in data["description"]


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("datetime=2024-05-01T00:00:00%2B16:00", "between -15:59 and +15:59"),
        ("datetime=2024-05-01T00:00:00-16:00", "between -15:59 and +15:59"),
        ("datetime=2024-05-01T00:00:00%2B1600/..", "between -15:59 and +15:59"),
        ("datetime=../2024-05-01T00:00:00-23:59", "between -15:59 and +15:59"),
        ("datetime=2024-05-01T00:00:00%2B24:00", "RFC 3339"),
        ("datetime=0001-01-01T00:00:00%2B01:00", "outside the years 1 to 9999"),
        ("datetime=2024-05-01%00", "contains a NUL character"),
        ("category=museum%00", "contains a NUL character"),
        ("bbox=23.7,37.9,23.8,38%00", "contains a NUL character"),
        ("lang=el%00", "contains a NUL character"),
        ("f=json%00", "contains a NUL character"),
        ("bb%00ox=1", "name contains a NUL character"),
        ("bbox=1e309,37,24,38", "finite"),
        ("bbox=NaN,37,24,38", "finite"),
        ("bbox=-Infinity,37,24,38", "finite"),
        (f"offset={'9' * 50}", "offset must be a whole number"),
        (f"limit={'9' * 5000}", "longer than 2000 characters"),
        ("category=%FF", "bytes that are not UTF-8"),
        ("datetime=%C0%AF", "bytes that are not UTF-8"),
        (f"category={'a' * 2001}", "longer than 2000 characters"),
    ],
)
def test_hostile_query_values_are_400_ogc_exceptions(client, query, words):
    response = client.get(f"{ITEMS}?{query}")
    assert response.status_code == 400, response.content[:300]
    data = _api_exception(response)
    assert data["code"] == "InvalidParameterValue" and words in data["description"], data


def test_offsets_within_postgresql_range_and_far_years_are_accepted(client):
    for value in ("2024-05-01T00:00:00+15:59", "2024-05-01T00:00:00-15:59/..", "9999-12-31", "0001-01-01/.."):
        response = client.get(ITEMS, {"datetime": value})
        assert response.status_code == 200, (value, response.content[:300])
    changed = client.get(ITEMS, {"datetime": "0001-01-01/.."}).json()
    assert changed["numberMatched"] == Place.objects.filter(municipality__isnull=False).count()


@pytest.mark.parametrize(
    ("path", "query", "words"),
    [
        ("/en/map/near/", "lat=37.97%00&lon=23.73", "lat contains a NUL character"),
        ("/en/map/near/", "lat=1e309&lon=23.73", "finite"),
        ("/en/map/near/", "lat=NaN&lon=23.73", "finite"),
        ("/en/map/near/", "lat=37.97&lon=-Infinity", "finite"),
        ("/en/map/near/", "lat=%FF&lon=23.73", "bytes that are not UTF-8"),
        ("/en/map/near/", f"lat=37.97&lon=23.73&limit={'9' * 5000}", "longer than 2000 characters"),
        ("/en/map/near/", f"lat=37.97&lon=23.73&limit={'9' * 400}", "limit must be a whole number"),
        ("/en/map/near/", "lat=37.97&lon=23.73&radius=1e309", "finite"),
        ("/en/map/places/", "q=acro%00polis", "q contains a NUL character"),
        ("/en/map/places/", "q=%FF", "bytes that are not UTF-8"),
        ("/en/map/places/", "bbox=23.7,37.9,23.8,1e309", "finite"),
        ("/en/map/places/", f"zoom={'9' * 5000}", "longer than 2000 characters"),
        ("/en/map/places/", f"offset={'9' * 400}", "offset must be a whole number"),
        ("/en/map/places/", "category=museum%00", "category contains a NUL character"),
        ("/en/map/places/", "period=%FF", "bytes that are not UTF-8"),
    ],
)
def test_hostile_map_parameters_are_400(client, path, query, words):
    response = client.get(f"{path}?{query}", **HOST)
    assert response.status_code == 400, response.content[:300]
    assert words in response.json()["detail"]


def test_the_map_page_reports_a_hostile_value_and_still_renders(client):
    response = client.get("/en/map/?q=acro%00polis&category=%FF", **HOST)
    assert response.status_code == 200
    assert b"contains" in response.content


# --- the property: whatever comes in, no endpoint answers 5xx (or raises) ---------------------------------------

hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.lists(st.floats().map(str), min_size=3, max_size=7).map(",".join),
    st.datetimes().map(lambda moment: moment.isoformat())
    | st.builds(
        "{}T00:00:00{}{:02d}:{:02d}".format, st.dates(), st.sampled_from("+-"), st.integers(0, 99), st.integers(0, 99)
    ),
)
raw_value = st.one_of(hostile_text.map(lambda text: quote(text, safe="")), st.sampled_from(RAW_QUERY_VALUES))


def query_strategy(names: list[str]) -> st.SearchStrategy[str]:
    """A raw query string: some of ``names`` (and sometimes an unknown name), each with a hostile raw value."""
    name = st.one_of(st.sampled_from(names), raw_value) if names else raw_value
    pair = st.tuples(name, raw_value).map(lambda kv: f"{kv[0]}={kv[1]}")
    return st.lists(pair, max_size=4).map("&".join)


def segment_strategy() -> st.SearchStrategy[str]:
    """A raw path segment (percent-encoded; sometimes a raw invalid UTF-8 escape)."""
    return st.one_of(
        hostile_text.filter(bool).map(lambda text: quote(text, safe="")), st.sampled_from(RAW_QUERY_VALUES)
    )


def _no_server_error(client: Client, url: str, host: str) -> None:
    response = client.get(url, HTTP_HOST=host)  # an exception in a view fails the test here (the client re-raises)
    assert response.status_code < 500, (url, response.status_code, response.content[:300])


PROPERTY_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
MAP_PARAMETERS = {
    "/{lang}/map/places/": ["bbox", "zoom", "limit", "offset", "category", "period", "q"],
    "/{lang}/map/near/": ["lat", "lon", "radius", "limit"],
    "/{lang}/map/": ["category", "period", "q", "lat", "lon", "z"],
    "/{lang}/places/": ["q", "page"],
    "/{lang}/data/": [],
    "/{lang}/privacy/": [],
    "/{lang}/places/akropoli-athinon/": [],
}


def openapi_operations(client: Client) -> list[tuple[str, list[str]]]:
    """Every path of the OpenAPI document with its query parameters' names."""
    document = json.loads(client.get(f"{API}/api").content)
    return [
        (path, [parameter["name"] for parameter in item["get"].get("parameters", []) if parameter["in"] == "query"])
        for path, item in document["paths"].items()
    ]


def _filled(path: str, segment: str) -> str:
    """``path`` of the OpenAPI document with ``segment`` in place of every ``{parameter}``."""
    return re.sub(r"\{[^}]+\}", segment, path)


def test_every_hostile_value_in_every_api_parameter_and_path_segment_is_no_server_error(client):
    """The deterministic half of the property: each value of HOSTILE reaches every parser once (one path per view:
    the per-municipality collections are the same views as ``places``)."""
    uid = str(Place.objects.filter(municipality__isnull=False).values_list("uid", flat=True).first())
    views: dict[str, tuple[str, list[str]]] = {}
    for path, names in openapi_operations(client):
        view = re.sub(r"download\.\w+", "download", re.sub(r"/collections/[^/{]+", "/collections/{c}", path))
        if len(names) > len(views.get(view, ("", []))[1]):
            views[view] = (path, names)
    sent = 0
    for path, names in views.values():
        real = path.replace("{collectionId}", "places").replace("{featureId}", uid)
        for name in names:
            for value in HOSTILE:
                _no_server_error(client, f"{API}{_filled(real, 'places')}?{name}={quote(value, safe='')}", "testserver")
                sent += 1
        for value in RAW_QUERY_VALUES:
            _no_server_error(client, f"{API}{_filled(real, 'places')}?{value}={value}", "testserver")
            sent += 1
        if "{" in path:
            for value in [quote(text, safe="") for text in HOSTILE if text] + RAW_QUERY_VALUES:
                _no_server_error(client, f"{API}{_filled(path, value)}", "testserver")
                sent += 1
    assert len(views) >= 8 and sent > 500, (views, sent)


@pytest.mark.parametrize("path", ["/{lang}/map/places/", "/{lang}/map/near/"])
def test_every_hostile_value_in_every_map_parameter_is_no_server_error(client, path):
    for name in MAP_PARAMETERS[path]:
        for value in [quote(text, safe="") for text in HOSTILE] + RAW_QUERY_VALUES:
            base = "lat=37.97&lon=23.73&" if "near" in path else ""
            _no_server_error(client, f"{path.format(lang='en')}?{base}{name}={value}", "athens.localhost")


def test_openapi_paths_get_no_server_error_from_hostile_values(client):
    operations = openapi_operations(client)
    assert len(operations) >= 10, operations

    @PROPERTY_SETTINGS
    @given(data=st.data())
    def check(data):
        path, names = data.draw(st.sampled_from(operations), label="path")
        while "{" in path:
            start, end = path.index("{"), path.index("}")
            segment = data.draw(st.one_of(segment_strategy(), st.sampled_from(["places", "boundaries"])), label="seg")
            path = path[:start] + segment + path[end + 1 :]
        _no_server_error(client, f"{API}{path}?{data.draw(query_strategy(names), label='query')}", "testserver")

    check()


@pytest.mark.parametrize("path", list(MAP_PARAMETERS))
def test_public_pages_and_map_endpoints_get_no_server_error_from_hostile_values(client, path):
    names = MAP_PARAMETERS[path]
    html = "/map/places/" not in path and "/map/near/" not in path  # a rendered page costs ten JSON answers

    @settings(PROPERTY_SETTINGS, max_examples=15 if html else PROPERTY_SETTINGS.max_examples)
    @given(
        lang=st.sampled_from(["el", "en"]),
        host=st.sampled_from(["athens.localhost", "nafplio.localhost"]),
        query=query_strategy(names),
    )
    def check(lang, host, query):
        _no_server_error(client, f"{path.format(lang=lang)}?{query}", host)

    check()


def test_path_segments_of_qr_tiles_and_places_get_no_server_error(client):
    parthenon = Place.objects.get(pleiades="168254096")
    templates = [
        "/{lang}/places/p/" + str(parthenon.uid) + "/qr-{seg}/",
        "/{lang}/places/akropoli-athinon/qr-{seg}/",
        "/{lang}/places/p/{seg}/",
        "/{lang}/places/{seg}/",
        "/tiles/{seg}/tilejson.json",
        "/tiles/{seg}/preview/",
        "/tiles/{seg}/0123abcd/3/4/5.png",
        "/tiles/layer/{seg}/3/4/5.png",
        "/{lang}/{seg}/",
        "/{seg}",
    ]

    @PROPERTY_SETTINGS
    @given(template=st.sampled_from(templates), lang=st.sampled_from(["el", "en"]), seg=segment_strategy())
    def check(template, lang, seg):
        _no_server_error(client, template.format(lang=lang, seg=seg), "athens.localhost")

    check()
