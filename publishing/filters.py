"""Building blocks of the filter vocabularies (django-filter, no REST framework).

A list filter takes any of several values (OR), written ``theme=gender,migration`` or
``theme=gender&theme=migration``. Every value is checked when the form is cleaned, so a typo is
a form error naming its parameter: the site shows it as a message, the API answers 400 and an
export job is refused, all from the same check. Relations are filtered with a semi-join on the
link table (``pk IN (SELECT programme_id FROM ... WHERE theme_id IN ...)``), which never repeats
a row: counts stay plain ``COUNT(*)`` and no ``DISTINCT`` is needed.
"""

import datetime
import functools
from collections.abc import Callable, Iterable

import django_filters
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.fields.related import ManyToManyField
from django.db.models.fields.reverse_related import ManyToOneRel
from django.utils.translation import gettext_lazy as _
from django_filters.fields import BaseCSVField
from django_filters.widgets import BaseCSVWidget

from publishing.preview import visible_to


class ValueListWidget(BaseCSVWidget):
    """Every value of the parameter, whether repeated or comma-separated."""

    def value_from_datadict(self, data, files, name):
        if hasattr(data, "getlist"):
            if name not in data:
                return None
            raw = data.getlist(name)
        else:
            raw = data.get(name)
            if raw is None:
                return None
            raw = list(raw) if isinstance(raw, list | tuple) else [raw]
        return [item.strip() for value in raw for item in str(value).split(",") if item.strip()]


class CheckedListField(BaseCSVField):
    """The values of a list filter, each checked by ``resolve`` (values -> {value: key}); the
    cleaned value is the list of keys (for instance primary keys), in the order given."""

    base_widget_class = ValueListWidget

    def __init__(self, *args, resolve: Callable[[list[str]], dict] | None = None, **kwargs):
        self.resolve = resolve
        super().__init__(*args, **kwargs)

    def clean(self, value):
        values = super().clean(value)
        if not values:
            return []
        if self.resolve is None:
            return values
        known = self.resolve(values)
        unknown = list(dict.fromkeys(item for item in values if item not in known))
        if unknown:
            # Interpolated by whoever shows it (django-filter applies ``params``): a value
            # holding "%" stays text.
            raise ValidationError(
                _("Unknown value(s): %(values)s."),
                code="unknown",
                params={"values": ", ".join(unknown)},
            )
        return list(dict.fromkeys(known[item] for item in values))


def among(name: str, ids: list[int]) -> Q:
    """``name`` is one of ``ids`` (primary keys read before): on PostgreSQL one array
    parameter, as building a lookup of thousands of values one by one costs more than the
    query."""
    if connection.vendor == "postgresql":
        return Q(**{f"{name}__in": RawSQL("SELECT unnest(%s::bigint[])", [list(ids)])})
    return Q(**{f"{name}__in": list(ids)})


def link_table(model, path: str):
    """For a path that starts with a many-valued relation of ``model`` (a many-to-many such
    as ``themes``, or a reverse foreign key such as ``partners``): the model of the link table,
    the name of its foreign key to ``model``, and ``path`` rewritten from the link table
    (``themes__slug`` -> ``theme__slug``). None for any other path."""
    first, _sep, rest = path.partition("__")
    field = model._meta.get_field(first)
    if isinstance(field, ManyToManyField):
        through = field.remote_field.through
        target = field.m2m_reverse_field_name()
        return through, field.m2m_field_name(), f"{target}__{rest}" if rest else target
    if isinstance(field, ManyToOneRel):
        return field.related_model, field.field.name, rest or "pk"
    return None


def link_condition(model, path: str, values: Iterable) -> Q:
    """``model`` rows related through ``path`` to any of ``values``, as a semi-join on the link
    table: ``themes`` (a many-to-many), ``partners__organisation`` (a reverse foreign key and
    a field of the related row) or ``countries__region`` (a field of the related model)."""
    link = link_table(model, path)
    if link is None:
        return Q(**{f"{path}__in": list(values)})
    through, source, lookup = link
    return Q(pk__in=through.objects.filter(**{f"{lookup}__in": list(values)}).values(source))


class RelatedListFilter(django_filters.BaseInFilter, django_filters.CharFilter):
    """``theme=gender,migration``: items related to any of these (OR). Each value must name a
    ``model`` row the caller may see by one of ``to_fields`` (``slug`` by default): to whoever
    cannot preview drafts, a draft's slug is as unknown as a slug nobody uses."""

    base_field_class = CheckedListField

    def __init__(self, *args, model, path: str, to_fields=("slug",), upper=False, **kwargs):
        self.lookup_model, self.path = model, path
        self.to_fields, self.upper = tuple(to_fields), upper
        kwargs.setdefault("field_name", path)
        super().__init__(*args, **kwargs)
        self.extra["resolve"] = self.resolve

    def resolve(self, values: list[str], viewer=None) -> dict[str, int]:
        keys = {value: value.upper() if self.upper else value for value in values}
        condition = Q()
        for name in self.to_fields:
            condition |= Q(**{f"{name}__in": set(keys.values())})
        known = {}
        rows = visible_to(viewer, self.lookup_model.objects.all()).filter(condition)
        for row in rows.values("pk", *self.to_fields):
            known.update((row[name], row["pk"]) for name in self.to_fields)
        return {value: known[key] for value, key in keys.items() if key in known}

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(link_condition(qs.model, self.path, value))


class ChoiceListFilter(django_filters.BaseInFilter, django_filters.CharFilter):
    """``status=2,3``: any of the values of a fixed list of choices, on a column of the model or
    (``path`` through a relation) of a related one."""

    base_field_class = CheckedListField

    def __init__(self, *args, choices=(), path: str = "", **kwargs):
        self.allowed = {str(value) for value, _label in choices}
        self.path = path or kwargs.get("field_name", "")
        kwargs.setdefault("field_name", self.path)
        super().__init__(*args, **kwargs)
        self.extra["resolve"] = self.resolve

    def resolve(self, values: list[str]) -> dict[str, str]:
        return {value: value for value in values if value in self.allowed}

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(link_condition(qs.model, self.path, value))


def in_utc(moment: datetime.datetime) -> datetime.datetime:
    """``moment`` in UTC (PostgreSQL refuses offsets beyond ±15:59); ValueError when UTC cannot
    hold it (``0001-01-01T00:00:00+14:00`` falls before year 1)."""
    try:
        return moment.astimezone(datetime.UTC)
    except OverflowError:
        raise ValueError("This moment falls outside the years 1 to 9999 once in UTC.") from None


class UTCDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 time with any offset Python accepts, checked to be a moment UTC can hold."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return in_utc(moment)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from None


class UTCDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 time with any offset Python accepts, sent to the database in UTC."""

    field_class = UTCDateTimeField


class Vocabulary(django_filters.FilterSet):
    """A FilterSet that is checked once and then applied as often as needed: to the list, and
    to each facet count with that facet's own filter left out. ``viewer`` is who asks (None:
    the public); values naming related items are checked against what the viewer may see.
    ``not_narrowing``: parameters that leave every row in (an ordering, a unit)."""

    not_narrowing = frozenset({"ordering"})

    def __init__(self, data=None, queryset=None, *, viewer=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        for filter_ in self.filters.values():
            if isinstance(filter_, RelatedListFilter):
                filter_.__dict__.pop("_field", None)  # a form field built for another viewer
                filter_.extra["resolve"] = functools.partial(filter_.resolve, viewer=viewer)

    def cleaned(self) -> dict:
        """The checked values; raises ValidationError naming every bad parameter."""
        if not self.is_bound:
            return {}
        if not self.is_valid():
            raise ValidationError({name: list(errors) for name, errors in self.form.errors.items()})
        return self.form.cleaned_data

    @classmethod
    def checked(cls, data, *, also: Iterable[str] = (), viewer=None) -> "Vocabulary":
        """The vocabulary bound to ``data``, checked: raises one ValidationError naming every
        parameter that is neither a filter nor in ``also``, and every bad value."""
        vocabulary = cls(data=data, viewer=viewer)
        allowed = set(cls.base_filters) | set(also)
        message = _("Unknown parameter. Allowed here: %(names)s.") % {
            "names": ", ".join(sorted(allowed))
        }
        errors = {name: [message] for name in sorted(set(data or {}) - allowed)}
        if vocabulary.is_bound and not vocabulary.is_valid():
            errors |= {name: list(messages) for name, messages in vocabulary.form.errors.items()}
        if errors:
            raise ValidationError(errors)
        return vocabulary

    def apply(self, queryset: QuerySet, *, skip: Iterable[str] = ()) -> QuerySet:
        """``queryset`` with every given filter but those in ``skip``."""
        skip = set(skip)
        values = self.cleaned()
        for name, filter_ in self.filters.items():
            if name not in skip and name in values:
                queryset = filter_.filter(queryset, values[name])
        return queryset

    @property
    def qs(self):
        return self.apply(self.queryset)
