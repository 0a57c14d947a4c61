"""Admin form pieces for places: a point picked on a map or typed (WGS 84 or Greek Grid EPSG:2100)."""

import json

from django import forms
from django.conf import settings
from django.contrib.gis.geos import Point
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .maps import STATIC_ASSETS, leaflet_icon_options, leaflet_labels
from .models import WGS84, Category, Period
from .selectors import point_from_greek_grid, vocabulary_names

GREEK_GRID = 2100  # EPSG:2100, GGRS87 / Greek Grid: easting, northing in metres
# The Greek Grid's area of use, generously: eastings 50-950 km, northings 3,800-4,700 km.
GREEK_GRID_BOUNDS = (50_000, 3_800_000, 950_000, 4_700_000)


class PointWidget(forms.Widget):
    """A Leaflet map (click to place, drag to move) with latitude/longitude inputs kept in step, and
    easting/northing inputs for Greek Grid coordinates. Usable with the keyboard alone."""

    template_name = "gis/widgets/point.html"
    parts = ("lat", "lon", "easting", "northing")

    class Media:
        css = {"all": [STATIC_ASSETS["leaflet_css"], "gis/point-widget.css"]}
        js = [STATIC_ASSETS["leaflet"], "gis/leaflet-labels.js", "gis/point-widget.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if isinstance(value, Point):
            value = {"lat": f"{value.y:.7f}", "lon": f"{value.x:.7f}"}
        context["parts"] = value or {}
        context["basemap"] = settings.BASEMAPS[0]
        context["leaflet_icons"] = json.dumps(leaflet_icon_options())  # the marker's collected images
        context["leaflet_labels"] = json.dumps(leaflet_labels(), ensure_ascii=False)
        return context

    def value_from_datadict(self, data, files, name):
        return {part: data.get(f"{name}_{part}", "").strip().replace(",", ".") for part in self.parts}

    def value_omitted_from_data(self, data, files, name):
        return not any(f"{name}_{part}" in data for part in self.parts)


class PointField(forms.Field):
    """A point in EPSG:4326 from typed/picked WGS 84 latitude and longitude, or from Greek Grid easting/northing
    (which win when both are given; PostGIS reprojects them)."""

    widget = PointWidget

    def to_python(self, value):
        if isinstance(value, Point) or not value:
            return value or None
        easting, northing = value.get("easting"), value.get("northing")
        if easting or northing:
            if not (easting and northing):
                raise forms.ValidationError(_("Give both easting and northing (Greek Grid, metres)."))
            e, n = self._number(easting, _("Easting")), self._number(northing, _("Northing"))
            west, south, east, north = GREEK_GRID_BOUNDS
            if not (west <= e <= east and south <= n <= north):
                raise forms.ValidationError(
                    _("Easting %(e)s, northing %(n)s is outside the Greek Grid (EPSG:2100). Metres, not degrees?")
                    % {"e": easting, "n": northing}
                )
            return point_from_greek_grid(easting=e, northing=n)
        lat, lon = value.get("lat"), value.get("lon")
        if not (lat and lon):
            return None
        lat_value, lon_value = self._number(lat, _("Latitude")), self._number(lon, _("Longitude"))
        if not -90 <= lat_value <= 90:
            raise forms.ValidationError(_("Latitude must be between -90 and 90 degrees."))
        if not -180 <= lon_value <= 180:
            raise forms.ValidationError(_("Longitude must be between -180 and 180 degrees."))
        return Point(lon_value, lat_value, srid=WGS84)

    @staticmethod
    def _number(text: str, label) -> float:
        try:
            return float(text)
        except ValueError:
            raise forms.ValidationError(
                _("%(label)s must be a number, got “%(value)s”.") % {"label": label, "value": text[:30]}
            ) from None


class PlaceAdminForm(WagtailAdminModelForm):
    """The place form: geometry through the map/coordinates widget."""

    location = PointField(label=_("Location"), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Records point at the source-locale (Greek) terms: list those once, named in the editor's language.
        for name, model in (("category", Category), ("periods", Period)):
            field = self.fields.get(name)
            if field is None:
                continue
            field.queryset = model.objects.filter(locale__language_code=settings.LANGUAGE_CODE)
            names = vocabulary_names(model=model, language=get_language() or settings.LANGUAGE_CODE)
            field.label_from_instance = lambda term, names=names: names.get(term.translation_key, term.name)
