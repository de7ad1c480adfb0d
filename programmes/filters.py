"""The programme filter vocabulary: what every programme list understands, on the site
(``/programmes/`` and its CSV), in the API (``/api/v1/programmes/``, its CSV, the IATI file)
and in export jobs. ``selectors.programme_list`` applies it; nothing else filters programmes.

Several values of one filter combine with OR (``theme=gender,migration``), different filters
with AND. Bad names and values are ValidationErrors naming the parameter.
"""

import datetime

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, FilteredRelation, Q, QuerySet
from django.db.models.functions import Coalesce

from publishing.filters import (
    CheckedListField,
    ChoiceListFilter,
    RelatedListFilter,
    UTCDateTimeFilter,
    Vocabulary,
)
from windows.models import FundingWindow, Instrument, Theme

from .iati_codes import ActivityStatus, Currency, OrganisationRole, OrganisationType, Region
from .models import Country, Organisation, Programme, ProgrammeMoney, ProgrammePartner

SEARCH_CONFIG = "english"
SEARCH_FIELDS = ("title", "summary", "description")
# The start a programme shows: the actual one, else the planned one (an expression index).
START = Coalesce("actual_start", "planned_start")
FIRST_YEAR, LAST_YEAR = 1990, 2100
# Money is sorted and ranged in one currency at a time (amounts in different currencies are
# never compared): this one unless ``currency`` names another. The portfolio's budgets are
# in US dollars.
DEFAULT_CURRENCY = Currency.USD
# Orderings on a programme's money (``ProgrammeMoney``) in that currency.
MONEY_ORDERINGS = ("budget", "spent")
MONEY_IN_CURRENCY = "money_in_currency"


def programme_search(queryset: QuerySet, text: str) -> QuerySet:
    """Full-text search: on PostgreSQL the stored, weighted ``search_vector`` (GIN-indexed;
    title counts most, then the summary, then the description) with a ``rank``; elsewhere
    (SQLite in ``make run``) every word must appear in one of the fields."""
    text = text.strip()
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
        return queryset.filter(search_vector=query).annotate(
            rank=SearchRank(F("search_vector"), query)
        )
    for word in text.split():
        match = Q()
        for field in SEARCH_FIELDS:
            match |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(match)
    return queryset


class CharListFilter(django_filters.BaseInFilter, django_filters.CharFilter):
    """Any of several comma-separated values, with no check that each exists (a check would
    tell an anonymous client which draft slugs exist)."""


class StartYearFilter(django_filters.BaseInFilter, django_filters.NumberFilter):
    """``year=2016,2019``: programmes starting in any of these years (the start they show),
    as date ranges the start index serves."""

    base_field_class = CheckedListField
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=FIRST_YEAR, max_value=LAST_YEAR, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        condition = Q()
        for year in value:
            condition |= Q(
                start_on__gte=datetime.date(year, 1, 1), start_on__lt=datetime.date(year + 1, 1, 1)
            )
        return qs.alias(start_on=START).filter(condition)


class MoneyFilter(django_filters.NumberFilter):
    """A bound of a money range: a decimal the money columns can hold (20 digits, 2 of them
    after the point), so a value too large is a 400 that names it, not the database's
    overflow."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, method="filter_money", max_digits=20, decimal_places=2, **kwargs)


def money_currency(values: dict) -> str:
    return values.get("currency") or DEFAULT_CURRENCY


class ProgrammeOrdering(django_filters.OrderingFilter):
    """Each ordering has an index that gives its rows in order (``Programme.Meta.indexes``):
    empty values last either way, ties broken by the primary key in the same direction.

    ``budget`` and ``spent`` order by the programme's money in one currency (``currency``, US
    dollars by default): the programmes with that amount in it, in order, then the others
    (no such amount, or money in other currencies only) by id. The list's paginator reads
    the two runs from their own indexes (``publishing.paging``)."""

    def filter(self, qs, value):
        if not value:
            return qs
        ordering = []
        for param in value:
            descending = param.startswith("-")
            name = self.param_map[param.lstrip("-")]
            if name in MONEY_ORDERINGS:
                currency = money_currency(self.parent.form.cleaned_data)
                qs = qs.alias(
                    **{
                        MONEY_IN_CURRENCY: FilteredRelation(
                            "money", condition=Q(money__currency=currency)
                        )
                    }
                )
                expression, nulls_last = F(f"{MONEY_IN_CURRENCY}__{name}"), True
            else:
                expression = START if name == "start" else F(name)
                # NULLS LAST only where there can be nulls: an index of a NOT NULL column
                # read backwards gives NULLS FIRST, which PostgreSQL would not take for
                # NULLS LAST.
                nulls_last = name == "start" or Programme._meta.get_field(name).null or None
            ordering.append(
                expression.desc(nulls_last=nulls_last)
                if descending
                else expression.asc(nulls_last=nulls_last)
            )
        return qs.order_by(*ordering, "-pk" if value[-1].startswith("-") else "pk")


class ProgrammeFilter(Vocabulary):
    """Several values of one filter combine with OR (``theme=gender,migration``); different
    filters combine with AND. ``currency`` only says in which currency the money orderings and
    ranges are."""

    not_narrowing = frozenset({"ordering", "currency"})

    slug = CharListFilter(
        field_name="slug", lookup_expr="in", help_text="Programme slugs: these programmes only."
    )
    window = RelatedListFilter(
        path="instrument__window",
        model=FundingWindow,
        to_fields=("code", "slug"),
        help_text="Window codes: country-city, global.",
    )
    instrument = RelatedListFilter(
        path="instrument", model=Instrument, help_text="Instrument slugs."
    )
    theme = RelatedListFilter(path="themes", model=Theme, help_text="Theme slugs.")
    country = RelatedListFilter(
        path="countries",
        model=Country,
        to_fields=("iso2",),
        upper=True,
        help_text="ISO 3166-1 alpha-2 codes.",
    )
    region = ChoiceListFilter(
        path="countries__region", choices=Region.choices, help_text="IATI Region codes."
    )
    status = ChoiceListFilter(
        path="activity_status",
        choices=ActivityStatus.choices,
        help_text="IATI ActivityStatus codes.",
    )
    organisation = RelatedListFilter(
        path="partners__organisation",
        model=Organisation,
        help_text="Slugs of participating organisations.",
    )
    role = ChoiceListFilter(
        path="partners__role",
        choices=OrganisationRole.choices,
        help_text="IATI OrganisationRole codes; with organisation, the role it plays.",
    )
    year = StartYearFilter(
        field_name="start_year",
        help_text="Start years (the actual start, else the planned one), e.g. 2016,2019.",
    )
    start_after = django_filters.DateFilter(
        method="filter_start_after", help_text="Starts on or after this date (YYYY-MM-DD)."
    )
    start_before = django_filters.DateFilter(
        method="filter_start_before", help_text="Starts on or before this date."
    )
    end_after = django_filters.DateFilter(
        method="filter_end_after", help_text="Ends on or after this date."
    )
    end_before = django_filters.DateFilter(
        method="filter_end_before", help_text="Ends on or before this date."
    )
    updated_since = UTCDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Changed at or after this ISO 8601 time, e.g. 2026-01-31T00:00:00Z.",
    )
    search = django_filters.CharFilter(
        method="filter_search", max_length=200, help_text="Full-text search."
    )
    currency = django_filters.ChoiceFilter(
        choices=Currency.choices,
        method="filter_currency",
        help_text="ISO 4217: the currency of the budget and spending orderings and ranges "
        "(USD when not given). Alone it filters nothing.",
    )
    budget_min = MoneyFilter(
        help_text="A budget of at least this, in currency (the latest revision of each "
        "budget period, summed; or the single total of a programme without budgets by "
        "period). Programmes without a budget in currency are left out.",
    )
    budget_max = MoneyFilter(help_text="A budget of at most this, in currency.")
    spent_min = MoneyFilter(
        help_text="Disbursed and spent (disbursements and expenditure) at least this, in "
        "currency. Programmes with no spending in currency are left out.",
    )
    spent_max = MoneyFilter(help_text="Disbursed and spent at most this, in currency.")
    ordering = ProgrammeOrdering(
        fields=(
            ("title", "title"),
            ("budget", "budget"),
            ("spent", "spent"),
            ("updated_at", "updated_at"),
            ("start", "start"),
            ("published_at", "published_at"),
        ),
        help_text="title, budget, spent, start, updated_at, published_at; prefix - for "
        "descending. budget and spent are in currency; programmes without that amount come "
        "last either way.",
    )

    class Meta:
        model = Programme
        fields = []

    def apply(self, queryset, *, skip=()):
        values = self.cleaned()
        organisations, roles = values.get("organisation"), values.get("role")
        if organisations and roles and not {"organisation", "role"} & set(skip):
            # Both given: the organisation plays one of these roles (the same partner row).
            queryset = queryset.filter(
                pk__in=ProgrammePartner.objects.filter(
                    organisation__in=organisations, role__in=roles
                ).values("programme")
            )
            skip = {*skip, "organisation", "role"}
        return super().apply(queryset, skip=skip)

    def filter_start_after(self, queryset, name, value):
        return queryset.alias(start_on=START).filter(start_on__gte=value)

    def filter_start_before(self, queryset, name, value):
        return queryset.alias(start_on=START).filter(start_on__lte=value)

    def filter_end_after(self, queryset, name, value):
        return queryset.filter(
            Q(actual_end__gte=value) | Q(actual_end=None, planned_end__gte=value)
        )

    def filter_end_before(self, queryset, name, value):
        return queryset.filter(
            Q(actual_end__lte=value) | Q(actual_end=None, planned_end__lte=value)
        )

    def filter_search(self, queryset, name, value):
        return programme_search(queryset, value)

    def filter_currency(self, queryset, name, value):
        return queryset  # the unit of the money filters and orderings, read by them

    def filter_money(self, queryset, name, value):
        """``budget_min`` and the others: a semi-join on the programme's money in currency,
        which the ordering indexes of ``ProgrammeMoney`` serve index-only."""
        column, bound = name.rsplit("_", 1)
        rows = ProgrammeMoney.objects.filter(
            currency=money_currency(self.form.cleaned_data),
            **{f"{column}__{'gte' if bound == 'min' else 'lte'}": value},
        )
        return queryset.filter(pk__in=rows.values("programme"))


class OrganisationFilter(Vocabulary):
    type = django_filters.ChoiceFilter(
        field_name="org_type", choices=OrganisationType.choices, help_text="IATI OrganisationType."
    )
    member = django_filters.BooleanFilter(field_name="is_member")
    search = django_filters.CharFilter(method="filter_search", max_length=200)

    class Meta:
        model = Organisation
        fields = []

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(acronym__icontains=value))
