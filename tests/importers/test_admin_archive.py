"""Archive metadata files through the admin's import screens (the same run machinery as places): upload, inspection,
source page, mapping, dry run, confirm, report; the real National Gallery CSV, EDM zip and oai_dc record; bad input
fails naming the file and writes nothing; an editor of Athens neither imports into nor opens Nafplio's runs."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from gis.models import ArchiveItem, Dataset
from importers.archive import archive_import
from importers.management.commands.import_archive import csv_mapping
from importers.models import ImportRun
from tests.factories import DatasetFactory

from .test_import_archive import EDM_ZIP, NGA, NGA_MAPPING, OAI_DC, snapshot

pytestmark = pytest.mark.django_db
CC0 = "http://creativecommons.org/publicdomain/zero/1.0/"
NGA_FORM = {
    "id_column": "objectid",
    "long_kind": "datatype",
    "long_value": "forwardtext",
    "long_order": "displayorder",
    "long_elements": "previous_title = title\nprevious_attribution = creator",
    "rights": CC0,
    "publisher": "National Gallery of Art, Washington",
    "untitled": "National Gallery of Art, object {id}",
}
BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:title>&lol3;</dc:title><dc:identifier>x</dc:identifier></oai_dc:dc>"""


@pytest.fixture
def editor(client, settings, tmp_path):
    settings.XENAGOS_IMPORT_ROOT = tmp_path / "uploads"
    user = get_user_model().objects.get(username="editor-athens")
    client.force_login(user)
    return user


def upload(client, name: str, content: bytes, *, dataset: Dataset | None = None, **extra):
    """Step 1 as the editor's browser posts it (the worker runs at once in the tests: the inspection is done)."""
    data = {"file": SimpleUploadedFile(name, content), "kind": "archive", "municipality": ""}
    if dataset:
        data["dataset"] = dataset.pk
    else:
        data.update(title="Museum objects", licence="CC0 1.0", attribution="National Gallery of Art")
    return client.post("/admin/imports/new/", {**data, **extra}, follow=True)


def latest_run() -> ImportRun:
    return ImportRun.objects.order_by("-created_at").first()


def test_the_national_gallery_csv_through_the_admin_as_the_command_line_and_again_unchanged(client, editor, athens):
    response = upload(client, "objects_historical_data.csv", NGA.read_bytes())
    run = latest_run()
    assert run.kind == "archive" and run.status == ImportRun.Status.UPLOADED and run.municipality == athens
    assert response.redirect_chain[-1][0].endswith(f"/admin/imports/{run.uid}/source/")
    info = run.source_info
    assert info["format"] == "CSV" and info["rows"] == 6134
    assert info["fields"][:4] == ["datatype", "objectid", "displayorder", "forwardtext"]
    assert info["values"]["datatype"] == ["previous_attribution", "previous_title"]  # a long file's kinds
    assert "effectivedate" not in info["values"] or len(info["values"]["effectivedate"]) <= 30
    page = response.content.decode()
    assert "6134" in page and "Follower of Cimabue" in page and "leaflet" not in page.lower()  # no map
    assert "srid" not in page  # no CRS or layer options for an archive file

    response = client.post(f"/admin/imports/{run.uid}/source/", {"next": "1"}, follow=True)
    assert response.redirect_chain[-1][0].endswith(f"/admin/imports/{run.uid}/mapping/")
    form = response.context["form"]
    # the guess: the id, the long format's columns and which element each kind of row is
    assert form.initial["id_column"] == "objectid" and form.initial["long_kind"] == "datatype"
    assert form.initial["long_value"] == "forwardtext" and form.initial["long_order"] == "displayorder"
    assert "previous_title = title" in form.initial["long_elements"]
    assert "previous_attribution = creator" in form.initial["long_elements"]

    response = client.post(f"/admin/imports/{run.uid}/mapping/", NGA_FORM, follow=True)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CHECKED, run.message
    assert response.redirect_chain[-1][0].endswith(f"/admin/imports/{run.uid}/report/")
    assert not ArchiveItem.objects.filter(dataset=run.dataset).exists()  # a dry run
    command_line = archive_import(
        path=NGA,
        dataset=DatasetFactory(slug="nga-command-line"),
        municipality=athens,
        mapping=csv_mapping(str(NGA_MAPPING)),
        dry_run=True,
    )
    assert run.dry_run_report["counts"] == command_line.counts
    assert run.dry_run_report["counts"]["create"] == 5307
    assert 'data-count="create">5307<' in response.content.decode()

    response = client.post(f"/admin/imports/{run.uid}/confirm/", follow=True)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.SUCCEEDED and "data-importers-done" in response.content.decode()
    items = ArchiveItem.objects.filter(dataset=run.dataset)
    assert items.count() == 5307 and set(items.values_list("municipality__code", flat=True)) == {"9186"}
    item = items.get(source_id="34")
    assert item.name_el == "National Gallery of Art, object 34" and item.rights == CC0
    creators = list(item.dc_values.filter(element="creator").order_by("position").values_list("value", flat=True))
    assert creators == ["Cimabue", "Attributed to Cimabue", "Follower of Cimabue"]
    assert run.user == editor and not run.files_kept
    assert b"objects_historical_data.csv" in client.get("/admin/imports/").content  # the history

    # the same file again: the mapping comes back from the last import, and nothing changes
    before = snapshot()
    upload(client, "objects_historical_data.csv", NGA.read_bytes(), dataset=run.dataset)
    second = latest_run()
    assert second.pk != run.pk
    response = client.get(f"/admin/imports/{second.uid}/mapping/")
    assert response.context["form"].initial["untitled"] == NGA_FORM["untitled"]
    assert response.context["form"].initial["rights"] == CC0
    client.post(f"/admin/imports/{second.uid}/mapping/", NGA_FORM, follow=True)
    client.post(f"/admin/imports/{second.uid}/confirm/", follow=True)
    second.refresh_from_db()
    assert second.status == ImportRun.Status.SUCCEEDED
    assert second.report["counts"]["unchanged"] == 5307
    assert second.report["counts"]["create"] == second.report["counts"]["update"] == 0
    after = snapshot()
    assert after["items"] == before["items"] and after["values"] == before["values"]


def test_the_import_moves_the_progress_bar_by_the_percent_on_a_6134_row_csv(athens):
    calls: list[tuple[str, int, int]] = []
    archive_import(
        path=NGA,
        dataset=DatasetFactory(slug="nga-progress"),
        municipality=athens,
        mapping=csv_mapping(str(NGA_MAPPING)),
        dry_run=True,
        progress=lambda stage, done, total: calls.append((stage, done, total)),
    )
    compare = {100 * done // total for stage, done, total in calls if stage == "compare"}
    write = {100 * done // total for stage, done, total in calls if stage == "write"}
    assert len(compare) >= 90 and len(write) >= 10


def test_an_edm_zip_with_macos_members_through_the_admin(client, editor, athens):
    response = upload(client, "zip_dataset-valid.zip", EDM_ZIP.read_bytes())
    run = latest_run()
    info = run.source_info
    assert run.status == ImportRun.Status.UPLOADED, run.message
    assert info["format"] == "EDM (RDF/XML)" and info["archive_format"] == "edm"
    assert info["records"] == 4 and info["documents"] == 4  # the four __MACOSX/._*.xml are not read
    page = response.content.decode()
    assert "Metis_Sandbox/Record1.xml" in page
    response = client.get(f"/admin/imports/{run.uid}/mapping/")
    assert response.context["form"].initial["format"] == "edm"
    client.post(f"/admin/imports/{run.uid}/mapping/", {"format": "edm"}, follow=True)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CHECKED and run.dry_run_report["counts"]["create"] == 4
    assert run.dry_run_report["counts"]["rejected"] == 0
    client.post(f"/admin/imports/{run.uid}/confirm/", follow=True)
    items = ArchiveItem.objects.filter(dataset=run.dataset)
    assert items.count() == 4 and {item.municipality_id for item in items} == {athens.pk}


def test_one_oai_dc_record_through_the_admin(client, editor, athens):
    upload(client, "00006.xml", OAI_DC.read_bytes())
    run = latest_run()
    assert run.source_info["format"] == "Dublin Core (oai_dc)" and run.source_info["records"] == 1
    response = client.get(f"/admin/imports/{run.uid}/source/")
    assert "90-9014980-5" in response.content.decode() and "De vrouwenbeweging online" in response.content.decode()
    client.post(f"/admin/imports/{run.uid}/mapping/", {"format": "dc"}, follow=True)
    client.post(f"/admin/imports/{run.uid}/confirm/", follow=True)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.SUCCEEDED
    assert ArchiveItem.objects.get(dataset=run.dataset).source_id == "90-9014980-5"


def assert_failed(run: ImportRun, *named: str) -> None:
    assert run.status == ImportRun.Status.FAILED, run.status
    for name in named:
        assert name in run.message, run.message
    assert not run.files_kept
    assert not ArchiveItem.objects.filter(dataset=run.dataset).exists()


def test_broken_xml_is_rejected_naming_the_file_and_line(client, editor):
    upload(client, "broken.xml", b'<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/">\n<a></b>')
    run = latest_run()
    assert_failed(run, "broken.xml", "line 2")


def test_an_entity_bomb_is_rejected_unexpanded(client, editor):
    upload(client, "bomb.xml", BOMB)
    assert_failed(latest_run(), "bomb.xml", "DTD")


def test_a_broken_member_of_a_zip_is_named(client, editor, tmp_path):
    import zipfile

    path = tmp_path / "records.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("good.xml", OAI_DC.read_bytes())
        archive.writestr("folder/bad.xml", b"<oai_dc:dc>")
    upload(client, "records.zip", path.read_bytes())
    assert_failed(latest_run(), "records.zip/folder/bad.xml")


def test_a_csv_that_is_not_utf8_is_rejected_naming_its_line(client, editor):
    content = "id,title\n1,Ναός\n2,Θέατρο\n".encode("cp1253")
    upload(client, "greek.csv", content)
    assert_failed(latest_run(), "greek.csv", "γραμμή 2", "UTF-8")  # the admin speaks Greek: "line 2"


def wide_csv(client, name: str, content: str) -> ImportRun:
    """Upload a wide CSV (id, title, date, rights columns) and run its dry run with the guessed mapping."""
    upload(client, name, content.encode())
    run = latest_run()
    response = client.get(f"/admin/imports/{run.uid}/mapping/")
    initial = response.context["form"].initial
    assert initial["id_column"] == "κωδικός" and initial["field_title"] == "τίτλος"
    assert initial["field_date"] == "ημερομηνία" and initial["field_rights"] == "rights"
    client.post(f"/admin/imports/{run.uid}/mapping/", {k: v for k, v in initial.items() if v}, follow=True)
    run.refresh_from_db()
    return run


def test_a_csv_with_a_bad_date_fails_naming_the_file_row_and_field(client, editor):
    run = wide_csv(client, "dates.csv", "κωδικός,τίτλος,ημερομηνία,rights\n1,Ναός,1890,CC0 1.0\n2,Θέατρο,1890-13-45,\n")
    assert_failed(run, "dates.csv", "2", "1890-13-45")


def test_a_csv_with_unknown_rights_fails_naming_the_record(client, editor):
    run = wide_csv(client, "rights.csv", "κωδικός,τίτλος,ημερομηνία,rights\n1,Ναός,1890,CC0 1.0\n7,Θέατρο,1900,mine\n")
    assert_failed(run, "rights.csv", "7", "mine")


def test_a_mapping_that_does_not_fit_is_refused_on_the_form(client, editor):
    upload(client, "objects_historical_data.csv", NGA.read_bytes())
    run = latest_run()
    bad = {**NGA_FORM, "long_elements": "previous_title = heading"}  # not a Dublin Core element
    response = client.post(f"/admin/imports/{run.uid}/mapping/", bad)
    assert response.status_code == 200 and "heading" in response.content.decode()
    unknown = {**NGA_FORM, "long_elements": "previous_name = title"}  # not a value of the kind column
    response = client.post(f"/admin/imports/{run.uid}/mapping/", unknown)
    assert response.status_code == 200 and "previous_name" in response.content.decode()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.UPLOADED and not run.dry_run_report


def test_a_shapefile_is_not_archive_items(client, editor):
    response = upload(client, "layer.shp", b"\x00\x00\x27\x0a" + b"\x00" * 96)
    assert "layer.shp" in response.content.decode() and ".rdf" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_an_editor_of_athens_cannot_import_into_nafplio_nor_touch_its_archive_runs(client, editor, nafplio):
    response = upload(client, "00006.xml", OAI_DC.read_bytes(), municipality=nafplio.pk)
    assert response.status_code == 200 and not ImportRun.objects.exists()  # not a choice of the form

    nafplio_editor = get_user_model().objects.get(username="editor-nafplio")
    client.force_login(nafplio_editor)
    upload(client, "00006.xml", OAI_DC.read_bytes())
    run = latest_run()
    client.post(f"/admin/imports/{run.uid}/mapping/", {"format": "dc"}, follow=True)
    run.refresh_from_db()
    assert run.municipality == nafplio and run.status == ImportRun.Status.CHECKED

    client.force_login(editor)
    for step in ("source", "mapping", "progress", "status", "report"):
        assert client.get(f"/admin/imports/{run.uid}/{step}/", follow=True).status_code == 404, step
    for step in ("confirm", "cancel", "mapping"):
        assert client.post(f"/admin/imports/{run.uid}/{step}/", {"format": "dc"}, follow=True).status_code == 404
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CHECKED and run.files_kept
    assert not ArchiveItem.objects.filter(dataset=run.dataset).exists()
    assert b"00006.xml" not in client.get("/admin/imports/").content


def test_the_admin_no_longer_refuses_archive_files():
    from importers.targets import target_get, targets_offered

    assert target_get("archive") in targets_offered()
    assert Path("x.rdf").suffix in target_get("archive").uploads


def test_the_guess_reads_greek_and_english_column_names_and_their_language():
    from importers.readers.archive_csv import csv_mapping_guess

    mapping = csv_mapping_guess(["Κωδικός", "Τίτλος", "title_en", "Ημερομηνία", "Notes"], values={})
    assert mapping.id == "Κωδικός" and mapping.fields["title"] == "Τίτλος"  # the first title column
    assert mapping.fields["date"] == "Ημερομηνία" and mapping.fields["description"] == "Notes"
    assert not mapping.long_kind and "title" not in mapping.languages
    english = csv_mapping_guess(["id", "title_en", "creator"], values={})
    assert english.fields == {"title": "title_en", "creator": "creator"} and english.languages == {"title": "en"}


@pytest.mark.parametrize(
    ("member", "content", "named"),
    [
        ("records/bomb.xml", b"<a>" + b" " * 40_000_000 + b"</a>", "zip_bomb.zip"),  # compressed 40 MB to 40 kB
        ("../outside.xml", OAI_DC.read_bytes(), "../outside.xml"),  # would be written outside the run's folder
    ],
)
def test_a_hostile_zip_of_xml_is_refused_as_uploads_are(client, editor, tmp_path, member, content, named):
    import zipfile

    path = tmp_path / "zip_bomb.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, content)
    upload(client, "zip_bomb.zip", path.read_bytes())
    run = latest_run()
    assert_failed(run, named)
    assert not (tmp_path.parent / "outside.xml").exists() and not list((tmp_path / "uploads").rglob("*.xml"))


def test_rejected_records_are_listed_with_their_reason_and_the_others_imported(client, editor):
    content = "κωδικός,τίτλος,ημερομηνία,rights\nΑ-1,Ναός,1890,CC0 1.0\nΑ-2,,1900,CC0 1.0\n,Χωρίς κωδικό,1901,\n"
    run = wide_csv(client, "rows.csv", content)
    assert run.status == ImportRun.Status.CHECKED, run.message
    counts = run.dry_run_report["counts"]
    assert (counts["create"], counts["rejected"]) == (1, 2)
    page = client.get(f"/admin/imports/{run.uid}/report/").content.decode()
    assert "data-importers-rejected" in page and "Α-2" in page and "χωρίς τίτλο" in page  # "no title"
    client.post(f"/admin/imports/{run.uid}/confirm/", follow=True)
    assert list(ArchiveItem.objects.filter(dataset=run.dataset).values_list("source_id", flat=True)) == ["Α-1"]
