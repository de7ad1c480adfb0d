"""CSV for every list: ``?format=csv`` or ``Accept: text/csv``. The whole filtered list is
streamed row by row with flattened columns (``instrument.slug``, lists joined by ``; ``)."""

from rest_framework import serializers
from rest_framework.renderers import BaseRenderer

from publishing.csv import csv_lines


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        """Non-streamed bodies (a detail, an error) as a one-row CSV."""
        if data is None:
            return b""
        rows = data if isinstance(data, list) else [data]
        flat = [flatten(row) for row in rows]
        columns = list(dict.fromkeys(key for row in flat for key in row))
        lines = csv_lines(columns, ([row.get(column, "") for column in columns] for row in flat))
        return "".join(lines).encode()


def flatten(data, prefix: str = "") -> dict:
    flat = {}
    for key, value in (data or {}).items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        elif isinstance(value, list):
            flat[name] = "; ".join(
                _scalar(next(iter(item.values()), "")) if isinstance(item, dict) else _scalar(item)
                for item in value
            )
        else:
            flat[name] = _scalar(value)
    return flat


def _scalar(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def columns_of(serializer: serializers.BaseSerializer, prefix: str = "") -> list[str]:
    """The flattened column names of a serializer, known before any row is read."""
    columns = []
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.BaseSerializer) and not isinstance(
            field, serializers.ListSerializer
        ):
            columns.extend(columns_of(field, f"{prefix}{name}."))
        else:
            columns.append(f"{prefix}{name}")
    return columns
