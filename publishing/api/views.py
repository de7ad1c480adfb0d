"""The base of every read endpoint: published-only querysets, lean list and rich detail
serializers, streamed CSV, and a Last-Modified header (ETag and 304 answers come from
Django's ConditionalGetMiddleware, computed on the body)."""

from django.db.models import Max
from django.http import StreamingHttpResponse
from django.utils.http import http_date
from rest_framework import viewsets

from publishing.csv import csv_lines
from publishing.preview import may_preview, visible_to

from .csv import columns_of, flatten


class PortfolioViewSet(viewsets.ReadOnlyModelViewSet):
    model = None
    list_serializer_class = None
    detail_serializer_class = None
    csv_filename = "export"

    def get_serializer_class(self):
        if self.action == "list" and self.list_serializer_class is not None:
            return self.list_serializer_class
        return self.detail_serializer_class or self.serializer_class

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["may_preview"] = self.may_preview
        return context

    @property
    def may_preview(self) -> bool:
        return may_preview(self.request.user, self.model)

    def visible(self, queryset):
        """The public items only, unless the caller is staff allowed to see drafts."""
        return visible_to(self.request.user, queryset)

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format == "csv":
            return self._stream_csv()
        return super().list(request, *args, **kwargs)

    def _stream_csv(self):
        queryset = self.filter_queryset(self.get_queryset())
        serializer_class = self.get_serializer_class()
        context = self.get_serializer_context()
        columns = columns_of(serializer_class(context=context))

        def rows():
            # One serializer for every row: building its fields is most of the cost of a row.
            serializer = serializer_class(context=context)
            for obj in queryset.iterator(chunk_size=500):
                flat = flatten(serializer.to_representation(obj))
                yield [flat.get(column, "") for column in columns]

        return self.csv_response(columns, rows())

    def csv_response(self, columns, rows) -> StreamingHttpResponse:
        response = StreamingHttpResponse(
            csv_lines(columns, rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{self.csv_filename}.csv"'
        return response

    # Models whose changes can change what a list shows (an output disappears with its JWP).
    history_models = ()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 200 and hasattr(response, "data"):
            moments = [_latest_update(response.data)]
            if self.action == "list":
                # An item unpublished or deleted leaves the data without bumping any
                # updated_at; its history row does, so a list's Last-Modified follows it.
                for model in (self.model, *self.history_models):
                    moments.append(model.history.aggregate(latest=Max("history_date"))["latest"])
            latest = max((moment for moment in moments if moment), default=None)
            if latest:
                response["Last-Modified"] = http_date(latest.timestamp())
        return response


def _latest_update(data):
    """The newest ``updated_at`` anywhere in the serialized data (nested items included)."""
    from django.utils.dateparse import parse_datetime

    latest = None
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            value = item.get("updated_at")
            if isinstance(value, str):
                moment = parse_datetime(value)
                if moment and (latest is None or moment > latest):
                    latest = moment
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return latest
