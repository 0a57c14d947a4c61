"""Admin forms of the content app."""

from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminPageForm

from gis.forms import PlaceChooser

from .permissions import page_municipality


def place_municipality_error(*, place, municipality) -> str:
    """The message (in the active language) when ``place`` is not a record of ``municipality``, else ""."""
    if municipality is None or place.municipality_id == municipality.pk:
        return ""
    if place.municipality_id is None:
        return _(
            "The place “%(place)s” lies in no municipality; a page of the municipality of %(page)s may only show "
            "that municipality’s own places."
        ) % {"place": place.name, "page": municipality.name}
    return _(
        "The place “%(place)s” belongs to the municipality of %(other)s; a page of the municipality of %(page)s may "
        "only show that municipality’s own places."
    ) % {"place": place.name, "other": place.municipality.name, "page": municipality.name}


class PlacePageForm(WagtailAdminPageForm):
    """A place page's form: its place must be a record of the page's municipality, and the place chooser offers
    only that municipality's places."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "place" in self.fields:
            municipality = page_municipality(self.instance, parent=getattr(self, "parent_page", None))
            self.fields["place"].widget = PlaceChooser(municipality_id=municipality.pk if municipality else None)

    def clean(self):
        cleaned_data = super().clean()
        place = cleaned_data.get("place")
        if place is not None:
            parent = getattr(self, "parent_page", None)
            municipality = page_municipality(self.instance, parent=parent)
            message = place_municipality_error(place=place, municipality=municipality)
            if message:
                self.add_error("place", message)
        return cleaned_data
