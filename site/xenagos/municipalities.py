"""Wiring across apps: a municipality from a boundary file (importers -> gis -> content)."""

from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from content.services import HomeTexts, MunicipalitySite, municipality_site_ensure
from gis.services import municipality_upsert
from importers.boundaries import read_boundary


@transaction.atomic
def municipality_create(
    *,
    code: str,
    name_el: str,
    name_en: str,
    hostname: str,
    boundary_path: str | Path,
    where: tuple[str, str] | None = None,
    srid: int | None = None,
    port: int = 80,
    is_default: bool = False,
    intro_el: str = "",
    intro_en: str = "",
) -> MunicipalitySite:
    """Create or update a municipality (boundary read in any CRS, stored in EPSG:4326) and its Wagtail site."""
    boundary = read_boundary(boundary_path, where=where, srid=srid)
    municipality = municipality_upsert(
        code=code,
        slug=slugify(name_en) or code,
        name_el=name_el,
        name_en=name_en,
        boundary=boundary,
        boundary_source=Path(boundary_path).name,
    )
    return municipality_site_ensure(
        municipality=municipality,
        hostname=hostname,
        port=port,
        is_default=is_default,
        texts={
            "el": HomeTexts(title=f"Δήμος {name_el}", intro=intro_el),
            "en": HomeTexts(title=f"Municipality of {name_en}", intro=intro_en),
        },
    )
