"""The OAI-PMH harvest joined to the archive: `manage.py import_archive URL --format oai` and
importers.archive_harvest against the local test server (tests/importers/oai_server.py, 127.0.0.1), which pages the
real 81 records of fake2 by 25."""

from io import StringIO

import pytest
from defusedxml.ElementTree import fromstring
from django.core.management import CommandError, call_command

from gis.models import ArchiveItem, Municipality
from importers.archive_harvest import archive_harvest
from importers.models import HarvestSource, ImportRun
from importers.oai import OAIError
from tests.factories import DatasetFactory
from tests.importers.oai_server import OAI_DATA, Q
from tests.importers.test_import_archive import snapshot

FAKE2 = OAI_DATA / "fake2" / "00002.xml"
FREE_TEXT_RIGHTS = "hdl:1765/9"  # its dc:rights is a paragraph of text, no licence


@pytest.fixture
def dataset():
    return DatasetFactory(slug="harvest-test", licence="CC BY 4.0", attribution="EUR repository")


def fake2_records() -> dict[str, tuple[str, bool, str]]:
    """identifier: (datestamp, deleted, first title) of the real file, read apart from the harvester."""
    root = fromstring(FAKE2.read_bytes())
    found = {}
    for record in root.iterfind(f"{Q}ListRecords/{Q}record"):
        header = record.find(f"{Q}header")
        title = record.findtext(".//{http://purl.org/dc/elements/1.1/}title") or ""
        found[header.findtext(f"{Q}identifier")] = (
            header.findtext(f"{Q}datestamp"),
            header.get("status") == "deleted",
            " ".join(title.split()),
        )
    return found


def harvest_command(server, dataset, *args, **options) -> str:
    out = StringIO()
    call_command(
        "import_archive",
        server.base("fake2"),
        *args,
        dataset=dataset.slug,
        municipality="9186",
        stdout=out,
        **{"from_": "2004-01-01T00:00:00Z", **options},
    )
    return out.getvalue()


@pytest.mark.django_db
def test_a_full_harvest_makes_items_of_all_81_records_and_a_second_run_writes_nothing(oai_server, dataset):
    expected = fake2_records()
    assert len(expected) == 81
    deleted = {identifier for identifier, (_d, gone, _t) in expected.items() if gone}
    assert len(deleted) == 2
    text = harvest_command(oai_server, dataset)
    assert "page 1, 25 of 81 records" in text and "page 4, 81 of 81 records" in text
    assert "Import committed." in text and "format OAI-PMH: 4 pages, 81 records, " in text
    assert "11 collections created, 78 set memberships added, 81 complete_list_size" in text  # importers.archive_sets
    assert f"rejected record 1 (id {FREE_TEXT_RIGHTS}), field 'rights'" in text
    items = {item.source_id: item for item in ArchiveItem.objects.filter(dataset=dataset)}
    assert set(items) == set(expected) - deleted - {FREE_TEXT_RIGHTS}  # 78
    for identifier, item in items.items():
        datestamp, _gone, title = expected[identifier]
        assert item.harvested_at.strftime("%Y-%m-%dT%H:%M:%SZ") == datestamp
        assert item.name_el == title and item.municipality.code == "9186" and not item.withdrawn
    run = ImportRun.objects.get(kind=ImportRun.Kind.ARCHIVE, dataset=dataset)
    assert run.report["counts"]["create"] == 78 and run.options["source"] == "harvest"
    source = HarvestSource.objects.get(dataset=dataset)
    assert source.last_datestamp and not source.unfinished

    before = snapshot()
    asked = len(oai_server.requests)
    oai_server.response_date = "2004-03-01T00:00:00Z"
    again = StringIO()
    call_command("import_archive", oai_server.base("fake2"), dataset=dataset.slug, municipality="9186", stdout=again)
    listed = [params for _n, params in oai_server.requests[asked:] if params.get("verb") == "ListRecords"]
    assert listed == [{"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": source.last_datestamp}]
    assert snapshot() == before  # nothing new: nothing written, no run
    assert "created: 0, updated: 0, unchanged: 0" in again.getvalue()


@pytest.mark.django_db
def test_a_dry_run_harvests_reports_and_writes_nothing_nor_moves_the_datestamp(oai_server, dataset):
    text = harvest_command(oai_server, dataset, dry_run=True)
    assert "Dry run: nothing changed." in text and "would be created: 78" in text
    assert not ArchiveItem.objects.filter(dataset=dataset).exists()
    source = HarvestSource.objects.get(dataset=dataset)
    assert source.last_datestamp == "" and source.resumption_token == "" and source.pages_done == 0
    assert not ImportRun.objects.filter(dataset=dataset).exists()


@pytest.mark.django_db
def test_a_deleted_record_withdraws_its_item(oai_server, dataset):
    athens = Municipality.objects.get(code="9186")
    source = HarvestSource.objects.create(municipality=athens, dataset=dataset, base_url=oai_server.base("fake2"))
    archive_harvest(source=source, from_="2004-01-01T00:00:00Z")
    deleted = [identifier for identifier, (_d, gone, _t) in fake2_records().items() if gone]
    live = ArchiveItem.objects.filter(dataset=dataset).exclude(source_id=FREE_TEXT_RIGHTS).order_by("source_id")
    target = live.first()
    assert target is not None and target.source_id not in deleted
    # the repository deletes one record: the next harvest gets its header with status="deleted"
    record = next(
        r
        for r in oai_server.repositories["fake2"].records
        if r.findtext(f"{Q}header/{Q}identifier") == target.source_id
    )
    header = record.find(f"{Q}header")
    header.set("status", "deleted")
    header.find(f"{Q}datestamp").text = "2004-03-02T00:00:00Z"
    record.remove(record.find(f"{Q}metadata"))
    report = archive_harvest(source=source, from_="2004-03-01T00:00:00Z")
    target.refresh_from_db()
    assert report.counts["withdraw"] == 1 and target.withdrawn
    assert target.dc_values.exists() and target.harvested_at.isoformat() == "2004-03-02T00:00:00+00:00"
    assert ArchiveItem.objects.filter(dataset=dataset, withdrawn=True).count() == 1  # withdrawn, not deleted


@pytest.mark.django_db(transaction=True)
def test_an_error_page_mid_harvest_keeps_the_pages_before_and_the_command_resumes(oai_server, dataset):
    athens = Municipality.objects.get(code="9186")
    source = HarvestSource.objects.create(municipality=athens, dataset=dataset, base_url=oai_server.base("fake2"))
    hidden = {}

    def expire_the_next_token(page, harvested) -> None:
        if harvested.pages_done == 2:  # the server forgets page 3's token: badResumptionToken on page 3
            hidden[page.resumption_token] = oai_server.tokens.pop(page.resumption_token)

    with pytest.raises(OAIError, match="badResumptionToken") as caught:
        archive_harvest(source=source, from_="2004-01-01T00:00:00Z", progress=expire_the_next_token)
    token = next(iter(hidden))
    assert caught.value.url.endswith(f"resumptionToken={token}")
    assert ArchiveItem.objects.filter(dataset=dataset).count() == 50 - 1  # pages 1 and 2 (one record rejected)
    source.refresh_from_db()
    assert source.unfinished and source.pages_done == 2 and "badResumptionToken" in source.last_error

    with pytest.raises(CommandError, match=rf"^{oai_server.base('fake2')}\?verb=ListRecords&resumptionToken="):
        call_command("import_archive", oai_server.base("fake2"), dataset=dataset.slug, municipality="9186")
    oai_server.tokens.update(hidden)  # the server is back
    out = StringIO()
    call_command("import_archive", oai_server.base("fake2"), dataset=dataset.slug, municipality="9186", stdout=out)
    assert "Resuming the unfinished harvest after page 2." in out.getvalue()
    assert "page 3, 75 of 81 records" in out.getvalue() and "page 4, 81 of 81 records" in out.getvalue()
    assert ArchiveItem.objects.filter(dataset=dataset).count() == 78
    source.refresh_from_db()
    assert not source.unfinished and source.last_error == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("html", "the answer is an HTML page, not OAI-PMH XML"),
        ("not-oai", "the answer is XML but not OAI-PMH (its root element is rss)"),
        ("broken", "the answer is not well-formed XML"),
        ("bomb", "XML with a DTD or entity declarations is not read"),
        ("nowhere", "the server answered HTTP 404"),
        ("error/badArgument", "badArgument"),
        ("redirect?to=http://10.0.0.1/", "10.0.0.1"),
    ],
)
def test_each_hostile_answer_gives_a_clear_command_error(oai_server, dataset, path, message):
    before = snapshot()
    with pytest.raises(CommandError) as caught:
        call_command("import_archive", oai_server.base(path), dataset=dataset.slug, municipality="9186")
    shown = str(caught.value)
    assert shown.startswith("http://") and "?verb=Identify: " in shown  # the page's URL, then what is wrong
    assert oai_server.base(path).split("?")[0] in shown and message in shown
    assert snapshot() == before


@pytest.mark.django_db
def test_the_command_explains_what_a_harvest_needs(dataset, tmp_path):
    with pytest.raises(CommandError, match="needs an http or https base URL"):
        call_command("import_archive", str(tmp_path / "a.xml"), dataset=dataset.slug, format="oai", municipality="9186")
    with pytest.raises(CommandError, match="name the municipality"):
        call_command("import_archive", "http://127.0.0.1:9/oai", dataset=dataset.slug)
    with pytest.raises(CommandError, match="--set, --from, --until and --restart are for an OAI-PMH harvest"):
        call_command("import_archive", str(tmp_path / "a.xml"), dataset=dataset.slug, set_spec="x")
    with pytest.raises(CommandError, match="resolves to a private"):  # the SSRF rule: a private address not listed
        call_command("import_archive", "http://10.0.0.1/oai", dataset=dataset.slug, municipality="9186")
