"""Getting around: the home page, the skip link, and detail pages reached from the lists."""

import re

import pytest
from playwright.sync_api import expect

from jwp.models import Phase

pytestmark = pytest.mark.browser


def test_home_has_one_h1_and_a_skip_link_that_moves_focus_to_main(page):
    assert page.goto("/").ok
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).to_have_text("Cities Alliance programme portfolio")

    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).not_to_be_in_viewport()
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    assert page.url.endswith("#main")
    # The next Tab continues inside the main content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('main') !== null")


def test_a_programme_opened_from_the_list(page):
    assert page.goto("/programmes/").ok
    page.locator(".results").get_by_role("link", name="Future Cities Africa", exact=True).click()
    expect(page).to_have_url(re.compile(r"/programmes/future-cities-africa/$"))
    expect(page).to_have_title(re.compile(r"^Future Cities Africa · "))
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).to_have_text("Future Cities Africa")
    expect(page.locator("main h2")).to_have_text(
        [
            "About the programme",
            "Where",
            "Partners",
            "Activities",
            "Money",
            "Sectors and policy markers",
            "Outputs",
        ]
    )
    places = page.get_by_role("region", name="Where")
    for country in ("Ethiopia", "Ghana", "Mozambique", "Uganda"):
        expect(places.get_by_role("link", name=country, exact=True)).to_be_visible()


def test_a_jwp_opened_from_the_list_shows_its_two_phases(page):
    phases = list(
        Phase.objects.filter(jwp__slug="cities-and-the-global-agendas").order_by("number")
    )
    assert len(phases) == 2

    assert page.goto("/jwp/").ok
    page.get_by_role("link", name="Cities in the Global Agendas", exact=True).click()
    expect(page).to_have_url(re.compile(r"/jwp/cities-and-the-global-agendas/$"))
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).to_have_text("Cities in the Global Agendas")
    expect(page.get_by_role("heading", level=2, name="Phases")).to_be_visible()

    items = page.locator("ol.timeline > li")
    expect(items).to_have_count(2)
    for item, phase in zip(items.all(), phases, strict=True):
        expect(item.get_by_role("heading", level=3)).to_have_text(
            f"Phase {phase.number}: {phase.title}"
        )
        expect(item.locator("time").first).to_have_attribute("datetime", phase.start.isoformat())
        expect(item.locator("time").last).to_have_attribute("datetime", phase.end.isoformat())
