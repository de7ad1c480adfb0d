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
