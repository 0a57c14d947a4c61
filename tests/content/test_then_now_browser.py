"""A place page's "then and now" in Chromium, at phone (390×844) and desktop (1280×900) size: the slider is a
labelled range input over the two photos; the arrow keys and a pointer drag move it, and what shows moves with it
(the pixels left of the line are the old photograph's sepia, right of it today's grey); a finger drags it on a touch
screen; without JavaScript the two photos stand side by side; the editor's chooser lists only the municipality's
items; axe finds nothing serious (the harness also fails
on JS/CSP errors, failed requests, broken images and other hosts). Screenshots go to /tmp/thennow-*.png."""

import io

import pytest
from PIL import Image as PillowImage
from playwright.sync_api import expect

from tests.browser import admin_log_in, assert_accessible, site_url, watched_page
from tests.content.test_then_now import acropolis, old_photograph, pair_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture
def paired(live_server):
    """The Acropolis' page with a sepia old photograph of 1925 and a grey photo of 2024; its public URL."""
    page = pair_on(acropolis(), old_photograph())
    return site_url(live_server, "athens", page.get_url_parts()[2])


def is_then(page, *, at: float) -> bool:
    """Whether the stage shows the old photograph (sepia: red well above blue) at ``at`` of its width, mid-height."""
    shot = PillowImage.open(io.BytesIO(page.locator(".then-now__stage").screenshot())).convert("RGB")
    red, _green, blue = shot.getpixel((int(shot.width * at), shot.height // 2))
    if abs(red - blue) < 10:
        return False  # today's photo is grey
    assert red - blue > 30, (red, blue)  # and nothing else is there
    return True


def value(page) -> int:
    return int(page.locator("#then-now-range").input_value())


def open_pair(page, url: str):
    page.goto(url)
    page.wait_for_selector(".then-now--live")
    page.locator(".then-now").scroll_into_view_if_needed()
    page.wait_for_function("() => [...document.querySelectorAll('.then-now__stage img')].every(i => i.complete)")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_slider_moves_by_keyboard_and_by_pointer(page, paired, size):
    page.set_viewport_size(VIEWPORTS[size])
    open_pair(page, paired)
    slider = page.get_by_role("slider", name="Σύγκριση του 1925 (αριστερά) με το 2024 (δεξιά)")
    assert slider.count() == 1 and value(page) == 50
    assert slider.get_attribute("aria-valuetext") == "1925 50%, 2024 50%"
    assert is_then(page, at=0.4) and not is_then(page, at=0.6)
    page.screenshot(path=f"/tmp/thennow-{size}-start.png", full_page=False)
    slider.focus()
    outline = page.locator(".then-now__stage").evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline == "solid"  # the focus shows on the photos (the input itself is transparent)
    for _ in range(4):
        page.keyboard.press("ArrowLeft")
    assert value(page) == 30 and slider.get_attribute("aria-valuetext") == "1925 30%, 2024 70%"
    assert not is_then(page, at=0.4) and is_then(page, at=0.2)
    page.screenshot(path=f"/tmp/thennow-{size}-keyboard.png", full_page=False)
    page.keyboard.press("ArrowRight")
    assert value(page) == 35
    page.keyboard.press("End")
    assert value(page) == 100 and is_then(page, at=0.85)  # (the handle covers the very edge)
    # a drag with the mouse from the middle to 80 % of the width
    box = page.locator(".then-now__stage").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.5, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.65, y, steps=5)
    page.mouse.move(box["x"] + box["width"] * 0.8, y, steps=5)
    page.mouse.up()
    assert abs(value(page) - 80) <= 2
    assert is_then(page, at=0.7) and not is_then(page, at=0.9)
    page.screenshot(path=f"/tmp/thennow-{size}-dragged.png", full_page=False)
    page.locator(".then-now").screenshot(path=f"/tmp/thennow-{size}-section.png")
    assert_accessible(page)


def test_a_finger_drags_it_on_a_phone(browser, live_server, paired):
    context = browser.new_context(locale="el-GR", viewport=VIEWPORTS["phone"], has_touch=True, is_mobile=True)
    page = watched_page(context)
    try:
        open_pair(page, paired)
        box = page.locator(".then-now__stage").bounding_box()
        y = box["y"] + box["height"] / 2
        cdp = context.new_cdp_session(page)

        def touch(kind: str, at: float) -> None:
            points = [] if kind == "touchEnd" else [{"x": box["x"] + box["width"] * at, "y": y}]
            cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

        touch("touchStart", 0.5)
        for at in (0.45, 0.4, 0.35, 0.3, 0.25, 0.2):
            touch("touchMove", at)
        touch("touchEnd", 0.2)
        assert value(page) < 35  # the finger took the line to the left
        assert not is_then(page, at=0.4)
        page.screenshot(path="/tmp/thennow-phone-touch.png")
        assert_accessible(page)
        assert not page.problems.messages, page.problems.messages
    finally:
        context.close()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_without_javascript_the_two_photos_stand_side_by_side(browser, live_server, paired, size):
    context = browser.new_context(locale="el-GR", viewport=VIEWPORTS[size], java_script_enabled=False)
    page = watched_page(context)
    try:
        page.goto(paired)
        then, now = page.locator(".then-now__then"), page.locator(".then-now__now")
        assert then.get_attribute("alt") and now.get_attribute("alt")
        assert page.locator("#then-now-range").is_hidden() and page.locator(".then-now__label").is_hidden()
        then.scroll_into_view_if_needed()
        a, b = then.bounding_box(), now.bounding_box()
        if size == "desktop":
            assert a["x"] + a["width"] <= b["x"] and abs(a["y"] - b["y"]) < 1  # side by side
        else:
            assert a["y"] + a["height"] <= b["y"]  # stacked, the old one first, on a narrow screen
        assert abs(a["width"] - b["width"]) < 1 and abs(a["height"] - b["height"]) < 1  # the same frame
        page.locator(".then-now").screenshot(path=f"/tmp/thennow-{size}-nojs.png")
        assert not page.problems.messages, page.problems.messages
    finally:
        context.close()


def test_the_editor_chooses_the_old_photograph_among_the_municipalitys_items(page, live_server, nafplio):
    own = old_photograph()
    foreign = old_photograph(municipality=nafplio, collection="Nafplio")
    foreign.name_el = "Το Παλαμήδι το 1930"
    foreign.save()
    admin_log_in(page, live_server)  # editor-athens
    page.set_viewport_size(VIEWPORTS["desktop"])
    edit_url = f"{live_server.url}/admin/pages/{acropolis().pk}/edit/"
    # Wagtail's autosave posts the form as it is; half a pair (the old photograph, no photo of today yet) is
    # refused with a 400 until the editor chooses the other half
    page.problems.expect(400, edit_url)
    page.goto(edit_url)
    panel = page.locator("[data-field-wrapper]:has(#id_then_item)")
    expect(page.locator("label[for=id_then_item]")).to_contain_text("Τότε: παλιά φωτογραφία από το αρχείο")
    panel.locator("[data-chooser-action-choose]").first.click()
    choices = page.locator("[data-chooser-modal-choice]")
    expect(choices.first).to_be_visible()
    assert "Η Ακρόπολη από τον Φιλοπάππου" in choices.all_inner_texts()
    assert "Το Παλαμήδι το 1930" not in choices.all_inner_texts()
    expect(page.locator(".modal")).to_contain_text("1925")  # the date beside the title
    page.screenshot(path="/tmp/thennow-admin-chooser.png")
    choices.filter(has_text="Η Ακρόπολη από τον Φιλοπάππου").click()
    expect(page.locator("#id_then_item")).to_have_value(str(own.pk))
    panel.scroll_into_view_if_needed()
    page.screenshot(path="/tmp/thennow-admin-panel.png")
