"""Importer errors: each names the file and, where known, the feature/row and field."""

from pathlib import Path


class ImporterError(Exception):
    """Base error of the importers package; the message says what is wrong and where."""

    def __init__(
        self, message: str, *, path: Path | str | None = None, feature: int | None = None, field: str | None = None
    ):
        self.path = str(path) if path is not None else None
        self.feature = feature
        self.field = field
        self.reason = message
        where = [
            part
            for part in (
                self.path,
                f"feature {feature}" if feature is not None else None,
                f"field '{field}'" if field else None,
            )
            if part
        ]
        super().__init__(f"{': '.join([', '.join(where), message]) if where else message}")


class UnsafeInput(ImporterError):
    """A path or file that must not be handed to GDAL (virtual file systems, URLs, unexpected types)."""


class UnreadableFile(ImporterError):
    """GDAL could not read the file as any allowed format."""


class MissingCRS(ImporterError):
    """The file declares no coordinate reference system and the user named none."""


class NoFeatures(ImporterError):
    """The file or layer holds no (matching) features."""


class WrongGeometry(ImporterError):
    """A feature's geometry is not of the expected kind or cannot be repaired."""
