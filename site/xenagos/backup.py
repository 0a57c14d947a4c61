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

import contextlib
import dataclasses
import hashlib
import io
import json
import lzma
import os
import platform
import posixpath
import re
import shutil
import subprocess
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, BinaryIO

import django
import psycopg
import wagtail
from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from psycopg import sql

FORMAT = "xenagos-backup"
FORMAT_VERSION = 1
DUMP_MEMBER = "database.dump"
MANIFEST_MEMBER = "manifest.json"
MEDIA_PREFIX = "media/"
MANIFEST_MAX_BYTES = 256 * 1024 * 1024
CHUNK = 1 << 20
PROGRESS_EVERY_S = 2.0
COMPRESSIONS = {".gz": "gz", ".tgz": "gz", ".xz": "xz", ".txz": "xz"}

# libpq connection parameters that Django's OPTIONS may carry, and the environment variable of each.
LIBPQ_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "gssencmode": "PGGSSENCMODE",
    "channel_binding": "PGCHANNELBINDING",
}

Progress = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why and what to do."""


class ArchiveCorrupt(BackupError):
    """The archive is damaged, incomplete or not a Xenagos backup."""


class TargetNotEmpty(BackupError):
    """The database or media store to restore into already holds data."""


class ClientMissing(BackupError):
    """The PostgreSQL client tool matching the server is not installed."""


@dataclasses.dataclass(frozen=True)
class Database:
    """How to reach one PostgreSQL database (a Django ``DATABASES`` entry, reduced to what libpq needs)."""

    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""
    options: Mapping[str, str] = dataclasses.field(default_factory=dict)

    @classmethod
    def from_settings(cls, entry: Mapping[str, Any]) -> "Database":
        """The database of a Django ``DATABASES`` entry (Django-only OPTIONS such as ``pool`` are dropped)."""
        options = {key: str(value) for key, value in (entry.get("OPTIONS") or {}).items() if key in LIBPQ_ENV}
        return cls(
            name=entry["NAME"],
            user=entry.get("USER") or "",
            password=entry.get("PASSWORD") or "",
            host=entry.get("HOST") or "",
            port=str(entry.get("PORT") or ""),
            options=options,
        )

    def environment(self) -> dict[str, str]:
        """The environment for pg_dump/pg_restore: the current one plus PGHOST, PGPORT, PGUSER, PGPASSWORD..."""
        env = dict(os.environ)
        for variable, value in (
            ("PGDATABASE", self.name),
            ("PGUSER", self.user),
            ("PGPASSWORD", self.password),
            ("PGHOST", self.host),
            ("PGPORT", self.port),
        ):
            if value:
                env[variable] = value
        for key, value in self.options.items():
            env[LIBPQ_ENV[key]] = value
        return env

    def connect(self, *, autocommit: bool = False) -> psycopg.Connection:
        """A psycopg connection to the database."""
        params = {"dbname": self.name, "user": self.user, "password": self.password, "host": self.host}
        params = {key: value for key, value in params.items() if value}
        if self.port:
            params["port"] = self.port
        try:
            return psycopg.connect(**params, **self.options, autocommit=autocommit)
        except psycopg.OperationalError as error:
            raise BackupError(f"Cannot connect to the database {self.name!r}: {_first_line(error)}") from error


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


# --- Backup


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
    server = _server_facts(database)
    pg_dump = _client("pg_dump", server["major"])
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise BackupError(f"{partial} exists: another backup is running or one was interrupted; remove it.") from None
    except OSError as error:
        raise BackupError(f"Cannot write {partial}: {error.strerror}.") from error
    try:
        with os.fdopen(fd, "wb") as raw:
            compression = COMPRESSIONS.get(path.suffix.lower(), "")
            with tarfile.open(fileobj=raw, mode=f"w|{compression}", format=tarfile.PAX_FORMAT) as archive:
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


def _server_facts(database: Database) -> dict[str, Any]:
    with database.connect() as connection:
        version_num, version = connection.execute(
            "SELECT current_setting('server_version_num')::int, current_setting('server_version')"
        ).fetchone()
        extensions = connection.execute(
            "SELECT e.extname, e.extversion, n.nspname FROM pg_extension e"
            " JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql' ORDER BY e.extname"
        ).fetchall()
    names = {name: version for name, version, _schema in extensions}
    return {
        "major": version_num // 10000,
        "postgresql": version,
        "postgis": names.get("postgis"),
        "extensions": [{"name": name, "version": ver, "schema": schema} for name, ver, schema in extensions],
    }


def _add_dump(
    archive: tarfile.TarFile, *, database: Database, pg_dump: Path, folder: Path, progress: Progress
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix=".xenagos-backup-", dir=folder) as scratch:
        dump = Path(scratch) / DUMP_MEMBER
        progress(f"Dumping database {database.name} with {pg_dump} ...")
        started = time.monotonic()
        _run([str(pg_dump), "--format=custom", "--no-password", f"--file={dump}"], database=database)
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
                digest = _add_stream(archive, f"{MEDIA_PREFIX}{alias}/{name}", handle, size)
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
            "pg_dump": _tool_version(pg_dump),
        },
        "storages": {alias: f"{type(store).__module__}.{type(store).__qualname__}" for alias, store in media.items()},
        "dump": dump,
        "media": files,
    }


def _add_stream(archive: tarfile.TarFile, member: str, handle: BinaryIO, size: int) -> str:
    info = tarfile.TarInfo(member)
    info.size, info.mtime, info.mode = size, int(time.time()), 0o600
    reader = _Hashing(handle)
    archive.addfile(info, reader)  # reads exactly ``size`` bytes; raises OSError when the file is shorter
    return reader.hexdigest()


def _add_bytes(archive: tarfile.TarFile, member: str, data: bytes) -> None:
    _add_stream(archive, member, io.BytesIO(data), len(data))


class _Hashing:
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
        return self._hash.hexdigest()


# --- Restore


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
    _refuse_non_empty(database=database, media=media)
    server = _server_facts(database)
    pg_restore = _client("pg_restore", server["major"])
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
            _create_extensions(database, wanted=manifest["database"]["extensions"], present=server["extensions"])
            _write_media(path, manifest=manifest, targets=targets, written=written, progress=progress)
            toc = _restore_list(pg_restore, dump=dump, database=database, scratch=Path(scratch))
            progress(f"Restoring database {database.name} with {pg_restore} ...")
            started = time.monotonic()
            _run(
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


def _refuse_non_empty(*, database: Database, media: Mapping[str, Storage]) -> None:
    with database.connect() as connection:
        tables = connection.execute(
            """
            SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
              AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
              AND NOT EXISTS (  -- tables of extensions (PostGIS' spatial_ref_sys) do not count
                SELECT 1 FROM pg_depend d
                WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
            ORDER BY 1 LIMIT 4
            """
        ).fetchall()
    if tables:
        names = ", ".join(name for (name,) in tables[:3]) + (", ..." if len(tables) > 3 else "")
        raise TargetNotEmpty(
            f"The database {database.name!r} is not empty (it has {names}). Restore only into an empty database: "
            "create a new one (with no `manage.py migrate` run on it), or drop and recreate this one."
        )
    for alias, storage in media.items():
        for name in storage_files(storage):
            raise TargetNotEmpty(
                f"The media storage {alias!r} is not empty (it has {name}). Restore only into an empty media store."
            )


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
                source = archive.extractfile(member)
                if member.name == MANIFEST_MEMBER:
                    if member.size > MANIFEST_MAX_BYTES:
                        raise ArchiveCorrupt(f"{path} is not a Xenagos backup: its manifest is too large.")
                    manifest_bytes = source.read()
                    continue
                hashing = _Hashing(source)
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
        raise ArchiveCorrupt(f"{path} is damaged or not a Xenagos backup ({_first_line(error)}).") from error
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
                reader = _Hashing(archive.extractfile(member))
                content = File(reader, name=posixpath.basename(name))
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
        raise ArchiveCorrupt(f"{path} changed while it was being restored ({_first_line(error)}).") from error
    if count != total:
        raise ArchiveCorrupt(f"{path} changed while it was being restored: {total - count} media files are missing.")


def _restore_list(pg_restore: Path, *, dump: Path, database: Database, scratch: Path) -> Path:
    """pg_restore's table of contents for this database.

    Left out: CREATE EXTENSION and COMMENT ON EXTENSION (extensions are created beforehand by
    ``_create_extensions`` or an administrator, and commenting one needs its owner, which a managed database's user
    is not), and the data of extensions' own tables (PostGIS' spatial_ref_sys) when this user may not write them and
    the dump holds no rows for them (pg_dump keeps only rows added after the extension was created)."""
    listing = _run([str(pg_restore), "--list", str(dump)], database=database)
    extension = re.compile(r"^\d+; \d+ \d+ (EXTENSION|COMMENT - EXTENSION) ")
    table_data = re.compile(r"^\d+; \d+ \d+ TABLE DATA (\S+) (\S+) ")
    read_only = _read_only_extension_tables(database)
    kept = []
    for line in listing.splitlines():
        if extension.match(line):
            continue
        data = table_data.match(line)
        if data and (data.group(1), data.group(2)) in read_only:
            rows = _dumped_rows(pg_restore, dump=dump, entry=line, database=database, scratch=scratch)
            if rows == 0:
                continue
            raise BackupError(
                f"The backup holds {rows} rows added to {data.group(1)}.{data.group(2)} (a table of an extension), "
                f"which the user {database.user or '(default)'} may not write; ask an administrator to grant INSERT on "
                "it, or restore as the database's owner."
            )
        kept.append(line)
    toc = scratch / "restore.list"
    toc.write_text("\n".join(kept) + "\n")
    return toc


def _read_only_extension_tables(database: Database) -> set[tuple[str, str]]:
    """Tables that belong to an extension and that the connecting user may not insert into."""
    with database.connect() as connection:
        rows = connection.execute(
            """
            SELECT n.nspname, c.relname FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
            WHERE c.relkind = 'r' AND NOT has_table_privilege(c.oid, 'INSERT')
            """
        ).fetchall()
    return {(schema, table) for schema, table in rows}


def _dumped_rows(pg_restore: Path, *, dump: Path, entry: str, database: Database, scratch: Path) -> int:
    """How many rows the dump holds for one TABLE DATA entry of its table of contents."""
    single = scratch / "entry.list"
    single.write_text(entry + "\n")
    script = _run([str(pg_restore), f"--use-list={single}", "--file=-", str(dump)], database=database)
    rows, copying = 0, False
    for line in script.splitlines():
        if copying:
            if line == "\\.":
                copying = False
            else:
                rows += 1
        elif line.startswith("COPY ") and line.endswith("FROM stdin;"):
            copying = True
    return rows


def _create_extensions(database: Database, *, wanted: list[dict[str, str]], present: list[dict[str, str]]) -> None:
    missing = [entry for entry in wanted if entry["name"] not in {e["name"] for e in present}]
    if not missing:
        return
    statements = [
        sql.SQL("CREATE EXTENSION IF NOT EXISTS {} WITH SCHEMA {}").format(
            sql.Identifier(entry["name"]), sql.Identifier(entry["schema"])
        )
        for entry in missing
    ]
    try:
        with database.connect() as connection, connection.transaction():
            for statement in statements:
                connection.execute(statement)
    except psycopg.Error as error:
        script = " ".join(statement.as_string(None) + ";" for statement in statements)
        raise BackupError(
            f"The database {database.name!r} lacks extensions that the backup uses, and this user cannot create them "
            f"({_first_line(error)}). Ask an administrator to run, in that database: {script} Then restore again."
        ) from error


# --- Helpers


def _client(tool: str, major: int) -> Path:
    """The PostgreSQL client ``tool`` of the server's major version (Debian's /usr/lib/postgresql/<major>/bin), or
    one on PATH that is at least as new."""
    versioned = Path(f"/usr/lib/postgresql/{major}/bin/{tool}")
    if versioned.is_file():
        return versioned
    found = shutil.which(tool)
    if found:
        version = re.search(r"(\d+)(?:\.\d+)?", _tool_version(Path(found)))
        if version and int(version.group(1)) >= major:
            return Path(found)
    raise ClientMissing(
        f"{tool} for PostgreSQL {major} is not installed: install postgresql-client-{major} "
        f"(Debian/Ubuntu, PostgreSQL's apt repository) or put a {tool} of version {major} or newer on PATH."
    )


def _run(command: list[str], *, database: Database) -> str:
    """Run a PostgreSQL client with the password in its environment; its error output becomes a BackupError."""
    result = subprocess.run(command, env=database.environment(), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
        errors = [line for line in lines if re.match(r"^(\S+: error: |ERROR: |DETAIL: |HINT: |FATAL: )", line)]
        errors = errors[:3] or lines[-3:]  # the error, not the SQL statement pg_restore echoes after it
        raise BackupError(f"{Path(command[0]).name} failed: " + (" / ".join(errors) or f"exit {result.returncode}"))
    return result.stdout


def _tool_version(tool: Path) -> str:
    result = subprocess.run([str(tool), "--version"], capture_output=True, text=True, check=False)
    return result.stdout.strip()


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


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _size(size: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1000
    return f"{size:,.1f} TB"
