"""IIIF Presentation 3 manifests of archive items, built with iiif-prezi3."""

import json

from iiif_prezi3 import Annotation, AnnotationBody, AnnotationPage, Canvas, KeyValueString, Manifest, ServiceV3

from ..models import ArchiveItem, ArchiveItemImage
from ..vocabularies import RIGHTS

RIGHTS_PREFIXES = ("http://creativecommons.org/", "http://rightsstatements.org/")


def _values(item: ArchiveItem) -> dict[str, dict[str, list[str]]]:
    """{element: {language ('none' when not given): [values]}} in the source's order."""
    out: dict[str, dict[str, list[str]]] = {}
    for value in item.dc_values.order_by("element", "position"):
        out.setdefault(value.element, {}).setdefault(value.language or "none", []).append(value.value)
    return out


def item_manifest(*, item: ArchiveItem, images: list[ArchiveItemImage], base_url: str) -> dict:
    """The manifest of ``item`` (label and metadata in Greek and English from its Dublin Core values, rights when a
    Creative Commons or RightsStatements.org URI, one canvas per tiled image); ``base_url`` is our /iiif/ URL."""
    label = {"el": [item.name_el]} | ({"en": [item.name_en]} if item.name_en else {})
    metadata = [
        KeyValueString(label={"en": [element], "el": [element]}, value=languages)
        for element, languages in _values(item).items()
        if element not in ("title", "rights")
    ]
    attribution = item.municipality.name_el if item.municipality else ""
    rights_name = next((short for uri, short, _n in RIGHTS if uri == item.rights), "")
    statement = f"{attribution} — {rights_name}" if rights_name else attribution
    manifest = Manifest(
        id=f"{base_url}{item.uid}/manifest.json",
        label=label,
        metadata=metadata or None,
        requiredStatement=KeyValueString(label={"en": ["Attribution"], "el": ["Απόδοση"]}, value={"none": [statement]}),
    )
    if item.rights.startswith(RIGHTS_PREFIXES):
        manifest.rights = item.rights
    for row in images:
        service = f"{base_url}{row.pk}"
        canvas_id = f"{base_url}{item.uid}/canvas/{row.pk}"
        body = AnnotationBody(
            id=f"{service}/full/max/0/default.jpg",
            type="Image",
            format="image/jpeg",
            width=row.width,
            height=row.height,
            service=[ServiceV3(id=service, type="ImageService3", profile="level0")],
        )
        annotation = Annotation(id=f"{canvas_id}/annotation", motivation="painting", body=body, target=canvas_id)
        page = AnnotationPage(id=f"{canvas_id}/page", items=[annotation])
        canvas_label = {"el": [row.alt_el]} | ({"en": [row.alt_en]} if row.alt_en else {})
        manifest.items.append(
            Canvas(id=canvas_id, label=canvas_label, width=row.width, height=row.height, items=[page])
        )
    return json.loads(manifest.jsonld())  # plain JSON types (its dict keeps pydantic's URL objects)
