"""Zoomable archive images over IIIF: level-0 tile sets made by libvips (tiling.py, no Django), stored in the
private storage and recorded on gis.ArchiveItemImage (services.py, tasks.py, receivers.py), served with IIIF
Presentation 3 manifests (manifests.py) by views.py for published items of the host's municipality only."""


class IiifError(Exception):
    """Base of this package's errors."""
