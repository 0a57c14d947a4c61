"""Admin forms of the content app."""

from collections.abc import Iterator

from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.blocks import StreamValue, StructValue
from wagtail.blocks.list_block import ListValue

from gis.forms import ArchiveItemChooser, PlaceChooser

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


def archive_item_municipality_error(*, item, municipality) -> str:
    """The message (in the active language) when the archive ``item`` is not one of ``municipality``, else ""."""
    if municipality is None or item.municipality_id == municipality.pk:
        return ""
    return _(
        "The archive item “%(item)s” is not one of the municipality of %(page)s; a page of that municipality may "
        "only show its own archive items."
    ) % {"item": item.name, "page": municipality.name}


class MunicipalPageForm(WagtailAdminPageForm):
    """Every page's form (settings.WAGTAILADMIN_BASE_FORM_CLASS): the images it names (an image field, an inline
    panel's, such as a gallery's, and the image blocks of its StreamFields) only among the images the editor may
    choose, their municipality's collection. The choosers already offer only those; this refuses a posted id of
    another municipality's image, which Wagtail's own form would save."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._images_limit()

    def _choosable_images(self):
        user = getattr(self, "for_user", None)
        if user is None:
            return None
        from wagtail.images.permissions import permission_policy  # the images app's, at form time

        return permission_policy.instances_user_has_any_permission_for(user, ["choose"])

    def _images_limit(self) -> None:
        choosable = self._choosable_images()
        if choosable is None:
            return
        from django.forms import ModelChoiceField
        from wagtail.images import get_image_model

        image_model = get_image_model()
        forms = [self, *(form for formset in self.formsets.values() for form in [*formset.forms, formset.empty_form])]
        for form in forms:
            for field in form.fields.values():
                if isinstance(field, ModelChoiceField) and getattr(field.queryset, "model", None) is image_model:
                    field.queryset = choosable

    def clean(self):
        cleaned_data = super().clean()
        choosable = self._choosable_images()
        if choosable is None:
            return cleaned_data
        for name, value in list(cleaned_data.items()):
            if isinstance(value, StreamValue):
                images = list(_stream_images(value))
                allowed = set(choosable.filter(pk__in=[image.pk for image in images]).values_list("pk", flat=True))
                for image in images:
                    if image.pk not in allowed:
                        message = _("The image “%(image)s” is not one you may use on this municipality’s pages.")
                        self.add_error(name, message % {"image": image.title})
                        break
        return cleaned_data


def _stream_images(value) -> Iterator:
    """Every image a StreamField value holds, at any depth (image blocks, in structs and lists)."""
    from wagtail.images import get_image_model

    image_model = get_image_model()
    if isinstance(value, image_model):
        yield value
    elif isinstance(value, StreamValue):
        for child in value:
            yield from _stream_images(child.value)
    elif isinstance(value, StructValue):
        for child in value.values():
            yield from _stream_images(child)
    elif isinstance(value, ListValue | list | tuple):
        for child in value:
            yield from _stream_images(child)


class PlacePageForm(MunicipalPageForm):
    """A place page's form: its place and its "then" archive item must be records of the page's municipality (the
    choosers offer only that municipality's), and the photo of today and the gallery's photos images the editor
    may choose."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        municipality = self._municipality()
        municipality_id = municipality.pk if municipality else None
        if "place" in self.fields:
            self.fields["place"].widget = PlaceChooser(municipality_id=municipality_id)
        if "then_item" in self.fields:
            self.fields["then_item"].widget = ArchiveItemChooser(municipality_id=municipality_id, with_images=True)

    def _municipality(self):
        return page_municipality(self.instance, parent=getattr(self, "parent_page", None))

    def clean(self):
        cleaned_data = super().clean()
        place = cleaned_data.get("place")
        if place is not None:
            message = place_municipality_error(place=place, municipality=self._municipality())
            if message:
                self.add_error("place", message)
        self._clean_then_now(cleaned_data)
        return cleaned_data

    def _clean_then_now(self, cleaned_data) -> None:
        """The "then" item: the page's municipality's, with an image; with it a photo of today and its
        alternative text (and neither without the other)."""
        item, image = cleaned_data.get("then_item"), cleaned_data.get("now_image")
        if item is not None:
            message = archive_item_municipality_error(item=item, municipality=self._municipality())
            if message:
                self.add_error("then_item", message)
            elif not item.images.exists():
                self.add_error("then_item", _("The archive item “%(item)s” has no image.") % {"item": item.name})
            if image is None and "now_image" not in self.errors:
                self.add_error("now_image", _("Choose the photo of today to compare with the old photograph."))
        if image is not None:
            if item is None and "then_item" not in self.errors:
                self.add_error("then_item", _("Choose the old photograph to compare with the photo of today."))
            if not (cleaned_data.get("now_alt_text") or "").strip():
                self.add_error("now_alt_text", _("Say what the photo of today shows (for screen readers)."))
