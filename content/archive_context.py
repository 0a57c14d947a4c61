"""What the public archive's pages show: an item's Dublin Core values in the visitor's language, its rights, its
links, its small map, the map layers made from it, the "Cite this" texts (plain and BibTeX) and its schema.org
data; the labels of the list's facets; a place page's "In the archive" section.

Maps are gis.maps' (JSON steps drawn by our own gis/leaflet-map.js, every asset ours); coordinates EPSG:4326.
"""

import json
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from gis import maps
from gis.archive import DC_ELEMENTS, Rights, dcmi_type_resolve
from gis.archive_selectors import ShownValue, archive_item_values, archive_items_of_place, archive_places_of_item
from gis.languages import fallback_order
from gis.layers import ItemLayer, item_layers
from gis.models import ArchiveItem, DcElement, DcmiType, Place
from gis.selectors import municipality_bounds
from gis.vocabularies import DCMI_TYPE_NS, RIGHTS

from .place_context import json_ld_script

PLACE_SECTION_ITEMS = 6  # a place page lists at most this many of its archive items
ITEM_STYLE = {"color": "#7a3e00", "weight": 3, "fillOpacity": 0.15}
PLACE_MARKERS = {"radius": 7, "color": "#0b5394", "fillColor": "#0b5394", "fillOpacity": 0.8, "weight": 2}
ROUTE_STYLE = {"color": "#6a1b9a", "weight": 4, "opacity": 0.85}
# schema.org types by DCMI type (every item is also an ArchiveComponent: it is held by the municipality's archive)
SCHEMA_TYPES = {
    "Image": "Photograph",
    "StillImage": "Photograph",
    "MovingImage": "VideoObject",
    "Sound": "AudioObject",
    "Text": "TextDigitalDocument",
    "Dataset": "Dataset",
    "Software": "SoftwareApplication",
    "Event": "Event",
    "Collection": "Collection",
}
_RIGHTS = {uri: Rights(uri, short, name) for uri, short, name in RIGHTS}
# BibTeX: the characters that are special to (La)TeX inside a braced field, escaped (biber and bibtexparser read
# an escaped brace as text, so a title with one brace does not end its field).
_BIBTEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "$": r"\$",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}


def rights_key(uri: str) -> str:
    """The rights' GET parameter value: its short name in lower case with dashes (``cc-by-sa-4.0``, ``inc-edu``)."""
    rights = _RIGHTS.get(uri)
    return rights.short.lower().replace(" ", "-") if rights else ""


def rights_by_key(key: str) -> str | None:
    """The rights URI of a ``rights_key``, or None for none."""
    return next((uri for uri in _RIGHTS if rights_key(uri) == key), None)


def rights_label(uri: str) -> str:
    """How rights are named to a visitor: a Creative Commons licence or mark by its short name (``CC BY 4.0``), a
    RightsStatements.org statement by its (translated) name (``In Copyright``)."""
    rights = _RIGHTS.get(uri)
    if rights is None:
        return uri
    return rights.short if "creativecommons.org" in uri else _(rights.name)


def type_label(term: str) -> str:
    """The DCMI type's translated label (``StillImage`` -> "ακίνητη εικόνα")."""
    try:
        return str(DcmiType(term).label)
    except ValueError:
        return term


def _list_url(**query: str) -> str:
    return f"{reverse('archive')}?{urlencode(query)}"


def _shown(values: list[ShownValue], language: str) -> list[dict[str, str]]:
    """Values for the template, each with the ``lang`` attribute it needs: its own when not the page's."""
    return [
        {"value": v.value, "lang": v.language if v.language and v.language.split("-")[0] != language else ""}
        for v in values
    ]


def place_url(request: HttpRequest, *, place: Place, language: str, index_url: str) -> str:
    """A place's public page in ``language`` (its live page's path, else its record under the places index)."""
    text = place.texts.filter(language=language).first()
    if text is not None and text.url:
        return text.url
    return f"{index_url}p/{place.uid}/" if index_url else ""


def place_name(*, place: Place, language: str) -> str:
    """A place's public name in ``language`` (its public text, else its record's name)."""
    text = place.texts.filter(language=language).first()
    return text.name if text is not None and text.name else place.name


def item_routes(*, item: ArchiveItem, language: str, request: HttpRequest) -> list[dict[str, Any]]:
    """The item's public routes of its municipality that have a live page in ``language`` (title, URL, line)."""
    rows = []
    for route in item.routes.public().filter(municipality=item.municipality_id).order_by("name_el"):
        page = route.pages.live().public().filter(locale__language_code=language).order_by("path").first()
        url = page.get_url(request) if page is not None else None
        if page is not None and url:
            rows.append({"title": page.title, "url": url, "route": route})
    return rows


def item_map(
    *, item: ArchiveItem, title: str, places: list[dict[str, Any]], routes: list[dict[str, Any]]
) -> maps.EmbeddedMap | None:
    """The item's small map: its own location (a point's marker, an area's outline), its places (circles) and
    routes (lines), fitted to all of them; None when none of them is on a map."""
    extents = []
    leaflet_map = maps.LeafletMap(element_id="xenagos-archive-map", center=(38.0, 23.7), zoom=14, scale=True)
    leaflet_map.add(maps.base_layer(maps.base_maps()[0]))
    for route in routes:
        line = route["route"].geometry
        leaflet_map.add(maps.geojson_layer(data=line.geojson, name=route["title"], style=ROUTE_STYLE, control=False))
        extents.append(line.extent)
    if places:
        features = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [row["place"].location.x, row["place"].location.y]},
                "properties": {"name": row["name"]},
            }
            for row in places
        ]
        leaflet_map.add(
            maps.geojson_layer(
                data={"type": "FeatureCollection", "features": features},
                name=_("Places"),
                style={},
                control=False,
                tooltip_fields=["name"],
                circle_markers=PLACE_MARKERS,
            )
        )
        extents += [row["place"].location.extent for row in places]
    if item.location is not None:
        if item.location.geom_type == "Point":
            point = item.location
            leaflet_map.add({"type": "marker", "latlng": [point.y, point.x], "options": {"alt": title, "title": title}})
        else:
            leaflet_map.add(maps.geojson_layer(data=item.location.geojson, name=title, style=ITEM_STYLE, control=False))
        extents.append(item.location.extent)
    if not extents:
        return None
    west, south = min(e[0] for e in extents), min(e[1] for e in extents)
    east, north = max(e[2] for e in extents), max(e[3] for e in extents)
    leaflet_map.add(
        maps.fit_bounds(south=south, west=west, north=north, east=east, animate=False, padding=[24, 24], maxZoom=17)
    )
    return leaflet_map.embed()


def map_layers_of_item(*, item: ArchiveItem, language: str) -> list[ItemLayer]:
    """The layers of its municipality's map made from ``item`` (gis.layers.item_layers: a historical map's
    overlay), each with the map's address that turns it on; none for an item outside a municipality with a
    boundary."""
    municipality = item.municipality
    if municipality is None or municipality.boundary is None:
        return []
    bounds = municipality_bounds(municipality=municipality)
    return item_layers(item=item, municipality=municipality, language=language, bounds=bounds)


def item_media(*, item: ArchiveItem, language: str) -> list[dict[str, Any]]:
    """The item's audio and video for its page, in the editor's order: kind (``audio``/``video``), address, content
    type, label and transcript in ``language`` (else Greek, with its ``lang``), file name and size. Only media of
    collections open to everyone: a restricted one (Wagtail's collection privacy) would not play for a visitor."""
    rows = []
    for row in item.media_files.select_related("media__collection").order_by("sort_order", "pk"):
        medium = row.media
        if medium.collection.get_view_restrictions():
            continue
        english = language == "en"
        transcript = (row.transcript_en if english else "") or row.transcript_el
        try:
            size = medium.file.size
        except OSError:  # the file is gone: still listed, without a size
            size = None
        rows.append(
            {
                "kind": "video" if medium.type == "video" else "audio",
                "url": medium.url,
                "type": medium.sources[0]["type"],
                "label": ((row.label_en if english else "") or row.label_el or medium.title),
                "transcript": transcript,
                "transcript_lang": "el" if english and transcript and not row.transcript_en else "",
                "filename": medium.filename,
                "size": size,
                "width": medium.width,
                "height": medium.height,
                "captions": [
                    {
                        "language": code,
                        "label": name,
                        "url": reverse(
                            "archive-captions", kwargs={"uid": item.uid, "row_id": row.pk, "language": code}
                        ),
                        "default": code == language or (code == "el" and not getattr(row, f"captions_{language}", "")),
                    }
                    for code, name in (("el", "Ελληνικά"), ("en", "English"))
                    if getattr(row, f"captions_{code}").strip()
                ]
                if medium.type == "video"
                else [],
            }
        )
    return rows


def bibtex_escape(text: str) -> str:
    """``text`` for a braced BibTeX field: TeX's special characters escaped, braces balanced; Greek kept as UTF-8
    (biber, bibtexparser and XeLaTeX/LuaLaTeX read it)."""
    return "".join(_BIBTEX_ESCAPES.get(character, character) for character in " ".join(text.split()))


def bibtex_names(names: list[str]) -> str:
    """An ``author`` field: the names joined by "and", each escaped; a name without a comma (a single or corporate
    name, "Νικόλαος Κοντός" as written) is braced whole so that BibTeX does not split it."""
    return " and ".join(bibtex_escape(name) if "," in name else f"{{{bibtex_escape(name)}}}" for name in names)


def cite_bibtex(*, key: str, fields: dict[str, str]) -> str:
    """A ``@misc`` BibTeX entry of ``fields`` (name -> field text, already escaped; empty ones left out)."""
    lines = [f"@misc{{{key},"]
    for name, value in fields.items():
        if value:
            lines.append(f"  {name} = {{{value}}},")
    lines.append("}")
    return "\n".join(lines)


def _first(values: dict[str, list[ShownValue]], element: str) -> str:
    shown = values.get(element) or []
    return shown[0].value if shown else ""


def archive_item_context(request: HttpRequest, *, item: ArchiveItem, index_url: str) -> dict[str, Any]:
    """What an item's page shows, in the active language (``index_url``: the places index in it, for places
    without a page of their own)."""
    language = get_language() or "el"
    values = archive_item_values(item=item, languages=fallback_order(language))
    title = _first(values, "title") or item.name
    municipality = item.municipality
    municipality_name = municipality.name if municipality else ""
    places = [
        {
            "place": place,
            "name": place_name(place=place, language=language),
            "url": place_url(request, place=place, language=language, index_url=index_url),
        }
        for place in archive_places_of_item(item=item)
    ]
    routes = item_routes(item=item, language=language, request=request)
    media = item_media(item=item, language=language)
    collections = [
        {"name": collection.name, "url": _list_url(collection=collection.slug)}
        for collection in item.collections.filter(municipality=item.municipality_id).order_by("name_el")
    ]
    absolute = request.build_absolute_uri(reverse("archive-item", kwargs={"uid": item.uid}))
    elements = []
    for element in DC_ELEMENTS:
        if element not in values:
            continue
        row: dict[str, Any] = {"element": element, "label": DcElement(element).label, "values": []}
        if element == "type" and item.dc_type:
            row["values"] = [{"value": type_label(item.dc_type), "lang": "", "href": DCMI_TYPE_NS + item.dc_type}]
            # the other type values (a text such as «καρτ ποστάλ»), not the ones that name the same DCMI term
            row["values"] += [
                v for v in _shown(values[element], language) if dcmi_type_resolve(v["value"]) != item.dc_type
            ]
        elif element == "rights" and item.rights:
            row["values"] = [{"value": rights_label(item.rights), "lang": "", "href": item.rights}]
        else:
            row["values"] = _shown(values[element], language)
        elements.append(row)
    creators = [v.value for v in values.get("creator", [])]
    archive_name = _("Archive of the municipality of %(name)s") % {"name": municipality_name}
    publisher = _first(values, "publisher")  # the record's own (a museum's, a printer's), else the archive's
    date_text = item.date_text or _first(values, "date")
    parts = ("; ".join(creators), title, date_text, publisher, archive_name)
    plain = "".join(f"{part}{'' if part.endswith(('.', '!', '?')) else '.'} " for part in parts if part) + absolute
    bibtex = cite_bibtex(
        key=f"xenagos-{item.uid}",
        fields={
            "author": bibtex_names(creators),
            "title": bibtex_escape(title),
            "year": bibtex_escape(date_text),
            "publisher": bibtex_escape(publisher or archive_name),
            "howpublished": bibtex_escape(archive_name) if publisher else "",  # where it is held and shown
            "note": bibtex_escape(rights_label(item.rights)) if item.rights else "",
            "url": absolute,
        },
    )
    return {
        "item": item,
        "title": title,
        "elements": elements,
        "description": _first(values, "description"),
        "places": places,
        "routes": routes,
        "media": media,
        "collections": collections,
        "map": item_map(item=item, title=title, places=places, routes=routes),
        "map_layers": map_layers_of_item(item=item, language=language),
        "absolute_url": absolute,
        "cite_text": plain,
        "cite_bibtex": bibtex,
        "json_ld": json_ld_script(
            item_json_ld(
                item=item, title=title, values=values, url=absolute, places=places, media=media, request=request
            )
        ),
    }


def item_json_ld(
    *,
    item: ArchiveItem,
    title: str,
    values: dict[str, list[ShownValue]],
    url: str,
    places: list[dict[str, Any]],
    media: list[dict[str, Any]],
    request: HttpRequest,
) -> dict[str, Any]:
    """The item as schema.org data: an ``ArchiveComponent`` and, by its DCMI type, a ``Photograph``,
    ``TextDigitalDocument``... (else a ``CreativeWork``), with its archive, creators, date as written, licence,
    places (``contentLocation``), collections (``isPartOf``), location (``spatialCoverage``, WGS 84) and its audio
    and video (``associatedMedia``: ``AudioObject``/``VideoObject`` with their transcripts)."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": ["ArchiveComponent", SCHEMA_TYPES.get(item.dc_type, "CreativeWork")],
        "@id": url,
        "url": url,
        "name": title,
        "inLanguage": get_language() or "el",
    }
    if item.municipality is not None:
        data["holdingArchive"] = {
            "@type": "ArchiveOrganization",
            "name": _("Archive of the municipality of %(name)s") % {"name": item.municipality.name},
        }
    description = _first(values, "description")
    if description:
        data["description"] = description
    creators = [v.value for v in values.get("creator", [])]
    if creators:
        data["creator"] = [{"@type": "Thing", "name": name} for name in creators]
    if item.date_text:
        data["dateCreated"] = item.date_text
    if item.rights:
        data["license"] = item.rights
    identifiers = [v.value for v in values.get("identifier", [])]
    if identifiers:
        data["identifier"] = identifiers
    if places:
        data["contentLocation"] = [
            {
                "@type": "Place",
                "name": row["name"],
                **({"url": request.build_absolute_uri(row["url"])} if row["url"] else {}),
                "geo": {
                    "@type": "GeoCoordinates",
                    "latitude": round(row["place"].location.y, 7),
                    "longitude": round(row["place"].location.x, 7),
                },
            }
            for row in places
        ]
    if item.location is not None:
        centroid = item.location.centroid
        data["spatialCoverage"] = {
            "@type": "Place",
            "geo": {"@type": "GeoCoordinates", "latitude": round(centroid.y, 7), "longitude": round(centroid.x, 7)},
        }
    if media:
        data["associatedMedia"] = [
            {
                "@type": "VideoObject" if row["kind"] == "video" else "AudioObject",
                "name": row["label"],
                "contentUrl": request.build_absolute_uri(row["url"]),
                "encodingFormat": row["type"],
                **({"transcript": row["transcript"]} if row["transcript"] else {}),
            }
            for row in media
        ]
    collections = list(item.collections.filter(municipality=item.municipality_id))
    if collections:
        data["isPartOf"] = [{"@type": "Collection", "name": collection.name} for collection in collections]
    json.dumps(data)  # fails here, not in the template, if anything is not JSON
    return data


def place_archive_section(*, place: Place) -> dict[str, Any]:
    """A place page's "In the archive": at most PLACE_SECTION_ITEMS of its published items (title, date, type,
    link), how many there are, and the list filtered by the place."""
    language = get_language() or "el"
    rows, total = archive_items_of_place(place=place, language=language, limit=PLACE_SECTION_ITEMS)
    return {
        "items": [
            {
                "title": row.title,
                "date": row.date_text,
                "type": type_label(row.dc_type) if row.dc_type else "",
                "url": reverse("archive-item", kwargs={"uid": row.uid}),
            }
            for row in rows
        ],
        "total": total,
        "more_url": _list_url(place=str(place.uid)) if total > len(rows) else "",
    }
