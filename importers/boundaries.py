"""Read a municipality boundary from a vector file in any CRS, as a MultiPolygon in EPSG:4326."""

from pathlib import Path
from typing import cast

import pyogrio
import shapely
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.utils.translation import gettext as _
from pyproj import CRS
from pyproj.exceptions import CRSError

from .errors import MissingCRS, NoFeatures, UnreadableFile, WrongGeometry
from .safety import local_vector_file

WGS84 = 4326


def read_boundary(path: str | Path, *, where: tuple[str, str] | None = None, srid: int | None = None) -> MultiPolygon:
    """The union of the file's (Multi)Polygon features, reprojected to EPSG:4326 (lon/lat), as a valid MultiPolygon.

    ``where`` = (field, value) picks features by an attribute; ``srid`` names the CRS of a file that declares
    none (a file without a CRS is refused otherwise). A feature that is not an area is refused.
    """
    resolved, driver = local_vector_file(path)
    try:
        frame = pyogrio.read_dataframe(resolved)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as error:
        # Translators: %(format)s is a GDAL driver name, e.g. GPKG; %(error)s is GDAL's message, in English.
        message = _("cannot be read as %(format)s: %(error)s") % {"format": driver, "error": error}
        raise UnreadableFile(message, path=path) from error
    if srid is not None:
        try:
            frame = frame.set_crs(CRS.from_epsg(int(srid)), allow_override=True)
        except CRSError as error:
            raise MissingCRS(_("EPSG:%(srid)s is not a known CRS") % {"srid": srid}, path=path) from error
    elif frame.crs is None:
        raise MissingCRS(_("the file declares no coordinate reference system; name one (e.g. --srid 2100)"), path=path)
    if where is not None:
        field, value = where
        if field not in frame.columns:
            fields = ", ".join(c for c in frame.columns if c != "geometry")
            raise NoFeatures(_("no such field; the fields are %(fields)s") % {"fields": fields}, path=path, field=field)
        frame = frame[frame[field].astype(str) == value]
    if frame.empty:
        if where is None:
            raise NoFeatures(_("no feature to read"), path=path)
        raise NoFeatures(
            # Translators: %(field)s is an attribute's name, %(value)s the value asked for.
            _("no feature to read where %(field)s = %(value)s") % {"field": where[0], "value": where[1]},
            path=path,
        )
    for number, shape in zip(frame.index, frame.geometry, strict=True):
        if shape is None or shape.is_empty or shape.geom_type not in ("Polygon", "MultiPolygon"):
            if shape is None or shape.is_empty:
                message = _("expected a polygon, found no geometry")
            else:
                # Translators: %(kind)s is a geometry type, e.g. LineString.
                message = _("expected a polygon, found %(kind)s") % {"kind": shape.geom_type}
            raise WrongGeometry(message, path=path, feature=int(number) + 1)
    area = shapely.make_valid(frame.geometry.make_valid().to_crs(WGS84).union_all())
    area = shapely.force_2d(area)
    polygons = [p for part in getattr(area, "geoms", [area]) for p in getattr(part, "geoms", [part])]
    polygons = [p for p in polygons if p.geom_type == "Polygon"]
    if not polygons:
        raise WrongGeometry(_("the features do not form an area"), path=path)
    return cast(MultiPolygon, GEOSGeometry(memoryview(shapely.to_wkb(shapely.MultiPolygon(polygons))), srid=WGS84))
