"""Root URLs. Public pages live under /<lang>/ (el, en); admin, health and media are language-neutral.

Private files are reachable only through views that check (xenagos/files.py says which file is served how).
"""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from content import views as content_views
from content.archive_views import archive_captions, archive_item, archive_list
from content.routes_list import routes_list
from gis import views as gis_views
from gis.api.datapage import data_page
from gis.oai.views import oai
from xenagos import files
from xenagos.privacy import privacy
from xenagos.views import healthz

handler404 = "xenagos.errors.page_not_found"
handler500 = "xenagos.errors.server_error"  # a database outage answers 503 with Retry-After (xenagos.errors)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("oai", oai, name="oai"),  # the OAI-PMH provider of the host's municipality (gis.oai)
    path("admin/2fa/", include("xenagos.security.urls")),  # two-factor sign-in screens (before the admin's)
    path("admin/", include("content.admin_urls")),  # stricter versions of some Wagtail admin views, same addresses
    path("admin/", include(wagtailadmin_urls)),
    # Wagtail's document view (collection privacy checked), marking restricted documents private for caches
    re_path(r"^documents/(\d+)/(.*)$", files.document),
    path("documents/", include(wagtaildocs_urls)),
    path("tiles/", include("tiles.urls")),
    path("iiif/", include("gis.iiif.urls")),
    path("api/features/", include("gis.api.urls")),
    re_path(
        r"^routes/(?P<uid>[0-9a-fA-F-]{36})\.(?P<fmt>gpx|kml|geojson)$", gis_views.route_download, name="route-download"
    ),
]

# audio and video (wagtailmedia's Media.url), after the collection privacy check: also when the proxy serves /media/
urlpatterns += [path(f"{settings.MEDIA_URL.strip('/')}/media/<path:name>", files.audiovisual, name="media-file")]

if settings.SERVE_MEDIA:  # only image renditions: documents, raster sources and tile archives are not served here
    urlpatterns += [path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", files.media, name="media")]

urlpatterns += i18n_patterns(
    path("map/", content_views.municipality_map, name="map"),
    path("map/places/", gis_views.places, name="map-places"),
    path("map/near/", gis_views.near, name="map-near"),
    path("map/routes/", gis_views.routes, name="map-routes"),
    path("routes/", routes_list, name="routes"),
    path("archive/", archive_list, name="archive"),
    path("archive/<uuid:uid>/", archive_item, name="archive-item"),
    path("archive/<uuid:uid>/captions/<int:row_id>/<str:language>.vtt", archive_captions, name="archive-captions"),
    path("data/", data_page, name="data"),
    path("privacy/", privacy, name="privacy"),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)
