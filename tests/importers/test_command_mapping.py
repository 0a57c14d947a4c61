"""The command line guesses a mapping as the admin does (one function), prints it as TOML (--show-mapping) and takes
it back (--mapping): the same import as the admin's guess."""

import tomllib
from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from gis.models import Dataset, Place
from importers.mapping import Mapping, mapping_load
from importers.models import ImportRun

from .helpers import DATA

pytestmark = pytest.mark.django_db
ENGLISH = DATA / "athens_monuments_en.csv"
COLUMNS = ("source_id", "name_el", "name_en", "wikidata", "pleiades", "municipality__code")


def form_values(html: str, selector: str) -> dict[str, str]:
    """What a browser would submit of the form ``selector`` in ``html`` as it stands (selected options, checked
    radios, text)."""
    form = BeautifulSoup(html, "html.parser").select_one(selector)
    data = {}
    for field in form.select("input, select, textarea"):
        name = field.get("name")
        if not name:
            continue
        if field.name == "select":
            chosen = field.select_one("option[selected]")
            data[name] = chosen["value"] if chosen else ""
        elif field.name == "textarea":
            data[name] = field.get_text()
        elif field.get("type") == "radio":
            if field.has_attr("checked"):
                data[name] = field["value"]
        else:
            data[name] = field.get("value", "")
    return data


def admin_import(client, path) -> tuple[Dataset, dict]:
    """Import ``path`` in the admin as Athens' editor, keeping the mapping the admin guessed; the dataset and the
    mapping form's values."""
    client.force_login(get_user_model().objects.get(username="editor-athens"))
    client.post(
        "/admin/imports/new/",
        {
            "file": SimpleUploadedFile(path.name, path.read_bytes()),
            "title": "Admin guess",
            "licence": "CC BY 3.0",
            "attribution": "Pleiades",
        },
    )
    run = ImportRun.objects.get(dataset__slug="admin-guess")
    page = client.get(f"/admin/imports/{run.uid}/mapping/").content.decode()
    values = form_values(page, "form[data-importers-mapping]")
    client.post(f"/admin/imports/{run.uid}/mapping/", values)  # the dry run (the tests' tasks run at once)
    client.post(f"/admin/imports/{run.uid}/confirm/")
    run.refresh_from_db()
    assert run.status == ImportRun.Status.SUCCEEDED, run.message
    return run.dataset, values


def places(dataset) -> list[tuple]:
    return list(Place.objects.filter(dataset=dataset).order_by("source_id").values_list(*COLUMNS))


def test_show_mapping_round_trips_and_imports_as_the_admins_guess(client, settings, tmp_path):
    settings.XENAGOS_IMPORT_ROOT = tmp_path / "uploads"
    out = StringIO()
    call_command("import_places", str(ENGLISH), "--dataset", "cli-guess", "--show-mapping", stdout=out)
    text = out.getvalue()
    assert text.startswith("# mapping guessed from the file's fields")
    shown = Mapping.from_dict(tomllib.loads(text))
    assert shown.fields == {"source_id": "id", "name_en": "name", "wikidata": "wikidata", "pleiades": "pleiades"}
    assert shown.matches == "link"
    assert not Dataset.objects.filter(slug="cli-guess").exists()  # --show-mapping imports nothing

    admin_dataset, values = admin_import(client, ENGLISH)
    assert {key[6:]: value for key, value in values.items() if key.startswith("field_") and value} == shown.fields
    assert values["matching"] == "link"

    file = tmp_path / "mapping.toml"
    file.write_text(text, encoding="utf-8")
    assert mapping_load(file) == shown
    out = StringIO()
    call_command(
        "import_places",
        str(ENGLISH),
        "--dataset",
        "cli-guess",
        "--mapping",
        str(file),
        "--municipality",
        "9186",
        "--licence",
        "CC BY 3.0",
        "--attribution",
        "Pleiades",
        stdout=out,
    )
    assert "Import committed." in out.getvalue() and "linked: 3" in out.getvalue()
    assert "read     [" in out.getvalue() and "100%" in out.getvalue()  # the progress bar
    cli = places(Dataset.objects.get(slug="cli-guess"))
    assert cli == places(admin_dataset) and len(cli) == 2


def test_without_a_mapping_the_command_line_guesses_it(athens):
    out = StringIO()
    call_command(
        "import_places",
        str(ENGLISH),
        "--dataset",
        "cli-guess",
        "--licence",
        "CC BY 3.0",
        "--attribution",
        "Pleiades",
        "--dry-run",
        stdout=out,
    )
    assert "Mapping guessed from the file's fields, as the admin does: source_id = id, name_en = name" in out.getvalue()
    assert "created: 2" in out.getvalue()


def test_a_guess_without_an_id_says_how_to_give_one(tmp_path):
    path = tmp_path / "noid.csv"
    path.write_text("onoma,lat,lon\nΠνύκα,37.9714,23.7195\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"names no source field for source_id; write one with --show-mapping"):
        call_command("import_places", str(path), "--dataset", "x", stdout=StringIO())
    out = StringIO()
    call_command("import_places", str(path), "--dataset", "x", "--show-mapping", stdout=out)
    assert tomllib.loads(out.getvalue())["fields"] == {"name_el": "onoma"}
