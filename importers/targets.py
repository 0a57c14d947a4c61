"""The import targets: what a file can be imported as (places, protected areas, municipality boundaries...).

A target kind registers once (``target_register``, from its app's ``AppConfig.ready``) what the import flow needs of
it: its reader options (the geometry types it accepts, whether Z values are kept), its mapping step (form and
template), its plan (the dry run: counts and problems, nothing written), its apply (atomic, idempotent on the
source key, with progress), the counts its report shows, and its labels. The run (importers.runs), the admin
screens (importers.views) and the history then serve every target the same way, knowing none by name. The key is
what ``ImportRun.kind`` stores.
"""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .errors import ImporterError
from .safety import SHAPEFILE_PARTS, VECTOR_DRIVERS

if TYPE_CHECKING:
    from gis.models import Dataset, Municipality

    from .models import ImportRun
    from .readers import Source
    from .report import ImportReport

Progress = Callable[[str, int, int], None]  # (stage, done, total)
Label = str | Promise
Inspection = tuple[dict, dict]  # (facts the source page shows, preview: first rows, features...), kept on the run
LINE_TYPES = frozenset({"LineString", "MultiLineString"})
GIS_UPLOADS = frozenset({*VECTOR_DRIVERS, ".zip"})  # the extensions an upload of a GIS target may have
GIS_ZIP_MEMBERS = frozenset({*VECTOR_DRIVERS, *SHAPEFILE_PARTS})  # the members of its zip that are unpacked
GEOMETRY_TYPES = frozenset({"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"})


@dataclass(frozen=True)
class ReaderOptions:
    """What a target accepts from the reader: geometry types (a line type keeps lines as MultiLineStrings, EPSG:4326;
    without one a line becomes a point on the line) and whether Z values (elevations, in the source's unit) are
    kept. The CRS rules are the readers' own (any declared CRS, else the one the user names)."""

    geometry_types: frozenset[str] = frozenset({"Point", "MultiPoint", "Polygon", "MultiPolygon"})
    z: bool = False

    def __post_init__(self) -> None:
        unknown = self.geometry_types - GEOMETRY_TYPES
        if unknown:
            raise ValueError(f"unknown geometry types {sorted(unknown)}; use {sorted(GEOMETRY_TYPES)}")

    @property
    def geometry(self):  # noqa: ANN201 (readers.GeometryOptions, imported lazily: the readers load GDAL)
        """The readers' geometry options for this target."""
        from .readers.options import GeometryOptions

        return GeometryOptions(lines=bool(self.geometry_types & LINE_TYPES), z=self.z)


@dataclass(frozen=True)
class ImportJob:
    """One (dry) run of a target: the local file or folder to read (``path``, from the run's ImportSource), the
    dataset and municipality it goes into, who runs it, the stored mapping rules and the reader's options."""

    path: Path
    display_name: str
    dataset: "Dataset"
    mapping: dict
    reader: ReaderOptions
    municipality: "Municipality | None" = None
    user: Any = None
    layer: str | None = None
    srid: int | None = None
    encoding: str | None = None
    run: "ImportRun | None" = None
    progress: Progress | None = None

    def open(self, **options: Any) -> AbstractContextManager["Source"]:  # noqa: ANN401
        """The job's file opened by the readers with its layer, CRS, encoding and the target's geometry options
        (``options``: the other keywords of ``readers.source_open``)."""
        from .readers import source_open

        return source_open(
            self.path,
            layer=self.layer,
            srid=self.srid,
            encoding=self.encoding,
            display_name=self.display_name,
            geometry=self.reader.geometry,
            **options,
        )

    def tell(self, stage: str, done: int, total: int) -> None:
        """Report progress (``stage``: read, compare, write, done), if anyone listens."""
        if self.progress:
            self.progress(stage, done, total)


@dataclass(frozen=True)
class InspectJob:
    """What a target's inspection reads: the prepared upload (a file, or the folder its zip was unpacked into), its
    name for messages, the run's options (layer, srid, encoding), the unpacking's notes and the reader options."""

    path: Path
    display_name: str
    options: dict
    notes: list[str]
    reader: ReaderOptions


def inspect_gis(job: InspectJob) -> Inspection:
    """The GIS inspection (the default): the file opened by the readers as the target will read it (its first layer
    unless the run names one), its facts, first rows and preview features (EPSG:4326)."""
    # the readers (pyogrio, shapely): imported here, in the worker, not in the web
    from .maps import sample_features
    from .readers.source import PREVIEW_FEATURES, PREVIEW_ROWS, sample_rows, source_open

    with source_open(
        job.path,
        layer=job.options.get("layer"),
        srid=job.options.get("srid"),
        encoding=job.options.get("encoding"),
        pick_first=True,
        display_name=job.display_name,
        notes=job.notes,
        geometry=job.reader.geometry,
    ) as opened:
        sample = opened.sample(PREVIEW_FEATURES)
        preview = {"rows": sample_rows(sample, limit=PREVIEW_ROWS), "features": sample_features(sample)}
        return opened.info.to_dict(), preview


class MappingForm(Protocol):
    """A target's mapping form: a Django form whose ``rules()`` (once valid) are the mapping the run stores."""

    def is_valid(self) -> bool:
        """Whether the submitted mapping is usable."""

    def rules(self) -> dict:
        """The mapping as the run stores it (``ImportJob.mapping``)."""


@dataclass(frozen=True)
class MappingStep:
    """The admin's mapping step of a target: ``build(run=, info=, data=)`` returns the (bound) form and extra
    context for ``template``."""

    template: str
    build: Callable[..., tuple[MappingForm, dict]]


@dataclass(frozen=True)
class ReportRow:
    """One line of a report's table of counts: the count's key and its label; with ``shown_when``, only when that
    count is not zero."""

    count: str
    label: Label
    shown_when: str = ""


@dataclass(frozen=True)
class Target:
    """A kind of record that files can be imported as. ``plan`` and ``apply`` take an ImportJob and return the
    ImportReport; ``admin_refusal`` (for a target the admin does not offer) says why and where it is imported.

    The upload: ``uploads`` are the extensions accepted, ``zip_members`` those of a zip's members that are unpacked
    (importers.archives, with its limits), ``inspect`` reads the prepared upload once in the worker (default: the GIS
    readers) and ``source_template`` shows what it found."""

    key: str
    label: Label
    reader: ReaderOptions
    plan: Callable[[ImportJob], "ImportReport"]
    apply: Callable[[ImportJob], "ImportReport"]
    report_rows: tuple[ReportRow, ...] = ()
    choice_label: Label = ""
    mapping: MappingStep | None = None
    admin_refusal: Label = ""
    uploads: frozenset[str] = GIS_UPLOADS
    zip_members: frozenset[str] = GIS_ZIP_MEMBERS
    inspect: Callable[[InspectJob], Inspection] = inspect_gis
    source_template: str = "importers/source.html"

    def rows(self, counts: dict[str, int]) -> list[tuple[str, Label, Any]]:
        """(key, label, value) of the counts the report shows (a missing count shows as nothing)."""
        return [
            (row.count, row.label, counts.get(row.count, ""))
            for row in self.report_rows
            if not row.shown_when or counts.get(row.shown_when)
        ]


_TARGETS: dict[str, Target] = {}


def target_register(target: Target) -> Target:
    """Make ``target`` known to the import flow (called from an ``AppConfig.ready``); registering a key again
    replaces it."""
    if target.admin_refusal == "" and target.mapping is None:
        raise ValueError(f"target {target.key!r}: the admin needs a mapping step (or an admin_refusal)")
    _TARGETS[target.key] = target
    return target


def target_unregister(key: str) -> None:
    """Forget the target ``key`` (tests that register a throw-away one)."""
    _TARGETS.pop(key, None)


def target_get(key: str) -> Target:
    """The target stored as ``key`` on a run; an ImporterError for a kind this installation does not know."""
    try:
        return _TARGETS[key]
    except KeyError:
        raise ImporterError(_("this kind of import is not available: %(kind)s") % {"kind": key}) from None


def targets() -> Iterator[Target]:
    """Every registered target, in registration order."""
    return iter(list(_TARGETS.values()))


def targets_offered() -> list[Target]:
    """The targets the admin's upload offers, in registration order (the first is the default)."""
    return [target for target in _TARGETS.values() if not target.admin_refusal]


def target_label(key: str) -> Label:
    """What the history says a run of ``key`` holds (the key itself for a kind no longer registered)."""
    target = _TARGETS.get(key)
    return target.label if target else key
