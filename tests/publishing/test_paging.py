"""Deep pages read ids first and then their rows: the same items, in the same order, as the
plain offset, and the page still carries what the list prefetches."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programmes.selectors import programme_list
from publishing import paging
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_deep_page_holds_what_the_offset_would(monkeypatch):
    monkeypatch.setattr(paging, "DEEP", 3)
    theme = factories.ThemeFactory()
    for n in range(12):
        programme = factories.ProgrammeFactory(published=True, title=f"Programme {n % 5} {n}")
        programme.themes.add(theme)
    for filters in ({}, {"ordering": "-budget"}, {"search": "programme"}):
        queryset = programme_list(filters=filters)
        for number in (1, 2, 3):
            plain = list(Paginator(queryset, 4).page(number))
            deep = paging.ListPaginator(queryset, 4).page(number)
            assert list(deep) == plain, (filters, number)
    page = paging.ListPaginator(programme_list(), 4).page(3)
    with CaptureQueriesContext(connection) as queries:
        assert all(list(programme.themes.all()) == [theme] for programme in page)
    assert len(queries) == 0  # prefetched with the page


def test_a_list_ordered_by_money_reads_in_two_runs_the_same_rows_as_the_plain_order():
    """Sorted by budget or spending in a currency, the programmes with that amount come in
    its order, then the others by id, either way: page by page as the plain ``ORDER BY``
    would give them, each page in a bounded number of queries."""
    values = [None, "5", "5", "70", None, "12", "-3", "40", None, "12", "8"]
    for n, value in enumerate(values):
        programme = factories.ProgrammeFactory(
            published=True,
            budget=None if value is None else abs(int(value)) * 1000,
            currency="USD" if n % 4 else "EUR",
        )
        if value is not None:
            factories.TransactionFactory(programme=programme, value=value)
    factories.ProgrammeFactory(published=False, budget=99_000_000)  # never listed
    for filters in (
        {"ordering": "-budget"},
        {"ordering": "budget"},
        {"ordering": "-spent"},
        {"ordering": "spent", "currency": "EUR"},
        {"ordering": "-budget", "budget_min": "6000"},
    ):
        queryset = programme_list(filters=filters)
        assert paging.nulls_last_runs(queryset) is not None
        whole = list(queryset)
        assert len(whole) == queryset.count()
        for size in (1, 3, 4, 20):
            pages = []
            for number in paging.ListPaginator(queryset, size).page_range:
                with CaptureQueriesContext(connection) as queries:
                    page = paging.ListPaginator(queryset, size).page(number)
                pages.extend(page)
                # the count, at most three for ids, the rows, their two prefetches
                assert len(queries) <= 7, [query["sql"] for query in queries.captured_queries]
            assert pages == whole, (filters, size)
    # Programmes without the amount come last, by id in the direction of the ordering.
    ordered = list(programme_list(filters={"ordering": "-budget"}))
    budgets = [programme.budget if programme.currency == "USD" else None for programme in ordered]
    known = [budget for budget in budgets if budget is not None]
    assert budgets == known + [None] * (len(budgets) - len(known))
    assert known == sorted(known, reverse=True)
    tail = [programme.pk for programme in ordered[len(known) :]]
    assert tail == sorted(tail, reverse=True)
