"""A synthetic portfolio for ``make bench-scale``, written with PostgreSQL's COPY.

On top of the real portfolio (``load_portfolio``) it adds ``size`` programmes of the shape
issue 10 measured: 90 % published; each with 1-3 of the 4 themes, 1-2 of 60 countries, 1-3 of
435 cities, 3 partners out of 343 organisations and 3 activities; titles, summaries and
descriptions drawn from a 60-word urban vocabulary. Every programme also gets the history row
its creation would have left, so that history-based figures (Last-Modified, the change feed)
read tables of a realistic size.

Rows are built from the models' own field lists, so a new column with a default needs no
change here. Random choices come from a seeded generator: two runs build the same portfolio.
"""

import datetime
import io
import random
import string
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.db import connection, models
from django.utils import timezone

from programmes.iati_codes import ActivityStatus, OrganisationRole, OrganisationType, Region
from programmes.models import Activity, City, Country, Organisation, Programme, ProgrammePartner
from publishing.models import PublicationStatus
from windows.models import Instrument, Theme

VOCABULARY = (
    "water",
    "sanitation",
    "housing",
    "tenure",
    "slum",
    "upgrading",
    "informal",
    "settlement",
    "land",
    "transport",
    "mobility",
    "resilience",
    "climate",
    "flood",
    "waste",
    "energy",
    "governance",
    "finance",
    "municipal",
    "planning",
    "migration",
    "gender",
    "youth",
    "livelihoods",
    "economy",
    "jobs",
    "markets",
    "infrastructure",
    "services",
    "health",
    "education",
    "safety",
    "public",
    "space",
    "community",
    "participation",
    "data",
    "mapping",
    "digital",
    "innovation",
    "partnership",
    "secondary",
    "city",
    "urban",
    "metropolitan",
    "regional",
    "national",
    "local",
    "policy",
    "strategy",
    "investment",
    "capital",
    "budget",
    "revenue",
    "tax",
    "credit",
    "enterprise",
    "skills",
    "inclusion",
    "women",
)
COUNTRIES, CITIES, ORGANISATIONS = 60, 435, 343
PUBLISHED_SHARE = 0.9
CHUNK = 20_000


def _words(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(low, high)))


def _columns(model) -> list[models.Field]:
    """The model's stored columns, in table order, without generated ones."""
    return [
        field
        for field in model._meta.concrete_fields
        if not isinstance(field, models.GeneratedField)
    ]


def _text(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


def copy_rows(table: str, columns: list[str], rows: Iterable[Iterable]) -> int:
    """COPY ``rows`` into ``table``, a chunk at a time; returns the number of rows."""
    count = 0
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    statement = f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg2's own cursor: Django's wrapper has no copy_expert
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(_text(value) for value in row))
            buffer.write("\n")
            count += 1
            if count % CHUNK == 0:
                buffer.seek(0)
                raw.copy_expert(statement, buffer)
                buffer = io.StringIO()
        if buffer.tell():
            buffer.seek(0)
            raw.copy_expert(statement, buffer)
    return count


def copy_models(model, objects: Iterable[dict], *, history: bool = False) -> int:
    """COPY dictionaries of field values (attnames) into the model's table; fields left out
    take their default. With ``history``, the matching simple-history "+" rows too."""
    fields = _columns(model)
    names = [field.column for field in fields]
    defaults = {field.attname: field.get_default() for field in fields if not field.primary_key}
    now = timezone.now()

    def complete(values: dict) -> list:
        row = {**defaults, "created_at": now, "updated_at": now, **values}
        return [row.get(field.attname) for field in fields]

    if not history:
        return copy_rows(model._meta.db_table, names, (complete(obj) for obj in objects))
    rows = [complete(obj) for obj in objects]
    count = copy_rows(model._meta.db_table, names, rows)
    historical = model.history.model
    history_fields = [
        field.column
        for field in historical._meta.concrete_fields
        if field.attname in {f.attname for f in fields}
    ]
    columns = [f.column for f in fields]
    positions = [columns.index(column) for column in history_fields]
    updated = columns.index("updated_at")
    copy_rows(
        historical._meta.db_table,
        [*history_fields, "history_date", "history_change_reason", "history_type"],
        ([row[i] for i in positions] + [row[updated], None, "+"] for row in rows),
    )
    return count


def _next_id(model) -> int:
    return (model.objects.aggregate(top=models.Max("pk"))["top"] or 0) + 1


def _reset_sequences() -> None:
    """Rows given explicit ids leave the sequences behind: move each past the largest id."""
    with connection.cursor() as cursor:
        for model in (Country, City, Organisation, Programme, ProgrammePartner, Activity):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT MAX(id) FROM {table}))"
            )


def _codes(taken: set[str], length: int, count: int) -> Iterator[str]:
    """Unused codes of capital letters (never a real country's: those are already taken)."""
    produced = 0
    for letters in _letter_codes(length):
        if letters not in taken:
            taken.add(letters)
            yield letters
            produced += 1
            if produced == count:
                return


def _letter_codes(length: int) -> Iterator[str]:
    if length == 1:
        yield from reversed(string.ascii_uppercase)
        return
    for head in reversed(string.ascii_uppercase):
        for tail in _letter_codes(length - 1):
            yield head + tail


def build(size: int, *, seed: int = 10) -> dict[str, int]:
    """Adds places and organisations up to the counts above, then ``size`` programmes."""
    if size == 0:  # the real portfolio alone, as `make run` serves it
        return _counts()
    rng = random.Random(seed)
    regions = [code for code in Region.values if code != "998"]
    now = timezone.now()

    countries_missing = max(0, COUNTRIES - Country.objects.count())
    iso2 = _codes(set(Country.objects.values_list("iso2", flat=True)), 2, countries_missing)
    iso3 = _codes(set(Country.objects.values_list("iso3", flat=True)), 3, countries_missing)
    copy_models(
        Country,
        (
            {
                "id": _next_id(Country) + n,
                "iso2": code,
                "iso3": next(iso3),
                "name": f"Synthetic country {code}",
                "region": rng.choice(regions),
            }
            for n, code in enumerate(iso2)
        ),
    )
    country_ids = list(Country.objects.values_list("pk", flat=True))

    first_city = _next_id(City)
    copy_models(
        City,
        (
            {
                "id": first_city + n,
                "name": f"Synthetic city {n}",
                "slug": f"synthetic-city-{n}",
                "country_id": rng.choice(country_ids),
                "is_secondary": rng.random() < 0.6,
                "latitude": Decimal(rng.randint(-40_00000, 50_00000)) / 100000,
                "longitude": Decimal(rng.randint(-90_00000, 120_00000)) / 100000,
            }
            for n in range(max(0, CITIES - City.objects.count()))
        ),
    )
    cities_by_country: dict[int, list[int]] = {}
    for pk, country in City.objects.values_list("pk", "country_id"):
        cities_by_country.setdefault(country, []).append(pk)
    city_ids = [pk for pks in cities_by_country.values() for pk in pks]

    first_organisation = _next_id(Organisation)
    copy_models(
        Organisation,
        (
            {
                "id": first_organisation + n,
                "name": f"Synthetic {_words(rng, 2, 3)} organisation {n}",
                "slug": f"synthetic-organisation-{n}",
                "org_type": rng.choice(OrganisationType.values),
                "iati_ref": f"XX-SYN-{n}",
                "is_member": rng.random() < 0.2,
            }
            for n in range(max(0, ORGANISATIONS - Organisation.objects.count()))
        ),
    )
    organisation_ids = list(Organisation.objects.values_list("pk", flat=True))
    instrument_ids = list(Instrument.objects.exclude(kind="jwp").values_list("pk", flat=True))
    theme_ids = list(Theme.objects.values_list("pk", flat=True))
    statuses = [s for s in ActivityStatus.values if s != ActivityStatus.CANCELLED]
    roles = OrganisationRole.values

    first = _next_id(Programme)
    themes, countries, cities, partners, activities = [], [], [], [], []
    programmes = []
    for n in range(size):
        pk = first + n
        start = datetime.date(rng.randint(2000, 2026), rng.randint(1, 12), 1)
        end = start + datetime.timedelta(days=rng.randint(365, 6 * 365))
        published = rng.random() < PUBLISHED_SHARE
        has_budget = rng.random() < 0.8
        # Entered over the last three years, as a real portfolio grew: a partner's sync since
        # last month sees a month of changes, not the whole portfolio.
        created = now - datetime.timedelta(seconds=rng.randint(0, 3 * 365 * 24 * 3600))
        programmes.append(
            {
                "id": pk,
                "instrument_id": rng.choice(instrument_ids),
                "iati_identifier": f"XX-SYN-P{pk}",
                "title": f"{_words(rng, 3, 6).capitalize()} {n}",
                "slug": f"synthetic-programme-{pk}",
                "summary": _words(rng, 12, 24).capitalize() + ".",
                "description": _words(rng, 40, 90).capitalize() + ".",
                "activity_status": rng.choice(statuses),
                "planned_start": start,
                "planned_end": end,
                "actual_start": start if rng.random() < 0.5 else None,
                "budget": Decimal(rng.randint(50, 50_000)) * 1000 if has_budget else None,
                "currency": rng.choice(("USD", "USD", "USD", "EUR")) if has_budget else "",
                "status": PublicationStatus.PUBLISHED if published else PublicationStatus.DRAFT,
                "published_at": created if published else None,
                "created_at": created,
                "updated_at": created,
            }
        )
        themes.extend((pk, theme) for theme in rng.sample(theme_ids, rng.randint(1, 3)))
        chosen = rng.sample(country_ids, rng.randint(1, 2))
        countries.extend((pk, country) for country in chosen)
        nearby = [city for country in chosen for city in cities_by_country.get(country, [])]
        pool = nearby if len(nearby) >= 3 else city_ids
        cities.extend((pk, city) for city in rng.sample(pool, rng.randint(1, 3)))
        partners.extend(
            (pk, organisation, rng.choice(roles))
            for organisation in rng.sample(organisation_ids, 3)
        )
        activities.extend((pk, order) for order in range(3))

    copy_models(Programme, programmes, history=True)
    for through, column, rows in (
        (Programme.themes.through, "theme_id", themes),
        (Programme.countries.through, "country_id", countries),
        (Programme.cities.through, "city_id", cities),
    ):
        copy_rows(through._meta.db_table, ["programme_id", column], rows)
    levels = ["community", "local", "national"]
    first_partner = _next_id(ProgrammePartner)
    copy_models(
        ProgrammePartner,
        (
            {"id": first_partner + n, "programme_id": pk, "organisation_id": org, "role": role}
            for n, (pk, org, role) in enumerate(partners)
        ),
    )
    first_activity = _next_id(Activity)
    copy_models(
        Activity,
        (
            {
                "id": first_activity + n,
                "programme_id": pk,
                "title": f"{_words(rng, 2, 4).capitalize()} ({order + 1})",
                "level": levels[order],
                "description": _words(rng, 10, 20),
                "order": order,
            }
            for n, (pk, order) in enumerate(activities)
        ),
    )
    _reset_sequences()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the bench runs VACUUM ANALYZE after this, outside a transaction
    return _counts()


def _counts() -> dict[str, int]:
    return {
        "programmes": Programme.objects.count(),
        "published": Programme.objects.published().count(),
        "countries": Country.objects.count(),
        "cities": City.objects.count(),
        "organisations": Organisation.objects.count(),
        "partners": ProgrammePartner.objects.count(),
        "activities": Activity.objects.count(),
    }
