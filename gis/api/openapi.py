"""The OpenAPI 3.0 document, generated from the code: the collections in the database, the parameter objects the
views parse with, and the kinds' columns. Self-contained: every ``$ref`` points inside the document."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from . import parameters as p
from .collections import Collection, collections_all
from .kinds import Kind
from .links import download_formats

REF = "#/components/schemas/"
HTML_CONTENT = {"text/html": {"schema": {"type": "string"}}}
POSITION = {"type": "array", "minItems": 2, "maxItems": 3, "items": {"type": "number"}}  # lon, lat[, height]


def _array(items: dict, *, min_items: int = 0) -> dict:
    return {"type": "array", "items": items, **({"minItems": min_items} if min_items else {})}


RING = _array(POSITION, min_items=4)  # closed: the first position again at the end
GEOMETRIES: dict[str, dict] = {  # GeoJSON (RFC 7946) coordinates per geometry type
    "Point": POSITION,
    "LineString": _array(POSITION, min_items=2),
    "MultiLineString": _array(_array(POSITION, min_items=2)),
    "Polygon": _array(RING),
    "MultiPolygon": _array(_array(RING)),
}


def geometry_schema(kind: Kind) -> dict:
    """JSON Schema of a kind's feature geometry: one GeoJSON geometry object per declared type (oneOf when there
    are several); null for records without a location."""
    if not kind.geometry_types:
        # OpenAPI 3.0 has no null type: a nullable object whose only allowed value is null
        return {
            "type": "object",
            "nullable": True,
            "enum": [None],
            "description": _("Records of this kind have no location."),
        }
    schemas = [
        {
            "type": "object",
            "required": ["type", "coordinates"],
            "properties": {"type": {"type": "string", "enum": [name]}, "coordinates": GEOMETRIES[name]},
        }
        for name in kind.geometry_types
    ]
    return schemas[0] if len(schemas) == 1 else {"oneOf": schemas}


def feature_schema(kind: Kind) -> dict:
    """JSON Schema of the ``properties`` of a kind's features."""
    return {
        "type": "object",
        "title": str(kind.title),
        "description": str(kind.description),
        "properties": {column.name: column.schema() for column in kind.columns},
    }


def queryables_schema(kind: Kind) -> dict:
    """The JSON Schema of what a kind's items can be filtered on (OGC API - Features Part 3 queryables): one
    property per filter parameter, typed as one value it takes."""
    return {
        "type": "object",
        "title": str(kind.title),
        "properties": kind.queryables(),
        "additionalProperties": False,
    }


def _json(schema: str, media_type: str = "application/json") -> dict:
    return {media_type: {"schema": {"$ref": REF + schema}}}


def _feature_link(cid: str) -> dict:
    """An OpenAPI Link from a page of ``cid``'s features to its first feature (what stateful clients follow)."""
    return {
        "firstFeature": {
            "operationId": f"get-{cid}-feature",
            "parameters": {"featureId": "$response.body#/features/0/id"},
            "description": _("The first feature of the page, by its id"),
        }
    }


def _responses(ok: str, content: dict, *, errors: tuple[int, ...] = (400,), links: dict | None = None) -> dict:
    reasons = {
        400: "A query parameter is wrong (the description says which and why).",
        404: "No such collection or feature.",
        406: "None of the accepted media types can be produced.",
    }
    result = {"200": {"description": ok, "content": content, **({"links": links} if links else {})}}
    for status in errors:
        result[str(status)] = {"description": reasons[status], "content": _json("exception")}
    return result


def _get(operation_id: str, summary: str, parameters: list[p.Parameter], responses: dict, *, tags: list[str]) -> dict:
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "tags": tags,
            "parameters": [parameter.openapi() for parameter in parameters],
            "responses": responses,
        }
    }


def _collection_paths(collection: Collection) -> dict:
    cid, kind, tag = collection.id, collection.kind.name, collection.id
    features = {**_json(f"{kind}-collection", "application/geo+json"), **HTML_CONTENT}
    feature = {**_json(f"{kind}-feature", "application/geo+json"), **HTML_CONTENT}
    item = _get(
        f"get-{cid}-feature",
        _("One feature by its id"),
        p.ITEM_PARAMETERS,
        _responses(_("The feature"), feature, errors=(400, 404, 406)),
        tags=[tag],
    )
    id_schema = {"type": "string", "pattern": kind_id_pattern(collection.kind)}
    item["get"]["parameters"].insert(
        0,
        {
            "name": "featureId",
            "in": "path",
            "required": True,
            "schema": id_schema,
            "description": _("The feature's stable id"),
        },
    )
    paths = {
        f"/collections/{cid}": _get(
            f"describe-{cid}",
            collection.title,
            p.DOC_PARAMETERS,
            _responses(_("The collection"), {**_json("collection"), **HTML_CONTENT}, errors=(400, 404, 406)),
            tags=[tag],
        ),
        f"/collections/{cid}/items": _get(
            f"get-{cid}-features",
            collection.description,
            collection.kind.items_parameters(),
            _responses(_("A page of features"), features, errors=(400, 404, 406), links=_feature_link(cid)),
            tags=[tag],
        ),
        f"/collections/{cid}/items/{{featureId}}": item,
        f"/collections/{cid}/schema": _get(
            f"schema-{cid}",
            _("The properties of the features"),
            [p.LANG],
            _responses(
                _("JSON Schema"), {"application/schema+json": {"schema": {"type": "object"}}}, errors=(400, 404)
            ),
            tags=[tag],
        ),
        f"/collections/{cid}/queryables": _get(
            f"queryables-{cid}",
            _("The properties the features can be filtered on"),
            [p.LANG],
            _responses(
                _("JSON Schema"), {"application/schema+json": {"schema": {"type": "object"}}}, errors=(400, 404)
            ),
            tags=[tag],
        ),
    }
    for fmt, (media_type, extension) in download_formats(collection.kind).items():
        schema = {"$ref": REF + f"{kind}-collection"} if fmt == "geojson" else {"type": "string", "format": "binary"}
        paths[f"/collections/{cid}/download.{extension}"] = _get(
            f"download-{cid}-{fmt}",
            _("The whole collection as %(format)s, without a record limit") % {"format": fmt.upper()},
            collection.kind.download_parameters(fmt=fmt),
            _responses(_("The file"), {media_type.split(";")[0]: {"schema": schema}}, errors=(400, 404)),
            tags=[tag],
        )
    return paths


def kind_id_pattern(kind: Kind) -> str:
    """The pattern of a kind's feature ids."""
    return kind.id_pattern


def _schemas(kinds: list[Kind]) -> dict:
    link = {
        "type": "object",
        "required": ["href", "rel"],
        "properties": {name: {"type": "string"} for name in ("href", "rel", "type", "title")},
    }
    links = {"type": "array", "items": {"$ref": REF + "link"}}
    schemas = {
        "exception": {
            "type": "object",
            "required": ["code"],
            "properties": {"code": {"type": "string"}, "description": {"type": "string"}},
        },
        "link": link,
        "landing": {
            "type": "object",
            "required": ["links"],
            "properties": {"title": {"type": "string"}, "links": links},
        },
        "conformance": {
            "type": "object",
            "required": ["conformsTo"],
            "properties": {"conformsTo": {"type": "array", "items": {"type": "string"}}},
        },
        "collection": {
            "type": "object",
            "required": ["id", "links"],
            "properties": {
                "id": {"type": "string"},
                "title": {"type": "string"},
                "links": links,
                "extent": {"type": "object"},
                "itemType": {"type": "string"},
                "crs": {"type": "array"},
            },
        },
        "collections": {
            "type": "object",
            "required": ["links", "collections"],
            "properties": {"links": links, "collections": {"type": "array", "items": {"$ref": REF + "collection"}}},
        },
    }
    for kind in kinds:
        geometry = geometry_schema(kind)
        schemas[f"{kind.name}-feature"] = {
            "type": "object",
            "required": ["type", "id", "geometry", "properties"],
            "properties": {
                "type": {"type": "string", "enum": ["Feature"]},
                "id": {"type": "string"},
                "geometry": geometry,
                "properties": feature_schema(kind),
                "links": links,
            },
        }
        schemas[f"{kind.name}-collection"] = {
            "type": "object",
            "required": ["type", "features"],
            "properties": {
                "type": {"type": "string", "enum": ["FeatureCollection"]},
                "features": {"type": "array", "items": {"$ref": REF + f"{kind.name}-feature"}},
                "numberMatched": {"type": "integer", "minimum": 0},
                "numberReturned": {"type": "integer", "minimum": 0},
                "links": links,
            },
        }
    return schemas


def document(request: HttpRequest) -> dict:
    """The OpenAPI 3.0 document of this API as served at ``request``'s host."""
    collections = collections_all()
    doc_content = {**_json("landing"), **HTML_CONTENT}
    paths = {
        "/": _get(
            "landing",
            _("Landing page"),
            p.DOC_PARAMETERS,
            _responses(_("Links to the API's parts"), doc_content, errors=(400, 406)),
            tags=["API"],
        ),
        "/conformance": _get(
            "conformance",
            _("Conformance classes"),
            p.DOC_PARAMETERS,
            _responses(_("The conformance classes"), {**_json("conformance"), **HTML_CONTENT}, errors=(400, 406)),
            tags=["API"],
        ),
        "/api": _get(
            "openapi",
            _("This document"),
            [],
            _responses(
                _("OpenAPI 3.0"), {"application/vnd.oai.openapi+json;version=3.0": {"schema": {"type": "object"}}}
            ),
            tags=["API"],
        ),
        "/collections": _get(
            "collections",
            _("The collections"),
            p.DOC_PARAMETERS,
            _responses(_("Every collection"), {**_json("collections"), **HTML_CONTENT}, errors=(400, 406)),
            tags=["API"],
        ),
    }
    for collection in collections:
        paths.update(_collection_paths(collection))
    kinds = list({collection.kind.name: collection.kind for collection in collections}.values())
    return {
        "openapi": "3.0.3",
        "info": {
            "title": _("Xenagos open data"),
            "version": "1.0.0",
            "description": _(
                "OGC API - Features (Part 1: Core, GeoJSON, HTML, OpenAPI 3.0) and bulk downloads of "
                "the places and boundaries published by the municipalities."
            ),
            "license": {
                "name": _("Per municipality; see each collection's licence links"),
                "url": request.build_absolute_uri(reverse("data")),
            },
        },
        "servers": [{"url": request.build_absolute_uri(reverse("ogcapi-landing")).rstrip("/")}],
        "tags": [{"name": "API"}] + [{"name": c.id, "description": c.description} for c in collections],
        "paths": paths,
        "components": {"schemas": _schemas(kinds)},
    }
