"""The one filter builder (gis.api.filters) on the real PostGIS: identifiers and parameters, never pasted text; the
antimeridian; the map's endpoint and the OGC API give the same rows for the same filter values."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from psycopg import sql
from wagtail.models import Locale

from gis.api import filters as f
from gis.api import parameters as p
from gis.api.kinds import PLACES
from gis.geojson import collection_sql
from gis.models import Category, Place
from gis.services import dataset_upsert, place_upsert

pytestmark = pytest.mark.django_db
API = "/api/features"
HOST = {"HTTP_HOST": "athens.localhost"}
CATEGORY = Place._meta.get_field("category")
PERIODS = Place._meta.get_field("periods")


def _ids(clause: f.Clause) -> set[int]:
    """The ids of the places (public or not) that ``clause`` (over ``r``) selects."""
    query = sql.SQL("SELECT r.id FROM {} r WHERE {}").format(sql.Identifier(Place._meta.db_table), clause.sql)
    with connection.cursor() as cursor:
        cursor.execute(query, clause.params)
        return {row[0] for row in cursor.fetchall()}


def _text(clause: f.Clause) -> str:
    return clause.sql.as_string(connection.connection)


@pytest.fixture
def dataset():
    return dataset_upsert(slug="test-filters", title="test", licence="CC0", attribution="test")


def test_a_slug_with_a_quote_is_a_value_matched_literally_not_sql(athens, dataset):
    quoted = Category.objects.create(name="Quoted", slug="a'b", locale=Locale.objects.get(language_code="el"))
    place = place_upsert(dataset=dataset, source_id="q", location=Point(23.73, 37.975, srid=4326), name_el="Τόπος")
    place.category = quoted
    place.save()
    clause = f.slugs_among(relation=CATEGORY, slugs=["a'b"], name="category")
    assert "a'b" not in _text(clause) and "%(category)s" in _text(clause)  # a parameter, not text in the query
    assert '"xgis_category"' in _text(clause)  # the table as an identifier, from the field
    assert _ids(clause) == {place.pk}
    assert _ids(f.slugs_among(relation=CATEGORY, slugs=["a"], name="category")) == set()
    assert _ids(f.slugs_among(relation=CATEGORY, slugs=["a'b'); DROP TABLE xgis_place; --"], name="c")) == set()
    assert Place.objects.filter(pk=place.pk).exists()


def test_the_period_filter_reads_the_through_table_from_the_field(athens):
    clause = f.slugs_among(relation=PERIODS, slugs=["roman"], name="period")
    through = PERIODS.remote_field.through._meta.db_table
    assert f'"{through}"' in _text(clause) and "roman" not in _text(clause)
    roman = set(Place.objects.filter(periods__slug="roman").values_list("pk", flat=True))
    assert roman and _ids(clause) == roman


def test_a_bbox_across_the_antimeridian_is_two_boxes(dataset):
    east = place_upsert(dataset=dataset, source_id="e", location=Point(179.5, -17.0, srid=4326), name_el="Ανατολή")
    west = place_upsert(dataset=dataset, source_id="w", location=Point(-179.5, -17.0, srid=4326), name_el="Δύση")
    middle = place_upsert(dataset=dataset, source_id="m", location=Point(0.0, -17.0, srid=4326), name_el="Μέση")
    location = f.record_column("location")
    for points, exact in ((False, True), (True, True), (True, False)):  # ST_Intersects, its fast form, the map's
        test = {"geometry": location, "points": points, "exact": exact}
        across = _ids(f.bbox_intersects(bbox=(179.0, -18.0, -179.0, -16.0), **test))
        assert {east.pk, west.pk} <= across and middle.pk not in across
        inside = _ids(f.bbox_intersects(bbox=(-179.0, -18.0, 179.0, -16.0), **test))
        assert middle.pk in inside and not {east.pk, west.pk} & inside


def test_the_fast_exact_bbox_of_points_is_st_intersects_at_the_edges(dataset):
    on_edge = place_upsert(dataset=dataset, source_id="edge", location=Point(10.0, 20.0, srid=4326), name_el="Άκρη")
    outside = place_upsert(
        dataset=dataset, source_id="out", location=Point(10.0 - 1e-9, 20.5, srid=4326), name_el="Έξω"
    )
    location = f.record_column("location")
    for bbox in ((10.0, 20.0, 11.0, 21.0), (9.0, 19.0, 10.0, 20.0), (10.0, 20.0, 10.0, 21.0)):
        exact = _ids(f.bbox_intersects(geometry=location, bbox=bbox))
        assert _ids(f.bbox_intersects(geometry=location, bbox=bbox, points=True)) == exact
        assert on_edge.pk in exact and outside.pk not in exact


def test_the_map_refuses_what_the_api_reads_as_across_the_antimeridian():
    assert p.parse_bbox("179,-18,-179,-16") == (179.0, -18.0, -179.0, -16.0)
    with pytest.raises(p.BadParameter, match="west < east"):
        p.parse_bbox("179,-18,-179,-16", form=p.VIEW_BBOX)
    for form in (p.OGC_BBOX, p.VIEW_BBOX):  # the same limits in both forms
        with pytest.raises(p.BadParameter, match="finite"):
            p.parse_bbox("1,2,inf,4", form=form)
        with pytest.raises(p.BadParameter):
            p.parse_bbox("1,95,3,96", form=form)


def test_changed_within_is_the_interval_on_the_records_column(athens):
    now = datetime.now(UTC)
    clause = f.changed_within(column=f.record_column("updated_at"), interval=p.Interval(now - timedelta(days=1), None))
    assert set(clause.params) == {"since"} and "%(since)s" in _text(clause)
    assert _ids(clause) == set(
        Place.objects.filter(updated_at__gte=now - timedelta(days=1)).values_list("pk", flat=True)
    )
    assert f.changed_within(column=f.record_column("updated_at"), interval=p.Interval(None, None)) is f.TRUE


def test_two_conditions_may_not_give_one_parameter_two_values():
    first = f.municipality_is(column=f.record_column("municipality_id"), municipality_id=1)
    second = f.municipality_is(column=f.record_column("municipality_id"), municipality_id=2)
    assert f.all_of([first, first]).params == {"municipality": 1}
    with pytest.raises(ValueError, match="municipality"):
        f.all_of([first, second])


@pytest.mark.parametrize(
    "query",
    [
        {"bbox": "23.70,37.96,23.75,37.99"},
        {"category": "monument"},
        {"period": "roman"},
        {"category": "monument", "period": "roman", "bbox": "23.70,37.96,23.75,37.99"},
        {"category": "archaeological-site,monument"},
    ],
)
def test_the_map_and_the_api_give_the_same_places_for_the_same_filters(client, athens, query):
    on_map = client.get("/el/map/places/", {**query, "limit": 1000}, **HOST).json()
    in_api = json.loads(client.get(f"{API}/collections/places-athens/items", {**query, "limit": 1000}).content)
    assert on_map["numberMatched"] == in_api["numberMatched"] == len(in_api["features"]) > 0
    assert {feature["id"] for feature in on_map["features"]} == {feature["id"] for feature in in_api["features"]}
    everything = Place.objects.public().filter(municipality=athens).count()
    assert len(in_api["features"]) < everything or query == {"bbox": "23.70,37.96,23.75,37.99"}


def test_a_place_filter_is_the_kind_s_filters_and_the_text_search(athens):
    where = PLACES.where(municipality=athens, values={"category": ["monument"], "period": ["roman"]})
    text = _text(where)
    assert text.count("%(category)s") == 1 and text.count("%(period)s") == 1 and "%(municipality)s" in text
    assert where.params == {"municipality": athens.pk, "category": ["monument"], "period": ["roman"]}


def test_a_collection_is_made_by_postgresql_with_members_from_json():
    members = {"title": 'Δήμος "Αθηναίων" \\ 100%', "count": 3, "links": [{"rel": "next"}], "n": sql.SQL("2 + 2")}
    document = collection_sql(members=members, features=sql.SQL("'[]'::json"))
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("SELECT {}::text").format(document.sql), document.params)
        text = cursor.fetchone()[0]
    data = json.loads(text)
    assert list(data) == ["type", "title", "count", "links", "n", "features"]
    assert data == {"type": "FeatureCollection", **members, "n": 4, "features": []}


def test_django_s_cursor_takes_the_composed_sql_and_logs_it_as_text(athens):
    from django.test.utils import CaptureQueriesContext

    from gis import selectors

    where = selectors.PlaceFilter(municipality=athens, language="el", categories=["monument"])
    with CaptureQueriesContext(connection) as queries:
        count = selectors.places_count(where=where)
    [query] = queries.captured_queries
    assert isinstance(query["sql"], str) and '"xgis_place"' in query["sql"] and "monument" in query["sql"]
    assert count == Place.objects.public().filter(municipality=athens, category__slug="monument").count() > 0
