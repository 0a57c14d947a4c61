"""folium elements of our maps. Imported by the map builders of ``gis.maps`` when they build a map, so that folium
loads with the first map a web process builds, not when it starts."""

from folium.elements import JSCSSMixin
from jinja2 import Template

from .maps import STATIC_ASSETS


class PlacesLayer(JSCSSMixin):
    """Places fetched from our GeoJSON endpoint for the map's view (never inlined), clustered, with popups.

    The work is done by ``xenagos.placesLayer`` in our map.js; ``config`` carries the endpoint, filters, labels.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
        xenagos.placesLayer({{ this._parent.get_name() }}, {{ this.config|tojson }});
        {% endmacro %}"""
    )
    default_js = [("markerclusterjs", STATIC_ASSETS["markerclusterjs"])]
    default_css = [
        ("markerclustercss", STATIC_ASSETS["markerclustercss"]),
        ("markerclusterdefaultcss", STATIC_ASSETS["markerclusterdefaultcss"]),
    ]

    def __init__(self, config: dict):
        super().__init__()
        self._name = "PlacesLayer"
        self.config = config
