"""The demo archive: real National Gallery of Art objects (CC0) imported by the archive importer from unchanged
rows of its CSV, in a collection each, linked to demo places; a second load writes nothing."""

import csv
import json

import pytest
from django.db import connection

from gis.models import ArchiveItem
from importers.models import ImportRun
from xenagos.demo.archive_records import HERE, SPEC, demo_archive_load

pytestmark = pytest.mark.django_db
SOURCE = "/work/shared/data/archive/museum_csv/objects_historical_data.csv"


def rows_of(path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_demo_rows_are_the_national_gallery_s_own_unchanged():
    source = {tuple(row.items()) for row in rows_of(SOURCE)}
    for entry in json.loads(SPEC.read_text(encoding="utf-8"))["imports"]:
        demo = rows_of(HERE / entry["file"])
        assert demo and all(tuple(row.items()) in source for row in demo)


def test_each_demo_item_is_in_its_municipality_its_collection_with_its_licence_and_places():
    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    for entry in spec["imports"]:
        ids = {row["objectid"] for row in rows_of(HERE / entry["file"])}
        items = ArchiveItem.objects.filter(dataset__slug=entry["dataset"])
        assert set(items.values_list("source_id", flat=True)) == ids == set(entry["places"])
        for item in items:
            assert item.municipality.code == entry["municipality"]
            assert item.rights == "http://creativecommons.org/publicdomain/zero/1.0/"
            assert [c.slug for c in item.collections.all()] == [entry["collection"]["slug"]]
            places = sorted(item.places.values_list("source_id", flat=True))
            assert places == sorted(entry["places"][item.source_id])
            assert all(p.municipality.code == entry["municipality"] for p in item.places.all())
    titled = ArchiveItem.objects.get(dataset__slug="nga-demo-athens", source_id="4425")
    assert titled.name_el == "Combat of Greeks and Trojans"  # the source's title, not translated
    byzantine = ArchiveItem.objects.get(dataset__slug="nga-demo-nafplio", source_id="35")
    assert byzantine.dc_values.get(element="creator").value == "Byzantine 13th Century"


def test_a_second_load_writes_nothing():
    def snapshot():
        with connection.cursor() as cursor:
            found = []
            for table in (
                "xgis_archiveitem",
                "xgis_archivevalue",
                "xgis_archivecollection",
                "xgis_archiveitem_places",
                "xgis_archiveitem_collections",
            ):
                cursor.execute(f"SELECT xmin::text, md5(t::text) FROM {table} t ORDER BY 2")  # noqa: S608 (our names)
                found.append(cursor.fetchall())
        return found, ImportRun.objects.count()

    before = snapshot()
    assert before[0][0]  # the demo is loaded
    demo_archive_load()
    assert snapshot() == before
