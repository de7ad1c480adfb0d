"""Reads an IATI ``iati-activities`` 2.0x file, ours or another publisher's, into programmes.

The file is checked before anything is written: its size (``IATI_MAX_IMPORT_BYTES``), that it
is well-formed XML without a DOCTYPE (entities are never expanded, nothing is fetched), that
its root is ``iati-activities`` in a 2.0x version, and that it is valid against the official
2.03 schema. Then every activity is read into plain values, and only when no activity has a
problem are they written, in one transaction: any error writes nothing.

The ``iati-identifier`` is the key. A new identifier becomes a DRAFT programme in the chosen
instrument; a known one updates the fields below on the existing programme and leaves its
publication state, instrument, slug, cities, dimensions, activities and notes alone. An
activity whose identifier belongs to a Joint Work Programme is skipped: JWPs are not imported.

=============================================  ==============================================
IATI                                           programme
=============================================  ==============================================
``iati-identifier``                            ``iati_identifier`` (the matching key)
``title/narrative``                            ``title`` (narrative in English, else without
                                               a language, else the first)
``description/narrative``                      ``description``: the first description of type
                                               1 (or without type), else the first one;
                                               ``summary``: its first one or two sentences,
                                               at most 500 characters. Re-importing the text
                                               the export wrote keeps both fields as they are
``activity-status/@code``                      ``activity_status``
``activity-date`` type 1, 2, 3, 4              ``planned_start``, ``actual_start``,
                                               ``planned_end``, ``actual_end`` (absent: empty);
                                               an end before its start is an error
``recipient-country/@code``                    ``countries``: existing countries only, unknown
                                               codes are warnings; percentages are ignored
``sector`` vocabulary 1 or none                ``themes`` whose ``dac_sector_code`` is the
                                               code; they replace the themes that have a DAC
                                               code, themes without one are kept; other
                                               vocabularies, unmatched codes: warnings;
                                               percentages are ignored
``participating-org``                          ``partners`` (replaced): ``@role``; the
                                               organisation by ``@ref``, else by exact name,
                                               else created (name, ``@type`` or 90, ``@ref``)
``budget/value``                               ``budget``, ``currency``: the sum when all
                                               budgets share a currency, else the first
                                               budget (warning); currency from ``@currency``
                                               or ``@default-currency``. No budget in the
                                               file: an existing budget is kept
``@default-currency``                          ``currency`` of a new programme without budget
``related-activity`` type 1, or type 2 in the  ``parent``, when it names a programme (in the
parent's activity                              file or already here); never cleared
=============================================  ==============================================

Ignored: ``reporting-org``, ``@hierarchy`` (follows from the parent), ``@last-updated-
datetime``, ``other-identifier``, ``contact-info``, ``activity-scope``, ``recipient-region``,
``location``, ``tag``, ``policy-marker``, the ``default-*`` types, ``planned-disbursement``,
``transaction``, ``document-link``, ``related-activity`` of other types, ``result`` and the
rest of the standard.
"""

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from lxml import etree

from jwp.models import JointWorkProgramme
from programmes.iati_codes import ActivityStatus, Currency, OrganisationRole, OrganisationType
from programmes.models import Country, Organisation, Programme, ProgrammePartner
from publishing.models import PublicationStatus
from windows.models import Instrument, InstrumentKind, Theme

from .schema import ACTIVITIES, schema_errors

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
HISTORY_REASON = "import_iati"
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


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    organisations_created: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged"
        )
        if self.skipped:
            text += f", {len(self.skipped)} skipped"
        return text

    def lines(self) -> list[str]:
        lines = [f"Programmes: {self.summary()}."]
        if self.organisations_created:
            names = ", ".join(self.organisations_created)
            lines.append(f"Organisations created: {len(self.organisations_created)} ({names}).")
        if self.warnings:
            lines.append(f"Warnings ({len(self.warnings)}):")
            lines.extend(f"  - {warning}" for warning in self.warnings)
        return lines


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
    country_codes: list[str]
    sector_codes: list[str]
    partners: list[Partner]
    budget: Decimal | None
    currency: str
    parent_ref: str
    child_refs: list[str]
    warnings: list[str]

    @property
    def label(self) -> str:
        return f"Activity {self.identifier} (line {self.line})"


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


def _paragraphs(text: str) -> str:
    """Paragraphs kept, the whitespace inside each one made plain."""
    paragraphs = (" ".join(part.split()) for part in re.split(r"\n\s*\n", text))
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


def summary_from(description: str, limit: int = SUMMARY_LENGTH) -> str:
    """The first one or two sentences of the first paragraph, at most ``limit`` characters."""
    paragraph = _paragraphs(description).split("\n\n")[0]
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
        description = _paragraphs(_narrative(candidate, lang, keep_lines=True))
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

    country_codes = []
    for country in element.findall("recipient-country"):
        code = country.get("code", "").strip().upper()
        if code and code not in country_codes:
            country_codes.append(code)
    for region in element.findall("recipient-region"):
        warn(f"recipient-region {region.get('code')} ignored (only countries are imported).")

    sector_codes = []
    for sector in element.findall("sector"):
        code, vocabulary = sector.get("code", "").strip(), sector.get("vocabulary", "1")
        if vocabulary != DAC_VOCABULARY:
            warn(f"sector {code} of vocabulary {vocabulary} ignored (only DAC 5-digit codes).")
        elif code not in sector_codes:
            sector_codes.append(code)

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
    budget, currency = _budget(element, default_currency, warn, problem)
    if budget is None:
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
        country_codes=country_codes,
        sector_codes=sector_codes,
        partners=partners,
        budget=budget,
        currency=currency,
        parent_ref=parents[0] if parents else "",
        child_refs=children,
        warnings=warnings,
    )


def _budget(element, default_currency: str, warn, problem) -> tuple[Decimal | None, str]:
    """(value, currency): the sum when every budget has the same currency, else the first."""
    budgets = []
    for budget in element.findall("budget"):
        value = budget.find("value")
        if value is None or not (value.text or "").strip():
            continue
        currency = value.get("currency", "").strip() or default_currency
        try:
            amount = _decimal(value.text)
        except InvalidOperation:
            problem(f"budget value {value.text!r} (line {value.sourceline}) is not a number.")
            continue
        if not currency:
            warn(f"budget (line {value.sourceline}) without a currency ignored.")
            continue
        budgets.append((amount, currency))
    if not budgets:
        return None, ""
    currencies = {currency for _amount, currency in budgets}
    if len(currencies) > 1:
        warn(
            f"budgets in several currencies ({', '.join(sorted(currencies))}): only the first "
            f"({budgets[0][1]} {budgets[0][0]}) is imported."
        )
        return budgets[0]
    return sum((amount for amount, _currency in budgets), Decimal(0)), budgets[0][1]


# -- writing --------------------------------------------------------------------------------


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
            for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def _unique_slug(model, text: str, fallback: str, max_length: int) -> str:
    base = (slugify(text) or slugify(fallback) or model._meta.model_name)[:max_length]
    slug, number = base, 1
    while model.objects.filter(slug=slug).exists():
        number += 1
        suffix = f"-{number}"
        slug = base[: max_length - len(suffix)].rstrip("-") + suffix
    return slug


class _Importer:
    def __init__(self, *, instrument_slug: str | None, user):
        self.instrument_slug = instrument_slug
        self.user = user
        self.report = ImportReport()
        self.problems: list[str] = []

    def _save(self, obj, label: str) -> bool:
        try:
            obj.full_clean()
        except ValidationError as error:
            self.problems.append(f"{label}: {_messages(error)}")
            return False
        obj._change_reason = HISTORY_REASON
        obj._history_user = self.user
        obj.save()
        return True

    def instrument(self) -> Instrument:
        if self.instrument_slug:
            instrument = Instrument.objects.filter(slug=self.instrument_slug).first()
            if instrument is None:
                raise IatiImportError([f"No instrument with the slug {self.instrument_slug!r}."])
            if instrument.kind == InstrumentKind.JOINT_WORK_PROGRAMME:
                raise IatiImportError(
                    [f"Instrument {instrument.slug!r} holds Joint Work Programmes, not programmes."]
                )
            return instrument
        candidates = list(Instrument.objects.filter(kind=InstrumentKind.GLOBAL_INITIATIVE)[:2])
        if len(candidates) == 1:
            return candidates[0]
        slugs = ", ".join(
            Instrument.objects.exclude(kind=InstrumentKind.JOINT_WORK_PROGRAMME)
            .order_by("slug")
            .values_list("slug", flat=True)
        )
        how_many = "no" if not candidates else "more than one"
        raise IatiImportError(
            [
                f"There is {how_many} global-initiative instrument, so the instrument of the new "
                f"programmes must be given: --instrument SLUG (one of: {slugs or 'none yet'})."
            ]
        )

    def run(self, activities: list[ActivityData]) -> ImportReport:
        jwp_identifiers = set(
            JointWorkProgramme.objects.filter(
                iati_identifier__in=[a.identifier for a in activities]
            ).values_list("iati_identifier", flat=True)
        )
        wanted = []
        for activity in activities:
            if activity.identifier in jwp_identifiers:
                self.report.skipped.append(activity.identifier)
                self.report.warnings.append(
                    f"{activity.identifier}: a Joint Work Programme here; JWPs are not imported."
                )
            else:
                wanted.append(activity)
        existing = Programme.objects.in_bulk(
            [activity.identifier for activity in wanted], field_name="iati_identifier"
        )
        instrument = (
            self.instrument() if any(a.identifier not in existing for a in wanted) else None
        )
        programmes, changed = {}, {}
        for activity in wanted:
            result = self.programme(activity, existing.get(activity.identifier), instrument)
            if result is not None:
                programmes[activity.identifier], changed[activity.identifier] = result
        for identifier, parent_changed in self.parents(wanted, programmes).items():
            changed[identifier] = changed[identifier] or parent_changed
        if self.problems:
            raise IatiImportError(self.problems)
        for activity in wanted:
            if activity.identifier not in existing:
                self.report.created.append(activity.identifier)
            elif changed[activity.identifier]:
                self.report.updated.append(activity.identifier)
            else:
                self.report.unchanged.append(activity.identifier)
        return self.report

    # -- one programme -------------------------------------------------------------------

    def programme(self, activity: ActivityData, programme, instrument):
        self.report.warnings.extend(activity.warnings)
        values = {"title": activity.title, "activity_status": activity.activity_status}
        values.update(activity.dates)
        if activity.budget is not None or programme is None:
            # A file without a budget leaves one alone: our export leaves out the budget of a
            # programme without both a start and an end.
            values.update(budget=activity.budget, currency=activity.currency)
        description = activity.description
        if programme is not None and description == _paragraphs(
            programme.description or programme.summary
        ):
            pass  # the text the export wrote for it: description and summary stay as they are
        elif description:
            values["description"] = description
            values["summary"] = summary_from(description)
        else:
            values["description"] = ""
            values["summary"] = summary_from(activity.title)
            self.report.warnings.append(
                f"{activity.identifier}: the description has no text; the title is the summary."
            )

        created = programme is None
        if created:
            programme = Programme(
                iati_identifier=activity.identifier,
                instrument=instrument,
                slug=_unique_slug(Programme, activity.title, activity.identifier, 255),
                status=PublicationStatus.DRAFT,
            )
        differing = [name for name, value in values.items() if getattr(programme, name) != value]
        for name in differing:
            setattr(programme, name, values[name])
        if (created or differing) and not self._save(programme, activity.label):
            return None

        changed = bool(differing)
        changed |= self.countries(activity, programme)
        changed |= self.themes(activity, programme)
        changed |= self.partners(activity, programme)
        return programme, changed

    def countries(self, activity: ActivityData, programme) -> bool:
        countries = {c.iso2: c for c in Country.objects.filter(iso2__in=activity.country_codes)}
        for code in activity.country_codes:
            if code not in countries:
                self.report.warnings.append(
                    f"{activity.identifier}: recipient-country {code} is not a country here; "
                    "left out."
                )
        return self._set(programme.countries, countries.values())

    def themes(self, activity: ActivityData, programme) -> bool:
        themes = list(Theme.objects.filter(dac_sector_code__in=activity.sector_codes))
        matched = {theme.dac_sector_code for theme in themes}
        for code in activity.sector_codes:
            if code not in matched:
                self.report.warnings.append(
                    f"{activity.identifier}: sector {code} matches no theme's DAC sector code; "
                    "left out."
                )
        # Themes without a DAC code cannot be in the file: they stay.
        kept = [theme for theme in programme.themes.all() if not theme.dac_sector_code]
        return self._set(programme.themes, [*themes, *kept])

    @staticmethod
    def _set(manager, wanted: Iterable) -> bool:
        wanted = set(wanted)
        if set(manager.all()) == wanted:
            return False
        manager.set(wanted)
        return True

    def partners(self, activity: ActivityData, programme) -> bool:
        wanted = []
        for partner in activity.partners:
            organisation = self.organisation(partner, activity)
            if organisation is not None and (organisation, partner.role) not in wanted:
                wanted.append((organisation, partner.role))
        current = {(p.organisation_id, p.role): p for p in programme.partners.all()}
        keys = [(organisation.pk, role) for organisation, role in wanted]
        stale = [p.pk for key, p in current.items() if key not in keys]
        if stale:
            ProgrammePartner.objects.filter(pk__in=stale).delete()
        for organisation, role in wanted:
            if (organisation.pk, role) not in current:
                partner = ProgrammePartner(
                    programme=programme, organisation=organisation, role=role
                )
                self._save(partner, f"{activity.label}, participating-org {organisation.name!r}")
        return bool(stale) or any(key not in current for key in keys)

    def organisation(self, partner: Partner, activity: ActivityData):
        if partner.ref:
            organisation = Organisation.objects.filter(iati_ref=partner.ref).first()
            if organisation is not None:
                return organisation
        # By exact name, unless that organisation has another IATI identifier.
        same_name = Organisation.objects.filter(name=partner.name).order_by("pk")
        if partner.ref:
            same_name = same_name.filter(Q(iati_ref="") | Q(iati_ref=partner.ref))
        organisation = same_name.first() if partner.name else None
        if organisation is not None:
            return organisation
        if not partner.name:
            self.report.warnings.append(
                f"{activity.identifier}: participating-org {partner.ref} has no name and is not "
                "an organisation here: created with its ref as the name."
            )
        organisation = Organisation(
            name=partner.name or partner.ref,
            slug=_unique_slug(Organisation, partner.name, partner.ref, 200),
            org_type=partner.org_type,
            iati_ref=partner.ref,
        )
        label = f"{activity.label}, participating-org {organisation.name!r}"
        if not self._save(organisation, label):
            return None
        self.report.organisations_created.append(organisation.name)
        return organisation

    # -- hierarchy -----------------------------------------------------------------------

    def parents(self, activities: list[ActivityData], programmes: dict) -> dict[str, bool]:
        """Sets each parent the file names; returns, per identifier, whether it changed."""
        parent_refs = {a.identifier: a.parent_ref for a in activities if a.parent_ref}
        for activity in activities:
            for child in activity.child_refs:
                if child not in programmes:
                    self.report.warnings.append(
                        f"{activity.identifier}: child {child} is not a programme in this file; "
                        "its parent is not changed."
                    )
                elif parent_refs.setdefault(child, activity.identifier) != activity.identifier:
                    self.report.warnings.append(
                        f"{child}: {activity.identifier} lists it as a child, but its parent is "
                        f"{parent_refs[child]}; {parent_refs[child]} is kept."
                    )
        outside = [ref for ref in parent_refs.values() if ref not in programmes]
        known = {**Programme.objects.in_bulk(outside, field_name="iati_identifier"), **programmes}
        changed = {}
        for identifier, ref in parent_refs.items():
            programme, parent = programmes.get(identifier), known.get(ref)
            if programme is None:
                continue
            if parent is None:
                self.report.warnings.append(
                    f"{identifier}: parent {ref} is not a programme here; the parent is not "
                    "changed."
                )
                continue
            changed[identifier] = programme.parent_id != parent.pk
            programme.parent = parent
        labels = {a.identifier: a.label for a in activities}
        for identifier, has_changed in changed.items():
            if has_changed:
                self._save(programmes[identifier], labels[identifier])
        return changed


def iati_import(
    *, source: bytes | str | os.PathLike, instrument_slug: str | None, user=None
) -> ImportReport:
    """Imports an ``iati-activities`` file (its bytes or its path). All or nothing: any
    problem raises ``IatiImportError`` and writes nothing."""
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
    with transaction.atomic():
        return _Importer(instrument_slug=instrument_slug, user=user).run(activities)
