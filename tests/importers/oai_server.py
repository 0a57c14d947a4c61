"""A local OAI-PMH server for the harvester's tests: a threaded ``http.server`` on 127.0.0.1, a random port.

``/fake1`` and ``/fake2`` are the two real repositories' answers in ``tests/importers/data/oai`` (pyoai's test data,
DSpace at Erasmus University Rotterdam, BSD): a request listed in a folder's ``mapping.txt`` gets that file as it is
(``fake2`` also gets ``fake1``'s Identify, ListSets and ListMetadataFormats: the same repository). ListRecords other
than ``fake1``'s mapped one is made up from the real records of that folder's ListRecords file: filtered by
``from``/``until``/``set``, split into pages of ``page_size`` with resumption tokens of ours (``cursor``,
``completeListSize``); with no record left, ``noRecordsMatch``. Every made-up answer is kept in ``made_up`` so that
a test can validate it against OAI-PMH.xsd.

Hostile answers: ``/error/<code>`` (that OAI-PMH error), ``/html``, ``/html-as-xml``, ``/not-oai``, ``/broken``,
``/bomb`` (entity expansion), ``/xxe`` (external entity), ``/500`` (always), ``/503`` (``Retry-After: 1`` the first
time, then fake1's Identify), ``/slow`` (answers after ``slow_s``), ``/big`` (streamed, no length) and
``/big-declared`` (a Content-Length) of ``big_bytes``, ``/drip`` (a byte every 0.05 s, never ending),
``/redirect?to=URL`` (a 302 to URL, with the rest of the query), ``/loop`` (a 302 to itself). ``hits`` counts
requests per path, ``requests`` lists them (``hosts``: their Host headers).
"""

import ssl
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit
from xml.etree.ElementTree import Element, SubElement, register_namespace, tostring

from defusedxml.ElementTree import fromstring

OAI_DATA = Path(__file__).resolve().parent / "data" / "oai"  # copied from shared/data/archive/oai (ATTRIBUTION.md)
OAI_XSD = OAI_DATA / "OAI-PMH.xsd"
NS = "http://www.openarchives.org/OAI/2.0/"
Q = "{" + NS + "}"
for prefix, uri in {
    "": NS,
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
    "dc": "http://purl.org/dc/elements/1.1/",
}.items():
    register_namespace(prefix, uri)
OAI_ERROR_CODES = (
    "badArgument",
    "badResumptionToken",
    "badVerb",
    "cannotDisseminateFormat",
    "idDoesNotExist",
    "noRecordsMatch",
    "noMetadataFormats",
    "noSetHierarchy",
)
BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
    b"<responseDate>&lol3;</responseDate></OAI-PMH>"
)
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>&x;</responseDate></OAI-PMH>'
)


def canonical(params: dict[str, str]) -> str:
    """A query as mapping.txt writes it: names sorted, values percent-encoded."""
    return urlencode(sorted(params.items()))


@dataclass
class Repository:
    """One folder of real answers: mapping.txt's requests, and the records of its ListRecords file."""

    folder: Path
    answers: dict[str, Path] = field(default_factory=dict)
    records: list[Element] = field(default_factory=list)
    response_date: str = ""

    @classmethod
    def load(cls, folder: Path) -> "Repository":
        """Read mapping.txt (request line, file line) and the records of the ListRecords answer."""
        lines = [line.strip() for line in (folder / "mapping.txt").read_text().splitlines() if line.strip()]
        repository = cls(folder, dict(zip(lines[::2], (folder / name for name in lines[1::2]), strict=True)))
        for request, path in repository.answers.items():
            if "verb=ListRecords" in request:
                root = fromstring(path.read_bytes())
                repository.records = root.findall(f"{Q}ListRecords/{Q}record")
                repository.response_date = root.findtext(f"{Q}responseDate", "")
        return repository


def datestamp(record: Element) -> str:
    """A record's header datestamp."""
    return record.findtext(f"{Q}header/{Q}datestamp", "")


def set_specs(record: Element) -> list[str]:
    """A record's header setSpecs."""
    return [spec.text or "" for spec in record.findall(f"{Q}header/{Q}setSpec")]


class OAIServer:
    """The server (see the module); ``url`` is its root, ``base(name)`` a repository's base URL."""

    def __init__(self, *, page_size: int = 25, tls: ssl.SSLContext | None = None):
        self.page_size = page_size
        self.repositories = {name: Repository.load(OAI_DATA / name) for name in ("fake1", "fake2")}
        self.shared = self.repositories["fake1"].answers  # Identify, ListSets, ListMetadataFormats of both
        self.tokens: dict[str, tuple[str, list[Element], int]] = {}
        self.made_up: list[bytes] = []
        self.hits: Counter[str] = Counter()
        self.requests: list[tuple[str, dict[str, str]]] = []  # (path, query) of every request, in order
        self.hosts: list[str] = []  # the Host header of every request
        self.response_date: str | None = None  # overrides the files' responseDate in made-up answers
        self.slow_s = 3.0
        self.big_bytes = 3 * 1024 * 1024
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        if tls is not None:  # HTTPS with the given certificate
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def base(self, name: str) -> str:
        """The base URL of ``name`` (a repository or a hostile path)."""
        return f"{self.url}/{name}"

    # --- OAI-PMH ---------------------------------------------------------------------------------------------
    def answer(self, name: str, params: dict[str, str]) -> bytes:
        """The answer of repository ``name`` to ``params``."""
        repository = self.repositories[name]
        request = canonical(params)
        verb = params.get("verb", "")
        if request in repository.answers and not (verb == "ListRecords" and name == "fake2"):
            return repository.answers[request].read_bytes()
        if verb in ("Identify", "ListSets", "ListMetadataFormats") and canonical({"verb": verb}) in self.shared:
            return self.shared[canonical({"verb": verb})].read_bytes()
        if verb == "ListRecords":
            return self.list_records(repository, params)
        if verb == "GetRecord":
            return self.error(params, "idDoesNotExist", "no such record here")
        return self.error(params, "badVerb", f"not a verb of OAI-PMH 2.0: {verb or '(none)'}")

    def list_records(self, repository: Repository, params: dict[str, str]) -> bytes:
        """A made-up page of the real records (see the module)."""
        if "resumptionToken" in params:
            if set(params) != {"verb", "resumptionToken"}:
                return self.error(params, "badArgument", "resumptionToken is an exclusive argument")
            with self.lock:
                state = self.tokens.get(params["resumptionToken"])
            if state is None:
                return self.error(params, "badResumptionToken", "unknown or expired token")
            return self.page(params, *state)
        prefix = params.get("metadataPrefix")
        if not prefix:
            return self.error(params, "badArgument", "metadataPrefix is required")
        if prefix != "oai_dc":
            return self.error(params, "cannotDisseminateFormat", f"{prefix} is not disseminated")
        start, until, wanted = params.get("from", ""), params.get("until", ""), params.get("set", "")
        chosen = [
            record
            for record in repository.records
            if (not start or datestamp(record)[: len(start)] >= start)
            and (not until or datestamp(record)[: len(until)] <= until)
            and (not wanted or any(spec == wanted or spec.startswith(wanted + ":") for spec in set_specs(record)))
        ]
        if not chosen:
            return self.error(params, "noRecordsMatch", "no record matches")
        return self.page(params, repository.response_date, chosen, 0)

    def page(self, params: dict[str, str], response_date: str, chosen: list[Element], offset: int) -> bytes:
        """The page of ``chosen`` from ``offset``, with a token of ours for the rest (empty on the last page)."""
        root, verb = self.envelope(params, response_date)
        element = SubElement(verb, f"{Q}ListRecords")
        element.extend(chosen[offset : offset + self.page_size])
        following = offset + self.page_size
        token = SubElement(element, f"{Q}resumptionToken", cursor=str(offset), completeListSize=str(len(chosen)))
        if following < len(chosen):
            token.text = f"page-{len(self.tokens) + 1}-at-{following}"
            with self.lock:
                self.tokens[token.text] = (response_date, chosen, following)
        return self.made(root)

    def error(self, params: dict[str, str], code: str, message: str) -> bytes:
        """An OAI-PMH error answer (the request element without arguments, as the protocol says for some)."""
        root, _verb = self.envelope({} if code in ("badVerb", "badArgument") else params, self.response_date or "")
        SubElement(root, f"{Q}error", code=code).text = message
        return self.made(root)

    def envelope(self, params: dict[str, str], response_date: str) -> tuple[Element, Element]:
        """The OAI-PMH root with responseDate and request; returns (root, root)."""
        root = Element(f"{Q}OAI-PMH")
        root.set(
            "{http://www.w3.org/2001/XMLSchema-instance}schemaLocation",
            f"{NS} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd",
        )
        SubElement(root, f"{Q}responseDate").text = self.response_date or response_date or "2004-02-17T13:44:55Z"
        SubElement(root, f"{Q}request", params).text = "http://dspace.ubib.eur.nl/oai/"
        return root, root

    def made(self, root: Element) -> bytes:
        """``root`` serialised; kept in ``made_up``."""
        body = tostring(root, encoding="utf-8", xml_declaration=True)
        with self.lock:
            self.made_up.append(body)
        return body

    # --- HTTP ------------------------------------------------------------------------------------------------
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's name)
                return

            def send(self, status: int, body: bytes, content_type: str = "text/xml; charset=utf-8", **headers: str):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name.replace("_", "-"), value)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped reading (over its size cap)

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                split = urlsplit(self.path)
                params = dict(parse_qsl(split.query, keep_blank_values=True))
                name = split.path.strip("/")
                with server.lock:
                    server.hits[name] += 1
                    server.requests.append((name, params))
                    server.hosts.append(self.headers.get("Host", ""))
                    hits = server.hits[name]
                if name in server.repositories:
                    return self.send(200, server.answer(name, params))
                if name.startswith("error/"):
                    return self.send(200, server.error(params, name.split("/", 1)[1], "made up by the test server"))
                if name == "html":
                    return self.send(200, b"<!DOCTYPE html><html><body>Maintenance</body></html>", "text/html")
                if name == "html-as-xml":
                    return self.send(200, b"<!DOCTYPE html>\n<html><body>Maintenance</body></html>")
                if name == "not-oai":
                    return self.send(200, b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>')
                if name == "broken":
                    return self.send(200, server.shared["verb=Identify"].read_bytes()[:700])
                if name == "bomb":
                    return self.send(200, BOMB)
                if name == "xxe":
                    return self.send(200, XXE)
                if name == "500":
                    return self.send(500, b"Internal Server Error", "text/plain")
                if name == "503":
                    if hits == 1:
                        return self.send(503, b"busy", "text/plain", Retry_After="1")
                    return self.send(200, server.shared["verb=Identify"].read_bytes())
                if name == "slow":
                    time.sleep(server.slow_s)
                    return self.send(200, server.shared["verb=Identify"].read_bytes())
                if name == "drip":  # a byte every 0.05 s, for ever (until the client hangs up)
                    self.send_response(200)
                    self.send_header("Content-Type", "text/xml")
                    self.end_headers()
                    try:
                        while True:
                            self.wfile.write(b" ")
                            self.wfile.flush()
                            time.sleep(0.05)
                    except (BrokenPipeError, ConnectionResetError):
                        return None
                if name == "big-declared":
                    return self.send(200, b" " * server.big_bytes)
                if name == "big":
                    self.send_response(200)
                    self.send_header("Content-Type", "text/xml")
                    self.end_headers()  # no length: read until the connection closes (HTTP/1.0)
                    try:
                        for _chunk in range(server.big_bytes // 65536 + 1):
                            self.wfile.write(b" " * 65536)
                    except (BrokenPipeError, ConnectionResetError):
                        pass  # the client stopped reading over its cap
                    return None
                if name == "loop":
                    self.send_response(302)
                    self.send_header("Location", "/loop")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return None
                if name == "redirect":
                    self.send_response(302)
                    rest = urlencode([(key, value) for key, value in params.items() if key != "to"])
                    self.send_header("Location", params.get("to", "/") + (f"?{rest}" if rest else ""))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return None
                return self.send(404, b"not found", "text/plain")

        return Handler

    @contextmanager
    def running(self) -> Iterator["OAIServer"]:
        """Serve until the block ends."""
        self.thread.start()
        try:
            yield self
        finally:
            self.httpd.shutdown()
            self.httpd.server_close()
