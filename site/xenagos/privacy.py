"""/<lang>/privacy/: what the site collects about visitors (GDPR, Art. 13), per municipality, in the page's language."""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from content.models import Branding

METRES_PER_DEGREE_OF_LATITUDE = 111_320


def basemap_hosts() -> list[str]:
    """The host names of the configured base-map tile servers (the only third parties a page contacts)."""
    hosts = (urlsplit(basemap["url"].replace("{s}", "a")).hostname for basemap in settings.BASEMAPS)
    return sorted({host for host in hosts if host})


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    """The privacy notice of the request's municipality: controller, what is collected and kept for how long, the
    near-me rounding (decimal degrees and about how many metres), the base-map hosts, rights and contact."""
    branding = Branding.for_request(request)
    decimals = settings.XENAGOS_NEAR_DECIMALS
    return render(
        request,
        "privacy.html",
        {
            "municipality": getattr(request, "municipality", None),
            "contact": branding.privacy_contact,
            "retention_days": settings.XENAGOS_LOG_RETENTION_DAYS,
            "near_decimals": decimals,
            "near_metres": int(round(METRES_PER_DEGREE_OF_LATITUDE * 10**-decimals, -1)),
            "basemap_hosts": basemap_hosts(),
        },
    )
