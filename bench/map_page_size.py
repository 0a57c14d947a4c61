"""Benchmark: the weight of the map page's shell (HTML + JS + CSS, gzip-compressed as served; base-map tiles
and place data excluded), ours against folium's default page for the same map.

Ours: GET /el/map/ of the Athens demo site, then every <script src> and stylesheet it links, read from our
static files. folium's default: the same boundary and places drawn the folium way (GeoJson + MarkerCluster with
a Marker and Popup per place, default tiles), rendered with folium's default CDN assets; those assets are
fetched from the npm registry (same package and version as folium's CDN URL) into var/bench/folium-cdn, and an
asset that has no npm copy is listed and not counted (so folium's figure is a lower bound).

Usage: .venv/bin/python bench/map_page_size.py   (needs the demo: `make run` once, or `manage.py load_demo`)
Target: ours <= 250 KB. Prints both figures and the ratio; decides nothing.
"""

import gzip
import os
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import VAR, local_database_url  # noqa: E402

TARGET_KB = 250
FOLIUM_NPM = VAR / "folium-cdn"
# folium's CDN files that are not under a jsdelivr "npm/" path, by the end of their address -> (npm package@version,
# file inside the package). Matched on the path only, so no third-party address needs to appear in our code.
CDN_TO_NPM = {
    "/jquery-3.7.1.min.js": ("jquery@3.7.1", "dist/jquery.min.js"),
    "/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js": (
        "drmonty-leaflet-awesome-markers@2.0.2",
        "js/leaflet.awesome-markers.js",
    ),
    "/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css": (
        "drmonty-leaflet-awesome-markers@2.0.2",
        "css/leaflet.awesome-markers.css",
    ),
    "/leaflet.markercluster/1.1.0/leaflet.markercluster.js": (
        "leaflet.markercluster@1.1.0",
        "dist/leaflet.markercluster.js",
    ),
    "/leaflet.markercluster/1.1.0/MarkerCluster.css": ("leaflet.markercluster@1.1.0", "dist/MarkerCluster.css"),
    "/leaflet.markercluster/1.1.0/MarkerCluster.Default.css": (
        "leaflet.markercluster@1.1.0",
        "dist/MarkerCluster.Default.css",
    ),
}
JSDELIVR_NPM = re.compile(r"^https://[^/]+/npm/(?P<package>(?:@[^/]+/)?[^@/]+@[^/]+)/(?P<path>.+)$")


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


def setup_django() -> None:
    os.environ.setdefault("DATABASE_URL", local_database_url())
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ["DJANGO_SETTINGS_MODULE"] = "xenagos.settings.test"  # plain static paths, found by the finders
    import django

    django.setup()


def ours() -> tuple[list[tuple[str, int, int]], str]:
    from django.contrib.staticfiles import finders
    from django.test import Client

    html = Client().get("/el/map/", HTTP_HOST="athens.localhost").content
    rows = [("/el/map/ (HTML)", len(html), gz(html))]
    for url in re.findall(rb'<script src="([^"]+)"', html) + re.findall(
        rb'<link rel="stylesheet" href="([^"]+)"', html
    ):
        path = finders.find(url.decode().removeprefix("/static/"))
        data = Path(path).read_bytes()
        rows.append((url.decode(), len(data), gz(data)))
    data = (
        Client().get("/el/map/places/?bbox=23.687,37.949,23.791,38.034&zoom=13", HTTP_HOST="athens.localhost").content
    )
    return rows, f"place data for the opening view (not in the shell): {len(data):,} B, {gz(data):,} B gzip"


def folium_default() -> tuple[list[tuple[str, int, int]], list[str]]:
    import folium
    from folium.plugins import MarkerCluster

    from gis import selectors
    from gis.models import Municipality

    athens = Municipality.objects.get(code="9186")
    west, south, east, north = selectors.municipality_bounds(municipality=athens)
    figure = folium.Map(location=[(south + north) / 2, (west + east) / 2], zoom_start=13)
    folium.GeoJson(selectors.municipality_boundary_geojson(municipality=athens)).add_to(figure)
    cluster = MarkerCluster().add_to(figure)
    where = selectors.PlaceFilter(municipality=athens, language="el")
    places = selectors.places_page(where=where, limit=10_000)
    for feature in places:
        lon, lat = feature["geometry"]["coordinates"]
        folium.Marker([lat, lon], popup=folium.Popup(feature["properties"]["name"])).add_to(cluster)
    html = figure.get_root().render().encode()
    rows = [("folium page (HTML, places inlined)", len(html), gz(html))]
    urls = re.findall(rb'<script src="(https?://[^"]+)"', html) + re.findall(
        rb'<link rel="stylesheet" href="(https?://[^"]+)"', html
    )
    wanted: dict[str, tuple[str, str]] = {}
    missing = []
    for raw in urls:
        url = raw.decode()
        match = JSDELIVR_NPM.match(url)
        known = next((npm for tail, npm in CDN_TO_NPM.items() if url.endswith(tail)), None)
        if known:
            wanted[url] = known
        elif match:
            wanted[url] = (match["package"], match["path"])
        else:
            missing.append(url)
    packages = sorted({package for package, _path in wanted.values()})
    FOLIUM_NPM.mkdir(parents=True, exist_ok=True)
    for package in packages:
        name = package.rsplit("@", 1)[0]
        if not (FOLIUM_NPM / "node_modules" / name / "package.json").exists():
            subprocess.run(
                [
                    "npm",
                    "install",
                    "--prefix",
                    str(FOLIUM_NPM),
                    "--no-save",
                    "--no-audit",
                    "--no-fund",
                    "--loglevel=error",
                    package,
                ],
                check=False,
            )
    for url, (package, path) in wanted.items():
        file = FOLIUM_NPM / "node_modules" / package.rsplit("@", 1)[0] / path
        if file.exists():
            data = file.read_bytes()
            rows.append((url, len(data), gz(data)))
        else:
            missing.append(url)
    return rows, missing


def show(title: str, rows: list[tuple[str, int, int]]) -> int:
    print(f"\n{title}")
    for name, raw, packed in rows:
        print(f"  {packed / 1024:8.1f} KB gzip  ({raw / 1024:8.1f} KB raw)  {name}")
    total = sum(packed for _name, _raw, packed in rows)
    print(f"  {total / 1024:8.1f} KB gzip in all")
    return total


def main() -> None:
    setup_django()
    our_rows, data_note = ours()
    folium_rows, missing = folium_default()
    our_total = show("Ours: /el/map/ shell (Athens demo)", our_rows)
    print(f"  ({data_note})")
    folium_total = show("folium's default page for the same map", folium_rows)
    for url in missing:
        print(f"  not counted (no npm copy to fetch offline): {url}")
    print(
        f"\nours {our_total / 1024:.1f} KB vs folium default {folium_total / 1024:.1f} KB (lower bound): "
        f"ours is {our_total / folium_total:.2f}x of folium's; target ours <= {TARGET_KB} KB: "
        f"{'met' if our_total / 1024 <= TARGET_KB else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
