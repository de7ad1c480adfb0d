"""Loads the Cities Alliance portfolio from ``jwp/content/portfolio.toml``.

The file is the editorial source of the initial content; the database is the source of truth
after that. So a run creates what is missing and publishes it, leaves existing rows alone
(reporting those that differ from the file), and with ``update=True`` overwrites them with
the file's values. It never deletes. The whole run is one transaction: an error anywhere
writes nothing.
"""

import tomllib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction

from programmes.models import (
    Activity,
    City,
    Country,
    Dimension,
    Organisation,
    Programme,
    ProgrammePartner,
)
from publishing.models import Document, Publishable
from publishing.services import OPERATOR, content_save, publication_publish_system
from windows.models import FundingWindow, Instrument, Theme

from .models import JointWorkProgramme, Lesson, Membership, Output, Phase

CONTENT_DIR = Path(__file__).resolve().parent / "content"
PORTFOLIO_FILE = CONTENT_DIR / "portfolio.toml"
HISTORY_REASON = "load_portfolio"


class PortfolioError(Exception):
    """The content file is wrong; the message names the entry and the field."""


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    differs: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) or sum(self.updated.values()))

    def lines(self) -> list[str]:
        names = sorted(
            set(self.created) | set(self.updated) | set(self.unchanged) | set(self.differs)
        )
        rows = []
        for name in names:
            parts = [f"{self.created[name]} created"]
            if self.updated[name]:
                parts.append(f"{self.updated[name]} updated")
            parts.append(f"{self.unchanged[name]} unchanged")
            if self.differs[name]:
                parts.append(f"{self.differs[name]} differ from the file (kept)")
            rows.append(f"{name}: {', '.join(parts)}")
        return rows


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


class _Loader:
    def __init__(self, data: dict, *, update: bool):
        self.data = data
        self.update = update
        self.report = LoadReport()

    # -- lookups -------------------------------------------------------------------------

    def _get(self, model, entry: str, **lookup):
        try:
            return model.objects.get(**lookup)
        except model.DoesNotExist:
            wanted = ", ".join(f"{key}={value!r}" for key, value in lookup.items())
            raise PortfolioError(
                f"{entry}: no {model._meta.verbose_name} with {wanted} in the file"
            ) from None

    def _many(self, model, entry: str, key: str, values) -> list:
        return [self._get(model, entry, **{key: value}) for value in values or []]

    # -- the one write primitive ----------------------------------------------------------

    def upsert(self, model, entry: str, lookup: dict, values: dict, m2m: dict | None = None):
        """Create the row if missing, otherwise compare, and overwrite only with ``update``."""
        m2m = m2m or {}
        label = str(model._meta.verbose_name_plural)
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            self._save(obj, entry, m2m=m2m)
            if isinstance(obj, Publishable):
                publication_publish_system(obj=obj)
            self.report.created[label] += 1
            return obj

        differing = [name for name, value in values.items() if getattr(obj, name) != value]
        missing = {
            name: [item for item in related if item not in set(getattr(obj, name).all())]
            for name, related in m2m.items()
        }
        if not differing and not any(missing.values()):
            self.report.unchanged[label] += 1
        elif self.update:
            for name in differing:
                setattr(obj, name, values[name])
            added = {
                name: [*getattr(obj, name).all(), *related]
                for name, related in missing.items()
                if related
            }
            self._save(obj, entry, m2m=added)
            self.report.updated[label] += 1
        else:
            self.report.differs[label] += 1
        return obj

    def _save(self, obj, entry: str, m2m: dict | None = None) -> None:
        """Through the services, as the operator: the model's validation, the history."""
        try:
            content_save(obj, user=OPERATOR, reason=HISTORY_REASON, m2m=m2m)
        except ValidationError as error:
            problems = "; ".join(
                f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
            )
            raise PortfolioError(f"{entry}: {problems}") from None

    # -- the file, table by table ---------------------------------------------------------

    def run(self) -> LoadReport:
        self.windows()
        self.themes()
        self.places()
        self.organisations()
        self.programmes()
        self.jwps()
        self.outputs()
        self.lessons()
        self.documents()
        return self.report

    def windows(self):
        for item in self.data.get("windows", []):
            self.upsert(
                FundingWindow,
                f"window {item['code']}",
                {"code": item["code"]},
                {
                    "name": item["name"],
                    "slug": item["slug"],
                    "summary": item.get("summary", ""),
                    "description": item.get("description", ""),
                    "order": item.get("order", 0),
                },
            )
        for item in self.data.get("instruments", []):
            entry = f"instrument {item['slug']}"
            self.upsert(
                Instrument,
                entry,
                {"slug": item["slug"]},
                {
                    "window": self._get(FundingWindow, entry, code=item["window"]),
                    "kind": item["kind"],
                    "name": item["name"],
                    "summary": item.get("summary", ""),
                    "description": item.get("description", ""),
                    "order": item.get("order", 0),
                },
            )

    def themes(self):
        for item in self.data.get("themes", []):
            self.upsert(
                Theme,
                f"theme {item['slug']}",
                {"slug": item["slug"]},
                {
                    "name": item["name"],
                    "dac_sector_code": item.get("dac_sector_code", ""),
                    "summary": item.get("summary", ""),
                    "description": item.get("description", ""),
                    "order": item.get("order", 0),
                },
            )

    def places(self):
        for item in self.data.get("countries", []):
            self.upsert(
                Country,
                f"country {item['iso2']}",
                {"iso2": item["iso2"]},
                {"iso3": item["iso3"], "name": item["name"], "region": item.get("region", "")},
            )
        for item in self.data.get("cities", []):
            entry = f"city {item['slug']}"
            self.upsert(
                City,
                entry,
                {"slug": item["slug"]},
                {
                    "name": item["name"],
                    "country": self._get(Country, entry, iso2=item["country"]),
                    "is_secondary": item.get("secondary", False),
                    "latitude": _decimal(item.get("latitude")),
                    "longitude": _decimal(item.get("longitude")),
                },
            )

    def organisations(self):
        for item in self.data.get("organisations", []):
            entry = f"organisation {item['slug']}"
            country = item.get("country")
            self.upsert(
                Organisation,
                entry,
                {"slug": item["slug"]},
                {
                    "name": item["name"],
                    "acronym": item.get("acronym", ""),
                    "org_type": item["type"],
                    "iati_ref": item.get("iati_ref", ""),
                    "is_member": item.get("member", False),
                    "country": self._get(Country, entry, iso2=country) if country else None,
                    "website": item.get("website", ""),
                },
            )

    def _dimensions(self, names) -> list[Dimension]:
        dimensions = []
        for name in names or []:
            dimensions.append(
                self.upsert(Dimension, f"dimension {name}", {"slug": name}, {"name": name})
            )
        return dimensions

    def programmes(self):
        items = self.data.get("programmes", [])
        by_slug = {item["slug"]: item for item in items}
        for item in _parents_first(items, by_slug):
            entry = f"programme {item['slug']}"
            parent = item.get("parent")
            programme = self.upsert(
                Programme,
                entry,
                {"slug": item["slug"]},
                {
                    "instrument": self._get(Instrument, entry, slug=item["instrument"]),
                    "iati_identifier": _iati_identifier(item["code"]),
                    "title": item["title"],
                    "summary": item["summary"],
                    "description": item.get("description", ""),
                    "activity_status": item["status"],
                    "planned_start": item.get("planned_start"),
                    "planned_end": item.get("planned_end"),
                    "actual_start": item.get("actual_start"),
                    "actual_end": item.get("actual_end"),
                    "budget": _decimal(item.get("budget")),
                    "currency": item.get("currency", ""),
                    "parent": self._get(Programme, entry, slug=parent) if parent else None,
                    "notes": item.get("notes", ""),
                },
                m2m={
                    "themes": self._many(Theme, entry, "slug", item.get("themes")),
                    "countries": self._many(Country, entry, "iso2", item.get("countries")),
                    "cities": self._many(City, entry, "slug", item.get("cities")),
                    "dimensions": self._dimensions(item.get("dimensions")),
                },
            )
            for partner in item.get("partners", []):
                organisation = self._get(Organisation, entry, slug=partner["organisation"])
                self.upsert(
                    ProgrammePartner,
                    f"{entry}, partner {partner['organisation']}",
                    {"programme": programme, "organisation": organisation, "role": partner["role"]},
                    {},
                )
            for order, activity in enumerate(item.get("activities", []), start=1):
                self.upsert(
                    Activity,
                    f"{entry}, activity {activity['title']!r}",
                    {"programme": programme, "title": activity["title"]},
                    {
                        "level": activity["level"],
                        "description": activity.get("description", ""),
                        "order": order,
                    },
                )

    def jwps(self):
        for item in self.data.get("jwps", []):
            entry = f"JWP {item['slug']}"
            jwp = self.upsert(
                JointWorkProgramme,
                entry,
                {"slug": item["slug"]},
                {
                    "title": item["title"],
                    "iati_identifier": _iati_identifier(item["code"]),
                    "summary": item["summary"],
                    "description": item.get("description", ""),
                    "activity_status": item["status"],
                    "start": item.get("start"),
                    "end": item.get("end"),
                    "notes": item.get("notes", ""),
                },
                m2m={"themes": self._many(Theme, entry, "slug", item.get("themes"))},
            )
            for member in item.get("members", []):
                organisation = self._get(Organisation, entry, slug=member["organisation"])
                self.upsert(
                    Membership,
                    f"{entry}, member {member['organisation']}",
                    {"jwp": jwp, "organisation": organisation},
                    {"is_lead": member.get("lead", False)},
                )
            for phase in item.get("phases", []):
                self.upsert(
                    Phase,
                    f"{entry}, phase {phase['number']}",
                    {"jwp": jwp, "number": phase["number"]},
                    {
                        "title": phase["title"],
                        "start": phase.get("start"),
                        "end": phase.get("end"),
                        "focus": phase.get("focus", ""),
                    },
                )

    def outputs(self):
        for item in self.data.get("outputs", []):
            entry = f"output {item['slug']}"
            jwp = self._get(JointWorkProgramme, entry, slug=item["jwp"]) if "jwp" in item else None
            phase = None
            if "phase" in item:
                if jwp is None:
                    raise PortfolioError(f"{entry}: a phase needs its jwp")
                phase = self._get(Phase, entry, jwp=jwp, number=item["phase"])
            programme = item.get("programme")
            self.upsert(
                Output,
                entry,
                {"slug": item["slug"]},
                {
                    "title": item["title"],
                    "kind": item["kind"],
                    "date": item.get("date"),
                    "summary": item.get("summary", ""),
                    "language": item.get("language", "en"),
                    "url": item.get("url", ""),
                    "jwp": jwp,
                    "phase": phase,
                    "programme": self._get(Programme, entry, slug=programme) if programme else None,
                },
                m2m={"themes": self._many(Theme, entry, "slug", item.get("themes"))},
            )

    def lessons(self):
        for item in self.data.get("lessons", []):
            entry = f"lesson {item['slug']}"
            self.upsert(
                Lesson,
                entry,
                {"slug": item["slug"]},
                {
                    "title": item["title"],
                    "summary": item["summary"],
                    "programme": self._get(Programme, entry, slug=item["programme"]),
                    "jwp": self._get(JointWorkProgramme, entry, slug=item["jwp"]),
                },
            )

    def documents(self):
        for item in self.data.get("documents", []):
            entry = f"document {item['slug']}"
            source = CONTENT_DIR / item["file"]
            if not source.is_file():
                raise PortfolioError(f"{entry}: file {item['file']!r} not found in {CONTENT_DIR}")
            document = Document.objects.filter(slug=item["slug"]).first()
            values = {
                "title": item["title"],
                "summary": item.get("summary", ""),
                "language": item.get("language", "en"),
            }
            if document is None:
                document = Document(slug=item["slug"], **values)
                with source.open("rb") as handle:
                    document.file.save(source.name, File(handle), save=False)
                    self._save(document, entry)
                publication_publish_system(obj=document)
                self.report.created[str(Document._meta.verbose_name_plural)] += 1
            else:
                self.upsert(Document, entry, {"slug": item["slug"]}, values)


def _iati_identifier(code: str) -> str:
    return f"{settings.IATI_REPORTING_ORG_REF}-{code}"


def _parents_first(items: list[dict], by_slug: dict) -> list[dict]:
    ordered, placed = [], set()

    def place(item, trail=()):
        slug = item["slug"]
        if slug in placed:
            return
        if slug in trail:
            raise PortfolioError(f"programme {slug}: its parents form a loop")
        parent = item.get("parent")
        if parent:
            if parent not in by_slug:
                raise PortfolioError(f"programme {slug}: parent {parent!r} is not in the file")
            place(by_slug[parent], (*trail, slug))
        ordered.append(item)
        placed.add(slug)

    for item in items:
        place(item)
    return ordered


def read_portfolio(path: Path = PORTFOLIO_FILE) -> dict:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise PortfolioError(f"{path}: no such file") from None
    except tomllib.TOMLDecodeError as error:
        raise PortfolioError(f"{path}: {error}") from None


@transaction.atomic
def portfolio_load(*, data: dict, update: bool = False) -> LoadReport:
    """Load ``data`` (the parsed content file). All or nothing."""
    try:
        return _Loader(data, update=update).run()
    except KeyError as error:
        raise PortfolioError(f"a required field is missing: {error}") from None
