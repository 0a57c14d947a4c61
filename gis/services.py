"""Writes to spatial records. Every function is atomic; geometry arguments are EPSG:4326."""

from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.db import connection, transaction

from .models import WGS84, Dataset, Municipality, Place
from .selectors import municipality_containing


class GisError(Exception):
    """Base error of the gis package."""


class InvalidGeometry(GisError):
    """A geometry that cannot be stored (wrong type, wrong CRS, empty, or unrepairable)."""


def as_multipolygon(geometry: Polygon | MultiPolygon) -> MultiPolygon:
    """Repair (GEOS make_valid) and promote a (Multi)Polygon in EPSG:4326 to a valid MultiPolygon."""
    if geometry.srid != WGS84:
        raise InvalidGeometry(f"expected EPSG:{WGS84}, got EPSG:{geometry.srid}")
    if geometry.empty:
        raise InvalidGeometry("the geometry is empty")
    if not geometry.valid:
        geometry = geometry.make_valid()
    polygons: list[Polygon] = []
    if isinstance(geometry, Polygon):
        polygons = [geometry]
    else:  # MultiPolygon, or a GeometryCollection left by make_valid: keep its areal parts
        for part in geometry:
            if isinstance(part, Polygon):
                polygons.append(part)
            elif isinstance(part, MultiPolygon):
                polygons.extend(part)
    if not polygons:
        raise InvalidGeometry(f"expected a polygon, got {geometry.geom_type}")
    return MultiPolygon(*polygons, srid=WGS84)


@transaction.atomic
def municipality_upsert(
    *, code: str, slug: str, name_el: str, name_en: str, boundary: MultiPolygon, boundary_source: str = ""
) -> Municipality:
    """Create or update the municipality with Kallikratis ``code``; ``boundary`` is EPSG:4326."""
    municipality, _ = Municipality.objects.update_or_create(
        code=code,
        defaults={
            "slug": slug,
            "name_el": name_el,
            "name_en": name_en,
            "boundary": as_multipolygon(boundary),
            "boundary_source": boundary_source,
        },
    )
    places_reassign_municipality()
    return municipality


@transaction.atomic
def dataset_upsert(*, slug: str, title: str, licence: str, attribution: str, source_url: str = "") -> Dataset:
    """Create or update the provenance record ``slug``."""
    dataset, _ = Dataset.objects.update_or_create(
        slug=slug,
        defaults={"title": title, "licence": licence, "attribution": attribution, "source_url": source_url},
    )
    return dataset


@transaction.atomic
def place_upsert(
    *,
    dataset: Dataset,
    source_id: str,
    location: Point,
    name_el: str,
    name_en: str = "",
    attributes: dict | None = None,
) -> Place:
    """Create or update the place keyed on (dataset, source_id); its municipality follows its location (EPSG:4326)."""
    if location.srid != WGS84:
        raise InvalidGeometry(f"expected EPSG:{WGS84}, got EPSG:{location.srid}")
    place, _ = Place.objects.update_or_create(
        dataset=dataset,
        source_id=source_id,
        defaults={
            "location": location,
            "municipality": municipality_containing(point=location),
            "name_el": name_el,
            "name_en": name_en,
            "source_attributes": attributes or {},
            "withdrawn": False,
        },
    )
    return place


@transaction.atomic
def places_reassign_municipality() -> int:
    """Set every place's municipality from the current boundaries (after a boundary changed); returns how many moved."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {Place._meta.db_table} AS p
            SET municipality_id = m.id
            FROM {Place._meta.db_table} AS q
            LEFT JOIN LATERAL (
                SELECT id FROM {Municipality._meta.db_table}
                WHERE ST_Intersects(boundary, q.location) ORDER BY id LIMIT 1
            ) AS m ON true
            WHERE p.id = q.id AND p.municipality_id IS DISTINCT FROM m.id
            """  # noqa: S608 (only our own table names are interpolated)
        )
        return cursor.rowcount
