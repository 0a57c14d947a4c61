"""Search latency on the demo data: the map's text search now (every language's text and the ELOT 743
transliteration, gis.search) vs the search before issue 12 (the page language's text only, copied below), on the same
database, in the same run. Prints p50/p95 per query, how many places each finds, and the ratio.

    .venv/bin/python bench/search_latency.py [--runs 200]

Run after `make test` or `make run` has set things up; it uses a throw-away database `xenagos_bench_search`.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import django_env, local_database_url, manage, recreate_database  # noqa: E402

QUERIES = [("el", "Ακρόπολη"), ("el", "ακροπ"), ("el", "Acropolis"), ("el", "Akropoli"), ("en", "Parthenonas")]


def before_sql(where) -> tuple[str, list]:
    """The search of commit 627b5eb (gis/selectors.py PlaceFilter.sql with a text): the page language's text only."""
    from gis.selectors import search_query

    config = "xenagos_el" if where.language == "el" else "xenagos_en"
    return (
        "FROM xgis_place p JOIN xgis_placetext t ON t.place_id = p.id AND t.language = %s "
        "LEFT JOIN xgis_category c ON c.id = p.category_id WHERE p.municipality_id = %s AND NOT p.withdrawn "
        f"AND t.search @@ to_tsquery('{config}', %s)",
        [where.language, where.municipality.pk, search_query(where.text)],
    )


def timed(run, runs: int) -> tuple[float, float, int]:
    samples, found = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        found = run()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    url = recreate_database(local_database_url(), "xenagos_bench_search")
    env = django_env(url)
    manage(env, "migrate", "--no-input")
    manage(env, "load_demo")
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection

    from gis import selectors
    from gis.models import Municipality

    athens = Municipality.objects.get(code="9186")
    print(f"{'query':<22} {'now p50/p95 ms':>16} {'found':>6} {'before p50/p95 ms':>19} {'found':>6} {'ratio p50':>10}")
    for language, text in QUERIES:
        where = selectors.PlaceFilter(municipality=athens, language=language, text=text)

        def now(where=where) -> int:
            return selectors.places_count(where=where)

        def before(where=where) -> int:
            sql, params = before_sql(where)
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*) {sql}", params)  # noqa: S608
                return cursor.fetchone()[0]

        ours = timed(now, args.runs)
        peer = timed(before, args.runs)
        label = f"/{language}/ {text}"
        print(
            f"{label:<22} {ours[0]:>7.2f} / {ours[1]:<6.2f} {ours[2]:>6} {peer[0]:>9.2f} / {peer[1]:<7.2f} {peer[2]:>6}"
            f" {ours[0] / peer[0]:>9.2f}x"
        )
    print("(the count of matching places, as the map's list asks it: before, the page language's text only;")
    print(" now, every language's text and the transliteration)")


if __name__ == "__main__":
    main()
