"""The published portfolio as an IATI 2.03 ``iati-activities`` document.

Each programme and Joint Work Programme becomes one ``iati-activity``, its elements in the
order the schema demands. An item that cannot be exported validly is never emitted half-made:
``iati_problems()`` on the model names what is missing, the admin shows it, and
``export_iati --strict`` fails on it. The document is produced activity by activity, so
memory does not grow with the size of the portfolio. docs/iati.md maps every field.
"""

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from classifications.models import Contact, PolicyMarker, Sector
from finances import selectors as money_rows
from finances.models import LONGEST_PERIOD, Budget
from jwp.models import JointWorkProgramme, Lesson, Membership, Output, OutputKind
from programmes.models import (
    ActivityClassifications,
    Programme,
    ProgrammePartner,
    activity_sectors,
    iati_problems_of,
)
from publishing.files import content_type_for
from publishing.filters import among
from windows.models import Theme

from . import money

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
IATI_VERSION = "2.03"
GLOBAL_REGION = "998"  # Developing countries, unspecified: the Global window's JWPs
BUDGET_TYPE_ORIGINAL = "1"
BUDGET_STATUS_INDICATIVE = "1"
ROLE_IMPLEMENTING = "4"
RELATED_PARENT, RELATED_CHILD, RELATED_SIBLING = "1", "2", "3"
DATE_TYPES = {
    "planned_start": "1",
    "actual_start": "2",
    "planned_end": "3",
    "actual_end": "4",
}
# Output kinds as IATI DocumentCategory codes.
DOCUMENT_CATEGORY = {
    OutputKind.FEASIBILITY_STUDY: "A01",  # pre- and post-project impact appraisal
    OutputKind.RESEARCH_REPORT: "A08",  # results, outcomes and outputs
    OutputKind.TOOLKIT: "A08",
    OutputKind.POLICY_BRIEF: "A08",
    OutputKind.CASE_STUDY: "A08",
    OutputKind.ADVOCACY_MESSAGE: "A08",
    OutputKind.EVENT_REPORT: "A07",  # review of project performance and evaluation
    OutputKind.DATASET: "A08",
}


@dataclass(frozen=True)
class Skipped:
    identifier: str
    title: str
    problems: tuple[str, ...]


def _published_outputs():
    """Public outputs with something to link to."""
    return Output.objects.public().filter(~Q(file="") | ~Q(url="")).order_by("date", "title")


def programmes_for_export(queryset=None):
    """``queryset`` (a programme list; by default every published programme) in document
    order. The activities are read from it in chunks of plain rows (``programme_facts``)."""
    queryset = Programme.objects.published() if queryset is None else queryset
    return queryset.select_related(None).prefetch_related(None).order_by("iati_identifier")


def jwps_for_export(queryset=None):
    queryset = JointWorkProgramme.objects.published() if queryset is None else queryset
    return queryset.prefetch_related(
        Prefetch("themes", queryset=Theme.objects.order_by("dac_sector_code", "slug")),
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("organisation").order_by(
                "-is_lead", "organisation__name"
            ),
        ),
        Prefetch("outputs", queryset=_published_outputs(), to_attr="exported_outputs"),
        Prefetch(
            "lessons",
            queryset=Lesson.objects.public().select_related("programme"),
            to_attr="exported_lessons",
        ),
        "sectors",
        "policymarkers",
        "contacts",
        "budgets",
        Prefetch("planneddisbursements", queryset=money_rows.disbursement_rows()),
        Prefetch("transactions", queryset=money_rows.transaction_rows()),
    ).order_by("iati_identifier")


# -- programmes as plain rows ---------------------------------------------------------------
# A programme's activity is built from tuples read in chunks, never from model instances: at
# 100,000 programmes, instances and Django's prefetching would cost most of the time.

CHUNK = 2000
PROGRAMME_COLUMNS = (
    "pk",
    "iati_identifier",
    "title",
    "summary",
    "description",
    "activity_status",
    "currency",
    "budget",
    "planned_start",
    "actual_start",
    "planned_end",
    "actual_end",
    "updated_at",
    "parent__iati_identifier",
    *ActivityClassifications.FIELDS,
)


@dataclass(frozen=True)
class Organisation:
    name: str
    org_type: str
    iati_ref: str


@dataclass(frozen=True)
class OutputLink:
    slug: str
    title: str
    summary: str
    kind: str
    language: str
    date: object
    file: str
    url: str


@dataclass
class ProgrammeFacts:
    """What one programme's activity shows."""

    pk: int
    iati_identifier: str
    title: str
    summary: str
    description: str
    activity_status: str
    currency: str
    budget: object
    planned_start: object
    actual_start: object
    planned_end: object
    actual_end: object
    updated_at: object
    parent_identifier: str | None
    objectives: str
    target_groups: str
    other_description: str
    activity_scope: str
    collaboration_type: str
    default_flow_type: str
    default_finance_type: str
    default_aid_type: str
    default_tied_status: str
    humanitarian: bool
    partners: list = field(default_factory=list)  # (role, Organisation)
    countries: list = field(default_factory=list)  # (ISO code, percentage or None)
    sectors: list = field(default_factory=list)  # programmes.models.activity_sectors
    policy_markers: list = field(default_factory=list)
    contacts: list = field(default_factory=list)
    children: list = field(default_factory=list)  # identifiers of published children
    outputs: list = field(default_factory=list)
    sibling_jwps: set = field(default_factory=set)  # JWPs that took up a lesson of it
    budgets: list = field(default_factory=list)
    planned_disbursements: list = field(default_factory=list)
    transactions: list = field(default_factory=list)

    @property
    def start_date(self):
        return self.actual_start or self.planned_start

    @property
    def end_date(self):
        return self.actual_end or self.planned_end

    def iati_problems(self) -> list[str]:
        return iati_problems_of(
            text=self.description or self.summary,
            has_partner=bool(self.partners),
            dates=(self.planned_start, self.actual_start, self.planned_end, self.actual_end),
            country_shares=self.countries,
            sectors=self.sectors,
        )


def _chunks(queryset, columns) -> Iterator[list[tuple]]:
    chunk = []
    for row in queryset.values_list(*columns).iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _grouped(rows) -> dict:
    groups: dict = {}
    for key, *values in rows:
        groups.setdefault(key, []).append(values[0] if len(values) == 1 else tuple(values))
    return groups


def programme_facts(queryset, *, light: bool = False) -> Iterator[ProgrammeFacts]:
    """The facts of every programme of ``queryset``, in its order, in a fixed number of
    queries per chunk of CHUNK programmes. ``light``: only what ``iati_problems`` reads."""
    Countries, Themes = Programme.countries.through, Programme.themes.through
    for chunk in _chunks(queryset, PROGRAMME_COLUMNS):
        ids = [row[0] for row in chunk]
        partners = _grouped(
            ProgrammePartner.objects.filter(among("programme_id", ids))
            .order_by("programme_id", "role", "organisation__name")
            .values_list(
                "programme_id",
                "role",
                "organisation__name",
                "organisation__org_type",
                "organisation__iati_ref",
            )
        )
        countries = _grouped(
            Countries.objects.filter(among("programme_id", ids))
            .order_by("programme_id", "country__iso2")
            .values_list("programme_id", "country__iso2", "percentage")
        )
        theme_codes = _grouped(
            Themes.objects.filter(among("programme_id", ids))
            .exclude(theme__dac_sector_code="")
            .values_list("programme_id", "theme__dac_sector_code")
        )
        sectors = _grouped(
            Sector.objects.filter(among("programme_id", ids))
            .order_by("programme_id", "vocabulary", "code")
            .values_list("programme_id", "vocabulary", "code", "name", "percentage")
        )
        if not light:
            children = _grouped(
                Programme.objects.published()
                .filter(among("parent_id", ids))
                .order_by("iati_identifier")
                .values_list("parent_id", "iati_identifier")
            )
            outputs = _grouped(
                _published_outputs()
                .filter(among("programme_id", ids))
                .values_list(
                    "programme_id",
                    "slug",
                    "title",
                    "summary",
                    "kind",
                    "language",
                    "date",
                    "file",
                    "url",
                )
            )
            lessons = _grouped(
                Lesson.objects.public()
                .filter(among("programme_id", ids))
                .values_list("programme_id", "jwp__iati_identifier")
            )
            markers, contacts, budgets, disbursements, transactions = (
                _by_programme(queryset.filter(among("programme_id", ids)))
                for queryset in (
                    PolicyMarker.objects.all(),
                    Contact.objects.all(),
                    Budget.objects.all(),
                    money_rows.disbursement_rows(),
                    money_rows.transaction_rows(),
                )
            )
        for row in chunk:
            facts = ProgrammeFacts(*row)
            facts.partners = [
                (role, Organisation(name, org_type, ref))
                for role, name, org_type, ref in partners.get(facts.pk, [])
            ]
            facts.countries = countries.get(facts.pk, [])
            facts.sectors = activity_sectors(
                sectors.get(facts.pk, []), theme_codes.get(facts.pk, [])
            )
            if not light:
                facts.children = children.get(facts.pk, [])
                facts.outputs = [OutputLink(*link) for link in outputs.get(facts.pk, [])]
                facts.sibling_jwps = set(lessons.get(facts.pk, []))
                facts.policy_markers = markers.get(facts.pk, [])
                facts.contacts = contacts.get(facts.pk, [])
                facts.budgets = budgets.get(facts.pk, [])
                facts.planned_disbursements = disbursements.get(facts.pk, [])
                facts.transactions = transactions.get(facts.pk, [])
            yield facts


def _by_programme(queryset) -> dict[int, list]:
    """The money rows of a chunk of programmes, by programme (rows, not tuples: there are a
    few per programme, and the elements read many of their fields)."""
    groups: dict = {}
    for row in queryset.order_by("programme_id", *queryset.model._meta.ordering):
        groups.setdefault(row.programme_id, []).append(row)
    return groups


# -- what makes an item exportable ---------------------------------------------------------


def _programme_dates(programme) -> dict[str, object]:
    return {name: getattr(programme, name) for name in DATE_TYPES}


# -- elements ------------------------------------------------------------------------------


def _narrative(parent, tag: str, text: str, **attributes):
    element = etree.SubElement(parent, tag, **attributes)
    etree.SubElement(element, "narrative").text = text
    return element


def _reporting_org(parent):
    _narrative(
        parent,
        "reporting-org",
        "Cities Alliance",
        ref=settings.IATI_REPORTING_ORG_REF,
        type=settings.IATI_REPORTING_ORG_TYPE,
    )


def _participating_org(parent, organisation, role: str):
    attributes = {"role": role, "type": organisation.org_type}
    if organisation.iati_ref:
        attributes["ref"] = organisation.iati_ref
    _narrative(parent, "participating-org", organisation.name, **attributes)


def _sectors(parent, sectors):
    """``sectors`` as ``activity_sectors`` gives them: a percentage only where one is known
    (a single sector of a vocabulary needs none; several without one never get here)."""
    for vocabulary, code, name, percentage in sectors:
        attributes = {"vocabulary": vocabulary, "code": code}
        if percentage is not None:
            attributes["percentage"] = _percentage(percentage)
        element = etree.SubElement(parent, "sector", **attributes)
        if name:
            etree.SubElement(element, "narrative").text = name


def _percentage(value) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _descriptions(parent, obj):
    """The descriptions beyond the general one, each of its IATI type, when written."""
    for name, description_type in ActivityClassifications.EXTRA_DESCRIPTIONS:
        text = (getattr(obj, name) or "").strip()
        if text:
            _narrative(parent, "description", text, type=description_type)


def _contacts(parent, contacts):
    for contact in contacts:
        element = etree.SubElement(parent, "contact-info", type=contact.type)
        for tag, value, narrative in (
            ("organisation", contact.organisation, True),
            ("department", contact.department, True),
            ("person-name", contact.person_name, True),
            ("job-title", contact.job_title, True),
            ("telephone", contact.telephone, False),
            ("email", contact.email, False),
            ("website", contact.website, False),
            ("mailing-address", contact.mailing_address, True),
        ):
            if not value:
                continue
            if narrative:
                _narrative(element, tag, value)
            else:
                etree.SubElement(element, tag).text = value


def _scope(parent, obj):
    if obj.activity_scope:
        etree.SubElement(parent, "activity-scope", code=obj.activity_scope)


def _classifications(parent, obj, sectors, markers):
    """From ``sector`` to ``default-tied-status``, in the schema's order."""
    _sectors(parent, sectors)
    for marker in markers:
        attributes = {"vocabulary": marker.vocabulary, "code": marker.code}
        if marker.significance:
            attributes["significance"] = marker.significance
        element = etree.SubElement(parent, "policy-marker", **attributes)
        if marker.name:
            etree.SubElement(element, "narrative").text = marker.name
    if obj.collaboration_type:
        etree.SubElement(parent, "collaboration-type", code=obj.collaboration_type)
    for tag, code in (
        ("default-flow-type", obj.default_flow_type),
        ("default-finance-type", obj.default_finance_type),
    ):
        if code:
            etree.SubElement(parent, tag, code=code)
    if obj.default_aid_type:
        etree.SubElement(parent, "default-aid-type", code=obj.default_aid_type, vocabulary="1")
    if obj.default_tied_status:
        etree.SubElement(parent, "default-tied-status", code=obj.default_tied_status)


def _document_links(parent, outputs, base_url: str):
    download = _download_url(base_url)
    for output in outputs:
        if output.file:
            url = download.replace("__slug__", output.slug)
            file_format = content_type_for(getattr(output.file, "name", output.file))
        else:
            url, file_format = output.url, "text/html"
        link = etree.SubElement(parent, "document-link", url=url, format=file_format)
        _narrative(link, "title", output.title)
        if output.summary:
            _narrative(link, "description", output.summary)
        etree.SubElement(link, "category", code=DOCUMENT_CATEGORY[output.kind])
        etree.SubElement(link, "language", code=output.language)
        if output.date:
            etree.SubElement(link, "document-date", **{"iso-date": output.date.isoformat()})


@functools.lru_cache(maxsize=8)
def _download_url(base_url: str) -> str:
    """The address of an output's file, with ``__slug__`` for its slug (reversed once)."""
    return base_url + reverse("output-download", kwargs={"slug": "__slug__"})


def _related(parent, identifier: str, kind: str):
    etree.SubElement(parent, "related-activity", ref=identifier, type=kind)


def _activity(obj, *, hierarchy: str, currency: str = ""):
    attributes = {
        "last-updated-datetime": obj.updated_at.replace(microsecond=0).isoformat(),
        XML_LANG: "en",
        "hierarchy": hierarchy,
    }
    if currency:
        attributes["default-currency"] = currency
    if obj.humanitarian:
        attributes["humanitarian"] = "1"
    activity = etree.Element("iati-activity", attributes)
    etree.SubElement(activity, "iati-identifier").text = obj.iati_identifier
    _reporting_org(activity)
    _narrative(activity, "title", obj.title)
    _narrative(activity, "description", (obj.description or obj.summary).strip(), type="1")
    _descriptions(activity, obj)
    return activity


def programme_element(
    programme: ProgrammeFacts, *, base_url: str, exported: frozenset[str] = frozenset()
):
    """``exported``: identifiers of the activities in the same document, the only ones a
    ``related-activity`` may point to."""
    parent = programme.parent_identifier
    parent_linked = parent is not None and parent in exported
    activity = _activity(
        programme, hierarchy="2" if parent_linked else "1", currency=programme.currency
    )
    for role, organisation in programme.partners:
        _participating_org(activity, organisation, role)
    etree.SubElement(activity, "activity-status", code=programme.activity_status)
    for name, value in _programme_dates(programme).items():
        if value:
            etree.SubElement(
                activity, "activity-date", type=DATE_TYPES[name], **{"iso-date": value.isoformat()}
            )
    _contacts(activity, programme.contacts)
    _scope(activity, programme)
    for country, percentage in programme.countries:
        attributes = {"code": country}
        if percentage is not None:
            attributes["percentage"] = _percentage(percentage)
        etree.SubElement(activity, "recipient-country", **attributes)
    _classifications(activity, programme, programme.sectors, programme.policy_markers)
    if programme.budgets:
        money.budget_elements(activity, programme.budgets)
    else:
        _total_budget(activity, programme)
    money.disbursement_elements(activity, programme.planned_disbursements)
    money.transaction_elements(activity, programme.transactions)
    _document_links(activity, programme.outputs, base_url)
    if parent_linked:
        _related(activity, parent, RELATED_PARENT)
    for child in programme.children:
        if child in exported:
            _related(activity, child, RELATED_CHILD)
    for jwp in sorted(programme.sibling_jwps):
        if jwp in exported:
            _related(activity, jwp, RELATED_SIBLING)
    return activity


def _total_budget(activity, programme):
    """A programme known only by its total: a budget element when its period is at most a
    year (IATI rule 7.5.3), else none; a total over several years is never one budget."""
    start, end = programme.start_date, programme.end_date
    if programme.budget is None or not (start and end) or end - start > LONGEST_PERIOD:
        return
    budget = etree.SubElement(
        activity, "budget", type=BUDGET_TYPE_ORIGINAL, status=BUDGET_STATUS_INDICATIVE
    )
    etree.SubElement(budget, "period-start", **{"iso-date": start.isoformat()})
    etree.SubElement(budget, "period-end", **{"iso-date": end.isoformat()})
    value = etree.SubElement(
        budget, "value", currency=programme.currency, **{"value-date": start.isoformat()}
    )
    value.text = f"{programme.budget:.2f}"


def jwp_element(jwp, *, base_url: str, exported: frozenset[str] = frozenset()):
    activity = _activity(jwp, hierarchy="1")
    for membership in jwp.memberships.all():
        _participating_org(activity, membership.organisation, ROLE_IMPLEMENTING)
    etree.SubElement(activity, "activity-status", code=jwp.activity_status)
    for value, date_type in ((jwp.start, "2"), (jwp.end, "4")):
        if value:
            etree.SubElement(
                activity, "activity-date", type=date_type, **{"iso-date": value.isoformat()}
            )
    _contacts(activity, jwp.contacts.all())
    _scope(activity, jwp)
    etree.SubElement(
        activity, "recipient-region", code=GLOBAL_REGION, vocabulary="1", percentage="100"
    )
    _classifications(activity, jwp, jwp.reported_sectors(), jwp.policymarkers.all())
    money.budget_elements(activity, jwp.budgets.all())
    money.disbursement_elements(activity, jwp.planneddisbursements.all())
    money.transaction_elements(activity, jwp.transactions.all())
    _document_links(activity, jwp.exported_outputs, base_url)
    for programme in sorted(
        {lesson.programme for lesson in jwp.exported_lessons}, key=lambda p: p.iati_identifier
    ):
        if programme.iati_identifier in exported:
            _related(activity, programme.iati_identifier, RELATED_SIBLING)
    return activity


# -- the document --------------------------------------------------------------------------


def exportable(items: Iterable, skipped: list[Skipped]) -> Iterator:
    for obj in items:
        problems = [str(problem) for problem in obj.iati_problems()]
        if problems:
            skipped.append(Skipped(obj.iati_identifier, obj.title, tuple(problems)))
        else:
            yield obj


def _exportable_identifiers(programmes, jwps) -> frozenset[str]:
    """Identifiers of every activity the document will hold: one light pass (a fixed number
    of queries per chunk) before the full one, so links never point outside the document."""
    identifiers = {
        facts.iati_identifier
        for facts in programme_facts(programmes, light=True)
        if not facts.iati_problems()
    }
    for jwp in jwps.prefetch_related(None).prefetch_related("memberships", "themes", "sectors"):
        if not jwp.iati_problems():
            identifiers.add(jwp.iati_identifier)
    return frozenset(identifiers)


class NothingToExport(Exception):
    """Raised by the first step of ``activities_document`` when no activity would be in it."""


def activities_document(
    *, programmes, jwps, base_url: str, skipped: list[Skipped] | None = None
) -> Iterator[bytes]:
    """The ``iati-activities`` document in chunks, one activity per chunk. The first step
    raises ``NothingToExport`` when no item can be exported, before anything is written."""
    skipped = [] if skipped is None else skipped
    exported = _exportable_identifiers(programmes, jwps)
    if not exported:
        # The schema wants at least one iati-activity: an empty document would not be valid.
        raise NothingToExport(
            "No programme or Joint Work Programme here can be exported validly to IATI "
            "(none is published and complete; the admin's IATI column says what is missing)."
        )
    generated = timezone.now().replace(microsecond=0).isoformat()
    yield (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        + f'<iati-activities version="{IATI_VERSION}" generated-datetime="{generated}">\n'.encode()
    )
    for programme in exportable(programme_facts(programmes), skipped):
        yield etree.tostring(
            programme_element(programme, base_url=base_url, exported=exported),
            encoding="UTF-8",
            xml_declaration=False,
            pretty_print=True,
        )
    for jwp in exportable(jwps.iterator(chunk_size=200), skipped):
        yield etree.tostring(
            jwp_element(jwp, base_url=base_url, exported=exported),
            encoding="UTF-8",
            xml_declaration=False,
            pretty_print=True,
        )
    yield b"</iati-activities>\n"


def organisation_document(*, base_url: str) -> bytes:
    """An ``iati-organisations`` 2.03 file for Cities Alliance."""
    now = timezone.now().replace(microsecond=0).isoformat()
    root = etree.Element("iati-organisations", version=IATI_VERSION, **{"generated-datetime": now})
    organisation = etree.SubElement(
        root, "iati-organisation", {"last-updated-datetime": now, XML_LANG: "en"}
    )
    etree.SubElement(organisation, "organisation-identifier").text = settings.IATI_REPORTING_ORG_REF
    _narrative(organisation, "name", "Cities Alliance")
    _reporting_org(organisation)
    link = etree.SubElement(organisation, "document-link", url=base_url + "/", format="text/html")
    _narrative(link, "title", "Cities Alliance programme portfolio")
    etree.SubElement(link, "category", code="B16")  # organisation web page
    etree.SubElement(link, "language", code="en")
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True)
