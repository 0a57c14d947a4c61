"""manage.py backup / restore: a round trip through a fresh database and an empty media store on the same cluster.

Transactional: pg_dump and pg_restore are other processes and see only committed data.
"""

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.management import CommandError, call_command
from django.db import connection
from PIL import Image as PillowImage
from psycopg import sql
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection

from tests.tiles.helpers import DATA
from tests.tiles.test_s3_storage import BUCKET, CREDENTIALS, s3_endpoint  # noqa: F401  (a local S3 server)
from tiles import selectors as tile_selectors
from tiles.models import RasterLayer
from tiles.services import layer_upsert_from_file
from tiles.storage import readers
from xenagos.backup import (
    DUMP_MEMBER,
    ArchiveCorrupt,
    BackupError,
    Database,
    TargetNotEmpty,
    backup_create,
    backup_restore,
)

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(django_settings.BASE_DIR)
DATA_TILE = (12, 1650, 2139)  # a zoom-12 tile of the Olinda scene (tests/tiles)
PLACES_CHECKSUM = (
    "SELECT md5(string_agg(convert_to(uid::text, 'UTF8') || ST_AsEWKB(location)"
    " || coalesce(ST_AsEWKB(footprint), ''::bytea), ''::bytea ORDER BY uid)),"
    " count(*) FROM xgis_place"
)


def database(name: str | None = None) -> Database:
    """The test database, or another one on the same cluster."""
    return Database.from_settings({**connection.settings_dict, **({"NAME": name} if name else {})})


@pytest.fixture
def empty_database():
    """A new, empty database on the project's cluster (template0: no extensions), dropped afterwards."""
    name = connection.settings_dict["NAME"] + "_restored"
    with database().connect(autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
    yield database(name)
    with database().connect(autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def managed_database():
    """An empty database owned by a user who is not a superuser, as on a managed service; dropped afterwards."""
    name, role = connection.settings_dict["NAME"] + "_managed", "xenagos_restorer"
    drop = [
        sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)),
        sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)),
    ]
    with database().connect(autocommit=True) as admin:
        for statement in drop:
            admin.execute(statement)
        admin.execute(sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER PASSWORD 'restorer-pw'").format(sql.Identifier(role)))
        admin.execute(
            sql.SQL("CREATE DATABASE {} OWNER {} TEMPLATE template0").format(sql.Identifier(name), sql.Identifier(role))
        )
    yield Database.from_settings({**connection.settings_dict, "NAME": name, "USER": role, "PASSWORD": "restorer-pw"})
    with database().connect(autocommit=True) as admin:
        for statement in drop:
            admin.execute(statement)


@pytest.fixture
def media(settings, tmp_path):
    """Media in a temporary MEDIA_ROOT; open tile archive readers are forgotten afterwards."""
    settings.MEDIA_ROOT = tmp_path / "media"
    yield settings.MEDIA_ROOT
    readers.clear()


def quiet(line: str) -> None:
    """Progress is not looked at here."""


def table_rows(db: Database) -> dict[str, int]:
    """Every table of the public schema and its number of rows."""
    with db.connect() as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            ).fetchall()
        ]
        return {
            table: conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()[0]
            for table in tables
        }


def places_checksum(db: Database) -> tuple[str, int]:
    with db.connect() as conn:
        return conn.execute(PLACES_CHECKSUM).fetchone()


def files_of(*folders: Path) -> dict[str, str]:
    """SHA-256 of every file under the folders, by path relative to its folder."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for folder in folders
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def environment(db: Database, media_root: Path) -> dict[str, str]:
    """The environment of a manage.py run against ``db`` and ``media_root``."""
    url = urlsplit(os.environ["DATABASE_URL"])
    return {
        **os.environ,
        "DATABASE_URL": urlunsplit(url._replace(path=f"/{db.name}")),
        "MEDIA_ROOT": str(media_root),
        "DJANGO_SETTINGS_MODULE": "xenagos.settings.test",
    }


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def add_media(settings, tmp_path) -> dict[str, str]:
    """An image with a rendition, a document, a built tile layer, and a file in a separate tile storage; the URL of
    one of the layer's tiles."""
    pixels = PillowImage.linear_gradient("L").resize((64, 48)).convert("RGB")
    buffer = io.BytesIO()
    pixels.save(buffer, format="PNG")
    image = Image.objects.create(
        title="Πύλη", file=ImageFile(buffer, name="pyli.png"), collection=Collection.objects.get(name="Athens")
    )
    rendition = image.get_rendition("fill-40x30")
    Document.objects.create(title="Κανονισμός", file=ContentFile(b"%PDF-1.4\n% regulations\n", name="kanonismos.pdf"))
    layer = layer_upsert_from_file(slug="olinda-landsat", source=DATA / "l7_etms_rgb.tif", workers=1).layer
    RasterLayer.objects.filter(pk=layer.pk).update(published=True)  # served to anonymous visitors
    # Then a tile storage of its own, apart from MEDIA_ROOT: a restore without one puts its files in the default.
    settings.STORAGES = {
        **settings.STORAGES,
        "tiles": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "tiles"},
        },
    }
    from django.core.files.storage import storages

    storages["tiles"].save("tiles/archives/extra.pmtiles", ContentFile(os.urandom(20_000)))
    template = tile_selectors.tile_url_template(slug=layer.slug, version=layer.version, tile_format="png")
    assert rendition.file.name.startswith("images/")
    return {"tile": template.format(z=DATA_TILE[0], x=DATA_TILE[1], y=DATA_TILE[2])}


FETCH = """
import json
from django.test import Client
client = Client()
page = client.get("/el/places/akropoli-athinon/", HTTP_HOST="athens.localhost")
lazy = client.get("/en/places/p/{uid}/", HTTP_HOST="athens.localhost")
tile = client.get("{tile}")
print(json.dumps({{
    "page": [page.status_code, "Ακρόπολη Αθηνών" in page.content.decode()],
    "lazy": [lazy.status_code, "Parthenon" in lazy.content.decode()],
    "tile": [tile.status_code, tile.get("Content-Type")],
}}))
"""


def test_round_trip_restores_every_row_place_and_file(settings, media, tmp_path, empty_database):
    from gis.models import Place

    urls = add_media(settings, tmp_path)
    source = database()
    rows, checksum = table_rows(source), places_checksum(source)
    files = files_of(media, tmp_path / "tiles")
    assert rows["xgis_place"] >= 18 and rows["wagtailimages_rendition"] == 1 and rows["tiles_rasterlayer"] == 1
    assert len(files) >= 5 and "tiles/archives/extra.pmtiles" in files and any(n.endswith(".pmtiles") for n in files)

    archive = tmp_path / "xenagos.tar.gz"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert archive.is_file() and not archive.with_name(archive.name + ".partial").exists()
    assert archive.stat().st_mode & 0o777 == 0o600
    assert "media: " in out.getvalue() and "Backup written to" in out.getvalue()
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert names[0] == DUMP_MEMBER and names[-1] == "manifest.json"
    assert manifest["database"]["postgis"].startswith("3.") and manifest["wagtail"] and manifest["django"]
    assert {entry["name"] for entry in manifest["database"]["extensions"]} >= {"postgis", "unaccent"}
    assert {f"{e['storage']}:{e['name']}" for e in manifest["media"]} >= {"tiles:tiles/archives/extra.pmtiles"}
    assert all(len(entry["sha256"]) == 64 for entry in manifest["media"])

    # PostGIS created beforehand (as on a managed database), unaccent left to the restore.
    with empty_database.connect(autocommit=True) as conn:
        conn.execute("CREATE EXTENSION postgis")
    restored_media = tmp_path / "restored-media"
    env = environment(empty_database, restored_media)
    result = manage("restore", str(archive), env=env)
    assert result.returncode == 0, result.stderr
    assert "Restored the backup of" in result.stdout

    assert table_rows(empty_database) == rows
    assert places_checksum(empty_database) == checksum
    assert files_of(restored_media) == files

    uid = Place.objects.get(pleiades="168254096").uid  # the Parthenon, served from its record
    fetched = manage("shell", "-c", FETCH.format(uid=uid, **urls), env=env)
    assert fetched.returncode == 0, fetched.stderr
    assert json.loads(fetched.stdout.strip().splitlines()[-1]) == {
        "page": [200, True],
        "lazy": [200, True],
        "tile": [200, "image/png"],
    }


def test_damaged_archive_and_non_empty_targets_are_refused(settings, media, tmp_path, empty_database):
    from django.core.files.storage import storages

    storages["default"].save("documents/a.txt", ContentFile(b"a document"))
    archive = tmp_path / "xenagos.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    target = {"default": storages["default"].__class__(location=tmp_path / "restored")}

    # into the test database, which is not empty: refused before anything is read or written
    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore", str(archive), stdout=io.StringIO())
    # into an empty database but a media store that holds a file
    with pytest.raises(TargetNotEmpty, match="media storage 'default' is not empty"):
        backup_restore(path=archive, database=empty_database, media={"default": storages["default"]}, progress=quiet)

    with tarfile.open(archive) as tar:
        dump = tar.getmember(DUMP_MEMBER)
    damaged = tmp_path / "damaged.tar"
    data = bytearray(archive.read_bytes())
    data[dump.offset_data + dump.size // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    with pytest.raises(ArchiveCorrupt, match=r"damaged: the checksum of database\.dump does not match"):
        backup_restore(path=damaged, database=empty_database, media=target, progress=quiet)
    data = bytearray(archive.read_bytes())
    next_header = dump.offset_data + -(-dump.size // tarfile.BLOCKSIZE) * tarfile.BLOCKSIZE
    data[next_header + 10] ^= 0xFF  # inside the next member's tar header (its name: the checksum fails)
    damaged.write_bytes(bytes(data))
    with pytest.raises(ArchiveCorrupt, match="is damaged"):  # tarfile ends the archive at a bad header
        backup_restore(path=damaged, database=empty_database, media=target, progress=quiet)
    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(archive.read_bytes()[: dump.offset_data + dump.size + 2048])
    with pytest.raises(ArchiveCorrupt, match="is damaged"):
        backup_restore(path=truncated, database=empty_database, media=target, progress=quiet)

    assert table_rows(empty_database) == {}  # nothing restored
    assert files_of(tmp_path / "restored") == {}


def test_restore_as_a_user_without_superuser_rights(settings, media, tmp_path, managed_database):
    """A managed database: the user owns the database but may not create PostGIS nor write spatial_ref_sys."""
    from django.core.files.storage import FileSystemStorage

    FileSystemStorage(location=media).save("documents/a.txt", ContentFile(b"a document"))
    archive = tmp_path / "xenagos.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    rows = table_rows(database())
    target = {"default": FileSystemStorage(location=tmp_path / "restored")}
    with pytest.raises(
        BackupError, match=r'Ask an administrator to run, in that database: .*EXTENSION IF NOT EXISTS "postgis"'
    ):
        backup_restore(path=archive, database=managed_database, media=target, progress=quiet)
    assert table_rows(managed_database) == {}

    with Database.from_settings({**connection.settings_dict, "NAME": managed_database.name}).connect() as admin:
        admin.execute("CREATE EXTENSION postgis")
        admin.execute("CREATE EXTENSION unaccent")
        # not a table, so the database counts as empty; but the dump creates it too, so pg_restore fails late
        admin.execute("CREATE TEXT SEARCH CONFIGURATION xenagos_el (COPY = greek)")
        admin.commit()
    with pytest.raises(BackupError, match=r"pg_restore failed: .*\(xenagos_el, \d+\) already exists"):
        backup_restore(path=archive, database=managed_database, media=target, progress=quiet)
    assert set(table_rows(managed_database)) == {"spatial_ref_sys"}  # PostGIS' own table only: nothing restored
    assert files_of(tmp_path / "restored") == {}  # the media file written before pg_restore failed: deleted
    assert (tmp_path / "restored" / "documents").is_dir()  # (its folder stays: it was written)

    with Database.from_settings({**connection.settings_dict, "NAME": managed_database.name}).connect() as admin:
        admin.execute("DROP TEXT SEARCH CONFIGURATION xenagos_el")
        admin.commit()
    backup_restore(path=archive, database=managed_database, media=target, progress=quiet)
    assert table_rows(managed_database) == rows
    assert files_of(tmp_path / "restored") == files_of(media)
    with managed_database.connect() as conn:
        assert conn.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'xgis_place'").fetchone() == (
            "xenagos_restorer",
        )


@pytest.mark.django_db  # fails before it needs committed data
def test_a_failed_backup_leaves_no_archive(settings, media, tmp_path):
    media.mkdir(parents=True, exist_ok=True)
    (media / "images").mkdir()
    (media / "images" / "gone.png").symlink_to(tmp_path / "nowhere.png")  # listed, but cannot be read
    archive = tmp_path / "xenagos.tar"
    with pytest.raises(CommandError, match="Cannot read the media file default:images/gone.png"):
        call_command("backup", str(archive), stdout=io.StringIO())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["media"]
    archive.write_bytes(b"an older backup")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(archive), stdout=io.StringIO())
    assert archive.read_bytes() == b"an older backup"


def test_media_on_s3_are_backed_up_and_restored_through_the_storage_api(
    s3_endpoint,  # noqa: F811  (the fixture imported above)
    tmp_path,
    empty_database,
):
    from storages.backends.s3 import S3Storage

    endpoint, s3 = s3_endpoint

    def bucket(location: str) -> S3Storage:
        return S3Storage(
            bucket_name=BUCKET,
            endpoint_url=endpoint,
            access_key=CREDENTIALS["aws_access_key_id"],
            secret_key=CREDENTIALS["aws_secret_access_key"],
            region_name=CREDENTIALS["region_name"],
            location=location,
        )

    source, target = bucket("media-source"), bucket("media-restored")
    contents = {
        "images/pyli.png": b"\x89PNG\r\n\x1a\n" + os.urandom(1000),
        "documents/κανονισμός.pdf": b"%PDF-1.4\n",
        "tiles/archives/big.pmtiles": os.urandom(3 * 1024 * 1024 + 7),  # several reads of 1 MiB
    }
    for name, data in contents.items():
        assert source.save(name, ContentFile(data)) == name
    archive = tmp_path / "xenagos.tar.xz"
    manifest = backup_create(path=archive, database=database(), media={"default": source}, progress=quiet)
    assert sorted(entry["name"] for entry in manifest["media"]) == sorted(contents)

    backup_restore(path=archive, database=empty_database, media={"default": target}, progress=quiet)
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix="media-restored/")["Contents"]
    assert sorted(item["Key"].removeprefix("media-restored/") for item in listed) == sorted(contents)
    for name, data in contents.items():
        with target.open(name, "rb") as handle:
            assert handle.read() == data
    restored, count = places_checksum(empty_database)
    assert (restored, count) == places_checksum(database()) and count >= 18
