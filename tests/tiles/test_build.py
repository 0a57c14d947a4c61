"""The tile build on small real and generated rasters: positions, transparency, archive, incremental, formats."""

import numpy as np
import pytest
from affine import Affine
from morecantile import Tile
from pmtiles.reader import MmapSource, Reader
from pmtiles.tile import TileType
from rasterio.control import GroundControlPoint
from rasterio.warp import transform as transform_points

from tests.tiles.helpers import DATA, decode, greek_grid_raster, read_folder, read_pmtiles, write_tif
from tiles.build import build_pyramid, parse_zoom_range
from tiles.errors import BadBuildOptions
from tiles.source import TMS

SYNTAGMA_AREA = (476000.0, 4205000.0)  # EPSG:2100 check point -> 37.9949356 N, 23.7283669 E


def tile_pixel(lon: float, lat: float, zoom: int) -> tuple[Tile, float, float]:
    """The tile of zoom ``zoom`` holding (lon, lat) EPSG:4326 and the point's column/row inside it."""
    tile = TMS.tile(lon, lat, zoom)
    left, _bottom, _right, top = TMS.xy_bounds(tile)
    x, y = TMS.xy(lon, lat)
    res = TMS.matrix(zoom).cellSize
    return tile, (x - left) / res, (top - y) / res


def test_a_known_pixel_lands_in_the_right_tile(tmp_path):
    """A bright 10 m pixel at E 476000, N 4205000 (EPSG:2100) shows at 37.9949356 N, 23.7283669 E."""
    source = greek_grid_raster(tmp_path / "spot.tif", spot=SYNTAGMA_AREA)
    [lon], [lat] = transform_points("EPSG:2100", "EPSG:4326", [SYNTAGMA_AREA[0]], [SYNTAGMA_AREA[1]])
    assert (round(lat, 6), round(lon, 6)) == (37.994936, 23.728367)
    result = build_pyramid(source, tmp_path / "spot.pmtiles", zooms=(14, 17), workers=1)
    tiles = read_pmtiles(result.path)
    assert result.tiles_written == len(tiles) and {z for z, _x, _y in tiles} == {14, 15, 16, 17}
    tile, column, row = tile_pixel(lon, lat, 17)
    pixels = decode(tiles[(17, tile.x, tile.y)])
    rows, columns = np.nonzero(pixels[..., 0] > 200)  # the 10 m pixel covers about 10 × 10 zoom-17 pixels
    assert 80 < len(rows) < 130
    centre = (rows.mean() + 0.5, columns.mean() + 0.5)
    assert abs(centre[0] - row) < 1.0 and abs(centre[1] - column) < 1.0, (centre, row, column)
    assert (pixels[..., -1] == 255).all()  # the tile lies inside the raster: opaque


def test_outside_the_data_is_transparent_and_empty_tiles_are_not_written(tmp_path):
    """A raster rotated 30° leaves the corners of its bounding box empty: those tiles are absent, and pixels
    outside the rotated footprint are fully transparent."""
    pixels = np.full((3, 200, 200), 180, dtype=np.uint8)
    rotated = Affine(10, 0, 470000, 0, -10, 4210000) @ Affine.rotation(30)
    source = write_tif(tmp_path / "rotated.tif", pixels, transform=rotated)
    result = build_pyramid(source, tmp_path / "rotated.pmtiles", zooms=(13, 16), workers=1)
    tiles = read_pmtiles(result.path)
    decoded = {key: decode(data) for key, data in tiles.items()}
    assert all(p[..., -1].any() for p in decoded.values()), "a wholly transparent tile was written"
    deepest = [key for key in tiles if key[0] == 16]
    xs, ys = [x for _z, x, _y in deepest], [y for _z, _x, y in deepest]
    box = (max(xs) - min(xs) + 1) * (max(ys) - min(ys) + 1)
    assert len(deepest) < box, "the empty corners of the rotated footprint should have no tiles"
    alpha = np.concatenate([p[..., -1].ravel() for p in decoded.values()])
    assert (alpha == 0).any() and (alpha == 255).any()
    opaque = np.concatenate([p[p[..., -1] == 255][:, :3] for p in decoded.values()])
    assert (opaque == 180).all()


def test_nodata_becomes_transparent(tmp_path):
    pixels = np.full((1, 64, 64), 90, dtype=np.uint8)
    pixels[0, :, :32] = 0
    source = write_tif(tmp_path / "half.tif", pixels, transform=Affine(10, 0, 476000, 0, -10, 4205000), nodata=0)
    tiles = read_pmtiles(build_pyramid(source, tmp_path / "half.pmtiles", workers=1).path)
    assert tiles
    for data in tiles.values():
        pixels = decode(data)
        assert pixels.shape[-1] == 2  # grey + alpha
        assert (pixels[pixels[..., 1] == 255][:, 0] == 90).all()  # no nodata value leaks into opaque pixels


def test_ground_control_points_give_the_same_tiles_as_the_geotransform(tmp_path):
    """A scan georeferenced with 5 GCPs lying on an affine map matches the same pixels with that geotransform."""
    source = DATA / "l7_etms_rgb.tif"
    with_transform = build_pyramid(source, tmp_path / "affine.pmtiles", workers=1)
    import rasterio

    with rasterio.open(source) as src:
        pixels, crs, affine = src.read(), src.crs, src.transform
    corners = [(0, 0), (348, 0), (0, 351), (348, 351), (170, 170)]
    gcps = [GroundControlPoint(row=r, col=c, x=(affine @ (c, r))[0], y=(affine @ (c, r))[1]) for c, r in corners]
    scan = write_tif(tmp_path / "scan.tif", pixels, crs=crs, gcps=gcps, photometric="RGB")
    with_gcps = build_pyramid(scan, tmp_path / "gcps.pmtiles", workers=1)
    a, b = read_pmtiles(with_transform.path), read_pmtiles(with_gcps.path)
    assert a.keys() == b.keys() and with_gcps.zooms == with_transform.zooms == (11, 12)
    difference = np.concatenate([np.abs(decode(a[k]).astype(int) - decode(b[k])).ravel() for k in a])
    assert difference.mean() < 0.05


def test_the_archive_reads_back_with_the_pmtiles_reader(tmp_path):
    result = build_pyramid(DATA / "l7_etms_rgb.tif", tmp_path / "l7.pmtiles", workers=1, name="l7")
    with result.path.open("rb") as handle:
        reader = Reader(MmapSource(handle))
        header, metadata = reader.header(), reader.metadata()
        assert header["tile_type"] == TileType.PNG and header["clustered"]
        assert (header["min_zoom"], header["max_zoom"]) == (11, 12)
        assert header["addressed_tiles_count"] == result.tiles_written == 5
        assert -349200000 < header["min_lon_e7"] < header["max_lon_e7"] < -348200000
        assert metadata["name"] == "l7" and metadata["xenagos:build_key"] == result.build_key
        image = decode(reader.get(12, 1650, 2139))
        assert image.shape == (256, 256, 4)
    assert reader is not None


def test_an_unchanged_source_rebuilds_nothing(tmp_path):
    source = greek_grid_raster(tmp_path / "spot.tif")
    out = tmp_path / "spot.pmtiles"
    first = build_pyramid(source, out, workers=1)
    stamp = out.stat().st_mtime_ns
    again = build_pyramid(source, out, workers=1)
    assert again.skipped and again.build_key == first.build_key and out.stat().st_mtime_ns == stamp
    webp = build_pyramid(source, out, workers=1, tile_format="webp")  # other options: rebuilt
    assert not webp.skipped and webp.build_key != first.build_key
    with source.open("r+b") as handle:  # other bytes: rebuilt
        handle.seek(0, 2)
        handle.write(b"\0")
    assert not build_pyramid(source, out, workers=1, tile_format="webp").skipped


def test_folder_output_webp_and_progress(tmp_path):
    seen = []
    result = build_pyramid(
        DATA / "l7_etms_rgb.tif",
        tmp_path / "l7",
        folder=True,
        tile_format="webp",
        workers=1,
        progress=lambda done, total: seen.append((done, total)),
    )
    tiles = read_folder(result.path, "webp")
    assert len(tiles) == result.tiles_written == 5
    assert (result.path / "metadata.json").exists()
    assert all(data[:4] == b"RIFF" and data[8:12] == b"WEBP" for data in tiles.values())
    assert seen and seen[-1][0] == seen[-1][1] and [d for d, _t in seen] == sorted(d for d, _t in seen)


def test_parallel_and_serial_builds_write_the_same_archive(tmp_path):
    source = DATA / "l7_etms_rgb.tif"
    serial = build_pyramid(source, tmp_path / "serial.pmtiles", zooms=(10, 14), workers=1)
    parallel = build_pyramid(source, tmp_path / "parallel.pmtiles", zooms=(10, 14), workers=2)
    assert serial.tiles_written == parallel.tiles_written > 50
    assert serial.path.read_bytes() == parallel.path.read_bytes()


def test_a_hillshade_is_built_from_a_dem_in_a_geographic_crs(tmp_path):
    """Luxembourg's SRTM DEM (EPSG:4326, Int16, nodata -32768): shaded, tiled, nodata transparent."""
    result = build_pyramid(DATA / "elev_luxembourg.tif", tmp_path / "lux.pmtiles", hillshade=True, workers=1)
    tiles = read_pmtiles(result.path)
    assert result.zooms == (7, 7) and len(tiles) == 1  # 927 m pixels (EPSG:3857), 95 × 90: one zoom-7 tile
    west, south, east, north = result.lnglat_bounds
    assert 5.7 < west < 5.8 and 50.1 < north < 50.2
    alpha = np.concatenate([decode(d)[..., 1].ravel() for d in tiles.values()])
    assert (alpha == 0).mean() > 0.3  # the DEM is nodata outside Luxembourg's border


def test_bad_options_are_refused(tmp_path):
    with pytest.raises(BadBuildOptions):
        parse_zoom_range("16-12")
    with pytest.raises(BadBuildOptions):
        parse_zoom_range("twelve")
    assert parse_zoom_range("14") == (14, 14)
    with pytest.raises(BadBuildOptions, match="tile format"):
        build_pyramid(DATA / "l7_etms_rgb.tif", tmp_path / "x.pmtiles", tile_format="gif")
    assert not (tmp_path / "x.pmtiles").exists()


def test_an_alpha_band_makes_its_pixels_transparent(tmp_path):
    pixels = np.full((4, 64, 64), 200, dtype=np.uint8)
    pixels[3, 32:, :] = 0  # the southern half is masked out by the alpha band
    transform = Affine(10, 0, 476000, 0, -10, 4205000)
    source = write_tif(tmp_path / "rgba.tif", pixels, transform=transform, photometric="RGB", alpha="YES")
    import rasterio

    with rasterio.open(source) as src:
        assert src.colorinterp[3].name == "alpha"
    result = build_pyramid(source, tmp_path / "rgba.pmtiles", zooms=(15, 15), workers=1)
    decoded = [decode(data) for data in read_pmtiles(result.path).values()]
    alpha = np.concatenate([p[..., 3].ravel() for p in decoded])
    assert (alpha == 0).sum() > 0.3 * alpha.size and (alpha == 255).any()
    opaque = np.concatenate([p[p[..., 3] == 255][:, :3] for p in decoded])
    assert (opaque == 200).all()


def test_absurd_zoom_levels_are_refused_before_any_work(tmp_path):
    with pytest.raises(BadBuildOptions, match="zoom 22 is beyond the raster's detail: its pixels suit zoom 12"):
        build_pyramid(DATA / "l7_etms_rgb.tif", tmp_path / "deep.pmtiles", zooms=(10, 22))
    assert not (tmp_path / "deep.pmtiles").exists()
