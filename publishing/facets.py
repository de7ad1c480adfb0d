"""Facets of a filtered list (programmes, outputs): each value with the number of items it would
give, counted with every other filter applied. One SQL aggregate per facet."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

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
        semi-join: one row per (item, value), so no DISTINCT (but where ``distinct``)."""
        queryset = queryset.order_by()
        link = link_table(queryset.model, self.value) if isinstance(self.value, str) else None
        if link is not None:
            through, source, path = link
            label = link_table(queryset.model, self.label)[2] if self.label else ""
            rows = through.objects.filter(**{f"{source}__in": queryset.values("pk")})
            counted = Count(source, distinct=self.distinct)
        else:
            if isinstance(self.value, str):
                path = self.value
            else:
                path = "facet_value"
                queryset = queryset.annotate(facet_value=self.value)
            label, rows, counted = self.label, queryset, Count("pk", distinct=self.distinct)
        columns = [path] + ([label] if label else [])
        rows = rows.exclude(**{f"{path}__isnull": True}).values(*columns).annotate(n=counted)
        labels = self.labels() if callable(self.labels) else (self.labels or {})
        found = [
            (
                str(row[path]),
                str(row[label] if label else labels.get(row[path], row[path])),
                row["n"],
            )
            for row in rows
            if row[path] not in ("", None)
        ]
        if self.order == "label":
            return sorted(found, key=lambda item: (item[1].casefold(), item[0]))
        return sorted(found, key=lambda item: _natural(item[0]), reverse=self.order == "-value")


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
