"""Writes an IATI ``iati-activities`` 2.0x file, ours or another publisher's, into programmes.

``iati.reader`` checks the file and reads every activity into plain values; only when no
activity has a problem are they written, in one transaction: any error writes nothing. Every
write goes through the services, as the account the import runs as (``user``; the operator
for the command without ``--user``): its permissions apply, a change to a published programme
by someone who may not publish it becomes that programme's pending revision for a Publisher to
review, and the history records who imported and that it was ``import_iati``.

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
``recipient-country``                          ``recipient_countries`` with ``@percentage``
                                               (replaced): existing countries only; an
                                               unknown code is a warning, and the others then
                                               lose their shares (no longer adding up)
``sector``, every vocabulary                   ``sectors`` (replaced) with vocabulary, code,
                                               name, percentage; DAC 5-digit codes also set
                                               the ``themes`` with that ``dac_sector_code``
                                               (themes without one are kept). DAC codes
                                               without shares that are all theme codes are
                                               carried by the themes: no sector rows
``recipient-country``, ``sector`` shares       one or none, or all adding up to 100 within a
                                               vocabulary (``publishing.shares``): else the
                                               file is refused, naming the activity
``participating-org``                          ``partners`` (replaced): ``@role``; the
                                               organisation by ``@ref``, else by exact name,
                                               else created (name, ``@type`` or 90, ``@ref``)
``description`` of type 2, 3, 4                ``objectives``, ``target_groups``,
                                               ``other_description``
``activity-scope``, ``collaboration-type``,    the fields of the same names
``default-flow-type``, ``default-finance-
type``, ``default-aid-type`` (vocabulary 1),
``default-tied-status``, ``@humanitarian``
``policy-marker``, ``contact-info``            ``policymarkers``, ``contacts`` (replaced)
``budget``                                     ``budgets`` (replaced), one row each, never
                                               added together; a single budget equal to the
                                               total our export writes for a programme known
                                               only by its total stays that total
``planned-disbursement``, ``transaction``      ``planneddisbursements``, ``transactions``
                                               (replaced); a provider or receiver whose
                                               ``@ref`` is one of our organisations is it,
                                               else its name and reference are kept
``@default-currency``                          ``currency``
``related-activity`` type 1, or type 2 in the  ``parent``, when it names a programme (in the
parent's activity                              file or already here); never cleared
=============================================  ==============================================

Ignored: ``reporting-org``, ``@hierarchy`` (follows from the parent), ``@last-updated-
datetime``, ``other-identifier``, ``recipient-region``, ``location``, ``tag``,
``document-link``, ``related-activity`` of other types, ``result`` and the rest of the
standard.
"""

import os
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from jwp.models import JointWorkProgramme
from programmes.models import Country, Organisation, Programme
from programmes.services import (
    organisation_create,
    programme_create,
    programme_partners_set,
    programme_update,
)
from publishing.models import Revision
from publishing.services import OPERATOR, edit, rows_difference, rows_set
from windows.models import Instrument, InstrumentKind, Theme

from .reader import (
    DAC_VOCABULARY,
    ActivityData,
    IatiImportError,
    Partner,
    paragraphs,
    read_activities,
    summary_from,
)

__all__ = ["IatiImportError", "ImportReport", "iati_import", "summary_from"]

HISTORY_REASON = "import_iati"


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    #: Published programmes whose changes wait for a Publisher, as pending revisions.
    proposed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    organisations_created: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged"
        )
        if self.proposed:
            text += f", {len(self.proposed)} proposed for review"
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

    def _write(self, label: str, write):
        """``write()``, a service call; its refusal becomes a problem of ``label``."""
        try:
            return write()
        except ValidationError as error:
            self.problems.append(f"{label}: {_messages(error)}")
        except PermissionDenied as error:
            self.problems.append(f"{label}: {error}")
        return None

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
                self.report.warnings.extend(activity.warnings)
        existing = Programme.objects.in_bulk(
            [activity.identifier for activity in wanted], field_name="iati_identifier"
        )
        instrument = (
            self.instrument() if any(a.identifier not in existing for a in wanted) else None
        )
        # Organisations first: reference data, created outright, so that a pending revision
        # naming one refers to a row that stays.
        partners = {activity.identifier: self.partners(activity) for activity in wanted}
        created = {}
        for activity in wanted:
            if activity.identifier not in existing:
                programme = self.create(activity, instrument, partners[activity.identifier])
                if programme is not None:
                    created[activity.identifier] = programme
        programmes = {**existing, **created}
        parents = self.parents(wanted, programmes)
        for activity in wanted:
            identifier = activity.identifier
            if identifier in created:
                self.report.created.append(identifier)
                if identifier in parents:
                    self.set_parent(activity, created[identifier], parents[identifier])
            elif identifier in existing:
                programme = existing[identifier]
                parent = parents.get(identifier, programme.parent)
                outcome = self.update(
                    activity, programme, partners=partners[identifier], parent=parent
                )
                {"updated": self.report.updated, "proposed": self.report.proposed}.get(
                    outcome, self.report.unchanged
                ).append(identifier)
        if self.problems:
            raise IatiImportError(self.problems)
        return self.report

    # -- one programme -------------------------------------------------------------------

    def values(self, activity: ActivityData, programme: Programme | None) -> dict:
        """The programme's fields as the activity gives them."""
        values = {"title": activity.title, "activity_status": activity.activity_status}
        values.update(activity.dates)
        values.update(activity.classifications)
        if activity.currency or programme is None:
            values["currency"] = activity.currency
        description = activity.description
        if programme is not None and description == paragraphs(
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
        return values

    def create(self, activity: ActivityData, instrument, partners) -> Programme | None:
        data = {
            **self.values(activity, None),
            "iati_identifier": activity.identifier,
            "instrument": instrument,
            "slug": _unique_slug(Programme, activity.title, activity.identifier, 255),
            "themes": self.themes(activity, None),
        }
        rows = self.rows(activity, None)

        def write():
            programme = programme_create(user=self.user, data=data, reason=HISTORY_REASON)
            programme_partners_set(
                user=self.user, programme=programme, partners=partners, reason=HISTORY_REASON
            )
            self.write_rows(programme, rows)
            return programme

        return self._write(activity.label, write)

    def update(self, activity: ActivityData, programme: Programme, *, partners, parent) -> str:
        """Writes what differs from the file: at once, or as a pending revision when the
        programme is published and the importer may not publish it. Returns "updated",
        "proposed" or "unchanged"."""
        values = {**self.values(activity, programme), "parent": parent}
        data = {name: value for name, value in values.items() if getattr(programme, name) != value}
        themes = self.themes(activity, programme)
        if set(programme.themes.all()) != set(themes):
            data["themes"] = themes
        current = set(programme.partners.values_list("organisation_id", "role"))
        partners_differ = current != {(organisation.pk, role) for organisation, role in partners}
        rows = self.rows(activity, programme)
        rows_differ = any(
            any(rows_difference(getattr(programme, relation), wanted))
            for relation, wanted in rows.items()
        )
        if not data and not partners_differ and not rows_differ:
            return "unchanged"

        def write():
            programme_update(user=self.user, programme=programme, data=data, reason=HISTORY_REASON)
            programme_partners_set(
                user=self.user, programme=programme, partners=partners, reason=HISTORY_REASON
            )
            self.write_rows(programme, rows)
            return programme

        result = self._write(
            activity.label, lambda: edit(obj=programme, user=self.user, write=write)
        )
        if isinstance(result, Revision):
            return "proposed"
        return "unchanged" if result is None else "updated"

    def set_parent(self, activity: ActivityData, programme: Programme, parent: Programme):
        """The parent of a programme this import created (a draft: no review)."""
        self._write(
            activity.label,
            lambda: programme_update(
                user=self.user, programme=programme, data={"parent": parent}, reason=HISTORY_REASON
            ),
        )

    def countries(self, activity: ActivityData) -> list[dict]:
        """The recipient countries as rows with their shares. A code that is not a country
        here is left out (a warning); the others then lose their shares, which no longer add
        up to 100, and wait for an editor."""
        known = {c.iso2: c for c in Country.objects.filter(iso2__in=activity.country_codes)}
        missing = [code for code in activity.country_codes if code not in known]
        for code in missing:
            self.report.warnings.append(
                f"{activity.identifier}: recipient-country {code} is not a country here; left out."
            )
        if missing and any(share is not None for _code, share in activity.country_shares):
            self.report.warnings.append(
                f"{activity.identifier}: without {', '.join(missing)} the shares of the other "
                "countries no longer add up to 100; they are left empty for an editor."
            )
        return [
            {"country": known[code], "percentage": None if missing else share}
            for code, share in activity.country_shares
            if code in known
        ]

    def sectors(self, activity: ActivityData, programme: Programme | None) -> list[dict]:
        """The sectors as rows. DAC 5-digit codes without shares that are all the codes of
        themes are what the themes already carry: no rows for them, unless the programme
        has such rows already."""
        dac = [s for s in activity.sectors if s["vocabulary"] == DAC_VOCABULARY]
        theme_codes = set(
            Theme.objects.filter(dac_sector_code__in=[s["code"] for s in dac]).values_list(
                "dac_sector_code", flat=True
            )
        )
        carried_by_themes = all(
            s["percentage"] is None and not s["name"] and s["code"] in theme_codes for s in dac
        )
        has_rows = (
            programme is not None and programme.sectors.filter(vocabulary=DAC_VOCABULARY).exists()
        )
        if carried_by_themes and not has_rows:
            return [s for s in activity.sectors if s["vocabulary"] != DAC_VOCABULARY]
        return list(activity.sectors)

    def rows(self, activity: ActivityData, programme: Programme | None) -> dict[str, list]:
        """Every row relation the file sets, as ``rows_set`` takes them."""
        rows = {
            "recipient_countries": self.countries(activity),
            "sectors": self.sectors(activity, programme),
            "policymarkers": activity.policy_markers,
            "contacts": activity.contacts,
            "planneddisbursements": [
                self.money_row(row, activity) for row in activity.planned_disbursements
            ],
            "transactions": [self.money_row(row, activity) for row in activity.transactions],
        }
        budgets = [self.money_row(row, activity) for row in activity.budgets]
        if programme is None or not _is_the_total(programme, budgets):
            rows["budgets"] = budgets
        return rows

    def money_row(self, row: dict, activity: ActivityData) -> dict:
        """A money row with its provider and receiver as our organisations where the file's
        reference is one, else as the name and reference the file gives."""
        row = {name: value for name, value in row.items() if name != "line"}
        for role in ("provider", "receiver"):
            if role not in row:
                continue
            party = row.pop(role)
            organisation = (
                Organisation.objects.filter(iati_ref=party["ref"]).first() if party["ref"] else None
            )
            row[f"{role}_organisation"] = organisation
            row[f"{role}_name"] = "" if organisation else party["name"]
            row[f"{role}_ref"] = "" if organisation else party["ref"]
        if "recipient_country" in row:
            code = row["recipient_country"]
            country = Country.objects.filter(iso2=code).first() if code else None
            if code and country is None:
                self.report.warnings.append(
                    f"{activity.identifier}: transaction recipient-country {code} is not a "
                    "country here; left out of the transaction."
                )
            row["recipient_country"] = country
        return row

    def write_rows(self, programme: Programme, rows: dict[str, list]) -> None:
        for relation, wanted in rows.items():
            rows_set(
                user=self.user,
                owner=programme,
                relation=relation,
                rows=wanted,
                reason=HISTORY_REASON,
            )

    def themes(self, activity: ActivityData, programme: Programme | None) -> list[Theme]:
        themes = list(Theme.objects.filter(dac_sector_code__in=activity.sector_codes))
        matched = {theme.dac_sector_code for theme in themes}
        for code in activity.sector_codes:
            if code not in matched:
                self.report.warnings.append(
                    f"{activity.identifier}: sector {code} matches no theme's DAC sector code; "
                    "left out."
                )
        # Themes without a DAC code cannot be in the file: they stay.
        kept = [] if programme is None else programme.themes.all()
        kept = [theme for theme in kept if not theme.dac_sector_code]
        return [*themes, *kept]

    def partners(self, activity: ActivityData) -> list[tuple[Organisation, str]]:
        wanted = []
        for partner in activity.partners:
            organisation = self.organisation(partner, activity)
            if organisation is not None and (organisation, partner.role) not in wanted:
                wanted.append((organisation, partner.role))
        return wanted

    def organisation(self, partner: Partner, activity: ActivityData) -> Organisation | None:
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
        name = partner.name or partner.ref
        data = {
            "name": name,
            "slug": _unique_slug(Organisation, partner.name, partner.ref, 200),
            "org_type": partner.org_type,
            "iati_ref": partner.ref,
        }
        organisation = self._write(
            f"{activity.label}, participating-org {name!r}",
            lambda: organisation_create(user=self.user, data=data, reason=HISTORY_REASON),
        )
        if organisation is not None:
            self.report.organisations_created.append(organisation.name)
        return organisation

    # -- hierarchy -----------------------------------------------------------------------

    def parents(self, activities: list[ActivityData], programmes: dict) -> dict[str, Programme]:
        """The parent the file names, per identifier, where it is a programme here."""
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
        parents = {}
        for identifier, ref in parent_refs.items():
            if identifier not in programmes:
                continue
            if ref not in known:
                self.report.warnings.append(
                    f"{identifier}: parent {ref} is not a programme here; the parent is not "
                    "changed."
                )
                continue
            parents[identifier] = known[ref]
        return parents


def _is_the_total(programme: Programme, budgets: list[dict]) -> bool:
    """Whether ``budgets`` is the one budget our export writes for a programme known only by
    its total (``iati.export._total_budget``): then the total stays the total, not a row."""
    if programme.budgets.exists() or programme.budget is None or len(budgets) != 1:
        return False
    [budget] = budgets
    return (
        budget["value"] == programme.budget
        and budget["currency"] == programme.currency
        and budget["period_start"] == programme.start_date
        and budget["period_end"] == programme.end_date
    )


def iati_import(
    *, source: bytes | str | os.PathLike, instrument_slug: str | None, user=OPERATOR
) -> ImportReport:
    """Imports an ``iati-activities`` file (its bytes or its path) as ``user``. All or
    nothing: any problem raises ``IatiImportError`` and writes nothing."""
    activities = read_activities(source)
    with transaction.atomic():
        return _Importer(instrument_slug=instrument_slug, user=user).run(activities)
