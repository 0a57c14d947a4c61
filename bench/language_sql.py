"""Benchmark: the open-data reads with names and vocabulary labels by language fallback order (gis.languages) vs the
same reads with the SQL before it (English-or-Greek CASEs and a join on the one locale's rows, copied below).

Same database, same run, interleaved: an items page (bbox around Athens, limit 100, as bench/items_vs_pygeoapi.py
asks), the whole collection as CSV rows (lon/lat) and as GeoJSON blocks (what a download or the feature cache fill
reads), in English and in Greek. Prints the median of each, both figures and their ratio. Never pass/fail.

    export SECRET_KEY=x DATABASE_URL=$(scripts/pg.sh url)
    .venv/bin/python bench/language_sql.py [--points 100000] [--runs 5]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from export_vs_ogr2ogr import bench_database, django_env, out, seed  # noqa: E402

BBOX = (23.60, 37.90, 23.80, 38.10)  # around Athens, as bench/items_vs_pygeoapi.py


def before(sql: str) -> str:
    """``sql`` with the language SQL of gis.languages replaced by what it replaced (commit e487236)."""
    from gis.api.kinds import _CATEGORY, _LOCALE, _PERIOD
    from gis.languages import name_columns, name_param_sql, translated_name_sql, translated_rows_sql
    from gis.public import public_name_sql

    locale_id = f"(SELECT id FROM {_LOCALE} WHERE language_code = %(lang)s)"  # noqa: S608
    swaps = [
        (
            f"LEFT JOIN {translated_rows_sql(table=_CATEGORY, locale_table=_LOCALE)} cl\n"
            "            ON cl.translation_key = c.translation_key",
            f"LEFT JOIN {_CATEGORY} cl ON cl.translation_key = c.translation_key AND cl.locale_id = {locale_id}",
        ),
        (
            f"COALESCE({translated_name_sql(table=_PERIOD, locale_table=_LOCALE, key_sql='pe.translation_key')}, "
            "pe.name)",
            "COALESCE(pl.name, pe.name)",
        ),
        (
            f"JOIN {_PERIOD} pe ON pe.id = pp.period_id",
            f"JOIN {_PERIOD} pe ON pe.id = pp.period_id LEFT JOIN {_PERIOD} pl"
            f" ON pl.translation_key = pe.translation_key AND pl.locale_id = {locale_id}",
        ),
        (
            public_name_sql(place="r", text="t"),
            "COALESCE(t.name, CASE WHEN %(lang)s = 'en' THEN NULLIF(r.name_en, '') END, r.name_el)",
        ),
        (
            name_param_sql(columns=name_columns("m")),
            "CASE WHEN %(lang)s = 'en' AND m.name_en <> '' THEN m.name_en ELSE m.name_el END",
        ),
    ]
    for new, old in swaps:
        if new not in sql:
            raise SystemExit(f"not in the SQL (has gis/api/kinds.py changed?): {new[:60]}…")
        sql = sql.replace(new, old)
    return sql


def reads(language: str) -> dict[str, tuple[str, dict, bool]]:
    """name -> (SQL, parameters, whole table?) of the reads measured, as gis.api.queries writes them."""
    from gis.api import queries
    from gis.api.collections import Collection
    from gis.api.kinds import PLACES

    collection = Collection(kind=PLACES)
    page_clauses, page_params = queries._where(collection, {"bbox": BBOX}, language)
    clauses, params = queries._where(collection, {}, language)
    feature = queries.feature_sql(PLACES)
    flat = queries.flat_sql(PLACES, geometry="lonlat")[1]
    return {
        "items page": (
            f"SELECT {feature} {PLACES.from_clause()}{page_clauses} ORDER BY r.id LIMIT 100",  # noqa: S608
            page_params,
            False,
        ),
        "CSV rows": (f"SELECT {flat} {PLACES.from_clause('table')}{clauses} ORDER BY r.id", params, True),  # noqa: S608
        "GeoJSON blocks": (
            f"""SELECT (SELECT string_agg(f.feature, ',' ORDER BY f.id) FROM (
                SELECT r.id, {feature} AS feature {PLACES.from_clause("block")}{clauses}
                AND r.id >= b.lo AND r.id < b.lo + %(block)s) f)
            FROM generate_series((SELECT min(id) FROM {PLACES.table}), (SELECT max(id) FROM {PLACES.table}),
                                 %(block)s) b(lo)""",  # noqa: S608
            {**params, "block": queries.BLOCK_IDS},
            True,
        ),
    }


def timed(sql: str, params: dict, whole: bool) -> tuple[float, int]:
    """Seconds to run ``sql`` and fetch every row (through a server-side cursor for a whole table), and rows read."""
    from django.db import connection, transaction

    started = time.perf_counter()
    count = 0
    with transaction.atomic():
        if whole:
            with connection.cursor() as setting:
                setting.execute("SET LOCAL cursor_tuple_fraction = 1.0")
            with connection.chunked_cursor() as cursor:
                cursor.execute(sql, params)
                while rows := cursor.fetchmany(2000):
                    count += len(rows)
        else:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                count = len(cursor.fetchall())
    return time.perf_counter() - started, count


def measure(runs: int) -> None:
    import django

    django.setup()
    out(f"{'read':<26} {'now (median)':>13} {'before':>10} {'ratio':>7} {'rows':>8}")
    for language in ("en", "el"):
        for name, (sql, params, whole) in reads(language).items():
            old = before(sql)
            ours, theirs, rows = [], [], 0
            timed(sql, params, whole), timed(old, params, whole)  # warm the cache
            for _ in range(runs):
                seconds, rows = timed(sql, params, whole)
                ours.append(seconds)
                theirs.append(timed(old, params, whole)[0])
            now, then = statistics.median(ours), statistics.median(theirs)
            unit, scale = ("ms", 1000) if not whole else ("s", 1)
            label, ratio = f"{name} ({language})", now / then
            out(f"{label:<26} {now * scale:>10.2f} {unit:<2} {then * scale:>7.2f} {unit:<2} {ratio:>6.2f}x {rows:>8}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with bench_database() as url:
        seed(url, args.points)
        os.environ.update(django_env(url))
        measure(args.runs)


if __name__ == "__main__":
    main()
