"""Media for backup and restore: the storages a backup holds, walked through Django's storage API (local disk or
S3 alike), and a reader that hashes what passes through it."""

import hashlib
import posixpath
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages

from .errors import TargetNotEmpty


def media_storages() -> dict[str, Storage]:
    """The storages whose files a backup holds: ``default``, and ``tiles`` when configured apart from it.

    A local tile storage inside ``MEDIA_ROOT`` is already walked as part of the default storage, so it is left out.
    A restore writes a ``tiles`` member into the default storage when no ``tiles`` storage is configured, which is
    where ``tiles.models.tiles_storage()`` then looks for it."""
    chosen = {"default": storages["default"]}
    if "tiles" in settings.STORAGES:
        tiles, default = storages["tiles"], storages["default"]
        inside_default = (
            isinstance(tiles, FileSystemStorage)
            and isinstance(default, FileSystemStorage)
            and Path(tiles.location).resolve().is_relative_to(Path(default.location).resolve())
        )
        if not inside_default:
            chosen["tiles"] = tiles
    return chosen


def storage_files(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file name in ``storage`` (relative, ``/``-separated), depth first, in sorted order."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a local storage whose folder does not exist yet: empty
        return
    for name in sorted(files):
        yield posixpath.join(folder, name) if folder else name
    for name in sorted(folders):
        yield from storage_files(storage, posixpath.join(folder, name) if folder else name)


def media_refuse_non_empty(*, media: Mapping[str, Storage]) -> None:
    """Raise TargetNotEmpty when any of the storages holds a file."""
    for alias, storage in media.items():
        for name in storage_files(storage):
            raise TargetNotEmpty(
                f"The media storage {alias!r} is not empty (it has {name}). Restore only into an empty media store."
            )


class Hashing:
    """A read-only, forward-only file wrapper that hashes (SHA-256) what is read through it."""

    closed = False

    def __init__(self, handle: BinaryIO):
        self._handle = handle
        self._hash = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size)
        self._hash.update(data)
        return data

    def hexdigest(self) -> str:
        """The SHA-256 of what was read, in hex."""
        return self._hash.hexdigest()
