"""Benchmark: the OAI-PMH provider's ListRecords (gis.oai) at 100,000 generated archive items: page latency p50/p95
of the first page, a middle page and the last page (by resumption token), beside the same page's raw SQL (the
floor), with the ratio.

Not part of the test suite; it decides nothing. It runs in a throw-away database ``xenagos_bench_oai`` on the
project's cluster (dropped and created, migrated, dropped again at the end; never the dev or the test database):
one municipality with its Wagtail site on ``bench.localhost`` (the Kastoria boundary of the tests' data) and
**100,000 generated items**: item i takes its title, description, subject and date from row ``i % 6134`` of the
National Gallery of Art's ``objects_historical_data.csv`` (the text jittered with the item's number), type
StillImage, rights CC0, 6 Dublin Core values each (600,000 value rows), bulk inserted; datestamps one second
apart per two items from 2020-01-01 (so pages cross seconds that two items share), one item in 10 in a collection.

  ours   ``GET /oai?verb=ListRecords&metadataPrefix=oai_dc`` (page 1), then ``resumptionToken=`` of the page at
         cursor 50,000 and of the last page (tokens are stateless: made here for those positions with
         gis.oai.tokens, as the previous page would give them), through Django's test client with the
         municipality's Host header: middleware, keyset query, values and collections prefetch, XML written.
  floor  the same page's raw SQL through psycopg: the keyset SELECT of the page's 100 ids and one SELECT of their
         values (what any provider must read), no ORM, no XML.

    export XENAGOS_PGPORT=54331 SECRET_KEY=x   # your cluster's port
    .venv/bin/python bench/oai_listrecords.py [--items 100000] [--repeat 30]
"""

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, django_bench_database  # noqa: E402

DATABASE = "xenagos_bench_oai"
CSV = Path("/work/shared/data/archive/museum_csv/objects_historical_data.csv")
BOUNDARY = ROOT / "tests" / "importers" / "data" / "kallikratis_kastoria.geojson"
HOST = "bench.localhost"
CC0 = "http://creativecommons.org/publicdomain/zero/1.0/"


def rows() -> list[dict[str, str]]:
    with CSV.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def generate(*, municipality, count: int) -> None:
    """``count`` items with their values, bulk inserted (see the module)."""
    from django.db import connection

    from gis.models import ArchiveCollection, ArchiveItem, ArchiveValue

    source = rows()
    collection = ArchiveCollection.objects.create(municipality=municipality, slug="plates", name_el="Πλάκες")
    batch = 5000
    for start in range(0, count, batch):
        items = []
        for i in range(start, min(start + batch, count)):
            row = source[i % len(source)]
            items.append(
                ArchiveItem(
                    municipality=municipality,
                    name_el=f"{row['forwardtext'][:250]} #{i}",
                    source_id=f"bench-{i}",
                    dc_type="StillImage",
                    rights=CC0,
                    date_text=row["effectivedate"],
                )
            )
        created = ArchiveItem.objects.bulk_create(items)
        values = []
        for item, i in zip(created, range(start, start + len(created)), strict=True):
            row = source[i % len(source)]
            for element, value, language in (
                ("title", item.name_el, "en"),
                ("description", f"{row['remarks']} ({i})" or f"item {i}", "en"),
                ("subject", row["datatype"], ""),
                ("date", row["effectivedate"] or "1900", ""),
                ("type", "StillImage", ""),
                ("rights", CC0, ""),
            ):
                values.append(ArchiveValue(item=item, element=element, value=value, language=language))
        ArchiveValue.objects.bulk_create(values, batch_size=10000)
        ArchiveItem.collections.through.objects.bulk_create(
            [
                ArchiveItem.collections.through(archiveitem_id=item.pk, archivecollection_id=collection.pk)
                for item in created[::10]
            ]
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE xgis_archiveitem SET updated_at = timestamptz '2020-01-01 00:00:00+00' + (id / 2) * interval '1s'"
            " WHERE municipality_id = %s",
            [municipality.pk],
        )
        cursor.execute("ANALYZE xgis_archiveitem; ANALYZE xgis_archivevalue")


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30, help="requests per page measured")
    args = parser.parse_args()
    with django_bench_database(DATABASE):
        from django.conf import settings
        from django.db import connection
        from django.test import Client

        from gis.oai import selectors
        from gis.oai.tokens import ListState, token_encode
        from xenagos.municipalities import municipality_create

        settings.ALLOWED_HOSTS = ["*"]
        from gis.models import Municipality
        from gis.oai.responses import page_size

        municipality_create(code="B0001", name_el="Δήμος", name_en="Bench", hostname=HOST, boundary_path=BOUNDARY)
        municipality = Municipality.objects.get(code="B0001")
        started = time.perf_counter()
        generate(municipality=municipality, count=args.items)
        print(f"generated {args.items} items ({args.items * 6} values) in {time.perf_counter() - started:.1f} s")
        size = page_size()
        query = selectors.ListQuery(municipality=municipality, metadata_prefix="oai_dc")
        total = selectors.list_size(query)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT updated_at, id FROM xgis_archiveitem WHERE municipality_id = %s ORDER BY updated_at, id",
                [municipality.pk],
            )
            order = cursor.fetchall()

        def token_at(position: int) -> str:
            stamp, pk = order[position - 1]
            state = ListState(
                municipality=municipality.pk,
                verb="ListRecords",
                metadata_prefix="oai_dc",
                set_spec="",
                from_us=None,
                until_us=None,
                after=(selectors.micros(stamp), selectors.ITEM, pk),
                cursor=position,
                size=total,
            )
            return token_encode(state)

        last = (total - 1) // size * size
        pages = {
            "first": ({"verb": "ListRecords", "metadataPrefix": "oai_dc"}, None),
            "middle": ({"verb": "ListRecords", "resumptionToken": token_at(total // 2)}, total // 2),
            "last": ({"verb": "ListRecords", "resumptionToken": token_at(last)}, last),
        }
        client = Client()
        print(f"items: {total}, page size {size}, {args.repeat} requests per page (after 3 warm-up requests)")
        print(f"{'page':8} {'ours p50':>9} {'ours p95':>9} {'floor p50':>10} {'floor p95':>10} {'ratio p50':>10}")
        for name, (arguments, position) in pages.items():
            for _ in range(3):
                response = client.get("/oai", arguments, HTTP_HOST=HOST)
                assert response.status_code == 200 and b"<error" not in response.content, response.content[:300]
            ours = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                response = client.get("/oai", arguments, HTTP_HOST=HOST)
                ours.append(time.perf_counter() - started)
            assert response.content.count(b"<record>") == min(size, total - (position or 0))
            floor = []
            after = order[position - 1] if position else None
            for _ in range(args.repeat + 3):
                started = time.perf_counter()
                with connection.cursor() as cursor:
                    if after is None:
                        cursor.execute(
                            "SELECT id FROM xgis_archiveitem WHERE municipality_id = %s ORDER BY updated_at, id"
                            " LIMIT %s",
                            [municipality.pk, size + 1],
                        )
                    else:
                        cursor.execute(
                            "SELECT id FROM xgis_archiveitem WHERE municipality_id = %s AND (updated_at, id) > (%s, %s)"
                            " ORDER BY updated_at, id LIMIT %s",
                            [municipality.pk, after[0], after[1], size + 1],
                        )
                    ids = [pk for (pk,) in cursor.fetchall()][:size]
                    cursor.execute(
                        "SELECT item_id, element, value, language FROM xgis_archivevalue WHERE item_id = ANY(%s)"
                        " ORDER BY item_id, element, position",
                        [ids],
                    )
                    cursor.fetchall()
                floor.append(time.perf_counter() - started)
            floor = floor[3:]
            (o50, o95), (f50, f95) = percentiles(ours), percentiles(floor)
            timings = f"{o50 * 1e3:7.1f}ms {o95 * 1e3:7.1f}ms {f50 * 1e3:8.2f}ms {f95 * 1e3:8.2f}ms"
            print(f"{name:8} {timings} {o50 / f50:9.1f}x")


if __name__ == "__main__":
    main()
