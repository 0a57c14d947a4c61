"""The source CRS: as declared by the file, resolved to an EPSG code where PROJ can, or as named by the user."""

from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _
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


def crs_resolve(declared: str | None, *, srid: int | None, path: Path | str, missing_message: str = "") -> SourceCRS:
    """The CRS of a layer: ``srid`` when the user named one, else the file's own (``declared``: "EPSG:n" or WKT).

    A WKT without an authority code (ESRI-style .prj files) is matched against the EPSG database, so that the
    EPSG-defined datum transformation is used (for EPSG:2100 this is what puts points within a metre).
    ``missing_message`` is the message of the MissingCRS raised when neither names a CRS (a default otherwise).
    """
    if srid is not None:
        try:
            crs = CRS.from_epsg(int(srid))
        except (CRSError, ValueError) as error:
            raise MissingCRS(_("EPSG:%(srid)s is not a known CRS") % {"srid": srid}, path=path) from error
        return SourceCRS(crs, int(srid), _label(crs, int(srid)), _named_note(declared))
    if not declared:
        raise MissingCRS(
            missing_message
            or _("the file declares no coordinate reference system; name one (e.g. --srid 2100 for the Greek Grid)"),
            path=path,
        )
    try:
        crs = CRS.from_user_input(declared)
    except CRSError as error:
        raise MissingCRS(
            # Translators: %(error)s is PROJ's own explanation, in English.
            _("the declared CRS cannot be understood (%(error)s); name one (e.g. --srid 2100)") % {"error": error},
            path=path,
        ) from error
    epsg = crs.to_epsg()
    if epsg is not None:
        return SourceCRS(CRS.from_epsg(epsg), epsg, _label(crs, epsg), _("declared by the file"))
    epsg = crs.to_epsg(min_confidence=MIN_CONFIDENCE)
    if epsg is not None:
        resolved = CRS.from_epsg(epsg)
        # Translators: %(name)s is the name of the CRS the file defines, e.g. "GGRS_1987_Greek_Grid".
        note = _("resolved from the file's definition (%(name)s)") % {"name": crs.name}
        return SourceCRS(resolved, epsg, _label(resolved, epsg), note)
    return SourceCRS(crs, None, _label(crs, None), _("declared by the file; no EPSG code matches it"))


def _named_note(declared: str | None) -> str:
    """The note of a CRS named by the user, with what the file declares, if anything."""
    if not declared:
        return _("named by the user")
    try:
        crs = CRS.from_user_input(declared)
    except CRSError:
        return _("named by the user; the file declares an unreadable CRS")
    epsg = crs.to_epsg(min_confidence=MIN_CONFIDENCE)
    # Translators: %(crs)s is a CRS code or name, e.g. "EPSG:2100" or "GGRS87 / Greek Grid".
    return _("named by the user; the file declares %(crs)s") % {"crs": f"EPSG:{epsg}" if epsg else crs.name}
