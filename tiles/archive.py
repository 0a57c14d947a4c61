"""Where tiles go and how they are read back: a single-file PMTiles archive (the ``pmtiles`` package's writer and
reader) or a plain ``{z}/{x}/{y}.{ext}`` folder with a ``metadata.json``.

Tiles arrive in whatever order the worker processes finish; the PMTiles sink spools them to a temporary file and
hands them to the writer in tile-id order, so the archive is clustered and the same input gives the same bytes.
Both sinks write next to the target and move into place only when complete: a failed build leaves nothing partial.
"""

import json
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from pmtiles.reader import MmapSource, Reader
from pmtiles.tile import Compression, TileType, deserialize_header, zxy_to_tileid
from pmtiles.writer import Writer

from .errors import ArchiveError

TILE_TYPES = {"png": TileType.PNG, "webp": TileType.WEBP}
METADATA_FILE = "metadata.json"


class PMTilesSink:
    """Collects encoded tiles and writes them as one PMTiles v3 archive at ``path`` on ``finish``."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._spool = tempfile.TemporaryFile(dir=self.path.parent, prefix=".tiles-spool-")
        self._index: dict[int, tuple[int, int]] = {}
        self._offset = 0
        self.count = 0

    def add(self, z: int, x: int, y: int, data: bytes) -> None:
        """Keep one encoded tile."""
        self._spool.write(data)
        self._index[zxy_to_tileid(z, x, y)] = (self._offset, len(data))
        self._offset += len(data)
        self.count += 1

    def finish(self, *, metadata: dict, tile_format: str, bounds: tuple[float, float, float, float]) -> Path:
        """Write the archive (tiles in tile-id order; ``bounds`` W, S, E, N in EPSG:4326 degrees), move it in place."""
        if not self._index:
            raise ArchiveError("no tile holds any data", path=self.path)
        west, south, east, north = bounds
        zooms = [int(z) for z in (metadata["minzoom"], metadata["maxzoom"])]
        header = {
            "tile_type": TILE_TYPES[tile_format],
            "tile_compression": Compression.NONE,
            "min_lon_e7": round(west * 1e7),
            "min_lat_e7": round(south * 1e7),
            "max_lon_e7": round(east * 1e7),
            "max_lat_e7": round(north * 1e7),
            "center_zoom": zooms[0],
            "center_lon_e7": round((west + east) / 2 * 1e7),
            "center_lat_e7": round((south + north) / 2 * 1e7),
        }
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".tiles-", suffix=".pmtiles")
        try:
            with os.fdopen(handle, "wb") as out:
                writer = Writer(out)
                for tile_id in sorted(self._index):
                    offset, length = self._index[tile_id]
                    self._spool.seek(offset)
                    writer.write_tile(tile_id, self._spool.read(length))
                writer.finalize(header, metadata)
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        finally:
            self._spool.close()
        return self.path

    def abort(self) -> None:
        """Drop what was collected."""
        self._spool.close()


class FolderSink:
    """Writes tiles as ``{z}/{x}/{y}.{ext}`` into a hidden folder that replaces ``path`` on ``finish``."""

    def __init__(self, path: Path, extension: str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._work = Path(tempfile.mkdtemp(dir=self.path.parent, prefix=".tiles-"))
        self.extension = extension
        self.count = 0

    def add(self, z: int, x: int, y: int, data: bytes) -> None:
        """Write one encoded tile."""
        folder = self._work / str(z) / str(x)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{y}.{self.extension}").write_bytes(data)
        self.count += 1

    def finish(self, *, metadata: dict, tile_format: str, bounds: tuple[float, float, float, float]) -> Path:
        """Write ``metadata.json`` and move the folder into place (replacing an older one)."""
        if not self.count:
            self.abort()
            raise ArchiveError("no tile holds any data", path=self.path)
        (self._work / METADATA_FILE).write_text(json.dumps(metadata, indent=1, sort_keys=True))
        old = None
        if self.path.exists():
            old = self.path.with_name(f".{self.path.name}.old-{os.getpid()}")
            os.replace(self.path, old)
        os.replace(self._work, self.path)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return self.path

    def abort(self) -> None:
        """Remove what was written."""
        shutil.rmtree(self._work, ignore_errors=True)


def existing_build_key(path: Path) -> str | None:
    """The build key recorded in an archive or tile folder at ``path``, or None when there is none to read."""
    path = Path(path)
    try:
        if path.is_dir():
            return json.loads((path / METADATA_FILE).read_text()).get("xenagos:build_key")
        if path.is_file():
            with path.open("rb") as handle:
                return Reader(MmapSource(handle)).metadata().get("xenagos:build_key")
    except Exception:  # an unreadable archive or folder is simply rebuilt
        return None
    return None


class ArchiveReader:
    """Reads tiles from a PMTiles archive through ``get_bytes(offset, length)``, keeping its header and
    directories (everything before the tile data) in memory, so a tile costs one ranged read."""

    def __init__(self, get_bytes: Callable[[int, int], bytes], *, name: str = ""):
        self._get_bytes = get_bytes
        self._cache: dict[tuple[int, int], bytes] = {}
        self._lock = threading.Lock()
        try:
            self.header = deserialize_header(get_bytes(0, 127))
        except Exception as error:  # the pmtiles package raises plain exceptions for bad headers
            raise ArchiveError(f"not a PMTiles v3 archive ({error!r})", path=name) from error
        self._reader = Reader(self._read)

    def _read(self, offset: int, length: int) -> bytes:
        if offset >= self.header["tile_data_offset"]:
            return self._get_bytes(offset, length)
        key = (offset, length)
        with self._lock:
            if key not in self._cache:
                self._cache[key] = bytes(self._get_bytes(offset, length))
            return self._cache[key]

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """The encoded tile z/x/y (XYZ numbering), or None where the archive has none."""
        if not self.header["min_zoom"] <= z <= self.header["max_zoom"] or not (0 <= x < 2**z and 0 <= y < 2**z):
            return None
        data = self._reader.get(z, x, y)
        return bytes(data) if data else None

    def metadata(self) -> dict:
        """The archive's JSON metadata."""
        return self._reader.metadata()
