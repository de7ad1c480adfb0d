"""Pages of a list, for the site and the API. Deep pages read ids first: the offset is walked
on the ordering's index alone (index-only where it covers the filter), then the page's rows
are fetched by id, instead of reading and dropping every full row before the page.

A list ordered first by a column of a related row that may be missing, empty values last
(the programme list by budget in a currency: ``programmes.filters.ProgrammeOrdering``), is
read in two runs: the rows that have a value, in order, through the related table's index,
then the rows that have none, in the order of the rest of the ordering. Concatenated they
are the list, row for row; but no database reads the list's ``ORDER BY`` over a LEFT JOIN
from an index, so read whole it would join and sort every row on every page.
"""

from django.core.paginator import Paginator
from django.db.models import F, OrderBy, QuerySet
from django.db.models.constants import LOOKUP_SEP

DEEP = 1000  # rows skipped from which a page reads its ids first


def nulls_last_runs(queryset) -> tuple[QuerySet, QuerySet] | None:
    """(the rows with a value, the rows without) when ``queryset`` is ordered first by a
    related row's column, empty values last; None for any other list."""
    if not isinstance(queryset, QuerySet) or not queryset.query.order_by:
        return None
    first, *rest = queryset.query.order_by
    if not (isinstance(first, OrderBy) and first.nulls_last and isinstance(first.expression, F)):
        return None
    column = first.expression.name
    if LOOKUP_SEP not in column:
        return None
    # Through an alias of the ordering's own column, so both runs test the join the ordering
    # reads (a filter on the relation's path would join it a second time); the database makes
    # the first run's outer join an inner one, which its index then serves in order.
    keyed = queryset.alias(run_value=F(column))
    return (
        keyed.filter(run_value__isnull=False),
        keyed.filter(run_value__isnull=True).order_by(*rest),
    )


class ListPaginator(Paginator):
    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        runs = nulls_last_runs(self.object_list)
        if runs is None and (bottom < DEEP or not isinstance(self.object_list, QuerySet)):
            return super().page(number)
        top = min(bottom + self.per_page, self.count)
        if runs is None:
            ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        else:
            ids = _ids_of_runs(*runs, bottom, top)
        rows = {row.pk: row for row in self.object_list.order_by().filter(pk__in=ids)}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)


def _ids_of_runs(first: QuerySet, rest: QuerySet, bottom: int, top: int) -> list:
    """The ids of rows ``bottom`` to ``top`` of the two runs one after the other: one query
    while the page lies in the first run, at most three where it reaches into the second (the
    first run's length is counted only when no row of it is on the page)."""
    ids = list(first.values_list("pk", flat=True)[bottom:top])
    if bottom + len(ids) == top:
        return ids
    in_first = bottom + len(ids) if ids else first.count()
    start = max(bottom - in_first, 0)
    return ids + list(rest.values_list("pk", flat=True)[start : start + top - bottom - len(ids)])
