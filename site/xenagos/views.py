"""Project-level views: health check."""

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with the PostgreSQL and PostGIS versions; 503 when the database cannot be reached."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('server_version'), postgis_lib_version()")
            postgresql, postgis = cursor.fetchone()
    except DatabaseError as error:
        connection.close()
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return JsonResponse({"status": "unavailable", "database": first_line}, status=503)
    return JsonResponse({"status": "ok", "postgresql": postgresql, "postgis": postgis})
