"""Bulk downloads of a whole collection, with no record cap: GeoJSON (RFC 7946) and CSV streamed from a server-side
cursor; GeoPackage written by pyogrio in batches into a temporary file, then streamed out. Licence, attribution and
provenance travel in each file's metadata (and, per feature, in the ``licence`` and ``attribution`` fields)."""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.module_loading import import_string

from ..geojson import collection_head
from . import feature_cache, links, queries
from . import parameters as p
from .collections import Collection, collection_or_404
from .kinds import Kind
from .responses import api_view, not_found

if TYPE_CHECKING:
    import numpy as np

GPKG_BATCH = 50_000  # rows handed to pyogrio per append
CACHE = "public, max-age=300"


def metadata(request: HttpRequest, collection: Collection, *, language: str, values: dict | None = None) -> dict:
    """What a download says about itself: name, the licences of its records (each record's licence is in its
    ``licence`` field), attribution, sources, when and where from."""
    sources = queries.collection_sources(collection=collection)
    licences = queries.collection_licences(collection=collection, values=values or {})
    return {
        "name": collection.id,
        "title": collection.title,
        "description": collection.description,
        "language": language,
        "licence": "; ".join(licences),
        "licence_urls": [links.licence_url(licence) for licence in licences if links.licence_url(licence)],
        "attribution": "; ".join(d["attribution"] for d in sources["datasets"]),
        "sources": sources,
        "documentation": request.build_absolute_uri(reverse("data")),
        "api": links.absolute(request, "ogcapi-collection", collection.id),
        "generated": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def geojson_chunks(*, collection: Collection, values: dict, language: str, meta: dict) -> Iterator[bytes]:
    """An RFC 7946 FeatureCollection, streamed: metadata (foreign members) first, then the features."""
    yield (collection_head(meta) + "\n").encode()
    if collection.kind.cache is not None:  # a kind that declares a cache of its features reads them from it
        yield from feature_cache.stream(collection=collection, values=values, language=language)
    else:
        yield from feature_cache.built(queries.features_stream(collection=collection, values=values, language=language))
    yield b"\n]}\n"


def csv_chunks(*, collection: Collection, values: dict, language: str, bom: bool = False) -> Iterator[bytes]:
    """CSV (UTF-8, header row): id, properties, then lon/lat (degrees, DECIMALS places) for points or WKT for
    other geometries (none for records without a location). With ``bom``, the file starts with a UTF-8 byte order
    mark (for Microsoft Excel)."""
    geometry: queries.FlatGeometry = "lonlat" if collection.kind.geometry_types == ("Point",) else "wkt"
    names, _select = queries.flat_sql(collection.kind, geometry=geometry)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(names)
    yield (codecs.BOM_UTF8 if bom else b"") + buffer.getvalue().encode()
    for rows in queries.features_stream(collection=collection, values=values, language=language, flat=geometry):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(rows)
        yield buffer.getvalue().encode()


# GeoPackage field per JSON type: numpy dtype (pyogrio makes the OGR field from it) and the value of a null
GPKG_FIELDS: dict[str, tuple[str, object]] = {
    "integer": ("int64", 0),  # Integer64
    "number": ("float64", 0.0),  # Real
    "boolean": ("bool", False),  # Integer with the Boolean subtype
    "date-time": ("datetime64[ms]", None),  # DateTime (UTC)
}


def gpkg_geometry_type(kind: Kind) -> str | None:
    """The GeoPackage layer's geometry type: the declared one, "Unknown" when several are declared, None when the
    records have no location (an attribute table); " Z" when coordinates carry heights."""
    if not kind.geometry_types:
        return None
    name = kind.geometry_types[0] if len(kind.geometry_types) == 1 else "Unknown"
    return f"{name} Z" if kind.geometry_z else name


def gpkg_columns(kind: Kind, rows: list[tuple]) -> tuple[list[np.ndarray], list[np.ndarray | None]]:
    """The field arrays of a batch of rows (id and properties, typed by their JSON types) and their null masks."""
    import numpy as np  # here, not at the top: numpy loads with the first GeoPackage, not at start-up

    types = ["string"] + [column.type for column in kind.columns]
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(types)
    arrays: list[np.ndarray] = []
    masks: list[np.ndarray | None] = []
    for json_type, values in zip(types, columns, strict=False):
        if json_type in GPKG_FIELDS:
            dtype, filler = GPKG_FIELDS[json_type]
            mask = np.array([value is None for value in values], dtype=bool)
            arrays.append(np.array([filler if value is None else value for value in values], dtype=dtype))
            masks.append(mask)
        else:  # text, and lists joined by ';'
            arrays.append(np.array(values, dtype=object))
            masks.append(None)
    return arrays, masks


def gpkg_file(*, collection: Collection, values: dict, language: str, meta: dict) -> io.BufferedReader:
    """A GeoPackage of the collection written by pyogrio in batches; returned open, already unlinked. Fields are
    typed by their columns' JSON types (GPKG_FIELDS); geometry in EPSG:4326."""
    import numpy as np  # here, not at the top: pyogrio (and numpy) load with the first GeoPackage, not at start-up
    import pyogrio.raw

    kind = collection.kind
    names, _select = queries.flat_sql(kind, geometry="wkb")
    spatial = kind.has_geometry
    fields = names[:-1] if spatial else names
    handle, path = tempfile.mkstemp(suffix=".gpkg", prefix="xenagos-")
    os.close(handle)
    os.unlink(path)  # the GPKG driver creates it
    try:
        written = False
        pending: list[tuple] = []

        def flush() -> None:
            nonlocal written
            rows = [row[:-1] for row in pending] if spatial else pending
            field_data, field_mask = gpkg_columns(kind, rows)
            geometry = np.array([row[-1] for row in pending], dtype=object) if spatial else None
            pyogrio.raw.write(
                path,
                geometry=geometry,
                field_data=field_data,
                fields=fields,
                field_mask=field_mask if any(mask is not None for mask in field_mask) else None,
                layer=collection.id,
                driver="GPKG",
                geometry_type=gpkg_geometry_type(kind),
                crs="EPSG:4326" if spatial else None,  # GeoPackage stores x = longitude, y = latitude
                append=written,
                **({} if written else _gpkg_metadata(meta)),
            )
            written = True
            pending.clear()

        for rows in queries.features_stream(collection=collection, values=values, language=language, flat="wkb"):
            pending.extend((*row[:-1], bytes(row[-1])) if spatial else row for row in rows)
            if len(pending) >= GPKG_BATCH:
                flush()
        if pending or not written:
            flush()
        stream = open(path, "rb")  # noqa: SIM115 (handed to the response, which closes it)
    finally:
        if os.path.exists(path):
            os.unlink(path)  # the open handle keeps the data readable until the response is sent
    return stream


def _gpkg_metadata(meta: dict) -> dict:
    items = {
        "LICENCE": meta["licence"],
        "LICENCE_URLS": " ".join(meta["licence_urls"]),
        "ATTRIBUTION": meta["attribution"],
        "SOURCES": json.dumps(meta["sources"], ensure_ascii=False),
        "DOCUMENTATION": meta["documentation"],
        "GENERATED": meta["generated"],
        "LANGUAGE": meta["language"],
    }
    return {
        "dataset_metadata": {"TITLE": meta["title"], **items},
        "layer_metadata": {"DESCRIPTION": meta["description"], **items},
        "layer_options": {"IDENTIFIER": meta["title"], "DESCRIPTION": meta["description"]},
    }


@api_view
def download(request: HttpRequest, collection_id: str, fmt: str) -> HttpResponseBase:
    """/collections/<id>/download.<geojson|csv|gpkg|...>: the whole collection (optionally filtered), no record cap,
    in one of the formats every kind has or one the kind declares (``Kind.more_downloads``, e.g. routes' GPX)."""
    found = collection_or_404(collection_id)
    formats = links.download_formats(found.kind)
    if fmt not in formats:
        raise not_found(f"collection '{found.id}' has no {fmt[:10]} download; formats: {', '.join(formats)}")
    values = p.parse_query(request.GET, found.kind.download_parameters(fmt=fmt))
    language = values["lang"]
    media_type, extension = formats[fmt]
    more = {extra.fmt: extra for extra in found.kind.more_downloads}
    filename = f"{found.id}-{language}.{extension}"
    if request.method == "HEAD":
        response: HttpResponseBase = HttpResponse(content_type=media_type)
    else:
        with translation.override(language):
            meta = metadata(request, found, language=language, values=values)
        if fmt == "geojson":
            chunks = geojson_chunks(collection=found, values=values, language=language, meta=meta)
            response = StreamingHttpResponse(chunks, content_type=media_type)
        elif fmt == "csv":
            chunks = csv_chunks(collection=found, values=values, language=language, bom=values["bom"])
            response = StreamingHttpResponse(chunks, content_type=media_type)
        elif fmt in more:
            writer = import_string(more[fmt].writer)
            chunks = writer(collection=found, values=values, language=language, meta=meta)
            response = StreamingHttpResponse(chunks, content_type=media_type)
        else:
            stream = gpkg_file(collection=found, values=values, language=language, meta=meta)
            response = FileResponse(stream, content_type=media_type)
        licence = " ".join(f'<{url}>; rel="license"' for url in meta["licence_urls"])
        response["Link"] = ", ".join(filter(None, [licence, f'<{meta["documentation"]}>; rel="describedby"']))
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Content-Language"] = language
    response["Cache-Control"] = CACHE
    return response
