"""Benchmark: the archive import of the National Gallery of Art's ``objects_historical_data.csv`` (6,134 rows,
5,307 objects in long format: up to five rows per object) end to end, as ``manage.py import_archive`` runs it
(importers.archive.archive_import: read, group by object id, check, compare, write in bulk), in items per second.

Not part of the test suite; it decides nothing. It runs in a throw-away database ``xenagos_bench_archive`` on the
project's cluster (dropped and created, migrated, one municipality made from the Kastoria boundary of the tests'
data, dropped again at the end; never the dev or the test database). Printed: the first import (everything
created), the re-import of the unchanged file (nothing written), and the floor: Python's csv module alone reading
and grouping the same file by object id (no checks, no database), with the ratio ours / floor.

    export XENAGOS_PGPORT=54363 SECRET_KEY=x   # your cluster's port
    .venv/bin/python bench/import_archive_csv.py [--repeat 3]
"""

import argparse
import csv
import json
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, django_env, local_database_url, manage, recreate_database, with_database  # noqa: E402

DATABASE = "xenagos_bench_archive"
CSV = Path("/work/shared/data/archive/museum_csv/objects_historical_data.csv")
MAPPING = ROOT / "tests" / "importers" / "data" / "nga_objects_historical.toml"
BOUNDARY = ROOT / "tests" / "importers" / "data" / "kallikratis_kastoria.geojson"


def floor_seconds() -> tuple[float, int]:
    """Python's csv module reading the file and grouping its rows by object id: (seconds, objects)."""
    started = time.perf_counter()
    groups: dict[str, list[dict]] = defaultdict(list)
    with CSV.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            groups[row["objectid"]].append(row)
    return time.perf_counter() - started, len(groups)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement (the median is printed)")
    args = parser.parse_args()
    base_url = local_database_url()
    url = recreate_database(base_url, DATABASE)
    env = django_env(url)
    try:
        manage(env, "migrate", "--verbosity", "0")
        os.environ.update({key: env[key] for key in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY")})
        import django

        django.setup()
        from django.contrib.gis.geos import GEOSGeometry, MultiPolygon

        from gis.models import ArchiveItem, Dataset, Municipality
        from importers.archive import archive_import
        from importers.management.commands.import_archive import csv_mapping

        feature = json.loads(BOUNDARY.read_text())["features"][0]
        boundary = GEOSGeometry(json.dumps(feature["geometry"]), srid=4326)
        municipality = Municipality.objects.create(
            code="B0001",
            slug="bench",
            name_el="Δήμος",
            name_en="Bench",
            boundary=MultiPolygon(boundary, srid=4326) if boundary.geom_type == "Polygon" else boundary,
        )
        mapping = csv_mapping(str(MAPPING))
        first, again = [], []
        for run in range(args.repeat):
            dataset = Dataset.objects.create(slug=f"nga-{run}", title="NGA", licence="CC0 1.0", attribution="NGA")
            started = time.perf_counter()
            report = archive_import(path=CSV, dataset=dataset, municipality=municipality, mapping=mapping)
            first.append(time.perf_counter() - started)
            items = report.counts["create"]
            started = time.perf_counter()
            unchanged = archive_import(path=CSV, dataset=dataset, municipality=municipality, mapping=mapping)
            again.append(time.perf_counter() - started)
            assert unchanged.counts["unchanged"] == items
        floors = [floor_seconds() for _ in range(args.repeat)]
        floor = statistics.median(seconds for seconds, _n in floors)
        ours, ours_again = statistics.median(first), statistics.median(again)
        print(f"rows: 6134, objects (items): {items}, stored: {ArchiveItem.objects.count()} after {args.repeat} runs")
        print(f"ours, first import:        {ours:7.2f} s  {items / ours:9.0f} items/s")
        print(f"ours, unchanged re-import: {ours_again:7.2f} s  {items / ours_again:9.0f} items/s")
        print(f"floor, csv module grouping:{floor:7.2f} s  {items / floor:9.0f} items/s")
        print(f"ratio ours/floor (time): first {ours / floor:.1f}x, re-import {ours_again / floor:.1f}x")
    finally:
        from django.db import connections

        connections.close_all()
        import psycopg

        with psycopg.connect(with_database(base_url, "postgres"), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


if __name__ == "__main__":
    main()
