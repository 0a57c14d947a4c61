"""The map-layer registry (gis.layers): what an app registers from its AppConfig.ready reaches every municipality's
map page, in order, with its list after the map, without content importing that app."""

import pytest

from gis import layers
from gis.layers import MapLayer, map_layer_register, map_layers
from gis.maps import geojson_layer


@pytest.fixture
def registry(monkeypatch):
    """The registry as the apps filled it; what a test registers is gone after it."""
    monkeypatch.setattr(layers, "_PROVIDERS", dict(layers._PROVIDERS))


def test_the_apps_register_their_layers_in_order():
    assert sorted(layers._PROVIDERS, key=lambda key: layers._PROVIDERS[key].order) == [
        "gis.areas",
        "gis.routes",
        "gis.archive",
        "tiles.overlays",
    ]


def test_layers_come_in_order_and_a_provider_with_nothing_gives_none(registry):
    asked = []

    def provider(name):
        def give(*, municipality, language, bounds):
            asked.append((name, municipality, language, bounds))
            return None if name == "empty" else MapLayer(add=lambda leaflet_map: None, context={"name": name})

        return give

    layers._PROVIDERS.clear()
    map_layer_register(key="b", provider=provider("second"), order=20)
    map_layer_register(key="a", provider=provider("first"), order=20)
    map_layer_register(key="c", provider=provider("empty"), order=10)
    map_layer_register(key="z", provider=provider("zeroth"), order=5)
    got = map_layers(municipality="M", language="en", bounds=(1.0, 2.0, 3.0, 4.0))
    assert [layer.context["name"] for layer in got] == ["zeroth", "first", "second"]
    assert [name for name, *_rest in asked] == ["zeroth", "empty", "first", "second"]
    assert {(municipality, language, bounds) for _name, municipality, language, bounds in asked} == {
        ("M", "en", (1.0, 2.0, 3.0, 4.0))
    }
    map_layer_register(key="a", provider=provider("replaced"), order=1)  # a key registered again is replaced
    assert [layer.context["name"] for layer in map_layers(municipality="M", language="en", bounds=(0, 0, 1, 1))] == [
        "replaced",
        "zeroth",
        "second",
    ]


@pytest.mark.django_db
def test_a_registered_layer_is_drawn_on_the_map_page_and_listed_after_it(registry, client, athens):
    def routes(*, municipality, language, bounds):
        if municipality != athens:
            return None
        west, south, east, north = bounds
        line = {"type": "LineString", "coordinates": [[west, south], [east, north]]}
        return MapLayer(
            add=lambda leaflet_map: leaflet_map.add(geojson_layer(data=line, name=f"Test routes {language}", style={})),
            template="gis/map_areas.html",  # any template that lists ``layer.areas``
            context={"areas": [{"name": "Περίπατος στην Πλάκα", "kind": "διαδρομή"}]},
        )

    map_layer_register(key="tests.routes", provider=routes, order=150)
    page = client.get("/el/map/", HTTP_HOST="athens.localhost").content.decode()
    assert "Test routes el" in page and "Περίπατος στην Πλάκα (διαδρομή)" in page
    assert '"type": "layerControl"' in page  # the layer switcher that lets a visitor hide it (gis/leaflet-map.js)
    nafplio = client.get("/el/map/", HTTP_HOST="nafplio.localhost").content.decode()
    assert "Test routes" not in nafplio and "Περίπατος" not in nafplio
