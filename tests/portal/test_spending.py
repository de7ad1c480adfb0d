"""The home, theme and country pages show what published programmes and JWPs committed,
disbursed and spent: by year, theme and country, one chart and table per currency, never an
unpublished activity's money, an honest empty state, and a fixed number of queries."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.selectors import COUNTRIES_SHOWN
from tests import factories

pytestmark = pytest.mark.django_db


class Money:
    """Published programmes in two countries and two themes, a published JWP of one theme,
    and drafts whose money must never count."""

    def __init__(self):
        self.water = factories.ThemeFactory(slug="water", name="Water", order=2)
        self.gender = factories.ThemeFactory(slug="gender", name="Gender", order=1)
        self.uganda = factories.CountryFactory(iso2="UG", iso3="UGA", name="Uganda")
        self.tunisia = factories.CountryFactory(iso2="TN", iso3="TUN", name="Tunisia")
        self.kampala = self.programme([self.gender], [self.uganda])
        self.both = self.programme([self.gender, self.water], [self.uganda, self.tunisia])
        self.jwp = factories.JointWorkProgrammeFactory(published=True)
        self.jwp.themes.add(self.gender)
        for activity, value, kind, currency, year in (
            ({"programme": self.kampala}, "100", "3", "USD", 2015),
            ({"programme": self.kampala}, "-130", "3", "USD", 2016),  # a correction
            ({"programme": self.kampala}, "40", "4", "USD", 2016),
            ({"programme": self.kampala}, "999", "1", "USD", 2016),  # incoming: not spending
            ({"programme": self.both}, "70", "3", "EUR", 2015),
            ({"programme": self.both}, "500", "2", "USD", 2015),
            ({"programme": None, "jwp": self.jwp}, "7", "4", "USD", 2016),
        ):
            factories.TransactionFactory(
                **activity,
                value=Decimal(value),
                type=kind,
                currency=currency,
                date=datetime.date(year, 6, 1),
                value_date=datetime.date(year, 6, 1),
            )
        draft = self.programme([self.gender], [self.uganda], published=False)
        factories.TransactionFactory(programme=draft, value=Decimal("123456789"))
        draft_jwp = factories.JointWorkProgrammeFactory()
        draft_jwp.themes.add(self.gender)
        factories.TransactionFactory(programme=None, jwp=draft_jwp, value=Decimal("123456789"))

    def programme(self, themes, countries, published=True):
        programme = factories.ProgrammeFactory(published=published)
        programme.themes.add(*themes)
        programme.countries.add(*countries)
        return programme

    def grow(self):
        """More programmes, countries, years and currencies: the same queries."""
        for n in range(COUNTRIES_SHOWN + 3):
            programme = self.programme([self.water], [factories.CountryFactory()])
            for year, currency in ((2010 + n, "USD"), (2011, "GBP")):
                factories.TransactionFactory(
                    programme=programme,
                    currency=currency,
                    date=datetime.date(year, 1, 1),
                    value_date=datetime.date(year, 1, 1),
                )


def tables(response) -> dict[str, dict[str, list]]:
    """{breakdown: {currency: [(label, committed, disbursed, spent)]}} of the page's context."""
    return {
        section.name: {
            table.currency: [
                (row.label, row.committed, row.disbursed, row.spent) for row, _url in table.rows
            ]
            for table in section.tables
        }
        for section in response.context["spending"]
    }


D = Decimal


def test_the_home_page_shows_spending_by_year_theme_and_country_per_currency(client):
    Money()
    response = client.get("/")
    shown = tables(response)
    assert shown["year"] == {
        "EUR": [("2015", None, D("70.00"), None)],
        "USD": [("2015", D("500.00"), D("100.00"), None), ("2016", None, D("-130.00"), D("47.00"))],
    }
    # The JWP counts under its theme; a programme of two themes in each; in the themes' order.
    assert shown["theme"] == {
        "EUR": [("Gender", None, D("70.00"), None), ("Water", None, D("70.00"), None)],
        "USD": [
            ("Gender", D("500.00"), D("-30.00"), D("47.00")),
            ("Water", D("500.00"), None, None),
        ],
    }
    # The countries that disbursed and spent most first.
    assert shown["country"]["USD"] == [
        ("Uganda", D("500.00"), D("-30.00"), D("40.00")),
        ("Tunisia", D("500.00"), None, None),
    ]
    content = response.content.decode()
    assert "123,456,789" not in content  # the drafts' money
    # One chart per breakdown and currency; a negative sum has a row but no bar.
    charts = re.findall(r'data-chart="(spending-[a-z-]+)"', content)
    assert charts == [
        "spending-year-eur",
        "spending-year-usd",
        "spending-theme-eur",
        "spending-theme-usd",
        "spending-country-eur",
        "spending-country-usd",
    ]
    [year_usd] = [
        table.chart
        for section in response.context["spending"]
        for table in section.tables
        if table.chart.id == "spending-year-usd"
    ]
    assert [bar.label for bar in year_usd.bars] == [
        "2015 committed",
        "2015 disbursed",
        "2016 spent",
    ]
    assert 'href="/countries/UG/"' in content and 'href="/themes/gender/"' in content


def test_a_theme_and_a_country_page_show_their_own_spending(client):
    money = Money()
    theme = tables(client.get(money.water.get_absolute_url()))
    assert theme["year"] == {
        "EUR": [("2015", None, D("70.00"), None)],
        "USD": [("2015", D("500.00"), None, None)],
    }
    assert theme["country"]["USD"] == [
        ("Tunisia", D("500.00"), None, None),
        ("Uganda", D("500.00"), None, None),
    ]
    assert "theme" not in theme
    # Programmes only: a JWP has no country.
    country = tables(client.get("/countries/TN/"))
    assert country["year"] == theme["year"]
    assert set(country) == {"year", "theme"}
    assert [row[0] for row in country["theme"]["USD"]] == ["Gender", "Water"]
    uganda = tables(client.get("/countries/UG/"))
    assert uganda["year"]["USD"] == [
        ("2015", D("500.00"), D("100.00"), None),
        ("2016", None, D("-130.00"), D("40.00")),
    ]


def test_nothing_recorded_says_so(client):
    theme = factories.ThemeFactory()
    programme = factories.ProgrammeFactory(published=True)
    programme.themes.add(theme)
    response = client.get(theme.get_absolute_url())
    assert response.context["spending"] == []
    assert (
        "No commitment, disbursement or expenditure is recorded for the published programmes "
        "and Joint Work Programmes of this theme yet." in response.content.decode()
    )
    home = client.get("/").content.decode()
    assert "No commitment, disbursement or expenditure is recorded" in home
    assert 'data-chart="spending-' not in home


def test_the_largest_countries_are_shown_and_the_rest_counted(client):
    money = Money()
    money.grow()
    [table] = [
        table
        for section in client.get("/").context["spending"]
        if section.name == "country"
        for table in section.tables
        if table.currency == "USD"
    ]
    assert len(table.rows) == COUNTRIES_SHOWN and table.more == 2 + 3


@pytest.mark.parametrize("url", ["/", "/themes/gender/", "/countries/UG/"])
def test_the_spending_costs_the_same_queries_whatever_the_data(client, url):
    """n+1 risk: a query per year, theme, country or currency."""
    money = Money()

    def measure():
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return queries

    few = measure()
    money.grow()
    many = measure()
    assert len(many) == len(few), "\n".join(query["sql"] for query in many.captured_queries)
