"""The programme table: one row producer with declared columns for every programme file, the
site's CSV, the API's CSV, the export jobs (CSV and XLSX) and the nightly public file.

Codes sit beside their labels (``activity_status`` 2 and ``activity_status_label``
Implementation), lists are joined with ``; ``, dates are ISO 8601, and both addresses of an
item are plain URLs: its page on the site and its record in the API.

Rows are read as tuples in chunks of CHUNK programmes, with one query per related table and
chunk: no model instances, so a file of the whole portfolio costs a few seconds, not minutes.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.urls import reverse

from publishing.filters import among

from .iati_codes import ActivityStatus
from .models import Programme

PLACEHOLDER = "__slug__"
CHUNK = 2000
STATUS_LABELS = dict(ActivityStatus.choices)


@dataclass
class ProgrammeRow:
    """What the table shows of one programme."""

    pk: int
    title: str
    slug: str
    iati_identifier: str
    window: str
    window_name: str
    instrument: str
    instrument_name: str
    activity_status: str
    planned_start: object
    actual_start: object
    planned_end: object
    actual_end: object
    budget: object
    currency: str
    summary: str
    status: str
    published_at: object
    updated_at: object
    themes: list = field(default_factory=list)  # (slug, name), in the themes' order
    countries: list = field(default_factory=list)  # (iso2, name), by name
    cities: list = field(default_factory=list)  # names


FIELDS = (
    "pk",
    "title",
    "slug",
    "iati_identifier",
    "instrument__window__code",
    "instrument__window__name",
    "instrument__slug",
    "instrument__name",
    "activity_status",
    "planned_start",
    "actual_start",
    "planned_end",
    "actual_end",
    "budget",
    "currency",
    "summary",
    "status",
    "published_at",
    "updated_at",
)


@dataclass(frozen=True)
class Column:
    name: str
    value: Callable[[ProgrammeRow, "_Links"], object]


@dataclass(frozen=True)
class _Links:
    page: str  # the site's programme page, with PLACEHOLDER for the slug
    api: str


def _date(value) -> str:
    return value.isoformat() if value else ""


def _moment(value) -> str:
    return value.isoformat().replace("+00:00", "Z") if value else ""


def _joined(items) -> str:
    return "; ".join(str(item) for item in items)


COLUMNS: tuple[Column, ...] = (
    Column("title", lambda p, links: p.title),
    Column("slug", lambda p, links: p.slug),
    Column("iati_identifier", lambda p, links: p.iati_identifier),
    Column("page", lambda p, links: links.page.replace(PLACEHOLDER, p.slug)),
    Column("url", lambda p, links: links.api.replace(PLACEHOLDER, p.slug)),
    Column("window", lambda p, links: p.window),
    Column("window_name", lambda p, links: p.window_name),
    Column("instrument", lambda p, links: p.instrument),
    Column("instrument_name", lambda p, links: p.instrument_name),
    Column("activity_status", lambda p, links: p.activity_status),
    Column(
        "activity_status_label",
        lambda p, links: str(STATUS_LABELS.get(p.activity_status, p.activity_status)),
    ),
    Column("start", lambda p, links: _date(p.actual_start or p.planned_start)),
    Column("end", lambda p, links: _date(p.actual_end or p.planned_end)),
    Column("budget", lambda p, links: "" if p.budget is None else f"{p.budget:.2f}"),
    Column("currency", lambda p, links: p.currency),
    Column("themes", lambda p, links: _joined(slug for slug, _name in p.themes)),
    Column("theme_names", lambda p, links: _joined(name for _slug, name in p.themes)),
    Column("countries", lambda p, links: _joined(iso2 for iso2, _name in p.countries)),
    Column("country_names", lambda p, links: _joined(name for _iso2, name in p.countries)),
    Column("cities", lambda p, links: _joined(p.cities)),
    Column("summary", lambda p, links: p.summary),
    Column("status", lambda p, links: p.status),
    Column("published_at", lambda p, links: _moment(p.published_at)),
    Column("updated_at", lambda p, links: _moment(p.updated_at)),
)
COLUMN_NAMES = [column.name for column in COLUMNS]


def _grouped(rows) -> dict:
    groups: dict = {}
    for key, *values in rows:
        groups.setdefault(key, []).append(values[0] if len(values) == 1 else tuple(values))
    return groups


def programme_table(queryset: QuerySet[Programme]) -> Iterator[ProgrammeRow]:
    """A ProgrammeRow per programme of ``queryset``, in its order."""
    Themes, Countries, Cities = (
        Programme.themes.through,
        Programme.countries.through,
        Programme.cities.through,
    )
    chunk: list[tuple] = []
    rows = queryset.select_related(None).prefetch_related(None).values_list(*FIELDS)
    for row in rows.iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield from _completed(chunk, Themes, Countries, Cities)
            chunk = []
    if chunk:
        yield from _completed(chunk, Themes, Countries, Cities)


def _completed(chunk, Themes, Countries, Cities) -> Iterator[ProgrammeRow]:
    ids = [row[0] for row in chunk]
    themes = _grouped(
        Themes.objects.filter(among("programme_id", ids))
        .order_by("programme_id", "theme__order", "theme__name")
        .values_list("programme_id", "theme__slug", "theme__name")
    )
    countries = _grouped(
        Countries.objects.filter(among("programme_id", ids))
        .order_by("programme_id", "country__name")
        .values_list("programme_id", "country__iso2", "country__name")
    )
    cities = _grouped(
        Cities.objects.filter(among("programme_id", ids))
        .order_by("programme_id", "city__name")
        .values_list("programme_id", "city__name")
    )
    for values in chunk:
        row = ProgrammeRow(*values)
        row.themes = themes.get(row.pk, [])
        row.countries = countries.get(row.pk, [])
        row.cities = cities.get(row.pk, [])
        yield row


def programme_rows(queryset: QuerySet[Programme], *, base_url: str) -> Iterator[list]:
    """One row of values per programme of ``queryset`` (in its order), in COLUMNS' order.
    ``base_url``: the site's address, for the two URL columns."""
    links = _Links(
        page=base_url + reverse("programme-detail", kwargs={"slug": PLACEHOLDER}),
        api=base_url + reverse("v1:programme-detail", kwargs={"slug": PLACEHOLDER}),
    )
    values = [column.value for column in COLUMNS]
    for programme in programme_table(queryset):
        yield [value(programme, links) for value in values]
