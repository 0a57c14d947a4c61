"""Settings shared by every environment. Everything that differs between machines comes from the environment.

`.env.example` lists every variable read here.
"""

import json
import os
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parents[3]  # the repository root (site/xenagos/settings/base.py)


def env(name: str, default: str | None = None) -> str:
    """Read a required setting from the environment; a missing one stops start-up with its name."""
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Set the environment variable {name} (see .env.example).")
    return value


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no setting: 1/true/yes/on count as true."""
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    """Read a comma-separated list."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = env("SECRET_KEY")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,.localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "xenagos",
    "content",
    "gis",
    "importers",
    "tiles",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtailmedia",  # audio and video (archive items' media, gis.media)
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside all below: a hit replays the stored page (CSP header and nonce included) without them or the database.
    "content.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "xenagos.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "xenagos.csp.ContentSecurityPolicyMiddleware",
    "xenagos.middleware.MunicipalityMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "xenagos.urls"
WSGI_APPLICATION = "xenagos.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "site" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Database: PostGIS only. The project's scripts start a local cluster and set DATABASE_URL.
DATABASES = {"default": dj_database_url.parse(env("DATABASE_URL"), conn_max_age=60)}
DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
# JIT compilation costs ~10 ms per query and pays off only for long analytical queries, which we do not serve.
DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Languages: Greek is the default and source locale, English the second.
LANGUAGE_CODE = "el"
LANGUAGES = WAGTAIL_CONTENT_LANGUAGES = WAGTAILADMIN_PERMITTED_LANGUAGES = [
    ("el", "Ελληνικά"),
    ("en", "English"),
]
# --- Language rules (gis/languages.py): per language its PostgreSQL text-search configuration, ICU collation and
# fallback order, e.g. {"de": {"search_config": "german", "collation": "de-x-icu", "fallback": ["en", "el"]}}.
# Greek and English need none (xenagos_el / el-x-icu; xenagos_en / en-x-icu, falling back to Greek); a language
# added to LANGUAGES without a rule searches as English, sorts with "<code>-x-icu" and falls back to English, then
# Greek. `manage.py check --database default` fails on a collation or configuration the database lacks.
XENAGOS_LANGUAGE_RULES: dict[str, dict] = {}
WAGTAIL_I18N_ENABLED = True
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Athens"
# --- Admin account time zones: Wagtail offers every zone Python knows, which on Debian includes "localtime" (a
# file, not a zone): the account page's script failed on it (RangeError: Invalid time zone). Ours are these.
WAGTAIL_USER_TIME_ZONES = ["Europe/Athens", "UTC"]
# No Gravatar: an account with an e-mail address would make every admin page ask gravatar.com for its avatar (a
# third-party request, refused by our CSP); Wagtail shows its own default avatar or the uploaded picture.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# No oEmbed: our rich text and blocks offer no embeds (a video player from another host would be a third-party
# request, refused by our CSP), so Wagtail's embed finders fetch nothing; without a finder configured, Wagtail would
# load its oEmbed finder (and requests with it) into every process at start.
WAGTAILEMBEDS_FINDERS: list[dict] = []
LOCALE_PATHS = [BASE_DIR / "site" / "locale"]
# --- Greek for third-party apps: Wagtail's and wagtail-localize's Greek catalogues lack about half their strings
# (and Django's lacks timesince's plurals). site/locale-overrides supplies them; LOCALE_PATHS win over the apps'
# own catalogues (site/locale first). The admin's update check would contact releases.wagtail.org: off.
LOCALE_PATHS += [BASE_DIR / "site" / "locale-overrides"]
WAGTAIL_ENABLE_UPDATE_CHECK = False

# --- Static and media files. Front-end libraries come from npm (node_modules/), never from a CDN.
NODE_MODULES = BASE_DIR / "node_modules"
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [
    BASE_DIR / "site" / "static",
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vendor/leaflet.markercluster", NODE_MODULES / "leaflet.markercluster" / "dist"),
    ("vendor/leaflet-compare", NODE_MODULES / "leaflet-compare" / "dist"),
    ("vendor/leaflet.control.opacity", NODE_MODULES / "leaflet.control.opacity" / "dist"),
    ("vendor/uplot", NODE_MODULES / "uplot" / "dist"),  # the route page's elevation chart
    ("vendor/openseadragon", NODE_MODULES / "openseadragon" / "build" / "openseadragon"),  # archive images (IIIF)
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
SERVE_MEDIA = env_bool("XENAGOS_SERVE_MEDIA", True)  # off when media live on object storage or nginx
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Imports: uploads wait in a work folder that the web server and the worker share.
XENAGOS_IMPORT_ROOT = Path(env("XENAGOS_IMPORT_ROOT", str(BASE_DIR / "var" / "imports")))
XENAGOS_IMPORT_MAX_UPLOAD_MB = float(env("XENAGOS_IMPORT_MAX_UPLOAD_MB", "500"))  # match the proxy's body limit
XENAGOS_IMPORT_ZIP_LIMITS = json.loads(env("XENAGOS_IMPORT_ZIP_LIMITS", "{}"))  # see importers/archives.py
# OAI-PMH harvests (importers/oai.py) refuse a host that resolves to a private, loopback, link-local, multicast or
# reserved address, unless it is listed here (comma separated host names or addresses, as written in the URL).
HARVEST_ALLOWED_HOSTS = env_list("HARVEST_ALLOWED_HOSTS", "")

# --- Private files (xenagos/files.py; README, "Private files"). Under MEDIA_URL only Wagtail's image renditions
# are served; documents only through Wagtail's permission-checked view (collection privacy applies), which in
# production hands the file to the proxy after the check (django-sendfile2: X-Accel-Redirect for nginx, X-Sendfile
# for Apache); raster sources and tile archives only as tiles, by tiles/views.py; import uploads never.
WAGTAILDOCS_SERVE_METHOD = "serve_view"  # never "direct" or "redirect": both skip the check (a system check says so)
SENDFILE_BACKENDS = {
    "streaming": "wagtail.utils.sendfile_streaming_backend",  # Django streams the file: local use, tests
    "nginx": "django_sendfile.backends.nginx",  # X-Accel-Redirect to SENDFILE_URL + the file's path in MEDIA_ROOT
    "xsendfile": "django_sendfile.backends.xsendfile",  # X-Sendfile with the file's path (Apache mod_xsendfile)
}
SENDFILE_BACKEND = env("SENDFILE_BACKEND", "streaming")  # a name above, or a backend module
SENDFILE_BACKEND = SENDFILE_BACKENDS.get(SENDFILE_BACKEND, SENDFILE_BACKEND)
SENDFILE_ROOT = str(MEDIA_ROOT)
SENDFILE_URL = env("SENDFILE_URL", "/protected-media")  # nginx's `internal` location for MEDIA_ROOT
# A restricted document (or page) sends visitors to the admin's sign-in, where editors sign in anyway, and not to
# Wagtail's separate front-end form.
WAGTAIL_FRONTEND_LOGIN_URL = "/admin/login/"
# --- Uploads' cost (importers, tiles): abandoned imports' uploads are purged (manage.py purge_uploads, hourly by a
# timer: README) after this many hours without activity; raster layers' uploads are limited like imports'.
XENAGOS_IMPORT_ABANDONED_HOURS = float(env("XENAGOS_IMPORT_ABANDONED_HOURS", "24"))
XENAGOS_RASTER_MAX_UPLOAD_MB = float(env("XENAGOS_RASTER_MAX_UPLOAD_MB", "1024"))  # match the proxy's body limit

# --- Wagtail
WAGTAIL_SITE_NAME = "Xenagos"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_ALLOW_UNICODE_SLUGS = False  # Greek titles become Latin-letter slugs: URLs and QR codes stay plain ASCII
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
# Audio and video (wagtailmedia): files in the municipality's collection, served like documents (xenagos/files.py);
# an upload must be audio or video by its content and at most XENAGOS_MEDIA_MAX_UPLOAD_MB (gis.media.MediaForm).
WAGTAILMEDIA = {
    "MEDIA_FORM_BASE": "gis.media.MediaForm",
    "AUDIO_EXTENSIONS": ["aac", "flac", "m4a", "mp3", "oga", "ogg", "opus", "wav", "weba"],
    "VIDEO_EXTENSIONS": ["m4v", "mkv", "mov", "mp4", "ogv", "webm"],
}
XENAGOS_MEDIA_MAX_UPLOAD_MB = float(env("XENAGOS_MEDIA_MAX_UPLOAD_MB", "500"))  # match the proxy's body limit

# --- Background work: Django's Tasks API (django-tasks backport), database backend by default.
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- Caches and the public page cache (content/cache.py; README, "Page cache"). CACHE_URL chooses the backend:
#   redis://host:6379/0, rediss://...  Django's RedisCache (pip install -e ".[redis]")
#   db://table_name                    DatabaseCache (`manage.py createcachetable` before migrate)
#   file:///absolute/folder            FileBasedCache
#   locmem://                          one process only (tests)
# Unset or empty: a file cache in var/cache (XENAGOS_CACHE_DIR), shared by the gunicorn workers and the task worker
# of one machine (faster here than the database cache, see bench/load.py). With more than one app server, set
# CACHE_URL to Redis or db://, or an invalidation on one machine does not reach the others' caches.
CACHE_DIR = Path(env("XENAGOS_CACHE_DIR", str(BASE_DIR / "var" / "cache")))


def cache_from_url(url: str) -> dict:
    """A CACHES entry from a CACHE_URL (schemes above); an unknown scheme stops start-up."""
    parts = urlsplit(url)
    if parts.scheme in ("redis", "rediss"):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if parts.scheme == "db":
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": parts.netloc or "xenagos_cache"}
    if parts.scheme == "file":
        return {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": parts.path}
    if parts.scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": parts.netloc or "xenagos"}
    raise ImproperlyConfigured(f"CACHE_URL: unknown scheme {parts.scheme!r} (redis, rediss, db, file, locmem).")


CACHES = {
    "default": {
        **cache_from_url(env("CACHE_URL", "") or (CACHE_DIR / "default").as_uri()),
        "OPTIONS": {"MAX_ENTRIES": 20_000},
        "KEY_PREFIX": "xenagos",
    }
}
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    CACHES["default"]["OPTIONS"] = {}  # Redis evicts by its own maxmemory policy
XENAGOS_PAGE_CACHE_ALIAS = "default"
XENAGOS_PAGE_CACHE_SECONDS = int(env("XENAGOS_PAGE_CACHE_SECONDS", "") or "600")  # 0 turns the page cache off
# A CDN in front (Wagtail's frontend cache): WAGTAILFRONTENDCACHE as JSON, e.g.
# {"cdn": {"BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend", "BEARER_TOKEN": "...",
# "ZONEID": "..."}}; off when unset. Published and unpublished pages are purged; the CDN keeps public pages for
# XENAGOS_CDN_MAX_AGE seconds (s-maxage), which bounds how long a change without a purge (an import) takes to show.
if os.environ.get("WAGTAILFRONTENDCACHE"):
    WAGTAILFRONTENDCACHE = json.loads(os.environ["WAGTAILFRONTENDCACHE"])
    INSTALLED_APPS.insert(INSTALLED_APPS.index("wagtail.contrib.settings"), "wagtail.contrib.frontend_cache")
XENAGOS_CDN_MAX_AGE = int(env("XENAGOS_CDN_MAX_AGE", "") or "300") if os.environ.get("WAGTAILFRONTENDCACHE") else 0

# --- Base maps: configuration. The first is shown by default; their hosts are the only third parties a page
# contacts. XENAGOS_BASEMAPS is a JSON list of {"name", "url", "attribution", "max_zoom"}.
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
BASEMAPS = json.loads(
    env(
        "XENAGOS_BASEMAPS",
        json.dumps(
            [
                {
                    "name": "OpenStreetMap",
                    "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                    "attribution": OSM_ATTRIBUTION,
                    "max_zoom": 19,
                },
                {
                    "name": "OpenTopoMap",
                    "url": "https://tile.opentopomap.org/{z}/{x}/{y}.png",
                    "attribution": OSM_ATTRIBUTION + ', SRTM | &copy; <a href="https://opentopomap.org">OpenTopoMap</a>'
                    " (CC-BY-SA)",
                    "max_zoom": 17,
                },
            ]
        ),
    )
)


def _origin(url: str) -> str | None:
    parts = urlsplit(url.replace("{s}", "a"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


# --- Content-Security-Policy (django-csp): scripts and styles from our own origin (inline ones need the
# per-response nonce); images also from the base-map host. The admin gets a relaxed policy (xenagos.csp).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", *sorted({o for o in (_origin(b["url"]) for b in BASEMAPS) if o})],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # CSP frame-ancestors 'self' lets Wagtail's same-origin preview frame in

# GDAL 3.6 (Debian 12) cannot block file/network access from spatial-reference strings (gis.W001).
# Our rule: Django's GDAL bindings never see an untrusted SRS string or path; SRIDs are integers and
# uploaded files are opened only by the importers (pyogrio/rasterio wheels, GDAL >= 3.10) with a
# driver allow-list. See README, "Security".
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# --- Database outages, the task worker and logs (xenagos.outage, xenagos.errors, the db_worker command).
# A pooled connection is checked before a request reuses it, so a database restart costs no stale-connection 500;
# an outage answers a branded 503 with Retry-After (seconds), logged as one line when it starts and one when it ends.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
XENAGOS_OUTAGE_RETRY_AFTER_S = int(env("XENAGOS_OUTAGE_RETRY_AFTER_S", "10"))
# The worker waits this long (seconds, doubling from 1) between attempts while the database is away, and gives a task
# interrupted by an outage or a killed worker this many attempts in all before marking it failed.
XENAGOS_WORKER_MAX_BACKOFF_S = float(env("XENAGOS_WORKER_MAX_BACKOFF_S", "5"))
XENAGOS_TASK_MAX_ATTEMPTS = int(env("XENAGOS_TASK_MAX_ATTEMPTS", "2"))
# Logs go to stderr: journald keeps them under systemd (README, "Deploying"); `make run` pipes each process's output
# into size-rotated files in var/log (xenagos.logpipe).
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"database_outage": {"()": "xenagos.outage.DatabaseOutageFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s", "datefmt": "%Y-%m-%d %H:%M:%S %z"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["database_outage"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"wagtail": {"level": env("WAGTAIL_LOG_LEVEL", "WARNING")}},
}

# --- Admin security (django-axes, django-otp, sessions, Permissions-Policy): README, "Security".
INSTALLED_APPS += ["axes", "django_otp", "django_otp.plugins.otp_totp", "xenagos.security"]
_auth = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
MIDDLEWARE[_auth + 1 : _auth + 1] = [
    "django_otp.middleware.OTPMiddleware",
    "xenagos.security.two_factor.TwoFactorMiddleware",
]
# Outside WhiteNoise, so static files get the header too.
MIDDLEWARE.insert(1, "xenagos.security.headers.PermissionsPolicyMiddleware")
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # last, as axes requires: turns a lockout into our page
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]

# Login throttling (xenagos.security.lockout): 5 wrong passwords for one user name from one address lock that pair,
# 20 from one address over any names lock the address; a lock lifts 15 minutes after the failure that set it.
AXES_FAILURE_LIMIT = int(env("XENAGOS_LOGIN_FAILURE_LIMIT", "5"))
XENAGOS_LOGIN_FAILURE_LIMIT_PER_ADDRESS = int(env("XENAGOS_LOGIN_FAILURE_LIMIT_PER_ADDRESS", "20"))
AXES_COOLOFF_TIME = timedelta(minutes=float(env("XENAGOS_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "xenagos.security.lockout.LoginThrottleHandler"
AXES_LOCKOUT_CALLABLE = "xenagos.security.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True  # a right password clears that user name's failures at that address
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the lock lasts the time the page says, not longer
AXES_DISABLE_ACCESS_LOG = True  # no table of every sign-in's address and browser
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCK_OUT_AT_FAILURE = True  # axes' default, named here because the per-address limit reads it
AXES_VERBOSE = False  # no banner on every manage.py command; failures and lockouts are still logged
LOGGING.setdefault("loggers", {})["axes"] = {"level": "WARNING"}  # not an INFO line per sign-in
# The client's address: REMOTE_ADDR, unless XENAGOS_TRUSTED_PROXIES reverse proxies in front of gunicorn each
# append to X-Forwarded-For (nginx: $proxy_add_x_forwarded_for); then the entry the outermost proxy wrote. Entries
# the client wrote itself are never used: X-Forwarded-For is not trusted by default.
XENAGOS_TRUSTED_PROXIES = int(env("XENAGOS_TRUSTED_PROXIES", "0"))
if XENAGOS_TRUSTED_PROXIES:
    AXES_IPWARE_META_PRECEDENCE_ORDER: tuple[str, ...] = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_COUNT = XENAGOS_TRUSTED_PROXIES - 1  # python-ipware counts the proxies listed in the header
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
IPWARE_STRICT = False  # a header with extra (forged) entries still yields the proxy's entry, not REMOTE_ADDR

# Two-factor sign-in (TOTP, django-otp): optional for every admin user; required for superusers in production.
XENAGOS_TWO_FACTOR_REQUIRED_FOR_SUPERUSERS = env_bool("XENAGOS_TWO_FACTOR_REQUIRED_FOR_SUPERUSERS", False)
OTP_TOTP_ISSUER = "Xenagos"

# Sessions: only signed-in editors have one (anonymous visitors get no cookie). A fixed 8-hour lifetime, one
# working day, ends a forgotten or stolen session without a database write on every admin request.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"

# Permissions-Policy (xenagos.security.headers): the map's "near me" may ask for the position on our own origin;
# every other powerful feature is off for us and for anything embedded.
PERMISSIONS_POLICY = {
    "geolocation": ["self"],
    "fullscreen": ["self"],
    **{
        feature: []
        for feature in (
            "accelerometer",
            "autoplay",
            "browsing-topics",
            "camera",
            "display-capture",
            "encrypted-media",
            "gyroscope",
            "hid",
            "idle-detection",
            "magnetometer",
            "microphone",
            "midi",
            "payment",
            "picture-in-picture",
            "publickey-credentials-get",
            "screen-wake-lock",
            "serial",
            "usb",
            "xr-spatial-tracking",
        )
    },
}
# --- Privacy (README "Privacy"; shown on /<lang>/privacy/). "Near me" positions are rounded to this many decimal
# degrees in the browser and again by the server (3: about 110 m); they are never stored, and the access log
# (site/xenagos/gunicorn_conf.py) drops /map/near/'s query and rounds lat/lon anywhere else to the same precision.
XENAGOS_NEAR_DECIMALS = 3
# Days that server logs (with visitors' IP addresses and user agents) are kept; log rotation must delete older ones.
XENAGOS_LOG_RETENTION_DAYS = int(env("XENAGOS_LOG_RETENTION_DAYS", "14"))

# --- Compressed responses (xenagos.compression; README, "Deploying"): pages, map data and the API gzipped when they
# carry no secret (no session, no CSRF token: BREACH), outside the page cache so that its entries stay plain.
# Static files are compressed by WhiteNoise at collectstatic. 0 when the proxy compresses instead.
if env_bool("XENAGOS_COMPRESS_RESPONSES", True):
    MIDDLEWARE.insert(MIDDLEWARE.index("content.cache.PageCacheMiddleware"), "xenagos.compression.PublicGZipMiddleware")
