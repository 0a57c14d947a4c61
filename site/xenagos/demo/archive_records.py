"""The demo archive (archive.json beside this file): a few real National Gallery of Art objects (CC0), imported from
their unchanged CSV rows by the archive importer itself (importers.archive.archive_import with archive/nga.toml),
each file into one municipality, one collection per file, and linked to demo places. The links are the demo's own,
not the source's (ATTRIBUTION.md says so). The demo's load records no run in the import history (the editors'
history starts empty); idempotent: a second load writes nothing."""

import json
import tomllib
from pathlib import Path

from django.db import transaction

from gis.models import ArchiveCollection, ArchiveItem, Municipality, Place
from gis.services import dataset_upsert
from importers.archive import archive_import
from importers.readers.archive_csv import CsvMapping

HERE = Path(__file__).resolve().parent
SPEC = HERE / "archive.json"
PLACES_DATASET = "pleiades-demo"
CHANGES = ("create", "update", "withdraw")


@transaction.atomic
def demo_archive_load() -> None:
    """Import each demo archive file unless a dry run says it would change nothing, then put its items in their
    collection and link them to their places (adding only what is missing)."""
    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    mapping_path = HERE / spec["mapping"]
    mapping = CsvMapping.from_dict(tomllib.loads(mapping_path.read_text(encoding="utf-8")), shown=mapping_path.name)
    for entry in spec["imports"]:
        municipality = Municipality.objects.get(code=entry["municipality"])
        described = {**spec["dataset"], "title": f"{spec['dataset']['title']}, {municipality.name_en}"}
        dataset = dataset_upsert(slug=entry["dataset"], **described)
        path = HERE / entry["file"]
        dry = archive_import(path=path, dataset=dataset, municipality=municipality, mapping=mapping, dry_run=True)
        if any(dry.counts.get(key) for key in CHANGES):
            archive_import(path=path, dataset=dataset, municipality=municipality, mapping=mapping, history=False)
        wanted = entry["collection"]
        collection, _created = ArchiveCollection.objects.get_or_create(
            municipality=municipality,
            slug=wanted["slug"],
            defaults={"name_el": wanted["name_el"], "name_en": wanted["name_en"]},
        )
        for item in ArchiveItem.objects.filter(dataset=dataset).exclude(collections=collection):
            item.collections.add(collection)
        for source_id, place_ids in entry["places"].items():
            item = ArchiveItem.objects.get(dataset=dataset, source_id=source_id)
            have = set(item.places.values_list("source_id", flat=True))
            missing = [pid for pid in place_ids if pid not in have]
            if missing:
                item.places.add(*Place.objects.filter(dataset__slug=PLACES_DATASET, source_id__in=missing))
