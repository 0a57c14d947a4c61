"""Factories of the records and pages tests build (factory_boy, wagtail-factories): declared once, here.

Geometry is EPSG:4326 (longitude, latitude in degrees). A place's municipality follows from its location, as in
the import and the admin; its public texts are written from its source names, as ``gis.services`` does, unless the
test asks for ``texts=False``. Vocabulary rows (categories, periods) are the demo's when the slug exists.

    place = PlaceFactory(name_el="Βουλή των Ελλήνων", location=Point(23.7369, 37.9755, srid=4326))
    page = PlacePageFactory(place=place)                      # published, under its municipality's places index
    area = ProtectedAreaFactory(geometry=MultiPolygon(...))
"""

import json
from pathlib import Path
from typing import Any

import factory
import wagtail_factories
from django.contrib.gis.geos import GEOSGeometry, LineString, MultiLineString, MultiPolygon, Point, Polygon
from factory.django import DjangoModelFactory
from wagtail.models import Locale

from content.models import PlaceIndexPage, PlacePage
from content.services import HomeTexts, ascii_slug, municipality_site_ensure
from gis.archive_services import archive_item_values_set
from gis.models import (
    WGS84,
    ArchiveCollection,
    ArchiveItem,
    Category,
    Dataset,
    Municipality,
    Period,
    Place,
    PlaceText,
    ProtectedArea,
    Route,
    RouteStop,
)
from gis.selectors import municipality_containing
from gis.services import place_texts_from_source

KASTORIA_BOUNDARY = Path(__file__).resolve().parent / "importers" / "data" / "kallikratis_kastoria.geojson"
SYNTAGMA = (23.7348, 37.9755)  # Syntagma Square, Athens: a place's default location (in the demo's Athens)


def kastoria_boundary() -> MultiPolygon:
    """The real boundary of the municipality of Kastoria (Kallikratis, EPSG:4326): far from the demo's Athens and
    Nafplio, so a test municipality made with it holds none of the demo's places."""
    feature = json.loads(KASTORIA_BOUNDARY.read_text())["features"][0]
    boundary = GEOSGeometry(json.dumps(feature["geometry"]), srid=WGS84)
    return boundary if isinstance(boundary, MultiPolygon) else MultiPolygon(boundary, srid=WGS84)


def source_locale() -> Locale:
    """The Greek (source) locale, which vocabularies and pages are written in first."""
    return Locale.objects.get_or_create(language_code="el")[0]


class MunicipalityFactory(DjangoModelFactory):
    """A municipality with a real boundary (Kastoria's unless given). ``MunicipalityFactory(site=True)`` also makes
    its Wagtail side as ``create_municipality`` does (home and places pages in el/en, Site on
    ``<slug>.localhost``, editor and moderator groups)."""

    class Meta:
        model = Municipality
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"T{n:04d}")
    slug = factory.Sequence(lambda n: f"test-municipality-{n}")
    name_el = factory.Sequence(lambda n: f"Δοκιμαστικός Δήμος {n}")
    name_en = factory.Sequence(lambda n: f"Test municipality {n}")
    boundary = factory.LazyFunction(kastoria_boundary)
    boundary_source = "tests/importers/data/kallikratis_kastoria.geojson"

    @factory.post_generation
    def site(obj: Municipality, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            municipality_site_ensure(
                municipality=obj,
                hostname=kwargs.get("hostname", f"{obj.slug}.localhost"),
                texts={"el": HomeTexts(title=f"Δήμος {obj.name_el}"), "en": HomeTexts(title=obj.name_en)},
            )


class DatasetFactory(DjangoModelFactory):
    """Provenance of imported records (a dataset with that slug is reused)."""

    class Meta:
        model = Dataset
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"test-dataset-{n}")
    title = factory.LazyAttribute(lambda o: f"Test dataset {o.slug}")
    licence = "CC0"
    attribution = "test"


class CategoryFactory(DjangoModelFactory):
    """A category in the source locale; an existing slug (the demo's vocabulary) gives its row."""

    class Meta:
        model = Category
        django_get_or_create = ("slug", "locale")

    slug = factory.Sequence(lambda n: f"test-category-{n}")
    name = factory.LazyAttribute(lambda o: o.slug)
    locale = factory.LazyFunction(source_locale)


class PeriodFactory(DjangoModelFactory):
    """A historical period in the source locale; an existing slug (the demo's vocabulary) gives its row."""

    class Meta:
        model = Period
        django_get_or_create = ("slug", "locale")

    slug = factory.Sequence(lambda n: f"test-period-{n}")
    name = factory.LazyAttribute(lambda o: o.slug)
    locale = factory.LazyFunction(source_locale)


class PlaceFactory(DjangoModelFactory):
    """A place from a source: a point (default Syntagma Square, Athens), names, a dataset and source id; its
    municipality is the one its location lies in. ``periods=[...]`` takes Period rows; ``texts=False`` skips the
    public texts from its source names."""

    class Meta:
        model = Place
        skip_postgeneration_save = True

    location = factory.LazyFunction(lambda: Point(*SYNTAGMA, srid=WGS84))
    municipality = factory.LazyAttribute(lambda o: municipality_containing(point=o.location))
    name_el = factory.Sequence(lambda n: f"Δοκιμαστικός τόπος {n}")
    name_en = ""
    dataset = factory.SubFactory(DatasetFactory)
    source_id = factory.Sequence(lambda n: f"test-place-{n}")

    @factory.post_generation
    def periods(obj: Place, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            obj.periods.set(extracted)

    @factory.post_generation
    def texts(obj: Place, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted is not False:
            place_texts_from_source([obj])


class PlaceTextFactory(DjangoModelFactory):
    """What the public sees of a place in one language, as an editor's published page writes it (replacing the
    text from the source's names, as ``gis.services.place_text_publish`` does)."""

    class Meta:
        model = PlaceText

    place = factory.SubFactory(PlaceFactory, texts=False)
    language = "el"
    name = factory.LazyAttribute(lambda o: o.place.name_el)
    summary = ""
    url = ""
    from_page = True

    @classmethod
    def _create(cls, model_class: type[PlaceText], *args: Any, **kwargs: Any) -> PlaceText:
        place, language = kwargs.pop("place"), kwargs.pop("language")
        return model_class.objects.update_or_create(place=place, language=language, defaults=kwargs)[0]


def places_index_of(place: Place) -> PlaceIndexPage:
    """The Greek places index of the site of ``place``'s municipality."""
    if place.municipality is None:
        raise ValueError(f"{place} lies in no municipality, so it has no places index")
    root = place.municipality.branding.site.root_page
    return PlaceIndexPage.objects.get(locale__language_code="el", path__startswith=root.path, depth=root.depth + 1)


class PlacePageFactory(wagtail_factories.PageFactory):
    """An editor's Greek page about a place, under the places index of the place's municipality, published
    (``published=False`` leaves it a draft)."""

    class Meta:
        model = PlacePage
        skip_postgeneration_save = True

    class Params:
        published = True

    place = factory.SubFactory(PlaceFactory)
    parent = factory.LazyAttribute(lambda o: places_index_of(o.place))
    title = factory.LazyAttribute(lambda o: o.place.name_el)
    slug = factory.LazyAttribute(lambda o: ascii_slug(o.title))
    summary = factory.LazyAttribute(lambda o: f"Σύνοψη: {o.title}.")
    locale = factory.LazyFunction(source_locale)
    live = factory.LazyAttribute(lambda o: o.published)

    @factory.post_generation
    def revision(obj: PlacePage, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            revision = obj.save_revision()
            if obj.live:
                revision.publish()


def square(*, lon: float, lat: float, half_side_deg: float) -> MultiPolygon:
    """A square around (lon, lat), EPSG:4326 degrees."""
    box = Polygon.from_bbox((lon - half_side_deg, lat - half_side_deg, lon + half_side_deg, lat + half_side_deg))
    return MultiPolygon(box, srid=WGS84)


class ProtectedAreaFactory(DjangoModelFactory):
    """A protected area from a source dataset (default: a 200 m square around Syntagma Square)."""

    class Meta:
        model = ProtectedArea

    dataset = factory.SubFactory(DatasetFactory)
    source_id = factory.Sequence(lambda n: f"test-area-{n}")
    name_el = factory.Sequence(lambda n: f"Δοκιμαστική ζώνη {n}")
    name_en = ""
    geometry = factory.LazyFunction(lambda: square(lon=SYNTAGMA[0], lat=SYNTAGMA[1], half_side_deg=0.001))


def athens_walk() -> MultiLineString:
    """A walk of one part from Syntagma Square west towards the Acropolis, about 1.2 km (EPSG:4326)."""
    return MultiLineString(LineString(SYNTAGMA, (23.7300, 37.9730), (23.7257, 37.9715), srid=WGS84), srid=WGS84)


class RouteFactory(DjangoModelFactory):
    """A route from a source (default: a walk in Athens, ``athens_walk``), kept by the municipality its start lies in
    and crossing every municipality whose boundary its line meets (``municipalities=[...]`` to give them).
    ``stops=[place, ...]`` makes its stops in that order (``stops=[(place, "note"), ...]`` with Greek notes)."""

    class Meta:
        model = Route
        skip_postgeneration_save = True

    geometry = factory.LazyFunction(athens_walk)
    municipality = factory.LazyAttribute(lambda o: municipality_containing(point=Point(o.geometry[0][0], srid=WGS84)))
    name_el = factory.Sequence(lambda n: f"Δοκιμαστική διαδρομή {n}")
    name_en = ""
    dataset = factory.SubFactory(DatasetFactory)
    source_id = factory.Sequence(lambda n: f"test-route-{n}")

    @factory.post_generation
    def municipalities(obj: Route, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            crossed = (
                extracted if extracted is not None else Municipality.objects.filter(boundary__intersects=obj.geometry)
            )
            obj.municipalities.set(crossed)

    @factory.post_generation
    def stops(obj: Route, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            for order, item in enumerate(extracted):
                place, note = item if isinstance(item, tuple) else (item, "")
                RouteStop.objects.create(route=obj, place=place, sort_order=order, note_el=note)


class ArchiveCollectionFactory(DjangoModelFactory):
    """A collection of a municipality's archive (default: the demo's Athens)."""

    class Meta:
        model = ArchiveCollection

    municipality = factory.LazyFunction(lambda: Municipality.objects.get(code="9186"))
    slug = factory.Sequence(lambda n: f"test-collection-{n}")
    name_el = factory.Sequence(lambda n: f"Δοκιμαστική συλλογή {n}")


class ArchiveItemFactory(DjangoModelFactory):
    """An archive item of a municipality (default: the demo's Athens) from a source, with no location. ``dc=[(element,
    value, language), ...]`` gives its Dublin Core values (its names, date, type and rights then follow from them,
    as an import writes them); ``places=[...]``, ``routes=[...]``, ``collections=[...]`` link it."""

    class Meta:
        model = ArchiveItem
        skip_postgeneration_save = True

    municipality = factory.LazyFunction(lambda: Municipality.objects.get(code="9186"))
    name_el = factory.Sequence(lambda n: f"Δοκιμαστικό τεκμήριο {n}")
    dataset = factory.SubFactory(DatasetFactory)
    source_id = factory.Sequence(lambda n: f"test-item-{n}")

    @factory.post_generation
    def dc(obj: ArchiveItem, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            archive_item_values_set(item=obj, values=extracted)

    @factory.post_generation
    def places(obj: ArchiveItem, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            obj.places.set(extracted)

    @factory.post_generation
    def routes(obj: ArchiveItem, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            obj.routes.set(extracted)

    @factory.post_generation
    def collections(obj: ArchiveItem, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            obj.collections.set(extracted)
