"""A target declared here alone (walking tracks into a dict) goes through the same run and admin screens as places:
upload -> inspection -> mapping -> dry run -> confirm -> history, with no change to the importers' code."""

import pytest
import shapely
from django import forms
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from gis.models import Dataset
from gis.services import dataset_upsert
from importers.forms import invalid_field
from importers.models import ImportRun
from importers.report import ImportReport
from importers.targets import (
    ImportJob,
    MappingStep,
    ReaderOptions,
    ReportRow,
    Target,
    target_get,
    target_register,
    target_unregister,
)

from .test_readers_lines import TRACK, gpx_track

pytestmark = pytest.mark.django_db
STORE: dict[str, bytes] = {}  # source id -> MultiLineString Z (WKB): the throw-away target's "table"


class TrackMappingForm(forms.Form):
    """Which field holds a track's stable id."""

    invalid = invalid_field()

    def __init__(self, *args, source_fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field_source_id"] = forms.ChoiceField(label="Id", choices=[(name, name) for name in source_fields])

    def rules(self) -> dict:
        return {"fields": {"source_id": self.cleaned_data["field_source_id"]}}


def mapping_build(*, run, info, data):
    return TrackMappingForm(data, source_fields=info["fields"]), {}


def tracks_import(job: ImportJob, *, dry_run: bool) -> ImportReport:
    """Keyed on the source id: new tracks created, the same track again unchanged; a dry run writes nothing."""
    id_field = job.mapping["fields"]["source_id"]
    counts = {"read": 0, "create": 0, "unchanged": 0, "rejected": 0}
    with job.open() as source:
        report = ImportReport(
            dataset=job.dataset.slug,
            file=source.info.file,
            dry_run=dry_run,
            source=source.info.to_dict(),
            counts=counts,
        )
        for batch in source.batches():
            for index, key in enumerate(batch.fields[id_field]):
                line = bytes.fromhex(batch.geometry.lines[index])
                counts["read"] += 1
                counts["unchanged" if STORE.get(key) == line else "create"] += 1
                if not dry_run:
                    STORE[key] = line
            job.tell("read", counts["read"], source.info.feature_count)
    return report


TRACKS = Target(
    key="tracks",
    label="walking tracks",
    choice_label="walking tracks (GPX)",
    reader=ReaderOptions(geometry_types=frozenset({"LineString", "MultiLineString"}), z=True),
    mapping=MappingStep(template="importers/mapping_areas.html", build=mapping_build),
    plan=lambda job: tracks_import(job, dry_run=True),
    apply=lambda job: tracks_import(job, dry_run=False),
    report_rows=(ReportRow("create", "New tracks"), ReportRow("unchanged", "Unchanged tracks")),
)


@pytest.fixture
def tracks_target():
    STORE.clear()
    target_register(TRACKS)
    yield TRACKS
    target_unregister(TRACKS.key)
    STORE.clear()


@pytest.fixture
def editor(client):
    user = get_user_model().objects.get(username="editor-athens")
    client.force_login(user)
    return user


def upload_and_check(client, path, dataset: Dataset) -> ImportRun:
    response = client.post(
        "/admin/imports/new/",
        {"file": SimpleUploadedFile(path.name, path.read_bytes()), "kind": "tracks", "dataset": dataset.pk},
        follow=True,
    )
    run = ImportRun.objects.filter(dataset=dataset).order_by("-created_at").first()
    assert response.redirect_chain[-1][0].endswith(f"/admin/imports/{run.uid}/source/"), response.redirect_chain
    assert "GPX" in response.content.decode() and run.source_info["layer"] == "tracks"
    response = client.post(
        f"/admin/imports/{run.uid}/mapping/", {"field_source_id": "name", "invalid": "repair"}, follow=True
    )
    assert response.redirect_chain[-1][0].endswith(f"/admin/imports/{run.uid}/report/")
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CHECKED, run.message
    return run


def test_a_target_declared_in_a_test_goes_through_the_same_run(client, editor, settings, tmp_path, tracks_target):
    settings.XENAGOS_IMPORT_ROOT = tmp_path / "imports"
    dataset = dataset_upsert(slug="tracks", title="Μονοπάτια", licence="CC BY 4.0", attribution="Δήμος")
    path = gpx_track(tmp_path / "walk.gpx")
    assert "walking tracks (GPX)" in client.get("/admin/imports/new/").content.decode()  # offered by the upload

    run = upload_and_check(client, path, dataset)
    assert run.dry_run_report["counts"]["create"] == 1 and not STORE  # the dry run wrote nothing
    page = client.get(f"/admin/imports/{run.uid}/report/").content.decode()
    assert '<th scope="row">New tracks</th><td data-count="create">1</td>' in page

    client.post(f"/admin/imports/{run.uid}/confirm/")
    run.refresh_from_db()
    assert run.status == ImportRun.Status.SUCCEEDED and run.report["counts"]["create"] == 1
    assert not run.files_kept  # the run deleted the upload, as for places
    (line,) = [shapely.from_wkb(wkb) for wkb in STORE.values()]
    assert line.geom_type == "MultiLineString" and [list(part.coords) for part in line.geoms] == TRACK

    again = upload_and_check(client, path, dataset)  # idempotent on the source key
    assert again.dry_run_report["counts"] == {"read": 1, "create": 0, "unchanged": 1, "rejected": 0}
    history = client.get("/admin/imports/").content.decode()
    assert history.count("<td>walking tracks</td>") == 2 and "walk.gpx" in history


def test_a_run_of_a_kind_no_longer_registered_fails_with_a_message(settings, tmp_path, tracks_target, athens):
    settings.XENAGOS_IMPORT_ROOT = tmp_path
    from importers.runs import import_run_create, import_run_execute

    dataset = dataset_upsert(slug="tracks", title="Μονοπάτια", licence="CC BY 4.0", attribution="Δήμος")
    upload = SimpleUploadedFile("walk.gpx", gpx_track(tmp_path / "walk.gpx").read_bytes())
    run = import_run_create(upload=upload, dataset=dataset, municipality=athens, user=None, kind="tracks")
    target_unregister("tracks")
    run = import_run_execute(run_id=run.pk, dry_run=True)  # no admin queued it: the site's language, Greek
    assert (
        run.status == ImportRun.Status.FAILED and run.message == "αυτό το είδος εισαγωγής δεν είναι διαθέσιμο: tracks"
    )
    assert not run.files_kept


def test_the_importers_register_places_areas_and_boundaries():
    assert [target_get(key).key for key in ("places", "areas", "boundaries")] == ["places", "areas", "boundaries"]
    assert target_get("boundaries").admin_refusal  # the command line loads boundaries
