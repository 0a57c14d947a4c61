"""Benchmark: the map's places endpoint and "near me" at 20,000 places, against pygeoapi on the same data.

Data: the 166 real Pleiades places in the municipality of Athens, each repeated with random jitter (up to
about 2.5 km, normal-ish) until 20,000 points lie inside the Athens boundary. Generated data, and said so.

Measured in one run, same machine, same load generator (wrk, one thread):
- our GET /el/map/places/?bbox=...&zoom=Z (PostGIS-serialised GeoJSON; clusters above 300 places in view)
  vs pygeoapi 0.x GET /collections/places/items?bbox=...&limit=N on a table copy of the same places,
  both served by gunicorn with the same number of workers; at street zoom (17, both return the same points)
  and at city zoom (15, where our map gets clusters and pygeoapi returns every point in view);
- "near me": GET /el/map/near/?lat=..&lon=.. at random points in Athens, one connection, p50/p95.

Usage: .venv/bin/python bench/places_vs_pygeoapi.py [--pleiades PATH] [--seconds 15] [--workers 2]
Prints our figures, pygeoapi's and the ratios. Decides nothing.
"""

import argparse
import json
import math
import subprocess
import sys
import textwrap
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    PYTHON,
    ROOT,
    VAR,
    WRK_DONE,
    django_env,
    free_port,
    local_database_url,
    manage,
    recreate_database,
    server,
    wrk,
)

PLACES = 20_000
BENCH_DB = "xenagos_bench_places"
PYGEOAPI_VENV = VAR / "pygeoapi-venv"
ATHENS_CENTRE = (37.9715, 23.7267)  # lat, lon: the Acropolis
VIEW_PX = (1280, 800)
POINTS_MAX = 300  # gis.views.POINTS_MAX: above this many places in view the map gets clusters
ZOOMS = (19, 17, 15)  # 19: few enough places that both return the same points; 15: a city-wide view


def view_bbox(lat: float, lon: float, zoom: int) -> tuple[float, float, float, float]:
    """The lon/lat box a VIEW_PX map shows at ``zoom`` around (lat, lon) in web mercator."""
    metres_per_px = 156543.03392 * math.cos(math.radians(lat)) / 2**zoom
    half_w_deg = VIEW_PX[0] / 2 * metres_per_px / (111320 * math.cos(math.radians(lat)))
    half_h_deg = VIEW_PX[1] / 2 * metres_per_px / 110574
    return lon - half_w_deg, lat - half_h_deg, lon + half_w_deg, lat + half_h_deg


def load_places(url: str, pleiades: Path) -> None:
    """20,000 jittered copies of Athens' Pleiades points, with their Greek/English texts and a category."""
    features = json.loads(pleiades.read_text())["features"]
    athens = [f for f in features if f["properties"].get("muni_name_gr") == "ΔΗΜΟΣ ΑΘΗΝΑΙΩΝ"]
    with psycopg.connect(url, autocommit=False) as connection:
        connection.execute("CREATE TEMP TABLE seed (name text, lon float8, lat float8)")
        with connection.cursor().copy("COPY seed (name, lon, lat) FROM STDIN") as copy:
            for feature in athens:
                lon, lat = feature["geometry"]["coordinates"][:2]
                copy.write_row((feature["properties"]["title"], lon, lat))
        connection.execute(
            """
            INSERT INTO xgis_dataset (slug, title, source_url, licence, attribution)
            VALUES ('bench-jittered-pleiades', 'Pleiades (Athens), jittered x120 for benchmarking', '',
                    'CC BY 3.0', 'Pleiades')
            """
        )
        connection.execute(
            """
            WITH m AS (SELECT id, boundary FROM xgis_municipality WHERE code = '9186'),
                 d AS (SELECT id FROM xgis_dataset WHERE slug = 'bench-jittered-pleiades'),
                 cats AS (SELECT array_agg(id) AS ids FROM xgis_category WHERE locale_id =
                          (SELECT id FROM wagtailcore_locale WHERE language_code = 'el')),
                 jittered AS (
                     SELECT s.name || ' #' || g AS name,
                            ST_SetSRID(ST_MakePoint(
                                s.lon + (random() + random() + random() - 1.5) * 0.02,
                                s.lat + (random() + random() + random() - 1.5) * 0.016), 4326) AS geom,
                            g
                     FROM seed s, generate_series(1, 400) g
                 )
            INSERT INTO xgis_place (uid, municipality_id, location, name_el, name_en, category_id, step_free,
                                    wikidata, pleiades, dataset_id, source_id, source_attributes, withdrawn,
                                    created_at, updated_at)
            SELECT gen_random_uuid(), m.id, j.geom, j.name, j.name,
                   cats.ids[1 + (row_number() OVER ()) %% array_length(cats.ids, 1)], '', '', '', d.id,
                   'bench-' || row_number() OVER (), '{}', false, now(), now()
            FROM jittered j, m, d, cats
            WHERE ST_Intersects(m.boundary, j.geom)
            LIMIT %s
            """,
            [PLACES],
        )
        connection.execute(
            """
            INSERT INTO xgis_placetext (place_id, language, name, summary, url, image_url, image_alt, from_page)
            SELECT p.id, l.code, p.name_el, '', '', '', '', false
            FROM xgis_place p, (VALUES ('el'), ('en')) AS l(code)
            WHERE p.dataset_id = (SELECT id FROM xgis_dataset WHERE slug = 'bench-jittered-pleiades')
            """
        )
        # pygeoapi reads one table: the same places, names and category, with a primary key and GiST index
        connection.execute(
            """
            CREATE TABLE bench_places AS
            SELECT p.uid::text AS id, t.name, c.slug AS category, p.location AS geom
            FROM xgis_place p
            JOIN xgis_placetext t ON t.place_id = p.id AND t.language = 'el'
            LEFT JOIN xgis_category c ON c.id = p.category_id
            WHERE NOT p.withdrawn
            """
        )
        connection.execute("ALTER TABLE bench_places ADD PRIMARY KEY (id)")
        connection.execute("CREATE INDEX ON bench_places USING gist (geom)")
        connection.commit()
        connection.execute("ANALYZE")
        count = connection.execute("SELECT count(*) FROM xgis_place WHERE municipality_id IS NOT NULL").fetchone()[0]
    print(f"places in the benchmark database: {count} (the demo's 18 plus jittered Pleiades copies)")


def pygeoapi_ready(url: str, port: int) -> Path:
    """A throw-away venv with pygeoapi and its PostgreSQL provider, and its configuration for the table."""
    if not (PYGEOAPI_VENV / "bin" / "pygeoapi").exists():
        subprocess.run([sys.executable, "-m", "venv", PYGEOAPI_VENV], check=True)
        subprocess.run(
            [
                PYGEOAPI_VENV / "bin" / "pip",
                "install",
                "-q",
                "pygeoapi",
                "gunicorn",
                "psycopg2-binary",
                "SQLAlchemy",
                "GeoAlchemy2",
                "pygeofilter",
            ],
            check=True,
        )
    parts = psycopg.conninfo.conninfo_to_dict(url)
    config = VAR / "pygeoapi.yml"
    config.write_text(
        textwrap.dedent(f"""
        server:
          bind: {{host: 127.0.0.1, port: {port}}}
          url: http://127.0.0.1:{port}
          mimetype: application/json; charset=UTF-8
          encoding: utf-8
          languages: [en-US]
          limits: {{default_items: 10, max_items: 10000}}
          limit: 10
          map: {{url: "https://tile.openstreetmap.org/{{z}}/{{x}}/{{y}}.png", attribution: OSM}}
        logging: {{level: ERROR}}
        metadata:
          identification: {{title: bench, description: bench, keywords: [bench], keywords_type: theme,
                            terms_of_service: none, url: "http://example.org"}}
          license: {{name: CC-BY 3.0, url: "https://creativecommons.org/licenses/by/3.0/"}}
          provider: {{name: bench, url: "http://example.org"}}
          contact: {{name: bench, position: bench, address: bench, city: bench, stateorprovince: bench,
                     postalcode: "0", country: GR, phone: "0", fax: "0", email: a@example.org,
                     url: "http://example.org", hours: none, instructions: none, role: pointOfContact}}
        resources:
          places:
            type: collection
            title: places
            description: jittered Pleiades places in Athens
            keywords: [places]
            extents:
              spatial: {{bbox: [23.68, 37.94, 23.80, 38.04], crs: "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}}
            providers:
              - type: feature
                name: PostgreSQL
                data: {{host: {parts["host"]}, port: {parts["port"]}, dbname: {parts["dbname"]},
                        user: {parts["user"]}, password: "{parts["password"]}", search_path: [public]}}
                id_field: id
                table: bench_places
                geom_field: geom
    """)
    )
    openapi = VAR / "pygeoapi-openapi.yml"
    env = {"PYGEOAPI_CONFIG": str(config), "PYGEOAPI_OPENAPI": str(openapi), "PATH": "/usr/bin:/bin"}
    with openapi.open("w") as out:
        subprocess.run(
            [PYGEOAPI_VENV / "bin" / "pygeoapi", "openapi", "generate", str(config)], env=env, stdout=out, check=True
        )
    return config


def count_in(url: str, bbox) -> int:
    with psycopg.connect(url) as connection:
        return connection.execute(
            "SELECT count(*) FROM bench_places WHERE geom && ST_MakeEnvelope(%s, %s, %s, %s, 4326)", list(bbox)
        ).fetchone()[0]


NEAR_SCRIPT = (
    """
math.randomseed(42)
request = function()
  local lat = 37.965 + math.random() * 0.035
  local lon = 23.705 + math.random() * 0.045
  local path = string.format("/el/map/near/?lat=%.6f&lon=%.6f&limit=10", lat, lon)
  return wrk.format("GET", path, {["Host"] = "athens.localhost"})
end
"""
    + WRK_DONE
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pleiades", type=Path, default=ROOT.parent / "shared/data/places/pleiades_in_greece.geojson")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    if not args.pleiades.exists():
        sys.exit(f"Pleiades GeoJSON not found at {args.pleiades}; pass --pleiades PATH")

    url = recreate_database(local_database_url(), BENCH_DB)
    env = django_env(url)
    manage(env, "migrate", "-v", "0")
    manage(env, "load_demo", "-v", "0")
    load_places(url, args.pleiades)

    ours_port, peer_port = free_port(), free_port()
    pygeoapi_config = pygeoapi_ready(url, peer_port)
    ours_cmd = [
        str(PYTHON.with_name("gunicorn")),
        "xenagos.wsgi",
        "-b",
        f"127.0.0.1:{ours_port}",
        "-w",
        str(args.workers),
    ]
    peer_env = {
        "PYGEOAPI_CONFIG": str(pygeoapi_config),
        "PYGEOAPI_OPENAPI": str(VAR / "pygeoapi-openapi.yml"),
        "PATH": "/usr/bin:/bin",
    }
    peer_cmd = [
        str(PYGEOAPI_VENV / "bin" / "gunicorn"),
        "pygeoapi.flask_app:APP",
        "-b",
        f"127.0.0.1:{peer_port}",
        "-w",
        str(args.workers),
    ]
    results = {}
    with server(ours_cmd, env=env, port=ours_port, ready_path="/healthz", log=VAR / "ours.log"):
        for zoom in ZOOMS:
            bbox = ",".join(f"{v:.6f}" for v in view_bbox(*ATHENS_CENTRE, zoom))
            results[("ours", zoom)] = wrk(
                f"http://127.0.0.1:{ours_port}/el/map/places/?bbox={bbox}&zoom={zoom}",
                connections=args.connections,
                seconds=args.seconds,
                host="athens.localhost",
            )
        results["near"] = wrk(f"http://127.0.0.1:{ours_port}/", connections=1, seconds=args.seconds, script=NEAR_SCRIPT)
    with server(peer_cmd, env=peer_env, port=peer_port, ready_path="/collections/places", log=VAR / "pygeoapi.log"):
        for zoom in ZOOMS:
            box = view_bbox(*ATHENS_CENTRE, zoom)
            bbox = ",".join(f"{v:.6f}" for v in box)
            limit = max(1, count_in(url, box))
            results[("peer", zoom)] = wrk(
                f"http://127.0.0.1:{peer_port}/collections/places/items?bbox={bbox}&limit={limit}&f=json",
                connections=args.connections,
                seconds=args.seconds,
            )
            results[("count", zoom)] = limit

    print(
        f"\n20,000 places (generated: jittered Pleiades points in Athens); view {VIEW_PX[0]}x{VIEW_PX[1]} px "
        f"around the Acropolis; wrk 1 thread, {args.connections} connections, {args.seconds} s; "
        f"gunicorn {args.workers} workers each"
    )
    for zoom in ZOOMS:
        ours, peer, count = results[("ours", zoom)], results[("peer", zoom)], results[("count", zoom)]
        same = count <= POINTS_MAX
        print(
            f"\nzoom {zoom}: {count} places in view "
            f"({'both return every point' if same else 'ours: clusters, as the map asks; pygeoapi: every point'})"
        )
        print(
            f"  ours      p50 {ours['p50_ms']:7.1f} ms  p95 {ours['p95_ms']:7.1f} ms  {ours['rps']:8.1f} req/s"
            f"  (non-2xx {ours['non_2xx']}, socket errors {ours['socket_errors']}, timeouts {ours['timeouts']})"
        )
        print(
            f"  pygeoapi  p50 {peer['p50_ms']:7.1f} ms  p95 {peer['p95_ms']:7.1f} ms  {peer['rps']:8.1f} req/s"
            f"  (non-2xx {peer['non_2xx']}, socket errors {peer['socket_errors']}, timeouts {peer['timeouts']})"
        )
        print(f"  ratio (ours / pygeoapi requests per second): {ours['rps'] / peer['rps']:.2f}x  (target >= 1.0x)")
    near = results["near"]
    print(
        f"\nnear me (random points in Athens, 1 connection): p50 {near['p50_ms']:.1f} ms, "
        f"p95 {near['p95_ms']:.1f} ms (target p95 <= 20 ms), {near['rps']:.0f} req/s"
    )


if __name__ == "__main__":
    main()
