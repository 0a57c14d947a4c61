"""Pages and per-site settings of a municipality.

A place is a record and a page (gis/README.md, "Places: the record"): ``gis.Place`` holds identity, geometry and
source data; a ``PlacePage`` holds what editors write about it, translated with wagtail-localize, all translations
pointing at the same record. Imported places have no page until an editor writes one; until then the places index
serves them from the record (``/<lang>/places/p/<uid>/``).
"""

import re

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.images.blocks import ImageBlock
from wagtail.models import Orderable, Page, Site
from wagtail.models.audit_log import BaseLogEntry, ModelLogEntryManager
from wagtail_localize.fields import SynchronizedField, TranslatableField

from .forms import MunicipalPageForm, PlacePageForm, archive_item_municipality_error, place_municipality_error
from .permissions import page_municipality
from .place_context import place_context, place_record_response, qr_response
from .route_context import place_routes, route_context, route_municipality_error
from .then_now import place_then_now

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _relative_luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_with_white(hex_colour: str) -> float:
    """WCAG 2.1 contrast ratio of ``hex_colour`` against white (1 to 21)."""
    return 1.05 / (_relative_luminance(hex_colour) + 0.05)


def validate_brand_colour(value: str) -> None:
    """A #rrggbb colour that white text can sit on at WCAG AA (contrast at least 4.5:1)."""
    if not HEX_COLOUR.match(value):
        raise ValidationError(_("Use the form #rrggbb."))
    ratio = contrast_with_white(value)
    if ratio < 4.5:
        raise ValidationError(
            _("White text on %(colour)s has contrast %(ratio).1f:1; WCAG AA needs 4.5:1. Choose a darker colour.")
            % {"colour": value, "ratio": ratio}
        )


FEATURED_PLACES_MAX = 12


class HomePage(Page):
    """A municipality's home page: the root of its site, one per language."""

    base_form_class = MunicipalPageForm  # images only among the editor's (content.forms)

    intro = models.TextField(_("introduction"), blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("body"),
        InlinePanel(
            "featured_places",
            heading=_("featured places"),
            label=_("featured place"),
            max_num=FEATURED_PLACES_MAX,
            help_text=_(
                "Places of the municipality shown first on the home page, in this order and in every language. "
                "When the list is empty, places with a page and a photo are shown."
            ),
        ),
    ]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["content.PlaceIndexPage"]
    template = "content/home_page.html"

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        """The page, plus its featured places, the map's search and "near me", and other apps' sections."""
        from .home import home_context

        return {**super().get_context(request, *args, **kwargs), **home_context(request, page=self)}


class HomeFeaturedPlace(Orderable):
    """A place an editor features on a home page. The Greek (source) page's list is shown in every language."""

    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_places")
    place = models.ForeignKey("xgis.Place", on_delete=models.CASCADE, related_name="+", verbose_name=_("place"))

    panels = [FieldPanel("place")]

    class Meta(Orderable.Meta):
        verbose_name = _("featured place")
        verbose_name_plural = _("featured places")

    def clean(self):
        """A home page features only its own municipality's places (the admin form shows the message)."""
        super().clean()
        page = getattr(self, "page", None)  # unset on a row not yet attached to its page
        if self.place_id is None or page is None:
            return
        message = place_municipality_error(place=self.place, municipality=page_municipality(page))
        if message:
            raise ValidationError({"place": message})


class PlaceIndexPage(RoutablePageMixin, Page):
    """/<lang>/places/: a municipality's places. Also serves places that have no page of their own yet."""

    base_form_class = MunicipalPageForm  # images only among the editor's (content.forms)

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["content.HomePage"]
    subpage_types = ["content.PlacePage", "content.RoutePage"]
    max_count_per_parent = 1
    template = "content/place_index_page.html"

    class Meta:
        verbose_name = _("places index")

    @classmethod
    def for_request(cls, request: HttpRequest) -> "PlaceIndexPage | None":
        """The places index of the request's site, in the active language (None when the site has none)."""
        site = Site.find_for_request(request)
        index = cls.objects.child_of(site.root_page).first() if site else None
        return index.localized if index else None

    @path("p/<uuid:uid>/", name="place_record")
    def place_record(self, request, uid):
        """A place from its record only (imported, no editor's page yet; or a page not in this language)."""
        return place_record_response(request, page=self, index=PlaceIndexPage.for_request(request), uid=uid)

    @path("p/<uuid:uid>/qr-<str:kind>/", name="place_record_qr")
    def place_record_qr(self, request, uid, kind):
        """QR code (kind ``svg`` or ``png``) of a place served from its record."""
        return qr_response(request, url=request.build_absolute_uri(f"{self.get_url(request)}p/{uid}/"), kind=kind)


class RecordPage(RoutablePageMixin, Page):
    """What the page of a record (a place, a route) shares: every translation points at the one record, named by
    ``record_field`` and kept the same in all of them (``SynchronizedField``), which must be a record of the page's
    own municipality (design.md, "a record and a page"); a summary for lists, a body, a gallery, a QR code."""

    base_form_class = MunicipalPageForm  # images only among the editor's (content.forms)

    record_field: str  # the ForeignKey to the record
    summary = models.TextField(_("short summary"), max_length=300, help_text=_("one or two sentences for lists"))
    body = StreamField(
        [
            ("paragraph", blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul", "h2", "h3"])),
            ("image", ImageBlock()),
            ("quote", blocks.BlockQuoteBlock()),
        ],
        blank=True,
        verbose_name=_("body"),
    )

    subpage_types: list[str] = []

    class Meta:
        abstract = True

    def record_error(self, *, municipality) -> str:
        """Why the record may not be shown by a page of ``municipality`` (the kind's message), or ""."""
        raise NotImplementedError

    def record_municipality_error(self, *, parent: Page | None = None) -> str:
        """Why the record may not be this page's (a message in the active language), or "" when it may."""
        if getattr(self, f"{self.record_field}_id") is None:
            return ""
        return self.record_error(municipality=page_municipality(self, parent=parent))

    def clean(self):
        super().clean()
        message = self.record_municipality_error()
        if message:
            raise ValidationError({self.record_field: message})

    def save(self, *args, **kwargs):
        """Refuse a record of another municipality whatever the code path (``clean=False``, scripts, imports)."""
        message = self.record_municipality_error()
        if message:
            raise ValidationError({self.record_field: message})
        return super().save(*args, **kwargs)

    @path("")
    def page(self, request):
        """The page itself."""
        return self.render(request)

    @path("qr-<str:kind>/", name="qr")
    def qr(self, request, kind):
        """QR code (``svg`` or ``png``) that opens this page in this language, for signs on site and leaflets."""
        return qr_response(request, url=request.build_absolute_uri(self.get_url(request)), kind=kind)


class GalleryImage(Orderable):
    """A photo on a record's page, with the alternative text a screen reader reads (required)."""

    image = models.ForeignKey("wagtailimages.Image", on_delete=models.CASCADE, related_name="+")
    alt_text = models.CharField(_("alternative text"), max_length=250, help_text=_("what the photo shows"))
    caption = models.CharField(_("caption"), max_length=250, blank=True)

    panels = [FieldPanel("image"), FieldPanel("alt_text"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        abstract = True


class PlacePage(RecordPage):
    """What editors write about one place, in one language. All translations share the same ``place`` record, so
    the geometry is stored (and edited) once, on the record."""

    record_field = "place"
    place = models.ForeignKey(
        "xgis.Place", on_delete=models.PROTECT, related_name="pages", verbose_name=_("place on the map")
    )
    opening_hours = models.TextField(_("opening hours"), blank=True)
    admission = models.TextField(_("admission"), blank=True)
    phone = models.CharField(_("telephone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    access_notes = models.TextField(_("access notes"), blank=True, help_text=_("steps, ramps, surfaces, toilets"))
    # "Then and now" (content/README.md): an old photograph from the municipality's archive beside a photo of today
    # taken from the same spot, both chosen by the editor (no automatic pairing).
    then_item = models.ForeignKey(
        "xgis.ArchiveItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("then: old photograph from the archive"),
        help_text=_("an archive item of the municipality with an image; its first image is shown"),
    )
    now_image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("now: photo of today"),
        help_text=_("taken from the same spot and with the same framing as the old photograph"),
    )
    now_alt_text = models.CharField(
        _("alternative text of the photo of today"), max_length=250, blank=True, help_text=_("what the photo shows")
    )
    now_year = models.PositiveSmallIntegerField(
        _("year of the photo of today"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1839), MaxValueValidator(2100)],
    )

    content_panels = Page.content_panels + [
        FieldPanel("place"),
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("gallery_images", label=_("gallery")),
        MultiFieldPanel(
            [
                FieldPanel("opening_hours"),
                FieldPanel("admission"),
                FieldPanel("phone"),
                FieldPanel("email"),
                FieldPanel("website"),
                FieldPanel("access_notes"),
            ],
            heading=_("visiting"),
        ),
        MultiFieldPanel(
            [FieldPanel("then_item"), FieldPanel("now_image"), FieldPanel("now_alt_text"), FieldPanel("now_year")],
            heading=_("then and now"),
            help_text=_(
                "An old photograph of the place and a photo of today from the same spot, compared with a slider. "
                "Both images are cropped to 3:2 around their focal points."
            ),
        ),
    ]
    parent_page_types = ["content.PlaceIndexPage"]
    template = "content/place_page.html"
    override_translatable_fields = [
        SynchronizedField("place"),
        TranslatableField("summary"),
        SynchronizedField("then_item"),
        SynchronizedField("now_image"),
        TranslatableField("now_alt_text"),
        SynchronizedField("now_year"),
    ]
    base_form_class = PlacePageForm

    class Meta:
        verbose_name = _("place page")

    def record_error(self, *, municipality) -> str:
        return place_municipality_error(place=self.place, municipality=municipality)

    def then_item_error(self) -> str:
        """Why the "then" archive item may not be this page's (another municipality's), or ""."""
        if self.then_item_id is None:
            return ""
        return archive_item_municipality_error(item=self.then_item, municipality=page_municipality(self))

    def clean(self):
        super().clean()
        message = self.then_item_error()
        if message:
            raise ValidationError({"then_item": message})

    def save(self, *args, **kwargs):
        """Refuse another municipality's archive item whatever the code path, as the record (RecordPage.save)."""
        message = self.then_item_error()
        if message:
            raise ValidationError({"then_item": message})
        return super().save(*args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        """The page, plus the record's facts, a small map, the nearest places, QR code and structured data, and the
        "then and now" pair."""
        place = place_context(request, place=self.place, page=self, index=PlaceIndexPage.for_request(request))
        on_routes = place_routes(request, place=self.place)
        then_now = place_then_now(page=self)
        return {**super().get_context(request, *args, **kwargs), **place, "on_routes": on_routes, "then_now": then_now}


class PlaceGalleryImage(GalleryImage):
    """A photo of a place."""

    page = ParentalKey(PlacePage, on_delete=models.CASCADE, related_name="gallery_images")


class RoutePage(RecordPage):
    """What editors write about one themed route, in one language. All translations share the same ``route``
    record (its line, stops and measured facts are kept once, on the record); only the text is translated."""

    # Not ``route``: that is Page.route(), Wagtail's URL routing.
    record_field = "route_record"
    route_record = models.ForeignKey(
        "xgis.Route", on_delete=models.PROTECT, related_name="pages", verbose_name=_("route on the map")
    )
    practical_notes = models.TextField(
        _("practical notes"), blank=True, help_text=_("water, shade, where to eat, public transport")
    )
    surface_notes = models.TextField(
        _("surface and steps"), blank=True, help_text=_("paving, gravel, steps, kerbs, ramps along the way")
    )

    content_panels = Page.content_panels + [
        FieldPanel("route_record"),
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("gallery_images", label=_("gallery")),
        MultiFieldPanel([FieldPanel("practical_notes"), FieldPanel("surface_notes")], heading=_("on the way")),
    ]
    parent_page_types = ["content.PlaceIndexPage"]
    template = "content/route_page.html"
    override_translatable_fields = [SynchronizedField("route_record"), TranslatableField("summary")]

    class Meta:
        verbose_name = _("route page")

    def record_error(self, *, municipality) -> str:
        return route_municipality_error(route=self.route_record, municipality=municipality)

    def get_context(self, request, *args, **kwargs):
        """The page, plus the route's map, stops with their distances, facts, downloads and structured data."""
        return {**super().get_context(request, *args, **kwargs), **route_context(request, page=self)}


class RouteGalleryImage(GalleryImage):
    """A photo of a route."""

    page = ParentalKey(RoutePage, on_delete=models.CASCADE, related_name="gallery_images")


@register_setting(icon="site")
class Branding(BaseSiteSetting):
    """A municipality's site: which municipality it is, and how it looks."""

    municipality = models.OneToOneField(
        "xgis.Municipality", on_delete=models.PROTECT, null=True, related_name="branding"
    )
    logo = models.ForeignKey("wagtailimages.Image", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    primary_colour = models.CharField(
        _("primary colour"), max_length=7, default="#0b5394", validators=[validate_brand_colour]
    )
    accent_colour = models.CharField(
        _("accent colour"), max_length=7, default="#7a3e00", validators=[validate_brand_colour]
    )
    privacy_contact = models.EmailField(
        _("data protection contact"),
        blank=True,
        help_text=_("e-mail address of the municipality's Data Protection Officer, shown on the privacy page"),
    )

    panels = [
        FieldPanel("logo"),
        FieldPanel("primary_colour"),
        FieldPanel("accent_colour"),
        FieldPanel("privacy_contact"),
    ]

    class Meta:
        verbose_name = _("branding")


SITE_ROOTS_CACHE_KEY = "xenagos:municipality-site-roots"
SITE_ROOTS_CACHE_SECONDS = 600  # a bound on staleness should a change bypass the signals (e.g. QuerySet.update)


def municipality_site_roots() -> dict[int, str]:
    """{municipality id: root URL of its Wagtail site, e.g. "http://athens.localhost:8000"} (``Site.root_url``, as
    Wagtail's own full URLs use it). Every open-data read of places needs it, so it is kept in the cache (shared by
    the web processes) and forgotten when a site or a branding changes (content.signals), as Wagtail keeps its own
    site root paths."""
    roots = cache.get(SITE_ROOTS_CACHE_KEY)
    if roots is None:
        brandings = Branding.objects.filter(municipality__isnull=False).select_related("site")
        roots = {branding.municipality_id: branding.site.root_url for branding in brandings}
        cache.set(SITE_ROOTS_CACHE_KEY, roots, SITE_ROOTS_CACHE_SECONDS)
    return roots


def municipality_site_roots_forget() -> None:
    """Drop the cached site roots (the next read builds them again)."""
    cache.delete(SITE_ROOTS_CACHE_KEY)


class MunicipalLogEntryManager(ModelLogEntryManager):
    """Log entries of municipal objects, each visible only to those who may see the object itself."""

    def viewable_by_user(self, user):
        """Entries of the places, images and documents ``user`` may see (site history, object history)."""
        from django.contrib.contenttypes.models import ContentType
        from django.db.models import CharField, Q
        from django.db.models.functions import Cast
        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model
        from wagtail.permissions import policy_registry

        from gis.models import Place

        from .permissions import places_visible_to

        entries = super().viewable_by_user(user)
        if user.is_superuser:
            return entries
        visible = {Place: places_visible_to(user)}
        for model in (get_image_model(), get_document_model()):
            policy = policy_registry.get_by_type(model)
            visible[model] = policy.instances_user_has_any_permission_for(user, ["change", "choose"])
        allowed = Q()
        for model, queryset in visible.items():
            ids = queryset.annotate(text_pk=Cast("pk", CharField())).values("text_pk")
            allowed |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
        return entries.filter(allowed)


class MunicipalLogEntry(BaseLogEntry):
    """The history of a municipality's places, images and documents (Wagtail's generic ``ModelLogEntry`` shows every
    entry of a model to anyone with a permission on that model, so Nafplio's edits would show in Athens' site
    history). Registered for those models by ``content.wagtail_hooks``."""

    object_id = models.CharField(max_length=255, blank=False, db_index=True)

    objects = MunicipalLogEntryManager()

    class Meta(BaseLogEntry.Meta):
        ordering = ["-timestamp", "-id"]
        verbose_name = _("municipal log entry")
        verbose_name_plural = _("municipal log entries")

    def __str__(self) -> str:
        return f"{self.action} on {self.object_verbose_name} {self.object_id}"
