"""Where tile sets live: ``STORAGES["tiles"]`` when configured (object storage, as tile archives), else the default
storage under ``iiif/`` (MEDIA_ROOT, never served as files: xenagos.files serves only ``images/``)."""

from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, default_storage, storages

PREFIX = "iiif"


def iiif_storage() -> Storage:
    """The storage of IIIF tile sets."""
    return storages["tiles"] if "tiles" in settings.STORAGES else default_storage


def folder_store(*, storage: Storage, folder: Path, name: str) -> int:
    """Copy every file under local ``folder`` to ``name``/<relative path> in ``storage``; returns how many."""
    count = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        target = f"{name}/{path.relative_to(folder).as_posix()}"
        with path.open("rb") as handle:
            stored = storage.save(target, File(handle))
        if stored != target:  # a fresh folder: a renamed file means someone else wrote there
            raise RuntimeError(f"{target} already existed in the tiles storage")
        count += 1
    return count


def folder_delete(*, storage: Storage, name: str) -> None:
    """Delete ``name`` and everything under it from ``storage`` (nothing when it is absent)."""
    if not name or not storage.exists(name):
        return
    folders, files = storage.listdir(name)
    for file in files:
        storage.delete(f"{name}/{file}")
    for sub in folders:
        folder_delete(storage=storage, name=f"{name}/{sub}")
    try:
        storage.delete(name)  # FileSystemStorage removes the empty folder; object storage has none
    except OSError:
        pass
