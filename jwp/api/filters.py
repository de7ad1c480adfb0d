import django_filters
from django.db.models import Q

from jwp.models import JointWorkProgramme, Output, OutputKind
from programmes.models import Programme
from publishing.api.filters import (
    ChoiceListFilter,
    NamedFilterSet,
    SlugListFilter,
    UTCDateTimeFilter,
)
from windows.models import Theme


class OutputFilter(NamedFilterSet):
    kind = ChoiceListFilter(field_name="kind", choices=OutputKind.choices, help_text="Kinds.")
    theme = SlugListFilter(field_name="themes__slug", model=Theme, help_text="Theme slugs.")
    jwp = SlugListFilter(field_name="jwp__slug", model=JointWorkProgramme, help_text="JWP slugs.")
    programme = SlugListFilter(
        field_name="programme__slug", model=Programme, help_text="Programme slugs."
    )
    year = django_filters.NumberFilter(
        field_name="date__year", min_value=1900, max_value=2200, help_text="Year of the output."
    )
    updated_since = UTCDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    search = django_filters.CharFilter(method="filter_search", max_length=200)
    ordering = django_filters.OrderingFilter(
        fields=(("date", "date"), ("title", "title"), ("updated_at", "updated_at"))
    )

    class Meta:
        model = Output
        fields = []

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(summary__icontains=value))


class JWPFilter(NamedFilterSet):
    theme = SlugListFilter(field_name="themes__slug", model=Theme)
    updated_since = UTCDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = JointWorkProgramme
        fields = []
