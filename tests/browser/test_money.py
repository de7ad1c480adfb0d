"""Money in Chromium: a Publisher enters a published programme's yearly budget and a
disbursement in the admin's inlines, and the public page shows the budget against spending,
chart and table, under the Content-Security-Policy (the page fixture fails on a refusal); the
home and country pages chart the portfolio's spending."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from programmes.models import Programme
from tests import factories

pytestmark = pytest.mark.browser

PASSWORD = "browser-money-password-8812"


def test_a_publisher_enters_a_budget_and_a_disbursement_and_the_page_shows_them(page):
    programme = Programme.objects.published().order_by("title").first()
    publisher = factories.PublisherFactory(username="money-pub")
    publisher.set_password(PASSWORD)
    publisher.save()
    assert page.goto("/admin/login/").ok
    page.get_by_label("Username").fill(publisher.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Portfolio administration")).to_be_visible()

    page.goto(f"/admin/programmes/programme/{programme.pk}/change/")
    page.get_by_role("button", name="Add another Budget").click()
    page.locator("#id_budgets-0-period_start").fill("2015-01-01")
    page.locator("#id_budgets-0-period_end").fill("2015-12-31")
    page.locator("#id_budgets-0-value").fill("120000")
    page.locator("#id_budgets-0-currency").select_option("USD")
    page.locator("#id_budgets-0-value_date").fill("2015-01-01")
    page.locator("#transactions-group summary").first.click()  # the collapsed inline opens
    page.get_by_role("button", name="Add another Transaction").click()
    page.locator("#id_transactions-0-type").select_option("3")
    page.locator("#id_transactions-0-date").fill("2015-06-01")
    page.locator("#id_transactions-0-value").fill("45000")
    page.locator("#id_transactions-0-currency").select_option("USD")
    page.locator("#id_transactions-0-value_date").fill("2015-06-01")
    page.locator("#id_transactions-0-receiver_name").fill("Jinja municipal council")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    page.context.clear_cookies()
    assert page.goto(programme.get_absolute_url()).ok
    money = page.locator("section[aria-labelledby=money]")
    expect(money.get_by_role("img", name="Budget and spending by year, in USD")).to_be_visible()
    expect(money.locator("table.data").first).to_contain_text("USD 120,000")
    expect(money.locator("table.data").first).to_contain_text("USD 45,000")
    expect(money).to_contain_text("→ Jinja municipal council")


def test_the_home_and_country_pages_chart_spending_per_currency(page, axe_script):
    """Spending recorded for a published programme shows on the home page and on its
    country's page: a chart per currency (drawn under the CSP) with its table; axe passes."""
    programme = Programme.objects.published().filter(countries__iso2="UG").first()
    for value, kind, currency in (("45000", "3", "USD"), ("3000", "4", "EUR")):
        factories.TransactionFactory(
            programme=programme, value=Decimal(value), type=kind, currency=currency
        )

    for url in ("/", "/countries/UG/"):
        assert page.goto(url).ok
        money = page.locator("section[aria-labelledby=spending-title]")
        for currency in ("USD", "EUR"):
            expect(
                money.get_by_role(
                    "img", name=f"Committed, disbursed and spent by year, in {currency}"
                )
            ).to_be_visible()
        table = money.locator("table.data", has_text="by year, in USD")
        expect(table).to_contain_text("2015")
        expect(table).to_contain_text("USD 45,000")
        expect(money.locator("table.data", has_text="by year, in EUR")).to_contain_text("EUR 3,000")
        page.evaluate(axe_script.read_text())
        results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        blocking = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
        assert not blocking, (url, blocking)
