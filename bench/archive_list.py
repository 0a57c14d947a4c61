"""Benchmark: the public archive list's reads (gis.archive_selectors) on generated items: what one request of
``/<lang>/archive/`` asks the database (count, facets, one page of 24), unfiltered, with a search, and with a search
and a facet; and the search's count alone beside the peer, the naive search the selectors replace
(``unaccent(value) ILIKE unaccent('%word%')`` over the same four elements: no stemming, no transliteration).

Not part of the test suite; it decides nothing. The items are generated (say so when quoting the figures): N items
(default 20,000) of one municipality, each with a Greek title of three words, a description of eight, a subject and
a creator drawn with a fixed seed from a list of real Greek words and names, a year between 1850 and 1990, one of
four DCMI types and one of three rights; every twentieth links "Ναύπλιο" into its description. They go into a
throw-away database ``xenagos_bench_archive_list`` on the project's cluster (dropped and created, migrated, dropped
again at the end; never the dev or the test database). Medians of ``--repeat`` runs, milliseconds.

    export XENAGOS_PGPORT=54332 SECRET_KEY=x   # your cluster's port
    .venv/bin/python bench/archive_list.py [--items 20000] [--repeat 15]
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import bench_municipality, django_bench_database  # noqa: E402

DATABASE = "xenagos_bench_archive_list"
# the peer: the naive search, over the same values (no stemming, no transliteration, no index)
PEER_SQL = (
    "SELECT count(*) FROM xgis_archiveitem i WHERE NOT i.withdrawn AND i.municipality_id = %s AND i.id IN "
    "(SELECT item_id FROM xgis_archivevalue WHERE element = ANY(%s) AND unaccent(value) ILIKE unaccent(%s))"
)
WORDS = (
    "πλατεία λιμάνι κάστρο εκκλησία σχολείο δρόμος αγορά σπίτι θάλασσα βουνό γέφυρα σταθμός πανηγύρι γιορτή "
    "ψαράδες καΐκι φάρος τείχος πύλη βρύση μύλος αμπέλι ελιές καφενείο δημαρχείο νοσοκομείο στρατώνας παραλία "
    "συνοικία περιβόλι μοναστήρι ρολόι κήπος πηγάδι αυλή μπαλκόνι σκάλα ταβέρνα φούρνος θέατρο"
).split()
NAMES = "Κοντός Παπαδόπουλος Οικονόμου Γεωργίου Νικολάου Δημητρίου Ιωάννου Αθανασίου Βασιλείου Μαυρίδης".split()
TYPES = ("StillImage", "Text", "Image", "Sound")
RIGHTS = (
    "http://creativecommons.org/licenses/by/4.0/",
    "http://creativecommons.org/publicdomain/mark/1.0/",
    "http://rightsstatements.org/vocab/InC/1.0/",
)


def generate(*, municipality, count: int) -> None:
    """``count`` items with their Dublin Core values, written in bulk (seeded: the same items every run)."""
    from gis.models import ArchiveItem, ArchiveValue

    rng = random.Random(15)  # noqa: S311  (generated data, not secrets)
    items = []
    for n in range(count):
        year = rng.randint(1850, 1990)
        title = " ".join(rng.choice(WORDS) for _ in range(3)).capitalize()
        items.append(
            ArchiveItem(
                municipality=municipality,
                name_el=title,
                date_text=str(year),
                date_from=f"{year}-01-01",
                date_to=f"{year}-12-31",
                dc_type=rng.choice(TYPES),
                rights=rng.choice(RIGHTS),
                source_id=f"bench-{n}",
            )
        )
    ArchiveItem.objects.bulk_create(items, batch_size=2000)
    values = []
    for n, item in enumerate(items):
        description = " ".join(rng.choice(WORDS) for _ in range(8)) + (" στο Ναύπλιο" if n % 20 == 0 else "")
        for element, value in (
            ("title", item.name_el),
            ("description", description),
            ("subject", rng.choice(WORDS)),
            ("creator", f"{rng.choice(NAMES)}, {rng.choice(NAMES)}"),
            ("date", item.date_text),
        ):  # one value of each element: position 0
            values.append(ArchiveValue(item=item, element=element, value=value, language="el", position=0))
    ArchiveValue.objects.bulk_create(values, batch_size=5000)


def median_ms(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with django_bench_database(DATABASE):
        from django.db import connection

        from gis.archive_selectors import ArchiveFilter, archive_count, archive_facets, archive_page, search_words

        municipality = bench_municipality(code="B0002", slug="bench")
        generate(municipality=municipality, count=args.items)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

        def request(where: ArchiveFilter) -> None:
            archive_count(where=where)
            archive_facets(where=where)
            archive_page(where=where, limit=24)

        cases = {
            "unfiltered": ArchiveFilter(municipality=municipality, language="el"),
            "search ΝΑΥΠΛΙΟ": ArchiveFilter(municipality=municipality, language="el", text="ΝΑΥΠΛΙΟ"),
            "search + type": ArchiveFilter(
                municipality=municipality, language="el", text="λιμανι", types=["StillImage"]
            ),
        }
        print(f"{args.items} generated items, {args.items * 5} values; medians of {args.repeat} runs")
        for name, where in cases.items():
            found = archive_count(where=where)
            took = median_ms(lambda w=where: request(w), args.repeat)
            print(f"one list request, {name:16s} ({found:5d} found): {took:8.1f} ms")
        where = cases["search ΝΑΥΠΛΙΟ"]
        ours = median_ms(lambda: archive_count(where=where), args.repeat)

        def peer() -> int:
            with connection.cursor() as cursor:
                cursor.execute(PEER_SQL, [municipality.pk, ["title", "description", "subject", "creator"], "%ναυπλιο%"])
                return cursor.fetchone()[0]

        theirs = median_ms(peer, args.repeat)
        print(f"search count, ours (xenagos_el + xenagos_en + ELOT 743, {search_words('ΝΑΥΠΛΙΟ')}): {ours:8.1f} ms")
        print(f"search count, peer (unaccent ILIKE '%ναυπλιο%', found {peer()}):         {theirs:8.1f} ms")
        print(f"ratio ours/peer (time): {ours / theirs:.2f}x")


if __name__ == "__main__":
    main()
