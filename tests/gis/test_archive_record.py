"""The archive item record (gis.models.ArchiveItem): Dublin Core values with their languages, the fields derived
from them, the vocabularies, the location rule and links only within the item's municipality. On PostGIS."""

from datetime import date

import pytest
from django.contrib.gis.geos import LineString, Point, Polygon
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from gis.archive import rights_name, rights_resolve
from gis.archive_services import ArchiveLinkRefused, archive_item_values_set
from gis.models import ArchiveItem, ArchiveValue, Place, Route
from gis.services import GisError
from tests.factories import ArchiveCollectionFactory, ArchiveItemFactory, PlaceFactory, RouteFactory

pytestmark = pytest.mark.django_db

POSTCARD = [
    ("title", "Η πλατεία Συντάγματος", "el"),
    ("title", "Syntagma Square", "en"),
    ("creator", "Φωτογράφος Α", ""),
    ("creator", "Φωτογράφος Β", ""),
    ("subject", "πλατείες", "el"),
    ("date", "περ. 1920", ""),
    ("type", "Image", ""),
    ("type", "καρτ ποστάλ", "el"),
    ("rights", "https://creativecommons.org/licenses/by-sa/4.0/deed.el", ""),
]


def test_values_keep_their_order_and_language_and_derive_the_record_fields():
    item = ArchiveItemFactory(dc=POSTCARD)
    item.refresh_from_db()
    assert (item.name_el, item.name_en) == ("Η πλατεία Συντάγματος", "Syntagma Square")
    assert (item.date_text, item.date_from, item.date_to) == ("περ. 1920", date(1915, 1, 1), date(1925, 12, 31))
    assert item.dc_type == "Image"  # the DCMI term; the other type stays a value
    assert item.rights == "http://creativecommons.org/licenses/by-sa/4.0/"
    assert rights_name(item.rights) == "CC BY-SA 4.0"
    creators = list(item.dc_values.filter(element="creator").values_list("value", "position"))
    assert creators == [("Φωτογράφος Α", 0), ("Φωτογράφος Β", 1)]
    assert set(item.dc_values.filter(element="title").values_list("value", "language")) == {
        ("Η πλατεία Συντάγματος", "el"),
        ("Syntagma Square", "en"),
    }
    assert item.dc_values.filter(element="type").count() == 2


def test_a_date_that_is_not_understood_is_kept_as_text_without_an_interval():
    item = ArchiveItemFactory(dc=[("title", "Χωρίς ημερομηνία", ""), ("date", "άγνωστη εποχή", "el")])
    item.refresh_from_db()
    assert (item.date_text, item.date_from, item.date_to) == ("άγνωστη εποχή", None, None)


def test_an_unknown_rights_value_is_refused_naming_the_record_and_nothing_is_written():
    item = ArchiveItemFactory(source_id="postcard-7", dc=POSTCARD)
    before = list(item.dc_values.values_list("element", "value"))
    with pytest.raises(GisError, match=r"postcard-7.*Copyright 1920"):
        archive_item_values_set(item=item, values=[("title", "Νέος τίτλος", ""), ("rights", "Copyright 1920", "")])
    item.refresh_from_db()
    assert item.name_el == "Η πλατεία Συντάγματος"
    assert list(item.dc_values.values_list("element", "value")) == before


def test_the_rights_vocabulary_knows_creative_commons_and_rightsstatements():
    assert rights_resolve("CC0 1.0").uri == "http://creativecommons.org/publicdomain/zero/1.0/"
    assert rights_resolve("http://rightsstatements.org/vocab/InC/1.0").short == "InC"
    assert rights_resolve("https://creativecommons.org/licenses/by-nc-nd/3.0/legalcode").short == "CC BY-NC-ND 3.0"
    assert rights_resolve("http://example.org/my-licence/") is None
    item = ArchiveItemFactory(rights="http://example.org/my-licence/")
    with translation.override("en"), pytest.raises(ValidationError, match="not a Creative Commons"):
        item.full_clean()
    with translation.override("el"), pytest.raises(ValidationError, match="δεν είναι URI του Creative Commons"):
        item.full_clean()


def test_the_location_is_a_point_or_an_area_in_wgs84():
    point = ArchiveItemFactory(location=Point(23.7348, 37.9755, srid=4326))
    area = ArchiveItemFactory(location=Polygon.from_bbox((23.73, 37.97, 23.74, 37.98)))
    near_syntagma = Polygon.from_bbox((23.733, 37.974, 23.736, 37.977))
    assert set(ArchiveItem.objects.filter(location__intersects=near_syntagma)) == {point, area}
    assert (point.location.srid, area.location.geom_type) == (4326, "Polygon")
    with pytest.raises(IntegrityError, match="archiveitem_location_point_or_area"), transaction.atomic():
        ArchiveItemFactory(location=LineString((23.73, 37.97), (23.74, 37.98), srid=4326))


def test_a_date_interval_ends_after_it_starts():
    with pytest.raises(IntegrityError, match="archiveitem_date_interval"), transaction.atomic():
        ArchiveItemFactory(date_from=date(1920, 1, 1), date_to=date(1910, 1, 1))


def test_links_are_only_to_places_and_routes_of_the_items_municipality(athens, nafplio):
    own_place, own_route = PlaceFactory(), RouteFactory()
    other_place = Place.objects.filter(municipality=nafplio).first()  # a demo place of Nafplio
    assert (own_place.municipality, own_route.municipality, other_place.municipality) == (athens, athens, nafplio)
    item = ArchiveItemFactory(places=[own_place], routes=[own_route])
    assert list(own_place.archive_items.all()) == [item] and list(own_route.archive_items.all()) == [item]
    with pytest.raises(ArchiveLinkRefused, match=str(other_place)), transaction.atomic():
        item.places.add(other_place)
    with pytest.raises(ArchiveLinkRefused), transaction.atomic():
        other_place.archive_items.add(item)  # from the other side too
    assert list(item.places.all()) == [own_place]


def test_collections_belong_to_a_municipality_and_are_oai_sets(athens, nafplio):
    photos = ArchiveCollectionFactory(municipality=athens, slug="photographs")
    item = ArchiveItemFactory(collections=[photos])
    assert photos.set_spec == "athens:photographs" and list(photos.items.all()) == [item]
    ArchiveCollectionFactory(municipality=nafplio, slug="photographs")  # the same slug elsewhere is another set
    with pytest.raises(IntegrityError), transaction.atomic():
        ArchiveCollectionFactory(municipality=athens, slug="photographs")


def test_public_means_in_a_municipality_and_not_withdrawn():
    shown = ArchiveItemFactory()
    made = [shown, ArchiveItemFactory(withdrawn=True), ArchiveItemFactory(municipality=None)]
    # among these three (the demo has archive items of its own)
    assert list(ArchiveItem.objects.public().filter(pk__in=[item.pk for item in made])) == [shown]


def test_deleting_an_item_deletes_its_values_not_its_places():
    place = PlaceFactory()
    item = ArchiveItemFactory(dc=POSTCARD, places=[place])
    item.delete()
    assert not ArchiveValue.objects.filter(item_id=item.pk).exists() and Place.objects.filter(pk=place.pk).exists()


def test_physical_access_belongs_to_places_and_routes_not_to_items():
    assert {"step_free"} <= {f.name for f in Place._meta.fields} & {f.name for f in Route._meta.fields}
    assert "step_free" not in {f.name for f in ArchiveItem._meta.fields}
