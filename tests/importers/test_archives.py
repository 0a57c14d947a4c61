"""Uploaded zips are unpacked within limits, inside the work folder only, and only the expected files."""

import stat
import zipfile

import pytest

from importers.archives import ZipLimits, zip_unpack
from importers.errors import UnsafeArchive, UnsafeInput
from importers.readers import source_open

from .helpers import greek_grid_shapefile, zip_files, zip_shapefile


def test_zip_bomb_is_refused_before_unpacking(tmp_path):
    bomb = zip_files(tmp_path / "bomb.zip", {"a.geojson": b"{" + b" " * 50_000_000 + b"}"})
    assert bomb.stat().st_size < 200_000
    with pytest.raises(UnsafeArchive, match=r"bomb.zip: compressed \d+ to 1"):
        with source_open(bomb):
            pass
    assert not list(tmp_path.glob("**/a.geojson"))


def test_total_size_and_member_count_limits(tmp_path):
    archive = zip_files(tmp_path / "big.zip", {f"{i}.csv": b"id\n1\n" for i in range(5)})
    with pytest.raises(UnsafeArchive, match="5 members; at most 3"):
        zip_unpack(archive, into=tmp_path / "out", limits=ZipLimits(max_members=3))
    with pytest.raises(UnsafeArchive, match="unpacks to"):
        zip_unpack(archive, into=tmp_path / "out", limits=ZipLimits(max_total_bytes=10))


@pytest.mark.parametrize("name", ["../../evil.shp", "/etc/evil.shp", "data/../../evil.shp", "C:/evil.shp"])
def test_paths_outside_the_work_folder_are_refused(tmp_path, name):
    archive = zip_files(tmp_path / "escape.zip", {name: b"\x00\x00\x27\x0a"})
    with pytest.raises(UnsafeArchive, match="outside the work folder"):
        with source_open(archive):
            pass
    assert not (tmp_path.parent / "evil.shp").exists()


def test_symbolic_links_are_refused(tmp_path):
    archive = tmp_path / "link.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        info = zipfile.ZipInfo("passwd.geojson")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        handle.writestr(info, "/etc/passwd")
    with pytest.raises(UnsafeArchive, match="symbolic link"):
        with source_open(archive):
            pass


def test_unexpected_members_are_not_unpacked(tmp_path):
    shp = greek_grid_shapefile(tmp_path / "src")
    archive = zip_shapefile(shp, tmp_path / "with_extra.zip")
    with zipfile.ZipFile(archive, "a") as handle:
        handle.writestr("run.sh", "rm -rf /")
        handle.writestr("layer.vrt", "<OGRVRTDataSource/>")
    with source_open(archive) as source:
        assert source.info.feature_count == 3
        assert any("run.sh" in note and "layer.vrt" in note for note in source.info.notes)


def test_a_zip_without_gis_files(tmp_path):
    archive = zip_files(tmp_path / "docs.zip", {"readme.txt": b"hello"})
    with pytest.raises(Exception, match="docs.zip: the zip holds no shapefile"):
        with source_open(archive):
            pass


def test_not_a_zip_although_named_so(tmp_path):
    path = tmp_path / "fake.zip"
    path.write_text("<OGRVRTDataSource/>")
    with pytest.raises(UnsafeInput, match="fake.zip: the content is not a zip"):
        with source_open(path):
            pass
