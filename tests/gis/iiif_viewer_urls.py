"""Test-only URLconf: the project's URLs and one page that shows an archive item through the viewer include
(gis/templates/gis/archive/viewer.html), until the public item page includes it."""

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path
from django.utils import translation

from gis.models import ArchiveItem
from xenagos.urls import urlpatterns as project_urlpatterns

PAGE = """<!doctype html><html lang="el"><head><meta charset="utf-8"><title>{{ item.name_el }}</title></head>
<body><main><h1>{{ item.name_el }}</h1>{% include "gis/archive/viewer.html" %}</main></body></html>"""


def viewer_page(request: HttpRequest, uid: str) -> HttpResponse:
    translation.activate("el")
    template = engines["django"].from_string(PAGE)
    return HttpResponse(template.render({"item": ArchiveItem.objects.get(uid=uid)}, request))


urlpatterns = [path("test-viewer/<uuid:uid>/", viewer_page), *project_urlpatterns]
