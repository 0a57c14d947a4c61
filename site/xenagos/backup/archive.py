"""The archive: ``backup_create`` writes it, ``backup_restore`` verifies it and restores it (see the package)."""

import contextlib
import io
import json
import lzma
import os
import platform
import posixpath
import shutil
import subprocess
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, BinaryIO, cast

import django
import psycopg
import wagtail
from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage

from .errors import ArchiveCorrupt, BackupError, first_line
from .media import Hashing, media_refuse_non_empty, storage_files
from .postgres import (
    Database,
    client,
    create_extensions,
    database_refuse_non_empty,
    restore_list,
    run,
    server_facts,
    tool_version,
)

FORMAT = "xenagos-backup"
FORMAT_VERSION = 1
DUMP_MEMBER = "database.dump"
MANIFEST_MEMBER = "manifest.json"
MEDIA_PREFIX = "media/"
MANIFEST_MAX_BYTES = 256 * 1024 * 1024
CHUNK = 1 << 20
PROGRESS_EVERY_S = 2.0
COMPRESSIONS = {".gz": "gz", ".tgz": "gz", ".xz": "xz", ".txz": "xz"}

Progress = Callable[[str], None]


def backup_create(
    *, path: Path, database: Database, media: Mapping[str, Storage], progress: Progress
) -> dict[str, Any]:
    """Write one archive of ``database`` and every file of the ``media`` storages to ``path``; return its manifest.

    The archive is written to ``<path>.partial`` (mode 0600: it holds password hashes) and renamed when complete;
    any failure removes the partial file. Compressed when ``path`` ends in .gz/.tgz or .xz/.txz."""
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} already exists; choose a new name (e.g. with the date) or move the old one.")
    partial = path.with_name(path.name + ".partial")
    server = server_facts(database)
    pg_dump = client("pg_dump", server["major"])
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise BackupError(f"{partial} exists: another backup is running or one was interrupted; remove it.") from None
    except OSError as error:
        raise BackupError(f"Cannot write {partial}: {error.strerror}.") from error
    try:
        with os.fdopen(fd, "wb") as raw:
            compression = COMPRESSIONS.get(path.suffix.lower(), "")
            mode = f"w|{compression}"  # "w|", "w|gz" or "w|xz"
            with tarfile.open(fileobj=raw, mode=mode, format=tarfile.PAX_FORMAT) as archive:  # type: ignore[call-overload]
                dump = _add_dump(archive, database=database, pg_dump=pg_dump, folder=partial.parent, progress=progress)
                files = _add_media(archive, media=media, progress=progress)
                manifest = _manifest(server=server, pg_dump=pg_dump, dump=dump, files=files, media=media)
                _add_bytes(archive, MANIFEST_MEMBER, json.dumps(manifest, indent=2, ensure_ascii=False).encode())
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return manifest


def _add_dump(
    archive: tarfile.TarFile, *, database: Database, pg_dump: Path, folder: Path, progress: Progress
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix=".xenagos-backup-", dir=folder) as scratch:
        dump = Path(scratch) / DUMP_MEMBER
        progress(f"Dumping database {database.name} with {pg_dump} ...")
        started = time.monotonic()
        run([str(pg_dump), "--format=custom", "--no-password", f"--file={dump}"], database=database)
        size = dump.stat().st_size
        progress(f"  database: {_size(size)} in {time.monotonic() - started:.1f} s")
        with dump.open("rb") as handle:
            digest = _add_stream(archive, DUMP_MEMBER, handle, size)
    return {"member": DUMP_MEMBER, "size": size, "sha256": digest}


def _add_media(archive: tarfile.TarFile, *, media: Mapping[str, Storage], progress: Progress) -> list[dict[str, Any]]:
    listed = [(alias, name) for alias, storage in media.items() for name in storage_files(storage)]
    sizes = []
    for alias, name in listed:
        try:
            sizes.append(media[alias].size(name))
        except OSError as error:
            raise BackupError(f"Cannot read the media file {alias}:{name} ({error.strerror or error}).") from error
    total = sum(sizes)
    progress(f"Media: {len(listed)} files, {_size(total)} ...")
    files, done, shown = [], 0, time.monotonic()
    for count, ((alias, name), size) in enumerate(zip(listed, sizes, strict=True), start=1):
        try:
            with media[alias].open(name, "rb") as handle:
                digest = _add_stream(archive, f"{MEDIA_PREFIX}{alias}/{name}", cast(BinaryIO, handle), size)
        except OSError as error:
            raise BackupError(
                f"Cannot read the media file {alias}:{name}, or it changed while it was being backed up ({error})."
            ) from error
        files.append({"storage": alias, "name": name, "size": size, "sha256": digest})
        done += size
        if time.monotonic() - shown >= PROGRESS_EVERY_S or count == len(listed):
            shown = time.monotonic()
            progress(f"  media: {count}/{len(listed)} files, {_size(done)} of {_size(total)}")
    return files


def _manifest(
    *,
    server: dict[str, Any],
    pg_dump: Path,
    dump: dict[str, Any],
    files: list[dict[str, Any]],
    media: Mapping[str, Storage],
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "xenagos": {"version": _xenagos_version(), "git_commit": _git_commit()},
        "python": platform.python_version(),
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "database": {
            "postgresql": server["postgresql"],
            "postgis": server["postgis"],
            "extensions": server["extensions"],
            "pg_dump": tool_version(pg_dump),
        },
        "storages": {alias: f"{type(store).__module__}.{type(store).__qualname__}" for alias, store in media.items()},
        "dump": dump,
        "media": files,
    }


def _add_stream(archive: tarfile.TarFile, member: str, handle: BinaryIO, size: int) -> str:
    info = tarfile.TarInfo(member)
    info.size, info.mtime, info.mode = size, int(time.time()), 0o600
    reader = Hashing(handle)
    archive.addfile(info, reader)  # reads exactly ``size`` bytes; raises OSError when the file is shorter
    return reader.hexdigest()


def _add_bytes(archive: tarfile.TarFile, member: str, data: bytes) -> None:
    _add_stream(archive, member, io.BytesIO(data), len(data))


def backup_restore(
    *, path: Path, database: Database, media: Mapping[str, Storage], progress: Progress
) -> dict[str, Any]:
    """Restore the archive at ``path`` into the EMPTY ``database`` and the EMPTY ``media`` storages.

    Every checksum is verified before anything is written. The extensions recorded in the manifest that the database
    lacks are created first (that needs the right to create them; on a managed database an administrator creates
    them beforehand), then the media files are written through the storage API (a ``tiles`` member goes to the
    default storage when ``media`` has no ``tiles``), then the database is restored in one transaction; if that
    fails, the media files written are deleted again. Returns the archive's manifest."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    database_refuse_non_empty(database=database)
    media_refuse_non_empty(media=media)
    server = server_facts(database)
    pg_restore = client("pg_restore", server["major"])
    with tempfile.TemporaryDirectory(prefix="xenagos-restore-") as scratch:
        dump = Path(scratch) / DUMP_MEMBER
        progress(f"Verifying {path} ...")
        manifest = _verify(path, dump=dump)
        targets = _targets(manifest, media=media)
        progress(
            f"  verified: backup of {manifest['created']}, database {_size(manifest['dump']['size'])},"
            f" {len(manifest['media'])} media files"
        )
        written: list[tuple[Storage, str]] = []
        try:
            create_extensions(database, wanted=manifest["database"]["extensions"], present=server["extensions"])
            _write_media(path, manifest=manifest, targets=targets, written=written, progress=progress)
            toc = restore_list(pg_restore, dump=dump, database=database, scratch=Path(scratch))
            progress(f"Restoring database {database.name} with {pg_restore} ...")
            started = time.monotonic()
            run(
                [
                    str(pg_restore),
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    "--exit-on-error",
                    "--no-password",
                    f"--use-list={toc}",
                    f"--dbname={psycopg.conninfo.make_conninfo(dbname=database.name)}",
                    str(dump),
                ],
                database=database,
            )
            progress(f"  database restored in {time.monotonic() - started:.1f} s")
        except BaseException:
            for storage, name in written:
                with contextlib.suppress(Exception):  # the error that stopped the restore is the one to report
                    storage.delete(name)
            raise
    with database.connect(autocommit=True) as connection:
        connection.execute("ANALYZE")  # pg_restore leaves the planner without statistics
    return manifest


def _verify(path: Path, *, dump: Path) -> dict[str, Any]:
    """Read the whole archive once: hash every member, extract the dump to ``dump``, check against the manifest."""
    found: dict[str, tuple[int, str]] = {}
    manifest_bytes = None
    try:
        with tarfile.open(path, mode="r|*") as archive:
            for member in archive:
                if not member.isfile():
                    raise ArchiveCorrupt(f"{path} is not a Xenagos backup: {member.name!r} is not a regular file.")
                if member.name in found or (member.name == MANIFEST_MEMBER and manifest_bytes is not None):
                    raise ArchiveCorrupt(f"{path} is not a Xenagos backup: {member.name!r} appears twice.")
                source = cast(BinaryIO, archive.extractfile(member))  # a regular file (checked above)
                if member.name == MANIFEST_MEMBER:
                    if member.size > MANIFEST_MAX_BYTES:
                        raise ArchiveCorrupt(f"{path} is not a Xenagos backup: its manifest is too large.")
                    manifest_bytes = source.read()
                    continue
                hashing = Hashing(source)
                if member.name == DUMP_MEMBER:
                    with dump.open("wb") as target:
                        shutil.copyfileobj(hashing, target, CHUNK)
                else:
                    while hashing.read(CHUNK):
                        pass
                found[member.name] = (member.size, hashing.hexdigest())
    except (tarfile.TarError, EOFError, zlib.error, lzma.LZMAError, OSError) as error:
        if isinstance(error, OSError) and error.filename:  # not the archive's content: the file itself
            raise BackupError(f"Cannot read {path}: {error.strerror}.") from error
        raise ArchiveCorrupt(f"{path} is damaged or not a Xenagos backup ({first_line(error)}).") from error
    if manifest_bytes is None:
        raise ArchiveCorrupt(f"{path} is damaged, truncated or not a Xenagos backup: it has no {MANIFEST_MEMBER}.")
    try:
        manifest = json.loads(manifest_bytes)
        if manifest.get("format") != FORMAT:
            raise ValueError("not a Xenagos backup manifest")
        if manifest.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"format version {manifest.get('format_version')} (this Xenagos reads {FORMAT_VERSION})")
        expected = {manifest["dump"]["member"]: manifest["dump"]}
        for entry in manifest["media"]:
            expected[f"{MEDIA_PREFIX}{entry['storage']}/{entry['name']}"] = entry
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ArchiveCorrupt(f"{path} has an unreadable manifest ({error}).") from error
    if set(expected) != set(found):
        odd = sorted(set(expected) ^ set(found))
        raise ArchiveCorrupt(f"{path} does not match its manifest: {', '.join(odd[:3])} missing or unlisted.")
    for member, entry in expected.items():
        if found[member] != (entry["size"], entry["sha256"]):
            raise ArchiveCorrupt(f"{path} is damaged: the checksum of {member} does not match its manifest.")
    return manifest


def _targets(manifest: dict[str, Any], *, media: Mapping[str, Storage]) -> dict[tuple[str, str], Storage]:
    """The storage each media file of the archive goes to; refuses unsafe names and two files on one name."""
    targets: dict[tuple[str, str], Storage] = {}
    seen: dict[tuple[int, str], str] = {}
    for entry in manifest["media"]:
        alias, name = entry["storage"], entry["name"]
        parts = name.split("/")
        if name.startswith("/") or "\\" in name or any(part in ("", ".", "..") for part in parts):
            raise ArchiveCorrupt(f"The archive names an unsafe media file: {alias}:{name!r}.")
        storage = media.get(alias, media["default"])
        key = (id(storage), name)
        if key in seen:
            raise BackupError(
                f"The media files {seen[key]} and {alias}:{name} would be written to the same name; configure "
                f"STORAGES[{alias!r}] as it was when the backup was made."
            )
        seen[key] = f"{alias}:{name}"
        targets[(alias, name)] = storage
    return targets


def _write_media(
    path: Path,
    *,
    manifest: dict[str, Any],
    targets: Mapping[tuple[str, str], Storage],
    written: list[tuple[Storage, str]],
    progress: Progress,
) -> None:
    checksums = {f"{MEDIA_PREFIX}{e['storage']}/{e['name']}": e["sha256"] for e in manifest["media"]}
    total, count, shown = len(checksums), 0, time.monotonic()
    progress(f"Writing {total} media files ...")
    try:
        with tarfile.open(path, mode="r|*") as archive:
            for member in archive:
                if not member.name.startswith(MEDIA_PREFIX):
                    continue
                alias, _, name = member.name[len(MEDIA_PREFIX) :].partition("/")
                storage = targets.get((alias, name))
                if storage is None:
                    raise ArchiveCorrupt(f"{path} changed while it was being restored: {member.name} is new.")
                reader = Hashing(cast(BinaryIO, archive.extractfile(member)))  # regular files, verified already
                content = File(reader, name=posixpath.basename(name))  # type: ignore[arg-type]  # File only reads it
                content.size = member.size
                saved = storage.save(name, content)
                written.append((storage, saved))
                if saved != name or reader.hexdigest() != checksums[member.name]:
                    raise BackupError(f"The media file {alias}:{name} could not be restored as it was backed up.")
                count += 1
                if time.monotonic() - shown >= PROGRESS_EVERY_S or count == total:
                    shown = time.monotonic()
                    progress(f"  media: {count}/{total} files")
    except (tarfile.TarError, EOFError, zlib.error, lzma.LZMAError) as error:
        raise ArchiveCorrupt(f"{path} changed while it was being restored ({first_line(error)}).") from error
    if count != total:
        raise ArchiveCorrupt(f"{path} changed while it was being restored: {total - count} media files are missing.")


def _xenagos_version() -> str | None:
    try:
        return metadata.version("xenagos")
    except metadata.PackageNotFoundError:
        return None


def _git_commit() -> str | None:
    git = shutil.which("git")
    if git is None:
        return None
    result = subprocess.run(
        [git, "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    )
    return result.stdout.strip() if result.returncode == 0 else None


def _size(size: float) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1000
    return f"{size:,.1f} TB"
