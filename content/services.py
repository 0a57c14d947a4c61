"""Writes for municipality sites: the page tree, Wagtail Site, editor groups, workflow, translations."""

from dataclasses import dataclass

from anyascii import anyascii
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.text import slugify
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)
from wagtail_localize.models import StringSegment, StringTranslation, Translation, TranslationSource

from gis.models import Municipality

from .models import Branding, HomePage, PlaceIndexPage, PlacePage

SOURCE_LANGUAGE = "el"


def ascii_slug(text: str) -> str:
    """A URL slug in Latin letters (Greek transliterated), as the admin makes them."""
    return slugify(anyascii(text))[:255] or "place"


EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page", "lock_page", "unlock_page"]
MODERATOR_PAGE_PERMISSIONS = [*EDITOR_PAGE_PERMISSIONS, "publish_page", "bulk_delete_page"]
COLLECTION_PERMISSIONS = [
    ("wagtailimages", ["add_image", "change_image", "choose_image"]),
    ("wagtaildocs", ["add_document", "change_document", "choose_document"]),
    # audio and video (wagtailmedia has no "choose": the media one may change are those one may choose, gis.media);
    # migration xgis 0018 for groups made before them
    ("wagtailmedia", ["add_media", "change_media"]),
]


@dataclass
class HomeTexts:
    """The texts of a home page in one language."""

    title: str
    intro: str = ""


@dataclass
class MunicipalitySite:
    """Everything Wagtail needs for one municipality."""

    site: Site
    home: HomePage
    places: PlaceIndexPage
    editors: Group
    moderators: Group
    collection: Collection


def locales_ensure() -> dict[str, Locale]:
    """The Greek (source) and English locales, created when missing."""
    return {code: Locale.objects.get_or_create(language_code=code)[0] for code in ("el", "en")}


def page_root() -> Page:
    """The tree's root page (made by Wagtail's migrations; recreated if a test flush removed it)."""
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", locale=locales_ensure()[SOURCE_LANGUAGE]))
    return root


def _permissions(app_label: str, codenames: list[str]) -> list[Permission]:
    return list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))


def _submit_translation_permission() -> Permission:
    """wagtail-localize's "Can submit translations". Its migration 0006 makes it on a content type of no model, so
    a database flushed after migrating (the tests' transactional cases) lacks it: make it again when missing."""
    content_type, _ = ContentType.objects.get_or_create(app_label="wagtail_localize", model="translation")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename="submit_translation", defaults={"name": "Can submit translations"}
    )
    return permission


def _group_with_page_permissions(name: str, pages: list[Page], codenames: list[str]) -> Group:
    group, _ = Group.objects.get_or_create(name=name)
    group.permissions.add(*_permissions("wagtailadmin", ["access_admin"]))
    group.permissions.add(_submit_translation_permission())
    # place and route records: the admin lists and opens only those of the group's municipalities
    # (gis.wagtail_hooks); migration xgis 0011 gave groups made before routes existed the same route rights
    group.permissions.add(*_permissions("xgis", ["add_place", "change_place", "view_place"]))
    group.permissions.add(*_permissions("xgis", ["add_route", "change_route", "view_route"]))
    # archive items and collections (gis.archive_admin; migration xgis 0014 for groups made before them)
    archive = [f"{a}_{m}" for m in ("archiveitem", "archivecollection") for a in ("add", "change", "delete", "view")]
    group.permissions.add(*_permissions("xgis", archive))
    for page in pages:
        for permission in _permissions("wagtailcore", codenames):
            GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)
    return group


def _grant_collection(group: Group, collection: Collection) -> None:
    for app_label, codenames in COLLECTION_PERMISSIONS:
        for permission in _permissions(app_label, codenames):
            GroupCollectionPermission.objects.get_or_create(group=group, collection=collection, permission=permission)


def _review_workflow(name: str, moderators: Group, pages: list[Page]) -> Workflow:
    """A one-step review by the municipality's own moderators, attached to its home pages."""
    workflow, _ = Workflow.objects.get_or_create(name=name)
    task, _ = GroupApprovalTask.objects.get_or_create(name=f"{name}: approval")
    task.groups.set([moderators])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    for page in pages:
        WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})
    return workflow


def page_translation_save(*, source: Page, locale: Locale, strings: dict[str, str], publish: bool = True) -> Page:
    """Create or update the ``locale`` translation of ``source`` through wagtail-localize.

    ``strings`` maps a segment path ("title", "intro", ...) to its translation; segments not given keep
    the source text. The translation stays synchronised with its source, as an editor's would.
    """
    translation_source, _ = TranslationSource.update_or_create_from_instance(source)
    translation, _ = Translation.objects.get_or_create(source=translation_source, target_locale=locale)
    for segment in StringSegment.objects.filter(source=translation_source).select_related("string", "context"):
        text = strings.get(segment.context.path)
        if text:
            StringTranslation.objects.update_or_create(
                translation_of=segment.string,
                locale=locale,
                context=segment.context,
                defaults={"data": text},
            )
    # wagtail-localize defers publishing to transaction.on_commit with the page object of that moment; if the
    # tree changes before the commit (children added), that stale object resets the parent's numchild. Save the
    # draft through localize and publish it here, from the database.
    translation.save_target(publish=False)
    page = source.get_translation(locale)
    if publish:
        page.get_latest_revision().publish()
        page.refresh_from_db()
    return page


@transaction.atomic
def municipality_site_ensure(
    *,
    municipality: Municipality,
    hostname: str,
    port: int = 80,
    texts: dict[str, HomeTexts],
    is_default: bool = False,
) -> MunicipalitySite:
    """Create (or bring up to date) the Wagtail side of ``municipality``: home pages in el and en, a Site on
    ``hostname``, branding, editor and moderator groups limited to its pages and its collection, and a
    review workflow. Texts of an existing home page are left as editors made them."""
    locales = locales_ensure()
    branding = Branding.objects.filter(municipality=municipality).select_related("site").first()
    if branding:
        site = branding.site
        home = site.root_page.specific
    else:
        greek = texts[SOURCE_LANGUAGE]
        home = page_root().add_child(
            instance=HomePage(title=greek.title, intro=greek.intro, slug=municipality.slug, locale=locales["el"])
        )
        home.save_revision().publish()
        site = Site.objects.create(
            hostname=hostname, port=port, root_page=home, site_name=municipality.name_el, is_default_site=is_default
        )
        Branding.objects.update_or_create(site=site, defaults={"municipality": municipality})
    for code, locale in locales.items():
        if code != SOURCE_LANGUAGE and code in texts and home.get_translation_or_none(locale) is None:
            page_translation_save(
                source=home, locale=locale, strings={"title": texts[code].title, "intro": texts[code].intro}
            )
    if is_default:
        Site.objects.exclude(pk=site.pk).filter(is_default_site=True).update(is_default_site=False)
    if site.hostname != hostname or site.port != port or site.is_default_site != is_default:
        site.hostname, site.port, site.is_default_site = hostname, port, is_default
        site.save()

    places = _place_index_ensure(home, locales)
    homes = list(home.get_translations(inclusive=True))
    name = municipality.name_en or municipality.name_el
    editors = _group_with_page_permissions(f"{name}: editors", homes, EDITOR_PAGE_PERMISSIONS)
    moderators = _group_with_page_permissions(f"{name}: moderators", homes, MODERATOR_PAGE_PERMISSIONS)
    collection = Collection.objects.filter(name=name, depth=2).first()
    if collection is None:
        collection_root = Collection.get_first_root_node() or Collection.add_root(name="Root")
        collection = collection_root.add_child(name=name)
    for group in (editors, moderators):
        _grant_collection(group, collection)
    _review_workflow(f"{name}: review", moderators, homes)
    moderators.permissions.add(*_permissions("xgis", ["set_dem"]))  # its elevation model (gis.dem_admin; xgis 0012)
    municipality.editor_groups.add(editors, moderators)
    return MunicipalitySite(
        site=site, home=home, places=places, editors=editors, moderators=moderators, collection=collection
    )


PLACE_INDEX_TITLES = {"el": "Τόποι", "en": "Places"}


def _place_index_ensure(home: HomePage, locales: dict[str, Locale]) -> PlaceIndexPage:
    """The home page's places index (slug ``places``) in every language."""
    index = PlaceIndexPage.objects.child_of(home).first()
    if index is None:
        index = home.add_child(instance=PlaceIndexPage(title=PLACE_INDEX_TITLES["el"], slug="places"))
        index.save_revision().publish()
    for code, locale in locales.items():
        if code != SOURCE_LANGUAGE and index.get_translation_or_none(locale) is None:
            page_translation_save(source=index, locale=locale, strings={"title": PLACE_INDEX_TITLES.get(code, "")})
    return index


@transaction.atomic
def place_page_create(*, place, index: PlaceIndexPage, title: str, summary: str = "", user=None) -> PlacePage:
    """Start the Greek page of ``place`` under ``index`` as a draft (an editor then writes and submits it)."""
    page = index.add_child(
        instance=PlacePage(title=title, slug=ascii_slug(title), place=place, summary=summary, live=False)
    )
    page.save_revision(user=user)
    return page


@transaction.atomic
def wagtail_welcome_remove() -> None:
    """Remove the placeholder "Welcome to Wagtail" page and its site that Wagtail's migrations create."""
    placeholders = Page.objects.filter(depth=2, content_type__app_label="wagtailcore", content_type__model="page")
    Site.objects.filter(root_page__in=placeholders).delete()
    for page in placeholders:
        page.delete()
