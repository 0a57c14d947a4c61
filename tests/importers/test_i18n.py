"""An import speaks the language of whoever runs it: the admin's (Greek by default, also in the background worker),
English on the command line."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation

from gis.services import dataset_upsert
from importers.errors import MissingPart
from importers.mapping import Mapping
from importers.models import ImportRun
from importers.runs import import_run_create, import_run_queue, import_run_update
from importers.services import places_import

from .helpers import PLEIADES, greek_grid_shapefile

OUTSIDE_EL = "εκτός των δήμων που επιμελείστε"  # "outside the municipalities you edit"


@pytest.fixture
def dataset(db):
    return dataset_upsert(slug="pleiades-i18n", title="Pleiades", licence="CC BY 3.0", attribution="Pleiades")


def test_rejections_warnings_and_errors_are_written_in_the_active_language(dataset, athens, tmp_path):
    editor = get_user_model().objects.get(username="editor-athens")
    mapping = Mapping(fields={"source_id": "pleiades_id", "name_el": "title"})
    with translation.override("el"):
        report = places_import(path=PLEIADES, dataset=dataset, mapping=mapping, user=editor, dry_run=True)
    assert report.counts["rejected"] == 9
    assert {item["reason"] for item in report.rejected} == {OUTSIDE_EL}
    with translation.override("el"):
        report = places_import(path=PLEIADES, dataset=dataset, mapping=mapping, municipality=athens, dry_run=True)
    assert report.warnings == [
        "9 στοιχεία βρίσκονται πάνω από 10 χλμ. έξω από τα όρια του δήμου: είναι σωστό το σύστημα αναφοράς;",
        # the demo's Parthenon and Pnyx are in the file too, without their ids mapped (issue 12)
        "2 νέοι τόποι βρίσκονται σε απόσταση έως 50 μ. από υπάρχοντα τόπο με παρόμοιο όνομα: διπλότυπα;",
    ]
    shp = greek_grid_shapefile(tmp_path)
    shp.with_suffix(".dbf").unlink()
    with translation.override("el"), pytest.raises(MissingPart) as greek:
        places_import(path=shp, dataset=dataset, mapping=mapping)
    with translation.override("en"), pytest.raises(MissingPart) as english:
        places_import(path=shp, dataset=dataset, mapping=mapping)
    # the file's name, not the server's path to it (issue 11)
    assert str(english.value) == f"{shp.name}: the shapefile has no .dbf file beside it; send all its files"
    assert str(greek.value) == f"{shp.name}: το shapefile δεν συνοδεύεται από αρχείο .dbf· στείλτε όλα τα αρχεία του"


@pytest.mark.django_db(transaction=True)
def test_the_background_worker_writes_in_the_language_of_the_admin_that_queued_the_run(
    database_tasks, settings, tmp_path, athens
):
    settings.XENAGOS_IMPORT_ROOT = tmp_path
    editor = get_user_model().objects.get(username="editor-athens")
    dataset = dataset_upsert(slug="pleiades-worker", title="Pleiades", licence="CC BY 3.0", attribution="Pleiades")
    upload = SimpleUploadedFile("pleiades.geojson", PLEIADES.read_bytes())
    run = import_run_create(upload=upload, dataset=dataset, municipality=athens, user=editor)
    import_run_update(run=run, mapping=Mapping(fields={"source_id": "pleiades_id", "name_el": "title"}).to_dict())
    with translation.override("el"):  # as in a request from a Greek admin
        import_run_queue(run=run, dry_run=True)
    call_command("db_worker", "--batch", "--no-startup-delay", "-v", "0")  # the worker has no request language
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CHECKED, run.message
    assert {item["reason"] for item in run.dry_run_report["rejected"]} == {OUTSIDE_EL}

    import_run_update(run=run, mapping=Mapping(fields={"source_id": "nope", "name_el": "title"}).to_dict())
    with translation.override("en"):  # an English admin gets an English failure
        import_run_queue(run=run, dry_run=True)
    call_command("db_worker", "--batch", "--no-startup-delay", "-v", "0")
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert run.message.startswith("pleiades.geojson, field 'nope': no such field in the source (for 'source_id')")


def test_the_greek_admin_shows_the_report_in_greek(client, dataset, athens, settings, tmp_path):
    settings.XENAGOS_IMPORT_ROOT = tmp_path
    editor = get_user_model().objects.get(username="editor-athens")
    client.force_login(editor)
    upload = SimpleUploadedFile("pleiades.geojson", PLEIADES.read_bytes())
    run = import_run_create(upload=upload, dataset=dataset, municipality=athens, user=editor)
    import_run_update(run=run, mapping=Mapping(fields={"source_id": "pleiades_id", "name_el": "title"}).to_dict())
    with translation.override("el"):
        import_run_queue(run=run, dry_run=True)  # the tests' task backend runs it at once
    page = client.get(f"/admin/imports/{run.uid}/report/").content.decode()
    assert OUTSIDE_EL in page and "outside the municipalities" not in page


def test_the_command_line_speaks_english_whatever_the_site_language(tmp_path, db):
    shp = greek_grid_shapefile(tmp_path)
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('[fields]\nsource_id = "KODIKOS"\nname_el = "ONOMA"\n', encoding="utf-8")
    shp.with_suffix(".dbf").unlink()
    common = ["--dataset", "town", "--mapping", str(mapping), "--licence", "CC BY 4.0", "--attribution", "Δήμος"]
    with translation.override("el"), pytest.raises(CommandError, match=r"mnimeia.shp: the shapefile has no \.dbf"):
        call_command("import_places", str(shp), *common, stdout=StringIO())
