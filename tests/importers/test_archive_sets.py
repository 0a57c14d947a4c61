"""OAI-PMH sets become archive collections (issue 15): a harvest of the real fake2 repository
(tests/importers/oai_server.py: 81 records of DSpace at Erasmus University, whose headers carry setSpecs such as
``1:1`` and ``3:5``) puts each item into the Athens collections of its sets, named from the repository's ListSets
(asked once), and a file import of the same OAI-PMH response does so with the setSpecs as names; a second run
writes nothing; a record's changed sets move only the memberships the import made, never an editor's."""

import pytest
from defusedxml.ElementTree import fromstring
from django.db import connection
from psycopg import sql

from gis.models import ArchiveCollection, ArchiveItem
from importers.archive import archive_import
from importers.archive_harvest import archive_harvest
from importers.archive_sets import set_slug
from importers.models import HarvestSource
from tests.factories import ArchiveCollectionFactory, DatasetFactory
from tests.importers.oai_server import OAI_DATA, Q
from tests.importers.test_import_archive import snapshot

pytestmark = pytest.mark.django_db

FAKE2 = OAI_DATA / "fake2" / "00002.xml"
FAKE1_RECORDS = OAI_DATA / "fake1" / "00005.xml"  # a ListRecords answer of 16 records (a file whose rights import)
LIST_SETS = OAI_DATA / "fake1" / "00000.xml"
FROM = "2004-01-01T00:00:00Z"
FREE_TEXT_RIGHTS = "hdl:1765/9"  # rejected: its dc:rights is a paragraph of text


def sets_of_the_file(path=FAKE2) -> dict[str, set[str]]:
    """identifier -> setSpecs of the live records of ``path`` (fake2's by default), read apart from the importer."""
    root = fromstring(path.read_bytes())
    found = {}
    for header in root.iterfind(f"{Q}ListRecords/{Q}record/{Q}header"):
        if header.get("status") != "deleted":
            found[header.findtext(f"{Q}identifier")] = {spec.text for spec in header.iterfind(f"{Q}setSpec")}
    found.pop(FREE_TEXT_RIGHTS, None)
    return found


def set_names_of_the_repository() -> dict[str, str]:
    root = fromstring(LIST_SETS.read_bytes())
    return {s.findtext(f"{Q}setSpec"): " ".join(s.findtext(f"{Q}setName").split()) for s in root.iter(f"{Q}set")}


def memberships(dataset) -> dict[str, set[str]]:
    """source id -> slugs of the item's collections."""
    found: dict[str, set[str]] = {}
    for item in ArchiveItem.objects.filter(dataset=dataset).prefetch_related("collections"):
        found[item.source_id] = {c.slug for c in item.collections.all()}
    return found


def membership_rows() -> list[tuple]:
    with connection.cursor() as cursor:
        query = sql.SQL("SELECT id, xmin::text, archiveitem_id, archivecollection_id FROM {} ORDER BY id")
        cursor.execute(query.format(sql.Identifier(table())))
        return cursor.fetchall()


def table() -> str:
    return ArchiveItem.collections.through._meta.db_table


@pytest.fixture
def dataset():
    return DatasetFactory(slug="sets-test", licence="CC BY 4.0", attribution="EUR repository")


@pytest.fixture
def source(oai_server, athens, dataset):
    return HarvestSource.objects.create(municipality=athens, dataset=dataset, base_url=oai_server.base("fake2"))


def list_sets_asked(server) -> int:
    return sum(1 for _path, query in server.requests if query.get("verb") == "ListSets")


def test_the_file_carries_the_sets_this_test_relies_on():
    specs = set().union(*sets_of_the_file().values())
    assert {"1:1", "3:5", "5:12", "13:37"} <= specs
    names = set_names_of_the_repository()
    assert "3:5" in names and "5:12" not in names  # one named by ListSets, one the repository does not list


def test_a_harvest_puts_items_into_the_collections_of_their_sets_and_a_second_writes_nothing(
    oai_server, source, dataset, athens
):
    report = archive_harvest(source=source, from_=FROM)
    expected = sets_of_the_file()
    assert memberships(dataset) == {sid: {set_slug(s) for s in specs} for sid, specs in expected.items()}
    specs = set().union(*expected.values())
    collections = {c.slug: c for c in ArchiveCollection.objects.filter(municipality=athens)}
    assert {set_slug(s) for s in specs} <= set(collections)
    assert collections["3-5"].name_el == "EUR Medical Dissertations"
    assert collections["5-12"].name_el == "5:12"  # not in ListSets: the setSpec itself
    assert list_sets_asked(oai_server) == 1  # once for the whole harvest of four pages
    assert report.source["collections created"] == len(specs)
    assert report.source["set memberships added"] == sum(len(s) for s in expected.values())

    items, rows, count = snapshot(), membership_rows(), ArchiveCollection.objects.count()
    again = archive_harvest(source=source, from_=FROM, restart=True)
    assert again.counts["unchanged"] == 80 and "set memberships added" not in again.source
    assert snapshot()["items"] == items["items"] and membership_rows() == rows
    assert ArchiveCollection.objects.count() == count
    assert list_sets_asked(oai_server) == 1  # no new set: not asked again


def test_changed_sets_move_only_the_memberships_the_import_made(oai_server, source, dataset, athens):
    archive_harvest(source=source, from_=FROM)
    expected = sets_of_the_file()
    moved = next(sid for sid, specs in expected.items() if specs == {"1:1"})
    item = ArchiveItem.objects.get(dataset=dataset, source_id=moved)
    own = ArchiveCollectionFactory(municipality=athens, slug="editors-choice", name_el="Επιλογή")
    harvested_other = ArchiveCollection.objects.get(municipality=athens, slug="3-5")
    item.collections.add(own, harvested_other)  # an editor's two memberships
    for record in oai_server.repositories["fake2"].records:  # the repository moves the record from 1:1 to 2:8
        if record.findtext(f"{Q}header/{Q}identifier") == moved:
            record.find(f"{Q}header/{Q}setSpec").text = "2:8"

    report = archive_harvest(source=source, from_=FROM, restart=True)
    assert memberships(dataset)[moved] == {"2-8", "editors-choice", "3-5"}
    assert report.source["set memberships removed"] == 1 and report.source["set memberships added"] == 1
    others = {sid: slugs for sid, slugs in memberships(dataset).items() if sid != moved}
    assert others == {sid: {set_slug(s) for s in specs} for sid, specs in expected.items() if sid != moved}

    for record in oai_server.repositories["fake2"].records:  # and then out of every set
        if record.findtext(f"{Q}header/{Q}identifier") == moved:
            header = record.find(f"{Q}header")
            header.remove(header.find(f"{Q}setSpec"))
    archive_harvest(source=source, from_=FROM, restart=True)
    assert memberships(dataset)[moved] == {"editors-choice", "3-5"}  # the editor's stay


def test_a_file_of_an_oai_pmh_response_puts_items_into_collections_named_by_their_set_specs(dataset, athens):
    archive_import(path=FAKE1_RECORDS, dataset=dataset, municipality=athens, format="dc")
    expected = sets_of_the_file(FAKE1_RECORDS)
    assert len(expected) == 16 and {"1:1", "2:6"} <= set().union(*expected.values())
    assert memberships(dataset) == {sid: {set_slug(s) for s in specs} for sid, specs in expected.items()}
    assert ArchiveCollection.objects.get(municipality=athens, slug="2-6").name_el == "2:6"  # no ListSets in a file
    items, rows = snapshot(), membership_rows()
    archive_import(path=FAKE1_RECORDS, dataset=dataset, municipality=athens, format="dc")
    assert snapshot()["items"] == items["items"] and membership_rows() == rows


def test_set_slugs_keep_the_hierarchy_and_fit():
    assert set_slug("1:4") == "1-4" and set_slug("athens:postcards") == "athens-postcards"
    long_a, long_b = "x" * 60 + ":a", "x" * 60 + ":b"
    assert len(set_slug(long_a)) <= 50 and set_slug(long_a) != set_slug(long_b)
