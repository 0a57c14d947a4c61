"""The tile build: a GeoTIFF in any CRS to a Web Mercator (EPSG:3857) XYZ pyramid of 256 px PNG or WebP tiles,
in a single-file PMTiles archive or a folder. Pure functions: no Django, no database.

The source is warped once, straight onto the tile grid of the deepest zoom, block by block in parallel processes
(``tiles.pyramid``); coarser zooms are averaged from the zoom below. A build whose source bytes and options are
unchanged finds its key in the existing output and rebuilds nothing. Tiles that are wholly transparent (outside
the data, or nodata) are not written. On the same input the set of z/x/y tiles is that of gdal2tiles ``--xyz
-r average --exclude``, with pixels close to its own (tests/tiles/test_gdal2tiles.py prints by how much).
"""

import hashlib
import json
import multiprocessing
import os
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .archive import FolderSink, PMTilesSink, existing_build_key
from .errors import BadBuildOptions, RasterTooLarge
from .hillshade import HILLSHADE_DEFAULTS, hillshade_from_dem
from .pyramid import FORMATS, BlockRenderer, BlockResult, Grid, WarpSpec, build_level, init_worker, render_in_worker
from .source import MAX_ZOOM, TMS, SourceInfo, inspect_source

BUILDER_VERSION = "1"
MAX_TILES_AT_MAX_ZOOM = 2_000_000
ZOOMS_BEYOND_DETAIL = 4  # deepest zoom built at most this much past the pixel size's (16 × enlarged)
SERIAL_BELOW_TILES = 16  # smaller pyramids are built in this process: starting workers would take longer
MIN_BLOCKS = 8
Progress = Callable[[int, int], None]  # (deepest-zoom tiles done, deepest-zoom tiles in all)


@dataclass(frozen=True)
class BuildResult:
    """What a build produced (or found already built, when ``skipped``)."""

    path: Path
    tile_format: str
    zooms: tuple[int, int]
    lnglat_bounds: tuple[float, float, float, float]  # W, S, E, N in EPSG:4326 degrees
    tiles_written: int
    build_key: str
    skipped: bool
    seconds: float


def parse_zoom_range(text: str) -> tuple[int, int]:
    """'12-16' or '14' -> (min, max), checked to lie within 0..24."""
    low, _sep, high = text.partition("-")
    try:
        zooms = (int(low), int(high or low))
    except ValueError:
        raise BadBuildOptions(f"a zoom range looks like 12-16, not '{text}'") from None
    check_zoom_range(zooms)
    return zooms


def check_zoom_range(zooms: tuple[int, int]) -> None:
    """Refuse a zoom range outside 0..24 or upside down."""
    low, high = zooms
    if not 0 <= low <= high <= MAX_ZOOM:
        raise BadBuildOptions(f"zoom levels must satisfy 0 <= min <= max <= {MAX_ZOOM}, not {low}-{high}")


def check_zooms_for(info: SourceInfo, zooms: tuple[int, int]) -> None:
    """Refuse a zoom range out of order, or deeper than ``ZOOMS_BEYOND_DETAIL`` past the raster's pixel size."""
    check_zoom_range(zooms)
    if zooms[1] > info.default_zooms[1] + ZOOMS_BEYOND_DETAIL:
        raise BadBuildOptions(
            f"zoom {zooms[1]} is beyond the raster's detail: its pixels suit zoom {info.default_zooms[1]}, and a map "
            f"enlarges tiles past that by itself (at most {ZOOMS_BEYOND_DETAIL} zoom levels deeper are built)"
        )


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def build_key(*, source_sha256: str, zooms: tuple[int, int], spec: WarpSpec, hillshade: bool = False) -> str:
    """The identity of a build: source bytes, zoom range, bands, resampling, encoding, hillshading and builder
    version."""
    options = {
        "hillshade": HILLSHADE_DEFAULTS if hillshade else None,
        "source": source_sha256,
        "zooms": list(zooms),
        "bands": list(spec.data_bands),
        "alpha": spec.alpha_band,
        "resampling": spec.resampling,
        "format": spec.tile_format,
        "png_level": spec.png_level,
        "webp_quality": spec.webp_quality,
        "builder": BUILDER_VERSION,
    }
    return hashlib.sha256(json.dumps(options, sort_keys=True).encode()).hexdigest()


def plan_grid(info: SourceInfo, zoom: int) -> Grid:
    """The whole tiles of ``zoom`` covering the source's EPSG:3857 footprint (clipped to the world)."""
    xmin, ymin, xmax, ymax = info.mercator_bounds
    west, north = TMS.lnglat(xmin, ymax)
    east, south = TMS.lnglat(xmax, ymin)
    limit = 2**zoom - 1
    top_left = TMS.tile(west, north, zoom, truncate=True)
    bottom_right = TMS.tile(east, south, zoom, truncate=True)
    x0, y0 = min(max(top_left.x, 0), limit), min(max(top_left.y, 0), limit)
    x1, y1 = min(max(bottom_right.x, 0), limit), min(max(bottom_right.y, 0), limit)
    return Grid(zoom=zoom, x0=x0, y0=y0, ntx=x1 - x0 + 1, nty=y1 - y0 + 1)


def _check_size(grid: Grid, info: SourceInfo) -> None:
    if grid.ntx * grid.nty > MAX_TILES_AT_MAX_ZOOM:
        raise RasterTooLarge(
            f"zoom {grid.zoom} would need {grid.ntx * grid.nty:,} tiles (at most {MAX_TILES_AT_MAX_ZOOM:,})",
            path=info.path,
        )


def plan_blocks(grid: Grid, min_zoom: int) -> list[tuple[int, int, int]]:
    """Blocks (zoom, x, y of their top tile) of up to 8 × 8 deepest-zoom tiles, at least ``MIN_BLOCKS`` of them
    where the pyramid allows. The plan depends only on the grid, so any number of workers writes the same bytes."""
    depth = 0
    for candidate in range(min(3, grid.zoom - min_zoom), -1, -1):
        depth = candidate
        if len(_blocks(grid, candidate)) >= MIN_BLOCKS:
            break
    return _blocks(grid, depth)


def _blocks(grid: Grid, depth: int) -> list[tuple[int, int, int]]:
    top = grid.zoom - depth
    xs = range(grid.x0 >> depth, ((grid.x0 + grid.ntx - 1) >> depth) + 1)
    ys = range(grid.y0 >> depth, ((grid.y0 + grid.nty - 1) >> depth) + 1)
    return [(top, x, y) for y in ys for x in xs]


def _render_blocks(spec: WarpSpec, grid: Grid, blocks: list, workers: int):
    """Yield each block's result, in worker processes (spawned: safe beside threads and open database
    connections) or, for small pyramids, here."""
    if workers <= 1 or grid.ntx * grid.nty < SERIAL_BELOW_TILES or len(blocks) == 1:
        renderer = BlockRenderer(spec, grid)
        try:
            for block in blocks:
                yield renderer.render(block)
        finally:
            renderer.close()
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=init_worker, initargs=(spec, grid)) as pool:
        futures = [pool.submit(render_in_worker, block) for block in blocks]
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            for future in futures:
                future.cancel()


def build_pyramid(
    source: str | Path,
    out: str | Path,
    *,
    hillshade: bool = False,
    zooms: tuple[int, int] | None = None,
    tile_format: str = "png",
    bands: tuple[int, ...] | None = None,
    folder: bool = False,
    workers: int | None = None,
    name: str = "",
    attribution: str = "",
    progress: Progress | None = None,
    previous_key: str = "",
) -> BuildResult:
    """Build the XYZ pyramid of the GeoTIFF ``source`` (any CRS, geotransform or ground control points; with
    ``hillshade``, an elevation model shaded first) into the PMTiles archive ``out``, or the folder ``out`` when
    ``folder``. ``zooms`` defaults from the pixel size; ``workers`` defaults to the number of cores. When the
    source bytes and options give ``previous_key`` or the key recorded in ``out``, nothing is rebuilt."""
    started = time.monotonic()
    if tile_format not in FORMATS:
        raise BadBuildOptions(f"tile format must be one of {', '.join(FORMATS)}, not '{tile_format}'")
    info = inspect_source(source, bands=bands, dem=hillshade)
    zooms = zooms or info.default_zooms
    check_zooms_for(info, zooms)
    alpha_band = None if hillshade else info.alpha_band
    spec = WarpSpec(path=str(info.path), data_bands=info.data_bands, alpha_band=alpha_band, tile_format=tile_format)
    _check_size(plan_grid(info, zooms[1]), info)  # before reading the whole file for its key
    key = build_key(source_sha256=file_sha256(info.path), zooms=zooms, spec=spec, hillshade=hillshade)
    out = Path(out)
    if key in (previous_key, existing_build_key(out)):
        return BuildResult(out, tile_format, zooms, info.lnglat_bounds, 0, key, True, time.monotonic() - started)
    options: dict[str, Any] = {"zooms": zooms, "key": key, "folder": folder, "workers": workers, "name": name}
    options.update(attribution=attribution, progress=progress)
    with tempfile.TemporaryDirectory(prefix="xenagos-tiles-") as work:
        if hillshade:
            shaded_path = Path(work) / f"{info.path.stem}-hillshade.tif"
            shaded = inspect_source(hillshade_from_dem(info.path, shaded_path, band=info.data_bands[0]))
            count = _build(shaded, replace(spec, path=str(shaded.path), data_bands=(1,)), out, **options)
        else:
            count = _build(info, spec, out, **options)
    return BuildResult(out, tile_format, zooms, info.lnglat_bounds, count, key, False, time.monotonic() - started)


def _build(
    info: SourceInfo,
    spec: WarpSpec,
    out: Path,
    *,
    zooms: tuple[int, int],
    key: str,
    folder: bool,
    workers: int | None,
    name: str,
    attribution: str,
    progress: Progress | None,
) -> int:
    """Render every block, then the zooms above them, into the sink; return the number of tiles written."""
    grid = plan_grid(info, zooms[1])
    _check_size(grid, info)
    workers = max(1, workers or os.cpu_count() or 1)
    blocks = plan_blocks(grid, zooms[0])
    sink = FolderSink(out, spec.tile_format) if folder else PMTilesSink(out)
    try:
        tops: dict = {}
        done, total = 0, grid.ntx * grid.nty
        for result in _render_blocks(spec, grid, blocks, workers):
            _collect(result, sink, tops)
            done += result.candidates
            if progress:
                progress(done, total)
        encode = {"tile_format": spec.tile_format, "png_level": spec.png_level, "webp_quality": spec.webp_quality}
        for zoom in range(blocks[0][0] - 1, zooms[0] - 1, -1):
            tops, tiles = build_level(tops, zoom, bands=len(spec.data_bands) + 1, encode=encode)
            for z, x, y, data in tiles:
                sink.add(z, x, y, data)
        metadata = _metadata(name=name or info.path.stem, attribution=attribution, info=info, zooms=zooms)
        metadata.update({"format": spec.tile_format, "xenagos:build_key": key})
        sink.finish(metadata=metadata, tile_format=spec.tile_format, bounds=info.lnglat_bounds)
    except BaseException:
        sink.abort()
        raise
    return sink.count


def _collect(result: BlockResult, sink, tops: dict) -> None:
    for z, x, y, data in result.tiles:
        sink.add(z, x, y, data)
    if result.top is not None:
        _zoom, x, y = result.block
        tops[(x, y)] = result.top


def _metadata(*, name: str, attribution: str, info: SourceInfo, zooms: tuple[int, int]) -> dict:
    west, south, east, north = info.lnglat_bounds
    return {
        "name": name,
        "type": "overlay",
        "version": "1",
        "attribution": attribution,
        "minzoom": zooms[0],
        "maxzoom": zooms[1],
        "bounds": f"{west:.7f},{south:.7f},{east:.7f},{north:.7f}",
        "generator": f"xenagos tiles {BUILDER_VERSION} (rasterio, morecantile, pmtiles)",
    }
