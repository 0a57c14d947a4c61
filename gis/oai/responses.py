"""The OAI-PMH documents: the envelope (responseDate, request, then the verb's element or the errors) and each
verb's answer, from an ``OAIRequest`` (gis.oai.verbs). Written with xml.etree."""

import datetime as dt
import uuid
from dataclasses import dataclass, replace
from xml.etree.ElementTree import Element, SubElement, tostring

from django.conf import settings
from django.utils import timezone

from ..models import Municipality
from . import OAIError, selectors
from .formats import FORMATS, OAI, XSI, edm, namespaces_register, oai_dc
from .tokens import ListState, token_decode, token_encode, token_ttl
from .verbs import OAIRequest


@dataclass(frozen=True)
class Repository:
    """Whose repository answers and where: the municipality of the request's host, the base URL (``/oai`` on that
    host), the host in identifiers, the site's root URL (item pages) and the admin e-mail."""

    municipality: Municipality
    base_url: str
    host: str
    site_url: str
    admin_email: str

    def identifier(self, uid: uuid.UUID) -> str:
        return f"oai:{self.host}:{uid}"

    def uid_of(self, identifier: str) -> uuid.UUID:
        """The item uid an identifier of this repository names; raises OAIError idDoesNotExist otherwise."""
        prefix = f"oai:{self.host}:"
        if identifier.startswith(prefix):
            try:
                return uuid.UUID(identifier[len(prefix) :])
            except ValueError:
                pass
        raise OAIError("idDoesNotExist", f"{identifier!r} is not an identifier of this repository")


def page_size() -> int:
    """Records per ListRecords/ListIdentifiers page (setting ``OAI_PAGE_SIZE``, 100 by default)."""
    return int(getattr(settings, "OAI_PAGE_SIZE", 100))


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(parent: Element, name: str, text: str, attributes: dict[str, str] | None = None) -> Element:
    element = SubElement(parent, f"{{{OAI}}}{name}", attributes or {})
    element.text = text
    return element


def envelope(repository: Repository, request: OAIRequest | None) -> Element:
    """The OAI-PMH root with responseDate and request (with its arguments only when they were legal)."""
    root = Element(
        f"{{{OAI}}}OAI-PMH",
        {f"{{{XSI}}}schemaLocation": f"{OAI} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"},
    )
    _text(root, "responseDate", _stamp(timezone.now()))
    attributes = {"verb": request.verb, **request.arguments} if request is not None else {}
    _text(root, "request", repository.base_url, attributes)
    return root


def error_document(repository: Repository, request: OAIRequest | None, error: OAIError) -> Element:
    root = envelope(repository, request if error.code not in ("badVerb", "badArgument") else None)
    _text(root, "error", error.message, {"code": error.code})
    return root


def serialise(root: Element) -> bytes:
    namespaces_register()
    return tostring(root, encoding="utf-8", xml_declaration=True)


def _header(parent: Element, repository: Repository, entry: selectors.Entry) -> None:
    header = SubElement(parent, f"{{{OAI}}}header", {"status": "deleted"} if entry.deleted else {})
    _text(header, "identifier", repository.identifier(entry.uid))
    _text(header, "datestamp", _stamp(entry.datestamp))
    for spec in entry.set_specs:
        _text(header, "setSpec", spec)


def _record(parent: Element, repository: Repository, entry: selectors.Entry, prefix: str) -> None:
    record = SubElement(parent, f"{{{OAI}}}record")
    _header(record, repository, entry)
    if not entry.deleted and entry.item is not None:
        metadata = SubElement(record, f"{{{OAI}}}metadata")
        if prefix == "oai_dc":
            metadata.append(oai_dc(entry.values))
        else:
            edm_record = edm(
                entry.item,
                values=entry.values,
                places=entry.places,
                site_url=repository.site_url,
                image_id=entry.image_id,
                views=entry.views,
            )
            metadata.append(edm_record)


def identify(repository: Repository, request: OAIRequest) -> Element:
    root = envelope(repository, request)
    verb = SubElement(root, f"{{{OAI}}}Identify")
    municipality = repository.municipality
    _text(verb, "repositoryName", f"{municipality.name_el} / {municipality.name_en}")
    _text(verb, "baseURL", repository.base_url)
    _text(verb, "protocolVersion", "2.0")
    _text(verb, "adminEmail", repository.admin_email)
    earliest = selectors.earliest_datestamp(municipality) or timezone.now()
    _text(verb, "earliestDatestamp", _stamp(earliest))
    _text(verb, "deletedRecord", "persistent")
    _text(verb, "granularity", "YYYY-MM-DDThh:mm:ssZ")
    return root


def list_metadata_formats(repository: Repository, request: OAIRequest) -> Element:
    prefixes = list(FORMATS)
    if request.identifier:
        entry = _entry(repository, request.identifier)
        if not entry.deleted and entry.item is not None and not selectors.edm_ready(entry):
            prefixes = ["oai_dc"]
    root = envelope(repository, request)
    verb = SubElement(root, f"{{{OAI}}}ListMetadataFormats")
    for prefix in prefixes:
        found = SubElement(verb, f"{{{OAI}}}metadataFormat")
        _text(found, "metadataPrefix", prefix)
        _text(found, "schema", FORMATS[prefix].schema)
        _text(found, "metadataNamespace", FORMATS[prefix].namespace)
    return root


def list_sets(repository: Repository, request: OAIRequest) -> Element:
    if request.resumption_token:  # the sets come in one answer: this repository gives no token to continue
        raise OAIError("badResumptionToken", "this repository gives no resumption token for ListSets")
    root = envelope(repository, request)
    verb = SubElement(root, f"{{{OAI}}}ListSets")
    for spec, name, _description in selectors.repository_sets(repository.municipality):
        found = SubElement(verb, f"{{{OAI}}}set")
        _text(found, "setSpec", spec)
        _text(found, "setName", name)
    return root


def _entry(repository: Repository, identifier: str) -> selectors.Entry:
    entry = selectors.entry_by_uid(municipality=repository.municipality, uid=repository.uid_of(identifier))
    if entry is None:
        raise OAIError("idDoesNotExist", f"{identifier!r} is not an identifier of this repository")
    return entry


def _format_checked(prefix: str) -> None:
    if prefix not in FORMATS:
        raise OAIError("cannotDisseminateFormat", f"{prefix!r} is not a metadata format of this repository")


def get_record(repository: Repository, request: OAIRequest) -> Element:
    entry = _entry(repository, request.identifier)
    _format_checked(request.metadata_prefix)
    if request.metadata_prefix == "edm" and not entry.deleted and not selectors.edm_ready(entry):
        raise OAIError(
            "cannotDisseminateFormat", "this item lacks what EDM requires (a type, a rights URI and a zoomable image)"
        )
    root = envelope(repository, request)
    _record(SubElement(root, f"{{{OAI}}}GetRecord"), repository, entry, request.metadata_prefix)
    return root


def _state(repository: Repository, request: OAIRequest) -> ListState:
    """The list a ListRecords/ListIdentifiers request asks for: from its token, or new (counted here, once)."""
    municipality = repository.municipality
    if request.resumption_token:
        return token_decode(request.resumption_token, municipality=municipality.pk, verb=request.verb)
    _format_checked(request.metadata_prefix)
    state = ListState(
        municipality=municipality.pk,
        verb=request.verb,
        metadata_prefix=request.metadata_prefix,
        set_spec=request.set_spec,
        from_us=selectors.micros(request.from_) if request.from_ else None,
        until_us=selectors.micros(request.until) if request.until else None,
        after=(-1, -1, -1),
        cursor=0,
        size=0,
    )
    size = selectors.list_size(_query(repository, state))
    if size == 0:
        raise OAIError("noRecordsMatch", "no record matches the arguments")
    return replace(state, size=size)


def _query(repository: Repository, state: ListState) -> selectors.ListQuery:
    return selectors.ListQuery(
        municipality=repository.municipality,
        metadata_prefix=state.metadata_prefix,
        set_spec=state.set_spec,
        from_=selectors.from_micros(state.from_us) if state.from_us is not None else None,
        until=selectors.from_micros(state.until_us) if state.until_us is not None else None,
    )


def list_records(repository: Repository, request: OAIRequest) -> Element:
    """ListRecords or ListIdentifiers: one page of the list, and the token of the next (an empty one on the last
    page of a list that had more than one)."""
    state = _state(repository, request)
    limit = page_size()
    after = None if state.after[0] < 0 else state.after
    keys = selectors.page_keys(_query(repository, state), after=after, limit=limit + 1)
    more, keys = len(keys) > limit, keys[:limit]
    if not keys and request.resumption_token:
        raise OAIError("badResumptionToken", "the list this token continued has no more records")
    if not keys:
        raise OAIError("noRecordsMatch", "no record matches the arguments")
    root = envelope(repository, request)
    verb = SubElement(root, f"{{{OAI}}}{request.verb}")
    for entry in selectors.entries(keys, with_places=request.verb == "ListRecords" and state.metadata_prefix == "edm"):
        if request.verb == "ListRecords":
            _record(verb, repository, entry, state.metadata_prefix)
        else:
            _header(verb, repository, entry)
    size = max(state.size, state.cursor + len(keys))
    attributes = {"completeListSize": str(size), "cursor": str(state.cursor)}
    if more:
        following = replace(state, after=keys[-1], cursor=state.cursor + len(keys), size=size)
        expires = timezone.now() + token_ttl()
        _text(verb, "resumptionToken", token_encode(following), {**attributes, "expirationDate": _stamp(expires)})
    elif request.resumption_token:
        _text(verb, "resumptionToken", "", attributes)
    return root


ANSWERS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": list_records,
    "ListRecords": list_records,
}
