"""One filter builder for every reader of records: the map's endpoints (``gis.selectors.PlaceFilter``) and the
open-data API and its downloads (``gis.api.kinds.Kind.where``) narrow the same records with the same conditions.

A ``Filter`` is a query parameter that parses and documents itself (a ``gis.api.parameters.Parameter``) plus the SQL
condition it adds over the record alias ``r``. Conditions are ``Clause`` objects: SQL composed with ``psycopg.sql``
(tables and columns are ``sql.Identifier`` made from ``Model._meta``; values are named parameters,
``sql.Placeholder``), never text pasted into a query. Django's cursor takes the composed SQL as it is.
Bounding boxes are in CRS84 degrees (longitude, latitude; EPSG:4326).
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from django.db.models import ForeignKey, ManyToManyField
from psycopg import sql

from ..search import matching_places_sql
from .parameters import Interval, Parameter

RECORD = "r"  # the alias of the record in every read


@dataclass(frozen=True)
class Clause:
    """A piece of SQL composed with psycopg.sql and the values of its named placeholders."""

    sql: sql.Composable
    params: Mapping[str, Any] = field(default_factory=dict)


TRUE = Clause(sql.SQL("true"))


def all_of(clauses: Iterable[Clause]) -> Clause:
    """The conjunction of ``clauses`` (``true`` when there are none). Two clauses may not name the same parameter
    with different values."""
    parts: list[sql.Composable] = []
    params: dict[str, Any] = {}
    for clause in clauses:
        for name, value in clause.params.items():
            if name in params and params[name] is not value and params[name] != value:
                raise ValueError(f"two conditions give the parameter {name!r} different values")
            params[name] = value
        parts.append(clause.sql)
    return Clause(sql.SQL(" AND ").join(parts), params) if parts else TRUE


def record_column(name: str) -> sql.Identifier:
    """The column ``name`` of the record (``r.<name>``), as an identifier."""
    return sql.Identifier(RECORD, name)


def municipality_is(*, column: sql.Composable, municipality_id: int) -> Clause:
    """Records of one municipality: ``column`` (over ``r``) is its id."""
    return Clause(sql.SQL("{} = {}").format(column, sql.Placeholder("municipality")), {"municipality": municipality_id})


def bbox_intersects(
    *, geometry: sql.Composable, bbox: tuple[float, float, float, float], points: bool = False, exact: bool = True
) -> Clause:
    """Records whose ``geometry`` (EPSG:4326, GiST-indexed) intersects ``bbox`` (west, south, east, north in CRS84
    degrees); a bbox whose west edge is east of its east edge crosses the antimeridian and is read as two boxes.

    ``exact`` is the answer of ``ST_Intersects`` (the API's); for ``points`` it is given by the index's box test and
    the point's coordinates, the same answer three times faster. Without ``exact`` (the map's view) the index's box
    test alone decides: it compares boxes rounded outward to single precision, so a point up to about 2e-6 degrees
    (20 cm) outside the view may be shown."""
    west, south, east, north = bbox
    boxes = [(west, east)] if west <= east else [(west, 180.0), (-180.0, east)]
    params: dict[str, Any] = {"bbox_south": south, "bbox_north": north}
    parts = []
    for index, (low, high) in enumerate(boxes):
        params[f"bbox_west{index}"], params[f"bbox_east{index}"] = low, high
        edges = {
            "west": sql.Placeholder(f"bbox_west{index}"),
            "south": sql.Placeholder("bbox_south"),
            "east": sql.Placeholder(f"bbox_east{index}"),
            "north": sql.Placeholder("bbox_north"),
        }
        envelope = sql.SQL("ST_MakeEnvelope({west}, {south}, {east}, {north}, 4326)").format(**edges)
        if exact and not points:
            parts.append(sql.SQL("ST_Intersects({}, {})").format(geometry, envelope))
        elif exact:
            parts.append(
                sql.SQL(
                    "({geometry} && {envelope} AND ST_X({geometry}) BETWEEN {west} AND {east}"
                    " AND ST_Y({geometry}) BETWEEN {south} AND {north})"
                ).format(geometry=geometry, envelope=envelope, **edges)
            )
        else:
            parts.append(sql.SQL("{} && {}").format(geometry, envelope))
    return Clause(sql.SQL("({})").format(sql.SQL(" OR ").join(parts)), params)


def changed_within(*, column: sql.Composable, interval: Interval) -> Clause:
    """Records whose time of last change (``column``, a timestamptz) lies in ``interval`` (UTC; open ends)."""
    clauses = []
    if interval.start:
        clauses.append(Clause(sql.SQL("{} >= {}").format(column, sql.Placeholder("since")), {"since": interval.start}))
    if interval.end:
        clauses.append(Clause(sql.SQL("{} <= {}").format(column, sql.Placeholder("until")), {"until": interval.end}))
    return all_of(clauses)


def dated_within(*, start_column: sql.Composable, end_column: sql.Composable, interval: Interval) -> Clause:
    """Records whose interval of days (``start_column``–``end_column``, dates, both set or both null) overlaps
    ``interval`` (UTC; open ends): undated records never match."""
    clauses = [Clause(sql.SQL("{} IS NOT NULL").format(start_column))]
    if interval.start:
        clauses.append(
            Clause(
                sql.SQL("{} >= ({} AT TIME ZONE 'UTC')::date").format(end_column, sql.Placeholder("dated_from")),
                {"dated_from": interval.start},
            )
        )
    if interval.end:
        clauses.append(
            Clause(
                sql.SQL("{} <= ({} AT TIME ZONE 'UTC')::date").format(start_column, sql.Placeholder("dated_to")),
                {"dated_to": interval.end},
            )
        )
    return all_of(clauses)


def related_table(relation: ForeignKey | ManyToManyField) -> sql.Identifier:
    """The table of the model that ``relation`` points at, as an identifier."""
    model = relation.related_model
    if not isinstance(model, type):
        raise TypeError(f"{relation} points at no model")
    return sql.Identifier(model._meta.db_table)


def through_table(relation: ManyToManyField) -> sql.Identifier:
    """The table of the rows that link the two ends of a many-to-many ``relation``, as an identifier."""
    through = relation.remote_field.through
    if through is None:
        raise TypeError(f"{relation} has no through model")
    return sql.Identifier(through._meta.db_table)


def slugs_among(*, relation: ForeignKey | ManyToManyField, slugs: list[str], name: str) -> Clause:
    """Records whose vocabulary term through ``relation`` (a foreign key such as a place's category, or a
    many-to-many field such as its periods, read from the field's own tables and columns) has one of ``slugs``."""
    target = related_table(relation)
    value = sql.Placeholder(name)
    if isinstance(relation, ManyToManyField):
        condition = sql.SQL(
            "EXISTS (SELECT 1 FROM {through} x JOIN {target} v ON v.id = x.{term}"
            " WHERE x.{record} = {id} AND v.slug = ANY({value}))"
        ).format(
            through=through_table(relation),
            target=target,
            term=sql.Identifier(relation.m2m_reverse_name()),
            record=sql.Identifier(relation.m2m_column_name()),
            id=record_column("id"),
            value=value,
        )
    else:
        condition = sql.SQL("{column} IN (SELECT id FROM {target} WHERE slug = ANY({value}))").format(
            column=record_column(relation.column), target=target, value=value
        )
    return Clause(condition, {name: list(slugs)})


def text_matches(*, query: str) -> Clause:
    """Places whose text matches the tsquery string ``query`` (``gis.search``: every language's text and the Greek
    text's transliteration)."""
    return Clause(
        sql.SQL("{} IN ({})").format(record_column("id"), sql.SQL(matching_places_sql("%(q)s"))),  # noqa: S608
        {"q": query},
    )


@dataclass(frozen=True, kw_only=True)
class Filter(Parameter):
    """A query parameter that narrows the records: it parses and documents itself (``Parameter``), and
    ``condition`` turns its parsed value into the SQL condition over the record ``r``."""

    condition: Callable[[Any], Clause]


def _filter(parameter: Parameter, condition: Callable[[Any], Clause]) -> Filter:
    return Filter(**{item.name: getattr(parameter, item.name) for item in fields(Parameter)}, condition=condition)


def vocabulary_filter(parameter: Parameter, *, relation: ForeignKey | ManyToManyField) -> Filter:
    """``parameter`` (a list of slugs) as a filter on the vocabulary reached through ``relation``."""

    def condition(slugs: list[str]) -> Clause:
        return slugs_among(relation=relation, slugs=slugs, name=parameter.name)

    return _filter(parameter, condition)


def changed_filter(parameter: Parameter, *, column: str) -> Filter:
    """``parameter`` (an ``Interval``) as a filter on the record's time of last change, its column ``column``."""

    def condition(interval: Interval) -> Clause:
        return changed_within(column=record_column(column), interval=interval)

    return _filter(parameter, condition)


def dated_filter(parameter: Parameter, *, start_column: str, end_column: str) -> Filter:
    """``parameter`` (an ``Interval``) as a filter on the record's interval of days (its date columns
    ``start_column`` and ``end_column``): the records dated at some day of the interval."""

    def condition(interval: Interval) -> Clause:
        return dated_within(
            start_column=record_column(start_column), end_column=record_column(end_column), interval=interval
        )

    return _filter(parameter, condition)


def filtered(filters: Iterable[Filter], values: Mapping[str, Any]) -> list[Clause]:
    """The conditions of the ``filters`` that ``values`` (parsed query values, by parameter name) give a value."""
    return [item.condition(values[item.name]) for item in filters if values.get(item.name)]
