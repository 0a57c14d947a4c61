"""Backup and restore of a whole installation: the database and every media file, in one tar archive.

An archive holds, in this order:

- ``database.dump``: ``pg_dump -Fc`` of the database (the pg_dump of the server's own major version);
- ``media/<storage>/<name>``: every file of ``STORAGES["default"]`` and, when configured, ``STORAGES["tiles"]``,
  read through Django's storage API (local disk or S3 alike);
- ``manifest.json`` (last, because it holds the checksums of everything before it): format, creation time,
  Xenagos/Django/Wagtail/PostgreSQL/PostGIS versions, the database's extensions, and each member's size and
  SHA-256.

Restoring verifies every checksum before it writes anything, refuses a database or media store that is not
empty, creates missing extensions, writes the media through the storage API, then ``pg_restore
--single-transaction`` the database; a failure of the database restore deletes the media it wrote, so nothing is
left half-restored (only the extensions it created stay).
Passwords go to the PostgreSQL tools through ``PGPASSWORD`` in their environment, never on their command line.
"""

from .archive import DUMP_MEMBER, MANIFEST_MEMBER, backup_create, backup_restore
from .errors import ArchiveCorrupt, BackupError, ClientMissing, TargetNotEmpty
from .media import media_storages, storage_files
from .postgres import Database

__all__ = [
    "DUMP_MEMBER",
    "MANIFEST_MEMBER",
    "ArchiveCorrupt",
    "BackupError",
    "ClientMissing",
    "Database",
    "TargetNotEmpty",
    "backup_create",
    "backup_restore",
    "media_storages",
    "storage_files",
]
