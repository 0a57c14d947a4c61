"""Cutting a raster into Web Mercator XYZ tiles, one block of tiles at a time (the work done by each process).

A block is the square of zoom-``grid.zoom`` tiles under one tile of a coarser zoom. Its pixels are warped once,
straight from the source to the tile grid at the deepest zoom (EPSG:3857, 256 px tiles), then each coarser zoom
inside the block is made by averaging 2 × 2 pixels of the zoom below, weighted by alpha (as gdal2tiles builds its
overview tiles from the tiles below, without its dark fringe at the data's edge). Arrays are (band, row, column)
uint8 with alpha as the last band.
"""

import io
from dataclasses import dataclass, field
from typing import Any

import morecantile
import numpy as np
import rasterio
from affine import Affine
from PIL import Image
from rasterio.enums import Resampling
from rasterio.errors import RasterioError
from rasterio.warp import reproject

from .errors import UnreadableRaster
from .source import GDAL_SAFE_ENV, TILE_SIZE, TMS, WEB_MERCATOR, local_geotiff

FORMATS = {"png": "PNG", "webp": "WEBP"}


@dataclass(frozen=True)
class Grid:
    """Whole tiles of one zoom covering the data: columns ``x0 .. x0 + ntx - 1``, rows ``y0 .. y0 + nty - 1``."""

    zoom: int
    x0: int
    y0: int
    ntx: int
    nty: int

    def contains(self, x: int, y: int) -> bool:
        """Whether tile (x, y) of the grid's zoom is inside the grid."""
        return self.x0 <= x < self.x0 + self.ntx and self.y0 <= y < self.y0 + self.nty

    def transform(self, x: int, y: int) -> Affine:
        """The EPSG:3857 geotransform (metres) whose pixel (0, 0) is the top-left pixel of tile (x, y)."""
        left, _bottom, _right, top = TMS.xy_bounds(morecantile.Tile(x, y, self.zoom))
        res_m = TMS.matrix(self.zoom).cellSize
        return Affine(res_m, 0.0, left, 0.0, -res_m, top)


@dataclass(frozen=True)
class WarpSpec:
    """What a worker needs to warp and encode: the source's bands, the resampling and the tile encoding."""

    path: str
    data_bands: tuple[int, ...]
    alpha_band: int | None
    resampling: str = "average"
    tile_format: str = "png"
    png_level: int = 6
    webp_quality: int = 75


@dataclass
class BlockResult:
    """The encoded tiles of one block as (z, x, y, bytes), its top tile's pixels for the zooms above it, and how
    many deepest-zoom tiles it considered (the unit of progress)."""

    block: tuple[int, int, int]
    tiles: list[tuple[int, int, int, bytes]] = field(default_factory=list)
    top: np.ndarray | None = None
    candidates: int = 0


def encode_tile(pixels: np.ndarray, tile_format: str, *, png_level: int = 6, webp_quality: int = 75) -> bytes:
    """Encode a (band, 256, 256) uint8 array (grey+alpha or RGB+alpha) as PNG or WebP."""
    image = Image.fromarray(np.ascontiguousarray(np.moveaxis(pixels, 0, -1)))
    buffer = io.BytesIO()
    if tile_format == "webp":
        image.save(buffer, "WEBP", quality=webp_quality)
    else:
        image.save(buffer, "PNG", compress_level=png_level)
    return buffer.getvalue()


def average_2x2(pixels: np.ndarray) -> np.ndarray:
    """Halve a (band, 2h, 2w) uint8 array: alpha is the mean of each 2 × 2, colours their alpha-weighted mean."""
    bands, height, width = pixels.shape
    quads = pixels.reshape(bands, height // 2, 2, width // 2, 2).astype(np.uint32)
    alpha = quads[-1]
    alpha_sum = alpha.sum(axis=(1, 3))
    out = np.empty((bands, height // 2, width // 2), dtype=np.uint8)
    out[-1] = (alpha_sum + 2) // 4
    safe = np.maximum(alpha_sum, 1)
    for band in range(bands - 1):
        weighted = (quads[band] * alpha).sum(axis=(1, 3))
        out[band] = (weighted + safe // 2) // safe
    return out


def merge_children(children: dict[tuple[int, int], np.ndarray], bands: int) -> np.ndarray:
    """The tile above four children keyed by (dx, dy) in {0, 1}²; a missing child is transparent."""
    canvas = np.zeros((bands, 2 * TILE_SIZE, 2 * TILE_SIZE), dtype=np.uint8)
    for (dx, dy), pixels in children.items():
        canvas[:, dy * TILE_SIZE : (dy + 1) * TILE_SIZE, dx * TILE_SIZE : (dx + 1) * TILE_SIZE] = pixels
    return average_2x2(canvas)


class BlockRenderer:
    """Warps and tiles blocks of one source; one per process, holding the open source."""

    def __init__(self, spec: WarpSpec, grid: Grid):
        self.spec = spec
        self.grid = grid
        self._env = rasterio.Env(**GDAL_SAFE_ENV)
        self._env.__enter__()
        self._src = rasterio.open(local_geotiff(spec.path), driver="GTiff")

    def close(self) -> None:
        """Close the source."""
        self._src.close()
        self._env.__exit__(None, None, None)

    def _warp(self, x: int, y: int, columns: int, rows: int) -> np.ndarray:
        """Warp the source onto ``columns`` × ``rows`` deepest-zoom tiles starting at tile (x, y)."""
        spec = self.spec
        bands = len(spec.data_bands) + 1
        pixels = np.zeros((bands, rows * TILE_SIZE, columns * TILE_SIZE), dtype=np.uint8)
        gcps, gcp_crs = self._src.gcps
        georef = {"gcps": gcps, "src_crs": gcp_crs} if gcps and self._src.transform.is_identity else {}
        try:
            reproject(
                source=rasterio.band(self._src, list(spec.data_bands)),
                destination=pixels,
                dst_transform=self.grid.transform(x, y),
                dst_crs=WEB_MERCATOR,
                dst_alpha=bands,
                src_alpha=spec.alpha_band or 0,  # a band index of the source dataset
                resampling=Resampling[spec.resampling],
                init_dest_nodata=True,
                **georef,
            )
        except RasterioError as error:
            raise UnreadableRaster(f"warping failed ({error})", path=spec.path) from error
        return pixels

    def render(self, block: tuple[int, int, int]) -> BlockResult:
        """Warp one block (zoom, x, y of its top tile) and return its encoded tiles, deepest zoom first."""
        top_zoom, bx, by = block
        grid, spec = self.grid, self.spec
        depth = grid.zoom - top_zoom
        span = 1 << depth
        x_start, y_start = max(bx * span, grid.x0), max(by * span, grid.y0)
        x_end = min((bx + 1) * span, grid.x0 + grid.ntx)
        y_end = min((by + 1) * span, grid.y0 + grid.nty)
        result = BlockResult(block=block)
        pixels = self._warp(x_start, y_start, x_end - x_start, y_end - y_start)
        encode: dict[str, Any] = {
            "tile_format": spec.tile_format,
            "png_level": spec.png_level,
            "webp_quality": spec.webp_quality,
        }
        level: dict[tuple[int, int], np.ndarray] = {}
        for ty in range(y_start, y_end):
            for tx in range(x_start, x_end):
                result.candidates += 1
                row, col = (ty - y_start) * TILE_SIZE, (tx - x_start) * TILE_SIZE
                tile = pixels[:, row : row + TILE_SIZE, col : col + TILE_SIZE]
                if tile[-1].any():
                    level[(tx, ty)] = tile
                    result.tiles.append((grid.zoom, tx, ty, encode_tile(tile, **encode)))
        for zoom in range(grid.zoom - 1, top_zoom - 1, -1):
            level, tiles = build_level(level, zoom, bands=pixels.shape[0], encode=encode)
            result.tiles.extend(tiles)
        result.top = level.get((bx, by))
        return result


def build_level(
    below: dict[tuple[int, int], np.ndarray], zoom: int, *, bands: int, encode: dict
) -> tuple[dict[tuple[int, int], np.ndarray], list[tuple[int, int, int, bytes]]]:
    """Make the tiles of ``zoom`` from the written tiles of ``zoom + 1`` (a tile exists when a child does, as in
    gdal2tiles); return their pixels and their encoded bytes."""
    parents: dict[tuple[int, int], dict[tuple[int, int], np.ndarray]] = {}
    for (x, y), pixels in below.items():
        parents.setdefault((x >> 1, y >> 1), {})[(x & 1, y & 1)] = pixels
    level: dict[tuple[int, int], np.ndarray] = {}
    tiles = []
    for (x, y), children in sorted(parents.items()):
        level[(x, y)] = merge_children(children, bands)
        tiles.append((zoom, x, y, encode_tile(level[(x, y)], **encode)))
    return level, tiles


# --- process-pool plumbing: one renderer per worker process, made by the pool's initializer
_renderer: BlockRenderer | None = None


def init_worker(spec: WarpSpec, grid: Grid) -> None:
    """Pool initializer: open the source once in this process."""
    global _renderer
    _renderer = BlockRenderer(spec, grid)


def render_in_worker(block: tuple[int, int, int]) -> BlockResult:
    """Pool task: render one block with this process's renderer."""
    assert _renderer is not None, "init_worker did not run"
    return _renderer.render(block)
