"""Where an import run's data comes from: an ``ImportSource`` that the readers open.

Today a run reads an uploaded file (or the folder its zip was unpacked into): ``UploadedFile``. Another kind of
source (a harvest URL) implements the same two steps and registers a factory under its name with
``source_type_register``; a run names its source type in ``options["source"]`` (default "upload"), and the run
(importers.runs) never needs to know which it is.
"""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from django.utils.translation import gettext as _

from .errors import ImporterError

if TYPE_CHECKING:
    from .models import ImportRun
    from .targets import Progress

UPLOAD = "upload"


@dataclass(frozen=True)
class Prepared:
    """What preparing a source found: the local file or folder to read from now on, and notes for the user."""

    path: Path
    notes: list[str] = field(default_factory=list)


class ImportSource(Protocol):
    """A run's data: prepared once (an upload's zip unpacked; a harvest fetched) into the run's own folder, then
    opened by the readers as a local path as often as the run needs."""

    @property
    def display_name(self) -> str:
        """The name errors and reports give the source (a file's name, never a server path)."""

    def prepare(self, *, folder: Path, progress: "Progress", members: frozenset[str] | None = None) -> Prepared | None:
        """Make the data readable in ``folder`` (the run's own; ``members``: the extensions of the files the run's
        target reads); None when nothing had to be done."""

    def opened(self) -> AbstractContextManager[Path]:
        """The local file or folder that the readers open."""


@dataclass(frozen=True)
class UploadedFile:
    """An upload kept in the run's folder (or the folder its zip was unpacked into)."""

    path: Path | None
    display_name: str

    @classmethod
    def of_run(cls, run: "ImportRun") -> "UploadedFile":
        """The upload of ``run`` (None once its files are deleted)."""
        return cls(path=Path(run.file_path) if run.file_path else None, display_name=run.file_name)

    def prepare(self, *, folder: Path, progress: "Progress", members: frozenset[str] | None = None) -> Prepared | None:
        """Unpack a zip upload's ``members`` (extensions; default the GIS files') into ``folder``/unpacked (once) and
        delete the zip; None for any other upload."""
        from .readers.source import archive_notes, archive_unpack

        if self.path is None or self.path.suffix.lower() != ".zip" or not self.path.is_file():
            return None
        progress("unpack", 0, 2)
        try:
            unpacked = archive_unpack(self.path, into=folder / "unpacked", expected=members)
        except ImporterError as error:
            error.shown_as(self.display_name, hide={str(folder.resolve()): ""})
            raise
        self.path.unlink()
        return Prepared(path=folder / "unpacked", notes=archive_notes(unpacked))

    @contextmanager
    def opened(self) -> Iterator[Path]:
        """The upload's path; an ImporterError once it has been deleted."""
        if self.path is None:
            raise ImporterError(_("the upload has been deleted; upload the file again"), path=self.display_name)
        yield self.path


_SOURCE_TYPES: dict[str, Callable[["ImportRun"], ImportSource]] = {UPLOAD: UploadedFile.of_run}


def source_type_register(name: str, factory: Callable[["ImportRun"], ImportSource]) -> None:
    """Let runs whose ``options["source"]`` is ``name`` read from ``factory(run)`` (from an ``AppConfig.ready``)."""
    _SOURCE_TYPES[name] = factory


def run_source(run: "ImportRun") -> ImportSource:
    """The source that ``run`` reads from."""
    name = (run.options or {}).get("source") or UPLOAD
    try:
        factory = _SOURCE_TYPES[name]
    except KeyError:
        raise ImporterError(_("this kind of import is not available: %(kind)s") % {"kind": name}) from None
    return factory(run)
