"""Maps described in JSON (gis.maps): every asset one of our static files, the configuration safe inside its
<script> element, and the steps in the order the page has always drawn them."""

import json

import pytest

from gis.maps import UnknownMapAsset, asset_url, geojson_layer, municipality_map, place_map

pytestmark = pytest.mark.django_db


def test_an_asset_by_address_or_not_among_our_static_files_is_refused():
    assert asset_url("vendor/leaflet/leaflet.js").startswith("/static/vendor/leaflet/leaflet.")
    for path in (
        "https://unpkg.com/leaflet@1.9.4/dist/leaflet.js",
        "//cdn.jsdelivr.net/npm/leaflet/dist/leaflet.js",
        "vendor/leaflet/no-such-file.js",
    ):
        with pytest.raises(UnknownMapAsset):
            asset_url(path)


def test_a_place_map_has_our_assets_and_its_marker():
    embedded = place_map(lon=23.7264, lat=37.9715, name="Ακρόπολη </script><script>alert(1)</script>")
    assert all(url.startswith("/static/") for url in embedded.js + embedded.css)
    assert embedded.js[-1].startswith("/static/gis/leaflet-map.")  # the last script builds the map
    marker = embedded.config["steps"][-1]
    assert marker == {
        "type": "marker",
        "latlng": [37.9715, 23.7264],
        "options": {"alt": marker["options"]["title"], "title": "Ακρόπολη </script><script>alert(1)</script>"},
    }
    text = str(embedded.config_json)
    assert "</script>" not in text and "<" not in text  # cannot close its <script type="application/json">
    assert json.loads(text) == embedded.config


def test_the_municipality_map_fits_then_loads_places_then_offers_its_layers():
    class Routes:
        def add(self, leaflet_map):
            leaflet_map.add(
                geojson_layer(data={"type": "LineString", "coordinates": [[0, 0], [1, 1]]}, name="R", style={})
            )

    embedded = municipality_map(
        bounds=(23.69, 37.95, 23.79, 38.03),
        boundary_geojson=json.dumps(
            {"type": "Polygon", "coordinates": [[[23.69, 37.95], [23.79, 37.95], [23.79, 38.03], [23.69, 37.95]]]}
        ),
        boundary_label="Όριο",
        places_config={"endpoint": "/el/map/places/"},
        layers=[Routes()],
    )
    steps = [step["type"] for step in embedded.config["steps"]]
    assert steps == ["tiles", "tiles", "geojson", "fitBounds", "places", "geojson", "layerControl"]
    fit = embedded.config["steps"][3]
    assert fit["bounds"] == [[37.95, 23.69], [38.03, 23.79]] and fit["options"] == {"animate": False}
    assert [step["show"] for step in embedded.config["steps"][:2]] == [True, False]  # the first base map is shown
    assert any("markercluster" in url for url in embedded.js)
