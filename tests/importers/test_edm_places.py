"""EDM place coordinates become an archive item's location (issue 15): an edm:Place with wgs84_pos:lat/long named
by dcterms:spatial or edm:currentLocation. Europeana's real files (shared/data/archive/edm) declare the wgs84_pos
namespace but carry no edm:Place at all, so they import with no location; the places come from Europeana's valid
record with places added here. Coordinates that cannot be a place are noted with the record's id and the item is
imported without them; an editor's location is never moved, the import's own follows the source."""

import zipfile
from pathlib import Path

import pytest
from defusedxml.ElementTree import fromstring
from django.contrib.gis.geos import Point

from gis.models import ArchiveItem
from importers.archive import archive_import
from importers.readers.dc import XmlSource, coordinates_refusal
from tests.factories import DatasetFactory
from tests.importers.test_import_archive import snapshot

REAL = Path("/work/shared/data/archive/edm")  # as tests/importers/test_import_archive.py reads them
VALID_RECORD = "record_valid-record.xml"
WGS84 = "http://www.w3.org/2003/01/geo/wgs84_pos#"


def real_file(name: str) -> Path:
    """One of Europeana's EDM files."""
    return REAL / name


def crafted(tmp_path: Path, places: list[tuple[str, str, str]]) -> Path:
    """Europeana's valid record as one CHO per ``places`` entry (reference element, latitude, longitude): each
    named ``<about>-<n>`` and pointing at an edm:Place of its own with those coordinates."""
    text = real_file(VALID_RECORD).read_text(encoding="utf-8")
    head, rest = text.split("<edm:ProvidedCHO", 1)
    cho_body, tail = rest.split("</edm:ProvidedCHO>", 1)
    aggregation, closing = tail.rsplit("</rdf:RDF>", 1)
    head = head.replace('xmlns:wgs84_pos="http://www.w3.org/2003/01/geo/wgs84_pos"', f'xmlns:wgs84_pos="{WGS84}"')
    parts = [head]
    for number, (reference, lat, lon) in enumerate(places, start=1):
        about = f"URN:NBN:SI:doc-35SZSOCF-{number}"
        body = cho_body.replace('rdf:about="URN:NBN:SI:doc-35SZSOCF"', f'rdf:about="{about}"', 1)
        link = f'<{reference} rdf:resource="#place-{number}"/>'
        parts.append(f"<edm:ProvidedCHO{body}{link}</edm:ProvidedCHO>")
        parts.append(aggregation.replace('rdf:resource="URN:NBN:SI:doc-35SZSOCF"', f'rdf:resource="{about}"'))
        parts.append(
            f'<edm:Place rdf:about="#place-{number}"><wgs84_pos:lat>{lat}</wgs84_pos:lat>'
            f"<wgs84_pos:long>{lon}</wgs84_pos:long></edm:Place>"
        )
    path = tmp_path / "places.xml"
    path.write_text("".join(parts) + "</rdf:RDF>" + closing, encoding="utf-8")
    return path


def test_the_real_files_name_no_place():
    """What Europeana's files contain: the namespace, no edm:Place, no coordinates, no dcterms:spatial."""
    documents = [real_file(VALID_RECORD).read_bytes()]
    with zipfile.ZipFile(real_file("zip_dataset-valid.zip")) as archive:
        documents += [archive.read(n) for n in archive.namelist() if n.endswith(".xml") and "__MACOSX" not in n]
    assert len(documents) == 5
    for data in documents:
        assert b"wgs84_pos" in data  # declared
        root = fromstring(data)
        assert not list(root.iter("{http://www.europeana.eu/schemas/edm/}Place"))
        assert not [e for e in root.iter() if str(e.tag).endswith("}lat") or str(e.tag).endswith("}spatial")]
    records = list(XmlSource(real_file(VALID_RECORD), VALID_RECORD).records())
    assert [(r.location, r.location_refused) for r in records] == [(None, "")]


@pytest.mark.parametrize(
    ("lat", "lon", "point", "refused"),
    [
        ("37.9715", "23.7267", (23.7267, 37.9715), ""),
        (" -90 ", "180", (180.0, -90.0), ""),
        ("95", "23.7", None, "outside"),
        ("37.9", "-180.5", None, "outside"),
        ("0", "0.0", None, "0, 0"),
        ("37,97", "23.72", None, "not numbers"),
        ("", "23.72", None, "not numbers"),
        ("nan", "23.72", None, "outside"),
    ],
)
def test_coordinates_are_checked(lat, lon, point, refused):
    found, reason = coordinates_refusal(lat, lon)
    assert found == point and (refused in reason if refused else reason == "")


@pytest.mark.django_db
def test_places_become_locations_and_bad_coordinates_are_noted_not_fatal(tmp_path, athens):
    dataset = DatasetFactory(slug="edm-places")
    path = crafted(
        tmp_path,
        [
            ("dcterms:spatial", "37.9715", "23.7267"),
            ("edm:currentLocation", "95", "23.7"),
            ("dcterms:spatial", "0", "0"),
        ],
    )
    report = archive_import(path=path, dataset=dataset, municipality=athens, format="edm")
    items = {i.source_id.rsplit("-", 1)[1]: i for i in ArchiveItem.objects.filter(dataset=dataset)}
    assert report.counts["create"] == 3 and report.counts.get("rejected", 0) == 0
    assert items["1"].location.equals_exact(Point(23.7267, 37.9715, srid=4326), 1e-9)
    assert items["2"].location is None and items["3"].location is None
    notes = {note["source_id"]: note["reason"] for note in report.notes}
    assert set(notes) == {"URN:NBN:SI:doc-35SZSOCF-2", "URN:NBN:SI:doc-35SZSOCF-3"}
    assert "record URN:NBN:SI:doc-35SZSOCF-2" in notes["URN:NBN:SI:doc-35SZSOCF-2"]
    assert "95" in notes["URN:NBN:SI:doc-35SZSOCF-2"] and "0, 0" in notes["URN:NBN:SI:doc-35SZSOCF-3"]

    before = snapshot()
    archive_import(path=path, dataset=dataset, municipality=athens, format="edm")
    assert snapshot()["items"] == before["items"]  # a re-import writes nothing


@pytest.mark.django_db
def test_the_import_moves_its_own_location_never_an_editors(tmp_path, athens):
    dataset = DatasetFactory(slug="edm-moves")
    first = crafted(tmp_path, [("dcterms:spatial", "37.9715", "23.7267"), ("dcterms:spatial", "37.97", "23.72")])
    archive_import(path=first, dataset=dataset, municipality=athens, format="edm")
    edited = ArchiveItem.objects.get(dataset=dataset, source_id__endswith="-2")
    edited.location = Point(23.7300, 37.9800, srid=4326)  # an editor moves the second
    edited.save()
    moved = crafted(tmp_path, [("dcterms:spatial", "37.9755", "23.7348"), ("dcterms:spatial", "37.96", "23.71")])
    report = archive_import(path=moved, dataset=dataset, municipality=athens, format="edm")
    items = {i.source_id.rsplit("-", 1)[1]: i for i in ArchiveItem.objects.filter(dataset=dataset)}
    assert items["1"].location.equals_exact(Point(23.7348, 37.9755, srid=4326), 1e-9)  # the import's: follows
    assert items["2"].location.equals_exact(Point(23.7300, 37.9800, srid=4326), 1e-9)  # the editor's: stays
    assert report.counts["update"] == 1


def test_an_inline_place_in_the_namespace_as_europeana_declares_it_is_read(tmp_path):
    """A place written inside dcterms:spatial, with wgs84_pos declared as in Europeana's own files (no final #)."""
    text = real_file(VALID_RECORD).read_text(encoding="utf-8")
    place = (
        '<dcterms:spatial><edm:Place rdf:about="#nafplio"><wgs84_pos:lat>37.5673</wgs84_pos:lat>'
        "<wgs84_pos:long>22.8015</wgs84_pos:long></edm:Place></dcterms:spatial>"
    )
    path = tmp_path / "inline.xml"
    path.write_text(text.replace("<edm:type>TEXT</edm:type>", place + "<edm:type>TEXT</edm:type>"), encoding="utf-8")
    assert 'xmlns:wgs84_pos="http://www.w3.org/2003/01/geo/wgs84_pos"' in text
    [record] = XmlSource(path, "inline.xml").records()
    assert record.location == (22.8015, 37.5673) and record.location_refused == ""
    assert not [value for element, value, _l in record.values if element == "coverage"]  # the place is no text
