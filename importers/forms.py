"""Admin forms of an import: the upload (of any target the admin offers, importers.targets), the source options
(layer, CRS, encoding) and the mappings of places and of protected areas."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from gis.models import Dataset, Municipality

from .mapping import AREA_TARGETS, NAMES, REQUIRED, TARGETS, AreaMapping, Mapping, Matches
from .readers import InvalidPolicy
from .targets import target_get, targets_offered

MB = 1024 * 1024


def upload_extensions() -> list[str]:
    """The extensions an upload may have, for any of the targets the admin offers."""
    return sorted({suffix for target in targets_offered() for suffix in target.uploads})


def upload_limit_mb() -> float:
    """The largest upload accepted, in MB (settings.XENAGOS_IMPORT_MAX_UPLOAD_MB, default 500)."""
    return float(getattr(settings, "XENAGOS_IMPORT_MAX_UPLOAD_MB", 500))


def upload_limit_bytes() -> int:
    """The largest upload accepted, in bytes."""
    return int(upload_limit_mb() * MB)


class UploadForm(forms.Form):
    """A file of places or protected areas for an existing dataset, or a new dataset described here; and the
    municipality it is for."""

    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A zipped shapefile (or .shp), GeoPackage, GeoJSON, CSV, KML or GPX file; archive items: a CSV, "
            "Dublin Core or EDM XML file, or a zip of XML files."
        ),
    )
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Municipality boundaries are loaded by the operator when a municipality is set up."),
    )
    municipality = forms.ModelChoiceField(queryset=Municipality.objects.none(), label=_("Municipality"))
    dataset = forms.ModelChoiceField(
        queryset=Dataset.objects.order_by("title"),
        required=False,
        label=_("Dataset"),
        empty_label=_("— a new dataset —"),
    )
    title = forms.CharField(label=_("Title of the new dataset"), max_length=300, required=False)
    licence = forms.CharField(label=_("Licence"), max_length=100, required=False, help_text=_("e.g. CC BY 4.0"))
    attribution = forms.CharField(label=_("Attribution"), max_length=500, required=False)

    def __init__(self, *args, municipalities=(), **kwargs):
        super().__init__(*args, **kwargs)
        offered = targets_offered()
        kind = self.fields["kind"]
        kind.choices = [(target.key, target.choice_label) for target in offered]
        kind.initial = self.default_kind = offered[0].key
        self.fields["municipality"].queryset = Municipality.objects.filter(pk__in=[m.pk for m in municipalities])
        if len(municipalities) == 1:  # an editor of one municipality need not choose
            self.fields["municipality"].initial = municipalities[0].pk
            self.fields["municipality"].required = False
        self.only_municipality = municipalities[0] if len(municipalities) == 1 else None

    def clean_municipality(self):
        return self.cleaned_data.get("municipality") or self.only_municipality

    def clean_kind(self):
        return self.cleaned_data.get("kind") or self.default_kind

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name or "").suffix.lower()
        if suffix not in upload_extensions():
            raise forms.ValidationError(
                _("%(name)s: unexpected file type; expected one of %(types)s")
                % {"name": upload.name, "types": ", ".join(upload_extensions())}
            )
        if upload.size > upload_limit_bytes():
            raise forms.ValidationError(
                _("%(name)s is larger than %(limit)s MB.") % {"name": upload.name, "limit": f"{upload_limit_mb():g}"}
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        upload, kind = cleaned.get("file"), cleaned.get("kind")
        if upload and kind:
            target = target_get(kind)
            if Path(upload.name or "").suffix.lower() not in target.uploads:
                message = _("%(name)s: %(kind)s are not read from this type of file; expected one of %(types)s")
                types = ", ".join(sorted(target.uploads))
                self.add_error("file", message % {"name": upload.name, "kind": target.label, "types": types})
        if not cleaned.get("dataset"):
            for name in ("title", "licence", "attribution"):
                if not cleaned.get(name):
                    self.add_error(name, _("Needed for a new dataset."))
            if cleaned.get("title") and not slugify(cleaned["title"]):
                self.add_error("title", _("Use a title with Latin letters or digits too (it makes the dataset's id)."))
        return cleaned


class SourceForm(forms.Form):
    """Which layer to read, and the CRS and encoding when the detected ones are wrong."""

    layer = forms.ChoiceField(label=_("Layer"), required=False)
    srid = forms.IntegerField(
        label=_("CRS (EPSG code)"),
        required=False,
        min_value=1024,
        max_value=999999,
        help_text=_("Only if the file declares none or a wrong one; 2100 is the Greek Grid (ΕΓΣΑ87)."),
    )
    encoding = forms.ChoiceField(
        label=_("Text encoding"),
        required=False,
        choices=[
            ("", _("detect")),
            ("utf-8", "UTF-8"),
            ("cp1253", "Windows-1253"),
            ("iso8859-7", "ISO-8859-7"),
            ("cp737", "CP737 (DOS)"),
        ],
    )

    def __init__(self, *args, layers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["layer"].choices = [(name, name) for name in layers]


def _pairs(text: str) -> dict[str, str]:
    """'source value = slug' lines -> dict (blank lines and lines without '=' are ignored)."""
    pairs = {}
    for line in text.splitlines():
        value, sep, slug = line.rpartition("=")
        if sep and value.strip():
            pairs[value.strip()] = slug.strip()
    return pairs


def _lines(pairs: dict[str, str]) -> str:
    return "\n".join(f"{value} = {slug}" for value, slug in pairs.items())


def invalid_field() -> forms.ChoiceField:
    """What to do with invalid geometries: repair (the default) or reject."""
    return forms.ChoiceField(
        label=_("Invalid geometries"),
        choices=[(InvalidPolicy.REPAIR, _("repair them (with a note)")), (InvalidPolicy.REJECT, _("reject them"))],
        widget=forms.RadioSelect,
        initial=InvalidPolicy.REPAIR,
    )


class MappingForm(forms.Form):
    """Source field per place field; category and period values; what to do with invalid geometries and with new
    features that have the Wikidata or Pleiades id of an existing place."""

    invalid = invalid_field()
    # (not named "matches": a form control of that name would hide the form element's own matches() in the DOM)
    matching = forms.ChoiceField(
        label=_("A new feature with the Wikidata or Pleiades id of an existing place of the municipality"),
        choices=[
            (Matches.LINK, _("link it to that place: fill only what the place lacks (recommended)")),
            (Matches.CREATE, _("import it as a new place all the same")),
            (Matches.SKIP, _("skip it")),
        ],
        widget=forms.RadioSelect,
        initial=Matches.LINK,
        required=False,  # link when not given
        help_text=_("The dry run lists these features with the place each one matches, before anything is written."),
    )
    default_category = forms.ChoiceField(label=_("Category when none matches"), required=False)
    categories = forms.CharField(
        label=_("Category values"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One per line: source value = category id"),
    )
    periods_map = forms.CharField(
        label=_("Period values"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: source value = period id"),
    )

    LABELS = {
        "source_id": _("Stable id (required)"),
        "name_el": _("Greek name"),
        "name_en": _("English name"),
        "category": _("Category"),
        "periods": _("Historical periods"),
        "wikidata": _("Wikidata item"),
        "pleiades": _("Pleiades id"),
    }

    def __init__(self, *args, source_fields=(), categories=(), csv=False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—")] + [(name, name) for name in source_fields]
        for target in TARGETS:
            self.fields[f"field_{target}"] = forms.ChoiceField(
                label=self.LABELS[target], choices=choices, required=target == "source_id"
            )
        self.fields["field_name_el"].help_text = _(
            "The Greek name or the English one is required. A file with English names only: choose its name field "
            "as the English name and leave this empty; the Greek pages show the English name until a Greek one is "
            "written."
        )
        self.fields["default_category"].choices = [("", "—")] + [
            (slug, f"{name} ({slug})") for slug, name in categories
        ]
        if csv:
            for kind, label in (
                ("latitude", _("Latitude column")),
                ("longitude", _("Longitude column")),
                ("x", _("Easting (x) column")),
                ("y", _("Northing (y) column")),
                ("wkt", _("WKT column")),
            ):
                self.fields[f"csv_{kind}"] = forms.ChoiceField(label=label, choices=choices, required=False)

    @classmethod
    def initial_from(cls, mapping: Mapping) -> dict:
        """Form values for a stored or guessed mapping."""
        initial = {f"field_{target}": source for target, source in mapping.fields.items()}
        initial.update({f"csv_{kind}": name for kind, name in mapping.csv.items()})
        initial.update(
            invalid=mapping.invalid,
            matching=mapping.matches,
            default_category=mapping.default_category,
            categories=_lines(mapping.categories),
            periods_map=_lines(mapping.periods),
        )
        return initial

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(f"field_{target}") for target in NAMES):
            self.add_error("field_name_el", _("Choose the field of the Greek name or of the English name."))
        return cleaned

    def rules(self) -> dict:
        """The mapping the form describes, as the run stores it."""
        return self.mapping().to_dict()

    def mapping(self) -> Mapping:
        """The mapping the form describes."""
        data = self.cleaned_data
        return Mapping(
            fields={target: data[f"field_{target}"] for target in TARGETS if data.get(f"field_{target}")},
            categories=_pairs(data.get("categories", "")),
            periods=_pairs(data.get("periods_map", "")),
            default_category=data.get("default_category", ""),
            invalid=data["invalid"],
            matches=data.get("matching") or Matches.LINK,
            csv={
                kind: data[f"csv_{kind}"]
                for kind in ("latitude", "longitude", "x", "y", "wkt")
                if data.get(f"csv_{kind}")
            },
        )


class AreaMappingForm(forms.Form):
    """Source field per protected-area field (id and Greek name required) and what to do with invalid geometries."""

    invalid = invalid_field()

    LABELS = {
        "source_id": _("Stable id (required)"),
        "name_el": _("Greek name (required)"),
        "name_en": _("English name"),
        "kind": _("Kind of area"),
    }
    HELP = {
        "source_id": _(
            "The same area keeps the same id in the next version of the file; a re-import is matched on it."
        ),
        "kind": _("e.g. zone A, zone B"),
    }
    MISSING = {
        "source_id": _("Choose the field of the file that holds each area's stable id."),
        "name_el": _("Choose the field of the file that holds each area's Greek name."),
    }

    def __init__(self, *args, source_fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—")] + [(name, name) for name in source_fields]
        for target in AREA_TARGETS:
            self.fields[f"field_{target}"] = forms.ChoiceField(
                label=self.LABELS[target],
                choices=choices,
                required=target in REQUIRED,
                help_text=self.HELP.get(target, ""),
                error_messages={
                    "required": self.MISSING.get(target, ""),
                    "invalid_choice": _("“%(value)s” is not a field of the file."),
                },
            )

    @classmethod
    def initial_from(cls, mapping: AreaMapping) -> dict:
        """Form values for a stored or guessed area mapping."""
        return {**{f"field_{target}": source for target, source in mapping.fields.items()}, "invalid": mapping.invalid}

    def rules(self) -> dict:
        """The area mapping the form describes, as the run stores it."""
        return self.area_mapping().to_dict()

    def area_mapping(self) -> AreaMapping:
        """The area mapping the form describes."""
        data = self.cleaned_data
        fields = {target: data[f"field_{target}"] for target in AREA_TARGETS if data.get(f"field_{target}")}
        return AreaMapping(fields=fields, invalid=data["invalid"])


class RouteMappingForm(AreaMappingForm):
    """Source field per route field (id and Greek name required) for a KML, GeoJSON or GeoPackage of lines; a GPX
    file's tracks need none (their names are used) and the form is then left as it is guessed."""

    LABELS = {**AreaMappingForm.LABELS, "source_id": _("Stable id (required)"), "name_el": _("Greek name (required)")}
    HELP = {
        "source_id": _(
            "The same route keeps the same id in the next version of the file; a re-import is matched on it."
        )
    }
    MISSING = {
        "source_id": _("Choose the field of the file that holds each route's stable id."),
        "name_el": _("Choose the field of the file that holds each route's Greek name."),
    }

    def __init__(self, *args, gpx: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["field_kind"]
        for name in ("field_source_id", "field_name_el"):
            self.fields[name].required = not gpx
