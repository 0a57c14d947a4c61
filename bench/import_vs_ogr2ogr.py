"""Benchmark: our end-to-end place import against ogr2ogr loading the same shapefile into PostGIS.

Not part of the test suite; it decides nothing. It prints our time, ogr2ogr's time and the ratio (ours/theirs
speed: ogr2ogr's seconds divided by ours), the re-import of the unchanged file against the first import, and our
peak memory.

Input: N points in an EPSG:2100 (Greek Grid) shapefile with a UTF-8 .cpg, made from the 3,256 real Pleiades points
in /work/shared/data/places/pleiades_in_greece.geojson (or the 49 in tests/importers/data when that is missing),
reprojected to EPSG:2100 and repeated with Gaussian jitter (sigma 200 m) until there are N; fields id, title,
names. Say so wherever the figures are quoted.

  ours     importers.services.places_import in a fresh Python process: read with pyogrio in batches, reproject
           with pyproj, validate with shapely, COPY into a stage, plan and write in SQL (gis.bulk): places with
           their municipality (point in polygon), PlaceText rows for el and en, the import history. Timed from the
           call to the commit (Django start-up excluded); peak memory is that process's maximum resident size.
           Also shown: the time until everything is read, reprojected, validated and COPYed into the stage, i.e.
           before the writes into the real schema (xgis_place has seven indexes, two of them GiST; xgis_placetext
           a generated tsvector with a GIN index; foreign keys are checked at commit).
           Also shown: how long each named stage of gis.bulk's plan and write took (logger ``gis.bulk``).
  ogr2ogr  Debian's ogr2ogr -t_srs EPSG:4326 into a new PostGIS table, COPY mode (PG_USE_COPY YES), GiST index.
  fair peer  the same ogr2ogr, -append into a table made from xgis_place's own definition (CREATE TABLE … (LIKE
           xgis_place INCLUDING ALL): the same unique keys, GiST and other indexes, plus the same foreign keys to
           municipality, category and dataset), emptied before each run: the work of writing into our schema
           without our planning, PlaceText rows or point-in-polygon. Columns it has no value for get a default (a
           new uuid, '' for text, the benchmark dataset). Target: ours >= 0.8 x its speed.
  floor    what writing alone costs in our schema: the rows of our last import (places, then their PlaceText rows)
           inserted again by plain INSERT … SELECT from temporary copies, then the foreign keys checked, in one
           transaction that is rolled back. No reading, reprojecting, validating or planning. ogr2ogr's time over
           this floor is the best ratio any import into this schema could reach on this machine. Target: ours <= 1.3 x
           the floor.

Both write to a benchmark database on the project's cluster (``xenagos_bench_import``, dropped and created here,
migrated, with the five real Kallikratis boundaries loaded) — never the dev or the test database.

    .venv/bin/python bench/import_vs_ogr2ogr.py [--points 100000] [--million] [--repeat 3]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
PLEIADES = Path("/work/shared/data/places/pleiades_in_greece.geojson")
PLEIADES_SMALL = ROOT / "tests" / "importers" / "data" / "pleiades_athens_nafplio.geojson"
BOUNDARIES = Path("/work/shared/data/boundaries/kallikratis_five_municipalities.geojson")
BOUNDARIES_SMALL = ROOT / "site" / "xenagos" / "demo" / "boundaries.geojson"
DATABASE = "xenagos_bench_import"
DATASET = "bench-pleiades"

CHILD = """
import json, logging, resource, sys, time
import django
django.setup()
from django.db import transaction
from gis.models import Dataset
from importers.mapping import Mapping
from importers.services import places_import
dataset = Dataset.objects.get(slug=sys.argv[2])
mapping = Mapping(fields={"source_id": "id", "name_el": "title"})
stages = {}
class Stages(logging.Handler):
    def emit(self, record):
        if hasattr(record, "stage"):
            stages[record.stage] = stages.get(record.stage, 0.0) + record.seconds
bulk_log = logging.getLogger("gis.bulk")
bulk_log.setLevel(logging.DEBUG)
bulk_log.addHandler(Stages())
marks = {}
def progress(stage, done, total):
    marks.setdefault(stage, time.monotonic())
started = time.monotonic()
with transaction.atomic():
    report = places_import(path=sys.argv[1], dataset=dataset, mapping=mapping, progress=progress)
seconds = time.monotonic() - started
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
staged = marks["compare"] - started
print(json.dumps({"seconds": seconds, "staged": staged, "peak_mb": peak_mb, "counts": report.counts,
                  "stages": stages}))
"""

SETUP = """
import sys
import django
django.setup()
from django.db import connection
from gis.services import dataset_upsert
from importers.areas import boundaries_import
boundaries_import(path=sys.argv[1], code_field="KWD_YPES", name_field="NAME")
dataset_upsert(slug=sys.argv[2], title="Pleiades, jittered (benchmark)", licence="CC BY 3.0", attribution="Pleiades")
"""


def database_url() -> str:
    """The benchmark database's URL on the project-local cluster."""
    subprocess.run([ROOT / "scripts" / "pg.sh", "start"], check=True, capture_output=True)
    url = subprocess.run([ROOT / "scripts" / "pg.sh", "url"], check=True, capture_output=True, text=True).stdout
    return urlunsplit(urlsplit(url.strip())._replace(path=f"/{DATABASE}"))


def psql(url: str, sql: str) -> None:
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql], check=True, capture_output=True)


def recreate(url: str) -> None:
    """Drop and create the benchmark database with PostGIS and our schema."""
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    psql(admin, f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    subprocess.run(["createdb", f"--maintenance-db={admin}", DATABASE], check=True)
    psql(url, "CREATE EXTENSION postgis")
    env = django_env(url)
    subprocess.run([PYTHON, ROOT / "manage.py", "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
    boundaries = BOUNDARIES if BOUNDARIES.exists() else BOUNDARIES_SMALL
    subprocess.run([PYTHON, "-c", SETUP, str(boundaries), DATASET], env=env, check=True, cwd=ROOT)


def django_env(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "xenagos.settings.base",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only"),
        "LOG_LEVEL": "WARNING",
    }


def make_shapefile(count: int, folder: Path) -> Path:
    """COUNT points in EPSG:2100 made from the real Pleiades points, repeated with 200 m jitter."""
    import geopandas as gpd
    import numpy as np
    import shapely

    source = gpd.read_file(PLEIADES if PLEIADES.exists() else PLEIADES_SMALL).to_crs(2100)
    rng = np.random.default_rng(2100)
    index = np.resize(np.arange(len(source)), count)
    x = source.geometry.x.to_numpy()[index] + rng.normal(0, 200, count)
    y = source.geometry.y.to_numpy()[index] + rng.normal(0, 200, count)
    frame = gpd.GeoDataFrame(
        {
            "id": np.char.add("p", np.arange(count).astype(str)),
            "title": source["title"].to_numpy()[index],
            "names": source["names"].str.slice(0, 120).to_numpy()[index],
        },
        geometry=shapely.points(x, y),
        crs=2100,
    )
    path = folder / f"pleiades_jittered_{count}.shp"
    frame.to_file(path, encoding="utf-8")
    return path


def clear_places(url: str) -> None:
    psql(url, "TRUNCATE xgis_placetext, xgis_place_periods, xgis_place, importers_importrun CASCADE")
    psql(url, "VACUUM ANALYZE")


def ours(url: str, shapefile: Path) -> dict:
    """One import in a fresh process: seconds from call to commit, peak resident memory, counts."""
    result = subprocess.run(
        [PYTHON, "-c", CHILD, str(shapefile), DATASET],
        env=django_env(url),
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def pg_source(url: str) -> str:
    """GDAL's PG: connection string for ``url``."""
    parts = urlsplit(url)
    return (
        f"PG:host={parts.hostname} port={parts.port} dbname={parts.path.lstrip('/')} "
        f"user={parts.username} password={parts.password}"
    )


def ogr2ogr(url: str, shapefile: Path) -> float:
    """Seconds for ogr2ogr to load the file reprojected into a new PostGIS table with a GiST index."""
    command = [
        "ogr2ogr", "-f", "PostgreSQL", pg_source(url), str(shapefile), "-nln", "ogr_bench", "-overwrite",
        "-t_srs", "EPSG:4326", "-lco", "GEOMETRY_NAME=geom", "-lco", "SPATIAL_INDEX=GIST",
        "--config", "PG_USE_COPY", "YES",
    ]  # fmt: skip
    started = time.monotonic()
    subprocess.run(command, check=True, capture_output=True)
    return time.monotonic() - started


FAIR_TABLE = "ogr_fair_peer"
# Columns of xgis_place that the shapefile has no value for: what the fair peer's table fills them with.
FAIR_DEFAULTS = {
    "uid": "gen_random_uuid()",
    "name_en": "''",
    "step_free": "''",
    "wikidata": "''",
    "pleiades": "''",
    "source_attributes": "'{}'::jsonb",
    "withdrawn": "false",
    "created_at": "now()",
    "updated_at": "now()",
}


def fair_table(url: str) -> None:
    """(Re)create the fair peer's table from xgis_place's definition: columns, defaults, NOT NULL and CHECK
    constraints, unique keys and every index (LIKE … INCLUDING ALL), and the same foreign keys."""
    import psycopg
    from psycopg import sql

    table = sql.Identifier(FAIR_TABLE)
    with psycopg.connect(url) as connection:
        connection.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(table))
        connection.execute(sql.SQL("CREATE TABLE {} (LIKE xgis_place INCLUDING ALL)").format(table))
        foreign_keys = connection.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'xgis_place'::regclass "
            "AND contype = 'f' ORDER BY conname"
        ).fetchall()
        for (definition,) in foreign_keys:
            connection.execute(sql.SQL("ALTER TABLE {} ADD {}").format(table, sql.SQL(definition)))
        (dataset,) = connection.execute("SELECT id FROM xgis_dataset WHERE slug = %s", [DATASET]).fetchone()
        defaults = {**FAIR_DEFAULTS, "dataset_id": str(int(dataset))}
        for column, value in defaults.items():
            connection.execute(
                sql.SQL("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}").format(
                    table, sql.Identifier(column), sql.SQL(value)
                )
            )


def fair_dataset(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as connection:
        return int(connection.execute("SELECT id FROM xgis_dataset WHERE slug = %s", [DATASET]).fetchone()[0])


def fair_peer(url: str, shapefile: Path) -> float:
    """Seconds for ogr2ogr to append the file, reprojected, into the emptied fair peer table (COPY mode)."""
    psql(url, f"TRUNCATE {FAIR_TABLE}")
    psql(url, f"VACUUM ANALYZE {FAIR_TABLE}")
    layer = shapefile.stem
    # Every column with a default gets a value: GDAL falls back from COPY to one INSERT per row otherwise.
    dataset = fair_dataset(url)
    command = [
        "ogr2ogr", "-f", "PostgreSQL", pg_source(url), str(shapefile), "-append", "-nln", FAIR_TABLE,
        "-dialect", "SQLite", "-sql",
        f"SELECT id AS source_id, title AS name_el, geometry AS location, lower(hex(randomblob(16))) AS uid, "  # noqa: S608
        f"'' AS name_en, '' AS step_free, '' AS wikidata, '' AS pleiades, '{{}}' AS source_attributes, "
        f"0 AS withdrawn, datetime('now') AS created_at, datetime('now') AS updated_at, {dataset} AS dataset_id "
        f'FROM "{layer}"',  # (our own file and dataset id)
        "-nlt", "POINT",
        "-t_srs", "EPSG:4326", "--config", "PG_USE_COPY", "YES",
    ]  # fmt: skip
    started = time.monotonic()
    subprocess.run(command, check=True, capture_output=True)
    seconds = time.monotonic() - started
    import psycopg

    with psycopg.connect(url) as connection:
        count, located = connection.execute(
            f"SELECT count(*), count(location) FROM {FAIR_TABLE}"  # noqa: S608 (our constant)
        ).fetchone()
    assert count == located, (count, located)
    return seconds


FLOOR_STEPS = (
    ("places", "INSERT INTO xgis_place SELECT * FROM bench_places"),
    ("texts", "INSERT INTO xgis_placetext (place_id, language, name, summary, url, image_url, image_alt, from_page) "
     "SELECT place_id, language, name, summary, url, image_url, image_alt, from_page FROM bench_texts"),
    ("foreign keys", "SET CONSTRAINTS ALL IMMEDIATE"),
)  # fmt: skip


def floor(url: str) -> dict[str, float]:
    """Seconds to write the stored places and texts again in SQL alone, per step (rolled back)."""
    import psycopg

    seconds = {}
    with psycopg.connect(url) as connection:
        connection.execute("CREATE TEMP TABLE bench_places AS SELECT * FROM xgis_place")
        connection.execute("CREATE TEMP TABLE bench_texts AS SELECT * FROM xgis_placetext")
        connection.execute("SET client_min_messages = warning")
        connection.execute("TRUNCATE xgis_placetext, xgis_place_periods, xgis_place CASCADE")
        for step, sql in FLOOR_STEPS:
            started = time.monotonic()
            connection.execute(sql)
            seconds[step] = time.monotonic() - started
        connection.rollback()
    return seconds


def run(url: str, count: int, repeat: int, folder: Path) -> dict:
    started = time.monotonic()
    shapefile = make_shapefile(count, folder)
    print(f"  input: {shapefile.name}, {count:,} points made from real Pleiades points (jittered) "
          f"in {time.monotonic() - started:.1f} s")  # fmt: skip
    theirs, fair = [], []
    fair_table(url)
    for _ in range(repeat):
        theirs.append(ogr2ogr(url, shapefile))
        fair.append(fair_peer(url, shapefile))
    psql(url, f"DROP TABLE {FAIR_TABLE}")
    first, again, staged, peak = [], [], [], 0.0
    stages: dict[str, list[float]] = {}
    stages_again: dict[str, list[float]] = {}
    for _ in range(repeat):
        clear_places(url)
        outcome = ours(url, shapefile)
        assert outcome["counts"]["create"] == count, outcome["counts"]
        first.append(outcome["seconds"])
        staged.append(outcome["staged"])
        for stage, seconds in outcome["stages"].items():
            stages.setdefault(stage, []).append(seconds)
        peak = max(peak, outcome["peak_mb"])
        outcome = ours(url, shapefile)
        assert outcome["counts"]["unchanged"] == count, outcome["counts"]
        again.append(outcome["seconds"])
        for stage, seconds in outcome["stages"].items():
            stages_again.setdefault(stage, []).append(seconds)
        peak = max(peak, outcome["peak_mb"])
    floors = [floor(url) for _ in range(repeat)]
    return {
        "floor": {step: statistics.median(f[step] for f in floors) for step, _sql in FLOOR_STEPS},
        "points": count,
        "ogr2ogr_s": statistics.median(theirs),
        "fair_s": statistics.median(fair),
        "stages": {stage: statistics.median(values) for stage, values in stages.items()},
        "stages_again": {stage: statistics.median(values) for stage, values in stages_again.items()},
        "ours_first_s": statistics.median(first),
        "ours_staged_s": statistics.median(staged),
        "ours_reimport_s": statistics.median(again),
        "peak_mb": peak,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--million", action="store_true", help="also 1,000,000 points (time and peak memory)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    url = database_url()
    print(f"benchmark database: {DATABASE} (dropped and created); machine: {os.cpu_count()} CPUs")
    recreate(url)
    sizes = [args.points] + ([1_000_000] if args.million and args.points != 1_000_000 else [])
    with tempfile.TemporaryDirectory(prefix="xenagos-bench-import-") as tmp:
        for count in sizes:
            print(f"{count:,} points:")
            figures = run(url, count, args.repeat if count <= 200_000 else 1, Path(tmp))
            ratio = figures["ogr2ogr_s"] / figures["ours_first_s"]
            reimport = figures["ours_reimport_s"] / figures["ours_first_s"]
            fair = figures["fair_s"] / figures["ours_first_s"]
            print(f"  ogr2ogr -t_srs EPSG:4326 (COPY, GiST):   {figures['ogr2ogr_s']:7.2f} s  (a new bare table)")
            print(f"  fair peer, ogr2ogr -append:               {figures['fair_s']:7.2f} s  (xgis_place's keys, "
                  "indexes and foreign keys)")  # fmt: skip
            print(f"  ours, first import:                       {figures['ours_first_s']:7.2f} s")
            print(f"  ratio ours/bare-table ogr2ogr (speed):    {ratio:7.2f}")
            print(f"  ratio ours/fair peer (speed):             {fair:7.2f}   (target >= 0.8)")
            print(
                f"  of which read, reproject, validate, COPY: {figures['ours_staged_s']:7.2f} s "
                f"(ratio {figures['ogr2ogr_s'] / figures['ours_staged_s']:.2f}); the rest is planning and writing"
            )
            steps = figures["floor"]
            total = sum(steps.values())
            print(
                f"  floor, writing alone: {total:.2f} s ("
                + ", ".join(f"{step} {value:.2f} s" for step, value in steps.items())
                + f"); best possible ratio {figures['ogr2ogr_s'] / total:.2f}"
            )
            print(
                f"  ours / floor (time):                      {figures['ours_first_s'] / total:7.2f}   (target <= 1.3)"
            )
            for label, key in (("first import", "stages"), ("re-import", "stages_again")):
                print(
                    f"  ours, gis.bulk stages ({label}): "
                    + ", ".join(f"{stage} {value:.2f} s" for stage, value in figures[key].items())
                )
            print(f"  ours, re-import of the unchanged file:    {figures['ours_reimport_s']:7.2f} s")
            print(f"  re-import / first import (time):          {reimport:7.2f}   (target <= 0.5)")
            print(f"  ours, peak memory:                        {figures['peak_mb']:7.0f} MB (target < 1024 MB)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
