"""URLs of the OGC API - Features and the bulk downloads, mounted at /api/features/ (language-neutral)."""

from django.urls import path, re_path

from . import downloads, ogcapi

urlpatterns = [
    path("", ogcapi.landing, name="ogcapi-landing"),
    path("conformance", ogcapi.conformance, name="ogcapi-conformance"),
    path("api", ogcapi.api_document, name="ogcapi-openapi"),
    path("collections", ogcapi.collections, name="ogcapi-collections"),
    path("collections/<str:collection_id>", ogcapi.collection, name="ogcapi-collection"),
    path("collections/<str:collection_id>/items", ogcapi.items, name="ogcapi-items"),
    path("collections/<str:collection_id>/items/<str:feature_id>", ogcapi.item, name="ogcapi-item"),
    path("collections/<str:collection_id>/schema", ogcapi.schema, name="ogcapi-schema"),
    path("collections/<str:collection_id>/queryables", ogcapi.queryables, name="ogcapi-queryables"),
    re_path(
        r"^collections/(?P<collection_id>[^/]+)/download\.(?P<fmt>[a-z]+)$",
        downloads.download,
        name="ogcapi-download",
    ),
    re_path(r"^.+$", ogcapi.unknown, name="ogcapi-unknown"),
]
