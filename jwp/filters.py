"""The output filter vocabulary, for the knowledge library on the site and ``/api/v1/outputs/``,
and the JWP filters of the API."""

import django_filters
from django import forms
from django.db.models import Q

from programmes.models import Programme
from publishing.filters import (
    CheckedListField,
    ChoiceListFilter,
    RelatedListFilter,
    UTCDateTimeFilter,
    Vocabulary,
)
from windows.models import Theme

from .models import JointWorkProgramme, Output, OutputKind


class YearListFilter(django_filters.BaseInFilter, django_filters.NumberFilter):
    """``year=2016,2019``: outputs dated in any of these years."""

    base_field_class = CheckedListField
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1900, max_value=2200, **kwargs)

    def filter(self, qs, value):
        return qs.filter(date__year__in=value) if value else qs


class OutputFilter(Vocabulary):
    kind = ChoiceListFilter(path="kind", choices=OutputKind.choices, help_text="Kinds.")
    theme = RelatedListFilter(path="themes", model=Theme, help_text="Theme slugs.")
    jwp = RelatedListFilter(path="jwp", model=JointWorkProgramme, help_text="JWP slugs.")
    programme = RelatedListFilter(path="programme", model=Programme, help_text="Programme slugs.")
    year = YearListFilter(field_name="date", help_text="Years of the outputs, e.g. 2016,2019.")
    updated_since = UTCDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    search = django_filters.CharFilter(method="filter_search", max_length=200)
    ordering = django_filters.OrderingFilter(
        fields=(("date", "date"), ("title", "title"), ("updated_at", "updated_at"))
    )

    class Meta:
        model = Output
        fields = []

    def filter_search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(Q(title__icontains=word) | Q(summary__icontains=word))
        return queryset


class JWPFilter(Vocabulary):
    theme = RelatedListFilter(path="themes", model=Theme)
    updated_since = UTCDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = JointWorkProgramme
        fields = []
