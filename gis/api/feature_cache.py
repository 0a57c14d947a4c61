"""The GeoJSON downloads of places read stored features (gis.PlaceFeature) instead of building each one again.

Building a feature (18 properties from six tables) is most of a download's cost; reading stored text is several
times cheaper. A kind opts in by declaring ``Kind.cache`` (only places do: a cache pays for itself on kinds with
many records read from many tables); its table is the one named there. The cache is only ever a copy: triggers
generated from the declaration delete what a write makes stale (gis/api/cache_triggers.py); a download
stores the few features missing before it reads (or, when many are missing, builds them all as before and queues
the fill for the worker), and the read itself builds any feature still missing at that moment, so a download is
never stale and never short, whatever runs concurrently.

The stream is a ``COPY ... TO STDOUT`` of blocks of BLOCK_IDS consecutive place ids, each block one text made by
PostgreSQL; Python only passes bytes on (no decoding, no per-feature work), so memory stays flat.
"""

from collections.abc import Iterator

from django.db import connection, transaction
from psycopg import sql

from ..languages import languages_json
from ..models import PlaceFeature
from . import queries
from .collections import Collection
from .filters import TRUE, all_of, municipality_is
from .kinds import PLACES
from .links import site_roots_json
from .queries import feature_sql

assert PLACES.cache is not None and PLACES.cache.table == PlaceFeature._meta.db_table
CACHE = sql.Identifier(PLACES.cache.table)
PLACE = sql.Identifier(PLACES.table)
SYNC_FILL_MAX = 20_000  # a download stores at most this many missing features itself; more go to the worker
FILL_BATCH = 20_000  # place ids per fill transaction (the lock it holds makes concurrent writers wait that long)
BLOCK_IDS = 5000  # place ids per streamed block


def _missing() -> sql.Composed:
    """A published place ``r`` without its stored feature in the language."""
    return sql.SQL("NOT EXISTS (SELECT 1 FROM {} f WHERE f.place_id = r.id AND f.language = %(lang)s)").format(CACHE)


def feature_cache_missing(*, language: str) -> int:
    """How many published places have no stored feature in ``language``. The cache only ever holds published
    places (a place that changes loses its rows), so this is a difference of two counts."""
    public = PLACES.where(municipality=None, values={})
    query = sql.SQL(
        "SELECT (SELECT count(*) {} WHERE {}) - (SELECT count(*) FROM {} WHERE language = %(lang)s)"
    ).format(PLACES.count_from(), public.sql, CACHE)
    with connection.cursor() as cursor:
        cursor.execute(query, {**public.params, "lang": language})
        return cursor.fetchone()[0]


def feature_cache_fill(*, language: str) -> int:
    """Store the feature of every published place that has none in ``language``; returns how many were written.

    Works in batches of FILL_BATCH ids, each its own transaction holding SHARE ROW EXCLUSIVE on the cache: a write
    that makes a feature stale waits for the batch to commit, then deletes what it wrote (see cache_triggers)."""
    return _fill(language) if feature_cache_missing(language=language) else 0


def _fill(language: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("SELECT min(id), max(id) FROM {}").format(PLACE))
        low, high = cursor.fetchone()
    public = PLACES.where(municipality=None, values={})
    query = sql.SQL(
        "INSERT INTO {cache} (place_id, language, municipality_id, feature)"
        " SELECT r.id, %(lang)s, r.municipality_id, {feature}::text {source} WHERE {where}"
        " AND r.id >= %(lo)s AND r.id < %(lo)s + %(block)s AND {missing} ON CONFLICT DO NOTHING"
    ).format(
        cache=CACHE,
        feature=feature_sql(PLACES),
        source=PLACES.from_clause("range"),
        where=public.sql,
        missing=_missing(),
    )
    written, roots = 0, {**queries.read_params(language), **public.params}
    for start in range(low, high + 1, FILL_BATCH):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql.SQL("LOCK TABLE {} IN SHARE ROW EXCLUSIVE MODE").format(CACHE))
            cursor.execute(query, {**roots, "lo": start, "block": FILL_BATCH})
            written += cursor.rowcount
    return written


def feature_cache_forget_all() -> None:
    """Delete every stored feature: what all of them show changed (e.g. a municipality's website moved, and with
    it the address of its places' pages)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql.SQL("LOCK TABLE {} IN ROW EXCLUSIVE MODE").format(CACHE))
        cursor.execute(sql.SQL("DELETE FROM {}").format(CACHE))


def stream_sql(*, collection: Collection, values: dict, complete: bool) -> tuple[sql.Composed, dict]:
    """The COPY query of a collection of places: one row per block of ids with stored features, then (unless the
    cache is ``complete``) blocks of the features still missing, built now. A row is a block's features joined by
    commas."""
    assert collection.kind.cache is PLACES.cache, "only places declare this cache"
    # the stored features of the municipality (their own column) and, when the filters narrow, of the places that
    # match them (the cache holds published places only: a place that changes loses its rows)
    stored_clauses: list[sql.Composable] = [
        sql.SQL("f.language = %(lang)s AND f.place_id >= b.lo AND f.place_id < b.lo + %(block)s")
    ]
    params: dict = {}
    if collection.municipality is not None:
        column = sql.Identifier("f", "municipality_id")
        cached = municipality_is(column=column, municipality_id=collection.municipality.pk)
        stored_clauses.append(cached.sql)
        params.update(cached.params)
    join: sql.Composable = sql.SQL("")
    narrowing = all_of(PLACES.narrowing(values))
    if narrowing is not TRUE:
        join = sql.SQL("JOIN {} r ON r.id = f.place_id").format(PLACE)
        stored_clauses.append(narrowing.sql)
        params.update(narrowing.params)
    stored = sql.SQL(
        """
        SELECT (SELECT string_agg(f.feature, E',\\n') FROM {cache} f {join} WHERE {conditions})
        FROM (SELECT min(id) AS lo, max(id) AS hi FROM {place}) bounds,
             generate_series(bounds.lo, bounds.hi, %(block)s) b(lo)"""
    ).format(cache=CACHE, join=join, conditions=sql.SQL(" AND ").join(stored_clauses), place=PLACE)
    building = PLACES.where(municipality=collection.municipality, values=values)
    params.update(building.params)
    missing = sql.SQL(
        """
        SELECT string_agg(x.feature, E',\\n') FROM (
            SELECT r.id, {feature}::text AS feature {source} WHERE {where} AND {missing}) x
        GROUP BY x.id / %(block)s"""
    ).format(feature=feature_sql(PLACES), source=PLACES.from_clause("page"), where=building.sql, missing=_missing())
    blocks = stored if complete else sql.SQL("{} UNION ALL {}").format(stored, missing)
    query = sql.SQL("SELECT s FROM ({}) blocks(s) WHERE s IS NOT NULL").format(blocks)
    return query, {**params, "block": BLOCK_IDS, "site_roots": site_roots_json(), "languages": languages_json()}


def stream(*, collection: Collection, values: dict, language: str) -> Iterator[bytes]:
    """The matching features, one per line, comma-separated, as chunks of bytes (the caller writes the
    FeatureCollection around them).

    With a few features missing from the cache (an edit since the last download), they are stored first. With many
    (an import not yet followed by its background fill), the features are built as they stream, as fast as before
    the cache existed, and the fill is queued for the worker."""
    for attempt in range(2):
        outermost = not connection.in_atomic_block
        with transaction.atomic(), connection.cursor() as cursor:
            if outermost:  # one snapshot for the check and the read: nothing missing in it, no fallback needed
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            missing = feature_cache_missing(language=language)
            if missing <= SYNC_FILL_MAX and (not missing or attempt):
                sql, params = stream_sql(collection=collection, values=values, complete=not missing)
                yield from _copy(cursor, sql, {**params, "lang": language})
                return
        if missing > SYNC_FILL_MAX:
            break
        _fill(language)  # just counted: some are missing
    from ..tasks import feature_cache_fill_task

    feature_cache_fill_task.enqueue(language=language)
    yield from built(queries.features_stream(collection=collection, values=values, language=language))


def built(blocks: Iterator[list[tuple]]) -> Iterator[bytes]:
    """Comma-separated Feature texts of ``queries.features_stream`` blocks, as bytes."""
    first = True
    for rows in blocks:
        for (text,) in rows:
            if text:  # None: no feature in that block of ids
                yield (text if first else ",\n" + text).encode()
                first = False


def _copy(cursor, query: sql.Composable, params: dict) -> Iterator[bytes]:
    # Binary COPY: each row's text arrives as its UTF-8 bytes, with no escaping to undo (read as bytea, not decoded).
    first = True
    with cursor.cursor.copy(sql.SQL("COPY ({}) TO STDOUT (FORMAT BINARY)").format(query), params) as copy:
        copy.set_types(["bytea"])
        for (data,) in copy.rows():
            yield data if first else b",\n" + data
            first = False
