"""Page-number pagination with a total count (``page``, ``page_size`` up to 500), and a cursor
mode for sync (``paginate=cursor``): stable order by last update, so a partner can walk the
whole portfolio while it changes."""

from rest_framework import exceptions
from rest_framework.pagination import CursorPagination, PageNumberPagination

from publishing.paging import ListPaginator

MAX_PAGE_SIZE = 500


class _Cursor(CursorPagination):
    ordering = ("updated_at", "id")
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound:
            raise exceptions.ValidationError(
                {"cursor": ["Invalid cursor: follow the next and previous links as given."]}
            ) from None


class PortfolioPagination(PageNumberPagination):
    django_paginator_class = ListPaginator
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1:
            raise exceptions.ValidationError(
                {"page_size": [f"A whole number from 1 to {MAX_PAGE_SIZE}."]}
            )
        return min(size, MAX_PAGE_SIZE)

    def paginate_queryset(self, queryset, request, view=None):
        self.cursor_mode = request.query_params.get("paginate") == "cursor"
        if self.cursor_mode:
            self._cursor = _Cursor()
            self._cursor.page_size = self.page_size
            return self._cursor.paginate_queryset(queryset, request, view)
        if request.query_params.get("paginate") not in (None, "page"):
            raise exceptions.ValidationError({"paginate": ["Either page (default) or cursor."]})
        page = request.query_params.get(self.page_query_param)
        if page is not None and not page.isdigit() and page != "last":
            raise exceptions.ValidationError({"page": ["A page number, 1 or more."]})
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        if self.cursor_mode:
            return self._cursor.get_paginated_response(data)
        return super().get_paginated_response(data)
