"""folium elements of the raster overlays. Imported by ``tiles.maps`` when it adds overlays to a map, so that folium
loads with the first map built, not when a web process starts."""

from collections.abc import Sequence

import folium
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from .maps import ASSETS_CSS, ASSETS_JS


class OverlayControls(JSCSSMixin, MacroElement):
    """Opacity sliders and the swipe for the overlay tile layers; the work is ``xenagos.tileOverlays`` in
    tiles/js/overlays.js."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        xenagos.tileOverlays({{ this._parent.get_name() }}, {
            {%- for layer in this.layers %}{{ layer.layer_name|tojson }}: {{ layer.get_name() }},{% endfor -%}
        }, {{ this.config|tojson }});
        {% endmacro %}"""
    )
    default_js = ASSETS_JS
    default_css = ASSETS_CSS

    def __init__(self, layers: Sequence[folium.TileLayer], config: dict):
        super().__init__()
        self._name = "OverlayControls"
        self.layers = list(layers)
        self.config = config
