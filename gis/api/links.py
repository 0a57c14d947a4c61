"""Links between the API's resources (absolute URLs, as OGC API - Features asks), licence URLs, and the root URL of
each municipality's website (for the absolute addresses of place pages)."""

import json
from collections.abc import Callable

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from .collections import Collection
from .kinds import Kind
from .parameters import LANGUAGES
from .responses import GEOJSON, HTML, JSON

DOWNLOADS = {  # format -> (media type, file extension)
    "geojson": ("application/geo+json", "geojson"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    # GeoPackage's registered media type (OGC 12-128r18 / IANA); the file format, not a database we use
    "gpkg": ("application/geopackage+sqlite3", "gpkg"),
}
LICENCE_URLS = {
    "CC BY 4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC BY 3.0": "https://creativecommons.org/licenses/by/3.0/",
    "CC BY-SA 4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC0 1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "ODbL 1.0": "https://opendatacommons.org/licenses/odbl/1-0/",
}


def absolute(request: HttpRequest, name: str, *args: str, query: str = "") -> str:
    """The absolute URL of the named API route; the request's ``lang``, if any, carries over."""
    url = request.build_absolute_uri(reverse(name, args=args))
    lang = request.GET.get("lang")
    if lang in LANGUAGES and "lang=" not in query:
        query = f"{query}&lang={lang}" if query else f"lang={lang}"
    return f"{url}?{query}" if query else url


def link(href: str, rel: str, media_type: str, title: str) -> dict:
    """An OGC API link object."""
    return {"href": href, "rel": rel, "type": media_type, "title": title}


def self_links(request: HttpRequest, name: str, *args: str, json_type: str = JSON) -> list[dict]:
    """``self`` (JSON) and ``alternate`` (HTML) links of a resource."""
    return [
        link(absolute(request, name, *args, query="f=json"), "self", json_type, _("This document as JSON")),
        link(absolute(request, name, *args, query="f=html"), "alternate", HTML, _("This document as HTML")),
    ]


def licence_url(licence: str) -> str | None:
    """The licence's web page when it is one we know by name (e.g. "CC BY 4.0")."""
    return LICENCE_URLS.get(licence.strip())


def licence_links(request: HttpRequest, licences: list[str]) -> list[dict]:
    """``license`` links for each licence (its web page, or the data page explaining it)."""
    result = []
    for licence in sorted(set(licences)):
        href = licence_url(licence) or request.build_absolute_uri(reverse("data"))
        result.append(link(href, "license", HTML, licence))
    return result


def download_formats(kind: Kind) -> dict[str, tuple[str, str]]:
    """format -> (media type, file extension) of a kind's bulk downloads: DOWNLOADS and the kind's own."""
    return {**DOWNLOADS, **{extra.fmt: (extra.media_type, extra.fmt) for extra in kind.more_downloads}}


def download_links(request: HttpRequest, collection: Collection) -> list[dict]:
    """``enclosure`` links: the whole collection as GeoJSON, CSV and GeoPackage, and the kind's own formats."""
    titles = {"geojson": _("Download as GeoJSON"), "csv": _("Download as CSV"), "gpkg": _("Download as GeoPackage")}
    titles.update({extra.fmt: str(extra.title) for extra in collection.kind.more_downloads})
    return [
        link(absolute(request, "ogcapi-download", collection.id, fmt), "enclosure", media_type, titles[fmt])
        for fmt, (media_type, _ext) in download_formats(collection.kind).items()
    ]


def collection_links(request: HttpRequest, collection: Collection) -> list[dict]:
    """The links of a collection's description: itself, its items, its schema and its downloads."""
    cid = collection.id
    return [
        *self_links(request, "ogcapi-collection", cid),
        link(absolute(request, "ogcapi-items", cid, query="f=json"), "items", GEOJSON, _("The features as GeoJSON")),
        link(absolute(request, "ogcapi-items", cid, query="f=html"), "items", HTML, _("The features as HTML")),
        link(
            absolute(request, "ogcapi-schema", cid),
            "describedby",
            "application/schema+json",
            _("The features' properties (JSON Schema)"),
        ),
        link(
            absolute(request, "ogcapi-queryables", cid),
            "http://www.opengis.net/def/rel/ogc/1.0/queryables",
            "application/schema+json",
            _("What the features can be filtered on (JSON Schema)"),
        ),
        *download_links(request, collection),
    ]


SiteRoots = Callable[[], dict[int, str]]
_SITE_ROOTS: list[SiteRoots] = []


def site_roots_register(reader: SiteRoots) -> None:
    """Tell the API where each municipality's website is: ``reader()`` gives {municipality id: root URL such as
    "https://athens.example.gr"} (the CMS registers it from its AppConfig.ready; gis knows no pages or sites)."""
    _SITE_ROOTS.append(reader)


def site_roots_json() -> str:
    """{municipality id: root URL of its website} as JSON text, for the SQL of the places' ``url``."""
    roots: dict[str, str] = {}
    for reader in _SITE_ROOTS:
        roots.update({str(municipality): root.rstrip("/") for municipality, root in reader().items()})
    return json.dumps(roots)
