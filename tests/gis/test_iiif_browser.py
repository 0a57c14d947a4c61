"""The archive item's zoomable images in Chromium on its public page (gis/templates/gis/archive/viewer.html,
gis/static/gis/archive-viewer.js): OpenSeadragon opens our info.json, its tiles load from /iiif/, zooming by keyboard
and by the buttons loads deeper tiles, previous/next goes through the item's images; without JavaScript the plain
images with their alternative text. The harness runs axe on each page."""

import io
import re

import numpy
import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from playwright.sync_api import expect
from wagtail.images.models import Image
from wagtail.models import Collection

from gis.models import ArchiveItemImage, TilesState
from tests.browser import site_url
from tests.factories import ArchiveItemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
TILE = re.compile(r"/iiif/\d+/(\d+),(\d+),(\d+),(\d+)/(\d+),(\d*)/0/default\.jpg$")


@pytest.fixture
def item(settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path / "media"
    x, y = numpy.meshgrid(numpy.arange(4000), numpy.arange(3000))  # Pillow: libvips stays out of this process
    jpeg = io.BytesIO()
    PILImage.fromarray((x / 16 + y / 12).astype(numpy.uint8)).save(jpeg, "JPEG", quality=80)
    file = ImageFile(io.BytesIO(jpeg.getvalue()), name="plateia.jpg")
    image = Image.objects.create(title="plateia", file=file, collection=Collection.objects.get(name="Athens", depth=2))
    item = ArchiveItemFactory(name_el="Η πλατεία Συντάγματος το 1920")
    with django_capture_on_commit_callbacks(execute=True):
        row = ArchiveItemImage.objects.create(item=item, image=image, alt_el="Άμαξες μπροστά στα ανάκτορα")
    row.refresh_from_db()
    assert row.tiles_state == TilesState.DONE
    return item


def scale(url: str) -> int:
    """The scale factor of a tile URL: region width over size width."""
    match = TILE.search(url)
    assert match, url
    return round(int(match[3]) / int(match[5]))


def test_the_viewer_opens_the_tiles_and_zooms_in_by_keyboard(page, live_server, item):
    tiles: list[tuple[int, str]] = []
    page.on("response", lambda r: tiles.append((r.status, r.url)) if TILE.search(r.url) else None)
    page.goto(site_url(live_server, "athens", f"/el/archive/{item.uid}/"))
    canvas = page.locator(".archive-viewer__zoom .openseadragon-canvas")
    canvas.wait_for()
    page.locator(".archive-viewer__zoom canvas").wait_for()
    page.wait_for_function("() => document.querySelector('.archive-viewer__image').hidden")
    page.wait_for_timeout(1500)
    first = [url for status, url in tiles if status == 200]
    assert first and all(status == 200 for status, _url in tiles)
    coarsest = min(scale(url) for url in first)
    assert coarsest >= 4, first  # a 4000 px image in an 1,250 px box opens at scale 4 or coarser
    assert "Άμαξες μπροστά στα ανάκτορα" in canvas.get_attribute("aria-label")
    canvas.focus()
    for _ in range(8):
        canvas.press("=")  # OpenSeadragon's zoom in ("+" without Shift)
        page.wait_for_timeout(400)
    page.wait_for_timeout(2500)
    zoom = page.evaluate("() => document.querySelector('.archive-viewer__zoom').viewer.viewport.getZoom()")
    assert zoom > 1.2  # the keyboard zooms in (by small steps)
    for _ in range(3):  # a click zooms in twice
        canvas.click()
        page.wait_for_timeout(800)
    page.wait_for_timeout(2000)
    deeper = [url for status, url in tiles[len(first) :] if status == 200]
    assert deeper and min(scale(url) for url in deeper) == 1, deeper
    assert all(status == 200 for status, _url in tiles)


def test_without_javascript_the_plain_image_with_its_alt_text(browser, live_server, item):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url(live_server, "athens", f"/el/archive/{item.uid}/"))
        image = page.locator("img.archive-viewer__image")
        assert image.get_attribute("alt") == "Άμαξες μπροστά στα ανάκτορα"
        assert page.evaluate("() => document.querySelector('img.archive-viewer__image').naturalWidth") == 1200
        assert page.locator(".archive-viewer__zoom").is_hidden()
    finally:
        context.close()


def test_the_buttons_zoom_and_go_through_the_items_images(page, live_server, item, django_capture_on_commit_callbacks):
    jpeg = io.BytesIO()
    PILImage.fromarray(numpy.full((600, 900), 90, numpy.uint8)).save(jpeg, "JPEG", quality=80)
    second = Image.objects.create(
        title="back",
        file=ImageFile(io.BytesIO(jpeg.getvalue()), name="back.jpg"),
        collection=Collection.objects.get(name="Athens", depth=2),
    )
    with django_capture_on_commit_callbacks(execute=True):
        ArchiveItemImage.objects.create(
            item=item, image=second, alt_el="Η πίσω όψη", caption_el="Η πίσω όψη της καρτ ποστάλ"
        )
    infos: list[str] = []
    page.on("response", lambda r: infos.append(r.url) if r.url.endswith("/info.json") and r.status == 200 else None)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: pinching is not for everyone (WCAG 2.5.1)
    page.goto(site_url(live_server, "athens", f"/el/archive/{item.uid}/"))
    controls = page.get_by_role("group", name="Χειρισμός εικόνας")
    expect(controls).to_be_visible()
    expect(page.locator("[data-viewer-page]")).to_have_text("Εικόνα 1 από 2")
    zoom = "() => document.querySelector('.archive-viewer__zoom').viewer.viewport.getZoom()"
    whole = page.evaluate(zoom)
    controls.get_by_role("button", name="Μεγέθυνση").click()
    page.wait_for_function(f"() => ({zoom})() > {whole} * 1.3")
    controls.get_by_role("button", name="Σμίκρυνση").click()
    controls.get_by_role("button", name="Ολόκληρη η εικόνα").click()
    page.wait_for_function(f"() => Math.abs(({zoom})() - {whole}) < 0.01")
    controls.get_by_role("button", name="Επόμενη εικόνα").click()
    expect(page.locator("[data-viewer-page]")).to_have_text("Εικόνα 2 από 2")
    canvas = page.locator(".archive-viewer__zoom .openseadragon-canvas")
    expect(canvas).to_have_attribute("aria-label", re.compile("^Η πίσω όψη\\. "))
    expect(page.get_by_text("Η πίσω όψη της καρτ ποστάλ")).to_be_visible()
    page.wait_for_function("() => document.querySelector('.archive-viewer__zoom').viewer.world.getItemCount() == 1")
    assert len({url.rsplit("/", 2)[-2] for url in infos}) == 2  # both images' info.json were read
    controls.get_by_role("button", name="Προηγούμενη εικόνα").click()
    expect(page.locator("[data-viewer-page]")).to_have_text("Εικόνα 1 από 2")
    expect(canvas).to_have_attribute("aria-label", re.compile("^Άμαξες μπροστά στα ανάκτορα\\. "))
    # the first image's info.json and tiles are read again: they must come while this test's MEDIA_ROOT holds
    first = item.images.order_by("sort_order", "pk").first().pk
    page.wait_for_function(
        "(id) => { const w = document.querySelector('.archive-viewer__zoom').viewer.world;"
        " return w.getItemCount() == 1 && w.getItemAt(0).source._id.endsWith(`/iiif/${id}`)"
        " && w.getItemAt(0).getFullyLoaded(); }",
        arg=first,
    )
