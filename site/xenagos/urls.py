"""Root URLs. Public pages live under /<lang>/ (el, en); admin, health and media are language-neutral."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from content import views as content_views
from gis import views as gis_views
from gis.api.datapage import data_page
from xenagos.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", include("content.admin_urls")),  # stricter versions of some Wagtail admin views, same addresses
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("tiles/", include("tiles.urls")),
    path("api/features/", include("gis.api.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns += [path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

urlpatterns += i18n_patterns(
    path("map/", content_views.municipality_map, name="map"),
    path("map/places/", gis_views.places, name="map-places"),
    path("map/near/", gis_views.near, name="map-near"),
    path("data/", data_page, name="data"),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)
