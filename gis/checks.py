"""Start-up check: the database must be PostGIS. Run by `manage.py check --database default`."""

from typing import Any

from django.core.checks import CheckMessage, Error, Tags, register
from django.db import DatabaseError, connections


@register(Tags.database)
def check_postgis(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Fail with a clear message when the database lacks the PostGIS extension (or cannot install it)."""
    errors: list[CheckMessage] = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            errors.append(
                Error(
                    f"Database '{alias}' is {connection.vendor}; Xenagos needs PostgreSQL with PostGIS.", id="xgis.E001"
                )
            )
            continue
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT default_version, installed_version FROM pg_available_extensions WHERE name = 'postgis'"
                )
                row = cursor.fetchone()
        except DatabaseError as error:
            errors.append(Error(f"Database '{alias}' cannot be reached: {error}", id="xgis.E002"))
            continue
        if row is None:
            name = connection.settings_dict.get("NAME")
            host = connection.settings_dict.get("HOST") or "local socket"
            errors.append(
                Error(
                    f"The PostgreSQL server of database '{name}' on {host} has no 'postgis' extension.",
                    hint="Install PostGIS for this server's major version (Debian: postgresql-NN-postgis-3), "
                    "or point DATABASE_URL at a PostGIS database.",
                    id="xgis.E003",
                )
            )
    return errors
