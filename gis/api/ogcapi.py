"""OGC API - Features Part 1 views (Core, GeoJSON, HTML, OpenAPI 3.0): parse, call the queries, serialise."""

import json
from collections.abc import Callable
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from . import links, openapi, queries
from . import parameters as p
from .collections import Collection, collection_or_404, collections_all
from .kinds import Kind
from .responses import GEOJSON, JSON, OPENAPI, api_view, conditional, json_response, negotiate, not_found, weak_etag

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
]
DOC_FORMATS, ITEM_FORMATS = p.DOC_FORMATS, p.ITEM_FORMATS
DOC_PARAMETERS, ITEM_PARAMETERS = p.DOC_PARAMETERS, p.ITEM_PARAMETERS


def _html(request: HttpRequest, template: str, context: dict, *, language: str) -> HttpResponse:
    with translation.override(language):
        return conditional(request, render(request, f"gis/api/{template}", context))


@api_view
def landing(request: HttpRequest) -> HttpResponse:
    """The landing page: what this API is and where everything is."""
    values = p.parse_query(request.GET, DOC_PARAMETERS)
    fmt = negotiate(request, values["f"], DOC_FORMATS)
    with translation.override(values["lang"]):
        data = {
            "title": _("Xenagos open data"),
            "description": _(
                "Cultural heritage places and municipal boundaries published by the municipalities on Xenagos, "
                "as OGC API - Features, GeoJSON, CSV and GeoPackage, with licence and provenance."
            ),
            "links": [
                *links.self_links(request, "ogcapi-landing"),
                links.link(links.absolute(request, "ogcapi-openapi"), "service-desc", OPENAPI, _("The API (OpenAPI)")),
                links.link(
                    request.build_absolute_uri(reverse("data")),
                    "service-doc",
                    "text/html",
                    _("About the data and its fields"),
                ),
                links.link(
                    links.absolute(request, "ogcapi-conformance"), "conformance", JSON, _("Conformance classes")
                ),
                links.link(links.absolute(request, "ogcapi-collections"), "data", JSON, _("The collections")),
            ],
        }
    if fmt == "html":
        return _html(request, "landing.html", {"data": data}, language=values["lang"])
    return json_response(request, data)


@api_view
def conformance(request: HttpRequest) -> HttpResponse:
    """The conformance classes this API implements."""
    values = p.parse_query(request.GET, DOC_PARAMETERS)
    data = {"conformsTo": CONFORMANCE}
    if negotiate(request, values["f"], DOC_FORMATS) == "html":
        return _html(request, "conformance.html", {"data": data}, language=values["lang"])
    return json_response(request, data)


@api_view
def api_document(request: HttpRequest) -> HttpResponse:
    """The OpenAPI 3.0 document, generated from the code and self-contained."""
    p.parse_query(request.GET, [])
    return json_response(request, openapi.document(request), content_type=OPENAPI)


def collection_document(request: HttpRequest, collection: Collection) -> dict:
    """A collection's description: identity, extent, CRS, licence links and links to items and downloads."""
    sources = queries.collection_sources(collection=collection)
    extent = queries.collection_extent(collection=collection)
    document: dict[str, object] = {
        "id": collection.id,
        "title": collection.title,
        "description": collection.description,
        "itemType": "feature",
        "crs": [CRS84],
        "storageCrs": CRS84,
        "links": [
            *links.collection_links(request, collection),
            *links.licence_links(request, queries.collection_licences(collection=collection, values={})),
        ],
        "attribution": "; ".join(d["attribution"] for d in sources["datasets"]) or None,
    }
    if extent:
        document["extent"] = {"spatial": {"bbox": [extent], "crs": CRS84}}
    return document


@api_view
def collections(request: HttpRequest) -> HttpResponse:
    """Every collection."""
    values = p.parse_query(request.GET, DOC_PARAMETERS)
    fmt = negotiate(request, values["f"], DOC_FORMATS)
    with translation.override(values["lang"]):
        data = {
            "links": links.self_links(request, "ogcapi-collections"),
            "collections": [collection_document(request, c) for c in collections_all()],
        }
    if fmt == "html":
        return _html(request, "collections.html", {"data": data}, language=values["lang"])
    return json_response(request, data)


@api_view
def collection(request: HttpRequest, collection_id: str) -> HttpResponse:
    """One collection's description."""
    found = collection_or_404(collection_id)
    values = p.parse_query(request.GET, DOC_PARAMETERS)
    fmt = negotiate(request, values["f"], DOC_FORMATS)
    with translation.override(values["lang"]):
        data = collection_document(request, found)
    if fmt == "html":
        return _html(request, "collection.html", {"data": data}, language=values["lang"])
    return json_response(request, data)


def _schema_response(request: HttpRequest, collection_id: str, build: Callable[[Kind], dict]) -> HttpResponse:
    """A JSON Schema about a collection's features, made by ``build`` in the asked language, with its $id."""
    found = collection_or_404(collection_id)
    values = p.parse_query(request.GET, [p.LANG])
    with translation.override(values["lang"]):
        data = build(found.kind)
    data["$schema"] = "https://json-schema.org/draft/2019-09/schema"
    data["$id"] = request.build_absolute_uri(request.path)
    return json_response(request, data, content_type="application/schema+json")


@api_view
def schema(request: HttpRequest, collection_id: str) -> HttpResponse:
    """The JSON Schema of a collection's features (their properties)."""
    return _schema_response(request, collection_id, openapi.feature_schema)


@api_view
def queryables(request: HttpRequest, collection_id: str) -> HttpResponse:
    """What a collection's items can be filtered on (OGC API - Features Part 3 queryables, as JSON Schema)."""
    return _schema_response(request, collection_id, openapi.queryables_schema)


def _page_url(request: HttpRequest, collection: Collection, *, offset: int, limit: int, fmt: str) -> str:
    query = request.GET.copy()
    query["offset"], query["limit"], query["f"] = str(offset), str(limit), fmt
    return links.absolute(request, "ogcapi-items", collection.id, query=query.urlencode())


def _page_links(
    request: HttpRequest,
    collection: Collection,
    *,
    offset: int,
    limit: int,
    matched: int,
    returned: int,
    fmt: str = "json",
) -> list[dict]:
    """self, alternate, collection, and next/prev when there are more pages (in ``fmt``)."""
    media_type = GEOJSON if fmt == "json" else "text/html"

    def at(new_offset: int, link_fmt: str = fmt) -> str:
        return _page_url(request, collection, offset=new_offset, limit=limit, fmt=link_fmt)

    result = [
        links.link(at(offset, "json"), "self", GEOJSON, _("This page as GeoJSON")),
        links.link(at(offset, "html"), "alternate", "text/html", _("This page as HTML")),
        links.link(links.absolute(request, "ogcapi-collection", collection.id), "collection", JSON, collection.title),
    ]
    if offset + returned < matched:
        result.append(links.link(at(offset + returned), "next", media_type, _("Next page")))
    if offset > 0:
        result.append(links.link(at(max(0, offset - limit)), "prev", media_type, _("Previous page")))
    return result


@api_view
def items(request: HttpRequest, collection_id: str) -> HttpResponse:
    """A page of a collection's features, filtered (bbox, datetime, category, period) and paged (limit, offset)."""
    found = collection_or_404(collection_id)
    values = p.parse_query(request.GET, found.kind.items_parameters())
    fmt = negotiate(request, values["f"], ITEM_FORMATS)
    language, limit, offset = values["lang"], values["limit"], values["offset"]
    matched = queries.features_matched(collection=found, values=values)
    page = {
        "offset": offset,
        "limit": limit,
        "matched": matched.count,
        "returned": min(limit, max(0, matched.count - offset)),
    }
    with translation.override(language):
        page_links = _page_links(request, found, **page)
        html_links = _page_links(request, found, **page, fmt="html") if fmt == "html" else []
    members = {
        "numberMatched": matched.count,
        "numberReturned": queries.RETURNED,
        "timeStamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "links": page_links,
    }
    features = queries.features_page(
        collection=found, values=values, language=language, limit=limit, offset=offset, members=members
    )
    if fmt == "html":
        context = {
            "collection": found,
            "features": json.loads(features.document)["features"],
            "matched": matched.count,
            "offset": offset,
            "links": {item["rel"]: item["href"] for item in html_links},
        }
        return _html(request, "items.html", context, language=language)
    response = HttpResponse(features.document, content_type=GEOJSON)
    response["Content-Language"] = language
    # the same features, count and links are the same page whatever the second of its timeStamp
    etag = weak_etag(language, str(matched.count), json.dumps(page_links), features.features_md5)
    return conditional(request, response, last_modified=matched.last_modified, etag=etag)


@api_view
def item(request: HttpRequest, collection_id: str, feature_id: str) -> HttpResponse:
    """One feature by its stable id (a place's uid, a municipality's Kallikratis code)."""
    found = collection_or_404(collection_id)
    values = p.parse_query(request.GET, ITEM_PARAMETERS)
    fmt = negotiate(request, values["f"], ITEM_FORMATS)
    row = queries.feature_one(collection=found, feature_id=feature_id, language=values["lang"])
    if row is None:
        raise not_found(f"there is no feature '{feature_id[:60]}' in the collection '{found.id}'")
    text, updated = row
    feature = json.loads(text)
    licence = feature["properties"].get("licence")  # the record's own (its dataset's or municipality's)
    with translation.override(values["lang"]):
        item_links = [
            *links.self_links(request, "ogcapi-item", found.id, feature_id, json_type=GEOJSON),
            links.link(links.absolute(request, "ogcapi-collection", found.id), "collection", JSON, found.title),
            *links.licence_links(request, [licence] if licence else []),
        ]
        if fmt == "html":
            context = {"collection": found, "feature": feature, "links": item_links}
            return _html(request, "item.html", context, language=values["lang"])
    body = json.dumps({**feature, "links": item_links}, ensure_ascii=False, separators=(",", ":"))
    response = HttpResponse(body, content_type=GEOJSON)
    response["Content-Language"] = values["lang"]
    return conditional(request, response, last_modified=updated)


@api_view
def unknown(request: HttpRequest) -> HttpResponse:
    """Any other path under the API: a 404 that says where to start."""
    raise not_found(f"there is nothing at {request.path[:80]}; start at {reverse('ogcapi-landing')}")
