"""A municipality's home page: featured places (photo or map thumbnail), and the sections other apps add.

Routes (#14) and archive highlights (#15) are not built yet; when they are, their app registers a section provider
here from its ``AppConfig.ready`` (``home_section_register``). A provider returns ``None`` when it has nothing for a
municipality, so the home page never shows an empty heading.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest
from django.utils.translation import get_language
from wagtail.models import Locale

from gis.maps import BaseMap, base_maps
from gis.models import Municipality

from .models import PlaceIndexPage
from .permissions import page_municipality
from .selectors import FeaturedPlace, places_featured
from .services import SOURCE_LANGUAGE

TILE_PX = 256  # XYZ tile size, screen pixels
THUMBNAIL_ZOOM = 16  # about 2.4 m a pixel at Athens' latitude: a 240 px thumbnail spans some 580 m


@dataclass(frozen=True)
class HomeItem:
    """One entry of a home page section: a title that links, an optional summary and image (a rendition URL with
    its alternative text)."""

    title: str
    url: str
    summary: str = ""
    image_url: str = ""
    image_alt: str = ""


@dataclass(frozen=True)
class HomeSection:
    """A block of a home page contributed by another app (routes, archive highlights): a heading and its items,
    drawn by ``template`` (by default as cards, like the featured places). A section without items is not shown."""

    key: str  # a stable name, used as the section's id (e.g. "routes", "archive")
    heading: str
    items: list[HomeItem] = field(default_factory=list)
    template: str = "content/home_section.html"


HomeSectionProvider = Callable[..., HomeSection | None]
_providers: list[HomeSectionProvider] = []


def home_section_register(provider: HomeSectionProvider) -> HomeSectionProvider:
    """Add a section to every home page. ``provider(*, request, municipality, language)`` returns a HomeSection,
    or None when it has nothing to show for that municipality (then the page shows nothing of it). Usable as a
    decorator; registering the same provider twice has no effect."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def home_section_unregister(provider: HomeSectionProvider) -> None:
    """Remove a provider added by ``home_section_register`` (for tests)."""
    if provider in _providers:
        _providers.remove(provider)


def home_sections(*, request: HttpRequest, municipality: Municipality, language: str) -> list[HomeSection]:
    """The sections the registered providers have for ``municipality`` in ``language``, in registration order."""
    sections = (provider(request=request, municipality=municipality, language=language) for provider in _providers)
    return [section for section in sections if section is not None and section.items]


@dataclass(frozen=True)
class MapTile:
    """One base-map tile of a thumbnail: its URL and its top-left corner in the thumbnail (pixels)."""

    url: str
    x: int
    y: int


@dataclass(frozen=True)
class MapThumbnail:
    """A small map centred on a point: base-map tiles placed in a ``width`` × ``height`` pixel box, the point in
    the middle (``cx``, ``cy``)."""

    tiles: list[MapTile]
    width: int
    height: int
    size: int = TILE_PX

    @property
    def cx(self) -> int:
        return self.width // 2

    @property
    def cy(self) -> int:
        return self.height // 2


def web_mercator_pixel(*, lon: float, lat: float, zoom: int) -> tuple[float, float]:
    """The global pixel (x right, y down) of a WGS 84 lon/lat (degrees) at ``zoom`` in the XYZ tile scheme
    (EPSG:3857, 256-pixel tiles)."""
    scale = TILE_PX * 2**zoom
    lat = max(-85.05112878, min(85.05112878, lat))
    sin = math.sin(math.radians(lat))
    x = (lon + 180.0) / 360.0 * scale
    y = (0.5 - math.log((1 + sin) / (1 - sin)) / (4 * math.pi)) * scale
    return x, y


def map_thumbnail(
    *, lon: float, lat: float, url_template: str, zoom: int = THUMBNAIL_ZOOM, width: int = 240, height: int = 160
) -> MapThumbnail:
    """The base-map tiles (XYZ ``url_template`` with ``{z}``, ``{x}``, ``{y}`` and optionally ``{s}``) that cover a
    ``width`` × ``height`` pixel box centred on lon/lat (WGS 84 degrees) at ``zoom``, each with its offset in the
    box. Drawn by the browser from the base-map host the map uses already, so no image is made on the server."""
    centre_x, centre_y = web_mercator_pixel(lon=lon, lat=lat, zoom=zoom)
    left, top = centre_x - width / 2, centre_y - height / 2
    last = 2**zoom - 1
    tiles = []
    for ty in range(math.floor(top / TILE_PX), math.floor((top + height - 1) / TILE_PX) + 1):
        for tx in range(math.floor(left / TILE_PX), math.floor((left + width - 1) / TILE_PX) + 1):
            if not 0 <= ty <= last:
                continue
            url = (
                url_template.replace("{s}", "a")
                .replace("{z}", str(zoom))
                .replace("{x}", str(tx % (last + 1)))
                .replace("{y}", str(ty))
                .replace("{r}", "")
            )
            tiles.append(MapTile(url=url, x=round(tx * TILE_PX - left), y=round(ty * TILE_PX - top)))
    # ``left``/``top`` put the point at the exact centre; whole pixels keep it within half a pixel of (cx, cy)
    return MapThumbnail(tiles=tiles, width=width, height=height)


def thumbnail_base_map() -> BaseMap:
    """The base map thumbnails are drawn from: the map's default one."""
    return base_maps()[0]


@dataclass(frozen=True)
class FeaturedCard:
    """A featured place as its card shows it: the place, and a map thumbnail when it has no photo."""

    place: FeaturedPlace
    url: str
    thumbnail: MapThumbnail | None


def home_context(request: HttpRequest, *, page) -> dict:
    """What a home page shows besides its own text: featured places (the Greek source page's list, in every
    language), the base map's attribution for their thumbnails, and the sections of other apps."""
    source = page
    if page.locale.language_code != SOURCE_LANGUAGE:  # a translation: the source's list (previews: the page's own)
        source = page.get_translation_or_none(Locale.objects.get(language_code=SOURCE_LANGUAGE)) or page
    municipality = page_municipality(source)  # the page's own, also in a preview served on another host
    if municipality is None:
        return {"featured": [], "sections": []}
    language = get_language() or SOURCE_LANGUAGE
    chosen = [item.place_id for item in source.featured_places.all() if item.place_id]
    places = places_featured(municipality=municipality, language=language, chosen=chosen)
    index = PlaceIndexPage.for_request(request)
    place_base = index.get_url(request) if index else ""
    base = thumbnail_base_map()
    zoom = min(THUMBNAIL_ZOOM, base.max_zoom)
    cards = [
        FeaturedCard(
            place=place,
            url=place.url or f"{place_base}p/{place.uid}/",
            thumbnail=None
            if place.image_url
            else map_thumbnail(lon=place.lon, lat=place.lat, url_template=base.url, zoom=zoom),
        )
        for place in places
    ]
    return {
        "featured": cards,
        "thumbnail_attribution": base.attribution if any(card.thumbnail for card in cards) else "",
        "sections": home_sections(request=request, municipality=municipality, language=language),
    }
