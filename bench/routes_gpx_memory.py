"""Memory of the routes collection's GPX download (``/api/features/collections/routes/download.gpx``): the peak
Python allocation (tracemalloc) while the response is consumed chunk by chunk, for N generated routes, with the
streamed writer (``gis.route_formats.routes_gpx_chunks``: gpxpy writes the envelope and each route's track, sent as
it is written) and with the writer before it (kept here as the peer: one gpxpy document of every track, built whole
and sent as one chunk). The same routes, the same request, the same run (the streamed file's content is tested in
tests/gis/api/test_routes_gpx_download.py). Benchmarks decide nothing: it prints figures and the ratio, it asserts
nothing about them.

Input: N routes (200 by default, ``XENAGOS_BENCH_ROUTES``) of P points (500, ``XENAGOS_BENCH_POINTS``), seeded
random walks of 2 m steps from Syntagma square, Athens, EPSG:4326, written in one INSERT in the test transaction.
Run with pytest so that the project's test database and demo are there:

    PYTHONPATH=. .venv/bin/pytest -p tests.conftest bench/routes_gpx_memory.py -s -q
"""

import math
import os
import random
import time
import tracemalloc
from collections.abc import Iterator

import pytest
from django.db import connection

from gis import route_formats
from gis.api.collections import Collection
from gis.models import Municipality, Route

ROUTES = int(os.environ.get("XENAGOS_BENCH_ROUTES", "200"))
POINTS = int(os.environ.get("XENAGOS_BENCH_POINTS", "500"))
pytestmark = pytest.mark.django_db


def say(text: str) -> None:
    os.write(1, f"{text}\n".encode())


def whole_document_chunks(*, collection: Collection, values: dict, language: str, meta: dict) -> Iterator[bytes]:
    """The writer at afbd418 (the peer), with today's tracks: every route's track appended to one gpxpy document
    (pretty-printed, as then), written whole and sent as one chunk."""
    gpx = route_formats.collection_envelope(meta=meta)
    gpx.tracks = list(route_formats.collection_tracks(collection=collection, values=values, language=language))
    yield gpx.to_xml(version="1.1").encode()


def walk_wkt(rng: random.Random, start: tuple[float, float]) -> str:
    lon, lat = start
    heading = rng.uniform(0, 2 * math.pi)
    coords = []
    for _ in range(POINTS):
        coords.append(f"{lon:.7f} {lat:.7f}")
        heading += rng.uniform(-0.3, 0.3)
        lat += 2.0 * math.cos(heading) / 111_320
        lon += 2.0 * math.sin(heading) / (111_320 * math.cos(math.radians(lat)))
    return "MULTILINESTRING((" + ",".join(coords) + "))"


def measure(client) -> tuple[int, float, int, int]:
    """(peak bytes allocated, seconds, bytes sent, chunks) of one download consumed chunk by chunk."""
    tracemalloc.start()
    started = time.perf_counter()
    response = client.get("/api/features/collections/routes/download.gpx")
    size = chunks = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        chunks += 1
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, seconds, size, chunks


def test_routes_gpx_memory(client, monkeypatch):
    Route.objects.update(withdrawn=True)  # only the generated routes (in this test's transaction)
    athens = Municipality.objects.get(code="9186")
    rng = random.Random(14)  # noqa: S311 (benchmark input)
    lines = [walk_wkt(rng, (23.72 + rng.uniform(0, 0.02), 37.97 + rng.uniform(0, 0.01))) for _ in range(ROUTES)]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO xgis_route (uid, municipality_id, geometry, name_el, name_en, mode, circular, difficulty,"
            " step_free, seasons, profile, profile_source, profile_partial, suggested_difficulty, source_id,"
            " source_attributes, withdrawn, created_at, updated_at)"
            " SELECT gen_random_uuid(), %s, ST_GeomFromText(w, 4326), 'Διαδρομή ' || n, '', 'walk', false, '', '',"
            " '{}', '[]', '', false, '', '', '{}', false, now(), now()"
            " FROM unnest(%s::text[]) WITH ORDINALITY AS t(w, n)",
            [athens.pk, lines],
        )
    say(f"input: {ROUTES} routes of {POINTS} points (seeded random walks in Athens, 2 m steps)")
    client.get("/api/features/collections/routes/download.gpx")  # warm-up: imports, caches
    results = {}
    for label, writer in (("before (whole document)", whole_document_chunks), ("streamed", None)):
        if writer is not None:
            monkeypatch.setattr(route_formats, "routes_gpx_chunks", writer)
        else:
            monkeypatch.undo()
        peak, seconds, size, chunks = measure(client)
        results[label] = peak
        say(f"{label}: peak {peak / 2**20:.1f} MiB, {seconds:.2f} s, {size:,} bytes in {chunks:,} chunks")
    before, after = results.values()
    say(f"ratio peak before / streamed: {before / after:.1f}")
