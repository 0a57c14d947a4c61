"""PostgreSQL for backup and restore: connection facts, the client tools of the server's version, the checks and
the table of contents that make a restore work on an empty (also a managed, non-superuser) database.

Passwords go to the PostgreSQL tools through ``PGPASSWORD`` in their environment, never on their command line."""

import dataclasses
import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

import psycopg
from psycopg import sql

from .errors import BackupError, ClientMissing, TargetNotEmpty, first_line

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
        given = {"dbname": self.name, "user": self.user, "password": self.password, "host": self.host}
        params: dict[str, Any] = {key: value for key, value in given.items() if value}
        if self.port:
            params["port"] = self.port
        try:
            return psycopg.connect(**{**params, **self.options}, autocommit=autocommit)
        except psycopg.OperationalError as error:
            raise BackupError(f"Cannot connect to the database {self.name!r}: {first_line(error)}") from error


def server_facts(database: Database) -> dict[str, Any]:
    """The server's major version, version string, PostGIS version and extensions (name, version, schema)."""
    with database.connect() as connection:
        version_num, version = cast(
            tuple[int, str],
            connection.execute(
                "SELECT current_setting('server_version_num')::int, current_setting('server_version')"
            ).fetchone(),  # one row: a SELECT without FROM
        )
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


def database_refuse_non_empty(*, database: Database) -> None:
    """Raise TargetNotEmpty when the database holds any table, view or sequence that is not an extension's."""
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


def restore_list(pg_restore: Path, *, dump: Path, database: Database, scratch: Path) -> Path:
    """pg_restore's table of contents for this database.

    Left out: CREATE EXTENSION and COMMENT ON EXTENSION (extensions are created beforehand by
    ``_create_extensions`` or an administrator, and commenting one needs its owner, which a managed database's user
    is not), and the data of extensions' own tables (PostGIS' spatial_ref_sys) when this user may not write them and
    the dump holds no rows for them (pg_dump keeps only rows added after the extension was created)."""
    listing = run([str(pg_restore), "--list", str(dump)], database=database)
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
    script = run([str(pg_restore), f"--use-list={single}", "--file=-", str(dump)], database=database)
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


def create_extensions(database: Database, *, wanted: list[dict[str, str]], present: list[dict[str, str]]) -> None:
    """Create, in one transaction, the ``wanted`` extensions that are not ``present``; name them when we may not."""
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
            f"({first_line(error)}). Ask an administrator to run, in that database: {script} Then restore again."
        ) from error


def client(tool: str, major: int) -> Path:
    """The PostgreSQL client ``tool`` of the server's major version (Debian's /usr/lib/postgresql/<major>/bin), or
    one on PATH that is at least as new."""
    versioned = Path(f"/usr/lib/postgresql/{major}/bin/{tool}")
    if versioned.is_file():
        return versioned
    found = shutil.which(tool)
    if found:
        version = re.search(r"(\d+)(?:\.\d+)?", tool_version(Path(found)))
        if version and int(version.group(1)) >= major:
            return Path(found)
    raise ClientMissing(
        f"{tool} for PostgreSQL {major} is not installed: install postgresql-client-{major} "
        f"(Debian/Ubuntu, PostgreSQL's apt repository) or put a {tool} of version {major} or newer on PATH."
    )


def run(command: list[str], *, database: Database) -> str:
    """Run a PostgreSQL client with the password in its environment; its error output becomes a BackupError."""
    result = subprocess.run(command, env=database.environment(), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
        errors = [line for line in lines if re.match(r"^(\S+: error: |ERROR: |DETAIL: |HINT: |FATAL: )", line)]
        errors = errors[:3] or lines[-3:]  # the error, not the SQL statement pg_restore echoes after it
        raise BackupError(f"{Path(command[0]).name} failed: " + (" / ".join(errors) or f"exit {result.returncode}"))
    return result.stdout


def tool_version(tool: Path) -> str:
    """What ``tool --version`` prints."""
    result = subprocess.run([str(tool), "--version"], capture_output=True, text=True, check=False)
    return result.stdout.strip()
