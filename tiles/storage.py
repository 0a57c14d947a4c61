"""Sources and archives through Django's storage API, so that a django-storages backend (S3-compatible object
storage) works as well as the local disk.

Reading a tile is one ranged read: from a local file (FileSystemStorage) with ``os.pread``; from any other
backend through ``storage.open()`` with seek and read on a file object kept open per process. (django-storages'
S3 file objects fetch the object once into a local spool on first read and serve later reads from it.)
"""

import os
import shutil
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage

from .archive import ArchiveReader

READERS_KEPT = 16


def _local_path(storage: Storage, name: str) -> Path | None:
    """The file's own path when ``storage`` keeps files on this machine's disk (FileSystemStorage)."""
    return Path(storage.path(name)) if isinstance(storage, FileSystemStorage) else None


@contextmanager
def local_copy(storage: Storage, name: str, *, suffix: str = "") -> Iterator[Path]:
    """A local path holding the stored file ``name``: the file itself on a local storage, else a temporary copy."""
    local = _local_path(storage, name)
    if local is not None:
        yield local
        return
    with tempfile.TemporaryDirectory(prefix="xenagos-tiles-") as folder:
        path = Path(folder) / f"source{suffix}"
        with storage.open(name, "rb") as remote, path.open("wb") as copy:
            shutil.copyfileobj(remote, copy, 1 << 20)
        yield path


def store_file(storage: Storage, name: str, path: Path) -> str:
    """Save the local file ``path`` in ``storage`` as ``name`` (or a free variant of it); return the stored name."""
    with path.open("rb") as handle:
        return storage.save(name, File(handle, name=path.name))


class _StorageBytes:
    """``get_bytes(offset, length)`` over one stored file, safe to share between threads."""

    def __init__(self, storage: Storage, name: str):
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._handle: File | None = None
        local = _local_path(storage, name)
        if local is not None:
            self._fd = os.open(local, os.O_RDONLY)
        else:
            self._handle = storage.open(name, "rb")

    def __call__(self, offset: int, length: int) -> bytes:
        if self._fd is not None:
            return os.pread(self._fd, length, offset)
        handle = cast(File, self._handle)  # opened whenever there is no local file
        with self._lock:
            handle.seek(offset)
            return handle.read(length)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
        elif self._handle is not None:
            self._handle.close()


class ReaderCache:
    """Open archive readers, the most recently used kept, keyed by storage and archive name (a rebuilt layer has a
    new archive name, so a stale reader is never used)."""

    def __init__(self, size: int = READERS_KEPT):
        self._size = size
        self._items: OrderedDict[tuple[Storage, str], tuple[ArchiveReader, _StorageBytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, storage: Storage, name: str) -> ArchiveReader:
        """The reader of archive ``name`` in ``storage``."""
        key = (storage, name)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key][0]
        source = _StorageBytes(storage, name)
        try:
            reader = ArchiveReader(source, name=name)
        except BaseException:
            source.close()
            raise
        with self._lock:
            self._items[key] = (reader, source)
            while len(self._items) > self._size:
                _key, (_reader, old) = self._items.popitem(last=False)
                old.close()
        return reader

    def clear(self) -> None:
        """Close every reader."""
        with self._lock:
            for _reader, source in self._items.values():
                source.close()
            self._items.clear()


readers = ReaderCache()
