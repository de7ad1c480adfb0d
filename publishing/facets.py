"""Facets of a filtered list (programmes, outputs): each value with the number of items it would
give, counted with every other filter applied.

How the counting stays cheap at 100,000 items:

- Facets whose own filter is not in use all count the same items: they share one filtered
  queryset, and those on the listed row's own columns (status, year, window, instrument) are
  counted in one scan with ``GROUPING SETS`` on PostgreSQL.
- A value across a many-valued relation (themes, countries, partners) is counted on its link
  table, restricted to the items by a semi-join, grouped by the related row's id and labelled
  after: one row per (item, value), so no DISTINCT, except where one item can reach a value
  twice; then repeated pairs are dropped with a hash before counting.
- The counts of the whole public list (no filter in use) are the caller's to keep, once per
  publication version (``unfiltered``).
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Expression, F, QuerySet

from .filters import Vocabulary, link_table

Counts = list[tuple[str, str, int]]  # (value, label, count)


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
    a value twice (an organisation in two roles, a region through two countries)."""

    name: str
    value: str | Expression
    label: str = ""
    labels: Mapping | Callable[[], Mapping] | None = None
    order: str = "label"
    distinct: bool = False

    def link(self, model):
        """(link table, its key to ``model``, the value's path from it), or None."""
        return link_table(model, self.value) if isinstance(self.value, str) else None

    def count(self, queryset: QuerySet) -> Counts:
        """(value, label, count) of every value the items of ``queryset`` reach."""
        queryset = queryset.order_by()
        link = self.link(queryset.model)
        if link is None:
            return _count_rows(queryset, [self])[self.name]
        through, source, path = link
        links = through.objects.filter(**{f"{source}__in": queryset.values("pk")})
        if not self.label:
            return self.listed(
                (value, None, count)
                for value, count in _counted(links, path, source, distinct=self.distinct)
            )
        related, _sep, field = path.partition("__")
        label_field = link_table(queryset.model, self.label)[2].partition("__")[2]
        counts = dict(_counted(links, related, source, distinct=self.distinct))
        target = through._meta.get_field(related).related_model
        rows = target.objects.filter(pk__in=counts).values_list("pk", field, label_field)
        return self.listed((value, label, counts[pk]) for pk, value, label in rows)

    def listed(self, rows: Iterable[tuple]) -> Counts:
        """Raw (value, label or None, count) rows, labelled and in the facet's order."""
        labels = self.labels() if callable(self.labels) else (self.labels or {})
        found = [
            (str(value), str(labels.get(value, value) if label is None else label), count)
            for value, label, count in rows
            if value not in ("", None)
        ]
        if self.order == "label":
            return sorted(found, key=lambda item: (item[1].casefold(), item[0]))
        return sorted(found, key=lambda item: _natural(item[0]), reverse=self.order == "-value")


def count_together(facets: Iterable[Facet], queryset: QuerySet) -> dict[str, Counts]:
    """The counts of several facets over the same items: those on the items' own columns in
    one scan, the others one query each."""
    facets = list(facets)
    rows = [facet for facet in facets if facet.link(queryset.model) is None]
    counts = _count_rows(queryset.order_by(), rows) if rows else {}
    for facet in facets:
        if facet not in rows:
            counts[facet.name] = facet.count(queryset)
    return counts


def _count_rows(queryset: QuerySet, facets: list[Facet]) -> dict[str, Counts]:
    """Facets on the listed rows' own columns (or foreign keys): one GROUPING SETS query on
    PostgreSQL, a GROUP BY each elsewhere."""
    columns, sets = {}, []
    for n, facet in enumerate(facets):
        names = [f"v{n}"] + ([f"l{n}"] if facet.label else [])
        columns[f"v{n}"] = F(facet.value) if isinstance(facet.value, str) else facet.value
        if facet.label:
            columns[f"l{n}"] = F(facet.label)
        sets.append(names)
    values = queryset.order_by().values(**columns)
    if connection.vendor != "postgresql" or len(facets) == 1:
        counts = {}
        for n, facet in enumerate(facets):
            grouped = values.values(*sets[n]).annotate(n=Count("*")).values_list(*sets[n], "n")
            counts[facet.name] = facet.listed(
                (row[0], row[1] if facet.label else None, row[-1]) for row in grouped
            )
        return counts
    names, result = grouped_by_sets(values, sets, aggregates=["COUNT(*)"])
    position = {name: index for index, name in enumerate(names)}
    flags = len(names)
    counts = {}
    for n, facet in enumerate(facets):
        mine = [row for row in result if row[flags + n] == 0]
        counts[facet.name] = facet.listed(
            (
                row[position[f"v{n}"]],
                row[position[f"l{n}"]] if facet.label else None,
                row[-1],
            )
            for row in mine
        )
    return counts


def grouped_by_sets(values: QuerySet, sets: list[list[str]], *, aggregates: list[str]):
    """PostgreSQL: one scan of ``values`` (a ``.values()`` queryset) grouped by each of
    ``sets`` (lists of its column names) at once. Returns (the columns in order, rows), each
    row: the columns, then GROUPING() of each set's first column (0 in that set's rows), then
    the ``aggregates`` (SQL over the columns, such as ``COUNT(*)``)."""
    sql, params = values.query.sql_with_params()
    names = list(dict.fromkeys(name for group in sets for name in group))
    flags = ", ".join(f"GROUPING({group[0]})" for group in sets)
    grouping = ", ".join("(" + ", ".join(group) + ")" for group in sets)
    query = (
        f"SELECT {', '.join(names)}, {flags}, {', '.join(aggregates)} "  # noqa: S608
        f"FROM ({sql}) AS items GROUP BY GROUPING SETS ({grouping})"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return names, cursor.fetchall()


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
    unfiltered: Callable[[], dict[str, Counts]] | None = None,
) -> dict[str, list[FacetValue]]:
    """Every facet of a list: ``base`` filtered by ``vocabulary`` without the facet's own
    filter. ``unfiltered()`` gives the counts of ``base`` itself (a caller keeps them), used by
    every facet no other filter narrows."""
    facets = list(facets)
    values = vocabulary.cleaned()
    active = {name for name, value in values.items() if value not in (None, "", [])}
    active -= vocabulary.not_narrowing
    counts: dict[str, Counts] = {}
    need, whole = [], {}
    for facet in facets:
        if unfiltered is not None and active <= {facet.name}:
            whole = whole or unfiltered()
            counts[facet.name] = whole[facet.name]
        else:
            need.append(facet)
    shared = [facet for facet in need if facet.name not in active]
    if shared:
        counts |= count_together(shared, vocabulary.apply(base, skip={"ordering"}))
    for facet in need:
        if facet.name in active:
            queryset = vocabulary.apply(base, skip={facet.name, "ordering"})
            counts[facet.name] = facet.count(queryset)
    result = {}
    for facet in facets:
        chosen = {str(value) for value in selected.get(facet.name, ())}
        result[facet.name] = [
            FacetValue(value=value, label=label, count=count, selected=value in chosen)
            for value, label, count in counts[facet.name]
        ]
    return result
