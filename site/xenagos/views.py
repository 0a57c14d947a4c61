"""Project-level views: health check."""

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from xenagos import outage

logger = logging.getLogger("xenagos.healthz")


def _oldest_queued_task_age_s() -> int | None:
    """Seconds the oldest task that is due has waited in the database queue (None: queue empty or not in use)."""
    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    if backend != "django_tasks_db.DatabaseBackend":
        return None
    from django_tasks_db.models import DBTaskResult

    due = DBTaskResult.objects.ready().order_by("enqueued_at").values_list("enqueued_at", "run_after").first()
    if due is None:
        return None
    enqueued_at, run_after = due
    waiting_since = max(enqueued_at, run_after) if run_after and run_after <= timezone.now() else enqueued_at
    return max(0, int((timezone.now() - waiting_since).total_seconds()))


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers with PostGIS, with the age in seconds of the oldest queued task; 503 when the
    database cannot be reached (the public answer says only that: the error goes to the log). It is public, so it
    names no software versions (they would tell an attacker which known flaws to try)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT postgis_lib_version() IS NOT NULL")
            cursor.fetchone()
        oldest = _oldest_queued_task_age_s()
    except DatabaseError as error:
        connection.close()
        if outage.is_outage(error):
            outage.database_unavailable(error)
        else:
            logger.error("health check failed: %s", outage.summary(error))
        response = JsonResponse({"status": "unavailable", "database": "unavailable"}, status=503)
        response["Retry-After"] = str(settings.XENAGOS_OUTAGE_RETRY_AFTER_S)
        return response
    return JsonResponse({"status": "ok", "database": "ok", "oldest_queued_task_age_s": oldest})
