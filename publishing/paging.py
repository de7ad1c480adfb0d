"""Pages of a list, for the site and the API. Deep pages read ids first: the offset is walked
on the ordering's index alone (index-only where it covers the filter), then the page's rows
are fetched by id, instead of reading and dropping every full row before the page."""

from django.core.paginator import Paginator
from django.db.models import QuerySet

DEEP = 1000  # rows skipped from which a page reads its ids first


class ListPaginator(Paginator):
    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if bottom < DEEP or not isinstance(self.object_list, QuerySet):
            return super().page(number)
        top = min(bottom + self.per_page, self.count)
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.order_by().filter(pk__in=ids)}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)
