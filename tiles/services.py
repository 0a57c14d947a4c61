"""Writes of the tiles app: building a layer's pyramid and recording it. The build itself is ``tiles.build``.

The build and the raster checks (rasterio, morecantile, numpy) are imported by the functions that build or check a
raster, which the worker, the commands and the admin's upload form call: a web process starts without them.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, cast

from django.contrib.gis.geos import Polygon
from django.db import transaction
from django.utils import timezone

from .errors import BadBuildOptions, TilesError
from .models import RasterLayer, tiles_storage
from .selectors import tile_source_forget
from .storage import local_copy, store_file

if TYPE_CHECKING:
    from .build import BuildResult
    from .source import SourceInfo

Progress = Callable[[int, int], None]
PROGRESS_EVERY_S = 1.0
BUILD_OWNED = [
    "bounds", "built_min_zoom", "built_max_zoom", "built_format", "archive", "build_key", "tile_count", "status",
    "progress", "built_at", "message",
]  # fmt: skip


def parse_bands(text: str) -> tuple[int, ...] | None:
    """'3,2,1' -> (3, 2, 1); '' -> None."""
    if not text.strip():
        return None
    try:
        return tuple(int(part) for part in text.replace(" ", "").split(","))
    except ValueError:
        raise BadBuildOptions(f"bands look like 3,2,1, not '{text}'") from None


def layer_zooms(layer: RasterLayer) -> tuple[int, int] | None:
    """The zoom range asked for, or None to follow the raster's resolution."""
    from .build import check_zoom_range  # the build module loads rasterio: here, not at the top (module docstring)

    if layer.min_zoom is None and layer.max_zoom is None:
        return None
    if layer.min_zoom is None or layer.max_zoom is None:
        raise BadBuildOptions("give both the minimum and the maximum zoom, or neither")
    zooms = (layer.min_zoom, layer.max_zoom)
    check_zoom_range(zooms)
    return zooms


def source_check(*, path: Path, kind: str, bands: str = "", zooms: tuple[int, int] | None = None) -> SourceInfo:
    """Refuse a source the build could not use, or zooms it cannot fill (raises a ``TilesError`` subclass with a
    readable message); return what the build will know of it (extent in EPSG:4326 degrees included)."""
    from .build import check_zooms_for  # rasterio: here, not at the top (see the module's docstring)
    from .source import inspect_source

    dem = kind == RasterLayer.Kind.HILLSHADE
    info = inspect_source(path, bands=parse_bands(bands) if not dem else None, dem=dem)
    if zooms:
        check_zooms_for(info, zooms)
    return info


def _throttled(layer_id: int) -> Progress:
    last = [0.0]

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY_S or done >= total:
            last[0] = now
            percent = min(99, int(100 * done / max(total, 1)))
            RasterLayer.objects.filter(pk=layer_id).update(progress=percent)

    return report


def _built_key(layer: RasterLayer) -> str:
    """The key of the layer's current archive, if that archive is really there."""
    if layer.pk and layer.build_key and layer.archive and tiles_storage().exists(layer.archive.name):
        return layer.build_key
    return ""


@transaction.atomic
def layer_record_build(*, layer: RasterLayer, result: BuildResult, archive_name: str) -> RasterLayer:
    """Record a finished build on ``layer``: extent, zooms, archive and key, status ready."""
    west, south, east, north = result.lnglat_bounds
    layer.bounds = Polygon.from_bbox((west, south, east, north))
    layer.bounds.srid = 4326
    layer.built_min_zoom, layer.built_max_zoom = result.zooms
    layer.built_format = result.tile_format
    layer.archive.name = archive_name
    layer.build_key = result.build_key
    layer.tile_count = result.tiles_written or layer.tile_count
    layer.status, layer.progress, layer.built_at = RasterLayer.Status.READY, 100, timezone.now()
    layer.message = f"{layer.tile_count} tiles, zoom {result.zooms[0]}–{result.zooms[1]}"
    if layer.pk:  # only what the build owns: an editor may have changed the rest meanwhile
        layer.save(update_fields=[*BUILD_OWNED, "updated_at"])
    else:
        layer.save()
    transaction.on_commit(lambda: tile_source_forget(slug=layer.slug))
    return layer


def layer_files_delete(*, layer: RasterLayer) -> None:
    """Delete a removed layer's source and archive from storage once the deletion commits."""
    storage = tiles_storage()
    for name in (layer.source.name, layer.archive.name):
        if name:
            transaction.on_commit(partial(storage.delete, name))


@dataclass
class LayerBuild:
    """What ``layer_build`` did."""

    layer: RasterLayer
    result: BuildResult | None
    error: str = ""


def layer_build(*, layer_id: int, workers: int | None = None, progress: Progress | None = None) -> LayerBuild:
    """Build (or find up to date) the pyramid of a registered layer from its stored source, store the archive and
    record it. A failure is recorded on the layer (status failed, message) and leaves its previous archive in use."""
    from .build import build_pyramid  # rasterio: here, not at the top (see the module's docstring)

    layer = RasterLayer.objects.get(pk=layer_id)
    source_name = cast(str, layer.source.name)  # a layer is registered with its stored source
    RasterLayer.objects.filter(pk=layer_id).update(status=RasterLayer.Status.BUILDING, progress=0, message="")
    storage = tiles_storage()
    report = _throttled(layer_id)

    def both(done: int, total: int) -> None:
        report(done, total)
        if progress:
            progress(done, total)

    try:
        with (
            local_copy(storage, source_name, suffix=".tif") as source,
            tempfile.TemporaryDirectory(prefix="xenagos-tiles-") as work,
        ):
            out = Path(work) / f"{layer.slug}.pmtiles"
            result = build_pyramid(
                source,
                out,
                hillshade=layer.kind == RasterLayer.Kind.HILLSHADE,
                zooms=layer_zooms(layer),
                tile_format=layer.tile_format,
                bands=parse_bands(layer.bands),
                name=layer.slug,
                attribution=layer.attribution,
                workers=workers,
                progress=both,
                previous_key=_built_key(layer),
            )
            if result.skipped:
                layer_record_build(layer=layer, result=result, archive_name=layer.archive.name or "")
                return LayerBuild(layer=layer, result=result)
            old_archive = layer.archive.name if layer.archive else ""
            name = store_file(storage, f"tiles/archives/{layer.slug}-{result.build_key[:12]}.pmtiles", out)
    except TilesError as error:
        message = f"{Path(source_name).name}: {error.reason}"  # not the server's temporary path
        RasterLayer.objects.filter(pk=layer_id).update(status=RasterLayer.Status.FAILED, message=message)
        layer.refresh_from_db()
        return LayerBuild(layer=layer, result=None, error=message)
    except Exception as error:
        RasterLayer.objects.filter(pk=layer_id).update(
            status=RasterLayer.Status.FAILED, message=f"unexpected error: {error!r}"
        )
        raise
    try:
        layer_record_build(layer=layer, result=result, archive_name=name)
    except Exception:
        storage.delete(name)
        raise
    if old_archive and old_archive != name:
        transaction.on_commit(lambda: storage.delete(old_archive))
    return LayerBuild(layer=layer, result=result)


def layer_mark_queued(*, layer: RasterLayer) -> None:
    """Mark ``layer`` waiting for its build (``tiles.tasks.layer_build_schedule`` enqueues it)."""
    RasterLayer.objects.filter(pk=layer.pk).update(status=RasterLayer.Status.QUEUED, progress=0, message="")
    layer.status, layer.progress, layer.message = RasterLayer.Status.QUEUED, 0, ""


@transaction.atomic
def layer_upsert_from_file(
    *,
    slug: str,
    source: Path,
    hillshade: bool = False,
    zooms: tuple[int, int] | None = None,
    tile_format: str = "png",
    bands: tuple[int, ...] | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> LayerBuild:
    """Build ``source`` (a local GeoTIFF) for the layer ``slug``, creating the layer (titled by its slug) if it
    does not exist. Nothing is recorded unless the build succeeds: bad input raises a ``TilesError``."""
    from .build import build_pyramid  # rasterio: here, not at the top (see the module's docstring)

    layer = RasterLayer.objects.select_for_update().filter(slug=slug).first()
    kind = RasterLayer.Kind.HILLSHADE if hillshade else (layer.kind if layer else RasterLayer.Kind.HISTORICAL_MAP)
    if layer is None:
        layer = RasterLayer(slug=slug, title_el=slug, kind=kind)
    storage = tiles_storage()
    with tempfile.TemporaryDirectory(prefix="xenagos-tiles-") as work:
        out = Path(work) / f"{slug}.pmtiles"
        result = build_pyramid(
            Path(source),
            out,
            hillshade=hillshade,
            zooms=zooms,
            tile_format=tile_format,
            bands=bands,
            name=slug,
            attribution=layer.attribution,
            workers=workers,
            progress=progress,
            previous_key=_built_key(layer),
        )
        if result.skipped:
            return LayerBuild(layer=layer, result=result)
        saved = []
        old_archive = layer.archive.name if layer.archive else ""
        old_source = layer.source.name if layer.source else ""
        try:
            layer.kind, layer.tile_format = kind, tile_format
            layer.bands = ",".join(map(str, bands or ()))
            layer.min_zoom, layer.max_zoom = zooms or (None, None)
            layer.source.name = store_file(storage, f"tiles/sources/{Path(source).name}", Path(source))
            saved.append(layer.source.name)
            archive = store_file(storage, f"tiles/archives/{slug}-{result.build_key[:12]}.pmtiles", out)
            saved.append(archive)
            layer.save()  # the row is locked (select_for_update): nobody changed it meanwhile
            layer_record_build(layer=layer, result=result, archive_name=archive)
        except BaseException:
            for name in saved:
                storage.delete(name)
            raise
    for old in (old_archive, old_source):
        if old and old not in saved:
            transaction.on_commit(partial(storage.delete, old))
    return LayerBuild(layer=layer, result=result)
