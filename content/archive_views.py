"""/<lang>/archive/: the public archive of the request's municipality (the host decides it), its list with facets,
search, sorting and pages of LIST_PAGE, and an item's page /<lang>/archive/<uid>/ (the record is the page: README
"The archive").

A query parameter that is not understood is refused with a 400 page that names it and what was wrong, and links to
the list without it (a visitor's stale or mistyped link is shown what to fix, never a silently different list).
Parameters: ``type`` (DCMI term), ``decade`` (its first year, ``1910``), ``place`` (a place's uid), ``collection``
(a slug), ``rights`` (``cc-by-4.0``, ``inc``...), each repeatable (any of its values) and combinable (all facets);
``q`` (text), ``sort`` (``title``, ``date``, ``-date``), ``page``.
"""

import math
import re
import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from gis import archive_selectors as selectors
from gis.models import ArchiveCollection, DcmiType, Place

from .archive_context import archive_item_context, rights_by_key, rights_key, rights_label, type_label
from .models import PlaceIndexPage
from .place_context import municipality_for_request

LIST_PAGE = 24
MAX_QUERY_LENGTH = 200
_DECADE = re.compile(r"^\d{1,3}0$")
_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,50}$")
FACET_PARAMETERS = ("type", "decade", "place", "collection", "rights")
FACET_SHOWN = 10  # values of a facet shown at first (the chosen ones first); the others behind "More" (<details>)


class ArchiveBadParameter(ValueError):
    """A query parameter of the archive list that cannot be used: its name, value and what is wrong."""

    def __init__(self, name: str, value: str, reason: str):
        super().__init__(f"{name}={value}: {reason}")
        self.name, self.value, self.reason = name, value, reason


def _values(request: HttpRequest, name: str) -> list[str]:
    return list(dict.fromkeys(v.strip() for v in request.GET.getlist(name) if v.strip()))


def archive_filter(request: HttpRequest) -> tuple[selectors.ArchiveFilter, str, int]:
    """The list's filter, sort and page number from the query string; ArchiveBadParameter for a value that is
    not understood."""
    municipality = municipality_for_request(request)
    types = _values(request, "type")
    for value in types:
        if value not in DcmiType.values:
            raise ArchiveBadParameter("type", value, _("not a type of the DCMI Type vocabulary"))
    decades = []
    for value in _values(request, "decade"):
        if not _DECADE.match(value):
            raise ArchiveBadParameter("decade", value, _("a decade is its first year, such as 1910"))
        decades.append(int(value))
    places = _values(request, "place")
    for value in places:
        try:
            uuid.UUID(value)
        except ValueError:
            raise ArchiveBadParameter("place", value, _("not the identifier of a place")) from None
    public = Place.objects.public().filter(uid__in=places, municipality=municipality)
    known = {str(uid) for uid in public.values_list("uid", flat=True)} if places else set()
    for value in places:
        if value not in known:
            raise ArchiveBadParameter("place", value, _("this municipality has no such place"))
    collections = _values(request, "collection")
    slugs = set(
        ArchiveCollection.objects.filter(municipality=municipality, slug__in=collections).values_list("slug", flat=True)
    )
    for value in collections:
        if not _SLUG.match(value) or value not in slugs:
            raise ArchiveBadParameter("collection", value, _("this municipality's archive has no such collection"))
    rights = []
    for value in _values(request, "rights"):
        uri = rights_by_key(value)
        if uri is None:
            raise ArchiveBadParameter("rights", value, _("not a Creative Commons or RightsStatements.org name"))
        rights.append(uri)
    text = request.GET.get("q", "").strip()
    if len(text) > MAX_QUERY_LENGTH or "\x00" in text:
        raise ArchiveBadParameter("q", text[:40], _("a search is at most %(n)s characters") % {"n": MAX_QUERY_LENGTH})
    sort = request.GET.get("sort", "") or "title"
    if sort not in selectors.SORTS:
        raise ArchiveBadParameter("sort", sort, _("sort by title, date or -date"))
    page_text = request.GET.get("page", "") or "1"
    if not page_text.isdigit() or not 0 < int(page_text) < 10**6:
        raise ArchiveBadParameter("page", page_text, _("a page is a number from 1"))
    where = selectors.ArchiveFilter(
        municipality=municipality,
        language=get_language() or "el",
        types=types,
        decades=decades,
        places=places,
        collections=collections,
        rights=rights,
        text=text,
    )
    return where, sort, int(page_text)


def _link(
    request: HttpRequest, *, toggle: tuple[str, str] | None = None, page: int | None = None, drop: str = ""
) -> str:
    """The list's URL with the current query, ``toggle`` = (name, value) added or removed, without the parameter
    ``drop``, on ``page``."""
    query = request.GET.copy()
    query.pop("page", None)
    if drop:
        query.pop(drop, None)
    if toggle is not None:
        name, value = toggle
        values = query.getlist(name)
        query.setlist(name, [v for v in values if v != value] if value in values else [*values, value])
    if page and page > 1:
        query["page"] = str(page)
    return f"?{query.urlencode()}" if query else "?"


def _facets(request: HttpRequest, where: selectors.ArchiveFilter) -> list[dict]:
    """The facets for the template: heading, and each value's label, count, link (toggling it) and state; the
    values past FACET_SHOWN (chosen ones never) in ``more``."""
    found = selectors.archive_facets(where=where)
    headings = {
        "type": _("Type"),
        "decade": _("Decade"),
        "place": _("Place"),
        "collection": _("Collection"),
        "rights": _("Rights"),
    }
    chosen = {name: set(request.GET.getlist(name)) for name in FACET_PARAMETERS}
    facets = []
    for name in FACET_PARAMETERS:
        values = []
        for value in found[name]:
            key, label = value.key, value.label
            if name == "type":
                label = type_label(key)
            elif name == "rights":
                key, label = rights_key(value.key), rights_label(value.key)
            elif name == "decade":
                label = _("%(decade)ss") % {"decade": key}
            values.append(
                {
                    "key": key,
                    "label": label,
                    "count": value.count,
                    "chosen": key in chosen[name],
                    "url": _link(request, toggle=(name, key)),
                }
            )
        if values:
            shown = values if name == "decade" else sorted(values, key=lambda v: not v["chosen"])
            facets.append(
                {
                    "name": name,
                    "heading": headings[name],
                    "values": shown[:FACET_SHOWN],
                    "more": shown[FACET_SHOWN:],
                }
            )
    return facets


@require_safe
def archive_list(request: HttpRequest) -> HttpResponse:
    """The archive's published items of the host's municipality: facets with counts, search, sort and pages."""
    try:
        where, sort, number = archive_filter(request)
    except ArchiveBadParameter as bad:
        response = render(
            request,
            "content/archive_error.html",
            {"bad": bad, "without_url": _link(request, drop=bad.name)},
            status=400,
        )
        return response
    matched = selectors.archive_count(where=where)
    pages = max(1, math.ceil(matched / LIST_PAGE))
    if number > pages:
        raise Http404("There is no such page of the archive.")
    rows = selectors.archive_page(where=where, sort=sort, limit=LIST_PAGE, offset=(number - 1) * LIST_PAGE)
    thumbnails = selectors.archive_first_images(uids=[str(row.uid) for row in rows])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "content/archive_list.html",
        {
            "items": [
                {
                    "row": row,
                    "type": type_label(row.dc_type) if row.dc_type else "",
                    "thumbnail": thumbnails.get(str(row.uid)),
                }
                for row in rows
            ],
            "matched": matched,
            "facets": _facets(request, where),
            "filtered": bool(query.urlencode()),
            "text": where.text,
            "sort": sort,
            "sorts": [("title", _("Title")), ("date", _("Oldest first")), ("-date", _("Newest first"))],
            "hidden": [(name, value) for name in FACET_PARAMETERS for value in request.GET.getlist(name)],
            "page_number": number,
            "pages": pages,
            "previous_link": _link(request, page=number - 1) if number > 1 else "",
            "next_link": _link(request, page=number + 1) if number < pages else "",
        },
    )


@require_safe
def archive_item(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """An item's page: 404 unless it is published and of the host's municipality."""
    item = selectors.archive_item_public_get(uid=str(uid), municipality=municipality_for_request(request))
    if item is None:
        raise Http404("There is no published archive item with this identifier here.")
    index = PlaceIndexPage.for_request(request)
    index_url = (index.get_url(request) or "") if index is not None and index.live else ""
    return render(request, "content/archive_item.html", archive_item_context(request, item=item, index_url=index_url))


@require_safe
def archive_captions(request: HttpRequest, uid: uuid.UUID, row_id: int, language: str) -> HttpResponse:
    """A film's WebVTT captions in ``language`` (``el``, ``en``): 404 unless its item is published and of the host's
    municipality, its collection open to everyone and it has captions in that language."""
    item = selectors.archive_item_public_get(uid=str(uid), municipality=municipality_for_request(request))
    row = item.media_files.select_related("media__collection").filter(pk=row_id).first() if item else None
    text = getattr(row, f"captions_{language}", "") if language in ("el", "en") else ""
    if row is None or not text.strip() or row.media.collection.get_view_restrictions():
        raise Http404("There are no such captions here.")
    response = HttpResponse(text, content_type="text/vtt; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response
