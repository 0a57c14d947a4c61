"""Round trip: the OAI-PMH provider (/oai) served by a live server and harvested by our own harvester
(importers.oai.list_records, its values read by importers.readers.dc) and by an independent client (sickle), across
resumption-token pages: the same identifiers, deleted records and values as the database holds.

The live server is on 127.0.0.1, which no demo site names: Wagtail answers it with the default site, Athens'; so the
harvest is of Athens' repository (identifiers ``oai:127.0.0.1:<uid>``). HARVEST_ALLOWED_HOSTS lists 127.0.0.1 in the
test settings."""

from urllib.parse import urlsplit

import pytest
from sickle import Sickle

from gis.models import ArchiveItem, ArchiveItemDeletion
from importers.oai import identify, list_records
from importers.readers.dc import dc_values
from tests.factories import ArchiveCollectionFactory, ArchiveItemFactory
from tests.gis.test_oai_provider import FULL, viewable

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def repository(live_server, settings, athens, nafplio):
    """Athens' repository on the live server: 7 items over 3 collections (one withdrawn), one deleted, and Nafplio's
    items that must not come; pages of 3 records."""
    settings.OAI_PAGE_SIZE = 3
    ArchiveItem.objects.all().delete()  # the demo's items: only these
    ArchiveItemDeletion.objects.all().delete()
    collection = ArchiveCollectionFactory(slug="postcards")
    items = []
    for number in range(7):
        values = [(name, f"{value} {number}" if name == "title" else value, lang) for name, value, lang in FULL]
        items.append(ArchiveItemFactory(dc=values, collections=[collection] if number % 2 else []))
    viewable(*items)  # EDM describes only items with an image (edm:isShownBy)
    ArchiveItem.objects.filter(pk=items[3].pk).update(withdrawn=True)
    gone = ArchiveItemFactory(dc=FULL)
    gone_uid = gone.uid
    gone.delete()
    ArchiveItemFactory(municipality=nafplio, dc=FULL)
    port = urlsplit(live_server.url).port
    return {"base": f"http://127.0.0.1:{port}/oai", "items": items, "gone": gone_uid, "collection": collection}


def expected(repository) -> dict[str, list | None]:
    """identifier -> sorted DC values (None for a deleted record), as the database holds them."""
    found: dict[str, list | None] = {}
    for item in ArchiveItem.objects.filter(municipality__code="9186").prefetch_related("dc_values"):
        values = sorted((v.element, v.value, v.language) for v in item.dc_values.all())
        found[f"oai:127.0.0.1:{item.uid}"] = None if item.withdrawn else values
    found[f"oai:127.0.0.1:{repository['gone']}"] = None
    return found


def test_our_harvester_gets_every_record_and_value_back(repository):
    about = identify(repository["base"])
    assert (about.granularity, about.deleted_record) == ("YYYY-MM-DDThh:mm:ssZ", "persistent")
    pages = list(list_records(repository["base"], metadata_prefix="oai_dc"))
    assert len(pages) >= 3
    assert [page.cursor for page in pages] == [3 * n for n in range(len(pages))]
    assert {page.complete_list_size for page in pages} == {len(expected(repository))} == {8}
    assert pages[-1].resumption_token is None  # the empty token of the last page ends the list
    harvested = {
        record.identifier: None if record.deleted else sorted(dc_values(record.metadata))  # type: ignore[arg-type]
        for page in pages
        for record in page.records
    }
    assert harvested == expected(repository)
    postcards = list(list_records(repository["base"], set_spec="athens:postcards"))
    in_set = {record.identifier for page in postcards for record in page.records}
    assert in_set == {f"oai:127.0.0.1:{item.uid}" for n, item in enumerate(repository["items"]) if n % 2}


def test_sickle_gets_the_same_records(repository):
    sickle = Sickle(repository["base"], max_retries=0)
    records = list(sickle.ListRecords(metadataPrefix="oai_dc", ignore_deleted=False))
    want = expected(repository)
    assert {record.header.identifier for record in records} == set(want)
    for record in records:
        values = want[record.header.identifier]
        assert record.header.deleted == (values is None)
        if values is not None:
            by_element: dict[str, list[str]] = {}
            for element, value, _language in values:
                by_element.setdefault(element, []).append(value)
            assert {k: sorted(v) for k, v in record.metadata.items()} == {k: sorted(v) for k, v in by_element.items()}
    headers = list(sickle.ListIdentifiers(metadataPrefix="edm", ignore_deleted=True))
    assert {h.identifier for h in headers} == {i for i, v in want.items() if v is not None}
