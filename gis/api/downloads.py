"""Bulk downloads of a whole collection, with no record cap: GeoJSON (RFC 7946) and CSV streamed from a server-side
cursor; GeoPackage written by pyogrio in batches into a temporary file, then streamed out. Licence, attribution and
provenance travel in each file's metadata (and, per feature, in the ``licence`` and ``attribution`` fields)."""

import codecs
import csv
import io
import json
import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime

import numpy as np
import pyogrio.raw
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.urls import reverse
from django.utils import translation

from . import feature_cache, links, queries
from . import parameters as p
from .collections import Collection, collection_or_404
from .kinds import PLACES
from .responses import api_view

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
    head = json.dumps({"type": "FeatureCollection", **meta}, ensure_ascii=False, separators=(",", ":"))[:-1]
    yield (head + ',"features":[\n').encode()
    if collection.kind is PLACES:
        yield from feature_cache.stream(collection=collection, values=values, language=language)
    else:
        yield from feature_cache.built(queries.features_stream(collection=collection, values=values, language=language))
    yield b"\n]}\n"


def csv_chunks(*, collection: Collection, values: dict, language: str, bom: bool = False) -> Iterator[bytes]:
    """CSV (UTF-8, header row): id, properties, then lon/lat (degrees, DECIMALS places) for points or WKT for
    other geometries. With ``bom``, the file starts with a UTF-8 byte order mark (for Microsoft Excel)."""
    geometry: queries.FlatGeometry = "lonlat" if collection.kind.geometry_type == "Point" else "wkt"
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


def gpkg_file(*, collection: Collection, values: dict, language: str, meta: dict) -> io.BufferedReader:
    """A GeoPackage of the collection written by pyogrio in batches; returned open, already unlinked."""
    kind = collection.kind
    names, _select = queries.flat_sql(kind, geometry="wkb")
    fields = names[:-1]
    handle, path = tempfile.mkstemp(suffix=".gpkg", prefix="xenagos-")
    os.close(handle)
    os.unlink(path)  # the GPKG driver creates it
    try:
        written = False
        pending: list[tuple] = []

        def flush() -> None:
            nonlocal written
            columns = list(zip(*pending, strict=True)) if pending else [()] * len(names)
            pyogrio.raw.write(
                path,
                geometry=np.array(columns[-1], dtype=object),
                field_data=[np.array(column, dtype=object) for column in columns[:-1]],
                fields=fields,
                layer=collection.id,
                driver="GPKG",
                geometry_type=kind.geometry_type,
                crs="EPSG:4326",  # GeoPackage stores x = longitude, y = latitude whatever the axis order
                append=written,
                **({} if written else _gpkg_metadata(meta)),
            )
            written = True
            pending.clear()

        for rows in queries.features_stream(collection=collection, values=values, language=language, flat="wkb"):
            pending.extend((*row[:-1], bytes(row[-1])) for row in rows)
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
    """/collections/<id>/download.<geojson|csv|gpkg>: the whole collection (optionally filtered), no record cap."""
    found = collection_or_404(collection_id)
    values = p.parse_query(request.GET, p.download_parameters(found.kind.filters, fmt=fmt))
    language = values["lang"]
    media_type, extension = links.DOWNLOADS[fmt]
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
        else:
            stream = gpkg_file(collection=found, values=values, language=language, meta=meta)
            response = FileResponse(stream, content_type=media_type)
        licence = " ".join(f'<{url}>; rel="license"' for url in meta["licence_urls"])
        response["Link"] = ", ".join(filter(None, [licence, f'<{meta["documentation"]}>; rel="describedby"']))
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Content-Language"] = language
    response["Cache-Control"] = CACHE
    return response
