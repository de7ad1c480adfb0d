import django_filters
from django.db.models import Q

from programmes.iati_codes import ActivityStatus, OrganisationRole, OrganisationType, Region
from programmes.models import Country, Organisation, Programme
from programmes.selectors import programme_search
from publishing.api.filters import (
    ChoiceListFilter,
    NamedFilterSet,
    SlugListFilter,
    UTCDateTimeFilter,
)
from windows.models import FundingWindow, Instrument, Theme


class CharInFilter(django_filters.BaseInFilter, django_filters.CharFilter):
    """Any of several comma-separated values, with no check that each exists (a check would
    tell an anonymous client which draft slugs exist)."""


class ProgrammeFilter(NamedFilterSet):
    """Several values of one filter combine with OR (``theme=gender,migration``); different
    filters combine with AND."""

    slug = CharInFilter(
        field_name="slug", lookup_expr="in", help_text="Programme slugs: these programmes only."
    )
    window = SlugListFilter(
        field_name="instrument__window__code",
        model=FundingWindow,
        to_field="code",
        help_text="Window codes: country-city, global.",
    )
    instrument = SlugListFilter(
        field_name="instrument__slug", model=Instrument, help_text="Instrument slugs."
    )
    theme = SlugListFilter(field_name="themes__slug", model=Theme, help_text="Theme slugs.")
    country = SlugListFilter(
        field_name="countries__iso2",
        model=Country,
        to_field="iso2",
        help_text="ISO 3166-1 alpha-2 codes.",
    )
    region = ChoiceListFilter(
        field_name="countries__region", choices=Region.choices, help_text="IATI Region codes."
    )
    status = ChoiceListFilter(
        field_name="activity_status",
        choices=ActivityStatus.choices,
        help_text="IATI ActivityStatus codes.",
    )
    organisation = SlugListFilter(
        field_name="partners__organisation__slug",
        model=Organisation,
        help_text="Slugs of participating organisations.",
    )
    role = ChoiceListFilter(
        field_name="partners__role",
        choices=OrganisationRole.choices,
        help_text="IATI OrganisationRole codes; with organisation, the role it plays.",
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
    ordering = django_filters.OrderingFilter(
        fields=(
            ("title", "title"),
            ("budget", "budget"),
            ("updated_at", "updated_at"),
            ("actual_start", "start"),
            ("published_at", "published_at"),
        ),
        help_text="title, budget, start, updated_at, published_at; prefix - for descending.",
    )

    class Meta:
        model = Programme
        fields = []

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.form.cleaned_data.get("organisation") and self.form.cleaned_data.get("role"):
            organisations = self.form.cleaned_data["organisation"]
            roles = self.form.cleaned_data["role"]
            queryset = queryset.filter(
                partners__organisation__slug__in=organisations, partners__role__in=roles
            ).distinct()
        return queryset

    def filter_start_after(self, queryset, name, value):
        return queryset.filter(
            Q(actual_start__gte=value) | Q(actual_start=None, planned_start__gte=value)
        )

    def filter_start_before(self, queryset, name, value):
        return queryset.filter(
            Q(actual_start__lte=value) | Q(actual_start=None, planned_start__lte=value)
        )

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


class OrganisationFilter(NamedFilterSet):
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
