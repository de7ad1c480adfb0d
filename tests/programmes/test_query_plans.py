"""The query plans of the programme lists, asserted with EXPLAIN on PostgreSQL.

The test portfolio is large enough (4,000 programmes, analysed) for the planner to choose as
it would in production: an ordering reads its index in order with no Sort, a search reads the
stored vector through its GIN index, a rare filter goes through the link table's index, and
neither counts nor facet counts need DISTINCT.
"""

import datetime
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from finances.models import Transaction
from programmes.models import Programme, ProgrammePartner
from programmes.selectors import PROGRAMME_FACETS, programme_list, programme_vocabulary
from publishing.models import PublicationStatus
from publishing.paging import nulls_last_runs
from tests import factories

pytestmark = pytest.mark.django_db

SIZE = 4000
WORDS = [
    "water",
    "housing",
    "tenure",
    "transport",
    "waste",
    "energy",
    "finance",
    "planning",
    "markets",
    "data",
]


@pytest.fixture
def portfolio():
    rng = random.Random(4)
    instrument = factories.InstrumentFactory()
    themes = [factories.ThemeFactory() for _ in range(6)]
    rare_theme = factories.ThemeFactory(slug="rare-theme")
    countries = [factories.CountryFactory() for _ in range(30)]
    published_at = timezone.now() - datetime.timedelta(days=1)
    programmes = Programme.objects.bulk_create(
        Programme(
            instrument=instrument,
            iati_identifier=f"XX-PLAN-{n}",
            title=" ".join(rng.choices(WORDS, k=4)) + f" {n}",
            slug=f"plan-{n}",
            summary=" ".join(rng.choices(WORDS, k=12)),
            description=" ".join(rng.choices(WORDS, k=40)) + (" zanzibar" if n % 400 == 0 else ""),
            activity_status=rng.choice("123456"),
            planned_start=datetime.date(2000 + n % 25, 1 + n % 12, 1),
            actual_start=datetime.date(2000 + n % 25, 1, 1) if n % 2 else None,
            budget=None if n % 5 == 0 else 1000 * rng.randint(1, 10_000),
            currency="EUR" if n % 50 == 0 else "USD",
            status=PublicationStatus.PUBLISHED if n % 10 else PublicationStatus.DRAFT,
            published_at=published_at if n % 10 else None,
        )
        for n in range(SIZE)
    )
    Themes, Countries = Programme.themes.through, Programme.countries.through
    Themes.objects.bulk_create(
        Themes(programme=p, theme=theme)
        for n, p in enumerate(programmes)
        for theme in ([rare_theme] if n % 200 == 0 else rng.sample(themes, 2))
    )
    Countries.objects.bulk_create(
        Countries(programme=p, country=country)
        for p in programmes
        for country in rng.sample(countries, 2)
    )
    organisations = [factories.OrganisationFactory() for _ in range(40)]
    ProgrammePartner.objects.bulk_create(
        ProgrammePartner(programme=p, organisation=organisation, role=role)
        for p in programmes
        for organisation, role in zip(rng.sample(organisations, 2), ("1", "4"), strict=True)
    )
    Transaction.objects.bulk_create(
        Transaction(
            programme=p,
            type=rng.choice("34"),
            date=datetime.date(2020, 1 + n % 12, 1),
            value=rng.randint(1, 500_000),
            currency="USD",
            value_date=datetime.date(2020, 1, 1),
        )
        for p in programmes
        if p.pk % 3
        for n in range(3)
    )
    with connection.cursor() as cursor:
        # What autovacuum does after a bulk insert: the GIN index's pending list merged in.
        cursor.execute("SELECT gin_clean_pending_list('programme_search_vector_gin')")
        cursor.execute("ANALYZE")
    return {"countries": countries, "themes": themes}


def plan(queryset_or_sql) -> str:
    if isinstance(queryset_or_sql, str):
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {queryset_or_sql}")
            return "\n".join(row[0] for row in cursor.fetchall())
    return queryset_or_sql.explain()


ORDERINGS = [
    ("", "programme_title_idx"),
    ("title", "programme_title_idx"),
    ("-title", "programme_title_idx"),
    ("start", "programme_start_idx"),
    ("-start", "programme_start_desc_idx"),
    ("updated_at", "programme_updated_idx"),
    ("-updated_at", "programme_updated_idx"),
    ("published_at", "programme_published_idx"),
    ("-published_at", "programme_published_desc_idx"),
]


def test_every_ordering_reads_an_index_in_order(portfolio):
    for ordering, index in ORDERINGS:
        filters = {"ordering": ordering} if ordering else {}
        text = plan(programme_list(filters=filters)[:20])
        assert index in text and "Sort" not in text, f"ordering={ordering!r}:\n{text}"
        text = plan(programme_list(filters=filters)[200:220])  # page 11
        assert index in text and "Sort" not in text, f"ordering={ordering!r}, page 11:\n{text}"
    cursor_walk = Programme.objects.published().order_by("updated_at", "id")[:100]
    text = plan(cursor_walk)
    assert "programme_updated_idx" in text and "Sort" not in text, text


MONEY_ORDERINGS = [
    ("budget", "programme_money_budget_idx"),
    ("-budget", "programme_money_budget_desc"),
    ("spent", "programme_money_spent_idx"),
    ("-spent", "programme_money_spent_desc"),
]


def test_money_orderings_read_both_runs_in_index_order(portfolio):
    """By budget or spending in a currency: the programmes with the amount through the money
    table's index, in order (the outer join made inner), then the others by id through the
    programme's primary key; the list is never sorted, on page 1 or page 11."""
    for ordering, index in MONEY_ORDERINGS:
        for filters in ({"ordering": ordering}, {"ordering": ordering, "currency": "EUR"}):
            first, rest = nulls_last_runs(programme_list(filters=filters))
            for page in (slice(0, 20), slice(200, 220)):
                text = plan(first.values_list("pk", flat=True)[page])
                assert index in text and "Sort" not in text, f"{filters}, {page}:\n{text}"
                assert "Left Join" not in text, text
                text = plan(rest.values_list("pk", flat=True)[page])
                # (the few money rows it leaves out may be sorted to be merged away)
                assert "programmes_programme_pkey" in text, text
                assert "Sort Key: programmes_programme" not in text, text


def test_money_ranges_go_through_the_money_indexes(portfolio):
    """A narrow range reads the money rows in it through an ordering index, then the
    programmes by their key; the rows are the programmes in the range."""
    for filters, column, index in (
        ({"budget_min": "9500000"}, "budget__gte", "programme_money_budget"),
        ({"spent_max": "100000"}, "spent__lte", "programme_money_spent"),
    ):
        queryset = programme_list(filters=filters)
        text = plan(queryset)
        assert index in text and "Seq Scan on programmes_programme" not in text, text
        bound = int(next(iter(filters.values())))
        expected = Programme.objects.published().filter(
            money__currency="USD", **{f"money__{column}": bound}
        )
        assert set(queryset) == set(expected) and expected.exists()
    both = programme_list(filters={"budget_min": "5000000", "spent_max": "400000"})
    expected = (
        Programme.objects.published()
        .filter(money__currency="USD", money__budget__gte=5_000_000)
        .filter(money__currency="USD", money__spent__lte=400_000)
    )
    assert set(both) == set(expected) and expected.exists()


def test_search_reads_the_stored_vector_through_its_gin_index(portfolio):
    queryset = programme_list(filters={"search": "zanzibar"})
    text = plan(queryset)
    assert "programme_search_vector_gin" in text, text
    # The stored vector is read, never rebuilt from the text columns of each row.
    assert "to_tsvector" not in str(queryset.query) and "to_tsvector" not in text
    assert (
        queryset.count()
        == Programme.objects.published().filter(description__contains="zanzibar").count()
    )


def test_filters_go_through_link_table_indexes_and_counts_fetch_no_rows(portfolio):
    queryset = programme_list(filters={"theme": "rare-theme"})
    text = plan(queryset)
    assert "programmes_programme_themes_theme_id" in text, text
    with CaptureQueriesContext(connection) as queries:
        count = queryset.count()
    (sql,) = [query["sql"] for query in queries.captured_queries]
    assert sql.startswith("SELECT COUNT(*)") and "DISTINCT" not in sql, sql
    country = portfolio["countries"][0]
    both = programme_list(filters={"theme": portfolio["themes"][0].slug, "country": country.iso2})
    with CaptureQueriesContext(connection) as queries:
        both.count()
    assert "DISTINCT" not in queries.captured_queries[0]["sql"]
    assert count == Programme.objects.published().filter(themes__slug="rare-theme").count()


def test_facet_counts_group_without_distinct(portfolio):
    vocabulary = programme_vocabulary({"theme": "rare-theme", "status": "2"})
    for facet in PROGRAMME_FACETS:
        queryset = vocabulary.apply(Programme.objects.published(), skip={facet.name})
        with CaptureQueriesContext(connection) as queries:
            facet.count(queryset)
        # The count, then (for values with labels) one query for the labels of what it found.
        sql = queries.captured_queries[0]["sql"]
        assert len(queries) <= 2, queries.captured_queries
        # Only partners (an organisation in two roles) and regions (two countries of one
        # region) can reach a value twice for one programme.
        assert ("DISTINCT" in sql) == facet.distinct, f"{facet.name}: {sql}"
        assert ("DISTINCT" in sql) == (facet.name in ("organisation", "region"))
        if facet.name != "theme":
            text = plan(sql)
            assert "programmes_programme_themes_theme_id" in text, f"{facet.name}:\n{text}"
