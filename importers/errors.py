"""Importer errors: each names the file and, where known, the feature/row and field.

Messages are written in the language active when they are raised: the admin's (a request, or the background task
of a run started from it), English on the command line (its commands run with translations deactivated).
"""

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from django.utils.translation import gettext as _


class ImporterError(Exception):
    """Base error of the importers package; the message says what is wrong and where.

    ``feature`` is the 1-based feature number in the source; for spreadsheets (CSV) pass ``row`` instead, the
    1-based data row (the header is not counted).
    """

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        feature: int | None = None,
        field: str | None = None,
        row: int | None = None,
    ):
        self.path = str(path) if path is not None else None
        self.feature = feature if feature is not None else row
        self.unit = "row" if row is not None and feature is None else "feature"
        self.field = field
        self.reason = message
        where = [self.path] if self.path else []
        if self.feature is not None:
            number = {"n": self.feature}
            where.append(_("row %(n)s") % number if self.unit == "row" else _("feature %(n)s") % number)
        if field:
            where.append(_("field '%(name)s'") % {"name": field})
        super().__init__(f"{', '.join(where)}: {message}" if where else message)

    def shown_as(self, path: str | None, *, hide: Mapping[str, str] = MappingProxyType({})) -> "ImporterError":
        """This error naming ``path`` (the file's name, not where the server keeps it), with each folder in ``hide``
        replaced by what the user may see in the explanation too; returns self."""
        reason = paths_hidden(self.reason, hide=hide)
        row = self.feature if self.unit == "row" else None
        feature = None if self.unit == "row" else self.feature
        ImporterError.__init__(self, reason, path=path, feature=feature, field=self.field, row=row)
        return self


def paths_hidden(text: str, *, hide: Mapping[str, str]) -> str:
    """``text`` with each folder of ``hide`` (longest first) replaced by its shown name (a file name, or "")."""
    for folder in sorted(hide, key=len, reverse=True):
        if len(folder.rstrip("/")) < 2:  # the file system's root: nothing to hide
            continue
        shown = hide[folder]
        text = text.replace(folder.rstrip("/") + "/", f"{shown}/" if shown else "").replace(folder, shown)
    return text


class UnsafeInput(ImporterError):
    """A path or file that must not be handed to GDAL (virtual file systems, URLs, unexpected types)."""


class UnsafeArchive(UnsafeInput):
    """A zip file that is too large once unpacked, too compressed, has too many members or unsafe names."""


class UnreadableFile(ImporterError):
    """GDAL could not read the file as any allowed format."""


class MissingPart(UnreadableFile):
    """A shapefile without one of the files it needs (.shx, .dbf; .prj unless a CRS is named)."""


class MissingCRS(ImporterError):
    """The file declares no coordinate reference system and the user named none."""


class NoFeatures(ImporterError):
    """The file or layer holds no (matching) features."""


class UnknownLayer(ImporterError):
    """The named layer is not in the file."""


class WrongGeometry(ImporterError):
    """A feature's geometry is not of the expected kind or cannot be repaired."""


class MappingError(ImporterError):
    """A mapping that does not fit the source (unknown field, unknown category, missing id field)."""
