"""An upload costs what it should: unpacked and read once, by the worker; deleted when it is rejected, fails, is
imported or cancelled; purged when abandoned; and no message names a server folder.

Real files (zipped shapefiles, GeoJSON), the real PostGIS, the real database task queue and `db_worker --batch`,
the admin through Django's test client."""

import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone
from django.utils.html import escape
from django_tasks_db.models import DBTaskResult

from gis.models import Place
from importers.models import ImportRun

from .helpers import PLEIADES, greek_grid_shapefile, zip_files, zip_shapefile
from .test_archives_hostile import patch_member

pytestmark = pytest.mark.django_db(transaction=True)


def work() -> None:
    """Run the queued background tasks, as the production worker does."""
    call_command("db_worker", "--batch", "--no-startup-delay", "-v", "0")


@pytest.fixture
def root(settings, tmp_path) -> Path:
    settings.XENAGOS_IMPORT_ROOT = tmp_path / "imports"
    settings.XENAGOS_IMPORT_ROOT.mkdir()
    return settings.XENAGOS_IMPORT_ROOT


@pytest.fixture
def editor(client, database_tasks):
    user = get_user_model().objects.get(username="editor-athens")
    client.force_login(user)
    return user


def upload(client, path: Path, *, name: str | None = None):
    """Post ``path`` to the admin's upload form as a new dataset; the run it made."""
    with path.open("rb") as handle:
        data = {"file": SimpleUploadedFile(name or path.name, handle.read()), "kind": "places"}
    data.update(title="Monuments", licence="CC BY 4.0", attribution="Δήμος Αθηναίων")
    response = client.post("/admin/imports/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    run = ImportRun.objects.latest("created_at")
    assert response.url == f"/admin/imports/{run.uid}/progress/"
    return run


def hostile_zips(folder: Path) -> list[Path]:
    """Ten uploads the inspection must reject: lying sizes, bad CRCs, truncation, no GIS file, a missing part..."""
    folder.mkdir()
    shp = greek_grid_shapefile(folder / "src")
    content = PLEIADES.read_bytes()
    made = []
    for number, patch in enumerate([{"usize": 100}, {"crc": 7}, {"csize": 40}, {"usize": 10, "crc": 0}]):
        made.append(
            patch_member(zip_files(folder / f"lies-{number}.zip", {"in/p.geojson": content}), "in/p.geojson", **patch)
        )
    cut = zip_files(folder / "cut.zip", {"p.geojson": content})
    cut.write_bytes(cut.read_bytes()[:900])
    made.append(cut)
    made.append(zip_files(folder / "readme.zip", {"README.txt": b"no GIS here"}))
    (folder / "text.zip").write_bytes(b"this is not a zip")
    made.append(folder / "text.zip")
    no_dbf = zip_files(
        folder / "no-dbf.zip", {p.name: p.read_bytes() for p in shp.parent.iterdir() if p.suffix != ".dbf"}
    )
    made.append(no_dbf)
    made.append(zip_files(folder / "bomb.zip", {"a.geojson": b"{" + b" " * 30_000_000 + b"}"}))
    (folder / "fake.gpkg").write_bytes(b"SQLite format 3\x00" + b"\x00" * 52 + b"GPKG" + b"\x00" * 2000)
    made.append(folder / "fake.gpkg")
    assert len(made) == 10
    return made


def disk_use(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def hidden(text: str, *folders: Path) -> None:
    """No server folder is named in ``text``."""
    for folder in {*folders, Path(tempfile.gettempdir())}:
        assert str(folder) not in text, text
    assert "xenagos-import-" not in text and "/unpacked" not in text, text


def test_ten_rejected_uploads_leave_nothing_and_say_why_without_server_paths(client, editor, root, tmp_path):
    uploads = hostile_zips(tmp_path / "hostile")
    runs = [upload(client, path) for path in uploads]
    assert {run.status for run in runs} == {ImportRun.Status.INSPECTING}
    assert disk_use(root) > 0  # kept until the worker has looked at them
    work()
    assert list(root.iterdir()) == []  # nothing of the ten is left
    messages = []
    for run, path in zip(runs, uploads, strict=True):
        run.refresh_from_db()
        assert run.status == ImportRun.Status.FAILED and run.finished_at and not run.files_kept, (path, run.message)
        assert run.message.startswith(path.name), run.message
        page = client.get(f"/admin/imports/{run.uid}/report/")
        assert page.status_code == 200 and escape(run.message) in page.content.decode()
        messages += [run.message, page.content.decode()]
        assert client.get(f"/admin/imports/{run.uid}/source/").url == f"/admin/imports/{run.uid}/report/"
    lying = ImportRun.objects.get(file_name="lies-0.zip").message
    assert (
        "member 'in/p.geojson'" in lying or "«in/p.geojson»" in lying
    )  # the member is named (in the admin's language)
    for result in DBTaskResult.objects.all():  # what the worker recorded
        messages.append(str(result.return_value) + str(result.exception_class_path) + str(result.traceback))
    hidden("\n".join(messages), root, tmp_path)
    assert ImportRun.objects.count() == 10  # the history stays


def test_a_zip_is_unpacked_once_by_the_worker_and_the_pages_read_what_it_stored(client, editor, root, tmp_path):
    shp = greek_grid_shapefile(tmp_path / "src")
    run = upload(client, zip_shapefile(shp, tmp_path / "mnimeia.zip", folder="Δεδομένα/"))
    progress = client.get(f"/admin/imports/{run.uid}/progress/").content.decode()
    assert "data-importers-status-url" in progress  # the admin waits for the inspection, it does not do it
    assert client.get(f"/admin/imports/{run.uid}/status/").json()["finished"] is False
    work()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.UPLOADED and run.source_info["feature_count"] == 3
    folder = root / str(run.uid)
    assert sorted(p.name for p in (folder / "unpacked" / "Δεδομένα").iterdir())[0] == "mnimeia.dbf"
    assert not list(folder.glob("*.zip"))  # the zip itself is gone once unpacked
    assert client.get(f"/admin/imports/{run.uid}/status/").json()["next_url"] == f"/admin/imports/{run.uid}/source/"

    away = tmp_path / "away"
    shutil.move(folder, away)  # the source page does not read the file: it shows what the inspection stored
    try:
        page = client.get(f"/admin/imports/{run.uid}/source/").content.decode()
    finally:
        shutil.move(away, folder)
    assert 'data-fact="count">3<' in page and "EPSG:2100" in page and "KODIKOS" in page
    assert "leaflet" in page.lower()

    response = client.post(f"/admin/imports/{run.uid}/source/", {"layer": run.source_info["layer"], "next": "1"})
    assert response.url == f"/admin/imports/{run.uid}/mapping/"
    mapping = {"field_source_id": "KODIKOS", "field_name_el": "ONOMA", "invalid": "repair"}
    assert client.post(f"/admin/imports/{run.uid}/mapping/", mapping).url == f"/admin/imports/{run.uid}/progress/"
    work()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CHECKED and run.dry_run_report["counts"]["create"] == 3
    assert folder.is_dir()  # the import still needs it
    client.post(f"/admin/imports/{run.uid}/confirm/")
    work()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.SUCCEEDED and run.report["counts"]["create"] == 3
    assert Place.objects.filter(dataset=run.dataset).count() == 3
    assert not folder.exists() and list(root.iterdir()) == [] and not run.files_kept
    assert b"mnimeia.zip" in client.get("/admin/imports/").content  # the history keeps the run


def test_a_file_that_needs_a_crs_is_kept_and_read_again_in_the_background(client, editor, root, tmp_path):
    shp = greek_grid_shapefile(tmp_path / "src")
    shp.with_suffix(".prj").unlink()
    run = upload(client, zip_shapefile(shp, tmp_path / "no_prj.zip"))
    work()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.UPLOADED and not run.source_info and run.files_kept
    page = client.get(f"/admin/imports/{run.uid}/source/").content.decode()
    assert "no_prj.zip: " in page and "data-importers-error" in page
    hidden(page, root, tmp_path)
    response = client.post(f"/admin/imports/{run.uid}/source/", {"srid": "2100", "apply": "1"})
    assert response.url == f"/admin/imports/{run.uid}/progress/"
    work()
    run.refresh_from_db()
    assert run.source_info["epsg"] == 2100 and run.options["srid"] == 2100 and not run.message


def test_a_failed_dry_run_deletes_the_upload_and_keeps_the_run(client, editor, root):
    run = upload(client, PLEIADES, name="pleiades.geojson")
    work()
    client.post(
        f"/admin/imports/{run.uid}/mapping/",
        {"field_source_id": "pleiades_id", "field_name_el": "title", "invalid": "repair"},
    )
    run.refresh_from_db()
    run.mapping = {**run.mapping, "fields": {"source_id": "nope", "name_el": "title"}}  # a field the file lacks
    run.save()
    work()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED and "nope" in run.message
    assert list(root.iterdir()) == []
    report = client.get(f"/admin/imports/{run.uid}/report/").content.decode()
    assert "/admin/imports/new/" in report  # offers a new upload


def test_cancel_deletes_only_the_runs_folder(client, editor, root, tmp_path):
    other = root / "keep-me.txt"
    other.write_text("not an upload")
    run = upload(client, PLEIADES, name="pleiades.geojson")
    busy = client.post(f"/admin/imports/{run.uid}/cancel/")  # the worker has not read it yet: refused
    assert busy.url == f"/admin/imports/{run.uid}/report/" and (root / str(run.uid)).is_dir()
    work()
    response = client.post(f"/admin/imports/{run.uid}/cancel/")
    assert response.url == "/admin/imports/"
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CANCELLED and not (root / str(run.uid)).exists()
    assert other.read_text() == "not an upload" and [p.name for p in root.iterdir()] == ["keep-me.txt"]
    assert client.post(f"/admin/imports/{run.uid}/cancel/").url == f"/admin/imports/{run.uid}/report/"


def test_purge_uploads_removes_abandoned_and_leftover_uploads_only(client, editor, root, tmp_path):
    abandoned, fresh, leftover = (upload(client, PLEIADES, name=f"{name}.geojson") for name in ("old", "new", "done"))
    work()
    ImportRun.objects.filter(pk=abandoned.pk).update(updated_at=timezone.now() - timedelta(hours=25))
    ImportRun.objects.filter(pk=leftover.pk).update(status=ImportRun.Status.SUCCEEDED)  # a worker killed after it
    stranger = root / "00000000-0000-0000-0000-000000000000"
    stranger.mkdir()
    (stranger / "x.geojson").write_text("{}")
    (root / "notes.txt").write_text("the operator's")

    out = tempfile.TemporaryFile("w+")
    call_command("purge_uploads", stdout=out)
    out.seek(0)
    assert out.read().strip() == "deleted the uploads of 1 finished and 1 abandoned imports (no activity for 24 h)"
    assert sorted(p.name for p in root.iterdir()) == sorted([str(fresh.uid), stranger.name, "notes.txt"])
    abandoned.refresh_from_db()
    assert abandoned.status == ImportRun.Status.CANCELLED and not abandoned.files_kept
    assert "24" in abandoned.message
    assert ImportRun.objects.count() == 3

    call_command("purge_uploads", "--hours", "0", stdout=out)  # everything idle is abandoned now
    assert sorted(p.name for p in root.iterdir()) == sorted([stranger.name, "notes.txt"])


def test_the_command_line_names_the_file_and_member_only(tmp_path, root):
    archive = patch_member(
        zip_files(tmp_path / "lies.zip", {"in/p.geojson": PLEIADES.read_bytes()}), "in/p.geojson", crc=3
    )
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('[fields]\nsource_id = "pleiades_id"\nname_el = "title"\n')
    with pytest.raises(CommandError) as refused:
        call_command(
            "import_places",
            str(archive),
            "--dataset",
            "cli",
            "--mapping",
            str(mapping),
            "--licence",
            "CC0",
            "--attribution",
            "x",
        )
    assert str(refused.value).startswith("lies.zip: member 'in/p.geojson' is damaged")
    hidden(str(refused.value), root, tmp_path)


def test_a_deleted_run_takes_its_upload_and_nothing_else(client, editor, root):
    kept = upload(client, PLEIADES, name="kept.geojson")
    gone = upload(client, PLEIADES, name="gone.geojson")
    ImportRun.objects.filter(pk=gone.pk).delete()  # as when its dataset is deleted
    assert sorted(p.name for p in root.iterdir()) == [str(kept.uid)]
