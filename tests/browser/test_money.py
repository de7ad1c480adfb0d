"""Money in Chromium: a Publisher enters a published programme's yearly budget and a
disbursement in the admin's inlines, and the public page shows the budget against spending,
chart and table, under the Content-Security-Policy (the page fixture fails on a refusal)."""

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
