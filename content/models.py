"""Pages and per-site settings of a municipality."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page

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


class HomePage(Page):
    """A municipality's home page: the root of its site, one per language."""

    intro = models.TextField(_("introduction"), blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types: list[str] = []
    template = "content/home_page.html"

    class Meta:
        verbose_name = _("home page")


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

    panels = [FieldPanel("logo"), FieldPanel("primary_colour"), FieldPanel("accent_colour")]

    class Meta:
        verbose_name = _("branding")
