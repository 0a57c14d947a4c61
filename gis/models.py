"""Spatial records. Geometry is stored in EPSG:4326 (WGS 84, lon/lat degrees) with GiST indexes."""

import uuid

from django.contrib.auth.models import Group
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import RegexValidator
from django.db.models import Case, Value, When
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
    """What every kind of record has (places, routes; style.md "Adding a kind of record"): one identity whatever
    the language of its pages, the municipality whose editors keep it, its names as delivered, physical access,
    the source key and provenance, and ``withdrawn`` when the latest import no longer has it."""

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
    step_free = models.CharField(_("physical access"), max_length=8, choices=StepFree.choices, blank=True)
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
