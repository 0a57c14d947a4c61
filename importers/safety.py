"""What may be handed to GDAL: local regular files with an expected extension, opened by a named driver."""

import re
from pathlib import Path

from .errors import UnsafeInput

# Extension -> the only GDAL/OGR driver allowed to open it.
VECTOR_DRIVERS = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GPKG",
    ".shp": "ESRI Shapefile",
}
_VIRTUAL = re.compile(r"^(/vsi|[a-z][a-z0-9+.-]*:)", re.IGNORECASE)


def _looks_like(path: Path, driver: str) -> bool:
    """Whether the file's first bytes match ``driver``'s format, so GDAL's format probing cannot pick another
    driver (a VRT or other XML renamed .geojson, say, would let GDAL read arbitrary server files)."""
    with path.open("rb") as handle:
        head = handle.read(100)
    if driver == "GeoJSON":
        return head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"{"
    if driver == "GPKG":
        return head.startswith(b"SQLite format 3\x00") and head[68:72] in (b"GPKG", b"GP10", b"GP11")
    if driver == "ESRI Shapefile":
        return head[:4] == b"\x00\x00\x27\x0a"  # file code 9994, big-endian
    return False


def local_vector_file(path: str | Path) -> tuple[Path, str]:
    """Check ``path`` is a local regular file of an allowed type whose content matches its extension;
    return it resolved, with the GDAL driver that will read it."""
    text = str(path)
    if _VIRTUAL.match(text) or "\x00" in text:
        raise UnsafeInput("only local files can be read (no URLs or GDAL virtual file systems)", path=text)
    resolved = Path(text).resolve()
    if Path(text).is_symlink():
        raise UnsafeInput("symbolic links are not read", path=text)
    if not resolved.is_file():
        raise UnsafeInput("no such file", path=text)
    driver = VECTOR_DRIVERS.get(resolved.suffix.lower())
    if driver is None:
        allowed = ", ".join(sorted(VECTOR_DRIVERS))
        raise UnsafeInput(f"unexpected file type '{resolved.suffix}'; expected one of {allowed}", path=text)
    if not _looks_like(resolved, driver):
        raise UnsafeInput(f"the content is not {driver} although the name ends in {resolved.suffix}", path=text)
    return resolved, driver
