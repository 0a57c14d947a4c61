"""Benchmark: our full tile pyramid (tiles.build.build_pyramid) against GDAL's gdal2tiles on the same input.

Not part of the test suite; it decides nothing. It prints tiles per second for both, their ratio, and the peak
memory of each (the sum of the resident memory of the process and its worker processes, sampled every 20 ms).

Input (made in a temporary folder from the real rasters the tests use):
  hillshade  Olinda's 90 m DEM (Float32, UTM 25 S) resampled bilinearly to SIZE × SIZE, shaded by
             tiles.hillshade (same formula as gdaldem): one 8-bit band with nodata.
  landsat    the Landsat 7 RGB scene of Olinda (EPSG:31985) resampled bilinearly to SIZE × SIZE: three bands.
Both tools tile the same GeoTIFF with the same resampling: gdal2tiles --xyz -r average --exclude --processes=N,
and ours with N worker processes (area-weighted average warp). Run from the repository root:

    .venv/bin/python bench/tiles_vs_gdal2tiles.py [--input hillshade|landsat] [--size 8192] [--processes 2] [--repeat 3]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pyproj
import rasterio
from affine import Affine
from rasterio.enums import Resampling

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "tiles" / "data"
OURS = """
import json, sys
from tiles.build import build_pyramid
result = build_pyramid(sys.argv[1], sys.argv[2], workers=int(sys.argv[3]))
print(json.dumps({"tiles": result.tiles_written, "zooms": result.zooms}))
"""


def make_input(kind: str, size: int, folder: Path) -> Path:
    """The benchmark raster, SIZE × SIZE pixels, resampled up from a real raster."""
    sys.path.insert(0, str(ROOT))
    source = DATA / ("olinda_dem_utm25s.tif" if kind == "hillshade" else "l7_etms_rgb.tif")
    with rasterio.open(source) as src:
        pixels = src.read(out_shape=(src.count, size, size), resampling=Resampling.bilinear)
        profile = src.profile | {"width": size, "height": size, "tiled": True, "blockxsize": 512, "blockysize": 512}
        profile.update(transform=src.transform @ Affine.scale(src.width / size, src.height / size), compress="deflate")
    upsampled = folder / f"{kind}-{size}-source.tif"
    with rasterio.open(upsampled, "w", **profile) as dst:
        dst.write(pixels)
    if kind != "hillshade":
        return upsampled
    from tiles.hillshade import hillshade_from_dem

    return hillshade_from_dem(upsampled, folder / f"hillshade-{size}.tif")


def tree_rss_kib(pid: int) -> int:
    """Resident memory (KiB) of ``pid`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry))
            except (OSError, IndexError):
                continue
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        stack.extend(children.get(current, []))
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def run(command: list[str], env: dict | None = None) -> tuple[float, int, str]:
    """Run ``command``; return wall seconds, peak process-tree RSS in MiB, and its standard output."""
    peak = [0]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss_kib(process.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode:
        raise SystemExit(f"{command[0]} failed:\n{err}")
    return seconds, peak[0] // 1024, out


def count_tiles(folder: Path) -> int:
    return sum(1 for _ in folder.glob("*/*/*.png"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", choices=["hillshade", "landsat"], default="hillshade")
    parser.add_argument("--size", type=int, default=8192)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each tool, alternated; the best time counts")
    args = parser.parse_args()
    gdal2tiles = shutil.which("gdal2tiles.py") or shutil.which("gdal2tiles")
    if not gdal2tiles:
        raise SystemExit("gdal2tiles not found: install Debian's gdal-bin")
    with tempfile.TemporaryDirectory(prefix="bench-tiles-") as work:
        work = Path(work)
        source = make_input(args.input, args.size, work)
        with rasterio.open(source) as src:
            crs = pyproj.CRS.from_wkt(src.crs.to_wkt()).name
            described = f"{src.width} × {src.height} px, {src.count} band(s) {src.dtypes[0]}, {crs}"
        print(f"input: {args.input} ({described}), {source.stat().st_size / 2**20:.1f} MiB")
        source.read_bytes()  # both tools start with the input in the page cache
        env = {k: v for k, v in os.environ.items() if k not in {"GDAL_DATA", "PROJ_LIB", "PROJ_DATA", "PYTHONPATH"}}
        their_runs, our_runs = [], []
        for attempt in range(args.repeat):  # alternate the two, so a busy moment does not favour either
            shutil.rmtree(work / "gdal2tiles", ignore_errors=True)
            (work / "ours.pmtiles").unlink(missing_ok=True)
            their_runs.append(
                run(
                    [
                        gdal2tiles,
                        "--xyz",
                        "-r",
                        "average",
                        "--exclude",
                        "--webviewer=none",
                        "-q",
                        f"--processes={args.processes}",
                        str(source),
                        str(work / "gdal2tiles"),
                    ],
                    env=env,
                )  # fmt: skip
            )
            their_tiles = count_tiles(work / "gdal2tiles")
            our_runs.append(
                run(
                    [sys.executable, "-c", OURS, str(source), str(work / "ours.pmtiles"), str(args.processes)],
                    env={**os.environ, "PYTHONPATH": str(ROOT)},
                )
            )
            ours = json.loads(our_runs[-1][2].strip().splitlines()[-1])
            print(f"  run {attempt + 1}: gdal2tiles {their_runs[-1][0]:.2f} s, ours {our_runs[-1][0]:.2f} s")
    their_seconds, their_mib = min(r[0] for r in their_runs), max(r[1] for r in their_runs)
    our_seconds, our_mib = min(r[0] for r in our_runs), max(r[1] for r in our_runs)
    our_rate, their_rate = ours["tiles"] / our_seconds, their_tiles / their_seconds
    print(
        f"zooms {ours['zooms'][0]}-{ours['zooms'][1]}, {args.processes} processes each, resampling: average; "
        f"best of {args.repeat} run(s), peak memory the highest seen"
    )
    print(f"ours (PMTiles):       {ours['tiles']:6d} tiles in {our_seconds:7.2f} s = {our_rate:8.1f} tiles/s, "
          f"peak memory {our_mib} MiB")  # fmt: skip
    print(f"gdal2tiles (folder):  {their_tiles:6d} tiles in {their_seconds:7.2f} s = {their_rate:8.1f} tiles/s, "
          f"peak memory {their_mib} MiB")  # fmt: skip
    print(f"ratio (ours / gdal2tiles, tiles per second): {our_rate / their_rate:.2f}x")
    if ours["tiles"] != their_tiles:
        print(f"note: the tile counts differ ({ours['tiles']} vs {their_tiles})")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
