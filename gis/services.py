"""Writes to spatial records. Every function is atomic; geometry arguments are EPSG:4326."""

from collections.abc import Iterable

from django.contrib.gis.geos import GeometryCollection, GEOSGeometry, MultiPolygon, Point, Polygon
from django.db import connection, transaction
from django.utils.translation import gettext as _
from wagtail.models import Locale

from . import vocabularies
from .languages import language_codes, localized
from .models import WGS84, Category, Dataset, Municipality, Period, Place, PlaceText, Theme
from .selectors import municipality_containing
from .signals import public_data_changed


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
    shape: GEOSGeometry = geometry if geometry.valid else geometry.make_valid()
    polygons: list[Polygon] = []
    if isinstance(shape, Polygon):
        polygons = [shape]
    elif isinstance(shape, GeometryCollection):  # MultiPolygon, or a collection left by make_valid: its areal parts
        for part in shape:
            if isinstance(part, Polygon):
                polygons.append(part)
            elif isinstance(part, MultiPolygon):
                polygons.extend(polygon for polygon in part if isinstance(polygon, Polygon))
    if not polygons:
        raise InvalidGeometry(f"expected a polygon, got {shape.geom_type}")
    return MultiPolygon(*polygons, srid=WGS84)


@transaction.atomic
def municipality_upsert(
    *,
    code: str,
    slug: str,
    name_el: str,
    name_en: str,
    boundary: MultiPolygon,
    boundary_source: str = "",
    reassign: bool = True,
) -> Municipality:
    """Create or update the municipality with Kallikratis ``code``; ``boundary`` is EPSG:4326. Places are
    reassigned to the boundaries unless ``reassign`` is False (a caller writing many does it once at the end)."""
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
    if reassign:
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
def vocabularies_ensure() -> None:
    """Create the starting categories, periods and route themes (Greek source rows and English translations) when
    none exist."""
    locales = {code: Locale.objects.get_or_create(language_code=code)[0] for code in ("el", "en")}
    categories: list[tuple[str, str, str, dict]] = [
        (slug, greek, english, {}) for slug, greek, english in vocabularies.CATEGORIES
    ]
    periods: list[tuple[str, str, str, dict]] = [
        (slug, greek, english, {"start_year": start, "end_year": end})
        for slug, greek, english, start, end in vocabularies.PERIODS
    ]
    themes: list[tuple[str, str, str, dict]] = [
        (slug, greek, english, {}) for slug, greek, english in vocabularies.THEMES
    ]
    for model, rows in ((Category, categories), (Period, periods), (Theme, themes)):
        if model.objects.exists():
            continue
        for order, (slug, greek, english, extra) in enumerate(rows):
            source = model.objects.create(slug=slug, name=greek, sort_order=order, locale=locales["el"], **extra)
            translation = source.copy_for_translation(locales["en"])
            translation.name = english
            translation.save()


def _source_texts(place: Place) -> dict[str, str]:
    """Names as delivered by the source, per site language, each by its name order (gis.languages: English falls
    back to Greek, German to English then Greek, and Greek to English for a source with English names only)."""
    names = {"el": place.name_el, "en": place.name_en}
    return {code: localized(names, language=code) for code in language_codes()}


def place_texts_from_source(places: Iterable[Place]) -> None:
    """Write each place's public texts from its source names, for languages no editor's page covers yet."""
    for place in places:
        for language, name in _source_texts(place).items():
            text, created = PlaceText.objects.get_or_create(
                place=place, language=language, defaults={"name": name, "url": "", "from_page": False}
            )
            if not created and not text.from_page and text.name != name:
                text.name = name
                text.save(update_fields=["name"])


@transaction.atomic
def place_text_publish(
    *, place: Place, language: str, name: str, summary: str, url: str, image_url: str = "", image_alt: str = ""
) -> PlaceText:
    """Record what an editor's live page says of ``place`` in ``language`` (written by the CMS on publish)."""
    text, _ = PlaceText.objects.update_or_create(
        place=place,
        language=language,
        defaults={
            "name": name,
            "summary": summary,
            "url": url,
            "image_url": image_url,
            "image_alt": image_alt,
            "from_page": True,
        },
    )
    return text


@transaction.atomic
def place_text_unpublish(*, place: Place, language: str) -> None:
    """The editor's page in ``language`` went away: fall back to the source's name."""
    PlaceText.objects.filter(place=place, language=language).delete()
    place_texts_from_source([place])


@transaction.atomic
def place_upsert(
    *,
    dataset: Dataset,
    source_id: str,
    location: Point,
    name_el: str,
    name_en: str = "",
    category: str | None = None,
    periods: Iterable[str] = (),
    wikidata: str = "",
    pleiades: str = "",
    attributes: dict | None = None,
) -> Place:
    """Create or update the place keyed on (dataset, source_id); its municipality follows its location (EPSG:4326).

    ``category`` and ``periods`` are vocabulary slugs. Editors' pages and texts are left alone.
    """
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
            "category": Category.objects.filter(slug=category, locale__language_code="el").first()
            if category
            else None,
            "wikidata": wikidata,
            "pleiades": pleiades,
            "source_attributes": attributes or {},
            "withdrawn": False,
        },
    )
    place.periods.set(Period.objects.filter(slug__in=list(periods), locale__language_code="el"))
    place_texts_from_source([place])
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
        moved = cursor.rowcount
    if moved:
        public_data_changed.send(sender=__name__)
    return moved


def municipalities_editable_by(user) -> list[Municipality]:
    """The municipalities whose data ``user`` may edit (all of them for a superuser)."""
    if user.is_superuser:
        return list(Municipality.objects.all())
    return list(Municipality.objects.filter(editor_groups__in=user.groups.all()).distinct())


def place_locate(*, place: Place, point: Point, allowed: list[Municipality]) -> list[str]:
    """Put ``place`` at ``point`` (EPSG:4326) and set its municipality from the boundaries; returns warnings.

    A point outside every municipality the editor may edit keeps the place in its municipality (so the editor
    does not lose it) and is reported, with a hint when latitude and longitude look swapped.
    """
    place.location = point
    found = municipality_containing(point=point)
    if found is not None and found in allowed:
        place.municipality = found
        return []
    home = place.municipality if place.municipality in allowed else (allowed[0] if len(allowed) == 1 else None)
    place.municipality = home
    where = {"lat": f"{point.y:.5f}", "lon": f"{point.x:.5f}"}
    if home is None:
        return [_("The point %(lat)s N, %(lon)s E is not inside any municipality you edit.") % where]
    warning = _("The point %(lat)s N, %(lon)s E lies outside the municipality of %(name)s.") % {
        **where,
        "name": home.name,
    }
    swapped = Point(point.y, point.x, srid=WGS84)
    if -90 <= swapped.y <= 90 and home.boundary.intersects(swapped):
        warning += " " + _("Latitude and longitude look swapped.")
    return [warning]
