"""Areas load the same way: archaeological zones (any CRS, invalid rings repaired) and municipality boundaries."""

from io import StringIO

import geopandas as gpd
import pytest
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point
from django.core.management import CommandError, call_command
from shapely.geometry import Polygon

from gis.models import Municipality, Place, ProtectedArea
from gis.services import dataset_upsert
from importers.areas import areas_import, boundaries_import
from importers.models import ImportRun
from importers.selectors import import_runs_for

from .helpers import CHECK_E, CHECK_N, KASTORIA

pytestmark = pytest.mark.django_db


def zones_2100(path, *, names=("Ζώνη Α", "Ζώνη Β"), bowtie=True):
    e, n = CHECK_E, CHECK_N
    square = Polygon([(e, n), (e + 300, n), (e + 300, n + 300), (e, n + 300)])
    crossed = Polygon([(e, n), (e + 200, n + 200), (e + 200, n), (e, n + 200)]) if bowtie else square
    frame = gpd.GeoDataFrame({"code": ["A", "B"], "onoma": list(names)}, geometry=[square, crossed], crs=2100)
    frame.to_file(path, encoding="utf-8")
    return path


def test_zones_in_greek_grid_become_multipolygons_and_reimport_is_idempotent(tmp_path):
    dataset = dataset_upsert(slug="zones", title="Ζώνες", licence="CC BY 4.0", attribution="ΥΠΠΟ")
    path = zones_2100(tmp_path / "zones.gpkg")
    report = areas_import(path=path, dataset=dataset, id_field="code", name_field="onoma")
    assert report.counts["create"] == 2 and report.notes and "Self-intersection" in report.notes[0]["reason"]
    zone = ProtectedArea.objects.get(dataset=dataset, source_id="A")
    assert zone.geometry.geom_type == "MultiPolygon" and zone.geometry.valid and zone.geometry.srid == 4326
    assert zone.geometry.contains(Point(23.7296, 38.0, srid=4326)) is False  # about 500 m north of the zone
    assert zone.geometry.buffer(0.0001).contains(Point(23.7283669, 37.9949356, srid=4326))  # its corner
    again = areas_import(path=path, dataset=dataset, id_field="code", name_field="onoma")
    assert again.counts["unchanged"] == 2 and again.counts["update"] == 0
    zones_2100(tmp_path / "v2.gpkg", names=("Ζώνη Α (νέα)", "Ζώνη Β"))
    third = areas_import(path=tmp_path / "v2.gpkg", dataset=dataset, id_field="code", name_field="onoma")
    assert third.counts["update"] == 1


def test_reject_invalid_zones_on_request(tmp_path):
    dataset = dataset_upsert(slug="zones", title="Ζώνες", licence="CC BY 4.0", attribution="ΥΠΠΟ")
    path = zones_2100(tmp_path / "zones.gpkg")
    report = areas_import(path=path, dataset=dataset, id_field="code", name_field="onoma", invalid="reject")
    assert report.counts["create"] == 1 and [r["feature"] for r in report.rejected] == [2]


def test_real_kallikratis_boundary_with_wrong_winding_creates_a_municipality():
    piraeus_port, kastoria_lake = Point(23.6280, 37.9420, srid=4326), Point(21.2900, 40.5150, srid=4326)
    report = boundaries_import(path=KASTORIA, code_field="KWD_YPES", name_field="NAME")
    assert report.counts["create"] == 1
    kastoria = Municipality.objects.get(code="9063")
    assert kastoria.name_el == "Καστοριάς" and kastoria.boundary.valid
    assert kastoria.boundary.contains(kastoria_lake) and not kastoria.boundary.contains(piraeus_port)
    again = boundaries_import(path=KASTORIA, code_field="KWD_YPES", name_field="NAME")
    assert again.counts["unchanged"] == 1


def test_boundaries_dry_run_changes_nothing():
    out = StringIO()
    call_command(
        "import_areas",
        str(KASTORIA),
        "--into",
        "municipalities",
        "--id-field",
        "KWD_YPES",
        "--name-field",
        "NAME",
        "--dry-run",
        stdout=out,
    )
    assert "created: 1" in out.getvalue()
    assert not Municipality.objects.filter(code="9063").exists()
    assert Place.objects.filter(municipality__code="9186").exists()


def test_command_line_zones_for_a_municipality_show_in_its_editors_history(tmp_path, athens):
    path = zones_2100(tmp_path / "zones.gpkg", bowtie=False)
    common = ["--into", "zones", "--dataset", "zones", "--id-field", "code", "--name-field", "onoma"]
    dataset = ["--licence", "CC BY 4.0", "--attribution", "ΥΠΠΟ"]
    call_command("import_areas", str(path), *common, *dataset, "--municipality", athens.code, stdout=StringIO())
    editor = get_user_model().objects.get(username="editor-athens")
    runs = list(import_runs_for(user=editor))
    assert [(run.kind, run.municipality, run.report["counts"]["create"]) for run in runs] == [("areas", athens, 2)]
    call_command("import_areas", str(path), *common, stdout=StringIO())  # the whole dataset: superusers only
    assert import_runs_for(user=editor).count() == 1 and ImportRun.objects.filter(municipality=None).count() == 1
    with pytest.raises(CommandError, match="no municipality with code 0000"):
        call_command("import_areas", str(path), *common, "--municipality", "0000", stdout=StringIO())
