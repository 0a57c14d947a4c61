"""Municipality isolation, proven by a matrix: every admin URL x {anonymous, editor A, moderator A, editor B,
superuser} x {A's object, B's object} -> the expected outcome.

The admin URLs come from Django's URL resolver (everything under /admin/, which includes what Wagtail's registries
and our hooks add: snippet viewsets, model viewsets, reports, wagtail-localize). Each URL name must have a rule in
RULES below; a new admin URL without one fails ``test_every_admin_url_has_a_rule`` with its name and route.

A is Athens (9186), B is Nafplio (9236). Every response that a user is allowed to see is also searched for the
other municipality's markers (its page titles, place names, image, document, media and import names): reads are isolated
too (listings, history, usage, reports, choosers, the admin API).
"""

import io
import json
import re
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.gis.geos import LineString, MultiLineString
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from PIL import Image as PillowImage
from wagtail.admin.models import EditingSession
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.log_actions import log
from wagtail.models import Collection, Page, UploadedFile
from wagtail_localize.models import OverridableSegment, StringSegment, Translation, TranslationSource
from wagtailmedia.models import Media

from content.models import PlacePage
from gis.models import ArchiveCollection, ArchiveItem, Category, Dataset, Period, Place, Route, Theme

pytestmark = pytest.mark.django_db

# who may open a URL
PUBLIC = "public"  # anyone, also anonymous (login, password reset, the admin's JavaScript catalogue)
STAFF = "staff"  # any admin user; the URL names no object of a municipality (what it lists is checked for leaks)
SUPERUSER = "superuser"  # only superusers (users, groups, sites, locales, workflows, settings, shared vocabularies)
EDIT = "edit"  # editors and moderators of the object's municipality, and superusers
MODERATE = "moderate"  # moderators of the object's municipality, and superusers
NOBODY = "nobody"  # answers no one with a page, e.g. a test URL that raises 404 for everybody

ALLOWED, REFUSED, LOGIN = "allowed", "refused", "login"


@dataclass(frozen=True)
class Rule:
    """What a URL expects. ``obj`` names the kind of object its arguments point at (their municipality decides);
    ``method`` is how the matrix calls it; ``args`` override argument values by name; ``skip`` says why a URL is
    not called (it must still be named here)."""

    level: str
    obj: str = ""
    method: str = "get"
    args: dict = field(default_factory=dict)
    skip: str = ""
    query: str = ""


def pages(level: str, **kwargs) -> Rule:
    return Rule(level, obj="page", **kwargs)


def place(level: str, **kwargs) -> Rule:
    return Rule(level, obj="place", **kwargs)


def route(level: str, **kwargs) -> Rule:
    return Rule(level, obj="route", **kwargs)


def archive_item(level: str, **kwargs) -> Rule:
    return Rule(level, obj="archiveitem", **kwargs)


def archive_collection(level: str, **kwargs) -> Rule:
    return Rule(level, obj="archivecollection", **kwargs)


def _archive_rules(model: str, rule) -> dict[str, Rule]:  # noqa: ANN001 (archive_item or archive_collection)
    """An archive viewset (gis.archive_admin): its editors' municipality decides every view and chooser."""
    return {
        f"wagtailsnippets_xgis_{model}:list": Rule(STAFF),
        f"wagtailsnippets_xgis_{model}:list_results": Rule(STAFF),
        f"wagtailsnippets_xgis_{model}:add": Rule(STAFF),
        **{
            f"wagtailsnippets_xgis_{model}:{name}": rule(EDIT)
            for name in ("edit", "delete", "usage", "history", "history_results", "copy")
        },
        f"wagtailsnippetchoosers_xgis_{model}:choose": Rule(STAFF),
        f"wagtailsnippetchoosers_xgis_{model}:choose_results": Rule(STAFF),
        f"wagtailsnippetchoosers_xgis_{model}:chosen": rule(EDIT),
        f"wagtailsnippetchoosers_xgis_{model}:chosen_multiple": rule(
            STAFF, query=f"?id={{{model}}}"
        ),  # empty if not own
        f"wagtailsnippetchoosers_xgis_{model}:create": Rule(STAFF, skip=f"the {model} chooser has no create form"),
    }


SU_MODEL_VIEWS = ["index", "index_results", "add", "edit", "delete", "history", "history_results", "usage", "copy"]


def _superuser_viewset(prefix: str, names=SU_MODEL_VIEWS, obj: str = "") -> dict[str, Rule]:
    return {f"{prefix}:{name}": Rule(SUPERUSER, obj=obj) for name in names}


RULES: dict[str, Rule] = {
    # dashboard, account, generic admin furniture
    "wagtailadmin_home": Rule(STAFF),
    "wagtailadmin_account": Rule(STAFF),
    "wagtailadmin_logout": Rule(STAFF, skip="would end the client's session; Django's own logout view"),
    "wagtailadmin_login": Rule(
        PUBLIC, skip="a logged-in user is sent on to the dashboard; anonymous access is Django's"
    ),
    "wagtailadmin_password_reset": Rule(PUBLIC),
    "wagtailadmin_password_reset_done": Rule(PUBLIC),
    "wagtailadmin_password_reset_confirm": Rule(PUBLIC, args={"uidb64": "MQ", "token": "set-password"}),
    "wagtailadmin_password_reset_complete": Rule(PUBLIC),
    "wagtailadmin_javascript_catalog": Rule(PUBLIC),
    "wagtailadmin_sprite": Rule(PUBLIC),
    "wagtailadmin_error_test": Rule(STAFF, skip="raises on purpose (Wagtail's error page test)"),
    "wagtailadmin_dismissibles": Rule(STAFF, method="patch"),
    "wagtailadmin_block_preview": Rule(STAFF, skip="needs a StreamField block id; renders no stored data"),
    "wagtailadmin_tag_autocomplete": Rule(STAFF),
    "wagtailadmin_tag_model_autocomplete": Rule(STAFF, args={"app_name": "taggit", "model_name": "tag"}),
    "wagtailadmin_editing_sessions:ping": Rule(EDIT, obj="session", method="post"),
    # releases only the caller's own session (Wagtail filters by user), so anyone gets the same empty answer
    "wagtailadmin_editing_sessions:release": Rule(STAFF, obj="session", method="post"),
    # the admin API behind the explorer and choosers
    "wagtailadmin_api:pages:listing": Rule(STAFF),
    "wagtailadmin_api:pages:detail": pages(EDIT, args={"pk": "@page"}),
    "wagtailadmin_api:pages:find": pages(EDIT, query="?id={page}"),
    "wagtailadmin_api:pages:action": pages(EDIT, skip="POST-only actions (copy, move...), each its own page view"),
    "wagtailadmin_api:documents:listing": Rule(STAFF),
    "wagtailadmin_api:documents:detail": Rule(EDIT, obj="document", args={"pk": "@document"}),
    "wagtailadmin_api:documents:find": Rule(EDIT, obj="document", query="?id={document}"),
    "wagtailadmin_api:images:listing": Rule(STAFF),
    "wagtailadmin_api:images:detail": Rule(EDIT, obj="image", args={"pk": "@image"}),
    "wagtailadmin_api:images:find": Rule(EDIT, obj="image", query="?id={image}"),
    # pages
    "wagtailadmin_explore_root": Rule(STAFF),
    # replaced by xenagos_explore (content.admin_urls), which refuses a page outside the user's tree
    "wagtailadmin_explore": pages(EDIT, args={"parent_page_id": "@home"}),
    "xenagos_explore": pages(EDIT, args={"parent_page_id": "@home"}),
    "xenagos_explore_results": pages(EDIT, args={"parent_page_id": "@home"}),
    "wagtailadmin_explore_results": pages(EDIT, args={"parent_page_id": "@home"}),
    # replaced by xenagos_bulk_action, which refuses ids the user may not see; the action itself checks its right
    "wagtail_bulk_action": pages(
        EDIT, args={"app_label": "wagtailcore", "model_name": "page", "action": "publish"}, query="?id={page}"
    ),
    "xenagos_bulk_action": pages(
        EDIT, args={"app_label": "wagtailcore", "model_name": "page", "action": "publish"}, query="?id={page}"
    ),
    "wagtailadmin_pages:add": pages(
        EDIT,
        args={"content_type_app_name": "content", "content_type_model_name": "placepage", "parent_page_id": "@index"},
    ),
    "xenagos_add_page": pages(  # content.admin_urls: Wagtail's view without autosave
        EDIT,
        args={"content_type_app_name": "content", "content_type_model_name": "placepage", "parent_page_id": "@index"},
    ),
    "wagtailadmin_pages:preview_on_add": pages(
        EDIT,
        args={"content_type_app_name": "content", "content_type_model_name": "placepage", "parent_page_id": "@index"},
    ),
    "wagtailadmin_pages:type_use": Rule(
        STAFF, args={"content_type_app_name": "content", "content_type_model_name": "placepage"}
    ),
    "wagtailadmin_pages:type_use_results": Rule(
        STAFF, args={"content_type_app_name": "content", "content_type_model_name": "placepage"}
    ),
    "wagtailadmin_pages:choose_parent": Rule(STAFF, args={"app_label": "content", "model_name": "placepage"}),
    "wagtailadmin_pages:usage": pages(EDIT),
    "wagtailadmin_pages:edit": pages(EDIT),
    "wagtailadmin_pages:preview_on_edit": pages(EDIT),
    "wagtailadmin_pages:view_draft": pages(EDIT),
    "wagtailadmin_pages:add_subpage": pages(EDIT, args={"parent_page_id": "@index"}),
    "wagtailadmin_pages:delete": pages(MODERATE),
    "wagtailadmin_pages:unpublish": pages(MODERATE),
    "wagtailadmin_pages:convert_alias": pages(EDIT, skip="only for alias pages; the demo has none"),
    "wagtailadmin_pages:search": Rule(STAFF, query="?q=a"),
    "wagtailadmin_pages:search_results": Rule(STAFF, query="?q=a"),
    "wagtailadmin_pages:move": pages(MODERATE),
    # a place page may not move under a home page: refused for everyone, whichever municipality (before_move_page)
    "wagtailadmin_pages:move_confirm": pages(NOBODY, args={"destination_id": "@home"}),
    "wagtailadmin_pages:set_page_position": pages(MODERATE, method="post", args={"page_to_move_id": "@page"}),
    "wagtailadmin_pages:copy": pages(EDIT),
    "wagtailadmin_pages:workflow_action": pages(MODERATE, args={"action_name": "approve"}),
    "wagtailadmin_pages:collect_workflow_action_data": pages(MODERATE, args={"action_name": "approve"}),
    # Wagtail checks nothing here; the modal names only the workflow (checked for leaks)
    "wagtailadmin_pages:confirm_workflow_cancellation": pages(STAFF),
    "wagtailadmin_pages:workflow_preview": pages(MODERATE),
    "wagtailadmin_pages:set_privacy": pages(EDIT, skip="view restrictions are not given to municipal groups"),
    "wagtailadmin_pages:lock": pages(EDIT, method="post", args={"page_id": "@index"}),
    "wagtailadmin_pages:unlock": pages(EDIT, method="post", args={"page_id": "@index"}),
    "wagtailadmin_pages:revisions_index": pages(STAFF, skip="only redirects to the history view (checked)"),
    "wagtailadmin_pages:revisions_view": pages(EDIT),
    "wagtailadmin_pages:revisions_revert": pages(EDIT),
    "wagtailadmin_pages:revisions_unschedule": pages(MODERATE, skip="needs a scheduled revision"),
    "wagtailadmin_pages:revisions_compare": pages(
        EDIT, args={"pk": "@page", "revision_id_a": "earliest", "revision_id_b": "latest"}
    ),
    "wagtailadmin_pages:workflow_history": pages(EDIT),
    "wagtailadmin_pages:workflow_history_detail": pages(EDIT),
    "wagtailadmin_pages:history": pages(EDIT),
    "wagtailadmin_pages:history_results": pages(EDIT),
    "wagtailadmin_choose_page": Rule(STAFF),
    "wagtailadmin_choose_page_child": pages(EDIT, args={"parent_page_id": "@home"}),  # shadowed by the next one
    "xenagos_choose_page_child": pages(EDIT, args={"parent_page_id": "@home"}),  # content.admin_urls: own tree only
    "wagtailadmin_choose_page_search": Rule(STAFF, query="?q=a"),
    "wagtailadmin_choose_page_chosen_multiple": pages(STAFF, query="?id={page}"),  # shadowed by the next one
    "xenagos_choose_page_chosen_multiple": pages(STAFF, query="?id={page}"),  # content.admin_urls: empty if not own
    "wagtailadmin_choose_page_external_link": Rule(STAFF),
    "wagtailadmin_choose_page_email_link": Rule(STAFF),
    "wagtailadmin_choose_page_phone_link": Rule(STAFF),
    "wagtailadmin_choose_page_anchor_link": Rule(STAFF),
    # collections (each municipality has one; managing them is for superusers)
    "wagtailadmin_collections:index": Rule(SUPERUSER),
    "wagtailadmin_collections:add": Rule(SUPERUSER),
    "wagtailadmin_collections:edit": Rule(SUPERUSER, obj="collection"),
    "wagtailadmin_collections:delete": Rule(SUPERUSER, obj="collection"),
    "wagtailadmin_collections:set_privacy": Rule(SUPERUSER, obj="collection"),
    # workflows and tasks: configured by superusers (municipality_site_ensure makes one per municipality)
    **_superuser_viewset(
        "wagtailadmin_workflows", ["index", "index_results", "add", "edit", "usage", "usage_results"], obj="workflow"
    ),
    "wagtailadmin_workflows:enable": Rule(SUPERUSER, obj="workflow", method="post"),
    "wagtailadmin_workflows:disable": Rule(SUPERUSER, obj="workflow"),
    "wagtailadmin_workflows:remove": Rule(
        SUPERUSER, method="post", args={"page_pk": "@home", "workflow_pk": "@workflow"}
    ),
    "wagtailadmin_workflows:add_task": Rule(
        SUPERUSER, args={"app_label": "wagtailcore", "model_name": "groupapprovaltask"}
    ),
    "wagtailadmin_workflows:select_task_type": Rule(SUPERUSER),
    "wagtailadmin_workflows:task_index": Rule(SUPERUSER),
    "wagtailadmin_workflows:task_index_results": Rule(SUPERUSER),
    "wagtailadmin_workflows:edit_task": Rule(SUPERUSER, obj="task"),
    "wagtailadmin_workflows:disable_task": Rule(SUPERUSER, obj="task"),
    "wagtailadmin_workflows:enable_task": Rule(SUPERUSER, obj="task", method="post"),
    # the task chooser lists task names to any admin user (Wagtail); names only, checked for leaks
    "wagtailadmin_workflows:task_chooser": Rule(STAFF),
    "wagtailadmin_workflows:task_chooser_results": Rule(STAFF),
    "wagtailadmin_workflows:task_chooser_create": Rule(STAFF),
    "wagtailadmin_workflows:task_chosen": Rule(STAFF),
    # reports
    "wagtailadmin_reports:locked_pages": Rule(STAFF),
    "wagtailadmin_reports:locked_pages_results": Rule(STAFF),
    "wagtailadmin_reports:workflow": Rule(STAFF),
    "wagtailadmin_reports:workflow_results": Rule(STAFF),
    "wagtailadmin_reports:workflow_tasks": Rule(STAFF),
    "wagtailadmin_reports:workflow_tasks_results": Rule(STAFF),
    "wagtailadmin_reports:site_history": Rule(STAFF),
    "wagtailadmin_reports:site_history_results": Rule(STAFF),
    "wagtailadmin_reports:aging_pages": Rule(STAFF),
    "wagtailadmin_reports:aging_pages_results": Rule(STAFF),
    "wagtailadmin_reports:page_types_usage": Rule(SUPERUSER),  # replaced by xenagos_page_types_usage
    "wagtailadmin_reports:page_types_usage_results": Rule(SUPERUSER),
    "xenagos_page_types_usage": Rule(SUPERUSER),  # content.admin_urls: counts every municipality's pages
    "xenagos_page_types_usage_results": Rule(SUPERUSER),
    # imports (importers app): runs belong to a municipality
    "importers:history": Rule(STAFF),
    "importers:upload": Rule(STAFF),
    "importers:source": Rule(EDIT, obj="import"),
    "importers:mapping": Rule(EDIT, obj="import"),
    "importers:progress": Rule(EDIT, obj="import"),
    "importers:status": Rule(EDIT, obj="import"),
    "importers:report": Rule(EDIT, obj="import"),
    "importers:confirm": Rule(EDIT, obj="import", method="post"),
    "importers:cancel": Rule(EDIT, obj="import", method="post"),
    "importers:harvest_sources": Rule(STAFF),
    "importers:harvest_source_new": Rule(STAFF),
    "importers:harvest_source": Rule(EDIT, obj="harvest"),
    "importers:harvest_source_status": Rule(EDIT, obj="harvest"),
    "importers:harvest_source_run": Rule(EDIT, obj="harvest", method="post"),
    "importers:harvest_source_delete": Rule(
        EDIT, obj="harvest", skip="tested in tests/importers/test_admin_harvest.py"
    ),
    # two-factor sign-in (xenagos.security): each user's own device only, nothing of a municipality
    "xsecurity:two_factor_verify": Rule(STAFF),
    "xsecurity:two_factor_setup": Rule(STAFF),
    "xsecurity:two_factor_remove": Rule(STAFF, method="post"),
    # raster layers (tiles app): shared by all municipalities, managed by superusers
    # a municipality's elevation model (gis.dem_admin): its moderators and superusers; the list names no object
    "xgis_dem_index": Rule(MODERATE),
    "xgis_dem_edit": Rule(MODERATE, obj="municipality"),
    **_superuser_viewset("raster_layers", obj="layer"),
    "tiles_layer_status": Rule(SUPERUSER, obj="layer"),
    # wagtail-localize, and our own stricter versions of some of its views (content.wagtail_hooks)
    "wagtail_localize:javascript_catalog": Rule(STAFF),
    "wagtail_localize:submit_page_translation": pages(EDIT, args={"page_id": "@index"}),
    "wagtail_localize:submit_snippet_translation": Rule(
        SUPERUSER, args={"app_label": "xgis", "model_name": "category", "pk": "@category"}
    ),
    "wagtail_localize:update_translations": pages(EDIT, args={"translation_source_id": "@source"}),
    "wagtail_localize:edit_string_translation": pages(EDIT, method="put"),
    "wagtail_localize:edit_override": pages(EDIT, method="put"),
    "wagtail_localize:download_pofile": pages(EDIT),
    "wagtail_localize:upload_pofile": pages(EDIT, method="post"),  # answered by xenagos_localize_upload_pofile
    "wagtail_localize:machine_translate": pages(EDIT, skip="no machine translator is configured"),
    "wagtail_localize:preview_translation": pages(EDIT, args={"mode": "x"}, skip="see test_isolation"),
    "wagtail_localize:stop_translation": pages(EDIT, skip="disables the translation; refusal tested by name below"),
    "wagtail_localize:convert_to_alias": pages(EDIT, args={"page_id": "@translated"}),
    "wagtail_localize:translations_report": Rule(STAFF),
    "wagtail_localize:translations_report_results": Rule(STAFF),
    "wagtail_localize:snippets_api_listing": Rule(STAFF, args={"app_label": "xgis", "model_name": "category"}),
    "wagtail_localize:snippets_api_detail": Rule(
        STAFF, args={"app_label": "xgis", "model_name": "category", "pk": "@category"}
    ),
    "xenagos_localize_submit_page_translation": pages(EDIT, args={"page_id": "@index"}),
    "xenagos_localize_submit_snippet_translation": Rule(
        SUPERUSER, args={"app_label": "xgis", "model_name": "category", "pk": "@category"}
    ),
    "xenagos_localize_update_translations": pages(EDIT, args={"translation_source_id": "@source"}),
    "xenagos_localize_upload_pofile": pages(EDIT, method="post"),
    "xenagos_localize_translations_report": Rule(STAFF),
    "xenagos_localize_translations_report_results": Rule(STAFF),
    # form pages (no form page type is installed), redirects, settings, embeds: superusers
    "wagtailforms:index": Rule(STAFF),
    "wagtailforms:index_results": Rule(STAFF),
    "wagtailforms:list_submissions": pages(NOBODY),
    "wagtailforms:list_submissions_results": pages(NOBODY),
    "wagtailforms:delete_submissions": pages(NOBODY),
    "wagtailredirects:index": Rule(SUPERUSER),
    "wagtailredirects:index_results": Rule(SUPERUSER),
    "wagtailredirects:add": Rule(SUPERUSER),
    "wagtailredirects:edit": Rule(SUPERUSER, args={"redirect_id": "@redirect"}),
    "wagtailredirects:delete": Rule(SUPERUSER, args={"redirect_id": "@redirect"}),
    "wagtailredirects:start_import": Rule(SUPERUSER),
    "wagtailredirects:process_import": Rule(SUPERUSER, skip="a POST without its form data is Wagtail's own 500"),
    "wagtailsettings:edit": Rule(SUPERUSER, args={"app_name": "content", "model_name": "branding", "pk": "@site"}),
    "wagtailsettings:preview_on_edit": Rule(
        SUPERUSER, skip="Branding has no preview", args={"app_name": "content", "model_name": "branding", "pk": "@site"}
    ),
    "wagtailembeds:chooser": Rule(STAFF),
    "wagtailembeds:chooser_upload": Rule(STAFF, method="post"),
    "wagtailsnippets:index": Rule(SUPERUSER),  # lists the shared vocabularies; places have their own menu
    # documents
    "wagtaildocs:index": Rule(STAFF),
    "wagtaildocs:index_results": Rule(STAFF),
    "wagtaildocs:add": Rule(STAFF),
    "wagtaildocs:edit": Rule(EDIT, obj="document"),
    "wagtaildocs:delete": Rule(NOBODY, obj="document", skip="no municipal group may delete documents"),
    "wagtaildocs:add_multiple": Rule(STAFF),
    "wagtaildocs:edit_multiple": Rule(EDIT, obj="document", method="post"),
    "wagtaildocs:create_multiple_from_uploaded_document": Rule(
        EDIT, obj="upload", skip="Wagtail answers only the uploader"
    ),
    "wagtaildocs:delete_multiple": Rule(NOBODY, obj="document", skip="no municipal group may delete documents"),
    "wagtaildocs:delete_upload_multiple": Rule(EDIT, obj="upload", skip="deletes the upload; refusal by name below"),
    "wagtaildocs:document_usage": Rule(EDIT, obj="document"),
    "wagtaildocs_chooser:choose": Rule(STAFF),
    "wagtaildocs_chooser:choose_results": Rule(STAFF),
    "wagtaildocs_chooser:chosen": Rule(EDIT, obj="document", args={"pk": "@document"}),
    "wagtaildocs_chooser:chosen_multiple": Rule(STAFF, obj="document", query="?id={document}"),
    "wagtaildocs_chooser:create": Rule(STAFF),
    # audio and video (wagtailmedia; gis.media)
    "wagtailmedia:index": Rule(STAFF),
    "wagtailmedia:add": Rule(STAFF, args={"media_type": "audio"}),
    "wagtailmedia:edit": Rule(EDIT, obj="media"),
    "wagtailmedia:delete": Rule(EDIT, obj="media"),  # change_media lets one delete too (wagtailmedia's policy)
    "wagtailmedia:chooser": Rule(STAFF),
    "wagtailmedia:chooser_typed": Rule(STAFF, args={"media_type": "audio"}),
    "wagtailmedia:media_chosen": Rule(EDIT, obj="media"),
    "wagtailmedia:chooser_upload": Rule(STAFF, args={"media_type": "audio"}),
    "wagtailmedia:media_usage": Rule(EDIT, obj="media"),  # answered by xgis_media_usage, at the same address
    "xgis_media_usage": Rule(EDIT, obj="media"),  # gis.media: wagtailmedia's usage checked on the medium
    # images
    "wagtailimages:index": Rule(STAFF),
    "wagtailimages:index_results": Rule(STAFF),
    "wagtailimages:add": Rule(STAFF),
    "wagtailimages:edit": Rule(EDIT, obj="image"),
    "wagtailimages:delete": Rule(NOBODY, obj="image", skip="no municipal group may delete images"),
    "wagtailimages:url_generator": Rule(NOBODY, obj="image"),  # no dynamic image serve view is installed
    "wagtailimages:url_generator_output": Rule(NOBODY, obj="image", query="?filter_method=original"),
    "wagtailimages:preview": Rule(EDIT, obj="image", args={"filter_spec": "original"}),
    "wagtailimages:image_usage": Rule(EDIT, obj="image"),
    "wagtailimages:add_multiple": Rule(STAFF),
    "wagtailimages:edit_multiple": Rule(EDIT, obj="image", method="post"),
    "wagtailimages:create_multiple_from_uploaded_image": Rule(
        EDIT, obj="upload", skip="Wagtail answers only the uploader"
    ),
    "wagtailimages:delete_multiple": Rule(NOBODY, obj="image", skip="no municipal group may delete images"),
    "wagtailimages:delete_upload_multiple": Rule(EDIT, obj="upload", skip="deletes the upload; refusal by name below"),
    "wagtailimages_chooser:choose": Rule(STAFF),
    "wagtailimages_chooser:choose_results": Rule(STAFF),
    "wagtailimages_chooser:chosen": Rule(EDIT, obj="image", args={"pk": "@image"}),
    "wagtailimages_chooser:chosen_multiple": Rule(STAFF, obj="image", query="?id={image}"),
    "wagtailimages_chooser:create": Rule(STAFF),
    "wagtailimages_chooser:select_format": Rule(EDIT, obj="image"),
    # places (gis.wagtail_hooks): one municipality's records
    "wagtailsnippets_xgis_place:list": Rule(STAFF),
    "wagtailsnippets_xgis_place:list_results": Rule(STAFF),
    "wagtailsnippets_xgis_place:add": Rule(STAFF),
    "wagtailsnippets_xgis_place:edit": place(EDIT),
    "wagtailsnippets_xgis_place:delete": place(NOBODY, skip="no municipal group may delete places"),
    "wagtailsnippets_xgis_place:usage": place(EDIT),
    "wagtailsnippets_xgis_place:history": place(EDIT),
    "wagtailsnippets_xgis_place:history_results": place(EDIT),
    "wagtailsnippets_xgis_place:copy": place(EDIT),
    "wagtailsnippets_xgis_place:revisions_revert": place(EDIT, args={"revision_id": "@place_revision"}),
    "wagtailsnippets_xgis_place:revisions_compare": place(
        EDIT, args={"revision_id_a": "earliest", "revision_id_b": "latest"}
    ),
    "wagtailsnippetchoosers_xgis_place:choose": Rule(STAFF),
    "wagtailsnippetchoosers_xgis_place:choose_results": Rule(STAFF),
    "wagtailsnippetchoosers_xgis_place:chosen": place(EDIT),
    "wagtailsnippetchoosers_xgis_place:chosen_multiple": place(STAFF, query="?id={place}"),  # empty if not own
    "wagtailsnippetchoosers_xgis_place:create": Rule(STAFF, skip="the place chooser has no create form"),
    # routes (gis.wagtail_hooks): the records kept by one municipality
    "wagtailsnippets_xgis_route:list": Rule(STAFF),
    "wagtailsnippets_xgis_route:list_results": Rule(STAFF),
    "wagtailsnippets_xgis_route:add": Rule(STAFF),
    "wagtailsnippets_xgis_route:edit": route(EDIT),
    "wagtailsnippets_xgis_route:delete": route(NOBODY, skip="no municipal group may delete routes"),
    "wagtailsnippets_xgis_route:usage": route(EDIT),
    "wagtailsnippets_xgis_route:history": route(EDIT),
    "wagtailsnippets_xgis_route:history_results": route(EDIT),
    "wagtailsnippets_xgis_route:copy": route(EDIT),
    "wagtailsnippets_xgis_route:revisions_revert": route(EDIT, args={"revision_id": "@route_revision"}),
    "wagtailsnippets_xgis_route:revisions_compare": route(
        EDIT, args={"revision_id_a": "earliest", "revision_id_b": "latest"}
    ),
    "wagtailsnippetchoosers_xgis_route:choose": Rule(STAFF),
    "wagtailsnippetchoosers_xgis_route:choose_results": Rule(STAFF),
    "wagtailsnippetchoosers_xgis_route:chosen": route(EDIT),
    "wagtailsnippetchoosers_xgis_route:chosen_multiple": route(STAFF, query="?id={route}"),  # empty if not own
    "wagtailsnippetchoosers_xgis_route:create": Rule(STAFF, skip="the route chooser has no create form"),
    # the archive (gis.archive_admin): items and collections of one municipality
    **_archive_rules("archiveitem", archive_item),
    **_archive_rules("archivecollection", archive_collection),
    # shared vocabularies: categories and periods are one list for all municipalities, edited by superusers;
    # editors choose from them (the chooser), which is why choosing is open to every admin user
    **{
        f"wagtailsnippets_xgis_{model}:{name}": Rule(SUPERUSER, args={"pk": f"@{model}"})
        for model in ("category", "period", "theme")
        for name in ("list", "list_results", "add", "edit", "delete", "usage", "history", "history_results", "copy")
    },
    **{
        f"wagtailsnippetchoosers_xgis_{model}:{name}": Rule(STAFF, args={"pk": f"@{model}"})
        for model in ("category", "period", "theme")
        for name in ("choose", "choose_results", "chosen", "chosen_multiple")
    },
    **{
        f"wagtailsnippetchoosers_xgis_{model}:create": Rule(SUPERUSER, skip="the vocabulary chooser has no create form")
        for model in ("category", "period", "theme")
    },
    # Wagtail's own registries: locales, sites, users, groups
    **_superuser_viewset("wagtaillocales", obj="locale"),
    **_superuser_viewset("wagtailsites", obj="site"),
    **_superuser_viewset("wagtailusers_users", obj="user"),
    **_superuser_viewset("wagtailusers_groups", [n for n in SU_MODEL_VIEWS if n != "copy"], obj="group"),
    None: Rule(NOBODY, skip="unnamed: Wagtail's test404 and the catch-all that answers 404 for unknown admin URLs"),
}


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
            yield from _walk(pattern, route, inner or namespace)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name, route, pattern


def admin_urls() -> list[tuple[str | None, str, URLPattern]]:
    """Every URL pattern under /admin/: (name with namespaces, route, pattern)."""
    return [(name, route, pattern) for name, route, pattern in _walk(get_resolver()) if route.startswith("admin/")]


def _argument_names(route: str) -> list[str]:
    return re.findall(r"<(?:\w+:)?(\w+)>", route) + re.findall(r"\(\?P<(\w+)>", route)


def test_every_admin_url_has_a_rule():
    """A new admin URL (a new app, viewset, report or Wagtail upgrade) must be given a rule here."""
    missing = [f"{name} ({route})" for name, route, _ in admin_urls() if name not in RULES]
    assert not missing, "admin URLs not in the permission matrix: " + ", ".join(missing)
    stale = set(RULES) - {name for name, _, _ in admin_urls()}
    assert not stale, f"rules for URLs that no longer exist: {sorted(stale, key=str)}"


# --------------------------------------------------------------------------------------------------------------------
# the world the matrix runs in: objects of Athens (A) and Nafplio (B), shared objects, and five users


def _png(name: str) -> ImageFile:
    buffer = io.BytesIO()
    PillowImage.new("RGB", (8, 8), "#0b5394").save(buffer, format="PNG")
    return ImageFile(buffer, name=f"{name}.png")


@dataclass
class Side:
    """One municipality's objects, and the strings that must not show to the other municipality's users."""

    code: str
    home: Page
    index: Page
    page: PlacePage
    translated: Page
    place: Place
    collection: Collection
    image: object
    document: object
    media: object
    source: TranslationSource
    translation: Translation
    run: object
    upload: UploadedFile
    session: EditingSession
    markers: list[str]
    values: dict = field(default_factory=dict)


def _side(code: str, hostname: str, user) -> Side:
    from wagtail.models import Site

    from importers.models import HarvestSource, ImportRun

    name = {"9186": "athens", "9236": "nafplio"}[code]
    home = Site.objects.get(hostname=hostname).root_page.specific
    page = PlacePage.objects.filter(locale__language_code="el", path__startswith=home.path).order_by("path").first()
    index = page.get_parent()
    translated = page.get_translations().get()
    place = page.place
    collection = Collection.objects.get(name=name.capitalize())
    image = get_image_model().objects.create(
        title=f"iso-{name}-image", file=_png(f"iso-{name}"), collection=collection, uploaded_by_user=user
    )
    document = get_document_model().objects.create(
        title=f"iso-{name}-document",
        file=ContentFile(b"%PDF-1.4\n", name=f"iso-{name}.pdf"),
        collection=collection,
        uploaded_by_user=user,
    )
    media = Media.objects.create(
        title=f"iso-{name}-media",
        file=ContentFile(b"RIFF\x24\x00\x00\x00WAVEfmt ", name=f"iso-{name}.wav"),
        type="audio",
        collection=collection,
        uploaded_by_user=user,
    )
    source = TranslationSource.objects.get_for_instance(page)
    translation = Translation.objects.get(source=source, target_locale=translated.locale)
    dataset = Dataset.objects.get_or_create(slug="iso", defaults={"title": "iso", "licence": "CC0", "attribution": ""})[
        0
    ]
    run = ImportRun.objects.create(
        dataset=dataset, municipality=place.municipality, user=user, file_name=f"iso-{name}-upload.geojson"
    )
    upload = UploadedFile.objects.create(file=ContentFile(b"x", name=f"iso-{name}.bin"), uploaded_by_user=user)
    harvest = HarvestSource.objects.create(
        municipality=place.municipality, dataset=dataset, base_url=f"https://iso-{name}-harvest.example.org/oai"
    )
    session = EditingSession.objects.create(user=user, content_object=page.page_ptr, last_seen_at="2026-01-01T00:00Z")
    # a workflow on the place page, started by its editor (task states for the workflow views)
    workflow_state = page.get_workflow().start(page, user)
    task_state = workflow_state.current_task_state
    place.save_revision(user=user)
    start = place.location
    route = Route.objects.create(
        name_el=f"iso-{name}-route",
        municipality=place.municipality,
        geometry=MultiLineString(LineString((start.x, start.y), (start.x + 0.001, start.y)), srid=4326),
    )
    route.route_stops.create(place=place, sort_order=0)
    route.save()  # a cluster's children are written with their parent
    route.save_revision(user=user)
    route.save_revision(user=user)
    archive_collection = ArchiveCollection.objects.create(
        municipality=place.municipality, slug=f"iso-{name}", name_el=f"iso-{name}-archive-collection"
    )
    archive_item = ArchiveItem.objects.create(name_el=f"iso-{name}-archive-item", municipality=place.municipality)
    archive_item.places.add(place)
    archive_item.collections.add(archive_collection)
    log(instance=place, action="wagtail.edit", user=user)  # for the site history report
    log(instance=image, action="wagtail.edit", user=user)
    markers = [
        home.title,
        page.title,
        translated.title,
        place.name_el,
        route.name_el,
        archive_item.name_el,
        archive_collection.name_el,
        image.title,
        document.title,
        media.title,
        run.file_name,
        harvest.base_url,
    ]
    side = Side(
        code=code,
        home=home,
        index=index,
        page=page,
        translated=translated,
        place=place,
        collection=collection,
        image=image,
        document=document,
        media=media,
        source=source,
        translation=translation,
        run=run,
        upload=upload,
        session=session,
        markers=[marker for marker in markers if marker],
    )
    segment = StringSegment.objects.filter(source=source).first()
    override = OverridableSegment.objects.filter(source=source).first()
    side.values = {
        "page_id": page.pk,
        "page": page.pk,
        "page_to_move_id": page.pk,
        "parent_page_id": home.pk,
        "home": home.pk,
        "index": index.pk,
        "translated": translated.pk,
        "source": source.pk,
        "translation_source_id": source.pk,
        "translation_id": translation.pk,
        "string_segment_id": segment.pk,
        "overridable_segment_id": override.pk if override else 0,
        "revision_id": page.latest_revision_id,
        "task_state_id": task_state.pk,
        "task_id": task_state.task_id,
        "workflow_state_id": workflow_state.pk,
        "place": place.pk,
        "place_revision": place.latest_revision_id,
        "route": route.pk,
        "archiveitem": archive_item.pk,
        "archivecollection": archive_collection.pk,
        "municipality": place.municipality_id,
        "route_revision": route.latest_revision_id,
        "image_id": image.pk,
        "image": image.pk,
        "document_id": document.pk,
        "doc_id": document.pk,
        "document": document.pk,
        "media_id": media.pk,
        "media": media.pk,
        "uploaded_file_id": upload.pk,
        "session_id": session.pk,
        "app_label": "wagtailcore",
        "model_name": "page",
        "object_id": page.pk,
        "collection": collection.pk,
        "collection_id": collection.pk,
        "uid": run.uid,
        "harvest": harvest.pk,
    }
    return side


@dataclass
class World:
    a: Side
    b: Side
    shared: dict
    clients: dict


@pytest.fixture
def world(athens, nafplio) -> World:
    User = get_user_model()
    editor_a = User.objects.get(username="editor-athens")
    editor_b = User.objects.get(username="editor-nafplio")
    moderator_a = User.objects.create_user(username="moderator-athens", password="x")
    moderator_a.groups.add(Group.objects.get(name="Athens: moderators"))
    superuser = User.objects.get(username="admin")
    a = _side("9186", "athens.localhost", editor_a)
    b = _side("9236", "nafplio.localhost", editor_b)
    a.upload.uploaded_by_user = editor_a
    from wagtail.contrib.redirects.models import Redirect as WagtailRedirect
    from wagtail.models import Locale, Site, Task, Workflow

    from tiles.models import RasterLayer

    layer = RasterLayer.objects.create(slug="iso-layer", title_el="iso")
    shared = {
        "category": Category.objects.first().pk,
        "period": Period.objects.first().pk,
        "theme": Theme.objects.first().pk,
        "locale": Locale.objects.first().pk,
        "site": Site.objects.first().pk,
        "user": editor_b.pk,
        "group": Group.objects.get(name="Nafplio: editors").pk,
        "workflow": Workflow.objects.first().pk,
        "task": Task.objects.first().pk,
        "layer": layer.pk,
        "redirect": WagtailRedirect.objects.create(old_path="/iso", redirect_link="https://example.org/").pk,
        "collection": b.collection.pk,
    }
    clients = {"anonymous": Client(raise_request_exception=False)}
    for role, user in [
        ("editor A", editor_a),
        ("moderator A", moderator_a),
        ("editor B", editor_b),
        ("superuser", superuser),
    ]:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients[role] = client
    return World(a=a, b=b, shared=shared, clients=clients)


# --------------------------------------------------------------------------------------------------------------------
# expectations and calls


ROLES = {"anonymous": None, "editor A": "a", "moderator A": "a", "editor B": "b", "superuser": None}


def expected(rule: Rule, role: str, side: str) -> str:
    """The outcome ``role`` should get for ``rule`` on an object of ``side`` ("a" or "b")."""
    if rule.level == PUBLIC:
        return ALLOWED
    if role == "anonymous":
        return LOGIN
    if role == "superuser":
        return REFUSED if rule.level == NOBODY else ALLOWED
    if rule.level == STAFF:
        return ALLOWED
    if rule.level in (SUPERUSER, NOBODY):
        return REFUSED
    own = ROLES[role] == side
    if rule.level == EDIT:
        return ALLOWED if own else REFUSED
    if rule.level == MODERATE:
        return ALLOWED if own and role.startswith("moderator") else REFUSED
    raise AssertionError(rule.level)


def outcome(response) -> str:
    """What a response amounts to: a login redirect, a refusal (403, 404, or Wagtail's redirect to the dashboard
    with an error message), or allowed (anything else below 500)."""
    if response.status_code >= 500:
        return f"server error {response.status_code}"
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("wagtailadmin_login")):
            return LOGIN
        if location == reverse("wagtailadmin_home"):
            return REFUSED
        return ALLOWED
    if response.status_code in (401, 403, 404):
        return REFUSED
    if response.status_code == 405:
        return f"method not allowed ({response.status_code})"
    return ALLOWED


def _value(name: str, rule: Rule, side: Side, shared: dict):
    """An argument's value: ``rule.args`` gives a literal or, with "@", the name of an object; otherwise the argument
    is named after an object of the side (page_id, image_id, uid...), or it is the rule's object's primary key."""
    given = rule.args.get(name)
    if given is not None and not given.startswith("@"):
        return given
    key = given[1:] if given else name
    if key == "pk" and rule.obj:
        key = rule.obj
    if key in side.values:
        return side.values[key]
    if key in shared:
        return shared[key]
    raise AssertionError(f"no value for argument {name} of a {rule.level} rule")


def url_for(route: str, rule: Rule, side: Side, shared: dict) -> str:
    """The route with each argument filled in from ``side`` (or the shared objects), plus the rule's query."""
    url = "/" + route.replace("^", "").replace("$", "")
    for name in _argument_names(route):
        value = _value(name, rule, side, shared)
        url = re.sub(rf"<(?:\w+:)?{name}>|\(\?P<{name}>[^)]*\)", str(value), url, count=1)
    url = url.replace("\\.", ".")
    query = rule.query.format(
        **{
            key: side.values.get(key, "")
            for key in ("page", "image", "document", "place", "route", "archiveitem", "archivecollection")
        }
    )
    return url + query


def _body(response) -> str:
    """The response's text; JSON (Wagtail's modal choosers answer with their HTML inside it) is decoded, so that Greek
    markers written as \\u escapes are found too."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = content.decode(errors="replace")
    if "json" in response.get("Content-Type", ""):
        try:
            text = json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            pass
    return text


def call(client: Client, rule: Rule, url: str):
    if rule.method == "get":
        return client.get(url)
    if rule.method == "post":
        return client.post(url, {})
    return getattr(client, rule.method)(url, "value=iso", content_type="application/x-www-form-urlencoded")


def _worth_calling(rule: Rule, role: str, side: str) -> bool:
    """Halve the calls without losing a case: anonymous users and superusers are the same on either side, and B's
    editor on B's objects mirrors A's editor on A's (B's editor on A's objects is called)."""
    if side == "b":
        return role == "editor A" or (role == "moderator A" and rule.level == MODERATE)
    return True


def test_permission_matrix(world):
    """Every admin URL x five users x both municipalities' objects gives the outcome its rule expects, and nothing
    a user may see names the other municipality's objects."""
    failures, calls = [], 0
    for name, route, _pattern in admin_urls():
        rule = RULES[name]
        if rule.skip:
            continue
        object_sides = ["a", "b"] if (rule.obj or _argument_names(route)) and rule.level != PUBLIC else ["a"]
        for role, client in world.clients.items():
            for side_name in object_sides:
                if not _worth_calling(rule, role, side_name):
                    continue
                side = getattr(world, side_name)
                url = url_for(route, rule, side, world.shared)
                response = call(client, rule, url)
                calls += 1
                got, want = outcome(response), expected(rule, role, side_name)
                if got != want:
                    where = response.get("Location", "")
                    failures.append(
                        f"{name}: {role} on {side_name.upper()}'s object {url} -> {got} "
                        f"({response.status_code} {where}), expected {want}"
                    )
                    continue
                if got == ALLOWED and role in ("editor A", "moderator A", "editor B"):
                    other = world.b if ROLES[role] == "a" else world.a
                    body = _body(response)
                    shown = [marker for marker in other.markers if marker in body]
                    if shown:
                        failures.append(f"{name}: {role} {url} shows the other municipality's {shown}")
    assert calls > 500
    assert not failures, f"{len(failures)} of {calls} calls broke isolation:\n" + "\n".join(failures)
