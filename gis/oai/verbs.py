"""A request's arguments, checked as OAI-PMH 2.0 says (section 3.1 and each verb's), into an ``OAIRequest``; or the
protocol error they are (``OAIError``: badVerb, badArgument)."""

import datetime as dt
import re
from dataclasses import dataclass

from django.http import QueryDict

from . import OAIError

# verb -> (required arguments, optional arguments); a resumptionToken is exclusive: it comes with the verb alone
VERBS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "Identify": (frozenset(), frozenset()),
    "ListMetadataFormats": (frozenset(), frozenset({"identifier"})),
    "ListSets": (frozenset(), frozenset({"resumptionToken"})),
    "GetRecord": (frozenset({"identifier", "metadataPrefix"}), frozenset()),
    "ListIdentifiers": (frozenset({"metadataPrefix"}), frozenset({"from", "until", "set", "resumptionToken"})),
    "ListRecords": (frozenset({"metadataPrefix"}), frozenset({"from", "until", "set", "resumptionToken"})),
}
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


@dataclass(frozen=True)
class OAIRequest:
    """A request that passed the argument checks. ``from_`` and ``until`` are bounds on the datestamp (UTC):
    ``from_`` inclusive, ``until`` exclusive (the end of the day or second the client named)."""

    verb: str
    arguments: dict[str, str]
    identifier: str = ""
    metadata_prefix: str = ""
    set_spec: str = ""
    from_: dt.datetime | None = None
    until: dt.datetime | None = None
    resumption_token: str = ""


def _bound(value: str, name: str) -> tuple[dt.datetime, dt.timedelta, str]:
    """(start, length, granularity) of a from/until value at day or second granularity."""
    try:
        if _DAY.match(value):
            day = dt.date.fromisoformat(value)
            return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC), dt.timedelta(days=1), "day"
        if _SECOND.match(value):
            moment = dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
            return moment, dt.timedelta(seconds=1), "second"
    except ValueError:
        pass
    raise OAIError("badArgument", f"{name}={value!r} is not a date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ)")


def oai_request(query: QueryDict) -> OAIRequest:
    """The request that ``query`` (GET's or POST's arguments) asks for; raises OAIError (badVerb, badArgument)."""
    verbs = query.getlist("verb")
    if len(verbs) != 1:
        raise OAIError("badVerb", "the verb argument is missing" if not verbs else "the verb argument is repeated")
    verb = str(verbs[0])
    if verb not in VERBS:
        raise OAIError("badVerb", f"{verb!r} is not an OAI-PMH verb")
    repeated = sorted(name for name in query if len(query.getlist(name)) > 1)
    if repeated:
        raise OAIError("badArgument", f"repeated argument: {', '.join(repeated)}")
    arguments: dict[str, str] = {name: str(query.getlist(name)[0]) for name in query if name != "verb"}
    required, optional = VERBS[verb]
    if "resumptionToken" in arguments and "resumptionToken" in optional:
        others = sorted(set(arguments) - {"resumptionToken"})
        if others:
            raise OAIError("badArgument", f"resumptionToken is exclusive, not with: {', '.join(others)}")
        return OAIRequest(verb=verb, arguments=arguments, resumption_token=arguments["resumptionToken"])
    illegal = sorted(set(arguments) - required - optional)
    if illegal:
        raise OAIError("badArgument", f"illegal argument for {verb}: {', '.join(illegal)}")
    missing = sorted(required - set(arguments))
    if missing:
        raise OAIError("badArgument", f"missing argument for {verb}: {', '.join(missing)}")
    empty = sorted(name for name, value in arguments.items() if not value)
    if empty:
        raise OAIError("badArgument", f"empty argument: {', '.join(empty)}")
    from_ = until = None
    if "from" in arguments or "until" in arguments:
        bounds = {name: _bound(arguments[name], name) for name in ("from", "until") if name in arguments}
        if len({granularity for _start, _length, granularity in bounds.values()}) > 1:
            raise OAIError("badArgument", "from and until are not of the same granularity")
        if "from" in bounds:
            from_ = bounds["from"][0]
        if "until" in bounds:
            start, length, _granularity = bounds["until"]
            until = start + length
            if from_ is not None and from_ > start:
                raise OAIError("badArgument", "from is later than until")
    return OAIRequest(
        verb=verb,
        arguments=arguments,
        identifier=arguments.get("identifier", ""),
        metadata_prefix=arguments.get("metadataPrefix", ""),
        set_spec=arguments.get("set", ""),
        from_=from_,
        until=until,
    )
