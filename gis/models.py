"""Spatial records. Geometry is stored in EPSG:4326 (WGS 84, lon/lat degrees) with GiST indexes."""

import uuid

from django.contrib.gis.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

WGS84 = 4326


class Municipality(models.Model):
    """A municipality (Kallikratis δήμος): identity, names and boundary."""

    code = models.CharField(_("Kallikratis code"), max_length=16, unique=True, help_text=_("e.g. 9186 for Athens"))
    slug = models.SlugField(unique=True)
    name_el = models.CharField(_("name (Greek)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    boundary = models.MultiPolygonField(_("boundary"), srid=WGS84)
    boundary_source = models.CharField(_("boundary source"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name_el"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language (Greek unless English is active)."""
        return self.name_en if (get_language() or "el").startswith("en") and self.name_en else self.name_el


class Dataset(models.Model):
    """Where imported records come from: provenance and licence travel with every record."""

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=300)
    source_url = models.URLField(blank=True)
    licence = models.CharField(max_length=100, help_text=_("e.g. CC BY 4.0"))
    attribution = models.CharField(max_length=500)

    def __str__(self) -> str:
        return self.title


class Place(models.Model):
    """One real-world place: a single identity and geometry whatever the language of its pages.

    Source-owned fields (geometry, ``source_name``, ``source_attributes``) are written by importers;
    editorial text lives in the CMS and is never written here by an import.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="places", null=True, blank=True
    )
    location = models.PointField(_("location"), srid=WGS84)
    footprint = models.MultiPolygonField(_("footprint"), srid=WGS84, null=True, blank=True)
    name_el = models.CharField(_("name (Greek)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, null=True, blank=True)
    source_id = models.CharField(max_length=200, blank=True)
    source_attributes = models.JSONField(default=dict, blank=True)
    withdrawn = models.BooleanField(default=False, help_text=_("missing from the latest import"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "source_id"],
                condition=models.Q(dataset__isnull=False),
                name="place_unique_source_key",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language, falling back to Greek."""
        return self.name_en if (get_language() or "el").startswith("en") and self.name_en else self.name_el
