"""Facets of a filtered list (programmes, outputs): each value with the number of items it would
give, counted with every other filter applied. One SQL aggregate per facet."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Expression, QuerySet

from .filters import Vocabulary, link_table


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    """``value``: the path (or an expression) of the value on the listed model; ``label``: the
    path of its label, or ``labels`` mapping each value to one. Values are listed by label, or
    by ``order`` "value" or "-value" (newest year first). ``distinct`` where one item can reach
    a value twice (an organisation in two roles)."""

    name: str
    value: str | Expression
    label: str = ""
    labels: Mapping | Callable[[], Mapping] | None = None
    order: str = "label"
    distinct: bool = False

    def count(self, queryset: QuerySet) -> list[tuple[str, str, int]]:
        """(value, label, count) of every value the items of ``queryset`` reach. A value across
        a many-valued relation is counted on its link table, restricted to the items by a
        semi-join, grouped by the related row's id (narrow, in memory) and labelled after:
        one row per (item, value), so no DISTINCT unless ``distinct``."""
        queryset = queryset.order_by()
        link = link_table(queryset.model, self.value) if isinstance(self.value, str) else None
        if link is not None and self.label:
            found = self._count_links(queryset, *link)
        else:
            found = self._count_rows(queryset, link)
        if self.order == "label":
            return sorted(found, key=lambda item: (item[1].casefold(), item[0]))
        return sorted(found, key=lambda item: _natural(item[0]), reverse=self.order == "-value")

    def _count_links(self, queryset, through, source, path):
        related, _sep, field = path.partition("__")
        label_field = link_table(queryset.model, self.label)[2].partition("__")[2]
        links = through.objects.filter(**{f"{source}__in": queryset.values("pk")})
        counts = dict(_counted(links, related, source, distinct=self.distinct))
        target = through._meta.get_field(related).related_model
        rows = target.objects.filter(pk__in=counts).values_list("pk", field, label_field)
        return [
            (str(value), str(label), counts[pk])
            for pk, value, label in rows
            if value not in ("", None)
        ]

    def _count_rows(self, queryset, link):
        labels = self.labels() if callable(self.labels) else (self.labels or {})
        if link is not None:
            through, source, path = link
            links = through.objects.filter(**{f"{source}__in": queryset.values("pk")})
            return [
                (str(value), str(labels.get(value, value)), count)
                for value, count in _counted(links, path, source, distinct=self.distinct)
                if value not in ("", None)
            ]
        if isinstance(self.value, str):
            path, rows, counted = self.value, queryset, Count("pk", distinct=self.distinct)
        else:
            path, counted = "facet_value", Count("pk", distinct=self.distinct)
            rows = queryset.annotate(facet_value=self.value)
        rows = rows.exclude(**{f"{path}__isnull": True}).values(path).annotate(n=counted)
        if self.label:  # a label on the listed row itself (a foreign key's)
            rows = rows.values(path, self.label).annotate(n=counted)
        return [
            (
                str(row[path]),
                str(row[self.label] if self.label else labels.get(row[path], row[path])),
                row["n"],
            )
            for row in rows
            if row[path] not in ("", None)
        ]


def _counted(links: QuerySet, key: str, item: str, *, distinct: bool) -> list[tuple]:
    """(key, number of items) over the rows of a link table. With ``distinct`` (an item may
    reach a key twice), PostgreSQL first drops repeated (key, item) pairs with a hash and then
    counts, instead of sorting every row for COUNT(DISTINCT)."""
    links = links.order_by()
    if not distinct:
        return list(links.values_list(key).annotate(n=Count(item)))
    if connection.vendor != "postgresql":
        return list(links.values_list(key).annotate(n=Count(item, distinct=True)))
    sql, params = links.values_list(key, item).distinct().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT pairs.key, COUNT(*) FROM ({sql}) AS pairs (key, item) GROUP BY 1",  # noqa: S608
            params,
        )
        return cursor.fetchall()


def _natural(value: str):
    """Numbers (years, IATI codes) in numeric order, before any other text."""
    return (0, int(value), "") if value.isdigit() else (1, 0, value)


def facet_counts(
    *,
    facets: Iterable[Facet],
    vocabulary: Vocabulary,
    base: QuerySet,
    selected: Mapping[str, Iterable],
    counted: Callable[[Facet, QuerySet], list[tuple[str, str, int]]] | None = None,
) -> dict[str, list[FacetValue]]:
    """Every facet of a list: ``base`` filtered by ``vocabulary`` without the facet's own
    filter, counted by ``counted`` (``Facet.count`` unless a caller caches some)."""
    counted = counted or (lambda facet, queryset: facet.count(queryset))
    result = {}
    for facet in facets:
        chosen = {str(value) for value in selected.get(facet.name, ())}
        queryset = vocabulary.apply(base, skip={facet.name, "ordering"})
        result[facet.name] = [
            FacetValue(value=value, label=label, count=count, selected=value in chosen)
            for value, label, count in counted(facet, queryset)
        ]
    return result
