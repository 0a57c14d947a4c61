"""GeoJSON documents assembled by PostgreSQL: a FeatureCollection around features that PostGIS made, with foreign
members from Python (encoded by ``json``, decoded by PostgreSQL) or from SQL. No JSON is cut open or pasted
together as text."""

import json
from collections.abc import Mapping
from typing import Any

from psycopg import sql

from .api.filters import Clause


def collection_sql(*, members: Mapping[str, Any], features: sql.Composable) -> Clause:
    """SQL of a GeoJSON FeatureCollection (a ``json`` value): ``"type"``, then ``members`` in their order (each a
    Python value, passed as a JSON parameter, or an ``sql.Composable`` expression of the query), then
    ``"features"``, the JSON array that the SQL expression ``features`` makes."""
    parts: list[sql.Composable] = [sql.SQL("'type', 'FeatureCollection'")]
    params: dict[str, Any] = {}
    for index, (name, value) in enumerate(members.items()):
        if isinstance(value, sql.Composable):
            expression = value
        else:
            params[f"member{index}"] = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            expression = sql.SQL("{}::json").format(sql.Placeholder(f"member{index}"))
        parts.append(sql.SQL("{}, {}").format(sql.Literal(name), expression))
    parts.append(sql.SQL("'features', {}").format(features))
    return Clause(sql.SQL("json_build_object({})").format(sql.SQL(", ").join(parts)), params)


def collection_head(members: Mapping[str, Any]) -> str:
    """The opening of a streamed GeoJSON FeatureCollection, up to and including ``"features":[``: ``"type"`` and
    ``members`` (each encoded by ``json``), for a stream that writes the features and then ``]}``."""
    encoded = [
        f"{json.dumps(name)}:{json.dumps(value, ensure_ascii=False, separators=(',', ':'))}"
        for name, value in members.items()
    ]
    return "{" + ",".join(['"type":"FeatureCollection"', *encoded, '"features":['])
