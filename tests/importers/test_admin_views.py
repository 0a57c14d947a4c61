"""The import screens refuse what they must (size, type, other municipalities) with a readable message."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from gis.models import Dataset
from importers.models import ImportRun

from .helpers import PLEIADES

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = get_user_model().objects.get(username="editor-athens")
    client.force_login(user)
    return user


def post_upload(client, name: str, content: bytes):
    dataset = Dataset.objects.get(slug="pleiades-demo")
    return client.post(
        "/admin/imports/new/",
        {"file": SimpleUploadedFile(name, content), "dataset": dataset.pk, "municipality": "", "title": ""},
        follow=True,
    )


def test_upload_over_the_size_limit_is_refused_before_it_is_kept(client, editor, settings, tmp_path):
    settings.XENAGOS_IMPORT_ROOT = tmp_path
    settings.XENAGOS_IMPORT_MAX_UPLOAD_MB = 0.005  # 5 kB
    response = post_upload(client, "pleiades.geojson", PLEIADES.read_bytes())  # 14 kB
    assert "Το αρχείο είναι μεγαλύτερο από 0.005 MB" in response.content.decode()  # the admin speaks Greek
    assert not ImportRun.objects.exists() and not list(tmp_path.iterdir())


def test_unexpected_file_type_is_refused(client, editor, settings, tmp_path):
    settings.XENAGOS_IMPORT_ROOT = tmp_path
    response = post_upload(client, "layer.vrt", b"<OGRVRTDataSource/>")
    assert "layer.vrt: μη αναμενόμενος τύπος αρχείου" in response.content.decode()  # "unexpected file type"
    assert not ImportRun.objects.exists()


def test_upload_then_source_page_shows_what_the_file_holds(client, editor, settings, tmp_path):
    settings.XENAGOS_IMPORT_ROOT = tmp_path
    response = post_upload(client, "pleiades.geojson", PLEIADES.read_bytes())
    run = ImportRun.objects.get()
    assert run.municipality.code == "9186"  # the editor's only municipality
    assert response.redirect_chain[-1][0].endswith(f"/admin/imports/{run.uid}/source/")
    page = response.content.decode()
    assert "GeoJSON" in page and "EPSG:4326" in page and "Agora Mint" in page
    run.refresh_from_db()
    assert run.source_info["feature_count"] == 49 and run.options["layer"] == "pleiades"


def test_people_without_place_permissions_cannot_import(client):
    someone = get_user_model().objects.create_user("visitor", password="x")
    client.force_login(someone)
    response = client.get("/admin/imports/new/")
    assert response.status_code in (302, 403)
    assert not ImportRun.objects.exists()


def test_progress_and_report_speak_greek_stage_names_and_dates(client, editor, settings, tmp_path):
    settings.XENAGOS_IMPORT_ROOT = tmp_path
    post_upload(client, "pleiades.geojson", PLEIADES.read_bytes())
    run = ImportRun.objects.get()
    ImportRun.objects.filter(pk=run.pk).update(stage="compare", status=ImportRun.Status.CHECKING)
    status = client.get(f"/admin/imports/{run.uid}/status/").json()
    assert status["stage"] == "σύγκριση με τα αποθηκευμένα δεδομένα"
    assert "σύγκριση με τα αποθηκευμένα δεδομένα" in client.get(f"/admin/imports/{run.uid}/progress/").content.decode()
    page = client.get(f"/admin/imports/{run.uid}/report/").content.decode()
    assert "Στις " in page and "editor-athens: αρχείο pleiades.geojson" in page
    assert ".." not in page.split("Στις ", 1)[1].split("«", 1)[0]  # a date ending in "π.μ." gets no second stop
