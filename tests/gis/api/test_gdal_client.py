"""A real client: GDAL's OGC API - Features driver (Debian's ogrinfo/ogr2ogr) against the live server."""

import re

import pyogrio
import pytest

from gis.models import Municipality, Place, ProtectedArea
from gis.services import dataset_upsert
from importers.areas import areas_import
from tests.importers.helpers import zones_gpkg

from .conftest import run

pytestmark = pytest.mark.django_db(transaction=True)


def expected(collection: str) -> list[str]:
    if collection == "areas":
        return sorted(str(pk) for pk in ProtectedArea.objects.filter(withdrawn=False).values_list("pk", flat=True))
    if collection == "boundaries":
        return sorted(Municipality.objects.values_list("code", flat=True))
    places = Place.objects.filter(withdrawn=False, municipality__isnull=False)
    if collection != "places":
        places = places.filter(municipality__slug=collection.removeprefix("places-"))
    return sorted(str(uid) for uid in places.values_list("uid", flat=True))


def test_ogrinfo_lists_every_collection_and_ogr2ogr_reads_every_feature(live_server, tmp_path, gdal_tools):
    zones = dataset_upsert(slug="zones", title="Ζώνες", licence="CC BY 4.0", attribution="ΥΠΠΟ")
    areas_import(path=zones_gpkg(tmp_path / "zones.gpkg"), dataset=zones, id_field="KODIKOS", name_field="ONOMA")
    source = f"OAPIF:{live_server.url}/api/features/"
    listing = run("ogrinfo", "-ro", "-q", source).stdout
    layers = re.findall(r"^\d+: (\S+)", listing, flags=re.MULTILINE)
    collections = ["places", "boundaries", "areas"] + [
        f"places-{slug}" for slug in Municipality.objects.values_list("slug", flat=True)
    ]
    routes = ["routes"] + [f"routes-{slug}" for slug in Municipality.objects.values_list("slug", flat=True)]
    archive = ["archive"] + [f"archive-{slug}" for slug in Municipality.objects.values_list("slug", flat=True)]
    # routes: tests/gis/api/test_routes_api.py; archive: tests/gis/test_archive_api.py
    assert sorted(layers) == sorted(collections + routes + archive)
    for collection in collections:
        ids = expected(collection)
        summary = run("ogrinfo", "-ro", "-so", source, collection).stdout
        assert f"Feature Count: {len(ids)}" in summary, summary
        # every feature, through the 'next' links of pages of 5
        copy = tmp_path / f"{collection}.gpkg"
        run("ogr2ogr", "-f", "GPKG", "-oo", "PAGE_SIZE=5", str(copy), source, collection)
        meta, _fids, geometry, fields = pyogrio.raw.read(copy)
        assert sorted(str(value) for value in fields[list(meta["fields"]).index("id")]) == ids
        assert len(geometry) == len(ids) and all(wkb is not None for wkb in geometry)
