"""An OAI-PMH 2.0 client on httpx: Identify, ListSets and ListRecords with resumption tokens, hardened.

What a harvest may reach and read:

- **Only public addresses.** Every URL (the base URL and each redirect's target, which we follow ourselves, not
  httpx) must be http or https, and its host must resolve only to public addresses: a private, loopback,
  link-local, multicast, reserved or unspecified one (IPv4 or IPv6, IPv4-mapped included) is refused unless the
  host is listed in the ``HARVEST_ALLOWED_HOSTS`` setting. The connection then goes to the address that was checked
  (the request names the host in its Host header and TLS server name), so a second DNS answer cannot swap it.
- **Bounded answers.** A timeout per request, retries with exponential backoff for timeouts, connection errors
  and 5xx (a 503's ``Retry-After`` is honoured up to a cap), and a size cap per response, read as a stream and
  abandoned once over the cap.
- **Hardened XML.** Answers are parsed with defusedxml: no DTD, no entity, nothing fetched. An answer that is
  HTML, not XML, or XML that is not OAI-PMH, is an error naming its URL.

Records are not interpreted here: a ``HarvestedRecord`` carries its header and the ``<metadata>`` child element as
it came (Dublin Core or another format is read by its own reader). The protocol's ``noRecordsMatch`` is an empty
result; any other OAI-PMH error raises ``OAIError`` with its code, message and the URL of the page it came on.
"""

import ipaddress
import socket
import ssl
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from xml.etree.ElementTree import Element, ParseError, tostring

import httpx
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.conf import settings
from django.utils.translation import gettext as _

from .errors import ImporterError

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
_Q = "{" + OAI_NS + "}"
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
# What an http(s) URL's host may not resolve to, unless the host is in HARVEST_ALLOWED_HOSTS.
_REFUSED_KINDS = ("is_private", "is_loopback", "is_link_local", "is_multicast", "is_reserved", "is_unspecified")


class HarvestError(ImporterError):
    """A harvest that could not go on; the message names the URL (``url``) and what went wrong."""

    def __init__(self, message: str, *, url: str):
        self.url = url
        super().__init__(message, path=url)


class HarvestRefused(HarvestError):
    """A URL that must not be fetched: not http(s), or its host resolves to a non-public address."""


class HarvestResponseError(HarvestError):
    """An answer that is not usable OAI-PMH: an HTTP error, a timeout, too large, HTML, not XML, unsafe XML."""


class OAIError(HarvestError):
    """An OAI-PMH error answer (``<error code=...>``) other than ``noRecordsMatch``: ``code``, ``oai_message``
    and the ``url`` of the page it came on."""

    def __init__(self, code: str, oai_message: str, *, url: str):
        self.code = code
        self.oai_message = oai_message
        super().__init__(
            _("the repository answered the OAI-PMH error %(code)s: %(message)s")
            % {"code": code, "message": oai_message or "-"},
            url=url,
        )


@dataclass(frozen=True)
class HarvestLimits:
    """How long, how often and how much: ``timeout_s`` for each network step (connect, each read; seconds) and
    ``max_seconds`` for a whole answer (a server dripping bytes), ``retries`` after the first try, backoff
    ``backoff_s * 2**n`` seconds (a 503's Retry-After, capped at ``max_retry_after_s``), ``max_bytes`` per response
    body, ``max_redirects`` per request."""

    timeout_s: float = 30.0
    max_seconds: float = 300.0
    retries: int = 3
    backoff_s: float = 1.0
    max_retry_after_s: float = 120.0
    max_bytes: int = 64 * 1024 * 1024
    max_redirects: int = 5


@dataclass(frozen=True)
class HarvestedRecord:
    """One record as harvested: its header and the ``<metadata>`` child element (None for a deleted record)."""

    identifier: str
    datestamp: str
    set_specs: tuple[str, ...]
    deleted: bool
    metadata: Element | None = field(default=None, compare=False, repr=False)

    @property
    def metadata_bytes(self) -> bytes | None:
        """The metadata element serialised as UTF-8 XML (None for a deleted record)."""
        return None if self.metadata is None else tostring(self.metadata, encoding="utf-8")


@dataclass(frozen=True)
class HarvestPage:
    """One ListRecords answer: the URL it was asked with, the records, and where the list goes on."""

    url: str
    response_date: str
    records: list[HarvestedRecord]
    resumption_token: str | None
    cursor: int | None
    complete_list_size: int | None


@dataclass(frozen=True)
class Identify:
    """What a repository says of itself (the Identify verb); ``granularity`` is ``YYYY-MM-DD`` or
    ``YYYY-MM-DDThh:mm:ssZ``."""

    url: str
    repository_name: str
    base_url: str
    protocol_version: str
    earliest_datestamp: str
    deleted_record: str
    granularity: str
    response_date: str


@dataclass(frozen=True)
class OAISet:
    """A set of the repository (ListSets)."""

    spec: str
    name: str


def allowed_hosts() -> set[str]:
    """The hosts that may resolve to a non-public address (``HARVEST_ALLOWED_HOSTS``), lower case."""
    return {host.strip().lower() for host in getattr(settings, "HARVEST_ALLOWED_HOSTS", []) if host.strip()}


def address_refused(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether ``address`` (or the IPv4 address mapped into an IPv6 one) is not a public unicast address."""
    mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
    return any(getattr(candidate, kind) for candidate in (address, mapped) if candidate for kind in _REFUSED_KINDS)


def url_checked(url: str) -> tuple[httpx.URL, list[str]]:
    """``url`` parsed, with the addresses to connect to (in the resolver's order); refuses a scheme other than
    http(s) and a host that resolves to a non-public address unless it is listed in ``HARVEST_ALLOWED_HOSTS``."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as error:
        raise HarvestRefused(_("not a valid URL (%(error)s)") % {"error": error}, url=url) from error
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise HarvestRefused(_("only http and https URLs are harvested"), url=url)
    host = parsed.host.lower()
    try:
        infos = socket.getaddrinfo(
            host, parsed.port or (443 if parsed.scheme == "https" else 80), type=socket.SOCK_STREAM
        )
    except (socket.gaierror, UnicodeError) as error:
        raise HarvestResponseError(
            _("the host %(host)s could not be resolved (%(error)s)") % {"host": host, "error": error}, url=url
        ) from error
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
    if host not in allowed_hosts():
        refused = sorted({str(address) for address in addresses if address_refused(address)})
        if refused:
            raise HarvestRefused(
                _(
                    "the host %(host)s resolves to a private, loopback, link-local, multicast or reserved address "
                    "(%(addresses)s); list it in HARVEST_ALLOWED_HOSTS to harvest it"
                )
                % {"host": host, "addresses": ", ".join(refused)},
                url=url,
            )
    return parsed, list(dict.fromkeys(str(address) for address in addresses))


class OAIClient:
    """An OAI-PMH 2.0 client of one repository (``base_url``), with ``limits``; ``sleep`` is how it waits,
    ``verify`` how TLS certificates are checked (httpx's: the system's CAs by default, or an ``ssl.SSLContext``)."""

    def __init__(
        self,
        base_url: str,
        *,
        limits: HarvestLimits | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        verify: ssl.SSLContext | bool = True,
    ):
        self.base_url = base_url
        self.limits = limits or HarvestLimits()
        self.sleep = sleep
        self._http = httpx.Client(
            timeout=self.limits.timeout_s,
            follow_redirects=False,
            trust_env=False,  # no proxy from the environment: the checked address is the one connected to
            transport=transport,
            verify=verify,
            headers={"User-Agent": "Xenagos OAI-PMH harvester", "Accept": "text/xml, application/xml"},
        )

    def __enter__(self) -> "OAIClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    # --- transport -------------------------------------------------------------------------------------------
    def fetch(self, params: dict[str, str]) -> tuple[str, bytes]:
        """The URL asked and the body of the answer to ``params``, after redirects and retries (raises
        ``HarvestError`` naming the URL)."""
        url = str(httpx.URL(self.base_url).copy_merge_params(params))
        attempt = 0
        while True:
            try:
                return url, self._fetch_once(url)
            except _Retryable as retry:
                if attempt >= self.limits.retries:
                    if attempt == 0:
                        raise retry.error from retry
                    raise type(retry.error)(
                        _("%(reason)s (tried %(n)s times)") % {"reason": retry.error.reason, "n": attempt + 1},
                        url=retry.error.url,
                    ) from retry
                wait = retry.after_s if retry.after_s is not None else self.limits.backoff_s * 2**attempt
                self.sleep(min(wait, self.limits.max_retry_after_s))
                attempt += 1

    def _fetch_once(self, url: str) -> bytes:
        """One try at ``url``, following at most ``max_redirects`` redirects, each target checked."""
        target = url
        for _hop in range(self.limits.max_redirects + 1):
            try:
                parsed, addresses = url_checked(target)
            except HarvestRefused as refused:
                if target == url:
                    raise
                raise HarvestRefused(
                    _("%(reason)s (redirected to it from %(url)s)") % {"reason": refused.reason, "url": url},
                    url=target,
                ) from refused
            try:
                response = self._connected(parsed, addresses)
            except httpx.TimeoutException as error:
                raise _Retryable(
                    HarvestResponseError(
                        _("no answer within %(s)s s") % {"s": f"{self.limits.timeout_s:g}"}, url=target
                    )
                ) from error
            except httpx.TransportError as error:
                raise _Retryable(
                    HarvestResponseError(_("could not connect (%(error)s)") % {"error": error}, url=target)
                ) from error
            try:
                if response.status_code in REDIRECT_STATUSES and "location" in response.headers:
                    target = str(parsed.join(response.headers["location"]))
                    continue
                if response.status_code >= 500:
                    failure = HarvestResponseError(
                        _("the server answered HTTP %(status)s") % {"status": response.status_code}, url=target
                    )
                    raise _Retryable(failure, after_s=_retry_after_s(response))
                if response.status_code >= 400:
                    raise HarvestResponseError(
                        _("the server answered HTTP %(status)s") % {"status": response.status_code}, url=target
                    )
                if "html" in response.headers.get("content-type", "").lower():
                    raise HarvestResponseError(_("the answer is an HTML page, not OAI-PMH XML"), url=target)
                return self._body(response, url=target)
            finally:
                response.close()
        raise HarvestResponseError(_("more than %(n)s redirects") % {"n": self.limits.max_redirects}, url=url)

    def _connected(self, parsed: httpx.URL, addresses: list[str]) -> httpx.Response:
        """The streamed response to GET ``parsed``, connecting to each checked address in turn until one accepts
        (the Host header and the TLS server name keep the URL's host)."""
        for index, address in enumerate(addresses):
            request = self._http.build_request(
                "GET",
                parsed.copy_with(host=address),
                headers={"Host": parsed.netloc.decode("ascii")},
                extensions={"sni_hostname": parsed.host},
            )
            try:
                return self._http.send(request, stream=True)
            except httpx.ConnectError:
                if index == len(addresses) - 1:
                    raise
        raise httpx.ConnectError(f"no address for {parsed.host}")

    def _body(self, response: httpx.Response, *, url: str) -> bytes:
        """The body, read as a stream and abandoned once over ``max_bytes``."""
        cap = self.limits.max_bytes
        too_large = HarvestResponseError(
            _("the answer is larger than the limit of %(n)s bytes") % {"n": f"{cap:,}"}, url=url
        )
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise too_large
        chunks: list[bytes] = []
        size = 0
        deadline = time.monotonic() + self.limits.max_seconds
        try:
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > cap:
                    raise too_large
                if time.monotonic() > deadline:
                    raise _Retryable(
                        HarvestResponseError(
                            _("the answer took longer than %(s)s s") % {"s": f"{self.limits.max_seconds:g}"}, url=url
                        )
                    )
                chunks.append(chunk)
        except httpx.TimeoutException as error:
            raise _Retryable(
                HarvestResponseError(_("no answer within %(s)s s") % {"s": f"{self.limits.timeout_s:g}"}, url=url)
            ) from error
        except httpx.TransportError as error:
            raise _Retryable(
                HarvestResponseError(_("the answer broke off (%(error)s)") % {"error": error}, url=url)
            ) from error
        return b"".join(chunks)

    # --- protocol --------------------------------------------------------------------------------------------
    def request(self, params: dict[str, str]) -> tuple[str, str, Element | None]:
        """The URL, the responseDate and the verb's element (None for ``noRecordsMatch``) of the answer to
        ``params``; any other OAI-PMH error raises ``OAIError``."""
        url, body = self.fetch(params)
        root = oai_root(body, url=url)
        errors = root.findall(f"{_Q}error")
        codes = [error.get("code", "") for error in errors]
        if errors and all(code == "noRecordsMatch" for code in codes):
            return url, _text(root, "responseDate"), None
        for error in errors:
            if error.get("code") != "noRecordsMatch":
                raise OAIError(error.get("code", ""), (error.text or "").strip(), url=url)
        verb = root.find(f"{_Q}{params['verb']}")
        if verb is None:
            raise HarvestResponseError(
                _("the OAI-PMH answer has no %(verb)s element") % {"verb": params["verb"]}, url=url
            )
        return url, _text(root, "responseDate"), verb

    def identify(self) -> Identify:
        """The repository's Identify answer."""
        url, body = self.fetch({"verb": "Identify"})
        root = oai_root(body, url=url)
        for error in root.findall(f"{_Q}error"):
            raise OAIError(error.get("code", ""), (error.text or "").strip(), url=url)
        verb = root.find(f"{_Q}Identify")
        if verb is None:
            raise HarvestResponseError(_("the OAI-PMH answer has no %(verb)s element") % {"verb": "Identify"}, url=url)
        return Identify(
            url=url,
            repository_name=_text(verb, "repositoryName"),
            base_url=_text(verb, "baseURL"),
            protocol_version=_text(verb, "protocolVersion"),
            earliest_datestamp=_text(verb, "earliestDatestamp"),
            deleted_record=_text(verb, "deletedRecord"),
            granularity=_text(verb, "granularity") or "YYYY-MM-DD",
            response_date=_text(root, "responseDate"),
        )

    def list_sets(self) -> Iterator[OAISet]:
        """Every set of the repository, across resumption tokens."""
        params = {"verb": "ListSets"}
        while True:
            _url, _date, verb = self.request(params)
            if verb is None:
                return
            for element in verb.findall(f"{_Q}set"):
                yield OAISet(spec=_text(element, "setSpec"), name=_text(element, "setName"))
            token = _token(verb)[0]
            if not token:
                return
            params = {"verb": "ListSets", "resumptionToken": token}

    def list_records(
        self,
        *,
        metadata_prefix: str = "oai_dc",
        set_spec: str | None = None,
        from_: str | None = None,
        until: str | None = None,
        resumption_token: str | None = None,
    ) -> Iterator[HarvestPage]:
        """ListRecords, one ``HarvestPage`` per answer, following resumption tokens until the list ends; with
        ``resumption_token`` it goes on from there (the other arguments are then not sent, as the protocol says).
        Dates are UTC at the repository's granularity (``2004-01-01`` or ``2004-01-01T00:00:00Z``)."""
        if resumption_token:
            params = {"verb": "ListRecords", "resumptionToken": resumption_token}
        else:
            params = {"verb": "ListRecords", "metadataPrefix": metadata_prefix}
            for name, value in (("set", set_spec), ("from", from_), ("until", until)):
                if value:
                    params[name] = value
        while True:
            url, root_date, verb = self.request(params)
            if verb is None:
                yield HarvestPage(url, root_date, [], None, None, None)
                return
            token, cursor, size = _token(verb)
            records = [_record(element, url=url) for element in verb.findall(f"{_Q}record")]
            yield HarvestPage(url, root_date, records, token or None, cursor, size)
            if not token:
                return
            params = {"verb": "ListRecords", "resumptionToken": token}


def oai_root(body: bytes, *, url: str) -> Element:
    """The OAI-PMH document element of ``body``, parsed with defusedxml (no DTD, no entities, no network)."""
    head = body[:512].lstrip().lower()
    if head.startswith(b"<!doctype html") or head.startswith(b"<html"):
        raise HarvestResponseError(_("the answer is an HTML page, not OAI-PMH XML"), url=url)
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise HarvestResponseError(
            _("XML with a DTD or entity declarations is not read (%(error)s)") % {"error": type(error).__name__},
            url=url,
        ) from error
    except ParseError as error:
        raise HarvestResponseError(
            _("the answer is not well-formed XML (%(error)s)") % {"error": error}, url=url
        ) from error
    if root.tag != f"{_Q}OAI-PMH":
        raise HarvestResponseError(
            _("the answer is XML but not OAI-PMH (its root element is %(tag)s)") % {"tag": root.tag}, url=url
        )
    return root


def _text(parent: Element, name: str) -> str:
    """The stripped text of ``parent``'s OAI child ``name`` ("" if absent)."""
    child = parent.find(f"{_Q}{name}")
    return (child.text or "").strip() if child is not None else ""


def _token(verb: Element) -> tuple[str, int | None, int | None]:
    """The resumption token (empty at the end), cursor and completeListSize of a list answer."""
    element = verb.find(f"{_Q}resumptionToken")
    if element is None:
        return "", None, None
    cursor, size = element.get("cursor"), element.get("completeListSize")
    return (
        (element.text or "").strip(),
        int(cursor) if cursor and cursor.isdigit() else None,
        int(size) if size and size.isdigit() else None,
    )


def _record(element: Element, *, url: str) -> HarvestedRecord:
    """A ``<record>`` as a HarvestedRecord (its metadata element kept as it is)."""
    header = element.find(f"{_Q}header")
    if header is None or not _text(header, "identifier"):
        raise HarvestResponseError(_("a record without a header or identifier"), url=url)
    metadata = element.find(f"{_Q}metadata")
    deleted = header.get("status") == "deleted"
    return HarvestedRecord(
        identifier=_text(header, "identifier"),
        datestamp=_text(header, "datestamp"),
        set_specs=tuple((spec.text or "").strip() for spec in header.findall(f"{_Q}setSpec")),
        deleted=deleted,
        metadata=None if deleted or metadata is None or len(metadata) == 0 else metadata[0],
    )


def _retry_after_s(response: httpx.Response) -> float | None:
    """A 503's Retry-After in seconds (a number or an HTTP date), None when absent or unreadable."""
    value = response.headers.get("retry-after", "").strip()
    if response.status_code != 503 or not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


class _Retryable(Exception):
    """Internal: a failure worth another try (``error`` is what to raise when the tries are used up)."""

    def __init__(self, error: HarvestError, *, after_s: float | None = None):
        super().__init__(str(error))
        self.error = error
        self.after_s = after_s


def list_records(
    base_url: str,
    *,
    metadata_prefix: str = "oai_dc",
    set_spec: str | None = None,
    from_: str | None = None,
    until: str | None = None,
    resumption_token: str | None = None,
    limits: HarvestLimits | None = None,
) -> Iterator[HarvestPage]:
    """ListRecords pages of the repository at ``base_url`` (see ``OAIClient.list_records``)."""
    with OAIClient(base_url, limits=limits) as client:
        yield from client.list_records(
            metadata_prefix=metadata_prefix,
            set_spec=set_spec,
            from_=from_,
            until=until,
            resumption_token=resumption_token,
        )


def identify(base_url: str, *, limits: HarvestLimits | None = None) -> Identify:
    """The Identify answer of the repository at ``base_url``."""
    with OAIClient(base_url, limits=limits) as client:
        return client.identify()


def list_sets(base_url: str, *, limits: HarvestLimits | None = None) -> list[OAISet]:
    """The sets of the repository at ``base_url``."""
    with OAIClient(base_url, limits=limits) as client:
        return list(client.list_sets())
