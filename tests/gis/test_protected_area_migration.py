"""ProtectedArea moved from importers to gis (xgis.0009, importers.0004) with every row, id and permission: an area
written before the move is the same area, with the same id and geometry, after it."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from gis.models import Dataset, ProtectedArea

pytestmark = pytest.mark.django_db

MOVE = ("xgis", "0009_protectedarea_from_importers")
DROP = ("importers", "0004_protectedarea_to_gis")
# a zone over the Acropolis, EPSG:4326
ZONE_WKT = "MULTIPOLYGON(((23.7240 37.9700,23.7290 37.9700,23.7290 37.9730,23.7240 37.9730,23.7240 37.9700)))"


def _migrate(*, backwards: bool) -> None:
    """Unapply (or apply again) just the two migrations of the move, leaving every other migration as it is."""
    executor = MigrationExecutor(connection)
    nodes = [executor.loader.graph.nodes[key] for key in (DROP, MOVE)]
    plan = [(migration, True) for migration in nodes] if backwards else [(m, False) for m in reversed(nodes)]
    executor.migrate([], plan=plan)
    ContentType.objects.clear_cache()


def _tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def test_an_area_from_before_the_move_keeps_its_id_geometry_and_permissions():
    dataset = Dataset.objects.create(slug="zones-before-the-move", title="Ζώνες", licence="CC BY 4.0")
    editors = Group.objects.create(name="Zone editors")
    editors.permissions.add(Permission.objects.get(codename="change_protectedarea"))
    content_type = ContentType.objects.get(app_label="xgis", model="protectedarea")

    _migrate(backwards=True)
    assert "importers_protectedarea" in _tables() and "xgis_protectedarea" not in _tables()
    assert ContentType.objects.get(pk=content_type.pk).app_label == "importers"
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO importers_protectedarea
                   (dataset_id, source_id, name_el, name_en, kind, geometry, source_attributes, withdrawn, updated_at)
               VALUES (%s, 'ZA-9', 'Ζώνη Α', 'Zone A', 'Α', ST_GeomFromText(%s, 4326), '{}', false, now())
               RETURNING id""",
            [dataset.pk, ZONE_WKT],
        )
        (area_id,) = cursor.fetchone()
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks on a table being renamed

    _migrate(backwards=False)
    assert "xgis_protectedarea" in _tables() and "importers_protectedarea" not in _tables()
    area = ProtectedArea.objects.get(pk=area_id)
    assert (area.dataset, area.source_id, area.name_el, area.name_en) == (dataset, "ZA-9", "Ζώνη Α", "Zone A")
    assert area.geometry.srid == 4326 and area.geometry.equals_exact(ProtectedArea(geometry=ZONE_WKT).geometry, 1e-9)
    assert ContentType.objects.get(pk=content_type.pk).app_label == "xgis"  # the permissions stay the groups'
    assert editors.permissions.filter(codename="change_protectedarea", content_type=content_type).exists()
    # the id sequence came along: the next area gets the next id, not one already taken
    later = ProtectedArea.objects.create(dataset=dataset, source_id="ZA-10", name_el="Ζώνη Β", geometry=ZONE_WKT)
    assert later.pk > area_id
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "xgis_protectedarea")
    assert not [name for name in constraints if name.startswith("importers_")]  # named as on a new xgis table
