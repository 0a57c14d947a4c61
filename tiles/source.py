"""What may be handed to GDAL, and what a source raster is: local GeoTIFFs only, opened by the GTiff driver alone.

A VRT (or any other format) renamed ``.tif`` could make GDAL read arbitrary server files, so a source must be a
local regular file whose first bytes are a TIFF or BigTIFF header, and it is opened with ``driver="GTiff"`` inside
a ``rasterio.Env`` that stops GDAL from looking at sibling files (.aux.xml, .ovr, .msk).
"""

import math
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import morecantile
import rasterio
from rasterio.crs import CRS
from rasterio.errors import NotGeoreferencedWarning, RasterioError
from rasterio.vrt import WarpedVRT
from rasterio.warp import transform_bounds

from .errors import NotGeoreferenced, RasterTooLarge, UnreadableRaster, UnsafeSource, UnsupportedRaster

WEB_MERCATOR = CRS.from_epsg(3857)
WGS84 = CRS.from_epsg(4326)
TMS = morecantile.tms.get("WebMercatorQuad")
TILE_SIZE = 256
MAX_ZOOM = 24
MAX_SIDE_PX = 262_144
MAX_PIXELS = 4 * 2**30
EXTENSIONS = {".tif", ".tiff"}
TIFF_MAGIC = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")  # classic TIFF and BigTIFF, both byte orders
_VIRTUAL = re.compile(r"^(/vsi|[a-z][a-z0-9+.-]*:)", re.IGNORECASE)
# GDAL may read only the named file: no directory listing, so no .aux.xml/.ovr/.msk side-car files either.
GDAL_SAFE_ENV = {"GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR", "GDAL_PAM_ENABLED": "NO"}


def local_geotiff(path: str | Path) -> Path:
    """Check ``path`` is a local regular file named .tif/.tiff whose content starts like a TIFF; return it resolved."""
    text = str(path)
    if _VIRTUAL.match(text) or "\x00" in text:
        raise UnsafeSource("only local files can be read (no URLs or GDAL virtual file systems)", path=text)
    if Path(text).is_symlink():
        raise UnsafeSource("symbolic links are not read", path=text)
    resolved = Path(text).resolve()
    if not resolved.is_file():
        raise UnsafeSource("no such file", path=text)
    if resolved.suffix.lower() not in EXTENSIONS:
        raise UnsafeSource(f"unexpected file type '{resolved.suffix}'; expected a GeoTIFF (.tif, .tiff)", path=text)
    with resolved.open("rb") as handle:
        head = handle.read(4)
    if head not in TIFF_MAGIC:
        raise UnsafeSource("the content is not a TIFF although the name ends in .tif", path=text)
    return resolved


@contextmanager
def open_geotiff(path: str | Path) -> Iterator[rasterio.DatasetReader]:
    """Open a checked local GeoTIFF with the GTiff driver only; GDAL errors become ``UnreadableRaster``."""
    resolved = local_geotiff(path)
    with rasterio.Env(**GDAL_SAFE_ENV), warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)  # checked below, with a clearer message
        try:
            dataset = rasterio.open(resolved, driver="GTiff")
        except RasterioError as error:
            raise UnreadableRaster(f"GDAL cannot read it as a GeoTIFF ({error})", path=path) from error
        with dataset:
            yield dataset


@dataclass(frozen=True)
class SourceInfo:
    """A checked source raster and the Web Mercator (EPSG:3857) grid a default warp would give it."""

    path: Path
    width: int
    height: int
    dtype: str
    data_bands: tuple[int, ...]
    alpha_band: int | None
    nodata: float | None
    has_gcps: bool
    mercator_res_m: float  # EPSG:3857 metres per pixel of GDAL's suggested warp (as gdal2tiles computes it)
    mercator_bounds: tuple[float, float, float, float]  # xmin, ymin, xmax, ymax in EPSG:3857 metres
    lnglat_bounds: tuple[float, float, float, float]  # west, south, east, north in EPSG:4326 degrees
    default_zooms: tuple[int, int]  # min, max


def _check_georeferencing(src: rasterio.DatasetReader, path: str | Path) -> None:
    gcps, gcp_crs = src.gcps
    if gcps:
        if gcp_crs is None:
            raise NotGeoreferenced("it has ground control points but no coordinate reference system", path=path)
        return
    if src.transform.is_identity:
        raise NotGeoreferenced("it has no georeferencing (no geotransform and no ground control points)", path=path)
    if src.crs is None:
        raise NotGeoreferenced("it has a geotransform but no coordinate reference system", path=path)


def _check_size(src: rasterio.DatasetReader, path: str | Path) -> None:
    if src.width < 1 or src.height < 1 or src.count < 1:
        raise RasterTooLarge("it has no pixels", path=path)
    if max(src.width, src.height) > MAX_SIDE_PX or src.width * src.height > MAX_PIXELS:
        raise RasterTooLarge(
            f"{src.width} × {src.height} pixels is beyond the limit ({MAX_SIDE_PX} px a side, "
            f"{MAX_PIXELS // 2**30} Gpx in all)",
            path=path,
        )


def _check_readable(src: rasterio.DatasetReader, path: str | Path) -> None:
    """Read the first and the last block, which finds truncated and corrupt files cheaply."""
    try:
        last_row = (src.height - 1) // src.block_shapes[0][0]
        last_col = (src.width - 1) // src.block_shapes[0][1]
        for row, col in {(0, 0), (last_row, last_col)}:
            src.read(1, window=src.block_window(1, row, col))
    except RasterioError as error:
        raise UnreadableRaster(f"its pixels cannot be read ({error})", path=path) from error


def _picture_bands(
    src: rasterio.DatasetReader, bands: tuple[int, ...] | None, path
) -> tuple[tuple[int, ...], int | None]:
    """Pick the bands shown (1 grey or 3 colour) and the alpha band, if any."""
    interp = [ci.name for ci in src.colorinterp]
    alpha = next((i + 1 for i, name in enumerate(interp) if name == "alpha"), None)
    if bands:
        if len(bands) not in (1, 3) or any(not 1 <= b <= src.count for b in bands):
            raise UnsupportedRaster(f"choose 1 or 3 of its bands 1..{src.count}, not {list(bands)}", path=path)
        return tuple(bands), alpha
    if interp[0] == "palette":
        raise UnsupportedRaster(
            "it has a colour palette; convert it to RGB first (gdal_translate -expand rgb)", path=path
        )
    data = [i + 1 for i in range(src.count) if i + 1 != alpha]
    if len(data) in (1, 3):
        return tuple(data), alpha
    raise UnsupportedRaster(
        f"it has {len(data)} data bands; choose 1 or 3 to show (for example --bands 3,2,1)", path=path
    )


def _zoom_for_res(res_m: float) -> int:
    """The deepest zoom whose pixels are not finer than ``res_m`` EPSG:3857 metres (gdal2tiles' rule: no upscaling)."""
    return TMS.zoom_for_res(res_m, max_z=MAX_ZOOM, zoom_level_strategy="lower")


def inspect_source(path: str | Path, *, bands: tuple[int, ...] | None = None, dem: bool = False) -> SourceInfo:
    """Check a GeoTIFF for the build (georeferenced, sane size, readable; a picture unless ``dem``) and describe
    the Web Mercator grid a default warp gives it; raise a ``TilesError`` subclass naming the file otherwise."""
    with open_geotiff(path) as src:
        _check_size(src, path)
        _check_georeferencing(src, path)
        if dem:
            data_bands, alpha = (bands or (1,))[:1], None
            if src.dtypes[data_bands[0] - 1] in ("complex64", "complex128", "complex_int16"):
                raise UnsupportedRaster("an elevation model must hold real numbers", path=path)
        else:
            data_bands, alpha = _picture_bands(src, bands, path)
            if src.dtypes[data_bands[0] - 1] != "uint8":
                raise UnsupportedRaster(
                    f"its pixels are {src.dtypes[data_bands[0] - 1]}, not 8-bit colours; an elevation model is shown "
                    "as a hillshade (--hillshade)",
                    path=path,
                )
        _check_readable(src, path)
        try:
            with WarpedVRT(src, crs=WEB_MERCATOR) as vrt:
                res, bounds = vrt.transform.a, tuple(vrt.bounds)
                side = max(vrt.width, vrt.height)
        except RasterioError as error:
            raise NotGeoreferenced(f"it cannot be projected to Web Mercator ({error})", path=path) from error
        nodata = src.nodata
        info_dtype = src.dtypes[data_bands[0] - 1]
        has_gcps = bool(src.gcps[0]) and src.transform.is_identity
        width, height = src.width, src.height
    xmin, ymin, xmax, ymax = bounds
    if not all(math.isfinite(v) for v in (*bounds, res)) or res <= 0:
        raise NotGeoreferenced("its footprint does not fit on the Web Mercator world", path=path)
    max_zoom = _zoom_for_res(res)
    if max_zoom >= MAX_ZOOM:
        raise RasterTooLarge(f"its pixels ({res:.3g} m) would need zoom levels beyond {MAX_ZOOM}", path=path)
    min_zoom = min(_zoom_for_res(res * side / TILE_SIZE), max_zoom)
    lnglat = transform_bounds(WEB_MERCATOR, WGS84, xmin, ymin, xmax, ymax)
    return SourceInfo(
        path=local_geotiff(path),
        width=width,
        height=height,
        dtype=info_dtype,
        data_bands=data_bands,
        alpha_band=alpha,
        nodata=nodata,
        has_gcps=has_gcps,
        mercator_res_m=res,
        mercator_bounds=(xmin, ymin, xmax, ymax),
        lnglat_bounds=tuple(lnglat),
        default_zooms=(min_zoom, max_zoom),
    )
