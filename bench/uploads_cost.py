"""What an upload costs: the disk left in the import work folder after ten rejected uploads, and the time of
viewing the source page ("what the file holds") of a large zipped import. Run the same script on a branch before a
change for the peer figure (the previous behaviour).

It drives the admin through Django's test client on the test database, with the database task queue and
``manage.py db_worker --batch`` as in production. Run it with pytest so that the project's test fixtures (PostGIS,
the demo municipalities) are there; ``-s`` shows what it prints:

    XENAGOS_BENCH_FEATURES=300000 PYTHONPATH=. .venv/bin/pytest -p tests.conftest bench/uploads_cost.py -s -q

Benchmarks decide nothing: it prints figures, it asserts nothing about them.
"""

import json
import os
import statistics
import time
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from importers.models import ImportRun

FEATURES = int(os.environ.get("XENAGOS_BENCH_FEATURES", "300000"))
pytestmark = pytest.mark.django_db(transaction=True)


def say(text: str) -> None:
    os.write(1, f"{text}\n".encode())  # pytest -s shows it; no print() in project code


def disk_use(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def work() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "-v", "0")


def post(client, path: Path) -> ImportRun:
    with path.open("rb") as handle:
        data = {"file": SimpleUploadedFile(path.name, handle.read()), "kind": "places"}
    data.update(title="Monuments", licence="CC BY 4.0", attribution="Δήμος")
    client.post("/admin/imports/new/", data)
    return ImportRun.objects.latest("created_at")


def rejected_uploads(folder: Path) -> list[Path]:
    """Ten uploads that are refused: damaged zips, zips without GIS files, a zip bomb, a fake GeoPackage."""
    folder.mkdir()
    points = {"type": "FeatureCollection", "features": []}
    points["features"] = [
        {"type": "Feature", "properties": {"id": i}, "geometry": {"type": "Point", "coordinates": [23.7, 37.9]}}
        for i in range(20000)
    ]
    content = json.dumps(points).encode()
    made = []
    for number in range(4):
        path = folder / f"cut-{number}.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("p.geojson", content)
            archive.writestr(f"other-{number}.geojson", content)
        data = path.read_bytes()
        path.write_bytes(data[: len(data) * 2 // 3])  # an upload cut short
        made.append(path)
    for number in range(3):
        path = folder / f"readme-{number}.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("README.txt", content)
        made.append(path)
    bomb = folder / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.geojson", b"{" + b" " * 100_000_000 + b"}")
    made.append(bomb)
    for number in range(2):
        path = folder / f"fake-{number}.gpkg"
        path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 52 + b"GPKG" + os.urandom(5_000_000))
        made.append(path)
    return made


def large_zip(path: Path, features: int) -> Path:
    """A zipped GeoJSON of ``features`` points around Athens (EPSG:4326)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("monuments.geojson", "w") as out:
        out.write(b'{"type": "FeatureCollection", "features": [')
        for i in range(features):
            x, y = 23.70 + (i % 1000) * 1e-4, 37.95 + (i // 1000) * 1e-4
            feature = {
                "type": "Feature",
                "properties": {"id": str(i), "name": f"Μνημείο {i}", "note": "x" * 40},
                "geometry": {"type": "Point", "coordinates": [round(x, 6), round(y, 6)]},
            }
            out.write((b"," if i else b"") + json.dumps(feature, ensure_ascii=False).encode())
        out.write(b"]}")
    return path


def test_upload_cost(client, settings, tmp_path, database_tasks):
    settings.XENAGOS_IMPORT_ROOT = root = tmp_path / "imports"
    root.mkdir()
    client.force_login(get_user_model().objects.get(username="editor-athens"))
    client.raise_request_exception = False  # a 500 (before: a fake GeoPackage) is counted, not raised
    errors = 0

    runs = [post(client, path) for path in rejected_uploads(tmp_path / "rejected")]
    work()
    for run in runs:  # the editor (or an attacker) looks at each
        errors += client.get(f"/admin/imports/{run.uid}/source/").status_code >= 500
    say(
        f"10 rejected uploads: {disk_use(root) / 1e6:.1f} MB left in the import root, "
        f"{len(list(root.iterdir()))} folders; {errors} server errors on their source pages"
    )

    archive = large_zip(tmp_path / "monuments.zip", FEATURES)
    say(
        f"large zip: {archive.stat().st_size / 1e6:.1f} MB, {FEATURES} features, "
        f"{zipfile.ZipFile(archive).infolist()[0].file_size / 1e6:.1f} MB unpacked"
    )
    started = time.perf_counter()
    run = post(client, archive)
    upload_s = time.perf_counter() - started
    started = time.perf_counter()
    work()
    worker_s = time.perf_counter() - started
    seconds = []
    for _ in range(3):
        started = time.perf_counter()
        response = client.get(f"/admin/imports/{run.uid}/source/")
        seconds.append(time.perf_counter() - started)
        assert response.status_code == 200
    say(f"upload request {upload_s:.2f} s; background inspection {worker_s:.2f} s (0 if there is none)")
    say(
        f"source page of the large zip: median {statistics.median(seconds):.3f} s over 3 views "
        f"({', '.join(f'{s:.3f}' for s in seconds)})"
    )
    say(f"import root after the large upload: {disk_use(root) / 1e6:.1f} MB")
