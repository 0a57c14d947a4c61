"""Archive metadata in XML: Dublin Core (``oai_dc:dc`` records, alone or in an OAI-PMH response) and Europeana's EDM
(RDF/XML), read into ``ArchiveRecord``s. Parsed only by defusedxml: no DTD, no entities, no network. No database.

``dc_values(element)`` is the one function that turns an ``oai_dc:dc`` element into (DC element, value, language)
triples: the file reader here and the OAI-PMH harvester (importers.oai) both call it.
"""

import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils.translation import gettext as _

from gis.archive import DC_ELEMENTS

from ..archives import ZipLimits
from ..errors import UnreadableFile, UnsafeInput

DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
EDM = "http://www.europeana.eu/schemas/edm/"
ORE = "http://www.openarchives.org/ore/terms/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# W3C's WGS 84 vocabulary; Europeana's own files (shared/data/archive/edm) declare it without the final "#"
WGS84_POS = ("http://www.w3.org/2003/01/geo/wgs84_pos#", "http://www.w3.org/2003/01/geo/wgs84_pos")
PLACE_REFERENCES = (f"{{{DCTERMS}}}spatial", f"{{{EDM}}}currentLocation")
# dcterms refinements read as the DC element they refine (EDM records use them for dates)
DCTERMS_AS_DC = {"created": "date", "issued": "date", "temporal": "coverage", "spatial": "coverage"}

DcValue = tuple[str, str, str]
XML_MEMBERS = frozenset({".xml", ".rdf"})  # the files of a zip (or of its unpacked folder) that are read
# What a document is, by its root element: "oai-pmh" (a response), "dc" (one oai_dc record), "edm" (RDF/XML).
DOCUMENT_KINDS = {f"{{{OAI}}}OAI-PMH": "oai-pmh", f"{{{OAI_DC}}}dc": "dc", f"{{{RDF}}}RDF": "edm"}


@dataclass
class ArchiveRecord:
    """One record read from a source: where it is (``number``, 1-based, and the member of a zip), its source id, its
    DC values, from OAI-PMH its header's datestamp, sets and deleted status, and from EDM the point (longitude,
    latitude, EPSG:4326 degrees) of the edm:Place it names, or why its coordinates were not taken."""

    number: int
    source_id: str
    values: list[DcValue] = field(default_factory=list)
    member: str = ""
    datestamp: str = ""
    sets: list[str] = field(default_factory=list)
    deleted: bool = False
    location: tuple[float, float] | None = None
    location_refused: str = ""


def xml_root(data: bytes, *, shown: str) -> Element:
    """The root element of ``data``, parsed by defusedxml with DTDs, entities and external references refused;
    errors name ``shown``."""
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise UnsafeInput(
            _("XML with a DTD or entity declarations is not read (%(error)s)") % {"error": type(error).__name__},
            path=shown,
        ) from error
    except ParseError as error:
        raise UnreadableFile(_("the XML is broken: %(error)s") % {"error": error}, path=shown) from error


def _text(element: Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def dc_values(element: Element) -> list[DcValue]:
    """The Dublin Core values of an ``oai_dc:dc`` element (or any element whose children are dc: elements), in
    document order: (element name, text with its spaces collapsed, ``xml:lang`` or ""). Empty values are left out."""
    values = []
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        namespace, _sep, name = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
        if namespace == DCTERMS:  # a refinement holding a resource (an edm:Place written inside) is no text value
            name = DCTERMS_AS_DC.get(name, "") if not len(child) else ""
        elif namespace != DC:
            continue
        text = _text(child)
        if name in DC_ELEMENTS and text:
            values.append((name, text, child.get(XML_LANG, "")))
    return values


def _dc_source_id(values: list[DcValue]) -> str:
    return next((value for element, value, _lang in values if element == "identifier"), "")


def _oai_records(root: Element, *, member: str, start: int) -> Iterator[ArchiveRecord]:
    """The records of an OAI-PMH response (ListRecords or GetRecord), keyed on their header identifiers."""
    for number, record in enumerate(root.iter(f"{{{OAI}}}record"), start=start):
        header = record.find(f"{{{OAI}}}header")
        if header is None:
            continue
        metadata = record.find(f"{{{OAI}}}metadata/{{{OAI_DC}}}dc")
        yield ArchiveRecord(
            number=number,
            source_id=_text(header.find(f"{{{OAI}}}identifier")),
            values=dc_values(metadata) if metadata is not None else [],
            member=member,
            datestamp=_text(header.find(f"{{{OAI}}}datestamp")),
            sets=[_text(s) for s in header.findall(f"{{{OAI}}}setSpec")],
            deleted=header.get("status") == "deleted",
        )


def coordinates_refusal(lat: str, lon: str) -> tuple[tuple[float, float] | None, str]:
    """``lat``/``lon`` (decimal degrees, WGS 84, as written) as (longitude, latitude), or None and why not: not a
    number, outside -90..90 or -180..180, or 0,0 (a missing value written as zeros)."""
    try:
        latitude, longitude = float(lat.strip()), float(lon.strip())
    except ValueError:
        return None, _("the coordinates %(lat)s, %(lon)s are not numbers") % {"lat": lat or "-", "lon": lon or "-"}
    if not (-90 <= latitude <= 90) or not (-180 <= longitude <= 180):
        message = _("latitude %(lat)s, longitude %(lon)s are outside -90..90, -180..180")
        return None, message % {"lat": lat, "lon": lon}
    if latitude == 0 and longitude == 0:
        return None, _("the coordinates 0, 0 are taken for missing ones")
    return (longitude, latitude), ""


def _place_point(place: Element) -> tuple[tuple[float, float] | None, str]:
    """The wgs84_pos:lat/long of an edm:Place; (None, "") when it has none."""
    for namespace in WGS84_POS:
        lat, lon = place.find(f"{{{namespace}}}lat"), place.find(f"{{{namespace}}}long")
        if lat is not None or lon is not None:
            return coordinates_refusal(_text(lat), _text(lon))
    return None, ""


def _edm_location(cho: Element, places: dict[str, Element]) -> tuple[tuple[float, float] | None, str]:
    """The point of the first edm:Place with coordinates that ``cho`` names by dcterms:spatial or
    edm:currentLocation (a reference to a place of the document, or a place written inside), or why the first
    place with coordinates was refused."""
    refused = ""
    for reference in cho:
        if reference.tag not in PLACE_REFERENCES:
            continue
        place = places.get(reference.get(f"{{{RDF}}}resource", "")) or reference.find(f"{{{EDM}}}Place")
        if place is None:
            continue
        point, reason = _place_point(place)
        if point is not None:
            return point, ""
        refused = refused or reason
    return None, refused


def _edm_records(root: Element, *, member: str, start: int) -> Iterator[ArchiveRecord]:
    """The edm:ProvidedCHOs of an RDF/XML document, keyed on their rdf:about; the rights and type of the
    ore:Aggregation that aggregates each (edm:rights, edm:type) become its rights and type values, and the
    coordinates of the edm:Place it names (dcterms:spatial, edm:currentLocation) its location."""
    places = {place.get(f"{{{RDF}}}about", ""): place for place in root.iter(f"{{{EDM}}}Place")}
    aggregations: dict[str, Element] = {}
    for found in root.iter(f"{{{ORE}}}Aggregation"):
        cho = found.find(f"{{{EDM}}}aggregatedCHO")
        if cho is not None:
            aggregations[cho.get(f"{{{RDF}}}resource", "")] = found
    for number, cho in enumerate(root.iter(f"{{{EDM}}}ProvidedCHO"), start=start):
        about = cho.get(f"{{{RDF}}}about", "")
        values = dc_values(cho)
        kind = cho.find(f"{{{EDM}}}type")
        if kind is not None and _text(kind):
            values.append(("type", _text(kind), ""))
        aggregation: Element | None = aggregations.get(about)
        rights = aggregation.find(f"{{{EDM}}}rights") if aggregation is not None else None
        if rights is not None and rights.get(f"{{{RDF}}}resource"):
            values.append(("rights", rights.get(f"{{{RDF}}}resource", ""), ""))
        location, refused = _edm_location(cho, places)
        yield ArchiveRecord(
            number=number, source_id=about, values=values, member=member, location=location, location_refused=refused
        )


def _document_records(root: Element, *, member: str, start: int, shown: str) -> Iterator[ArchiveRecord]:
    """The records of one parsed document, whichever of the three kinds it is."""
    if root.tag == f"{{{OAI}}}OAI-PMH":
        error = root.find(f"{{{OAI}}}error")
        if error is not None and error.get("code") != "noRecordsMatch":
            message = _("the OAI-PMH response is an error: %(code)s %(text)s")
            raise UnreadableFile(message % {"code": error.get("code"), "text": _text(error)}, path=shown)
        yield from _oai_records(root, member=member, start=start)
    elif root.tag == f"{{{OAI_DC}}}dc":
        values = dc_values(root)
        yield ArchiveRecord(number=start, source_id=_dc_source_id(values), values=values, member=member)
    elif root.tag == f"{{{RDF}}}RDF":
        yield from _edm_records(root, member=member, start=start)
    else:
        raise UnreadableFile(
            _("not an oai_dc record, an OAI-PMH response or an EDM RDF/XML document (root %(tag)s)")
            % {"tag": root.tag},
            path=shown,
        )


def _ignored(name: str) -> bool:
    """macOS' resource forks in a zip (``__MACOSX/``, ``._*``), and members that are not XML."""
    macos = name.startswith("__MACOSX/") or Path(name).name.startswith("._")
    return macos or Path(name).suffix.lower() not in XML_MEMBERS


@dataclass
class XmlSource:
    """The records of an XML file, of the .xml (and .rdf) members of a zip, or of the files of a folder a zip was
    unpacked into (importers.archives, the admin's upload); members that cannot be read are listed in ``broken``
    (member name, reason) and skipped; macOS' ``__MACOSX/`` and ``._*`` members are ignored. ``kinds`` are the
    kinds of the documents read (DOCUMENT_KINDS' values)."""

    path: Path
    shown: str
    broken: list[tuple[str, str]] = field(default_factory=list)
    documents: int = 0
    kinds: set[str] = field(default_factory=set)

    def records(self) -> Iterator[ArchiveRecord]:
        """Every record, in file (member) order."""
        if self.path.is_dir():
            files = sorted(f for f in self.path.rglob("*") if f.is_file() and not f.is_symlink())
            named = [(f.relative_to(self.path).as_posix(), f.read_bytes) for f in files]
            yield from self._member_records([(name, read) for name, read in named if not _ignored(name)])
            return
        if zipfile.is_zipfile(self.path):
            yield from self._zip_records()
            return
        self.documents = 1
        root = xml_root(self._bytes(self.path), shown=self.shown)
        self.kinds.add(DOCUMENT_KINDS.get(root.tag, ""))
        yield from _document_records(root, member="", start=1, shown=self.shown)

    def _bytes(self, path: Path) -> bytes:
        limit = ZipLimits.from_settings().max_total_bytes
        if path.stat().st_size > limit:
            raise UnsafeInput(
                _("the file is larger than the limit of %(mb)s MB") % {"mb": limit >> 20}, path=self.shown
            )
        return path.read_bytes()

    def _zip_records(self) -> Iterator[ArchiveRecord]:
        limits = ZipLimits.from_settings()
        with zipfile.ZipFile(self.path) as archive:
            members = [info for info in archive.infolist() if not info.is_dir() and not _ignored(info.filename)]
            if sum(info.file_size for info in members) > limits.max_total_bytes:
                raise UnsafeInput(_("the zip unpacks to more than the limit"), path=self.shown)
            ordered = sorted(members, key=lambda i: i.filename)
            yield from self._member_records([(info.filename, partial(archive.read, info)) for info in ordered])

    def _member_records(self, members: list[tuple[str, Callable[[], bytes]]]) -> Iterator[ArchiveRecord]:
        """The records of the documents ``members`` (name, how to read its bytes), numbered on from 1."""
        number = 1
        for name, read in members:
            shown = f"{self.shown}/{name}"
            try:
                root = xml_root(read(), shown=shown)
                records = list(_document_records(root, member=name, start=number, shown=shown))
            except (UnreadableFile, UnsafeInput) as error:
                self.broken.append((name, error.reason))
                continue
            self.documents += 1
            self.kinds.add(DOCUMENT_KINDS.get(root.tag, ""))
            number += len(records)
            yield from records
