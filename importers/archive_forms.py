"""The admin's mapping step of an archive file (importers.registrations, target "archive"): an XML file only has its
format confirmed (Dublin Core or EDM); a CSV file's form builds the ``CsvMapping`` of importers.readers.archive_csv
(the id column; a column per Dublin Core element, or a long file's kind, value and order columns and the element of
each kind; constant rights and publisher; the title of an untitled record), checked by ``CsvMapping.from_dict``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gis.archive import DC_ELEMENTS
from gis.models import DcElement
from gis.vocabularies import RIGHTS

from .errors import MappingError
from .forms import _lines, _pairs
from .readers.archive_csv import CsvMapping

XML_FORMATS = [("dc", _("Dublin Core (oai_dc records or an OAI-PMH response)")), ("edm", _("EDM (RDF/XML)"))]
LANGUAGES = [("", _("not said")), ("el", _("Greek")), ("en", _("English"))]
ELEMENT_LABELS = dict(DcElement.choices)


class ArchiveMappingForm(forms.Form):
    """The format of an XML file, or how a CSV file's columns become Dublin Core records (see the module)."""

    format = forms.ChoiceField(label=_("Format of the file"), choices=XML_FORMATS, widget=forms.RadioSelect)

    def __init__(self, *args, columns=(), values=None, csv: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.csv = csv
        self.values = values or {}
        if not csv:
            return
        del self.fields["format"]
        choices = [("", "—")] + [(name, name) for name in columns]
        self.fields["id_column"] = forms.ChoiceField(
            label=_("Id column (required)"),
            choices=choices,
            help_text=_("Each record keeps the same id in the next version of the file; a re-import is matched on it."),
            error_messages={"required": _("Choose the column that holds each record's stable id.")},
        )
        for element in DC_ELEMENTS:
            self.fields[f"field_{element}"] = forms.ChoiceField(
                label=ELEMENT_LABELS[element], choices=choices, required=False
            )
            self.fields[f"language_{element}"] = forms.ChoiceField(
                label=_("Language of the %(element)s values") % {"element": ELEMENT_LABELS[element]},
                choices=LANGUAGES,
                required=False,
            )
        self.fields["long_kind"] = forms.ChoiceField(
            label=_("Column saying what each row holds"), choices=choices, required=False
        )
        self.fields["long_value"] = forms.ChoiceField(label=_("Column of the value"), choices=choices, required=False)
        self.fields["long_order"] = forms.ChoiceField(
            label=_("Column of the order of the values"), choices=choices, required=False
        )
        self.fields["long_elements"] = forms.CharField(
            label=_("Dublin Core element of each kind of row"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text=_("One per line: value of the kind column = element (title, creator, date, ...)"),
        )
        self.fields["rights"] = forms.ChoiceField(
            label=_("Rights of every record"),
            choices=[("", _("— as the file says —"))] + [(uri, f"{short} — {name}") for uri, short, name in RIGHTS],
            required=False,
        )
        self.fields["publisher"] = forms.CharField(label=_("Publisher of every record"), required=False)
        self.fields["untitled"] = forms.CharField(
            label=_("Title of a record without one"),
            required=False,
            help_text=_(
                "{id} is replaced by the record's id, e.g. “Object {id}”. Records without a title are rejected."
            ),
        )

    @classmethod
    def initial_from(cls, rules: dict, *, archive_format: str) -> dict:
        """Form values of a stored or guessed mapping (the run's rules: format, and a CSV's mapping)."""
        csv = rules.get("csv") or {}
        if not csv:
            return {"format": rules.get("format") or archive_format}
        long, constants = csv.get("long") or {}, csv.get("constants") or {}
        initial = {
            "id_column": csv.get("id", ""),
            "long_kind": long.get("kind", ""),
            "long_value": long.get("value", ""),
            "long_order": long.get("order", ""),
            "long_elements": _lines(long.get("elements") or {}),
            "rights": constants.get("rights", ""),
            "publisher": constants.get("publisher", ""),
            "untitled": csv.get("untitled", ""),
        }
        initial.update({f"field_{element}": column for element, column in (csv.get("fields") or {}).items()})
        initial.update({f"language_{e}": language for e, language in (csv.get("languages") or {}).items()})
        return initial

    def wide_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        """(element, its column's field, its language's field) for the template's table."""
        return [(element, self[f"field_{element}"], self[f"language_{element}"]) for element in DC_ELEMENTS]

    def clean(self):
        cleaned = super().clean()
        if not self.csv or self.errors:
            return cleaned
        constants = {name: cleaned[name].strip() for name in ("rights", "publisher") if cleaned.get(name, "").strip()}
        data = {
            "id": cleaned.get("id_column", ""),
            "fields": {e: cleaned[f"field_{e}"] for e in DC_ELEMENTS if cleaned.get(f"field_{e}")},
            "languages": {e: cleaned[f"language_{e}"] for e in DC_ELEMENTS if cleaned.get(f"language_{e}")},
            "long": {
                "kind": cleaned.get("long_kind", ""),
                "value": cleaned.get("long_value", ""),
                "order": cleaned.get("long_order", ""),
                "elements": _pairs(cleaned.get("long_elements", "")),
            },
            "constants": constants,
            "untitled": cleaned.get("untitled", "").strip(),
        }
        if data["long"]["elements"] and not data["long"]["kind"]:
            self.add_error("long_kind", _("Choose the column whose values the kinds of row are."))
            return cleaned
        try:
            self.mapping = CsvMapping.from_dict(data)
        except MappingError as error:
            raise forms.ValidationError(error.reason) from error
        kinds = set(self.values.get(self.mapping.long_kind, []))
        unknown = sorted(set(self.mapping.long_elements) - kinds) if kinds else []
        if unknown:
            self.add_error(
                "long_elements",
                _("not values of the column %(column)s: %(values)s")
                % {"column": self.mapping.long_kind, "values": ", ".join(unknown)},
            )
        if not self.mapping.fields and not self.mapping.long_kind:
            raise forms.ValidationError(_("Choose a column for at least one Dublin Core element (the title)."))
        return cleaned

    def rules(self) -> dict:
        """The mapping as the run stores it (``format``, and ``csv``: the CsvMapping's tables)."""
        if not self.csv:
            return {"format": self.cleaned_data["format"], "csv": {}}
        return {"format": "csv", "csv": self.mapping.to_dict()}
