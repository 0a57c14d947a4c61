"""A municipality's moderator sets its elevation model in the admin (gis.dem_admin, /admin/elevation/) in Chromium,
as a person does: from the menu to the list, to the form, choosing a real GeoTIFF and pressing Save; axe-core is
clean on both pages. An editor or moderator of another municipality neither sees nor sets it."""

import shutil
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from playwright.sync_api import expect

from gis.models import Municipality
from tests.browser import admin_log_in, assert_accessible

DATA = Path("/work/shared/data/rasters")
LUXEMBOURG = DATA / "elev_luxembourg.tif"  # a real DEM: EPSG:4326, Int16 metres
PASSWORD = "dem-moderator-password"


@pytest.fixture
def dem_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _moderator(*, username: str, municipality: Municipality):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    user.groups.add(Group.objects.get(name=f"{municipality.name_en}: moderators"))
    return user


@pytest.mark.browser
def test_a_moderator_uploads_a_dem_by_keyboard_and_clicks(page, live_server, athens, dem_media, tmp_path):
    _moderator(username="athens-dem-browser", municipality=athens)
    upload = tmp_path / "athens-dem.tif"  # the file's own name is what the list shows
    shutil.copyfile(LUXEMBOURG, upload)
    admin_log_in(page, live_server, username="athens-dem-browser", password=PASSWORD)

    page.get_by_role("link", name="Ψηφιακά μοντέλα εδάφους").click()  # the admin menu (Greek admin: el-GR browser)
    expect(page).to_have_url(f"{live_server.url}/admin/elevation/")
    listing = page.locator("table.listing")
    expect(listing.locator("tbody tr")).to_have_count(1)  # Athens only, not Nafplio
    expect(listing).to_contain_text(athens.name_el)
    expect(listing).to_contain_text("κανένα")
    assert_accessible(page)

    listing.get_by_role("link", name=athens.name_el).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(athens.name_el)
    assert_accessible(page)
    field = page.get_by_label("Ψηφιακό μοντέλο εδάφους (DEM)")
    field.focus()
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")  # the file field opens its chooser from the keyboard
    chooser.value.set_files(str(upload))
    page.get_by_role("button", name="Αποθήκευση").click()

    expect(page).to_have_url(f"{live_server.url}/admin/elevation/")
    # the municipality's name is "Δήμος ...": the message does not say "του δήμου Δήμος ..."
    expect(page.locator(".messages")).to_contain_text(f"Αποθηκεύτηκε το ψηφιακό μοντέλο εδάφους: {athens.name_el}.")
    expect(listing).to_contain_text("athens-dem")
    # Wagtail fades its messages in (opacity 0 to 1 over 0.5 s): axe reads the colours once it is shown
    expect(page.locator(".messages > ul")).to_have_css("opacity", "1")
    assert_accessible(page)
    athens.refresh_from_db()
    assert Path(athens.dem.path).read_bytes() == LUXEMBOURG.read_bytes()


def test_another_municipalitys_editor_or_moderator_neither_sees_nor_sets_the_dem(client, athens, nafplio, dem_media):
    users = get_user_model().objects
    theirs = _moderator(username="nafplio-dem-moderator", municipality=nafplio)
    url = reverse("xgis_dem_edit", kwargs={"municipality": athens.pk})
    for user in (theirs, users.get(username="editor-nafplio")):
        client.force_login(user)
        listing = client.get(reverse("xgis_dem_index"))
        if user == theirs:  # a moderator sees their own municipality only
            assert listing.status_code == 200
            assert nafplio.name_el in listing.content.decode() and athens.name_el not in listing.content.decode()
            assert url not in listing.content.decode()
        else:  # an editor has no elevation models to see
            assert listing.status_code == 302 and listing["Location"] == reverse("wagtailadmin_home")
        assert client.get(url).status_code == 302  # the form: refused (Wagtail's dashboard with a message)
        response = client.post(url, {"dem": SimpleUploadedFile("theirs.tif", LUXEMBOURG.read_bytes())})
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home"), user
        response = client.post(url, {"dem-clear": "on"})
        assert response["Location"] == reverse("wagtailadmin_home")
    athens.refresh_from_db()
    assert not athens.dem and not (Path(dem_media) / "elevation").exists()
