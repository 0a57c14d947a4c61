"""The source CRS: as declared by the file, resolved to an EPSG code where PROJ can, or as named by the user."""

from dataclasses import dataclass
from pathlib import Path

from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from ..errors import MissingCRS

WGS84 = 4326
MIN_CONFIDENCE = 70  # percent, for matching an ESRI .prj without an EPSG code to the EPSG database


@dataclass(frozen=True)
class SourceCRS:
    """The CRS features are read in, and how it was found."""

    crs: CRS
    epsg: int | None
    label: str
    note: str

    def to_wgs84(self) -> Transformer:
        """Transformer to EPSG:4326 in (longitude, latitude) order, whatever the CRS's own axis order."""
        return Transformer.from_crs(self.crs, CRS.from_epsg(WGS84), always_xy=True)


def _label(crs: CRS, epsg: int | None) -> str:
    return f"EPSG:{epsg} ({crs.name})" if epsg else crs.name


def crs_resolve(declared: str | None, *, srid: int | None, path: Path | str, missing_hint: str = "") -> SourceCRS:
    """The CRS of a layer: ``srid`` when the user named one, else the file's own (``declared``: "EPSG:n" or WKT).

    A WKT without an authority code (ESRI-style .prj files) is matched against the EPSG database, so that the
    EPSG-defined datum transformation is used (for EPSG:2100 this is what puts points within a metre).
    """
    if srid is not None:
        try:
            crs = CRS.from_epsg(int(srid))
        except (CRSError, ValueError) as error:
            raise MissingCRS(f"EPSG:{srid} is not a known CRS", path=path) from error
        note = "named by the user"
        if declared:
            note += f"; the file declares {_describe(declared)}"
        return SourceCRS(crs, int(srid), _label(crs, int(srid)), note)
    if not declared:
        hint = missing_hint or "the file declares no coordinate reference system"
        raise MissingCRS(f"{hint}; name one (e.g. --srid 2100 for the Greek Grid)", path=path)
    try:
        crs = CRS.from_user_input(declared)
    except CRSError as error:
        raise MissingCRS(
            f"the declared CRS cannot be understood ({error}); name one (e.g. --srid 2100)", path=path
        ) from error
    epsg = crs.to_epsg()
    if epsg is not None:
        return SourceCRS(CRS.from_epsg(epsg), epsg, _label(crs, epsg), "declared by the file")
    epsg = crs.to_epsg(min_confidence=MIN_CONFIDENCE)
    if epsg is not None:
        resolved = CRS.from_epsg(epsg)
        return SourceCRS(resolved, epsg, _label(resolved, epsg), f"resolved from the file's definition ({crs.name})")
    return SourceCRS(crs, None, _label(crs, None), "declared by the file; no EPSG code matches it")


def _describe(declared: str) -> str:
    try:
        crs = CRS.from_user_input(declared)
    except CRSError:
        return "an unreadable CRS"
    epsg = crs.to_epsg(min_confidence=MIN_CONFIDENCE)
    return f"EPSG:{epsg}" if epsg else crs.name
