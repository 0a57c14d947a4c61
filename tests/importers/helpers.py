"""Inputs made in tmp_path: small real files in real formats (shapefile, GeoPackage, CSV, zip...)."""

import zipfile
from pathlib import Path

import geopandas as gpd
from shapely.geometry import Point, box

from gis.models import ProtectedArea
from gis.services import dataset_upsert
from importers.areas import areas_import

DATA = Path(__file__).resolve().parent / "data"
PLEIADES = DATA / "pleiades_athens_nafplio.geojson"
GPX = DATA / "gpx1.1_with_all_fields.gpx"
GPX_TRACK = DATA / "cerknicko-jezero.gpx"
KASTORIA = DATA / "kallikratis_kastoria.geojson"
# Check point of the Greek Grid: E 476000, N 4205000 (EPSG:2100) is 37.9949356 N, 23.7283669 E.
CHECK_E, CHECK_N, CHECK_LAT, CHECK_LON = 476000.0, 4205000.0, 37.9949356, 23.7283669
GREEK_NAMES = ["Ναός Αθηνάς Νίκης", "Άγιος Νικόλαος Ραγκαβάς", "Ωδείο Ηρώδου Αττικού"]
# An ESRI-style .prj of the Greek Grid: no EPSG code, ESRI names.
ESRI_GREEK_GRID = (
    'PROJCS["GGRS_1987_Greek_Grid",GEOGCS["GCS_GGRS_1987",DATUM["D_GGRS_1987",SPHEROID["GRS_1980",6378137.0,'
    '298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],'
    'PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",24.0],'
    'PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'
)


def greek_grid_shapefile(
    folder: Path, *, encoding: str = "cp1253", cpg: bool = False, name: str = "mnimeia", ids=("1", "2", "3")
) -> Path:
    """Three points in EPSG:2100 (the first on the check point) with Greek names, in ``encoding``; no .cpg unless
    asked; an ESRI-style .prj without an EPSG code, as municipal GIS offices deliver them."""
    folder.mkdir(parents=True, exist_ok=True)
    points = [Point(CHECK_E + 150 * i, CHECK_N + 100 * i) for i in range(len(ids))]
    frame = gpd.GeoDataFrame(
        {"KODIKOS": list(ids), "ONOMA": GREEK_NAMES[: len(ids)], "TYPOS": ["Ναός", "Εκκλησία", "Θέατρο"][: len(ids)]},
        geometry=points,
        crs="EPSG:2100",
    )
    path = folder / f"{name}.shp"
    frame.to_file(path, encoding=encoding)
    (folder / f"{name}.prj").write_text(ESRI_GREEK_GRID)
    if not cpg:
        (folder / f"{name}.cpg").unlink(missing_ok=True)
    return path


def shapefile_parts(shp: Path) -> list[Path]:
    """The files of a shapefile."""
    return sorted(p for p in shp.parent.iterdir() if p.stem == shp.stem)


def zip_files(target: Path, files: dict[str, bytes], *, utf8_names: bool = True) -> Path:
    """A zip with ``files`` (member name -> content); with ``utf8_names=False`` the names are stored in CP737
    without the UTF-8 flag, as Greek Windows' own zip writes them."""
    placeholders = {}
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, (name, content) in enumerate(files.items()):
            stored = name
            if not utf8_names:  # zipfile would write UTF-8 with the flag: write a same-length ASCII stand-in
                raw = name.encode("cp737")
                stored = f"~{number:03d}".ljust(len(raw), "_")
                placeholders[stored.encode("ascii")] = raw
            archive.writestr(stored, content)
    data = target.read_bytes()
    for stand_in, raw in placeholders.items():
        data = data.replace(stand_in, raw)  # in the local header and the central directory
    target.write_bytes(data)
    return target


def zip_shapefile(shp: Path, target: Path, *, folder: str = "", utf8_names: bool = True) -> Path:
    """The shapefile's files zipped, optionally inside ``folder``."""
    files = {f"{folder}{p.name}": p.read_bytes() for p in shapefile_parts(shp)}
    return zip_files(target, files, utf8_names=utf8_names)


ZONE_NAMES = {"ZA-1": "Ζώνη Α Ακρόπολης", "ZB-2": "Ζώνη Β Φιλοπάππου"}


def zones_gpkg(path, *, name_field: str = "ONOMA"):
    """Two zones in EPSG:2100: a 300 m square with its south-west corner on the Greek Grid's check point, and a
    200 m square 600 m east of it; Greek names, English names, and a kind under a name no guess knows."""
    e, n = CHECK_E, CHECK_N
    frame = gpd.GeoDataFrame(
        {
            "KODIKOS": list(ZONE_NAMES),
            name_field: list(ZONE_NAMES.values()),
            "NAME_EN": ["Acropolis zone A", "Philopappos zone B"],
            "EIDOS_ZONIS": ["Ζώνη Α", "Ζώνη Β"],
        },
        geometry=[box(e, n, e + 300, n + 300), box(e + 600, n, e + 800, n + 200)],
        crs="EPSG:2100",
    )
    frame.to_file(path, driver="GPKG", layer="zones")
    return path


def zones_loaded(folder: Path):
    """The two zones of ``zones_gpkg`` imported into a dataset of their own (slug ``zones``), and a third one,
    withdrawn, over the first."""
    dataset = dataset_upsert(
        slug="zones", title="Αρχαιολογικές ζώνες", licence="CC BY-SA 4.0", attribution="Υπουργείο Πολιτισμού"
    )
    areas_import(
        path=zones_gpkg(folder / "zones.gpkg"),
        dataset=dataset,
        id_field="KODIKOS",
        name_field="ONOMA",
        name_en_field="NAME_EN",
        kind_field="EIDOS_ZONIS",
    )
    first = ProtectedArea.objects.get(dataset=dataset, source_id="ZA-1")
    ProtectedArea.objects.create(
        dataset=dataset, source_id="OLD", name_el="Παλιά ζώνη", geometry=first.geometry, withdrawn=True
    )
    return dataset
