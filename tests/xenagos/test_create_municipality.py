"""manage.py create_municipality: a new municipality, site and editor group from a boundary in any CRS."""

import geopandas as gpd
import pytest
from django.core.management import CommandError, call_command
from shapely.geometry import Polygon
from wagtail.models import Page, Site

from gis.models import Municipality

pytestmark = pytest.mark.django_db


def test_creates_municipality_with_site_pages_and_group(tmp_path, client):
    # a 10 km square around Kastoria (21.27 E, 40.52 N is E 268580, N 4488770 in the Greek Grid, EPSG:2100)
    e, n = 268580, 4488770
    outline = Polygon([(e - 5000, n - 5000), (e + 5000, n - 5000), (e + 5000, n + 5000), (e - 5000, n + 5000)])
    path = tmp_path / "kastoria.gpkg"
    gpd.GeoDataFrame({"name": ["Καστοριάς"]}, geometry=[outline], crs="EPSG:2100").to_file(path)
    call_command(
        "create_municipality",
        "--code=9063",
        "--name-el=Καστοριάς",
        "--name-en=Kastoria",
        "--hostname=kastoria.localhost",
        f"--boundary={path}",
    )
    municipality = Municipality.objects.get(code="9063")
    assert municipality.boundary.srid == 4326
    west, south, east, north = municipality.boundary.extent
    assert abs((west + east) / 2 - 21.27) < 0.001 and abs((south + north) / 2 - 40.52) < 0.001
    assert 0.11 < east - west < 0.13 and 0.08 < north - south < 0.1  # 10 km in degrees at 40.5 N
    site = Site.objects.get(hostname="kastoria.localhost")
    assert client.get("/el/", HTTP_HOST="kastoria.localhost").status_code == 200
    assert client.get("/en/", HTTP_HOST="kastoria.localhost").status_code == 200
    assert site.root_page.get_translations().count() == 1


def test_boundary_without_crs_creates_nothing(tmp_path):
    path = tmp_path / "no_crs.gpkg"
    gpd.GeoDataFrame({"n": [1]}, geometry=[Polygon([(0, 0), (1, 0), (1, 1)])]).to_file(path)
    pages, sites = Page.objects.count(), Site.objects.count()
    with pytest.raises(CommandError, match="no coordinate reference system"):
        call_command(
            "create_municipality",
            "--code=9999",
            "--name-el=Δοκιμής",
            "--name-en=Test",
            "--hostname=test.localhost",
            f"--boundary={path}",
        )
    assert not Municipality.objects.filter(code="9999").exists()
    assert (Page.objects.count(), Site.objects.count()) == (pages, sites)
