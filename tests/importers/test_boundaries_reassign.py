"""Importing N municipality boundaries reassigns the places to municipalities once, after all are written."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gis.models import Municipality
from importers.areas import boundaries_import

pytestmark = pytest.mark.django_db


def square(lon: float, lat: float) -> list:
    return [[[lon, lat], [lon + 0.1, lat], [lon + 0.1, lat + 0.1], [lon, lat + 0.1], [lon, lat]]]


def boundaries_file(path, count: int):
    """``count`` square municipalities (EPSG:4326) in the Aegean, codes 9901, 9902..."""
    features = [
        {
            "type": "Feature",
            "properties": {"code": f"99{i + 1:02d}", "name": f"Δήμος {i + 1}"},
            "geometry": {"type": "Polygon", "coordinates": square(25.0 + 0.2 * i, 37.0)},
        }
        for i in range(count)
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def reassignments(queries) -> int:
    return sum(1 for query in queries if "SET municipality_id" in query["sql"])


def test_three_boundaries_reassign_places_once(tmp_path):
    path = boundaries_file(tmp_path / "three.geojson", 3)
    with CaptureQueriesContext(connection) as captured:
        report = boundaries_import(path=path, code_field="code", name_field="name")
    assert report.counts["create"] == 3
    assert Municipality.objects.filter(code__in=["9901", "9902", "9903"]).count() == 3
    assert reassignments(captured.captured_queries) == 1


def test_unchanged_boundaries_reassign_nothing(tmp_path):
    path = boundaries_file(tmp_path / "two.geojson", 2)
    boundaries_import(path=path, code_field="code", name_field="name")
    with CaptureQueriesContext(connection) as captured:
        report = boundaries_import(path=path, code_field="code", name_field="name")
    assert report.counts["unchanged"] == 2 and reassignments(captured.captured_queries) == 0
