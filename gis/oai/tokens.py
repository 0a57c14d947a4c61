"""Resumption tokens: stateless, signed (django.core.signing) and expiring. A token holds the list it continues (the
municipality, metadata prefix, set, from/until), the keyset position after which the next page starts (datestamp
as microseconds, kind, id: gis.oai.selectors), how many records came before it (``cursor``) and the list's size,
counted once on the first page."""

import datetime as dt
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core import signing

from . import OAIError

SALT = "xenagos.oai.resumption"


def token_ttl() -> dt.timedelta:
    """How long a token may be used (setting ``OAI_TOKEN_TTL_S``, 24 hours by default)."""
    return dt.timedelta(seconds=getattr(settings, "OAI_TOKEN_TTL_S", 24 * 3600))


@dataclass(frozen=True)
class ListState:
    """Where a list goes on: its arguments, the last key given (``after``), the cursor and the complete size."""

    municipality: int
    verb: str
    metadata_prefix: str
    set_spec: str
    from_us: int | None
    until_us: int | None
    after: tuple[int, int, int]
    cursor: int
    size: int


def token_encode(state: ListState) -> str:
    """The signed token of ``state`` (URL-safe characters only)."""
    return signing.dumps(asdict(state), salt=SALT, compress=True)


def token_decode(token: str, *, municipality: int, verb: str) -> ListState:
    """The state of ``token``; raises OAIError badResumptionToken when it was tampered with, has expired, or is of
    another municipality's repository or another verb."""
    try:
        data = signing.loads(token, salt=SALT, max_age=token_ttl())
        data["after"] = tuple(data["after"])
        state = ListState(**data)
    except signing.SignatureExpired as error:
        raise OAIError("badResumptionToken", "the resumption token has expired") from error
    except (signing.BadSignature, TypeError, KeyError, ValueError) as error:
        raise OAIError("badResumptionToken", "the resumption token is not valid") from error
    if state.municipality != municipality or state.verb != verb:
        raise OAIError("badResumptionToken", "the resumption token is not of this repository and verb")
    return state
