"""Spatial records. Geometry is stored in EPSG:4326 (WGS 84, lon/lat degrees) with GiST indexes."""

import uuid

from django.contrib.auth.models import Group
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import RegexValidator
from django.db.models import Case, Value, When
from django.db.models.lookups import In
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable, RevisionMixin, TranslatableMixin

from .languages import STORED_SEARCH_CONFIGS, STORED_SEARCH_DEFAULT, localized
from .public import PUBLIC_PLACE

WGS84 = 4326


class Municipality(models.Model):
    """A municipality (Kallikratis δήμος): identity, names, boundary, and the groups that may edit its data."""

    code = models.CharField(_("Kallikratis code"), max_length=16, unique=True, help_text=_("e.g. 9186 for Athens"))
    slug = models.SlugField(unique=True)
    name_el = models.CharField(_("name (Greek)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    boundary = models.MultiPolygonField(_("boundary"), srid=WGS84)
    boundary_source = models.CharField(_("boundary source"), max_length=500, blank=True)
    licence = models.CharField(_("data licence"), max_length=100, default="CC BY 4.0")
    editor_groups = models.ManyToManyField(
        Group, blank=True, related_name="municipalities", help_text=_("groups whose members edit this data")
    )
    # The elevation model the profiles of the routes it keeps are read from (gis.elevation): a GeoTIFF in any CRS,
    # kept privately (not under a served media folder), set in the admin by its moderators (permission set_dem).
    dem = models.FileField(
        _("elevation model (DEM)"),
        upload_to="elevation/",
        max_length=255,
        blank=True,
        help_text=_("A GeoTIFF of elevations in metres, in any coordinate system."),
    )

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name_el"]
        permissions = [("set_dem", _("Can set the municipality's elevation model"))]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language, by its name order (gis.languages: German -> English -> Greek)."""
        return localized({"el": self.name_el, "en": self.name_en})


class Dataset(models.Model):
    """Where imported records come from: provenance and licence travel with every record."""

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=300)
    source_url = models.URLField(blank=True)
    licence = models.CharField(max_length=100, help_text=_("e.g. CC BY 4.0"))
    attribution = models.CharField(max_length=500)

    def __str__(self) -> str:
        return self.title


class Category(TranslatableMixin, models.Model):
    """A kind of place (controlled, editable vocabulary); translated with Wagtail's locales."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(help_text=_("stable identifier used in URLs and exports"))
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["slug", "locale"], name="category_slug_locale")]

    def __str__(self) -> str:
        return self.name


class Period(TranslatableMixin, models.Model):
    """A historical period (controlled, editable vocabulary); years are approximate, negative before the common era."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(help_text=_("stable identifier used in URLs and exports"))
    start_year = models.IntegerField(_("from (year)"), null=True, blank=True)
    end_year = models.IntegerField(_("to (year)"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("historical period")
        verbose_name_plural = _("historical periods")
        ordering = ["sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["slug", "locale"], name="period_slug_locale")]

    def __str__(self) -> str:
        return self.name


class StepFree(models.TextChoices):
    YES = "yes", _("step-free")
    PARTLY = "partly", _("partly step-free")
    NO = "no", _("not step-free")


class RecordQuerySet(models.QuerySet):
    def public(self) -> "RecordQuerySet":
        """The records the public sees (gis.public: in a municipality, not withdrawn)."""
        return self.filter(PUBLIC_PLACE)


class Record(models.Model):
    """What every kind of record has (places, routes, archive items; style.md "Adding a kind of record"): one
    identity whatever the language of its pages, the municipality whose editors keep it, its names as delivered, the
    source key and provenance, and ``withdrawn`` when the latest import no longer has it."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The municipality whose editors keep the record (its pages are in that municipality's tree).
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="%(class)ss",
        null=True,
        blank=True,
        db_index=False,  # indexed by <kind>_municipality_live (municipality, withdrawn)
    )
    name_el = models.CharField(_("name (Greek)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    dataset = models.ForeignKey(  # indexed by <kind>_unique_source_key (dataset, source_id)
        Dataset, verbose_name=_("dataset"), on_delete=models.PROTECT, null=True, blank=True, db_index=False
    )
    source_id = models.CharField(_("source id"), max_length=200, blank=True)
    source_attributes = models.JSONField(default=dict, blank=True)
    withdrawn = models.BooleanField(
        _("withdrawn from the source"), default=False, help_text=_("missing from the latest import")
    )
    created_at = models.DateTimeField(_("date created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["municipality", "withdrawn"], name="%(class)s_municipality_live")]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "source_id"],
                condition=models.Q(dataset__isnull=False),
                name="%(class)s_unique_source_key",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language, by its name order (gis.languages: German -> English -> Greek)."""
        return localized({"el": self.name_el, "en": self.name_en})


class Place(RevisionMixin, Record):  # type: ignore[django-manager-missing]  # `pages` is content's PlacePage
    """One real-world place: a single identity and geometry whatever the language of its pages.

    Source-owned fields (geometry, names as delivered, ``source_attributes``) are written by importers;
    editorial text lives in the place's Wagtail pages and is never written here. Every save in the admin keeps a
    revision (history, compare); bulk imports write only changed rows and keep no revisions.
    """

    location = models.PointField(_("location"), srid=WGS84)
    step_free = models.CharField(_("physical access"), max_length=8, choices=StepFree.choices, blank=True)
    footprint = models.MultiPolygonField(_("footprint"), srid=WGS84, null=True, blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    periods = models.ManyToManyField(Period, verbose_name=_("historical periods"), blank=True, related_name="+")
    wikidata = models.CharField(
        _("Wikidata item"), max_length=20, blank=True, validators=[RegexValidator(r"^Q[1-9][0-9]*$", _("e.g. Q131013"))]
    )
    pleiades = models.CharField(
        _("Pleiades id"), max_length=20, blank=True, validators=[RegexValidator(r"^[0-9]+$", _("digits only"))]
    )

    class Meta(Record.Meta):
        verbose_name = _("place")
        verbose_name_plural = _("places")


class PlaceText(models.Model):
    """What the public sees of a place in one language (name, summary, page URL, photo), kept by the CMS and the
    importers so that maps, search and exports read one table. Search uses PostgreSQL text search with
    accents removed (``xenagos_el``: unaccent + Greek stemmer; ``xenagos_en``: unaccent + English stemmer)."""

    place = models.ForeignKey(  # indexed by placetext_place_language (place, language)
        Place, on_delete=models.CASCADE, related_name="texts", db_index=False
    )
    language = models.CharField(max_length=10)
    name = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    image_url = models.CharField(max_length=500, blank=True)
    image_alt = models.CharField(max_length=500, blank=True)
    from_page = models.BooleanField(default=False, help_text=_("written from an editor's page, not from the source"))
    search = models.GeneratedField(
        expression=Case(
            When(language="el", then=SearchVector("name", "summary", config=Value(STORED_SEARCH_CONFIGS["el"]))),
            default=SearchVector("name", "summary", config=Value(STORED_SEARCH_DEFAULT)),
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    # The Greek name in Latin letters (ELOT 743, accents dropped: «Ακρόπολη» -> akropoli), for searches typed in Latin
    # script; the SQL function is made by migration 0006. The English stemmer forgives a Latin "-s" ("Akropolis").
    # Other languages' names are searched through ``search``.
    search_latin = models.GeneratedField(
        expression=Case(
            When(
                language="el",
                then=SearchVector(
                    models.Func(models.F("name"), function="xenagos_elot743", output_field=models.TextField()),
                    config=Value("xenagos_en"),
                ),
            ),
            default=None,
            output_field=SearchVectorField(),
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["place", "language"], name="placetext_place_language")]
        indexes = [
            GinIndex(fields=["search"], name="placetext_search"),
            GinIndex(fields=["search_latin"], name="placetext_search_latin"),
        ]


class PlaceFeature(models.Model):
    """A cache: a live place's GeoJSON Feature in one language, exactly as the open-data downloads write it, so that
    a download reads stored text instead of building every feature again (see gis.api.feature_cache).

    Only places that are published (not withdrawn, in a municipality) have rows. Triggers in PostgreSQL (generated
    from the places' declaration by gis.api.cache_triggers after migrate) delete the rows a write makes stale,
    whatever makes the write (admin, importers' SQL, the shell): a
    change to the place, its texts or its periods, and a change to a category, period, municipality or dataset that
    its features show. Missing rows are filled again before a download and after an import.
    """

    pk = models.CompositePrimaryKey("place_id", "language")
    place = models.ForeignKey(
        Place, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )  # rows of a deleted place are removed by a trigger (also for deletes made in SQL)
    language = models.CharField(max_length=10)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    feature = models.TextField()


class ProtectedArea(models.Model):
    """An archaeological zone or other protected area (EPSG:4326), keyed like places on (dataset, source id).

    Written by the importers (``importers.areas``), shown on the map (``gis.areas``) and in the open-data API
    (``gis.api.areas``). Moved here from ``importers`` by migration 0009, which kept its rows and ids."""

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="protected_areas")
    source_id = models.CharField(max_length=200)
    name_el = models.CharField(_("name (Greek)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=100, blank=True, help_text=_("e.g. zone A, zone B"))
    geometry = models.MultiPolygonField(_("area"), srid=WGS84)
    source_attributes = models.JSONField(default=dict, blank=True)
    withdrawn = models.BooleanField(default=False, help_text=_("missing from the latest import"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("protected area")
        verbose_name_plural = _("protected areas")
        constraints = [models.UniqueConstraint(fields=["dataset", "source_id"], name="protectedarea_source_key")]

    def __str__(self) -> str:
        return self.name_el


class Theme(TranslatableMixin, models.Model):
    """A theme of routes (controlled, editable vocabulary, e.g. Byzantine heritage); translated with Wagtail's
    locales like categories and periods."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(help_text=_("stable identifier used in URLs and exports"))
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("route theme")
        verbose_name_plural = _("route themes")
        ordering = ["sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["slug", "locale"], name="theme_slug_locale")]

    def __str__(self) -> str:
        return self.name


class RouteMode(models.TextChoices):
    WALK = "walk", _("on foot")
    BIKE = "bike", _("by bicycle")
    CAR = "car", _("by car")
    BOAT = "boat", _("by boat")


class Difficulty(models.TextChoices):
    EASY = "easy", _("easy")
    MODERATE = "moderate", _("moderate")
    HARD = "hard", _("hard")


class ProfileSource(models.TextChoices):
    NONE = "", _("no elevation profile")
    DEM = "dem", _("the municipality's elevation model (DEM)")
    TRACK = "track", _("the elevations recorded in the track")


class Season(models.TextChoices):
    SPRING = "spring", _("spring")
    SUMMER = "summer", _("summer")
    AUTUMN = "autumn", _("autumn")
    WINTER = "winter", _("winter")


class Route(RevisionMixin, Record, ClusterableModel):  # type: ignore[django-manager-missing]  # content, modelcluster
    """A themed route: one line (EPSG:4326, a MultiLineString whose parts are walked in order) with ordered stops
    that are places. Its identity, line, stops and measured facts are held here once, whatever the language of its
    pages; the editorial text lives on content's RoutePage.

    Measured facts are never typed: ``length_m`` is the line's geodesic length (PostgreSQL computes it on every
    write), the profile and its ascent come from the municipality's DEM or the track's own elevations
    (gis.routes), and the duration and suggested difficulty from those (gis.routes.route_measures)."""

    # The route belongs to every municipality it crosses (``municipalities``), which gis.routes computes from the
    # line; ``municipality`` is the one whose editors keep it.
    municipalities = models.ManyToManyField(
        Municipality,
        verbose_name=_("municipalities it crosses"),
        blank=True,
        related_name="routes_crossing",
        editable=False,
    )
    geometry = models.MultiLineStringField(_("line"), srid=WGS84)
    length_m = models.GeneratedField(
        expression=models.Func(
            models.Func(models.F("geometry"), template="%(expressions)s::geography", output_field=models.Field()),
            function="ST_Length",
            output_field=models.FloatField(),
        ),
        output_field=models.FloatField(),
        db_persist=True,
        verbose_name=_("length (m)"),
    )
    theme = models.ForeignKey(
        Theme, verbose_name=_("theme"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    step_free = models.CharField(_("physical access"), max_length=8, choices=StepFree.choices, blank=True)
    mode = models.CharField(_("travelled"), max_length=8, choices=RouteMode.choices, default=RouteMode.WALK)
    circular = models.BooleanField(_("circular"), default=False, help_text=_("ends where it starts"))
    difficulty = models.CharField(
        _("difficulty"),
        max_length=10,
        choices=Difficulty.choices,
        blank=True,
        help_text=_("leave empty to use the difficulty suggested from the length and the ascent"),
    )
    seasons = ArrayField(
        models.CharField(max_length=8, choices=Season.choices), verbose_name=_("best seasons"), default=list, blank=True
    )
    # The elevations the source track carried, one list per part of ``geometry`` and one value (metres, or null)
    # per vertex; cleared when the line is redrawn, since they belong to the vertices they came with.
    track_elevations_m = models.JSONField(null=True, blank=True, editable=False)
    # The profile, sampled every gis.routes.PROFILE_STEP_M along the line: [[distance m, elevation m or null], ...]
    profile = models.JSONField(default=list, blank=True, editable=False)
    profile_source = models.CharField(max_length=8, choices=ProfileSource.choices, blank=True, editable=False)
    profile_partial = models.BooleanField(default=False, editable=False, help_text=_("the DEM covers part of it"))
    ascent_m = models.FloatField(_("ascent (m)"), null=True, blank=True, editable=False)
    descent_m = models.FloatField(_("descent (m)"), null=True, blank=True, editable=False)
    lowest_m = models.FloatField(_("lowest point (m)"), null=True, blank=True, editable=False)
    highest_m = models.FloatField(_("highest point (m)"), null=True, blank=True, editable=False)
    steepest_pct = models.FloatField(_("steepest sustained gradient (%)"), null=True, blank=True, editable=False)
    duration_min = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True, editable=False)
    suggested_difficulty = models.CharField(max_length=10, choices=Difficulty.choices, blank=True, editable=False)

    class Meta(Record.Meta):
        verbose_name = _("route")
        verbose_name_plural = _("routes")

    @property
    def difficulty_shown(self) -> str:
        """The editor's difficulty if set, else the suggested one ('' when neither is known)."""
        return self.difficulty or self.suggested_difficulty


class RouteStop(Orderable):
    """A stop of a route: a place, its order on the route (``sort_order``, from 0) and an optional note, held on the
    record so that every translation of the route's page shows the same stops. The same place may be a stop twice
    (a circular walk that starts and ends at it)."""

    route = ParentalKey(Route, on_delete=models.CASCADE, related_name="route_stops")
    place = models.ForeignKey(Place, verbose_name=_("place"), on_delete=models.PROTECT, related_name="route_stops")
    note_el = models.CharField(_("note (Greek)"), max_length=300, blank=True)
    note_en = models.CharField(_("note (English)"), max_length=300, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("stop")
        verbose_name_plural = _("stops")

    def __str__(self) -> str:
        return str(self.place)

    @property
    def note(self) -> str:
        return localized({"el": self.note_el, "en": self.note_en})


class DcElement(models.TextChoices):
    """The fifteen elements of Dublin Core (http://purl.org/dc/elements/1.1/)."""

    TITLE = "title", _("title")
    CREATOR = "creator", _("creator")
    SUBJECT = "subject", _("subject")
    DESCRIPTION = "description", _("description")
    PUBLISHER = "publisher", _("publisher")
    CONTRIBUTOR = "contributor", _("contributor")
    DATE = "date", _("date")
    TYPE = "type", _("type")
    FORMAT = "format", _("format")
    IDENTIFIER = "identifier", _("identifier")
    SOURCE = "source", _("source")
    LANGUAGE = "language", _("language")
    RELATION = "relation", _("relation")
    COVERAGE = "coverage", _("coverage")
    RIGHTS = "rights", _("rights")


class DcmiType(models.TextChoices):
    """The DCMI Type vocabulary (gis.vocabularies.DCMI_TYPES)."""

    COLLECTION = "Collection", _("collection")
    DATASET = "Dataset", _("dataset")
    EVENT = "Event", _("event")
    IMAGE = "Image", _("image")
    INTERACTIVE_RESOURCE = "InteractiveResource", _("interactive resource")
    MOVING_IMAGE = "MovingImage", _("moving image")
    PHYSICAL_OBJECT = "PhysicalObject", _("physical object")
    SERVICE = "Service", _("service")
    SOFTWARE = "Software", _("software")
    SOUND = "Sound", _("sound")
    STILL_IMAGE = "StillImage", _("still image")
    TEXT = "Text", _("text")


def rights_validate(value: str) -> None:
    """A rights URI must be one of gis.vocabularies.RIGHTS (Creative Commons, RightsStatements.org)."""
    from django.core.exceptions import ValidationError

    from .archive import rights_resolve

    rights = rights_resolve(value)
    if rights is None or rights.uri != value:
        raise ValidationError(
            _("%(value)s is not a Creative Commons or RightsStatements.org URI"), params={"value": value}
        )


class ArchiveCollection(models.Model):
    """A collection or series of a municipality's archive (postcards, the photographer X's plates...); also the
    OAI-PMH set its items are harvested by (``set_spec``: ``<municipality slug>:<slug>``)."""

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="archive_collections"
    )
    slug = models.SlugField(_("slug"), help_text=_("stable identifier used in URLs and as the OAI-PMH set"))
    name_el = models.CharField(_("name (Greek)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    description_el = models.TextField(_("description (Greek)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        verbose_name = _("archive collection")
        verbose_name_plural = _("archive collections")
        ordering = ["name_el"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "slug"], name="archivecollection_municipality_slug")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language, by its name order (gis.languages)."""
        return localized({"el": self.name_el, "en": self.name_en})

    @property
    def set_spec(self) -> str:
        """The OAI-PMH setSpec: the municipality's slug, a colon, the collection's slug."""
        return f"{self.municipality.slug}:{self.slug}"


# PostGIS' GeometryType(): POINT, POLYGON, MULTIPOLYGON...
_GEOMETRY_TYPE = models.Func(models.F("location"), function="GeometryType", output_field=models.CharField())


class ArchiveItem(Record, ClusterableModel):  # type: ignore[django-manager-missing]  # modelcluster
    """An item of a municipality's digital archive (a photograph, postcard, document, map, recording), described in
    Dublin Core: one identity whatever the language of its values.

    The values of the fifteen elements are rows of ``ArchiveValue`` (repeatable, each with its language when the
    source gives one); the title is also in ``name_el``/``name_en`` for lists and search, the date also as a
    sortable interval of days (``date_from``–``date_to``, gis.archive_dates; none when the text is not understood),
    the type as a DCMI Type term, the rights as a URI of gis.vocabularies.RIGHTS. An item may be located (a point or
    an area, EPSG:4326) and linked to places and routes of its own municipality. ``harvested_at`` is the source's
    datestamp of the record (OAI-PMH header), when it came from a harvest."""

    date_text = models.CharField(_("date (as written)"), max_length=200, blank=True)
    date_from = models.DateField(_("date from"), null=True, blank=True)
    date_to = models.DateField(_("date to"), null=True, blank=True)
    dc_type = models.CharField(_("type (DCMI)"), max_length=20, choices=DcmiType.choices, blank=True)
    rights = models.CharField(_("rights (URI)"), max_length=200, blank=True, validators=[rights_validate])
    location = models.GeometryField(_("location (point or area)"), srid=WGS84, null=True, blank=True)
    places = models.ManyToManyField(Place, verbose_name=_("places"), blank=True, related_name="archive_items")
    routes = models.ManyToManyField(Route, verbose_name=_("routes"), blank=True, related_name="archive_items")
    collections = models.ManyToManyField(
        ArchiveCollection, verbose_name=_("collections"), blank=True, related_name="items"
    )
    harvested_at = models.DateTimeField(_("source datestamp"), null=True, blank=True)

    class Meta(Record.Meta):
        verbose_name = _("archive item")
        verbose_name_plural = _("archive items")
        indexes = [
            *Record.Meta.indexes,
            models.Index(fields=["date_from", "date_to"], name="archiveitem_dates"),
            # the OAI-PMH provider's keyset order (gis.oai.selectors): a municipality's items by (updated_at, id)
            models.Index(fields=["municipality", "updated_at", "id"], name="archiveitem_oai_order"),
        ]
        constraints = [
            *Record.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(date_from__isnull=True, date_to__isnull=True)
                | models.Q(date_from__isnull=False, date_to__gte=models.F("date_from")),
                name="archiveitem_date_interval",
            ),
            models.CheckConstraint(
                condition=models.Q(location__isnull=True)
                | models.Q(In(_GEOMETRY_TYPE, ["POINT", "POLYGON", "MULTIPOLYGON"])),
                name="archiveitem_location_point_or_area",
            ),
        ]


class ArchiveValue(models.Model):
    """One value of one Dublin Core element of an archive item, in the order the source gives them (``position``,
    from 0 within the element) and in its language (a BCP 47 tag such as ``el`` or ``en``; "" when not given).
    Facets and the OAI-PMH output read this table."""

    item = ParentalKey(ArchiveItem, on_delete=models.CASCADE, related_name="dc_values", db_index=False)
    element = models.CharField(_("element"), max_length=12, choices=DcElement.choices)
    value = models.TextField(_("value"))
    language = models.CharField(_("language"), max_length=35, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("Dublin Core value")
        verbose_name_plural = _("Dublin Core values")
        ordering = ["item", "element", "position"]
        indexes = [
            models.Index(fields=["item", "element", "position"], name="archivevalue_item_order"),
            models.Index(fields=["element", "language"], name="archivevalue_element_language"),
        ]

    def __str__(self) -> str:
        return f"{self.element}: {self.value[:60]}"


class ArchiveItemDeletion(models.Model):
    """What is left of an archive item deleted from the database, so the OAI-PMH provider (gis.oai) can go on saying
    it was deleted (``deletedRecord`` persistent): its municipality, uid, the sets it was in, and when. Written by a
    post_delete receiver (gis.receivers); never edited."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+", db_index=False)
    uid = models.UUIDField()
    set_specs = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    deleted_at = models.DateTimeField(_("deleted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("deleted archive item")
        verbose_name_plural = _("deleted archive items")
        indexes = [models.Index(fields=["municipality", "deleted_at", "id"], name="archivedeletion_oai_order")]

    def __str__(self) -> str:
        return str(self.uid)


class TilesState(models.TextChoices):
    PENDING = "pending", _("tiling pending")
    DONE = "done", _("tiles ready")
    FAILED = "failed", _("tiling failed")


class ArchiveItemImage(Orderable):
    """An image of an archive item, in the order the editor gives (a Wagtail image of the item's municipality's
    collection), with its alternative text and caption in Greek and English, and the state of its IIIF level-0 tile
    set (gis.iiif: made by a background task, stored under ``tiles_path`` in the private storage)."""

    item = ParentalKey(ArchiveItem, on_delete=models.CASCADE, related_name="images")
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("image"), on_delete=models.CASCADE, related_name="+"
    )
    alt_el = models.CharField(_("alternative text (Greek)"), max_length=300)
    alt_en = models.CharField(_("alternative text (English)"), max_length=300, blank=True)
    caption_el = models.CharField(_("caption (Greek)"), max_length=500, blank=True)
    caption_en = models.CharField(_("caption (English)"), max_length=500, blank=True)
    tiles_state = models.CharField(
        _("zoomable image"), max_length=10, choices=TilesState.choices, default=TilesState.PENDING, editable=False
    )
    tiles_error = models.TextField(_("tiling error"), blank=True, editable=False)
    tiles_path = models.CharField(max_length=200, blank=True, editable=False)  # folder of the finished tile set
    tiles_source = models.CharField(max_length=100, blank=True, editable=False)  # "<image id>:<file hash>" tiled
    width = models.PositiveIntegerField(null=True, editable=False)
    height = models.PositiveIntegerField(null=True, editable=False)

    class Meta(Orderable.Meta):
        verbose_name = _("archive image")
        verbose_name_plural = _("archive images")

    def __str__(self) -> str:
        return self.alt_el or str(self.image_id)

    @property
    def source_key(self) -> str:
        """What a tile set is made from: the image and its file's hash (a replaced file makes a new one)."""
        return f"{self.image_id}:{self.image.file.name}:{self.image.file_hash}"[:100] if self.image_id else ""


class ArchiveItemDocument(Orderable):
    """A document of an archive item (a Wagtail document, e.g. a PDF), in the order the editor gives."""

    item = ParentalKey(ArchiveItem, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("document"), on_delete=models.CASCADE, related_name="+"
    )
    label_el = models.CharField(_("label (Greek)"), max_length=300, blank=True)
    label_en = models.CharField(_("label (English)"), max_length=300, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("archive document")
        verbose_name_plural = _("archive documents")

    def __str__(self) -> str:
        return self.label_el or str(self.document_id)


def captions_validate(value: str) -> None:
    """WebVTT captions (read by webvtt-py): the WEBVTT header, at least one timed cue, and each cue ending after it
    starts; a ValidationError says which rule, in the editor's language (webvtt-py's own message is English and
    says only "Invalid format")."""
    import webvtt
    from django.core.exceptions import ValidationError
    from webvtt.errors import MalformedFileError

    if not value.strip():
        return
    if not value.lstrip("\ufeff").startswith("WEBVTT"):
        raise ValidationError(_("WebVTT captions begin with the line WEBVTT; these begin otherwise."))
    try:
        cues = webvtt.from_string(value).captions
    except (MalformedFileError, ValueError) as error:
        raise ValidationError(_("These are not WebVTT captions: the WebVTT reader could not read them.")) from error
    if not cues:
        raise ValidationError(_("These WebVTT captions have no timed cue (00:00:01.000 --> 00:00:04.000, then text)."))
    for number, cue in enumerate(cues, start=1):
        if cue.end_time.in_milliseconds() <= cue.start_time.in_milliseconds():
            raise ValidationError(
                _("Cue %(number)s of these WebVTT captions ends (%(end)s) before it starts (%(start)s)."),
                params={"number": number, "start": cue.start, "end": cue.end},
            )


class ArchiveItemMedia(Orderable):
    """A sound or film of an archive item (a wagtailmedia ``Media`` of the item's municipality's collection), in the
    order the editor gives, with its label and its transcript in Greek and English (a text alternative of the
    recording: WCAG 1.2.1 for audio only, and what a search engine or a deaf visitor reads), and for a film its
    captions in Greek and English (WebVTT text, served at /<lang>/archive/<uid>/captions/<id>/<language>.vtt)."""

    item = ParentalKey(ArchiveItem, on_delete=models.CASCADE, related_name="media_files")
    media = models.ForeignKey(
        "wagtailmedia.Media", verbose_name=_("audio or video"), on_delete=models.CASCADE, related_name="+"
    )
    label_el = models.CharField(_("label (Greek)"), max_length=300, blank=True)
    label_en = models.CharField(_("label (English)"), max_length=300, blank=True)
    transcript_el = models.TextField(_("transcript (Greek)"), blank=True)
    transcript_en = models.TextField(_("transcript (English)"), blank=True)
    captions_el = models.TextField(
        _("captions (Greek, WebVTT)"),
        blank=True,
        validators=[captions_validate],
        help_text=_("For a film: its speech and sounds as WebVTT captions, shown over the picture (WCAG 1.2.2)."),
    )
    captions_en = models.TextField(_("captions (English, WebVTT)"), blank=True, validators=[captions_validate])

    class Meta(Orderable.Meta):
        verbose_name = _("archive audio or video")
        verbose_name_plural = _("archive audio and video")

    def __str__(self) -> str:
        return self.label_el or str(self.media_id)
