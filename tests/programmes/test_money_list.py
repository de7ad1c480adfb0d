"""The programme list by budget and by spending, on the site and in the API: one currency at a
time (``currency``, US dollars by default), the budget the programme's page shows, programmes
without the amount last when sorted and left out of a range, strict parameters, and nothing
of an unpublished programme."""

import datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from programmes.selectors import programme_facets
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def money():
    """Programmes known by budgets by period, by a single total, by spending only, in
    euros, and with nothing; a draft with the largest figures of all."""
    theme = factories.ThemeFactory(slug="gender")
    made = {}
    for name, total, currency in (
        ("revised", None, ""),
        ("total", "3000000", "USD"),
        ("spender", None, ""),
        ("euros", "9000000", "EUR"),
        ("nothing", None, ""),
    ):
        made[name] = factories.ProgrammeFactory(
            published=True, slug=name, title=name.title(), budget=total, currency=currency
        )
        made[name].themes.add(theme)
    for value, kind in (("1000000", "1"), ("4000000", "2")):
        factories.BudgetFactory(programme=made["revised"], value=Decimal(value), type=kind)
    factories.BudgetFactory(
        programme=made["revised"],
        value=Decimal("500000"),
        period_start=datetime.date(2016, 1, 1),
        period_end=datetime.date(2016, 12, 31),
    )
    for programme, value, kind in (
        (made["revised"], "700000", "3"),
        (made["revised"], "100000", "4"),
        (made["spender"], "2000000", "4"),
        (made["total"], "9999999", "2"),  # a commitment is not spending
    ):
        factories.TransactionFactory(programme=programme, value=Decimal(value), type=kind)
    factories.TransactionFactory(
        programme=made["euros"], value=Decimal("10"), type="3", currency="EUR"
    )
    draft = factories.ProgrammeFactory(slug="draft", budget=Decimal("99000000"), currency="USD")
    draft.themes.add(theme)
    factories.TransactionFactory(programme=draft, value=Decimal("99000000"))
    return made


def slugs(client, query: str) -> list[str]:
    response = client.get(f"/api/v1/programmes/?{query}")
    assert response.status_code == 200, response.json()
    return [row["slug"] for row in response.json()["results"]]


def test_the_api_sorts_by_budget_and_spending_in_one_currency(money):
    api = APIClient()
    # revised: 4,000,000 (the revision of 2015) + 500,000 (2016); total: its single figure.
    # Without a US-dollar budget, by id in the direction of the ordering.
    assert slugs(api, "ordering=-budget") == ["revised", "total", "nothing", "euros", "spender"]
    assert slugs(api, "ordering=budget") == ["total", "revised", "spender", "euros", "nothing"]
    assert slugs(api, "ordering=-spent") == ["spender", "revised", "nothing", "euros", "total"]
    assert slugs(api, "ordering=-budget&currency=EUR")[:1] == ["euros"]
    assert slugs(api, "ordering=-spent&currency=EUR")[:1] == ["euros"]


def test_the_api_ranges_leave_out_programmes_without_the_amount(money):
    api = APIClient()
    assert slugs(api, "budget_min=4500000") == ["revised"]
    assert slugs(api, "budget_min=1&budget_max=4499999.99") == ["total"]
    assert slugs(api, "spent_min=800000&ordering=spent") == ["revised", "spender"]
    assert slugs(api, "spent_max=0") == []
    assert slugs(api, "budget_min=0&currency=EUR") == ["euros"]
    assert slugs(api, "budget_min=0&spent_min=0") == ["revised"]
    # Alone, the currency narrows nothing.
    assert len(slugs(api, "currency=EUR")) == 5


def test_bad_money_parameters_are_400s_that_name_them(money):
    api = APIClient()
    for query, parameter in (
        ("budget_min=lots", "budget_min"),
        ("budget_max=NaN", "budget_max"),
        ("spent_min=1e999999", "spent_min"),
        ("spent_max=", None),  # empty: no bound
        ("currency=usd", "currency"),
        ("currency=XYZ", "currency"),
        ("ordering=-spending", "ordering"),
    ):
        response = api.get(f"/api/v1/programmes/?{query}")
        if parameter is None:
            assert response.status_code == 200, query
            continue
        assert response.status_code == 400, query
        assert list(response.json()["errors"]) == [parameter], response.json()


def test_the_site_list_sorts_filters_and_shows_the_amounts(client, money):
    response = client.get("/programmes/?sort=-spent&budget_min=1")
    assert [p.slug for p in response.context["page"]] == ["revised", "total"]
    content = response.content.decode()
    assert "budget USD 4,500,000" in content and "USD 800,000 disbursed and spent" in content
    assert "budget USD 3,000,000" in content
    assert 'name="budget_min" type="number" step="any" inputmode="decimal" value="1"' in content
    assert '<option value="USD" selected>USD</option>' in content
    # Only the currencies of published programmes' money are offered (the chosen one too).
    assert response.context["money"]["currencies"] == ["EUR", "USD"]
    assert "99,000,000" not in content
    bad = client.get("/programmes/?budget_min=lots&sort=-budget")
    assert "Some filters could not be used and were ignored: Budget from." in bad.content.decode()
    assert bad.context["page"].paginator.count == 5


def test_facets_count_with_the_money_ranges(money):
    facets = programme_facets(filters={"spent_min": "1"}, selected={})
    assert {value.value: value.count for value in facets["theme"]} == {"gender": 2}
    facets = programme_facets(filters={"currency": "EUR"}, selected={})
    assert {value.value: value.count for value in facets["theme"]} == {"gender": 5}
