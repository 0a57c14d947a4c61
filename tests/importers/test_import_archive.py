"""Archive items in: the real National Gallery CSV (long format), the real OAI-PMH responses and oai_dc record, the
real EDM record and dataset zip; dry run, idempotence (a re-import writes nothing), withdrawal; bad input fails
naming the file and record and writes nothing."""

import csv
import zipfile
from collections import defaultdict
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from gis.models import ArchiveItem, ArchiveValue
from importers.archive import ArchiveInputError, archive_import
from importers.errors import ImporterError, UnreadableFile, UnsafeInput
from importers.management.commands.import_archive import csv_mapping
from importers.models import ImportRun
from importers.readers.archive_csv import CsvMapping
from importers.readers.dc import XmlSource, dc_values, xml_root
from tests.factories import DatasetFactory

pytestmark = pytest.mark.django_db
ARCHIVE = Path("/work/shared/data/archive")
NGA = ARCHIVE / "museum_csv" / "objects_historical_data.csv"
NGA_MAPPING = Path(__file__).resolve().parent / "data" / "nga_objects_historical.toml"
OAI_LIST = ARCHIVE / "oai" / "fake1" / "00005.xml"  # ListRecords, 16 records
OAI_DC = ARCHIVE / "oai" / "fake1" / "00006.xml"  # one oai_dc:dc record
OAI_81 = ARCHIVE / "oai" / "fake2" / "00002.xml"  # ListRecords, 81 records, 2 deleted, one free-text rights
EDM = ARCHIVE / "edm" / "record_valid-record.xml"
EDM_ZIP = ARCHIVE / "edm" / "zip_dataset-valid.zip"


def snapshot() -> dict:
    """Everything an archive import could write, row by row (xmin shows whether a row was rewritten)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, xmin::text, md5(t::text) FROM xgis_archiveitem t ORDER BY id")
        items = cursor.fetchall()
        cursor.execute("SELECT id, xmin::text, md5(t::text) FROM xgis_archivevalue t ORDER BY id")
        values = cursor.fetchall()
    return {"items": items, "values": values, "runs": ImportRun.objects.count()}


@pytest.fixture
def dataset():
    return DatasetFactory(slug="archive-test", licence="CC0 1.0", attribution="test")


def nga_objects() -> dict[str, dict[str, list[str]]]:
    """The oracle: the CSV read by the csv module, grouped by object id, titles and attributions in display order."""
    objects: dict[str, dict[str, list[tuple[int, str]]]] = defaultdict(lambda: defaultdict(list))
    with NGA.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            objects[row["objectid"]][row["datatype"]].append((int(row["displayorder"]), row["forwardtext"].strip()))
    return {
        oid: {kind: [t for _o, t in sorted(rows)] for kind, rows in kinds.items()} for oid, kinds in objects.items()
    }


def test_the_national_gallery_csv_groups_rows_by_object_and_reimports_nothing(dataset, athens):
    mapping = csv_mapping(str(NGA_MAPPING))
    dry = archive_import(path=NGA, dataset=dataset, municipality=athens, mapping=mapping, dry_run=True)
    assert not ArchiveItem.objects.filter(dataset=dataset).exists()
    oracle = nga_objects()
    assert dry.counts["create"] == len(oracle) == 5307 and dry.counts["rejected"] == 0
    report = archive_import(path=NGA, dataset=dataset, municipality=athens, mapping=mapping)
    assert report.counts["create"] == 5307 and report.counts["read"] == 5307
    # object 34: three attributions in display order, no title of its own
    item = ArchiveItem.objects.get(dataset=dataset, source_id="34")
    creators = list(item.dc_values.filter(element="creator").order_by("position").values_list("value", flat=True))
    assert (
        creators == oracle["34"]["previous_attribution"] == ["Cimabue", "Attributed to Cimabue", "Follower of Cimabue"]
    )
    assert item.name_el == "National Gallery of Art, object 34"
    assert item.rights == "http://creativecommons.org/publicdomain/zero/1.0/" and item.municipality == athens
    titled = next(oid for oid, kinds in oracle.items() if len(kinds.get("previous_title", [])) > 1)
    item = ArchiveItem.objects.get(dataset=dataset, source_id=titled)
    assert item.name_el == oracle[titled]["previous_title"][0]
    titles = list(item.dc_values.filter(element="title").order_by("position").values_list("value", flat=True))
    assert titles == oracle[titled]["previous_title"]
    # a field with an embedded newline is one value, its spaces trimmed
    assert ArchiveValue.objects.filter(item__source_id="9", element="creator", value="Attributed to Masaccio").exists()
    before = snapshot()
    again = archive_import(path=NGA, dataset=dataset, municipality=athens, mapping=mapping)
    assert again.counts["unchanged"] == 5307 and again.counts["create"] == again.counts["update"] == 0
    after = snapshot()
    assert after["items"] == before["items"] and after["values"] == before["values"]
    assert after["runs"] == before["runs"] + 1  # the history has the second run, which wrote nothing else


def test_an_oai_pmh_response_imports_its_records_with_headers(dataset, athens):
    report = archive_import(path=OAI_LIST, dataset=dataset, municipality=athens)
    assert report.counts["create"] == 16
    item = ArchiveItem.objects.get(dataset=dataset, source_id="hdl:1765/308")
    assert item.harvested_at.isoformat() == "2003-04-15T10:18:51+00:00"
    assert item.dc_values.filter(element="contributor", value="Smidts, A.").exists()
    assert str(item.date_from) == "2003-04-15"


def test_dc_values_reads_an_oai_dc_element_in_document_order_with_languages():
    root = xml_root(OAI_DC.read_bytes(), shown="00006.xml")
    values = dc_values(root)
    assert values[0] == ("contributor", "Edwards, A.R.", "")
    assert ("language", "nl", "") in values and ("format", "application/pdf", "") in values
    element = xml_root(
        b'<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
        b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title xml:lang="el">\xce\x9f \xce\xbd\xce\xb1\xcf\x8c\xcf\x82'
        b'</dc:title><dc:title xml:lang="en">The church</dc:title><dc:subject> </dc:subject></oai_dc:dc>',
        shown="x.xml",
    )
    assert dc_values(element) == [("title", "Ο ναός", "el"), ("title", "The church", "en")]


def test_one_oai_dc_record_is_keyed_on_its_first_identifier(dataset, athens):
    archive_import(path=OAI_DC, dataset=dataset, municipality=athens, format="dc")
    assert ArchiveItem.objects.get(dataset=dataset).source_id == "90-9014980-5"


def test_free_text_rights_fail_the_import_naming_the_record_and_nothing_is_written(dataset, athens):
    before = snapshot()
    with pytest.raises(ArchiveInputError, match=r"00002\.xml.*hdl:1765/\d+.*unknown rights 'Copyright 2001"):
        archive_import(path=OAI_81, dataset=dataset, municipality=athens)
    assert snapshot() == before


def test_edm_records_and_the_dataset_zip_without_its_macos_members(dataset, athens):
    archive_import(path=EDM, dataset=dataset, municipality=athens, format="edm")
    item = ArchiveItem.objects.get(dataset=dataset, source_id="URN:NBN:SI:doc-35SZSOCF")
    assert item.rights == "http://creativecommons.org/publicdomain/mark/1.0/" and item.dc_type == "Text"
    assert item.date_text == "1826" and str(item.date_from) == "1826-01-01"
    assert item.dc_values.filter(element="subject", language="sl").count() == 5
    report = archive_import(path=EDM_ZIP, dataset=dataset, municipality=athens)
    assert report.counts["read"] == 4 and report.counts["rejected"] == 0  # the four Record*.xml, no ._Record*.xml
    assert report.counts["unchanged"] == 1 and report.counts["create"] == 3


def test_a_malformed_zip_member_is_reported_by_name_and_the_rest_imported(dataset, athens, tmp_path):
    path = tmp_path / "edm.zip"
    with zipfile.ZipFile(EDM_ZIP) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("Metis_Sandbox/Broken.xml", b"<rdf:RDF><unclosed>")
    report = archive_import(path=path, dataset=dataset, municipality=athens)
    assert report.counts["create"] == 4
    assert [(r["field"], "broken" in r["reason"]) for r in report.rejected] == [("Metis_Sandbox/Broken.xml", True)]


def test_a_missing_item_is_withdrawn_and_a_deleted_oai_record_too(dataset, athens, tmp_path):
    archive_import(path=OAI_LIST, dataset=dataset, municipality=athens)
    text = OAI_LIST.read_text(encoding="utf-8")
    first = text.index("<record>")
    end = text.index("</record>", first) + len("</record>")
    deleted = (
        '<record><header status="deleted"><identifier>hdl:1765/308</identifier>'
        "<datestamp>2003-05-01T00:00:00Z</datestamp></header></record>"
    )
    smaller = tmp_path / "list.xml"
    smaller.write_text(text[:first] + deleted + text[end:].split("<record>", 2)[0] + "</ListRecords></OAI-PMH>")
    report = archive_import(path=smaller, dataset=dataset, municipality=athens)
    withdrawn = ArchiveItem.objects.filter(dataset=dataset, withdrawn=True)
    assert report.counts["withdraw"] == withdrawn.count() == 16 - report.counts["unchanged"]
    item = ArchiveItem.objects.get(source_id="hdl:1765/308")
    assert item.withdrawn and item.name_el and item.dc_values.exists()  # withdrawn, its values kept


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        (b"<oai_dc:dc xmlns:oai_dc='x'><dc:title>", UnreadableFile, "the XML is broken"),
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
            b"<lolz>&lol2;</lolz>",
            UnsafeInput,
            "DTD or entity",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
            UnsafeInput,
            "DTD or entity",
        ),
        (b"<html><body>not metadata</body></html>", UnreadableFile, "not an oai_dc record"),
    ],
    ids=["malformed", "entity-bomb", "external-entity", "not-metadata"],
)
def test_hostile_or_broken_xml_is_refused_naming_the_file(dataset, athens, tmp_path, content, error, message):
    path = tmp_path / "bad.xml"
    path.write_bytes(content)
    before = snapshot()
    with pytest.raises(error, match=rf"bad\.xml.*{message}"):
        archive_import(path=path, dataset=dataset, municipality=athens)
    assert snapshot() == before


def write_csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def wide_mapping(tmp_path: Path) -> Path:
    path = tmp_path / "mapping.toml"
    path.write_text(
        'id = "code"\n[fields]\ntitle = "titlos"\ndate = "chronologia"\nrights = "adeia"\n[languages]\ntitle = "el"\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"code": "K-2", "titlos": "Η προκυμαία", "chronologia": "1912-13-45", "adeia": "CC BY 4.0"}, "row 2.*date"),
        ({"code": "K-2", "titlos": "Η προκυμαία", "chronologia": "1912", "adeia": "Όλα δικά μας"}, "K-2.*rights"),
    ],
    ids=["bad-date", "unknown-rights"],
)
def test_a_csv_with_a_bad_date_or_unknown_rights_fails_and_writes_nothing(dataset, athens, tmp_path, row, message):
    good = {"code": "K-1", "titlos": "Η πλατεία", "chronologia": "περ. 1920", "adeia": "CC BY 4.0"}
    path = write_csv(tmp_path / "archive.csv", [good, row])
    before = snapshot()
    with pytest.raises(CommandError, match=rf"archive\.csv.*{message}"):
        call_command(
            "import_archive", str(path), dataset=dataset.slug, municipality="9186", mapping=str(wide_mapping(tmp_path))
        )
    assert snapshot() == before


def test_the_command_imports_a_wide_csv_with_languages_and_reports(dataset, athens, tmp_path):
    rows = [{"code": "K-1", "titlos": "Η πλατεία", "chronologia": "δεκαετία του 1910", "adeia": "InC"}]
    path = write_csv(tmp_path / "archive.csv", rows)
    out = StringIO()
    call_command(
        "import_archive",
        str(path),
        dataset=dataset.slug,
        municipality="9186",
        mapping=str(wide_mapping(tmp_path)),
        stdout=out,
    )
    text = out.getvalue()
    assert "Import committed." in text
    assert "format CSV: 1 rows, 1 records" in text  # what was read; no layer, CRS or encoding of a GIS file
    assert "None" not in text and "layer" not in text and "CRS" not in text
    item = ArchiveItem.objects.get(dataset=dataset, source_id="K-1")
    assert (item.name_el, str(item.date_from), str(item.date_to)) == ("Η πλατεία", "1910-01-01", "1919-12-31")
    assert item.rights == "http://rightsstatements.org/vocab/InC/1.0/"
    assert item.dc_values.get(element="title").language == "el"
    run = ImportRun.objects.get(kind=ImportRun.Kind.ARCHIVE, dataset=dataset)
    assert run.report["counts"]["create"] == 1
    assert CsvMapping.from_dict(run.mapping["csv"]) == csv_mapping(str(wide_mapping(tmp_path)))  # kept to repeat


def test_without_a_municipality_or_a_mapping_the_command_explains(dataset, tmp_path):
    path = write_csv(tmp_path / "a.csv", [{"code": "1", "titlos": "x"}])
    with pytest.raises(CommandError, match="name the municipality"):
        call_command("import_archive", str(OAI_DC), dataset=dataset.slug)
    with pytest.raises(CommandError, match="needs a mapping"):
        call_command("import_archive", str(path), dataset=dataset.slug, municipality="9186")
    with pytest.raises(ImporterError):
        XmlSource(path, "a.csv").records().__next__()
