"""Reads an IATI ``iati-activities`` 2.0x file into plain values, writing nothing.

The file is checked before anything else: its size (``IATI_MAX_IMPORT_BYTES``), that it is
well-formed XML without a DOCTYPE (entities are never expanded, nothing is fetched), that its
root is ``iati-activities`` in a 2.0x version, and that it is valid against the official 2.03
schema. Then every activity is read into an ``ActivityData``; ``iati.importer`` writes them.
"""

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.conf import settings
from lxml import etree

from programmes.iati_codes import ActivityStatus, Currency, OrganisationRole, OrganisationType

from .rows import Rows
from .schema import ACTIVITIES, schema_errors

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DATE_FIELDS = {"1": "planned_start", "2": "actual_start", "3": "planned_end", "4": "actual_end"}
DAC_VOCABULARY = "1"
RELATED_PARENT, RELATED_CHILD = "1", "2"
DESCRIPTION_GENERAL = "1"
ORGANISATION_TYPE_OTHER = OrganisationType.OTHER.value
SUMMARY_LENGTH = 500
SCHEMA_ERRORS_SHOWN = 10
VERSION = re.compile(r"^2\.0\d$")
DOCTYPE = b"<!DOCTYPE"


class IatiImportError(Exception):
    """The file cannot be imported; ``problems`` name the activity (or line) and the fault."""

    def __init__(self, problems: Iterable[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


# -- the document ---------------------------------------------------------------------------


def _read(source: bytes | str | os.PathLike) -> bytes:
    limit = settings.IATI_MAX_IMPORT_BYTES
    if isinstance(source, bytes):
        size = len(source)
    else:
        try:
            size = Path(source).stat().st_size
        except OSError as error:
            raise IatiImportError([f"{source}: {error.strerror}"]) from None
    if size > limit:
        raise IatiImportError(
            [f"The file is {size} bytes, more than IATI_MAX_IMPORT_BYTES ({limit} bytes)."]
        )
    if isinstance(source, bytes):
        return source
    with Path(source).open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:  # the file grew since it was measured
        raise IatiImportError([f"The file is more than IATI_MAX_IMPORT_BYTES ({limit} bytes)."])
    return data


def _doctype_refused(line: int) -> IatiImportError:
    return IatiImportError(
        [
            f"Line {line}: the file has a DOCTYPE declaration. IATI files have none, and "
            "entities and external DTDs are never expanded here: remove it."
        ]
    )


def _parse(data: bytes) -> etree._ElementTree:
    # Refused before parsing, so no entity declaration reaches the parser. The check after
    # parsing catches a DOCTYPE in an encoding this byte search cannot see (UTF-16).
    position = data.find(DOCTYPE)
    if position >= 0:
        raise _doctype_refused(data.count(b"\n", 0, position) + 1)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        line = error.lineno or error.position[0]
        raise IatiImportError([f"Not well-formed XML, line {line}: {error.msg or error}"]) from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise _doctype_refused(1)
    return tree


def _check(tree: etree._ElementTree) -> None:
    root = tree.getroot()
    if root.tag != "iati-activities":
        raise IatiImportError(
            [f"Line {root.sourceline}: the root element is <{root.tag}>, not <iati-activities>."]
        )
    version = root.get("version", "")
    if not VERSION.match(version):
        raise IatiImportError(
            [
                f"Line {root.sourceline}: IATI version {version!r} is not supported; "
                "only 2.0x files (2.01 to 2.03) are read."
            ]
        )
    errors = schema_errors(tree, ACTIVITIES)
    if errors:
        problems = [f"Line {line}: {message}" for line, message in errors[:SCHEMA_ERRORS_SHOWN]]
        if len(errors) > SCHEMA_ERRORS_SHOWN:
            problems.append(f"... and {len(errors) - SCHEMA_ERRORS_SHOWN} more schema errors.")
        raise IatiImportError([f"The file is not valid against {ACTIVITIES}:", *problems])


# -- one activity as plain values -----------------------------------------------------------


@dataclass(frozen=True)
class Partner:
    role: str
    ref: str
    name: str
    org_type: str


@dataclass
class ActivityData:
    identifier: str
    line: int
    title: str
    description: str
    activity_status: str
    dates: dict[str, date | None]
    country_shares: list[tuple[str, Decimal | None]]
    sectors: list[dict]
    partners: list[Partner]
    currency: str
    classifications: dict
    policy_markers: list[dict]
    contacts: list[dict]
    budgets: list[dict]
    planned_disbursements: list[dict]
    transactions: list[dict]
    parent_ref: str
    child_refs: list[str]
    warnings: list[str]

    @property
    def label(self) -> str:
        return f"Activity {self.identifier} (line {self.line})"

    @property
    def country_codes(self) -> list[str]:
        return [code for code, _share in self.country_shares]

    @property
    def sector_codes(self) -> list[str]:
        """The DAC 5-digit codes, which the themes carry."""
        return [s["code"] for s in self.sectors if s["vocabulary"] == DAC_VOCABULARY]


def _text(element) -> str:
    return " ".join((element.text or "").split()) if element is not None else ""


def _narrative(element, default_lang: str, *, keep_lines: bool = False) -> str:
    """The narrative in English, else one without a language, else the first."""
    if element is None:
        return ""
    ranked = []
    for order, narrative in enumerate(element.findall("narrative")):
        own = (narrative.get(XML_LANG) or "").lower()
        lang = own or default_lang
        rank = 0 if lang == "en" or lang.startswith("en-") else 1 if not own else 2
        text = narrative.text or ""
        text = text.strip() if keep_lines else " ".join(text.split())
        if text:
            ranked.append((rank, order, text))
    return min(ranked)[2] if ranked else ""


def paragraphs(text: str) -> str:
    """Paragraphs kept, the whitespace inside each one made plain."""
    paragraphs = (" ".join(part.split()) for part in re.split(r"\n\s*\n", text))
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


def summary_from(description: str, limit: int = SUMMARY_LENGTH) -> str:
    """The first one or two sentences of the first paragraph, at most ``limit`` characters."""
    paragraph = paragraphs(description).split("\n\n")[0]
    sentences: list[str] = []
    for piece in re.split(r"(?<=[.!?])\s+", paragraph):
        # "e.g. the city" does not end a sentence: the next one starts with a capital.
        if sentences and not piece[:1].isupper() and not piece[:1].isdigit():
            sentences[-1] += " " + piece
        else:
            sentences.append(piece)
    summary = sentences[0] if sentences else ""
    if len(sentences) > 1 and len(summary) + 1 + len(sentences[1]) <= limit:
        summary += " " + sentences[1]
    if len(summary) > limit:
        summary = summary[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"
    return summary


def _date(value: str) -> date:
    return date.fromisoformat(value[:10])  # the schema's xsd:date may carry a time zone


def _decimal(value: str) -> Decimal:
    return Decimal(value.strip()).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _activity_data(element, problems: list[str]) -> ActivityData:
    identifier = _text(element.find("iati-identifier"))
    warnings: list[str] = []
    label = f"Activity {identifier or '(no identifier)'} (line {element.sourceline})"
    lang = (element.get(XML_LANG) or "").lower()

    def warn(message: str) -> None:
        warnings.append(f"{identifier}: {message}")

    def problem(message: str) -> None:
        problems.append(f"{label}: {message}")

    if not identifier:
        problem("the iati-identifier is empty.")
    title = _narrative(element.find("title"), lang)
    if not title:
        problem("the title has no text.")

    descriptions = element.findall("description")
    general = [d for d in descriptions if d.get("type", DESCRIPTION_GENERAL) == DESCRIPTION_GENERAL]
    description = ""
    for candidate in general + [d for d in descriptions if d not in general]:
        description = paragraphs(_narrative(candidate, lang, keep_lines=True))
        if description:
            break

    status_code = element.find("activity-status").get("code", "")
    if status_code not in ActivityStatus.values:
        problem(f"activity-status {status_code!r} is not an ActivityStatus code.")

    dates: dict[str, date | None] = dict.fromkeys(DATE_FIELDS.values())
    for activity_date in element.findall("activity-date"):
        name = DATE_FIELDS.get(activity_date.get("type", ""))
        if name is None:
            warn(f"activity-date of type {activity_date.get('type')!r} ignored.")
            continue
        try:
            value = _date(activity_date.get("iso-date", ""))
        except ValueError:
            problem(f"activity-date type {activity_date.get('type')} has no valid iso-date.")
            continue
        if dates[name] is None:
            dates[name] = value
        else:
            warn(f"a second {name.replace('_', ' ')} ({value}) ignored.")
    for kind in ("planned", "actual"):
        start, end = dates[f"{kind}_start"], dates[f"{kind}_end"]
        if start and end and end < start:
            problem(f"the {kind} end ({end}) is before the {kind} start ({start}).")

    for region in element.findall("recipient-region"):
        warn(f"recipient-region {region.get('code')} ignored (only countries are imported).")
    rows = Rows(
        element,
        narrative=lambda part, keep_lines=False: _narrative(part, lang, keep_lines=keep_lines),
        warn=warn,
        problem=problem,
    )

    partners = []
    for org in element.findall("participating-org"):
        role, ref = org.get("role", ""), org.get("ref", "").strip()
        name = _narrative(org, lang)
        if role not in OrganisationRole.values:
            warn(f"participating-org {name or ref!r} with role {role!r} ignored.")
            continue
        if not name and not ref:
            warn(f"a participating-org (role {role}) without a name or ref ignored.")
            continue
        org_type = org.get("type", "")
        if org_type not in OrganisationType.values:
            if org_type:
                warn(f"participating-org {name!r}: type {org_type!r} unknown, 90 (other) used.")
            org_type = ORGANISATION_TYPE_OTHER
        partner = Partner(role=role, ref=ref, name=name, org_type=org_type)
        if partner not in partners:
            partners.append(partner)

    default_currency = element.get("default-currency", "").strip()
    currency = default_currency if default_currency in Currency.values else ""

    related = [
        (r.get("type"), r.get("ref", "").strip()) for r in element.findall("related-activity")
    ]
    parents = [ref for kind, ref in related if kind == RELATED_PARENT and ref]
    if len(set(parents)) > 1:
        warn(f"several parents ({', '.join(parents)}): the first is used.")
    children = [ref for kind, ref in related if kind == RELATED_CHILD and ref]
    return ActivityData(
        identifier=identifier,
        line=element.sourceline,
        title=title,
        description=description,
        activity_status=status_code,
        dates=dates,
        country_shares=rows.country_shares(),
        sectors=rows.sectors(),
        partners=partners,
        currency=currency,
        classifications=rows.classifications(),
        policy_markers=rows.policy_markers(),
        contacts=rows.contacts(),
        budgets=rows.budgets(),
        planned_disbursements=rows.planned_disbursements(),
        transactions=rows.transactions(),
        parent_ref=parents[0] if parents else "",
        child_refs=children,
        warnings=warnings,
    )


def read_activities(source: bytes | str | os.PathLike) -> list[ActivityData]:
    """Every activity of the file (its bytes or its path), or ``IatiImportError`` listing
    every problem the file has."""
    tree = _parse(_read(source))
    _check(tree)
    problems: list[str] = []
    activities = [
        _activity_data(element, problems)
        for element in tree.getroot().iterchildren("iati-activity")
    ]
    seen: dict[str, int] = {}
    for activity in activities:
        if activity.identifier in seen:
            problems.append(
                f"{activity.label}: the iati-identifier is already used on line "
                f"{seen[activity.identifier]}."
            )
        seen.setdefault(activity.identifier, activity.line)
    if problems:
        raise IatiImportError(problems)
    return activities
