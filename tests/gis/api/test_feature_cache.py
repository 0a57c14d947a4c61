"""The downloads' feature cache (gis.PlaceFeature): a download reads stored features, and what it reads is always
what building the features now would give — after every kind of write, and when a write races a fill."""

import json
import os
import threading
import time
from urllib.parse import urlencode

import psycopg
import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import connection
from django.db.models import F
from django.http import QueryDict

from gis.api import feature_cache, queries
from gis.api import parameters as p
from gis.api.collections import collection_or_404
from gis.models import Category, Dataset, Municipality, Period, Place, PlaceFeature, PlaceText

pytestmark = pytest.mark.django_db
API = "/api/features"


def downloaded(client, collection: str = "places", **query) -> dict[str, dict]:
    """The features of a GeoJSON download, by id."""
    response = client.get(f"{API}/collections/{collection}/download.geojson", query)
    assert response.status_code == 200
    features = json.loads(b"".join(response.streaming_content))["features"]
    return {feature["id"]: feature for feature in features}


def built(collection: str = "places", language: str = "el", **values) -> dict[str, dict]:  # noqa: ANN003
    """The same features built now, without the cache (the query the downloads used before it existed)."""
    blocks = queries.features_stream(collection=collection_or_404(collection), values=values, language=language)
    body = b"[" + b"".join(feature_cache.built(blocks)) + b"]"
    return {feature["id"]: feature for feature in json.loads(body)}


def cached(language: str = "el") -> set[int]:
    return set(PlaceFeature.objects.filter(language=language).values_list("place_id", flat=True))


def live() -> set[int]:
    return set(Place.objects.filter(withdrawn=False, municipality__isnull=False).values_list("id", flat=True))


@pytest.mark.parametrize("language", ["el", "en"])
def test_a_download_stores_the_features_and_later_ones_read_them_back_unchanged(client, language):
    PlaceFeature.objects.all().delete()
    first = downloaded(client, lang=language)
    assert cached(language) == live() and len(live()) > 10
    assert first == built(language=language)
    PlaceFeature.objects.filter(language=language).update(feature=json.dumps({"type": "Feature", "id": "marker"}))
    assert set(downloaded(client, lang=language)) == {"marker"}  # read from the cache, not built again


@pytest.mark.parametrize(
    ("collection", "query"),
    [
        ("places-athens", {}),
        ("places", {"category": "monument"}),
        ("places", {"period": "classical"}),
        ("places", {"bbox": "23.70,37.95,23.75,38.00"}),
        ("places", {"datetime": "2000-01-01T00:00:00Z/.."}),
        ("places-nafplio", {"category": "archaeological-site", "lang": "en"}),
    ],
)
def test_filtered_downloads_read_the_cache_too(client, collection, query):
    language = query.get("lang", "el")
    feature_cache.feature_cache_fill(language=language)
    got = downloaded(client, collection, **query)
    values = p.parse_query(
        QueryDict(urlencode(query)), p.download_parameters(collection_or_404(collection).kind.filters)
    )
    assert got == built(collection, language, **values) and got


def test_text_that_needs_escaping_comes_out_exactly(client, athens):
    place = Place.objects.filter(municipality=athens).first()
    awkward = 'Ναός "Διός" \\ back\\slash\nνέα γραμμή\ttab ώ ΐ 🏛'
    PlaceText.objects.filter(place=place, language="el").update(name=awkward, summary="\\n is not a newline")
    feature_cache.feature_cache_fill(language="el")
    got = downloaded(client)[str(place.uid)]
    assert got["properties"]["name"] == awkward
    assert got["properties"]["summary"] == "\\n is not a newline"
    assert got == built()[str(place.uid)]


def _first_place(**filters) -> Place:
    return Place.objects.filter(withdrawn=False, municipality__isnull=False, **filters).order_by("id").first()


def _rename_category(place: Place) -> set[int]:
    english = Category.objects.get(translation_key=place.category.translation_key, locale__language_code="en")
    english.name = "Renamed in English"
    english.save()
    return set(Place.objects.filter(category=place.category).values_list("id", flat=True))


def _untranslate_category(place: Place) -> set[int]:
    Category.objects.filter(translation_key=place.category.translation_key, locale__language_code="en").delete()
    return set(Place.objects.filter(category=place.category).values_list("id", flat=True))


def _translate_category(place: Place) -> set[int]:
    """A category's English name added as a new row (the English features had fallen back to the Greek name)."""
    english = Category.objects.get(translation_key=place.category.translation_key, locale__language_code="en")
    english.delete()
    for language in ("el", "en"):
        feature_cache.feature_cache_fill(language=language)
    english.pk = None
    english.name = "Translated anew"
    english.save()
    return set(Place.objects.filter(category=place.category).values_list("id", flat=True))


def _rename_period(place: Place) -> set[int]:
    period = place.periods.first()
    period.name = "Μετονομασμένη"
    period.save()
    return set(Place.objects.filter(periods=period).values_list("id", flat=True))


def _licence(place: Place) -> set[int]:
    municipality = place.municipality
    municipality.licence = "CC0 1.0"
    municipality.save()
    return set(Place.objects.filter(municipality=municipality).values_list("id", flat=True))


def _attribution(place: Place) -> set[int]:
    dataset = place.dataset
    dataset.attribution = "Pleiades, with thanks"
    dataset.save()
    return set(Place.objects.filter(dataset=dataset).values_list("id", flat=True))


def _dataset_licence(place: Place) -> set[int]:
    dataset = place.dataset
    dataset.licence = "CC BY-SA 4.0"
    dataset.save()
    return set(Place.objects.filter(dataset=dataset).values_list("id", flat=True))


def _boundary_only(place: Place) -> set[int]:
    municipality = place.municipality
    municipality.boundary = MultiPolygon(Polygon.from_bbox((23.6, 37.9, 23.8, 38.1)), srid=4326)
    municipality.save()
    return set()


def _save(place: Place) -> set[int]:
    place.name_el = "Νέο όνομα"
    place.save()
    return {place.id}


def _text(place: Place) -> set[int]:
    PlaceText.objects.filter(place=place, language="en").update(summary="A new summary.")
    return {place.id}


def _add_period(place: Place) -> set[int]:
    place.periods.add(*Period.objects.filter(locale__language_code="el").exclude(pk__in=place.periods.all())[:1])
    return {place.id}


def _remove_periods(place: Place) -> set[int]:
    place.periods.clear()
    return {place.id}


def _withdraw(place: Place) -> set[int]:
    Place.objects.filter(pk=place.pk).update(withdrawn=True)
    return {place.id}


def _delete(place: Place) -> set[int]:
    place.delete()
    return {place.pk} if place.pk else set()


def _delete_in_sql(place: Place) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM xgis_placetext WHERE place_id = %s", [place.id])
        cursor.execute("DELETE FROM xgis_place_periods WHERE place_id = %s", [place.id])
        cursor.execute("DELETE FROM xgis_place WHERE id = %s", [place.id])
    return {place.id}


def _truncate_texts(place: Place) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE xgis_placetext")
    return live()


WRITES = {
    "place saved": _save,
    "text changed": _text,
    "period added": _add_period,
    "periods cleared": _remove_periods,
    "category renamed": _rename_category,
    "category translation deleted": _untranslate_category,
    "category translated": _translate_category,
    "period renamed": _rename_period,
    "municipality licence": _licence,
    "dataset attribution": _attribution,
    "dataset licence": _dataset_licence,
    "withdrawn": _withdraw,
    "deleted": _delete,
    "deleted in SQL": _delete_in_sql,
    "boundary only": _boundary_only,
    "texts truncated": _truncate_texts,
}


@pytest.mark.parametrize("write", WRITES)
def test_a_write_makes_exactly_the_features_it_changes_stale(client, write):
    for language in ("el", "en"):
        feature_cache.feature_cache_fill(language=language)
    place = _first_place(category__isnull=False, periods__isnull=False, dataset__isnull=False)
    place_id = place.id
    before = {language: cached(language) for language in ("el", "en")}
    expected = WRITES[write](place) or set()
    if write == "deleted":
        expected = {place_id}
    for language in ("el", "en"):
        assert before[language] - cached(language) == expected & before[language], language
        assert downloaded(client, lang=language) == built(language=language)
        assert cached(language) == live()


@pytest.mark.django_db(transaction=True)
def test_a_write_that_waits_for_a_fill_deletes_what_the_fill_wrote():
    """A fill holds SHARE ROW EXCLUSIVE while it writes; a write's trigger waits for it, then its DELETE (a later
    statement, newer snapshot) sees the fill's rows — so a feature built before the write never survives it."""
    place = _first_place()
    settings = connection.settings_dict
    fill = psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"],
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"],
    )
    try:
        fill.execute("LOCK TABLE xgis_placefeature IN SHARE ROW EXCLUSIVE MODE")
        fill.execute(
            "INSERT INTO xgis_placefeature (place_id, language, municipality_id, feature) VALUES (%s, 'el', %s, %s)",
            [place.id, place.municipality_id, '{"built":"before the write"}'],
        )

        def write() -> None:
            try:
                Place.objects.filter(pk=place.pk).update(name_el="Γραμμένο ενώ γέμιζε")
            finally:
                connection.close()

        writer = threading.Thread(target=write)
        writer.start()
        for _ in range(100):  # until the writer's trigger waits for the fill's lock
            waiting = fill.execute(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE c.relname = 'xgis_placefeature' AND NOT l.granted"
            ).fetchone()[0]
            if waiting:
                break
            time.sleep(0.05)
        assert waiting == 1 and writer.is_alive()
        fill.commit()
        writer.join(timeout=30)
        assert not writer.is_alive()
    finally:
        fill.close()
    assert not PlaceFeature.objects.filter(place_id=place.id).exists()


def test_a_feature_missing_during_the_read_is_built_in_the_same_stream(athens):
    feature_cache.feature_cache_fill(language="el")
    gone = _first_place(municipality=athens)
    PlaceFeature.objects.filter(place_id=gone.id).delete()  # as a write between the fill and the read would
    sql, params = feature_cache.stream_sql(collection=collection_or_404("places"), values={}, complete=False)
    with connection.cursor() as cursor:
        body = b"[" + b"".join(feature_cache._copy(cursor, sql, {**params, "lang": "el"})) + b"]"
    got = {feature["id"]: feature for feature in json.loads(body)}
    assert got == built() and str(gone.uid) in got


def test_many_missing_features_are_built_as_they_stream_and_their_fill_is_queued(client, monkeypatch):
    PlaceFeature.objects.all().delete()
    monkeypatch.setattr(feature_cache, "SYNC_FILL_MAX", 0)  # any missing feature counts as many
    streamed = []
    monkeypatch.setattr(queries, "features_stream", _recording(queries.features_stream, streamed))
    assert downloaded(client) == built()
    assert streamed  # built as it streamed...
    assert cached("el") == live()  # ...and the queued fill ran (the tests' task backend runs tasks at once)


def _recording(function, calls: list):
    def wrapper(*args, **kwargs):
        calls.append(kwargs)
        return function(*args, **kwargs)

    return wrapper


def test_the_download_streams_from_a_copy_in_blocks(client, monkeypatch):
    feature_cache.feature_cache_fill(language="el")
    monkeypatch.setattr(feature_cache, "BLOCK_IDS", 3)
    response = client.get(f"{API}/collections/places/download.geojson")
    chunks = iter(response.streaming_content)
    head, first = next(chunks), next(chunks)
    with psycopg.connect(os.environ["DATABASE_URL"]) as other:  # while it is half-sent, its backend is in the COPY
        running = other.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY (%%xgis_placefeature%%'"
            " AND state IN ('active', 'idle in transaction')"
        ).fetchone()[0]
    rest = b"".join(chunks)
    assert running == 1
    assert 1 <= first.count(b'"type":"Feature"') <= 3  # one block of ids per chunk
    assert len(json.loads(head + first + rest)["features"]) == len(live())


def test_a_dataset_or_municipality_that_does_not_change_keeps_the_cache(athens):
    feature_cache.feature_cache_fill(language="el")
    before = cached("el")
    Municipality.objects.filter(pk=athens.pk).update(licence=athens.licence)
    Dataset.objects.update(attribution=F("attribution"))
    assert cached("el") == before


def test_a_download_left_half_read_frees_its_connection(monkeypatch):
    feature_cache.feature_cache_fill(language="el")
    monkeypatch.setattr(feature_cache, "BLOCK_IDS", 2)
    chunks = feature_cache.stream(collection=collection_or_404("places"), values={}, language="el")
    next(chunks)
    chunks.close()  # the client went away: the server closes the response and with it this generator and the COPY
    assert Place.objects.filter(withdrawn=False).count() >= len(live())  # the connection answers again
