"""A IIIF Image API 3 level-0 tile set of one image file by libvips ``dzsave(layout="iiif3")``: pure, no Django.

libvips runs in a child process of its own (``spawn``), never in the caller's: Debian's libvips and the GDAL, TIFF
and JPEG libraries that rasterio's wheel bundles abort the process when both are loaded in it (seen: rasterio.open
after a tiling, in the worker that also samples route profiles and builds map tiles). The child also bounds what a
hostile image can do to the worker (its memory is returned when it ends)."""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import IiifError

TILE_SIZE_PX = 512
FULL_MAX_PX = 2000
JPEG_SUFFIX = ".jpg[Q=85,strip]"


class TilingRefused(IiifError):
    """The file cannot be tiled: not an image libvips reads, or more pixels than allowed (named in the message)."""


@dataclass(frozen=True)
class TileSet:
    folder: Path  # holds info.json and <region>/<size>/<rotation>/default.jpg
    width_px: int
    height_px: int


def tile_image(*, source: Path, name: str, out_dir: Path, max_pixels: int) -> TileSet:
    """Write the level-0 tile set of image file ``source`` (``name``: how messages call it) into ``out_dir``/tiles,
    in a child process (see the module's docstring); TilingRefused as the child raised it.

    The header is read first (libvips does not decode pixels to learn the size), so a decompression bomb is refused
    before any decoding; a file libvips cannot read is refused with its name."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_tile_here, source=source, name=name, out_dir=out_dir, max_pixels=max_pixels).result()


def _tile_here(*, source: Path, name: str, out_dir: Path, max_pixels: int) -> TileSet:
    """tile_image's work, in the process that calls it (the child)."""
    import pyvips

    try:
        image = pyvips.Image.new_from_file(str(source), access="sequential", fail_on="error")
    except pyvips.Error as error:
        raise TilingRefused(f"{name}: not an image that can be read ({str(error).strip().splitlines()[0]})") from error
    pixels = image.width * image.height
    if pixels > max_pixels:
        raise TilingRefused(
            f"{name}: {image.width} × {image.height} pixels, more than the {max_pixels:_} allowed".replace("_", " ")
        )
    if image.hasalpha():
        image = image.flatten(background=[255, 255, 255])
    if image.interpretation not in ("srgb", "b-w"):
        image = image.colourspace("srgb")
    folder = out_dir / "tiles"
    try:
        image.dzsave(str(folder), layout="iiif3", tile_size=TILE_SIZE_PX, suffix=JPEG_SUFFIX, overlap=0)
    except pyvips.Error as error:
        raise TilingRefused(f"{name}: the image could not be decoded ({str(error).strip().splitlines()[0]})") from error
    full = folder / "full" / "max" / "0"
    full.mkdir(parents=True)
    try:  # the whole image at most FULL_MAX_PX on its longer side: "full/max" of a level-0 service, the plain view
        pyvips.Image.thumbnail(str(source), FULL_MAX_PX, height=FULL_MAX_PX, size="down").colourspace("srgb").jpegsave(
            str(full / "default.jpg"), Q=85, strip=True
        )
    except pyvips.Error as error:
        raise TilingRefused(f"{name}: the image could not be decoded ({str(error).strip().splitlines()[0]})") from error
    return TileSet(folder=folder, width_px=image.width, height_px=image.height)
