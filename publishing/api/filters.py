"""Filtering with an explicit allow-list: an unknown parameter or a malformed value is a 400
that names it — never silently ignored, never a 500."""

import datetime

import django_filters
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions

# Parameters every list understands, besides its FilterSet's.
COMMON_PARAMETERS = {"page", "page_size", "paginate", "cursor", "ordering", "format"}


class StrictFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        allowed = set(COMMON_PARAMETERS)
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            allowed |= set(filterset_class.base_filters)
        allowed |= set(getattr(view, "extra_query_parameters", ()))
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            raise exceptions.ValidationError(
                {
                    name: [f"Unknown parameter. Allowed here: {', '.join(sorted(allowed))}."]
                    for name in unknown
                }
            )
        return super().filter_queryset(request, queryset, view)


class SlugListFilter(django_filters.BaseInFilter, django_filters.CharFilter):
    """``theme=gender,migration``: any of the values (OR). Every value must exist, so a typo
    is a 400 naming it rather than an empty result."""

    def __init__(self, *args, model=None, to_field="slug", **kwargs):
        self.lookup_model = model  # django-filter sets ``model`` to the FilterSet's own model
        self.to_field = to_field
        kwargs.setdefault("lookup_expr", "in")
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        values = [item.strip() for item in value if item.strip()]
        if self.to_field == "iso2":
            values = [item.upper() for item in values]
        known = set(
            self.lookup_model.objects.filter(**{f"{self.to_field}__in": values}).values_list(
                self.to_field, flat=True
            )
        )
        unknown = [item for item in values if item not in known]
        if unknown:
            raise exceptions.ValidationError(
                {self.field_name_for_errors: [f"Unknown value(s): {', '.join(unknown)}."]}
            )
        return qs.filter(**{f"{self.field_name}__in": values}).distinct()

    @property
    def field_name_for_errors(self):
        return self.parent_name or self.field_name

    parent_name = ""


class ChoiceListFilter(django_filters.BaseInFilter, django_filters.CharFilter):
    """``status=2,3``: any of the values of a fixed list of choices."""

    def __init__(self, *args, choices=(), **kwargs):
        self.allowed = {str(value) for value, _label in choices}
        kwargs.setdefault("lookup_expr", "in")
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        unknown = [item for item in value if item not in self.allowed]
        if unknown:
            raise exceptions.ValidationError(
                {
                    self.parent_name or self.field_name: [
                        f"Unknown value(s): {', '.join(unknown)}. Allowed: "
                        f"{', '.join(sorted(self.allowed))}."
                    ]
                }
            )
        return qs.filter(**{f"{self.field_name}__in": value}).distinct()

    parent_name = ""


class NamedFilterSet(django_filters.FilterSet):
    """Tells each list filter the public name of its parameter, for error messages."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, filter_ in self.filters.items():
            if isinstance(filter_, SlugListFilter | ChoiceListFilter):
                filter_.parent_name = name


class UTCDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 time with any offset Python accepts, sent to the database in UTC
    (PostgreSQL refuses offsets beyond ±15:59)."""

    def filter(self, qs, value):
        if value is not None:
            value = value.astimezone(datetime.UTC)
        return super().filter(qs, value)
