"""Layout: no horizontal scrolling on a small phone, and the screenshots in docs/."""

import os
import struct

import pytest
from django.conf import settings

from .pages import MAIN_PAGES

pytestmark = pytest.mark.browser

PHONE_WIDTH = 360

# The elements that stick out on the right, outermost first (for the failure message).
OVERFLOWING = """(width) => {
  const found = [];
  for (const element of document.body.querySelectorAll('*')) {
    const right = element.getBoundingClientRect().right;
    if (right > width + 0.5 && !found.some((outer) => outer.contains(element))) {
      found.push(element);
    }
  }
  return found.slice(0, 10).map((element) => {
    const classes = [...element.classList].map((name) => '.' + name).join('');
    const id = element.id ? '#' + element.id : '';
    const right = Math.round(element.getBoundingClientRect().right);
    return `${element.tagName.toLowerCase()}${id}${classes} (right edge ${right}px)`;
  });
}"""


def test_no_horizontal_scroll_at_360px(new_context):
    """One page for all of them: the database is loaded once (each load costs a second)."""
    page = new_context(viewport={"width": PHONE_WIDTH, "height": 740}).new_page()
    too_wide = {}
    for name, url in MAIN_PAGES.items():
        assert page.goto(url).ok, url
        scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
        if scroll_width > PHONE_WIDTH:
            culprits = ", ".join(page.evaluate(OVERFLOWING, PHONE_WIDTH))
            too_wide[name] = f"{url} is {scroll_width}px wide: {culprits}"

    assert not too_wide, f"wider than {PHONE_WIDTH}px:\n" + "\n".join(too_wide.values())


SCREENSHOT_DIR = settings.BASE_DIR / "docs" / "screenshots"
SCREENSHOT_PAGES = {name: MAIN_PAGES[name] for name in ("home", "programmes", "programme", "jwp")}
DEVICES = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}


def write_if_changed(path, content: bytes) -> None:
    """Leave an identical file alone; replace a different one in one step."""
    if path.is_file() and path.read_bytes() == content:
        return
    partial = path.with_name(path.name + ".tmp")
    partial.write_bytes(content)
    os.replace(partial, path)


def test_screenshots(new_context):
    """docs/screenshots/<page>-<device>.png: full page, one image pixel per CSS pixel."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    for device, options in DEVICES.items():
        page = new_context(device_scale_factor=1, **options).new_page()
        for name, url in SCREENSHOT_PAGES.items():
            assert page.goto(url).ok, url
            page.evaluate("() => document.fonts.ready")
            png = page.screenshot(full_page=True, animations="disabled", caret="hide")
            assert png.startswith(b"\x89PNG\r\n\x1a\n")
            width, height = struct.unpack(">II", png[16:24])
            # Wider than the viewport would mean the page scrolls sideways.
            assert width == options["viewport"]["width"], f"{name}-{device}: {width}px wide"
            assert height >= options["viewport"]["height"], f"{name}-{device}: {height}px high"
            write_if_changed(SCREENSHOT_DIR / f"{name}-{device}.png", png)
