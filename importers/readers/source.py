"""Open a GIS file (or a zip of them) safely and read it in batches: shapefile, GeoPackage, GeoJSON, CSV, KML, GPX.

``source_open`` checks the file (importers.safety), unpacks a zip, picks the layer, finds the CRS and the text
encoding, and returns a ``Source`` whose ``batches()`` streams features as ``FeatureBatch`` objects: attribute
columns plus geometry already reprojected to EPSG:4326. No database is used.
"""

import codecs
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pyogrio
import shapely
from django.utils.translation import gettext as _
from pyogrio.raw import read as ogr_read

from ..archives import Unpacked, zip_unpack
from ..errors import ImporterError, MissingCRS, MissingPart, NoFeatures, UnknownLayer, UnreadableFile, UnsafeInput
from ..safety import VECTOR_DRIVERS, driver_check, folder_check, gdal_path, local_vector_file, path_check
from .crs import SourceCRS, crs_resolve
from .csvgeom import csv_columns_check, csv_columns_guess, csv_geometries
from .encoding import Encoding, codec_check, cpg_encoding, dbf_sample, encoding_detect, text_sample
from .geometry import PreparedGeometry, Problem, geometries_prepare
from .options import POINTS, GeometryOptions, InvalidPolicy

BATCH_SIZE = 50_000
ONE_PASS_LIMIT = 250_000  # formats without random access are read in one pass up to this many features
GPX_PREFERRED = ("waypoints", "tracks", "routes")
GPX_LINES_PREFERRED = ("tracks", "routes", "waypoints")  # a target that keeps lines reads a GPX file's tracks first
TRANSCODED = {"GeoJSON", "CSV"}  # text formats GDAL reads as UTF-8 only: other encodings are converted first
FORMAT_LABELS = {
    "ESRI Shapefile": "Shapefile",
    "GPKG": "GeoPackage",
    "GeoJSON": "GeoJSON",
    "CSV": "CSV",
    "KML": "KML",
    "GPX": "GPX",
}


@dataclass(frozen=True)
class LayerChoice:
    """One layer a user may pick: its label, the file holding it and GDAL's layer name."""

    label: str
    file: Path
    layer: str
    driver: str


@dataclass
class SourceInfo:
    """What the reader found: shown before anything is imported, and kept with the import's report."""

    file: str
    format: str
    layers: list[str]
    layer: str
    feature_count: int
    fields: list[str]
    field_types: list[str]
    geometry_type: str
    crs: str
    crs_note: str
    epsg: int | None
    encoding: str
    encoding_note: str
    codec: str
    csv_columns: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON-ready."""
        return asdict(self)


@dataclass
class FeatureBatch:
    """Up to a batch of features: ``start`` is the 0-based position of the first; arrays are aligned."""

    start: int
    fields: dict[str, np.ndarray]
    geometry: PreparedGeometry
    rejected: list[Problem]

    def __len__(self) -> int:
        return len(self.geometry.location)


def open_options(driver: str, options: GeometryOptions) -> dict[str, str]:
    """GDAL open options for ``driver``: a GPX file's elevations become Z values when the target keeps Z."""
    return {"ELE_AS_25D": "YES"} if driver == "GPX" and options.z else {}


class Source:
    """An opened, checked layer, read in batches."""

    def __init__(
        self,
        *,
        info: SourceInfo,
        path: str,
        driver: str,
        layer: str,
        crs: SourceCRS,
        read_codec: str | None,
        invalid: str,
        geometry: GeometryOptions = POINTS,
    ):
        self.info = info
        self._geometry = geometry
        self._path = path
        self._driver = driver
        self._layer = layer
        self._crs = crs
        self._read_codec = read_codec
        self._invalid = invalid
        self._transformer = None if crs.epsg == 4326 else crs.to_wgs84()

    @property
    def unit(self) -> str:
        """What a numbered item is called in messages: a CSV has rows, other formats features."""
        return "row" if self._driver == "CSV" else "feature"

    def _read(self, skip: int, count: int | None) -> tuple[dict[str, np.ndarray], np.ndarray]:
        meta, _fids, wkb, values = ogr_read(
            self._path,
            layer=self._layer,
            encoding=self._read_codec,
            skip_features=skip,
            max_features=count,
            read_geometry=self._driver != "CSV",
            datetime_as_string=True,
            **open_options(self._driver, self._geometry),
        )
        fields = dict(zip(meta["fields"], values, strict=True))
        if self._driver == "CSV":
            return fields, np.full(len(values[0]) if values else 0, None, dtype=object)
        return fields, np.asarray(wkb, dtype=object)

    def _batch(self, start: int, fields: dict[str, np.ndarray], wkb: np.ndarray) -> FeatureBatch:
        rejected: list[Problem] = []
        geometries = shapely.from_wkb(wkb, on_invalid="ignore")
        unreadable = np.flatnonzero(shapely.is_missing(geometries) & (wkb != None))  # noqa: E711 (element-wise)
        reason = _("the geometry cannot be read (a line of one point?)")
        rejected += [Problem(int(i), "geometry", reason) for i in unreadable]
        if self._driver == "CSV":
            geometries, found = csv_geometries(fields, self.info.csv_columns)
            rejected += found
        prepared = geometries_prepare(
            geometries, transformer=self._transformer, invalid=self._invalid, options=self._geometry
        )
        seen = {problem.index for problem in rejected}
        rejected += [problem for problem in prepared.rejected if problem.index not in seen]
        rejected.sort(key=lambda problem: problem.index)
        return FeatureBatch(start=start, fields=fields, geometry=prepared, rejected=rejected)

    def batches(self, *, batch_size: int = BATCH_SIZE) -> Iterator[FeatureBatch]:
        """The layer's features in order, ``batch_size`` at a time (one pass where the format cannot seek)."""
        total = self.info.feature_count
        if not self._seekable and total <= ONE_PASS_LIMIT:
            batch_size = max(batch_size, total)
        start = 0
        while start < total:
            fields, geometries = self._read(start, batch_size)
            if len(geometries) == 0:
                break
            yield self._batch(start, fields, geometries)
            start += len(geometries)

    def sample(self, count: int = 500) -> FeatureBatch:
        """The first ``count`` features, for previews."""
        fields, geometries = self._read(0, count)
        return self._batch(0, fields, geometries)

    _seekable = True


PREVIEW_FEATURES = 500  # features read for a preview (the admin's map) and a guess of the mapping
PREVIEW_ROWS = 10  # of which the first rows are shown as a table and looked at for the names' language


def sample_rows(batch: FeatureBatch, *, limit: int = PREVIEW_ROWS) -> list[list[str]]:
    """A header row and the first ``limit`` features' attribute values, as text."""
    names = list(batch.fields)
    values = [
        ["" if batch.fields[name][i] is None else str(batch.fields[name][i]) for name in names]
        for i in range(min(limit, len(batch)))
    ]
    return [names, *values]


def _shapefile_parts(shp: Path) -> dict[str, Path]:
    """The sibling files of a shapefile by lower-case extension (.shx, .dbf, .prj, .cpg), any case on disk."""
    parts = {}
    for sibling in shp.parent.iterdir():
        if sibling.stem == shp.stem and sibling != shp:
            parts[sibling.suffix.lower()] = sibling
    return parts


def archive_notes(unpacked: Unpacked) -> list[str]:
    """What the user is told of how an archive was unpacked (name encoding, members left out)."""
    notes = []
    if unpacked.name_encoding != "utf-8":
        # Translators: %(encoding)s is the name of a code page, e.g. CP737.
        note = _("file names in the zip decoded as %(encoding)s (Greek DOS)")
        notes.append(note % {"encoding": unpacked.name_encoding.upper()})
    if unpacked.skipped:
        # Translators: %(files)s lists names of files in the zip, separated by commas.
        notes.append(_("not unpacked (unexpected type): %(files)s") % {"files": ", ".join(unpacked.skipped[:20])})
    return notes


def archive_unpack(path: Path, *, into: Path, expected: frozenset[str] | None = None) -> Unpacked:
    """Check that ``path`` is a zip file and unpack its expected members (``expected``: their extensions, default
    the GIS files') into the folder ``into`` (importers.archives: limits on the bytes written, nothing left on
    error)."""
    with path.open("rb") as handle:
        if handle.read(4) != b"PK\x03\x04":
            raise UnsafeInput(_("the content is not a zip file although the name ends in .zip"), path=path)
    return zip_unpack(path, into=into, expected=expected)


def _folder_files(folder: Path, path: Path) -> list[Path]:
    """The GIS files of an unpacked archive's folder, in name order."""
    files = sorted(f for f in folder.rglob("*") if f.suffix.lower() in VECTOR_DRIVERS and f.is_file())
    if not files:
        raise UnreadableFile(_("the zip holds no shapefile, GeoPackage, GeoJSON, CSV, KML or GPX file"), path=path)
    return files


def _data_files(path: Path, work: Path, notes: list[str]) -> tuple[list[Path], Path | None]:
    """The GIS files to choose from and the folder their layer labels are relative to (None: a single file)."""
    if path.is_dir():  # a zip unpacked before (the admin's inspection of an upload)
        return _folder_files(path, path), path
    if path.suffix.lower() != ".zip":
        return [path], None
    unpacked = archive_unpack(path, into=work / "unpacked")
    notes.extend(archive_notes(unpacked))
    return _folder_files(work / "unpacked", path), (work / "unpacked").resolve()


def _shown_path(path: str | None, *, upload: Path, root: Path | None, shown: str) -> str | None:
    """What an error names instead of a server path: the file's name, or the member's path inside the zip."""
    if path is None or path == shown or not Path(path).is_absolute():
        return path
    where = Path(path)
    if where == upload:
        return shown
    if root is not None and where.is_relative_to(root):
        return f"{shown}/{where.relative_to(root)}"
    return where.name


def _choices(files: list[Path], root: Path) -> list[LayerChoice]:
    choices = []
    for file in files:
        resolved, driver = local_vector_file(file)
        if driver == "ESRI Shapefile":
            parts = _shapefile_parts(resolved)
            for needed in (".shx", ".dbf"):
                if needed not in parts:
                    # Translators: %(extension)s is .shx or .dbf.
                    message = _("the shapefile has no %(extension)s file beside it; send all its files")
                    raise MissingPart(message % {"extension": needed}, path=file)
        try:
            names = [str(name) for name in pyogrio.list_layers(gdal_path(resolved, driver))[:, 0]]
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as error:
            # Translators: %(format)s is a GDAL driver name, e.g. GPKG; %(error)s is GDAL's message, in English.
            message = _("cannot be read as %(format)s: %(error)s") % {"format": driver, "error": error}
            raise UnreadableFile(message, path=file) from error
        prefix = str(file.relative_to(root)) if len(files) > 1 else ""
        for name in names:
            label = name if not prefix else (prefix if len(names) == 1 else f"{prefix}:{name}")
            choices.append(LayerChoice(label, resolved, name, driver))
    return choices


def _count(choice: LayerChoice) -> int:
    return pyogrio.read_info(gdal_path(choice.file, choice.driver), layer=choice.layer, force_feature_count=True)[
        "features"
    ]


def _pick(
    choices: list[LayerChoice], layer: str | None, pick_first: bool, path: Path, *, lines: bool = False
) -> LayerChoice:
    """Stage 2: the layer named, the only one, a GPX file's first non-empty preferred layer, or (``pick_first``)
    the first non-empty one."""
    labels = [c.label for c in choices]
    if layer:
        found = [c for c in choices if layer in (c.label, c.layer)]
        if len(found) != 1:
            message = _("no layer '%(layer)s'; the layers are: %(layers)s")
            raise UnknownLayer(message % {"layer": layer, "layers": ", ".join(labels)}, path=path)
        return found[0]
    if len(choices) == 1:
        return choices[0]
    if choices[0].driver == "GPX":
        for name in GPX_LINES_PREFERRED if lines else GPX_PREFERRED:
            for choice in choices:
                if choice.layer == name and _count(choice):
                    return choice
    if not pick_first:
        message = _("the file has several layers; name one of: %(layers)s")
        raise UnknownLayer(message % {"layers": ", ".join(labels)}, path=path)
    return next((c for c in choices if _count(c)), choices[0])


def _encoding(choice: LayerChoice, named: str | None, path: Path) -> Encoding:
    if named:
        return Encoding(codec_check(named, path=path), _("named by the user"))
    if choice.driver == "ESRI Shapefile":
        parts = _shapefile_parts(choice.file)
        if ".cpg" in parts and (declared := cpg_encoding(parts[".cpg"])):
            return declared
        found = encoding_detect(dbf_sample(parts[".dbf"]))
        # Translators: %(note)s says how the encoding was detected, e.g. "detected: not UTF-8".
        return Encoding(found.codec, _("%(note)s; no .cpg file") % {"note": found.note})
    if choice.driver in TRANSCODED:
        return encoding_detect(text_sample(choice.file))
    if choice.driver == "GPKG":
        return Encoding("utf-8", _("GeoPackage text is always UTF-8"))
    return Encoding("utf-8", _("as declared by the XML document"))


def _transcode(source: Path, codec: str, work: Path) -> Path:
    target = work / "utf8" / source.name
    target.parent.mkdir(parents=True, exist_ok=True)
    decoder = codecs.getincrementaldecoder(codec)(errors="replace")
    with source.open("rb") as raw, target.open("w", encoding="utf-8", newline="") as out:
        while chunk := raw.read(1024 * 1024):
            out.write(decoder.decode(chunk))
        out.write(decoder.decode(b"", final=True))
    return target


def _check_geographic(source: Source, crs: SourceCRS, srid: int | None, path: Path) -> None:
    """A file that declares (or defaults to) longitude/latitude but holds metres: refuse, naming the feature."""
    if srid is not None or not crs.crs.is_geographic or source._driver == "CSV":
        return
    _fields, wkb = source._read(0, 1000)
    bounds = shapely.bounds(shapely.from_wkb(wkb, on_invalid="ignore"))
    with np.errstate(invalid="ignore"):
        bad = np.flatnonzero(
            (np.abs(bounds[:, [0, 2]]) > 180).any(axis=1) | (np.abs(bounds[:, [1, 3]]) > 90).any(axis=1)
        )
    if len(bad):
        x, y = bounds[bad[0], 0], bounds[bad[0], 1]
        raise MissingCRS(
            _(
                "coordinates (%(x).0f, %(y).0f) are not longitude/latitude, but the file declares no other CRS; "
                "name it (e.g. --srid 2100 for the Greek Grid)"
            )
            % {"x": x, "y": y},
            path=path,
            feature=int(bad[0]) + 1,
            field="geometry",
        )


@dataclass
class _Readable:
    """The chosen layer made readable: the path GDAL opens, its codec (shapefiles), what it holds."""

    path: str
    codec: str | None
    encoding: Encoding
    details: dict


def _resolved(path: str | Path, display_name: str | None) -> Path:
    """Stage 1: the checked local file or folder (importers.safety); errors name the file, not a server path."""
    try:
        return folder_check(path) if Path(str(path)).is_dir() else path_check(path)
    except ImporterError as error:
        error.shown_as(display_name or Path(str(path)).name)
        raise


def _readable(
    choice: LayerChoice, *, encoding: str | None, work: Path, shown: str, resolved: Path, options
) -> _Readable:
    """Stage 3: the layer's text encoding (transcoding text formats to UTF-8 in ``work``) and GDAL's facts of it."""
    found = _encoding(choice, encoding, resolved)
    read_file, read_codec = choice.file, None
    if choice.driver in TRANSCODED and found.codec not in ("utf-8", "ascii"):
        read_file = _transcode(choice.file, found.codec, work)
    elif choice.driver == "ESRI Shapefile":
        read_codec = found.codec
    opened = gdal_path(read_file, choice.driver)
    try:
        details = pyogrio.read_info(
            opened,
            layer=choice.layer,
            encoding=read_codec,
            force_feature_count=True,
            **open_options(choice.driver, options),
        )
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as error:
        # Translators: %(format)s is a GDAL driver name, e.g. GPKG; %(error)s is GDAL's message, in English.
        message = _("cannot be read as %(format)s: %(error)s") % {"format": choice.driver, "error": error}
        raise UnreadableFile(message, path=shown) from error
    driver_check(opened_with=details["driver"], expected=choice.driver, path=shown)
    if not details["features"]:
        raise NoFeatures(_("the layer '%(layer)s' has no features") % {"layer": choice.label}, path=shown)
    return _Readable(path=opened, codec=read_codec, encoding=found, details=details)


def _source_crs(
    choice: LayerChoice,
    *,
    declared: str | None,
    fields: list[str],
    csv_columns: dict[str, str] | None,
    srid: int | None,
    notes: list[str],
    shown: str,
) -> tuple[SourceCRS, dict[str, str]]:
    """Stage 4: the layer's CRS (declared, named by ``srid``, or WGS 84 for a CSV's latitude/longitude columns) and
    a CSV's geometry columns."""
    columns: dict[str, str] = {}
    missing_message = ""
    if choice.driver == "CSV":
        columns = csv_columns_check(csv_columns or csv_columns_guess(fields), fields, path=shown)
        declared = "EPSG:4326" if "latitude" in columns else None
        missing_message = _("a CSV with x/y or WKT columns has no CRS; name one (e.g. --srid 2100 for the Greek Grid)")
        if "latitude" in columns and srid is None:
            notes.append(_("latitude/longitude columns: WGS 84 (EPSG:4326)"))
    elif choice.driver == "ESRI Shapefile" and ".prj" not in _shapefile_parts(choice.file):
        declared = None
        missing_message = _(
            "the shapefile has no .prj file, so its CRS is unknown; name one (e.g. --srid 2100 for the Greek Grid)"
        )
    return crs_resolve(declared, srid=srid, path=shown, missing_message=missing_message), columns


def _source_info(
    choice: LayerChoice,
    *,
    choices: list[LayerChoice],
    readable: _Readable,
    crs: SourceCRS,
    columns: dict[str, str],
    notes: list[str],
    shown: str,
) -> SourceInfo:
    """Stage 5: what the reader found, as shown before anything is imported."""
    details = readable.details
    return SourceInfo(
        file=shown,
        format=FORMAT_LABELS[choice.driver],
        layers=[c.label for c in choices],
        layer=choice.label,
        feature_count=int(details["features"]),
        fields=[str(name) for name in details["fields"]],
        field_types=[str(t) for t in details["ogr_types"]],
        geometry_type=str(details["geometry_type"] or ("Point" if columns else "None")),
        crs=crs.label,
        crs_note=crs.note,
        epsg=crs.epsg,
        encoding=readable.encoding.label,
        encoding_note=readable.encoding.note,
        codec=readable.encoding.codec,
        csv_columns=columns,
        notes=notes,
    )


@contextmanager
def source_open(
    path: str | Path,
    *,
    layer: str | None = None,
    srid: int | None = None,
    encoding: str | None = None,
    csv_columns: dict[str, str] | None = None,
    invalid: str = InvalidPolicy.REPAIR,
    pick_first: bool = False,
    display_name: str | None = None,
    notes: Sequence[str] = (),
    geometry: GeometryOptions = POINTS,
) -> Iterator[Source]:
    """Open ``path`` (a GIS file, a zip of them, or the folder a zip was unpacked into) for reading; temporary files
    are removed on exit. Errors name ``display_name`` (default: the file's name) and members' paths inside the zip,
    never a server path.

    ``layer`` picks the layer (required when there are several, unless ``pick_first``); ``srid`` names the CRS of a
    file that declares none (or overrides it); ``encoding`` overrides the detected text encoding; ``csv_columns``
    names a CSV's geometry columns ({"latitude", "longitude"}, {"x", "y"} or {"wkt"}); ``invalid`` is "repair"
    or "reject"; ``geometry`` says whether the target keeps lines and Z values (a GPX track then opens first, with
    its elevations as Z).
    """
    if invalid not in InvalidPolicy.CHOICES:
        raise ValueError(f"invalid must be one of {InvalidPolicy.CHOICES}")
    resolved = _resolved(path, display_name)
    shown = display_name or resolved.name
    work = Path(tempfile.mkdtemp(prefix="xenagos-import-")).resolve()
    root: Path | None = None
    hide = {str(work): "", str(resolved): shown, str(resolved.parent): ""}
    try:
        notes = list(notes)
        files, root = _data_files(resolved, work, notes)
        if root is not None:
            hide[str(root)] = shown
        choices = _choices(files, root or resolved.parent)
        choice = _pick(choices, layer, pick_first, resolved, lines=geometry.lines)
        readable = _readable(choice, encoding=encoding, work=work, shown=shown, resolved=resolved, options=geometry)
        crs, columns = _source_crs(
            choice,
            declared=readable.details["crs"],
            fields=[str(name) for name in readable.details["fields"]],
            csv_columns=csv_columns,
            srid=srid,
            notes=notes,
            shown=shown,
        )
        info = _source_info(
            choice, choices=choices, readable=readable, crs=crs, columns=columns, notes=notes, shown=shown
        )
        source = Source(
            info=info,
            path=readable.path,
            driver=choice.driver,
            layer=choice.layer,
            crs=crs,
            read_codec=readable.codec,
            invalid=invalid,
            geometry=geometry,
        )
        source._seekable = bool(readable.details["capabilities"].get("fast_set_next_by_index"))
        _check_geographic(source, crs, srid, Path(shown))
        yield source
    except ImporterError as error:
        error.shown_as(_shown_path(error.path, upload=resolved, root=root, shown=shown), hide=hide)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
