"""/<lang>/data/: the researchers' page — what can be downloaded, under which licence, and what every field means."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import links, queries
from .collections import collections_all
from .kinds import KINDS


@require_safe
def data_page(request: HttpRequest) -> HttpResponse:
    """Every collection with its size and download links (in the page's language), the API, licences and sources,
    and a table of fields per kind of record."""
    language = get_language() or "el"
    rows: list[dict[str, Any]] = []
    for collection in collections_all():
        downloads = []
        for fmt, (_media, extension) in links.download_formats(collection.kind).items():
            url = reverse("ogcapi-download", args=[collection.id, extension]) + f"?lang={language}"
            downloads.append((fmt.upper() if fmt != "gpkg" else "GeoPackage", url))
            if fmt == "csv":  # the same CSV with a UTF-8 byte order mark, which Excel needs to read Greek
                downloads.append((_("CSV for Excel"), f"{url}&bom=true"))
        rows.append(
            {
                "collection": collection,
                "count": queries.features_matched(collection=collection, values={}).count,
                "items": reverse("ogcapi-items", args=[collection.id]) + f"?f=html&lang={language}",
                "downloads": downloads,
            }
        )
    sources = [
        queries.collection_sources(collection=row["collection"])
        for row in rows
        if row["collection"].municipality is None
    ]
    # every kind of the municipalities' own records names them all (with their licences): list them once
    municipalities: list[dict[str, Any]] = next(
        (source["municipalities"] for source in sources if source["municipalities"]), []
    )
    for municipality in municipalities:
        municipality["licence_url"] = links.licence_url(municipality["licence"])
    datasets = list({d["id"]: d for source in sources for d in source["datasets"]}.values())
    for dataset in datasets:
        dataset["licence_url"] = links.licence_url(dataset["licence"])
    return render(
        request,
        "gis/data_page.html",
        {
            "rows": rows,
            "kinds": list(KINDS.values()),
            "municipalities": municipalities,
            "datasets": datasets,
            "api_url": request.build_absolute_uri(reverse("ogcapi-landing")),
        },
    )
