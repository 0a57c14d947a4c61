"""Admin screens of the archive: items (Dublin Core values, links to places and routes, collections) and
collections, for the editors of each municipality (registered from GisConfig.ready).

Every view and chooser decides by the municipality (gis.record_admin.RecordViewSet, as for places and routes): the
lists and choosers show only the user's municipalities' items and collections (``archive_items_for_user``,
``archive_collections_for_user``), a view of one object refuses (403) another municipality's, and the item form
offers only the user's municipalities and their places, routes and collections (and refuses others if posted)."""

from django import forms
from django.contrib.gis import forms as gis_forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtailmedia.edit_handlers import MediaChooserPanel

from .archive_dates import date_interval
from .forms import ArchiveItemChooserFilterForm
from .media import media_choosable_by
from .models import WGS84, ArchiveCollection, ArchiveItem, Municipality, Place, Route
from .record_admin import MunicipalityChooseMixin, RecordViewSet
from .services import municipalities_editable_by
from .vocabularies import RIGHTS


def _municipalities(user) -> list[int] | None:
    """The ids of the municipalities ``user`` edits; None for a superuser (all)."""
    return None if user.is_superuser else [m.pk for m in municipalities_editable_by(user)]


def archive_items_for_user(user):
    """The archive items a user may see and edit in the admin: those of the municipalities they edit."""
    queryset = ArchiveItem.objects.select_related("municipality")
    allowed = _municipalities(user)
    return queryset if allowed is None else queryset.filter(municipality_id__in=allowed)


def archive_collections_for_user(user):
    """The archive collections a user may see and edit in the admin: those of the municipalities they edit."""
    queryset = ArchiveCollection.objects.select_related("municipality")
    allowed = _municipalities(user)
    return queryset if allowed is None else queryset.filter(municipality_id__in=allowed)


class ArchiveItemAdminForm(WagtailAdminModelForm):
    """The item form: the municipality among the editor's, places, routes and collections only of those, rights from
    the vocabulary, the location as GeoJSON or WKT (EPSG:4326, a point or an area), the date interval from the
    date as written."""

    rights = forms.ChoiceField(label=_("Rights"), required=False)
    location = gis_forms.GeometryField(
        label=_("Location (point or area)"),
        srid=WGS84,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("GeoJSON or WKT in WGS 84 (longitude, latitude), e.g. POINT(23.7348 37.9755)"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self, "for_user", None)
        allowed = _municipalities(user) if user is not None else []
        self.fields["rights"].choices = [("", "---------"), *[(uri, f"{short} ({uri})") for uri, short, _n in RIGHTS]]
        fields = {"municipality": Municipality.objects, "places": Place.objects, "routes": Route.objects}
        fields["collections"] = ArchiveCollection.objects
        for name, manager in fields.items():
            if name not in self.fields:
                continue
            queryset = manager.all() if name == "municipality" else manager.filter(municipality__isnull=False)
            if allowed is not None:
                queryset = (
                    queryset.filter(pk__in=allowed)
                    if name == "municipality"
                    else queryset.filter(municipality_id__in=allowed)
                )
            self.fields[name].queryset = queryset.order_by("pk")
        if allowed is not None and "municipality" in self.fields:
            self.fields["municipality"].required = True
        self._media_choices_limit(user)

    def _media_choices_limit(self, user) -> None:
        """Images, documents, audio and video only of the collections where ``user`` may choose them (each
        municipality's own collection: content.services), in the chooser and when posted."""
        from wagtail.documents.permissions import permission_policy as documents_policy
        from wagtail.images.permissions import permission_policy as images_policy

        def choosable(policy):
            if user is None:
                return policy.model.objects.none()
            return policy.instances_user_has_any_permission_for(user, ["choose"])

        limits = {  # querysets are lazy: only those of the form's relations are ever read
            "images": ("image", choosable(images_policy)),
            "documents": ("document", choosable(documents_policy)),
            "media_files": ("media", media_choosable_by(user)),
        }
        for relation, (field, allowed) in limits.items():
            formset = self.formsets.get(relation)
            if formset is None:
                continue
            for form in [*formset.forms, formset.empty_form]:
                if field in form.fields:
                    form.fields[field].queryset = allowed

    def clean_location(self):
        location = self.cleaned_data.get("location")
        if location is not None and location.geom_type not in ("Point", "Polygon", "MultiPolygon"):
            raise forms.ValidationError(
                _("The location must be a point or an area, not a %(type)s."), params={"type": location.geom_type}
            )
        return location

    def clean(self):
        cleaned = super().clean()
        municipality = cleaned.get("municipality")
        for name in ("places", "routes", "collections"):
            foreign = [
                str(o) for o in cleaned.get(name) or [] if o.municipality_id != getattr(municipality, "pk", None)
            ]
            if foreign:
                self.add_error(
                    name, _("Only those of the item's municipality: not %(names)s.") % {"names": ", ".join(foreign)}
                )
        interval = date_interval(cleaned.get("date_text") or "")  # the interval follows the text as written
        self.instance.date_from = interval.start if interval else None
        self.instance.date_to = interval.end if interval else None
        return cleaned

    def save(self, commit=True):
        """Number the values of each element in the order the form shows them (``position``, from 0)."""
        positions: dict[str, int] = {}
        for form in self.formsets["dc_values"].forms:
            data = getattr(form, "cleaned_data", None)
            if data and not data.get("DELETE") and data.get("element"):
                form.instance.position = positions.get(data["element"], 0)
                positions[data["element"]] = form.instance.position + 1
        return super().save(commit=commit)


class ArchiveItemChooseMixin(MunicipalityChooseMixin):
    """The item chooser (a place page's "then" photograph): the user's items, narrowed to the page's municipality
    and, when the form asks (``?images=1``: gis.forms.ArchiveItemChooser), to those with an image; searchable by
    title, with the date as written and the type beside each title."""

    filter_form_class = ArchiveItemChooserFilterForm
    preserve_url_parameters = [*MunicipalityChooseMixin.preserve_url_parameters, "images"]

    @property
    def columns(self):
        return [
            self.title_column,
            Column("date_text", label=_("Date"), accessor="date_text"),
            Column("dc_type", label=_("Type"), accessor=lambda item: item.get_dc_type_display()),
            Column("municipality", label=_("Municipality"), accessor=lambda item: item.municipality or ""),
        ]


class ArchiveItemViewSet(RecordViewSet):
    """Archive items: one record per item, its Dublin Core values in the order and languages the source gave;
    only the editor's municipalities' items are listed."""

    model = ArchiveItem
    records_for_user = staticmethod(archive_items_for_user)
    choose_mixin = ArchiveItemChooseMixin
    icon = "doc-full"
    menu_label = _("Archive")
    menu_order = 152
    list_display = ["name_el", "date_text", "dc_type", "municipality", "updated_at"]
    list_filter = ["municipality", "withdrawn", "dc_type"]
    search_fields = ["name_el", "name_en", "source_id", "date_text"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("name_el"), FieldPanel("name_en")], heading=_("Title")),
            FieldPanel("municipality"),
            InlinePanel(
                "dc_values",
                heading=_("Dublin Core"),
                label=_("value"),
                panels=[FieldRowPanel([FieldPanel("element"), FieldPanel("language")]), FieldPanel("value")],
            ),
            MultiFieldPanel(
                [FieldPanel("date_text"), FieldPanel("dc_type"), FieldPanel("rights")], heading=_("Date, type, rights")
            ),
            InlinePanel(
                "images",
                heading=_("Images"),
                label=_("image"),
                panels=[
                    FieldPanel("image"),
                    FieldRowPanel([FieldPanel("alt_el"), FieldPanel("alt_en")]),
                    FieldRowPanel([FieldPanel("caption_el"), FieldPanel("caption_en")]),
                    FieldRowPanel(
                        [FieldPanel("tiles_state", read_only=True), FieldPanel("tiles_error", read_only=True)]
                    ),
                ],
            ),
            InlinePanel(
                "documents",
                heading=_("Documents"),
                label=_("document"),
                panels=[FieldPanel("document"), FieldRowPanel([FieldPanel("label_el"), FieldPanel("label_en")])],
            ),
            InlinePanel(
                "media_files",
                heading=_("Audio and video"),
                label=_("audio or video"),
                panels=[
                    MediaChooserPanel("media"),
                    FieldRowPanel([FieldPanel("label_el"), FieldPanel("label_en")]),
                    FieldRowPanel([FieldPanel("transcript_el"), FieldPanel("transcript_en")]),
                    FieldRowPanel([FieldPanel("captions_el"), FieldPanel("captions_en")]),
                ],
            ),
            FieldPanel("location"),
            MultiFieldPanel(
                [FieldPanel("places"), FieldPanel("routes"), FieldPanel("collections")], heading=_("Links")
            ),
            FieldPanel("withdrawn"),
        ],
        base_form_class=ArchiveItemAdminForm,
    )


class ArchiveCollectionAdminForm(WagtailAdminModelForm):
    """The collection form: the municipality among the editor's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self, "for_user", None)
        allowed = _municipalities(user) if user is not None else []
        if "municipality" in self.fields and allowed is not None:
            self.fields["municipality"].queryset = Municipality.objects.filter(pk__in=allowed)


class ArchiveCollectionViewSet(RecordViewSet):
    """Archive collections (also the OAI-PMH sets): only the editor's municipalities' are listed."""

    model = ArchiveCollection
    records_for_user = staticmethod(archive_collections_for_user)
    icon = "folder-open-inverse"
    menu_label = _("Archive collections")
    menu_order = 153
    list_display = ["name_el", "slug", "municipality"]
    list_filter = ["municipality"]
    search_fields = ["name_el", "name_en", "slug"]
    edit_handler = ObjectList(
        [
            FieldPanel("municipality"),
            FieldRowPanel([FieldPanel("name_el"), FieldPanel("name_en")], heading=_("Name")),
            FieldPanel("slug"),
            FieldRowPanel([FieldPanel("description_el"), FieldPanel("description_en")], heading=_("Description")),
        ],
        base_form_class=ArchiveCollectionAdminForm,
    )


def archive_admin_register() -> None:
    """Register the archive's admin screens (from GisConfig.ready; once). Every view and chooser of both is limited
    to the user's municipalities by gis.record_admin.RecordViewSet, as places' and routes' are."""
    register_snippet(ArchiveItemViewSet)
    register_snippet(ArchiveCollectionViewSet)
