"""Start-up checks: the database must be PostGIS, and have the languages' collations and text-search configurations
(gis.languages). The database checks run with `manage.py check --database default`."""

from typing import Any

from django.core.checks import CheckMessage, Error, Tags, register
from django.db import DatabaseError, connections

from .languages import invalid_rules, unknown_database_names


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


@register()
def check_language_rules(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Fail on language rules (settings.XENAGOS_LANGUAGE_RULES) that name unknown languages or keys."""
    return [Error(problem, id="xgis.E004") for problem in invalid_rules()]


@register(Tags.database)
def check_language_database(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Fail when a language's ICU collation or text-search configuration (gis.languages) is not in the database."""
    errors: list[CheckMessage] = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue  # xgis.E001 says so
        try:
            missing = unknown_database_names(connection)
        except DatabaseError:
            continue  # xgis.E002 says so
        errors += [
            Error(
                f"Database '{alias}' has no {name}.",
                hint="Name one that PostgreSQL has in XENAGOS_LANGUAGE_RULES (collations: SELECT collname FROM "
                "pg_collation; text search: SELECT cfgname FROM pg_ts_config), or create it in a migration.",
                id="xgis.E005",
            )
            for name in missing
        ]
    return errors
