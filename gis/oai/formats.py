"""The metadata formats: ``oai_dc`` (the fifteen Dublin Core elements, each value with its ``xml:lang``) and EDM
(Europeana Data Model, RDF/XML: edm:ProvidedCHO, ore:Aggregation, the item's first zoomable image as an
edm:WebResource with its IIIF service, and the linked places as edm:Place). Written with xml.etree, never by string.
Each EDM record is validated in the tests by edmlib (Kulturpool's EDM validator, Europeana's rules)."""

from collections.abc import Sequence
from dataclasses import dataclass
from xml.etree.ElementTree import Element, SubElement, register_namespace

from django.conf import settings
from django.urls import reverse

from ..archive import DC_ELEMENTS
from ..models import ArchiveItem

OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
EDM = "http://www.europeana.eu/schemas/edm/"
ORE = "http://www.openarchives.org/ore/terms/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SVCS = "http://rdfs.org/sioc/services#"
DOAP = "http://usefulinc.com/ns/doap#"
WGS84 = "http://www.w3.org/2003/01/geo/wgs84_pos#"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NAMESPACES = {
    "": OAI,
    "oai_dc": OAI_DC,
    "dc": DC,
    "dcterms": DCTERMS,
    "edm": EDM,
    "ore": ORE,
    "rdf": RDF,
    "skos": SKOS,
    "svcs": SVCS,
    "doap": DOAP,
    "wgs84_pos": WGS84,
    "xsi": XSI,
}


def namespaces_register() -> None:
    """The prefixes our documents are written with, the OAI namespace as the default one. ElementTree's map is
    global and other writers (gis.route_formats' KML) take the default namespace too: call this before writing."""
    for prefix, uri in NAMESPACES.items():
        register_namespace(prefix, uri)


# DCMI Type term -> edm:type; items of the other DCMI types (Collection, Dataset, Event...) are offered in oai_dc only
EDM_TYPE_OF_DCMI = {
    "Text": "TEXT",
    "Image": "IMAGE",
    "StillImage": "IMAGE",
    "Sound": "SOUND",
    "MovingImage": "VIDEO",
    "PhysicalObject": "3D",
}


@dataclass(frozen=True)
class MetadataFormat:
    prefix: str
    schema: str
    namespace: str


FORMATS = {
    "oai_dc": MetadataFormat("oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd", OAI_DC),
    "edm": MetadataFormat("edm", "http://www.europeana.eu/schemas/edm/EDM.xsd", EDM),
}


def _q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


DcValue = tuple[str, str, str]  # (element, value, language)


@dataclass(frozen=True)
class PlaceRef:
    """A place an item is linked to, as EDM names it (an edm:Place with its coordinates)."""

    uid: str
    name_el: str
    name_en: str
    lat: float
    lon: float


@dataclass(frozen=True)
class ViewRef:
    """A digital view of an item (its audio or video file), as EDM names it: an edm:WebResource at ``path`` (on the
    item's site) with its content type."""

    path: str
    mimetype: str


def values_ordered(rows: list[tuple[str, str, str, int]]) -> tuple[DcValue, ...]:
    """(element, value, language, position) rows in the fifteen elements' order, each element's in theirs."""
    order = {name: index for index, name in enumerate(DC_ELEMENTS)}
    ordered = sorted(rows, key=lambda row: (order.get(row[0], 99), row[3]))
    return tuple((element, value, language) for element, value, language, _position in ordered)


def _literal(parent: Element, tag: str, text: str, language: str = "") -> Element:
    element = SubElement(parent, tag)
    element.text = text
    if language:
        element.set(XML_LANG, language)
    return element


def _resource(parent: Element, tag: str, uri: str) -> Element:
    return SubElement(parent, tag, {_q(RDF, "resource"): uri})


def oai_dc(values: Sequence[DcValue]) -> Element:
    """The ``oai_dc:dc`` element of an item's values (``values_ordered``)."""
    root = Element(
        _q(OAI_DC, "dc"),
        {_q(XSI, "schemaLocation"): f"{OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd"},
    )
    for element, value, language in values:
        _literal(root, _q(DC, element), value, language)
    return root


def item_page_url(item: ArchiveItem, *, site_url: str) -> str:
    """The item's public page in the source language (Greek): ``<site>/el/archive/<uid>/``."""
    return f"{site_url}/el/archive/{item.uid}/"


def _place(root: Element, *, about: str, lat: float, lon: float, labels: dict[str, str]) -> None:
    place = SubElement(root, _q(EDM, "Place"), {_q(RDF, "about"): about})
    _literal(place, _q(WGS84, "lat"), f"{lat:.6f}")
    _literal(place, _q(WGS84, "long"), f"{lon:.6f}")
    for language, label in labels.items():
        if label:
            _literal(place, _q(SKOS, "prefLabel"), label, language)


def _web_resource(root: Element, *, image_id: int, item: ArchiveItem, site_url: str) -> str:
    """The image as an edm:WebResource with its IIIF Image API service (Europeana's IIIF profile: svcs:has_service,
    dcterms:isReferencedBy the manifest); the URL of its whole image ("full/max", at most 2,000 pixels)."""
    service = f"{site_url}{reverse('iiif-base')}{image_id}"
    shown_by = f"{service}/full/max/0/default.jpg"
    resource = SubElement(root, _q(EDM, "WebResource"), {_q(RDF, "about"): shown_by})
    _literal(resource, _q(DC, "format"), "image/jpeg")
    _resource(resource, _q(EDM, "rights"), item.rights)
    _resource(resource, _q(SVCS, "has_service"), service)
    _resource(resource, _q(DCTERMS, "isReferencedBy"), f"{site_url}{reverse('iiif-base')}{item.uid}/manifest.json")
    described = SubElement(root, _q(SVCS, "Service"), {_q(RDF, "about"): service})
    _resource(described, _q(DCTERMS, "conformsTo"), "http://iiif.io/api/image")
    _resource(described, _q(DOAP, "implements"), "http://iiif.io/api/image/3/level0.json")
    return shown_by


def edm(
    item: ArchiveItem,
    *,
    values: Sequence[DcValue],
    places: Sequence[PlaceRef],
    site_url: str,
    image_id: int | None,
    views: Sequence[ViewRef] = (),
) -> Element:
    """The item as an EDM ``rdf:RDF``: the edm:ProvidedCHO (its DC values, dc:type and edm:type, dcterms:spatial to
    each place), its ore:Aggregation (edm:dataProvider and edm:provider: the municipality, or the setting
    ``OAI_EDM_PROVIDER``; edm:isShownAt: the item's page; edm:isShownBy and edm:object: its zoomable image
    ``image_id``, an edm:WebResource with its IIIF service, else its first audio or video file; edm:hasView: its
    other audio and video files; edm:rights: its rights URI), an edm:WebResource per file (dc:format, edm:rights) and
    an edm:Place per linked place and for its own location. The item must be ``edm_ready`` (gis.oai.selectors): it
    has an image or a file. The aggregation's properties are in the order of Europeana's EDM schema (a sequence)."""
    page = item_page_url(item, site_url=site_url)
    cho_uri, aggregation_uri = f"{page}#cho", f"{page}#aggregation"
    root = Element(_q(RDF, "RDF"))
    files = [f"{site_url}{view.path}" for view in views]
    if image_id is not None:
        shown_by = _web_resource(root, image_id=image_id, item=item, site_url=site_url)
    else:
        shown_by, files = files[0], files[1:]  # an item with a file but no zoomable image: the file is its object
    cho = SubElement(root, _q(EDM, "ProvidedCHO"), {_q(RDF, "about"): cho_uri})
    if not any(element == "title" for element, _value, _language in values):
        _literal(cho, _q(DC, "title"), item.name_el, "el")
    if not any(element == "identifier" for element, _value, _language in values):
        _literal(cho, _q(DC, "identifier"), page)  # EDM wants one: the item's public page, its lasting address
    for element, value, language in values:
        if element != "rights":  # edm:rights on the aggregation says it as a URI
            _literal(cho, _q(DC, element), value, language)
    located = [
        (f"{site_url}/#place-{place.uid}", place.lat, place.lon, {"el": place.name_el, "en": place.name_en})
        for place in places
    ]
    if item.location is not None:
        centre = item.location.point_on_surface
        located.append((f"{page}#location", centre.y, centre.x, {}))
    for about, *_rest in located:
        _resource(cho, _q(DCTERMS, "spatial"), about)
    _literal(cho, _q(EDM, "type"), EDM_TYPE_OF_DCMI[item.dc_type])
    municipality = item.municipality
    aggregation = SubElement(root, _q(ORE, "Aggregation"), {_q(RDF, "about"): aggregation_uri})
    _resource(aggregation, _q(EDM, "aggregatedCHO"), cho_uri)
    _literal(aggregation, _q(EDM, "dataProvider"), municipality.name_el, "el")  # type: ignore[union-attr]
    for address in files:
        _resource(aggregation, _q(EDM, "hasView"), address)
    _resource(aggregation, _q(EDM, "isShownAt"), page)
    _resource(aggregation, _q(EDM, "isShownBy"), shown_by)
    if image_id is not None:  # edm:object is a picture (Europeana's preview)
        _resource(aggregation, _q(EDM, "object"), shown_by)
    provider = getattr(settings, "OAI_EDM_PROVIDER", "") or municipality.name_el  # type: ignore[union-attr]
    _literal(aggregation, _q(EDM, "provider"), provider)
    _resource(aggregation, _q(EDM, "rights"), item.rights)
    for view in views:
        resource = SubElement(root, _q(EDM, "WebResource"), {_q(RDF, "about"): f"{site_url}{view.path}"})
        _literal(resource, _q(DC, "format"), view.mimetype)
        _resource(resource, _q(EDM, "rights"), item.rights)
    for about, lat, lon, labels in located:
        _place(root, about=about, lat=lat, lon=lon, labels=labels)
    return root
