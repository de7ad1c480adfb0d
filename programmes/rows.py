"""The programme table: one row producer with declared columns for every programme file, the
site's CSV, the API's CSV, the export jobs (CSV and XLSX) and the nightly public file.

Codes sit beside their labels (``activity_status`` 2 and ``activity_status_label``
Implementation), lists are joined with ``; ``, dates are ISO 8601, and both addresses of an
item are plain URLs: its page on the site and its record in the API.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from .models import City, Programme
from .selectors import with_list_relations

PLACEHOLDER = "__slug__"


@dataclass(frozen=True)
class Column:
    name: str
    value: Callable[[Programme, "_Links"], object]


@dataclass(frozen=True)
class _Links:
    page: str  # the site's programme page, with PLACEHOLDER for the slug
    api: str

    def of(self, template: str, programme: Programme) -> str:
        return template.replace(PLACEHOLDER, programme.slug)


def _date(value) -> str:
    return value.isoformat() if value else ""


def _moment(value) -> str:
    return value.isoformat().replace("+00:00", "Z") if value else ""


def _joined(items: Iterable) -> str:
    return "; ".join(str(item) for item in items)


COLUMNS: tuple[Column, ...] = (
    Column("title", lambda p, links: p.title),
    Column("slug", lambda p, links: p.slug),
    Column("iati_identifier", lambda p, links: p.iati_identifier),
    Column("page", lambda p, links: links.of(links.page, p)),
    Column("url", lambda p, links: links.of(links.api, p)),
    Column("window", lambda p, links: p.instrument.window.code),
    Column("window_name", lambda p, links: p.instrument.window.name),
    Column("instrument", lambda p, links: p.instrument.slug),
    Column("instrument_name", lambda p, links: p.instrument.name),
    Column("activity_status", lambda p, links: p.activity_status),
    Column("activity_status_label", lambda p, links: p.get_activity_status_display()),
    Column("start", lambda p, links: _date(p.start_date)),
    Column("end", lambda p, links: _date(p.end_date)),
    Column("budget", lambda p, links: "" if p.budget is None else f"{p.budget:.2f}"),
    Column("currency", lambda p, links: p.currency),
    Column("themes", lambda p, links: _joined(t.slug for t in p.themes.all())),
    Column("theme_names", lambda p, links: _joined(t.name for t in p.themes.all())),
    Column("countries", lambda p, links: _joined(c.iso2 for c in p.countries.all())),
    Column("country_names", lambda p, links: _joined(c.name for c in p.countries.all())),
    Column("cities", lambda p, links: _joined(c.name for c in p.cities.all())),
    Column("summary", lambda p, links: p.summary),
    Column("status", lambda p, links: p.status),
    Column("published_at", lambda p, links: _moment(p.published_at)),
    Column("updated_at", lambda p, links: _moment(p.updated_at)),
)
COLUMN_NAMES = [column.name for column in COLUMNS]


def programme_rows(queryset: QuerySet[Programme], *, base_url: str) -> Iterator[list]:
    """One row per programme of ``queryset`` (in its order), read in chunks with a fixed number
    of queries per chunk. ``base_url``: the site's address, for the two URL columns."""
    links = _Links(
        page=base_url + reverse("programme-detail", kwargs={"slug": PLACEHOLDER}),
        api=base_url + reverse("v1:programme-detail", kwargs={"slug": PLACEHOLDER}),
    )
    queryset = with_list_relations(queryset.prefetch_related(None)).prefetch_related(
        Prefetch("cities", queryset=City.objects.order_by("name"))
    )
    values = [column.value for column in COLUMNS]
    for programme in queryset.iterator(chunk_size=1000):
        yield [value(programme, links) for value in values]
