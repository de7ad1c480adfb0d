"""The programme list: facets, search and the CSV download of what is shown."""

import csv
import io
import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from programmes.models import Programme
from programmes.rows import COLUMN_NAMES as CSV_HEADER
from tests import factories

pytestmark = pytest.mark.browser


def facet_link(page, facet: str, label: str):
    """The link of one value of a facet (its name is the label, then the count)."""
    return page.get_by_role("group", name=facet).get_by_role(
        "link", name=re.compile(rf"^{re.escape(label)} \(\d+\)")
    )


def result_titles(page) -> list[str]:
    return page.locator(".results .card-title").all_inner_texts()


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_filter_by_theme_then_country(page):
    published = Programme.objects.published()
    gender = published.filter(themes__slug="gender").distinct()
    expected = published.filter(themes__slug="gender", countries__iso2="KE").distinct()
    # The second facet must narrow the list, or the test would prove nothing.
    assert 0 < expected.count() < gender.count() < published.count()
    count = page.get_by_test_id("result-count")

    assert page.goto("/programmes/").ok
    expect(count).to_have_text(str(published.count()))

    facet_link(page, "Theme", "Gender").click()
    page.wait_for_url(re.compile(r"[?&]theme=gender(&|$)"))
    expect(count).to_have_text(str(gender.count()))

    facet_link(page, "Country", "Kenya").click()
    page.wait_for_url(re.compile(r"[?&]country=KE(&|$)"))
    expect(count).to_have_text(str(expected.count()))
    assert query(page) == {"theme": ["gender"], "country": ["KE"]}
    assert sorted(result_titles(page)) == sorted(expected.values_list("title", flat=True))
    expect(facet_link(page, "Theme", "Gender")).to_have_attribute("aria-current", "true")
    expect(facet_link(page, "Country", "Kenya")).to_have_attribute("aria-current", "true")


def test_search_finds_programmes_by_a_word(page):
    assert page.goto("/programmes/").ok
    page.get_by_role("searchbox", name="Search programmes").fill("tenure")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"[?&]q=tenure(&|$)"))

    titles = result_titles(page)
    assert "Innovation Programme 2019: Secure Tenure in African Cities" in titles
    assert "Tenure security facility for Southern Africa" in titles
    assert "Future Cities Africa" not in titles
    expect(page.get_by_test_id("result-count")).to_have_text(str(len(titles)))
    expect(page.get_by_role("searchbox", name="Search programmes")).to_have_value("tenure")


def test_csv_download_holds_exactly_the_filtered_programmes(page):
    expected = (
        Programme.objects.published().filter(themes__slug="equitable-economic-growth").distinct()
    )
    assert 1 < expected.count() < Programme.objects.published().count()

    assert page.goto("/programmes/").ok
    facet_link(page, "Theme", "Equitable economic growth").click()
    page.wait_for_url(re.compile(r"[?&]theme=equitable-economic-growth(&|$)"))
    shown = result_titles(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert urlsplit(download.url).path == "/programmes/export.csv"
    assert parse_qs(urlsplit(download.url).query) == {"theme": ["equitable-economic-growth"]}
    assert download.suggested_filename == "cities-alliance-programmes.csv"

    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows[0] == CSV_HEADER
    titles = [row[0] for row in rows[1:]]
    assert sorted(titles) == sorted(expected.values_list("title", flat=True))
    assert titles == shown  # and in the order of the list
    slugs = dict(expected.values_list("title", "slug"))
    page_column = CSV_HEADER.index("page")
    for row in rows[1:]:
        assert urlsplit(row[page_column]).path == f"/programmes/{slugs[row[0]]}/"


def test_sort_by_budget_narrow_by_a_range_then_sort_by_spending(page, axe_script):
    """The sort menu and the money form together: the programmes with the largest budgets
    first, then only those of at least 2.6 million (the sort kept), then a programme that
    has spent comes first; the form passes axe."""
    budgets = Programme.objects.published().exclude(budget=None).order_by("-budget", "-pk")
    largest = list(budgets.values_list("title", flat=True))
    at_least = list(budgets.filter(budget__gte=2_600_000).values_list("title", flat=True))
    assert 1 < len(at_least) < len(largest)  # the range must narrow the list

    assert page.goto("/programmes/").ok
    page.get_by_label("Sort by").select_option(label="Largest budget")
    page.get_by_role("button", name="Sort").click()
    page.wait_for_url(re.compile(r"[?&]sort=-budget(&|$)"))
    assert result_titles(page)[: len(largest)] == largest
    expect(page.locator(".results .card").first).to_contain_text("budget USD 7,500,000")

    form = page.get_by_role("group", name="Budget and spending")
    expect(form.get_by_label("Currency")).to_have_value("USD")
    form.get_by_label("Budget from").fill("2600000")
    form.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"[?&]budget_min=2600000(&|$)"))
    assert query(page)["sort"] == ["-budget"]
    assert result_titles(page) == at_least
    expect(page.get_by_test_id("result-count")).to_have_text(str(len(at_least)))
    expect(form.get_by_label("Budget from")).to_have_value("2600000")

    spender = budgets.filter(budget__gte=2_600_000).order_by("budget").first()
    factories.TransactionFactory(programme=spender, value=Decimal("125000"), type="4")
    page.get_by_label("Sort by").select_option(label="Most disbursed and spent")
    page.get_by_role("button", name="Sort").click()
    page.wait_for_url(re.compile(r"[?&]sort=-spent(&|$)"))
    assert result_titles(page)[0] == spender.title
    expect(page.locator(".results .card").first).to_contain_text("USD 125,000 disbursed and spent")

    page.evaluate(axe_script.read_text())
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    blocking = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert not blocking, blocking
