"""What may be handed to GDAL: local regular files with an expected extension, opened by a named driver.

Every file is checked before GDAL sees it: no URL or GDAL virtual file system (``/vsicurl/``, ``http:``...), no
symbolic link, an allowed extension, and content whose first bytes match the format of that extension, so GDAL's
format probing cannot hand the file to another driver (a VRT or other XML renamed ``.geojson`` could make GDAL read
arbitrary server files). After opening, the driver GDAL used is compared with the expected one. XML formats (KML,
GPX) are checked with defusedxml, which refuses DTDs and entity declarations.
"""

import re
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.utils.translation import gettext as _

from .errors import UnsafeInput

# Extension -> the only GDAL/OGR driver allowed to open it.
VECTOR_DRIVERS = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GPKG",
    ".shp": "ESRI Shapefile",
    ".csv": "CSV",
    ".kml": "KML",
    ".gpx": "GPX",
}
# GDAL registers LIBKML before KML: either may read a .kml (neither fetches NetworkLinks).
OPENED_BY = {"KML": {"KML", "LIBKML"}}
# Drivers that accept a "DRIVER:path" prefix, which makes GDAL try that driver only.
PREFIXED_DRIVERS = {"GeoJSON", "GPKG", "CSV"}
# The files a shapefile may consist of besides the .shp (others in an archive are not unpacked).
SHAPEFILE_PARTS = {".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".xml"}
XML_ROOTS = {"KML": "kml", "GPX": "gpx"}
_VIRTUAL = re.compile(r"^(/vsi|[a-z][a-z0-9+.-]*:)", re.IGNORECASE)


def _xml_root(path: Path) -> str | None:
    """The local name of the document element, read with defusedxml (a DTD or entity is refused)."""
    try:
        for _event, element in iterparse(str(path), events=("start",), forbid_dtd=True):
            return element.tag.rsplit("}", 1)[-1].lower()
    except DefusedXmlException as error:
        raise UnsafeInput(
            # Translators: %(error)s is the name of defusedxml's exception, e.g. DTDForbidden.
            _("XML with a DTD or entity declarations is not read (%(error)s)") % {"error": type(error).__name__},
            path=path,
        ) from error
    except Exception:  # noqa: BLE001 (any parse error means: not this format)
        return None
    return None


def _looks_like_csv(head: bytes) -> bool:
    """Text, not markup or JSON, whose first line names at least one column."""
    if b"\x00" in head:
        return False
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not text or text[:1] in (b"<", b"{", b"["):
        return False
    first_line = text.splitlines()[0] if text.splitlines() else b""
    return bool(first_line.strip())


def _looks_like(path: Path, driver: str) -> bool:
    """Whether the file's first bytes match ``driver``'s format, so GDAL's format probing cannot pick another
    driver (a VRT or other XML renamed .geojson, say, would let GDAL read arbitrary server files)."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    if driver == "GeoJSON":
        return head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"{"
    if driver == "GPKG":
        return head.startswith(b"SQLite format 3\x00") and head[68:72] in (b"GPKG", b"GP10", b"GP11")
    if driver == "ESRI Shapefile":
        return head[:4] == b"\x00\x00\x27\x0a"  # file code 9994, big-endian
    if driver == "CSV":
        return _looks_like_csv(head)
    if driver in XML_ROOTS:
        return head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"<" and _xml_root(path) == XML_ROOTS[driver]
    return False


def path_check(path: str | Path) -> Path:
    """``path`` as a resolved local regular file that is not a symbolic link, or UnsafeInput."""
    text = str(path)
    if _VIRTUAL.match(text) or "\x00" in text:
        raise UnsafeInput(_("only local files can be read (no URLs or GDAL virtual file systems)"), path=text)
    if Path(text).is_symlink():
        raise UnsafeInput(_("symbolic links are not read"), path=text)
    resolved = Path(text).resolve()
    if not resolved.is_file():
        raise UnsafeInput(_("no such file"), path=text)
    return resolved


def folder_check(path: str | Path) -> Path:
    """``path`` as a resolved local folder that is not a symbolic link (an upload unpacked by us), or UnsafeInput."""
    text = str(path)
    if _VIRTUAL.match(text) or "\x00" in text:
        raise UnsafeInput(_("only local files can be read (no URLs or GDAL virtual file systems)"), path=text)
    if Path(text).is_symlink() or not Path(text).is_dir():
        raise UnsafeInput(_("no such file"), path=text)
    return Path(text).resolve()


def local_vector_file(path: str | Path) -> tuple[Path, str]:
    """Check ``path`` is a local regular file of an allowed type whose content matches its extension;
    return it resolved, with the GDAL driver that will read it."""
    text = str(path)
    resolved = path_check(path)
    driver = VECTOR_DRIVERS.get(resolved.suffix.lower())
    if driver is None:
        allowed = ", ".join(sorted(VECTOR_DRIVERS))
        # Translators: %(extension)s is the file's extension, e.g. ".tab"; %(allowed)s lists the allowed ones.
        message = _("unexpected file type '%(extension)s'; expected one of %(allowed)s")
        raise UnsafeInput(message % {"extension": resolved.suffix, "allowed": allowed}, path=text)
    if not _looks_like(resolved, driver):
        # Translators: %(format)s is a GDAL driver name, e.g. GeoJSON; %(extension)s is the file's, e.g. ".geojson".
        message = _("the content is not %(format)s although the name ends in %(extension)s")
        raise UnsafeInput(message % {"format": driver, "extension": resolved.suffix}, path=text)
    return resolved, driver


def gdal_path(resolved: Path, driver: str) -> str:
    """The string GDAL opens for a checked file: ``DRIVER:path`` where GDAL supports forcing the driver that way."""
    return f"{driver}:{resolved}" if driver in PREFIXED_DRIVERS else str(resolved)


def driver_check(*, opened_with: str, expected: str, path: Path | str) -> None:
    """Refuse a file that GDAL opened with another driver than the allow-listed one."""
    if opened_with not in OPENED_BY.get(expected, {expected}):
        # Translators: %(found)s and %(expected)s are GDAL driver names, e.g. VRT and GeoJSON.
        message = _("GDAL read the file as %(found)s, not %(expected)s; it is not read")
        raise UnsafeInput(message % {"found": opened_with, "expected": expected}, path=path)
