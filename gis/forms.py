"""Admin form pieces for places (a point picked on a map or typed: WGS 84 or Greek Grid EPSG:2100) and routes (a
line drawn on a map or given as GeoJSON, WGS 84)."""

import json

from django import forms
from django.conf import settings
from django.contrib.gis.geos import LineString, MultiLineString, Point
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.snippets.widgets import AdminSnippetChooser

from .maps import LEAFLET_CSS, LEAFLET_JS, leaflet_icon_options, leaflet_labels
from .models import WGS84, ArchiveItem, Category, Period, Place, Season, Theme
from .selectors import municipalities_outline_geojson, places_named_like, point_from_greek_grid, vocabulary_choices
from .services import municipalities_editable_by
from .tracks import STOPS_WITHIN_M

GREEK_GRID = 2100  # EPSG:2100, GGRS87 / Greek Grid: easting, northing in metres
# The Greek Grid's area of use, generously: eastings 50-950 km, northings 3,800-4,700 km.
GREEK_GRID_BOUNDS = (50_000, 3_800_000, 950_000, 4_700_000)


class PointWidget(forms.Widget):
    """A Leaflet map (click to place, drag to move) with latitude/longitude inputs kept in step, and
    easting/northing inputs for Greek Grid coordinates. Usable with the keyboard alone."""

    template_name = "gis/widgets/point.html"
    parts = ("lat", "lon", "easting", "northing")
    outline: dict | None = None  # GeoJSON FeatureCollection (EPSG:4326) of the editor's municipalities, drawn

    class Media:
        css = {"all": [LEAFLET_CSS, "gis/point-widget.css"]}
        js = [LEAFLET_JS, "gis/leaflet-labels.js", "gis/point-widget.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if isinstance(value, Point):
            value = {"lat": f"{value.y:.7f}", "lon": f"{value.x:.7f}"}
        context["parts"] = value or {}
        context["basemap"] = settings.BASEMAPS[0]
        context["leaflet_icons"] = json.dumps(leaflet_icon_options())  # the marker's collected images
        context["leaflet_labels"] = json.dumps(leaflet_labels(), ensure_ascii=False)
        context["outline"] = self.outline
        context["outline_id"] = f"{context['widget']['attrs'].get('id', name)}_outline"
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
    """The place form: geometry through the map/coordinates widget, which opens on the editor's municipalities
    with their boundaries drawn; categories and periods listed once each, named in the editor's language."""

    location = PointField(label=_("Location"), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._vocabularies_once()
        self._outline_municipalities()

    def _vocabularies_once(self) -> None:
        """Places point at the source-language (Greek) rows; their translations are labels, not more choices."""
        language = get_language() or settings.LANGUAGE_CODE
        for name, model in (("category", Category), ("periods", Period)):
            if name not in self.fields:
                continue
            field = self.fields[name]
            # a short list: a select and checkboxes, not the snippet chooser, whose modal lists every translation
            field.widget = forms.Select() if name == "category" else forms.CheckboxSelectMultiple()
            field.widget.is_required = field.required
            labels = dict(vocabulary_choices(model=model, language=language[:2]))
            field.queryset = model.objects.filter(pk__in=labels).order_by("sort_order", "name")
            field.label_from_instance = lambda item, labels=labels: labels.get(item.pk, item.name)
        if self.instance.pk and not self.is_bound:  # a place that points at a translation: show its source row
            if "category" in self.fields and self.instance.category_id:
                self.initial["category"] = self._source_pk(self.instance.category)
            if "periods" in self.fields:
                self.initial["periods"] = [self._source_pk(period) for period in self.instance.periods.all()]

    @staticmethod
    def _source_pk(item) -> int:
        source = (
            type(item)
            .objects.filter(translation_key=item.translation_key, locale__language_code=settings.LANGUAGE_CODE)
            .first()
        )
        return (source or item).pk

    def _outline_municipalities(self) -> None:
        user = getattr(self, "for_user", None)
        municipalities = [] if user is None or user.is_superuser else municipalities_editable_by(user)
        own = self.instance.municipality if self.instance.pk else None
        if own is not None and own not in municipalities:
            municipalities.append(own)
        if municipalities:
            outline = json.loads(municipalities_outline_geojson(municipalities=municipalities))
            self.fields["location"].widget.outline = outline


class RecordChooserFilterForm(BaseFilterForm):
    """A record chooser's search (Greek or English name, any case or accents: places' and archive items' names
    alike) and the municipality it is for (a page's form asks for its own: see MunicipalityChooser)."""

    q = forms.CharField(
        label=_("Search term"), required=False, widget=forms.TextInput(attrs={"placeholder": _("Search by name")})
    )
    municipality = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def filter(self, objects):
        objects = super().filter(objects)
        if municipality := self.cleaned_data.get("municipality"):
            objects = objects.filter(municipality_id=municipality)
        if text := (self.cleaned_data.get("q") or "").strip():
            objects = places_named_like(queryset=objects, text=text)
            self.is_searching, self.search_query = True, text
        return objects


class ArchiveItemChooserFilterForm(RecordChooserFilterForm):
    """The archive item chooser's search, its municipality and, when asked (``images``), only items with an image
    (kept in the form, so a search keeps it too)."""

    images = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def filter(self, objects):
        objects = super().filter(objects)
        return objects.filter(images__isnull=False).distinct() if self.cleaned_data.get("images") else objects


class MunicipalityChooser(AdminSnippetChooser):
    """A record chooser of a page (``model``: the kind): its modal lists only the records of the page's
    municipality (the chooser's views also keep to the user's: gis.record_admin)."""

    model: type

    def __init__(self, *, municipality_id: int | None = None, **kwargs):
        self.municipality_id = municipality_id
        super().__init__(self.model, **kwargs)

    def get_chooser_modal_url(self):
        url = super().get_chooser_modal_url()
        return f"{url}?municipality={self.municipality_id}" if self.municipality_id else url


class PlaceChooser(MunicipalityChooser):
    """The place chooser of a page: its modal lists only the places of the page's municipality."""

    model = Place


class ArchiveItemChooser(MunicipalityChooser):
    """The archive item chooser of a page: its modal lists only the items of the page's municipality, and with
    ``with_images`` only those that have an image."""

    model = ArchiveItem

    def __init__(self, *, municipality_id: int | None = None, with_images: bool = False, **kwargs):
        self.with_images = with_images
        super().__init__(municipality_id=municipality_id, **kwargs)

    def get_chooser_modal_url(self):
        url = super().get_chooser_modal_url()
        return f"{url}{'&' if '?' in url else '?'}images=1" if self.with_images else url


MAX_LINE_POINTS = 100_000  # a 1,000 km route with a point every 10 m


class LineWidget(forms.Widget):
    """A Leaflet map on which each click adds a point to the line (a new part on request), over a text area with
    the line as GeoJSON that the drawing and the editor both write: usable with the keyboard alone."""

    template_name = "gis/widgets/line.html"
    outline: dict | None = None  # GeoJSON FeatureCollection (EPSG:4326) of the editor's municipalities, drawn

    class Media:
        css = {"all": [LEAFLET_CSS, "gis/point-widget.css"]}
        js = [LEAFLET_JS, "gis/leaflet-labels.js", "gis/line-widget.js"]

    def format_value(self, value):
        if isinstance(value, MultiLineString):
            return json.dumps({"type": "MultiLineString", "coordinates": [list(map(list, part)) for part in value]})
        return value

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["basemap"] = settings.BASEMAPS[0]
        context["leaflet_labels"] = json.dumps(leaflet_labels(), ensure_ascii=False)
        context["outline"] = self.outline
        context["outline_id"] = f"{context['widget']['attrs'].get('id', name)}_outline"
        return context


class LineField(forms.Field):
    """A route's line in EPSG:4326 from GeoJSON text (a LineString, a MultiLineString or a Feature of either;
    longitude, latitude in degrees, any height dropped), parsed with the json module: the text never reaches GDAL."""

    widget = LineWidget

    def to_python(self, value):
        if isinstance(value, MultiLineString) or not value:
            return value or None
        try:
            geometry = json.loads(value)
        except ValueError:
            raise forms.ValidationError(_("The line is not valid GeoJSON.")) from None
        if isinstance(geometry, dict) and geometry.get("type") == "Feature":
            geometry = geometry.get("geometry")
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if kind == "LineString":
            coordinates = [coordinates]
        elif kind != "MultiLineString":
            raise forms.ValidationError(_("The line must be a GeoJSON LineString or MultiLineString."))
        parts = [self._part(part, number) for number, part in enumerate(coordinates or [], start=1)]
        if not parts:
            raise forms.ValidationError(_("The line has no points."))
        if sum(len(part) for part in parts) > MAX_LINE_POINTS:
            raise forms.ValidationError(_("The line has more than %(n)s points.") % {"n": f"{MAX_LINE_POINTS:,}"})
        line = MultiLineString(*(LineString(part) for part in parts), srid=WGS84)
        if all(len(set(part)) < 2 for part in parts):
            raise forms.ValidationError(_("The line has no length: all its points are the same."))
        return line

    @staticmethod
    def _part(part, number: int) -> list[tuple[float, float]]:
        if not isinstance(part, list) or len(part) < 2:
            raise forms.ValidationError(_("Part %(n)s of the line needs at least two points.") % {"n": number})
        points = []
        for position in part:
            if (
                not isinstance(position, list)
                or len(position) < 2
                or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in position[:2])
            ):
                raise forms.ValidationError(
                    _("Part %(n)s of the line has a point that is not [longitude, latitude].") % {"n": number}
                )
            lon, lat = float(position[0]), float(position[1])
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                raise forms.ValidationError(
                    _("Part %(n)s of the line has a point outside longitude -180..180, latitude -90..90.")
                    % {"n": number}
                )
            points.append((lon, lat))
        return points


class TrackUploadWidget(forms.FileInput):
    """A file input with its own submit button ("Read the track"): the form is then shown again with the file's
    line and offered stops, not saved."""

    template_name = "gis/widgets/track_upload.html"

    def __init__(self, attrs=None):
        super().__init__({"accept": ".gpx,.kml,.geojson,.json", **(attrs or {})})


class SubmitButtonWidget(forms.Widget):
    """A submit button named after its field, so that the view knows which one was pressed. Its field's label is a
    legend (``use_fieldset``), not a <label> of the button, so that the button's name is its own text."""

    template_name = "gis/widgets/submit_button.html"
    use_fieldset = True

    def __init__(self, *, text, attrs=None):
        super().__init__(attrs)
        self.text = text

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["text"] = self.text
        return context


def line_elevations_m(text: str) -> list[list[float | None]] | None:
    """The elevations (metres, or None) per part and vertex that a line's GeoJSON text carries as the positions'
    third coordinate, or None when it carries none (LineField has checked the rest of the text)."""
    try:
        geometry = json.loads(text)
    except (TypeError, ValueError):
        return None
    if isinstance(geometry, dict) and geometry.get("type") == "Feature":
        geometry = geometry.get("geometry")
    coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if isinstance(geometry, dict) and geometry.get("type") == "LineString":
        coordinates = [coordinates]
    if not isinstance(coordinates, list):
        return None

    def height(position) -> float | None:
        value = position[2] if isinstance(position, list) and len(position) > 2 else None
        if not isinstance(value, int | float) or isinstance(value, bool) or not -500 <= value <= 9000:
            return None
        return float(value)

    elevations = [[height(position) for position in part] for part in coordinates if isinstance(part, list)]
    return elevations if any(z is not None for part in elevations for z in part) else None


class RouteAdminForm(WagtailAdminModelForm):
    """The route form: the line through the map widget, opened on the editor's municipalities; the theme listed
    once (its source-language rows, named in the editor's language); the municipality among the editor's."""

    geometry = LineField(label=_("Line"), required=True)
    seasons = forms.TypedMultipleChoiceField(
        label=_("Best seasons"), choices=Season.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    # Read by the view (gis.wagtail_hooks.RouteFormMixin), never saved: a track's line and its waypoints' places
    track_file = forms.FileField(
        label=_("Upload a track (GPX, KML or GeoJSON)"),
        required=False,
        widget=TrackUploadWidget,
        help_text=_(
            "Its line replaces the one above (a GPX file's tracks and segments joined in order); its GPX waypoints "
            "near your places are offered as stops. Nothing is saved until you save the route."
        ),
    )
    stops_within_m = forms.IntegerField(
        label=_("Offer as a stop a place within this many metres of a waypoint"),
        min_value=1,
        max_value=5000,
        initial=STOPS_WITHIN_M,
        required=False,
    )
    order_stops = forms.CharField(
        label=_("Order of the stops"),
        required=False,
        widget=SubmitButtonWidget(text=_("Save and order the stops along the line")),
        help_text=_("Numbers the stops in the order their places lie along the line (the route is saved first)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self, "for_user", None)
        language = (get_language() or settings.LANGUAGE_CODE)[:2]
        if "theme" in self.fields:
            labels = dict(vocabulary_choices(model=Theme, language=language))
            field = self.fields["theme"]
            field.widget = forms.Select()
            field.queryset = Theme.objects.filter(pk__in=labels).order_by("sort_order", "name")
            field.label_from_instance = lambda item: labels.get(item.pk, item.name)
        editable = [] if user is None else municipalities_editable_by(user)
        if "municipality" in self.fields and user is not None:
            field = self.fields["municipality"]
            field.queryset = field.queryset.filter(pk__in=[m.pk for m in editable])
            field.required = not user.is_superuser
            if len(editable) == 1 and not self.instance.pk:
                self.initial["municipality"] = editable[0].pk
        if user is not None and not user.is_superuser and editable:
            outline = json.loads(municipalities_outline_geojson(municipalities=editable))
            self.fields["geometry"].widget.outline = outline
        for form in self.formsets.get("route_stops", []).forms if hasattr(self, "formsets") else []:
            if "place" in form.fields and user is not None and not user.is_superuser:
                form.fields["place"].queryset = Place.objects.filter(municipality__in=editable)

    def clean(self):
        cleaned = super().clean()
        line = cleaned.get("geometry")
        unchanged = (
            line is not None
            and self.instance.pk
            and self.instance.geometry is not None
            and line.equals_exact(self.instance.geometry, 1e-9)
        )
        if line is not None and not unchanged:
            # Elevations belong to the vertices they came with: a new line keeps only those it carries itself, as
            # the third coordinate of its positions (an uploaded track's, see gis.route_upload).
            self.instance.track_elevations_m = line_elevations_m(self.data.get(self.add_prefix("geometry"), ""))
        return cleaned
