"""The triggers that keep a kind's cached features true (e.g. gis.PlaceFeature), generated from its declaration.

Every statement that changes what a record's feature shows deletes that record's cached rows, in the same
transaction, whoever runs it (the admin, the importers' SQL, a shell). What a feature shows is what its columns
declare they read (``Column.reads``); the kind's ``FeatureCache.watches`` say how a change in each of those tables
finds the features to forget. From these this module makes, with ``psycopg.sql``:

- for a record's own rows (``Watch.by``): a trigger per event calling ``<cache>_forget(transition table, column)``;
- for another table: one function whose DELETE runs over ``changed``: after an UPDATE, the rows whose read columns
  differ from before (so renaming a category forgets its places' features, touching a column no feature shows does
  not); after an INSERT or DELETE, when the watch asks for them, the rows written or deleted (a category's new
  English name is a new row: its places' English features fell back to the Greek one);
- TRUNCATE of a record's own tables empties the cache (TRUNCATE fires no row or DELETE trigger).

Each trigger first takes ROW EXCLUSIVE on the cache, so it waits for a fill in progress (which holds SHARE ROW
EXCLUSIVE) and its DELETE, a later statement with a newer snapshot, also sees the rows that fill wrote. The triggers
are per statement, with transition tables, so a bulk import pays one DELETE per statement, not one per row.

``cache_triggers_install`` runs after every ``migrate`` (gis/apps.py): it (re)creates what the declaration asks,
drops the cache's triggers no declaration asks for any more, and empties the cache when the features' SQL changed
(the cache's table comment keeps a fingerprint of both). ``cache_uncovered`` names a column that reads a table no
trigger watches; ``cache_triggers_check`` compares the database's triggers and functions with the declaration.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from psycopg import sql

from .kinds import FeatureCache, Kind, Watch

_STATEMENT = "FOR EACH STATEMENT"


@dataclass(frozen=True)
class Trigger:
    """One generated trigger: its name, table, event and the function it runs (with its arguments)."""

    name: str
    table: str
    event: str
    function: str
    arguments: tuple[str, ...] = ()


def read_columns(kind: Kind, table: str) -> list[str]:
    """The columns of ``table`` that the kind's features show (sorted), from its columns' ``reads``."""
    return sorted({name for column in kind.columns for name in (column.reads or {}).get(table, ())})


def cache_uncovered(kind: Kind) -> list[str]:
    """What the kind's cache would miss: a column that does not declare what it reads, or that reads a table no
    watch covers, or a watch of another table that reads none of it. Empty for a kind without a cache."""
    cache = kind.cache
    if cache is None:
        return []
    watched = {watch.table for watch in cache.watches}
    problems = []
    for column in kind.columns:
        if column.reads is None:
            problems.append(f"column '{column.name}' of {kind.name} does not declare what it reads")
            continue
        for table in sorted(set(column.reads) - watched):
            problems.append(
                f"column '{column.name}' of {kind.name} reads {table}, which no trigger of {cache.table} watches"
            )
    for watch in cache.watches:
        if watch.by is None and not read_columns(kind, watch.table):
            problems.append(f"{cache.table} watches {watch.table}, of which no column of {kind.name} reads anything")
    return problems


def _function_name(cache: FeatureCache, watch: Watch | None = None) -> str:
    return f"{cache.table}_forget" + (f"_{watch.name}" if watch else "")


def _trigger_prefix(cache: FeatureCache) -> str:
    return cache.table.split("_", 1)[-1]  # xgis_placefeature -> placefeature


def triggers(kind: Kind) -> list[Trigger]:
    """Every trigger the kind's cache needs (empty without a cache)."""
    cache = kind.cache
    if cache is None:
        return []
    prefix, result = _trigger_prefix(cache), []
    for watch in cache.watches:
        if watch.by is not None:
            for event in watch.events:
                rows = "old_rows" if event == "DELETE" else "new_rows"
                name = f"{prefix}_{watch.name}_{event.lower()}"
                result.append(Trigger(name, watch.table, event, _function_name(cache), (rows, watch.by)))
            result.append(Trigger(f"{prefix}_truncate", watch.table, "TRUNCATE", f"{cache.table}_forget_all"))
        else:
            for event in watch.events:
                name = f"{prefix}_{watch.name}_{event.lower()}"
                result.append(Trigger(name, watch.table, event, _function_name(cache, watch)))
    return result


def _compared(alias: str, columns: Iterable[str]) -> sql.Composed:
    return sql.SQL("({})").format(sql.SQL(", ").join(sql.Identifier(alias, column) for column in columns))


def function_bodies(kind: Kind) -> dict[str, sql.Composable]:
    """{function name: its PL/pgSQL body} for the kind's cache (empty without a cache)."""
    cache = kind.cache
    if cache is None:
        return {}
    table = sql.Identifier(cache.table)
    lock = sql.SQL("LOCK TABLE {} IN ROW EXCLUSIVE MODE;").format(table)
    bodies: dict[str, sql.Composable] = {
        # rows named by a transition table (TG_ARGV[0]) through one of its columns (TG_ARGV[1]): the record's id
        _function_name(cache): sql.SQL(
            "EXECUTE format('DELETE FROM {} c USING (SELECT DISTINCT %2$I AS id FROM %1$I) t "
            "WHERE c.{} = t.id', TG_ARGV[0], TG_ARGV[1]);"
        ).format(table, sql.Identifier(cache.record_column)),
        f"{cache.table}_forget_all": sql.SQL("DELETE FROM {};").format(table),
    }
    for watch in cache.watches:
        if watch.by is not None:
            continue
        columns = read_columns(kind, watch.table)
        names = {"cache": cache.table, "table": watch.table, "records": kind.table, **watch.identifiers}
        forget = sql.SQL(watch.forget).format(**{key: sql.Identifier(value) for key, value in names.items()})
        changed = {
            "UPDATE": sql.SQL(
                "SELECT n.* FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE {} IS DISTINCT FROM {}"
            ).format(_compared("n", columns), _compared("o", columns)),
            "INSERT": sql.SQL("SELECT * FROM new_rows"),  # a new row (say, a name's translation) may be shown
            "DELETE": sql.SQL("SELECT * FROM old_rows"),
        }
        branches = [
            sql.SQL("{} TG_OP = {} THEN WITH changed AS ({}) {};").format(
                sql.SQL("IF" if index == 0 else "ELSIF"), sql.Literal(event), changed[event], forget
            )
            for index, event in enumerate(watch.events)
        ]
        bodies[_function_name(cache, watch)] = sql.Composed([*branches, sql.SQL(" END IF;")])
    return {name: sql.Composed([lock, sql.SQL(" "), body]) for name, body in bodies.items()}


def _text(composable: sql.Composable) -> str:
    connection.ensure_connection()
    return composable.as_string(connection.connection)


def _function_sql(name: str, body: str) -> sql.Composed:
    source = f"\nBEGIN\n    {body}\n    RETURN NULL;\nEND\n"
    return sql.SQL("CREATE OR REPLACE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql AS {}").format(
        sql.Identifier(name), sql.Literal(source)
    )


def _trigger_sql(trigger: Trigger) -> sql.Composed:
    referencing: sql.Composable
    if trigger.event == "TRUNCATE":
        referencing = sql.SQL("")
    elif trigger.event == "UPDATE" and not trigger.arguments:  # compares old and new rows
        referencing = sql.SQL("REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows ")
    else:  # names the records by the rows' id column: the new rows (of an UPDATE too) or the deleted ones
        rows = "OLD" if trigger.event == "DELETE" else "NEW"
        referencing = sql.SQL("REFERENCING {} TABLE AS {} ").format(
            sql.SQL(rows), sql.Identifier(f"{rows.lower()}_rows")
        )
    return sql.SQL("CREATE OR REPLACE TRIGGER {} AFTER {} ON {} {}{} EXECUTE FUNCTION {}({})").format(
        sql.Identifier(trigger.name),
        sql.SQL(trigger.event),
        sql.Identifier(trigger.table),
        referencing,
        sql.SQL(_STATEMENT),
        sql.Identifier(trigger.function),
        sql.SQL(", ").join(sql.Literal(argument) for argument in trigger.arguments),
    )


def fingerprint(kind: Kind) -> str:
    """A hash of the kind's generated triggers and functions and of its features' SQL: when it changes, the
    triggers are made again and every cached feature is forgotten."""
    from .queries import feature_sql

    parts = [_text(_trigger_sql(trigger)) for trigger in triggers(kind)]
    parts += [f"{name}:{_text(body)}" for name, body in sorted(function_bodies(kind).items())]
    parts.append(_text(feature_sql(kind)))
    return "xenagos cache " + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _installed(cache: FeatureCache) -> list[tuple[str, str, str]]:
    """(trigger, table, function) of every trigger in the database that runs one of the cache's functions."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.tgname, t.tgrelid::regclass::text, p.proname FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid"
            " WHERE NOT t.tgisinternal AND p.proname LIKE %s",
            [cache.table.replace("_", r"\_") + r"\_forget%"],
        )
        return cursor.fetchall()


def cache_triggers_install(kind: Kind, *, force: bool = False) -> bool:
    """Make the database's triggers of the kind's cache what its declaration asks (nothing to do when the stored
    fingerprint matches, unless ``force``); True when anything was written."""
    cache = kind.cache
    if cache is None:
        return False
    mark = fingerprint(kind)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT obj_description(%s::regclass, 'pg_class')", [cache.table])
        if cursor.fetchone()[0] == mark and not force:
            return False
        cursor.execute(sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(sql.Identifier(cache.table)))
        for name, body in function_bodies(kind).items():
            cursor.execute(_text(_function_sql(name, _text(body))))
        wanted = triggers(kind)
        for trigger in wanted:
            cursor.execute(_text(_trigger_sql(trigger)))
        keep = {(trigger.name, trigger.table) for trigger in wanted}
        for name, table, _function in _installed(cache):
            if (name, table) not in keep:
                cursor.execute(sql.SQL("DROP TRIGGER {} ON {}").format(sql.Identifier(name), sql.Identifier(table)))
        cursor.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(cache.table)))  # built by other SQL
        cursor.execute(sql.SQL("COMMENT ON TABLE {} IS {}").format(sql.Identifier(cache.table), sql.Literal(mark)))
    return True


def cache_triggers_check(kind: Kind) -> list[str]:
    """Where the database differs from the kind's declaration: a trigger missing, running another function or one
    no declaration asks for, or a function whose body is not the generated one (say, comparing fewer columns)."""
    cache = kind.cache
    if cache is None:
        return []
    problems = []
    installed = {(name, table): function for name, table, function in _installed(cache)}
    wanted = triggers(kind)
    for trigger in wanted:
        found = installed.get((trigger.name, trigger.table))
        if found != trigger.function:
            problems.append(f"trigger {trigger.name} on {trigger.table} should run {trigger.function}(), found {found}")
    extra = set(installed) - {(trigger.name, trigger.table) for trigger in wanted}
    problems += [f"trigger {name} on {table} is not declared" for name, table in sorted(extra)]
    with connection.cursor() as cursor:
        for name, body in function_bodies(kind).items():
            cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = %s", [name])
            row = cursor.fetchone()
            if row is None or _text(body) not in row[0]:
                problems.append(f"function {name}() is not what the declaration of {kind.name} generates")
    return problems


def kinds_cache_triggers_install(kinds: Iterable[Kind]) -> list[str]:
    """Install the cache triggers of every kind that declares a cache; the names of those written."""
    return [kind.name for kind in kinds if cache_triggers_install(kind)]
