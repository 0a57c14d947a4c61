"""Harvest sources in the admin: scoped to the editor's municipalities at every door (list, create, edit, run,
delete, status; URL tampering too), the base URL checked by the refusal rule when saved, and "Harvest now"
harvesting the local OAI-PMH server (tests/importers/oai_server.py) through the background task."""

import pytest
from django.contrib.auth import get_user_model

from gis.models import ArchiveItem, Municipality
from importers.models import HarvestSource, ImportRun
from tests.factories import DatasetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def athens_source():
    return HarvestSource.objects.create(
        municipality=Municipality.objects.get(code="9186"),
        dataset=DatasetFactory(slug="athens-harvest", title="Athens harvest"),
        base_url="https://athens-archive.example.org/oai",
    )


def log_in(client, username: str):
    client.force_login(get_user_model().objects.get(username=username))


def test_an_editor_of_nafplio_cannot_reach_an_athens_source_by_any_door(client, athens_source):
    log_in(client, "editor-nafplio")
    listing = client.get("/admin/imports/harvest/")
    assert listing.status_code == 200 and "athens-archive.example.org" not in listing.content.decode()
    base = f"/admin/imports/harvest/{athens_source.pk}"
    assert client.get(f"{base}/").status_code == 404
    assert client.post(f"{base}/", {"base_url": "https://nafplio.example.org/oai"}).status_code == 404
    assert client.get(f"{base}/status/").status_code == 404
    assert client.post(f"{base}/run/").status_code == 404
    assert client.post(f"{base}/delete/").status_code == 404
    athens_source.refresh_from_db()
    assert athens_source.base_url == "https://athens-archive.example.org/oai"
    assert not ImportRun.objects.filter(options__harvest_source=athens_source.pk).exists()


def test_the_form_offers_only_the_editor_s_municipalities_and_refuses_athens_when_tampered(client):
    log_in(client, "editor-nafplio")
    athens, nafplio = Municipality.objects.get(code="9186"), Municipality.objects.get(code="9236")
    offered = client.get("/admin/imports/harvest/new/").context["form"].fields["municipality"].queryset
    assert list(offered) == [nafplio]
    dataset = DatasetFactory(slug="nafplio-harvest")
    data = {
        "municipality": athens.pk,
        "dataset": dataset.pk,
        "base_url": "http://127.0.0.1:9/oai",
        "set_spec": "",
        "metadata_prefix": "oai_dc",
    }
    response = client.post("/admin/imports/harvest/new/", data)
    assert response.status_code == 200 and not HarvestSource.objects.filter(dataset=dataset).exists()
    assert response.context["form"].errors["municipality"]
    response = client.post("/admin/imports/harvest/new/", {**data, "municipality": nafplio.pk})
    source = HarvestSource.objects.get(dataset=dataset)
    assert response.status_code == 302 and source.municipality == nafplio


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://10.0.0.1/oai", "10.0.0.1"),
        ("http://169.254.169.254/latest/", "169.254.169.254"),
        ("ftp://example.org/oai", "http"),
    ],
)
def test_a_base_url_the_refusal_rule_refuses_is_a_readable_form_error(client, url, says):
    log_in(client, "editor-athens")
    dataset = DatasetFactory(slug="refused-harvest")
    athens = Municipality.objects.get(code="9186")
    data = {"municipality": athens.pk, "dataset": dataset.pk, "base_url": url, "metadata_prefix": "oai_dc"}
    response = client.post("/admin/imports/harvest/new/", data)
    errors = response.context["form"].errors["base_url"]
    assert response.status_code == 200 and says in " ".join(errors) and not HarvestSource.objects.exists()


def test_harvest_now_runs_in_the_background_and_shows_its_progress(
    client, oai_server, django_capture_on_commit_callbacks
):
    log_in(client, "editor-athens")
    athens = Municipality.objects.get(code="9186")
    dataset = DatasetFactory(slug="fake2-harvest", title="fake2")
    source = HarvestSource.objects.create(
        municipality=athens, dataset=dataset, base_url=oai_server.base("fake2"), last_datestamp="2004-01-01T00:00:00Z"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/imports/harvest/{source.pk}/run/")
    assert response.status_code == 302
    run = ImportRun.objects.get(options__harvest_source=source.pk)
    assert run.status == ImportRun.Status.SUCCEEDED and run.user.username == "editor-athens"
    assert run.report["counts"]["create"] == 78 and run.progress_done == run.progress_total == 80  # 81 read, 1 rejected
    assert ArchiveItem.objects.filter(dataset=dataset).count() == 78
    state = client.get(f"/admin/imports/harvest/{source.pk}/status/").json()
    assert (state["pages"], state["records"], state["cursor"], state["complete_list_size"]) == (4, 81, 75, 81)
    page = client.get(f"/admin/imports/harvest/{source.pk}/").content.decode()
    assert "78" in page and oai_server.base("fake2") in page
    assert oai_server.base("fake2") in client.get("/admin/imports/").content.decode()  # in the import history
    report = client.get(f"/admin/imports/{run.uid}/report/")  # and its report opens from there
    assert report.status_code == 200 and "78" in report.content.decode()


def test_a_failed_harvest_shows_its_error_in_the_admin_s_language(
    client, oai_server, django_capture_on_commit_callbacks
):
    log_in(client, "editor-athens")
    athens = Municipality.objects.get(code="9186")
    source = HarvestSource.objects.create(
        municipality=athens, dataset=DatasetFactory(slug="html-harvest"), base_url=oai_server.base("html")
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/imports/harvest/{source.pk}/run/")
    run = ImportRun.objects.get(options__harvest_source=source.pk)
    source.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED and oai_server.base("html") in run.message
    assert source.last_error and source.last_error == run.message
    assert "HTML" in source.last_error and "page" not in source.last_error  # Greek: "σελίδα HTML", not English
    assert source.last_error in client.get(f"/admin/imports/harvest/{source.pk}/").content.decode()
