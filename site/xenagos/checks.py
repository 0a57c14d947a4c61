"""System checks of the project shell: settings that would make private files reachable by URL."""

from pathlib import Path

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

# Backends that can send what Wagtail's document view passes them (a path as text): Wagtail's own streaming one,
# and django-sendfile2's proxy backends. django-sendfile2's "simple" and "development" expect a Path and fail.
STREAMING_BACKENDS = {"wagtail.utils.sendfile_streaming_backend"}
PROXY_BACKENDS = {"django_sendfile.backends.nginx", "django_sendfile.backends.xsendfile"}


def _within(inner: Path, outer: Path) -> bool:
    inner, outer = Path(inner).resolve(), Path(outer).resolve()
    return inner == outer or outer in inner.parents


@register("security")
def private_files_check(app_configs=None, **kwargs) -> list[CheckMessage]:
    """Refuse settings that would make private files reachable by URL."""
    errors: list[CheckMessage] = []
    if getattr(settings, "WAGTAILDOCS_SERVE_METHOD", None) != "serve_view":
        errors.append(
            Error(
                "WAGTAILDOCS_SERVE_METHOD must be 'serve_view': 'direct' and 'redirect' hand out the file's storage "
                "URL and skip the collection privacy check.",
                id="xenagos.E101",
            )
        )
    backend = getattr(settings, "SENDFILE_BACKEND", "")
    if backend not in STREAMING_BACKENDS | PROXY_BACKENDS:
        errors.append(
            Error(
                f"SENDFILE_BACKEND {backend!r} cannot serve Wagtail's documents.",
                hint="Set SENDFILE_BACKEND to streaming (Django sends the file), nginx (X-Accel-Redirect) or "
                "xsendfile (Apache's X-Sendfile).",
                id="xenagos.E102",
            )
        )
    public_roots = {"MEDIA_ROOT": settings.MEDIA_ROOT, "STATIC_ROOT": settings.STATIC_ROOT}
    import_root = getattr(settings, "XENAGOS_IMPORT_ROOT", None)
    for name, root in public_roots.items():
        if import_root and root and (_within(import_root, root) or _within(root, import_root)):
            errors.append(
                Error(
                    f"XENAGOS_IMPORT_ROOT and {name} overlap: uploads waiting for import must not be where the web "
                    "server or the proxy serves files.",
                    hint="Keep XENAGOS_IMPORT_ROOT outside MEDIA_ROOT and STATIC_ROOT (by default it is var/imports).",
                    id="xenagos.E103",
                )
            )
    return errors
