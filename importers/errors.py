"""Importer errors: each names the file and, where known, the feature/row and field.

Messages are written in the language active when they are raised: the admin's (a request, or the background task
of a run started from it), English on the command line (its commands run with translations deactivated).
"""

from pathlib import Path

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


class UnsafeInput(ImporterError):
    """A path or file that must not be handed to GDAL (virtual file systems, URLs, unexpected types)."""


class UnsafeArchive(UnsafeInput):
    """A zip file that is too large once unpacked, too compressed, has too many members or unsafe names."""


class TooLarge(UnsafeInput):
    """An upload larger than the configured limit."""


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


class BadValue(ImporterError):
    """A feature's attribute cannot be used (text in a number column, an empty id...)."""


class MappingError(ImporterError):
    """A mapping that does not fit the source (unknown field, unknown category, missing id field)."""
