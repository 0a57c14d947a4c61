"""The demo's one zoomable archive image: "Greek coins from Pompeii" (Brooklyn Museum, no known copyright
restrictions; shipped by scikit-image as ``skimage/data/coins.png``, see ATTRIBUTION.md) as its own archive item
of Athens with its image, tiled through IIIF (gis.iiif) once the transaction commits; loaded by demo_load after the
demo's archive records (idempotent on the source id)."""

from pathlib import Path

from django.core.files.images import ImageFile
from django.db import transaction
from wagtail.images import get_image_model
from wagtail.models import Collection

from gis.archive_services import archive_item_values_set
from gis.models import ArchiveItem, ArchiveItemImage, Dataset, Municipality

HERE = Path(__file__).resolve().parent
FILE = HERE / "archive_media" / "coins.png"
DATASET = "demo-archive-media"
SOURCE_ID = "brooklyn-museum-archives-image-51611"
VALUES = [
    ("title", "Ελληνικά νομίσματα από την Πομπηία", "el"),
    ("title", "Greek coins from Pompeii", "en"),
    ("description", "Νομίσματα σε γκρίζο φόντο (φωτογραφία του Μουσείου του Μπρούκλιν).", "el"),
    ("description", "Several coins against a grey background (a Brooklyn Museum photograph).", "en"),
    ("type", "StillImage", ""),
    ("source", "https://www.brooklynmuseum.org/opencollection/archives/image/51611", ""),
    ("coverage", "Pompeii", "en"),
    ("rights", "http://rightsstatements.org/vocab/NKC/1.0/", ""),
]


@transaction.atomic
def archive_media_load(*, municipality_code: str = "9186") -> ArchiveItem:
    """Create (once) the coins item of the municipality (Athens by default) with its image in the municipality's
    collection; its IIIF tiles are made by the background task after the commit."""
    municipality = Municipality.objects.get(code=municipality_code)
    dataset, _created = Dataset.objects.get_or_create(
        slug=DATASET,
        defaults={
            "title": "Demo archive image (scikit-image sample data)",
            "licence": "No Known Copyright",
            "attribution": "Brooklyn Museum, via scikit-image (skimage/data/coins.png)",
            "source_url": "https://www.brooklynmuseum.org/opencollection/archives/image/51611",
        },
    )
    item, created = ArchiveItem.objects.get_or_create(
        dataset=dataset, source_id=SOURCE_ID, defaults={"municipality": municipality, "name_el": VALUES[0][1]}
    )
    if created:
        archive_item_values_set(item=item, values=VALUES)
    if not item.images.exists():
        collection = Collection.objects.get(name=municipality.name_en or municipality.name_el, depth=2)
        with FILE.open("rb") as handle:
            image = get_image_model().objects.create(
                title="Greek coins from Pompeii", file=ImageFile(handle, name=FILE.name), collection=collection
            )
        ArchiveItemImage.objects.create(
            item=item,
            image=image,
            alt_el="Δεκαπέντε περίπου αρχαία νομίσματα σε τρεις σειρές πάνω σε γκρίζο φόντο",
            alt_en="About fifteen ancient coins in three rows on a grey background",
        )
    return item
