"""gunicorn settings of Xenagos: ``gunicorn -c python:xenagos.gunicorn_conf xenagos.wsgi``.

Privacy of the access log (README "Privacy"): a visitor's "near me" position is in the query string of
``/<lang>/map/near/``. This logger drops that query string from every field of the log line (request line, query,
raw URI, referer), and cuts any other ``lat``/``lon`` query value (a map view's centre, in a URL or a referer) to
``NEAR_DECIMALS`` decimal degrees, so the log holds no position finer than about 110 m. The browser and the server
already round near-me positions to the same precision (``XENAGOS_NEAR_DECIMALS``); this is the last line.
Addresses and user agents stay (they are needed against abuse) and are kept ``XENAGOS_LOG_RETENTION_DAYS`` days.
"""

import re

from gunicorn import glogging

NEAR_DECIMALS = 3  # the same as settings.XENAGOS_NEAR_DECIMALS (a test checks it); gunicorn loads no Django settings
NEAR_PATH = re.compile(r"(/map/near/?)\?[^\s\"]*")
COORDINATE = re.compile(rf"((?:^|[?&;])(?:lat|lon|latitude|longitude)=[+-]?\d*[.,]\d{{{NEAR_DECIMALS}}})[^&;\s\"#]*")


def scrub(text: str, *, query: str = "") -> str:
    """``text`` (a URL, request line, query string or referer) without a near-me query string and with every
    ``lat``/``lon`` value cut to ``NEAR_DECIMALS`` decimals; ``query``, the raw query string of a near-me request,
    is removed after any ``?`` (however the request spelt its path)."""
    if query:
        text = text.replace(f"?{query}", "")
    return COORDINATE.sub(r"\1", NEAR_PATH.sub(r"\1", text))


def scrub_atoms(atoms: dict) -> dict:
    """gunicorn's access-log atoms with ``scrub`` applied to every text value (``U`` is the decoded path)."""
    near = bool(NEAR_PATH.search(f"{atoms.get('U', '')}?"))
    query = atoms.get("q", "") if near else ""
    clean = {key: scrub(value, query=query) if isinstance(value, str) else value for key, value in atoms.items()}
    if near:
        clean["q"] = clean["{query_string}e"] = ""
    return clean


class PrivateLogger(glogging.Logger):
    """gunicorn's logger with the access-log atoms scrubbed of visitors' positions (``scrub_atoms``)."""

    def atoms(self, resp, req, environ, request_time):  # noqa: D102 (gunicorn's signature)
        return scrub_atoms(super().atoms(resp, req, environ, request_time))


logger_class = PrivateLogger
