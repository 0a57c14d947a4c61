"""Zips whose headers lie: declared sizes smaller than the data, a bomb declaring small sizes, a bad CRC, a
truncated member or file. Each is a clear error naming the member; nothing is left on disk; the limits hold on the
bytes actually written. The zips are real ones written by zipfile, then patched with struct."""

import struct
import zipfile
from pathlib import Path

import pytest

from importers.archives import ZipLimits, zip_unpack
from importers.errors import UnsafeArchive
from importers.readers import source_open

from .helpers import PLEIADES, greek_grid_shapefile, zip_files, zip_shapefile

LOCAL, CENTRAL = b"PK\x03\x04", b"PK\x01\x02"


def patch_member(path: Path, name: str, *, crc: int | None = None, csize: int | None = None, usize: int | None = None):
    """Rewrite the CRC and sizes of member ``name`` in both its local header and the central directory."""
    data = bytearray(path.read_bytes())
    raw = name.encode()
    for signature, at in ((LOCAL, 14), (CENTRAL, 16)):  # offset of the CRC after the signature's start
        start = 0
        while (start := data.find(signature, start)) >= 0:
            name_at = start + (30 if signature == LOCAL else 46)
            name_length = struct.unpack_from("<H", data, start + (26 if signature == LOCAL else 28))[0]
            if bytes(data[name_at : name_at + name_length]) == raw:
                old_crc, old_csize, old_usize = struct.unpack_from("<III", data, start + at)
                struct.pack_into(
                    "<III",
                    data,
                    start + at,
                    old_crc if crc is None else crc,
                    old_csize if csize is None else csize,
                    old_usize if usize is None else usize,
                )
            start += 4
    path.write_bytes(bytes(data))
    return path


def declared(path: Path, name: str) -> zipfile.ZipInfo:
    with zipfile.ZipFile(path) as archive:
        return archive.getinfo(name)


def unpack_refused(archive: Path, into: Path, match: str, **limits) -> UnsafeArchive:
    with pytest.raises(UnsafeArchive, match=match) as refused:
        zip_unpack(archive, into=into, limits=ZipLimits(**limits) if limits else None)
    assert not into.exists(), "nothing half-written is left"
    return refused.value


def test_a_member_declaring_a_smaller_size_than_its_data_is_refused_by_name(tmp_path):
    content = PLEIADES.read_bytes()
    archive = zip_files(tmp_path / "lying.zip", {"data/pleiades.geojson": content, "b.csv": b"id\n1\n"})
    patch_member(archive, "data/pleiades.geojson", usize=100)
    assert declared(archive, "data/pleiades.geojson").file_size == 100  # the patch took
    unpack_refused(archive, tmp_path / "out", "member 'data/pleiades.geojson' is damaged")


def test_a_bomb_that_declares_small_sizes_writes_no_more_than_it_declares(tmp_path):
    archive = zip_files(tmp_path / "bomb.zip", {"a.geojson": b"{" + b" " * 60_000_000 + b"}"})
    real = declared(archive, "a.geojson")
    assert real.file_size > 50_000_000 and real.compress_size < 200_000
    # headers claim an innocent 2-to-1 ratio, so the checks on the directory pass
    patch_member(archive, "a.geojson", usize=real.compress_size * 2)
    unpack_refused(archive, tmp_path / "out", "member 'a.geojson' is damaged")


def test_the_total_limit_holds_on_the_bytes_written_not_the_headers(tmp_path):
    archive = zip_files(tmp_path / "two.zip", {"a.csv": b"id\n" + b"1\n" * 5000, "b.csv": b"id\n" + b"2\n" * 5000})
    unpack_refused(archive, tmp_path / "out", "unpacks to", max_total_bytes=12_000)


def test_a_bad_crc_is_refused_by_name(tmp_path):
    archive = zip_files(tmp_path / "crc.zip", {"places.geojson": PLEIADES.read_bytes()})
    patch_member(archive, "places.geojson", crc=declared(archive, "places.geojson").CRC ^ 0xFFFF)
    unpack_refused(archive, tmp_path / "out", "member 'places.geojson' is damaged")


def test_a_truncated_member_is_refused_by_name(tmp_path):
    shp = greek_grid_shapefile(tmp_path / "src")
    archive = zip_shapefile(shp, tmp_path / "cut.zip")
    info = declared(archive, "mnimeia.dbf")
    patch_member(archive, "mnimeia.dbf", csize=info.compress_size // 2)  # its compressed data ends half way
    unpack_refused(archive, tmp_path / "out", "member 'mnimeia.dbf' is (damaged or cut short|damaged)")


def test_a_stored_member_cut_short_is_refused_by_name(tmp_path):
    archive = tmp_path / "stored.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as writer:
        writer.writestr("places.geojson", PLEIADES.read_bytes())
    patch_member(archive, "places.geojson", csize=100)
    unpack_refused(archive, tmp_path / "out", "member 'places.geojson' is damaged")


def test_an_upload_cut_short_is_not_a_readable_zip(tmp_path):
    archive = zip_files(tmp_path / "half.zip", {"places.geojson": PLEIADES.read_bytes()})
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(UnsafeArchive, match=r"^half.zip: not a readable zip file \(File is not a zip file\)$"):
        with source_open(archive):
            pass


def test_a_corrupt_deflate_stream_is_refused_by_name(tmp_path):
    archive = zip_files(tmp_path / "noise.zip", {"places.geojson": PLEIADES.read_bytes()})
    data = bytearray(archive.read_bytes())
    start = data.find(LOCAL) + 30 + len("places.geojson")
    data[start + 10 : start + 60] = bytes(range(50))  # noise in the middle of the compressed data
    archive.write_bytes(bytes(data))
    unpack_refused(archive, tmp_path / "out", "member 'places.geojson' is damaged")


@pytest.mark.parametrize("patch", [{"usize": 100}, {"crc": 1}, {"csize": "half"}])
def test_source_open_names_the_file_and_member_only(tmp_path, patch):
    archive = zip_files(tmp_path / "lies.zip", {"in/places.geojson": PLEIADES.read_bytes()})
    if patch.get("csize") == "half":
        patch = {"csize": declared(archive, "in/places.geojson").compress_size // 2}
    patch_member(archive, "in/places.geojson", **patch)
    with pytest.raises(UnsafeArchive) as refused:
        with source_open(archive, display_name="Μνημεία.zip"):
            pass
    message = str(refused.value)
    assert message.startswith("Μνημεία.zip: member 'in/places.geojson' is damaged")
    assert str(tmp_path) not in message and "/tmp" not in message
