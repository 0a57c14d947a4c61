"""The registry of raster layers: a historical map, a hillshade or an orthophoto, its pyramid and how it is shown."""

from django.conf import settings
from django.contrib.gis.db import models
from django.core.files.storage import default_storage, storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gis.languages import localized


def tiles_storage():
    """Where sources and archives live: ``STORAGES["tiles"]`` when configured (e.g. django-storages' S3 backend),
    otherwise the default storage (MEDIA_ROOT)."""
    return storages["tiles"] if "tiles" in settings.STORAGES else default_storage


class RasterLayer(models.Model):
    """One raster overlay and its tile pyramid (a PMTiles archive in ``tiles_storage()``), and the archive item
    (gis.ArchiveItem) the map was made from, when there is one: an item of a municipality whose map the layer
    reaches (``selectors.municipalities_under``), checked by the admin form."""

    class Kind(models.TextChoices):
        HISTORICAL_MAP = "historical_map", _("Historical map")
        HILLSHADE = "hillshade", _("Hillshade (from an elevation model)")
        ORTHOPHOTO = "orthophoto", _("Orthophoto")
        OTHER = "other", _("Other picture")

    class Status(models.TextChoices):
        NEW = "new", _("Not built")
        QUEUED = "queued", _("Waiting to be built")
        BUILDING = "building", _("Building")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    class TileFormat(models.TextChoices):
        PNG = "png", "PNG"
        WEBP = "webp", "WebP"

    slug = models.SlugField(_("short name"), max_length=60, unique=True, help_text=_("Used in tile addresses."))
    title_el = models.CharField(_("title (Greek)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.HISTORICAL_MAP)
    year_from = models.SmallIntegerField(_("year (or first year of the period)"), null=True, blank=True)
    year_to = models.SmallIntegerField(_("last year of the period"), null=True, blank=True)
    attribution = models.CharField(_("attribution"), max_length=300, blank=True)
    licence = models.CharField(_("licence"), max_length=100, blank=True, help_text=_("e.g. CC BY 4.0"))
    licence_url = models.URLField(_("licence address"), blank=True)
    source = models.FileField(
        _("source GeoTIFF"),
        upload_to="tiles/sources/",
        storage=tiles_storage,
        max_length=255,
        help_text=_("A georeferenced GeoTIFF in any CRS; for a hillshade, the elevation model."),
    )
    bands = models.CharField(
        _("bands shown"), max_length=20, blank=True, help_text=_("For images with more bands, e.g. 3,2,1.")
    )
    tile_format = models.CharField(_("tile format"), max_length=4, choices=TileFormat.choices, default="png")
    min_zoom = models.PositiveSmallIntegerField(
        _("minimum zoom"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(24)],
        help_text=_("Leave empty to follow the raster's resolution."),
    )
    max_zoom = models.PositiveSmallIntegerField(
        _("maximum zoom"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(24)],
        help_text=_("Leave empty to follow the raster's resolution."),
    )
    default_opacity = models.FloatField(
        _("default opacity"), default=0.8, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)]
    )
    published = models.BooleanField(_("offered on the maps"), default=True)
    archive_item = models.ForeignKey(
        "xgis.ArchiveItem",
        verbose_name=_("archive item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="raster_layers",
        help_text=_("The item of the archive this map was made from: one of a municipality whose map it reaches."),
    )
    # Written by the build
    bounds = models.PolygonField(_("extent"), srid=4326, null=True, blank=True, editable=False)
    built_min_zoom = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    built_max_zoom = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    built_format = models.CharField(max_length=4, blank=True, editable=False)
    archive = models.FileField(
        upload_to="tiles/archives/", storage=tiles_storage, max_length=255, blank=True, editable=False
    )
    build_key = models.CharField(max_length=64, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW, editable=False)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0, editable=False)
    message = models.TextField(_("message"), blank=True, editable=False)
    tile_count = models.PositiveIntegerField(_("tiles"), default=0, editable=False)
    built_at = models.DateTimeField(_("built"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("raster layer")
        verbose_name_plural = _("raster layers")
        ordering = ["year_from", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(default_opacity__gte=0) & Q(default_opacity__lte=1), name="tiles_opacity_0_1"
            ),
            models.CheckConstraint(
                condition=Q(year_to__isnull=True) | Q(year_from__isnull=True) | Q(year_to__gte=models.F("year_from")),
                name="tiles_period_in_order",
            ),
            models.CheckConstraint(
                condition=Q(max_zoom__isnull=True) | Q(min_zoom__isnull=True) | Q(max_zoom__gte=models.F("min_zoom")),
                name="tiles_zoom_range_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title_el or self.slug

    def title(self, language: str) -> str:
        """The title in ``language``, by its name order (gis.languages: English, else Greek)."""
        return localized({"el": self.title_el, "en": self.title_en}, language=language)

    @property
    def period(self) -> str:
        """'1890' or '1880–1895' or ''."""
        if self.year_from and self.year_to and self.year_to != self.year_from:
            return f"{self.year_from}–{self.year_to}"
        return str(self.year_from or self.year_to or "")

    @property
    def version(self) -> str:
        """The part of the tile address that changes with every build, so tiles can be cached for ever."""
        return self.build_key[:12]
