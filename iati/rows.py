"""The rows of an IATI activity read into plain values: recipient countries with their shares,
sectors of every vocabulary, policy markers, contact details, budgets, planned disbursements
and transactions, and the activity's own classifications. ``iati.reader`` calls these for each
activity; ``iati.importer`` writes the values through the services (``publishing.services.
rows_set``), after resolving organisations by their IATI reference.

What the file states is kept as it states it: no percentage is filled in, no code guessed. A
fault the models would refuse (a budget longer than a year, a transaction in the future, shares
that do not add up to 100) is a problem of the activity, named with its line.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone

from programmes.iati_codes import (
    ActivityScope,
    AidType,
    BudgetStatus,
    BudgetType,
    CollaborationType,
    ContactType,
    Currency,
    FinanceType,
    FlowType,
    PolicyMarkerVocabulary,
    PolicySignificance,
    SectorVocabulary,
    TiedStatus,
    TransactionType,
)
from publishing.shares import share_errors

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DESCRIPTION_TYPES = {"2": "objectives", "3": "target_groups", "4": "other_description"}
AID_TYPE_DAC = "1"
TRUE = {"1", "true"}


class Rows:
    """Reads the rows of one activity element; ``warn`` and ``problem`` take a message."""

    def __init__(self, element, *, narrative, warn, problem):
        self.element = element
        self.narrative = narrative  # (element) -> the narrative text the import keeps
        self.warn = warn
        self.problem = problem
        self.default_currency = element.get("default-currency", "").strip()

    # -- plain values ---------------------------------------------------------------------

    def _decimal(self, text, where) -> Decimal | None:
        try:
            return Decimal((text or "").strip()).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        except InvalidOperation:
            self.problem(f"{where}: {text!r} is not a number.")
            return None

    def _date(self, element, where, *, attribute="iso-date") -> date | None:
        value = element.get(attribute, "") if element is not None else ""
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            self.problem(f"{where}: no valid {attribute} ({value!r}).")
            return None

    def _code(self, element, codes, where, *, attribute="code") -> str:
        """The code an element gives, '' when absent; a code outside the codelist is a
        problem (the models keep only codes of the official lists)."""
        if element is None:
            return ""
        code = element.get(attribute, "").strip()
        if code and code not in codes:
            self.problem(f"{where}: {attribute} {code!r} is not in the IATI codelist.")
        return code

    def _value(self, parent, where) -> dict | None:
        value = parent.find("value")
        if value is None or not (value.text or "").strip():
            self.problem(f"{where}: no value.")
            return None
        amount = self._decimal(value.text, f"{where}, value")
        currency = value.get("currency", "").strip() or self.default_currency
        if not currency:
            self.problem(f"{where}: no currency (and no default-currency on the activity).")
        elif currency not in Currency.values:
            self.problem(f"{where}: currency {currency!r} is not in the IATI codelist.")
        value_date = self._date(value, f"{where}, value", attribute="value-date")
        if amount is None or value_date is None:
            return None
        return {"value": amount, "currency": currency, "value_date": value_date}

    def _party(self, parent, tag) -> dict:
        """An organisation as the file names it: (``ref``, ``name``); the importer turns a
        known reference into one of our organisations."""
        element = parent.find(tag)
        if element is None:
            return {"ref": "", "name": ""}
        return {"ref": element.get("ref", "").strip(), "name": self.narrative(element)}

    # -- the activity's own fields ----------------------------------------------------------

    def classifications(self) -> dict:
        element = self.element
        where = f"line {element.sourceline}"
        values = {
            "activity_scope": self._code(
                element.find("activity-scope"), ActivityScope.values, f"activity-scope, {where}"
            ),
            "collaboration_type": self._code(
                element.find("collaboration-type"),
                CollaborationType.values,
                f"collaboration-type, {where}",
            ),
            "default_flow_type": self._code(
                element.find("default-flow-type"), FlowType.values, "default-flow-type"
            ),
            "default_finance_type": self._code(
                element.find("default-finance-type"), FinanceType.values, "default-finance-type"
            ),
            "default_tied_status": self._code(
                element.find("default-tied-status"), TiedStatus.values, "default-tied-status"
            ),
            "default_aid_type": "",
            "humanitarian": element.get("humanitarian", "").strip().lower() in TRUE,
        }
        for aid in element.findall("default-aid-type"):
            if aid.get("vocabulary", AID_TYPE_DAC) != AID_TYPE_DAC:
                self.warn(
                    f"default-aid-type {aid.get('code')} of vocabulary {aid.get('vocabulary')} "
                    "ignored (only OECD DAC aid types are kept)."
                )
            elif not values["default_aid_type"]:
                values["default_aid_type"] = self._code(aid, AidType.values, "default-aid-type")
        for description in self.element.findall("description"):
            name = DESCRIPTION_TYPES.get(description.get("type", ""))
            if name and name not in values:
                values[name] = self.narrative(description, keep_lines=True)
        for name in DESCRIPTION_TYPES.values():
            values.setdefault(name, "")
        return values

    # -- rows -----------------------------------------------------------------------------

    def country_shares(self) -> list[tuple[str, Decimal | None]]:
        shares: dict[str, Decimal | None] = {}
        for country in self.element.findall("recipient-country"):
            code = country.get("code", "").strip().upper()
            if not code or code in shares:
                continue
            percentage = country.get("percentage")
            shares[code] = (
                None
                if percentage is None
                else self._decimal(percentage, f"recipient-country {code}, percentage")
            )
        for error in share_errors(
            [("countries", share) for share in shares.values()],
            label=lambda _group: "Recipient countries",
        ):
            self.problem(error)
        return list(shares.items())

    def sectors(self) -> list[dict]:
        sectors: list[dict] = []
        seen = set()
        for sector in self.element.findall("sector"):
            vocabulary = sector.get("vocabulary", "").strip() or SectorVocabulary.DAC_5
            code = sector.get("code", "").strip()
            where = f"sector {code} (line {sector.sourceline})"
            if vocabulary not in SectorVocabulary.values:
                self.problem(f"{where}: vocabulary {vocabulary!r} is not in the IATI codelist.")
                continue
            if (vocabulary, code) in seen:
                self.warn(f"{where}: listed twice; the second is ignored.")
                continue
            seen.add((vocabulary, code))
            percentage = sector.get("percentage")
            sectors.append(
                {
                    "vocabulary": vocabulary,
                    "code": code,
                    "name": self.narrative(sector),
                    "percentage": None
                    if percentage is None
                    else self._decimal(percentage, f"{where}, percentage"),
                }
            )
        for error in share_errors(
            [(sector["vocabulary"], sector["percentage"]) for sector in sectors],
            label=lambda vocabulary: f"Sectors of vocabulary {vocabulary}",
        ):
            self.problem(error)
        return sectors

    def policy_markers(self) -> list[dict]:
        markers = []
        for marker in self.element.findall("policy-marker"):
            vocabulary = marker.get("vocabulary", "").strip() or PolicyMarkerVocabulary.OECD_DAC_CRS
            where = f"policy-marker {marker.get('code')} (line {marker.sourceline})"
            if vocabulary not in PolicyMarkerVocabulary.values:
                self.warn(f"{where}: vocabulary {vocabulary!r} is not kept.")
                continue
            markers.append(
                {
                    "vocabulary": vocabulary,
                    "code": marker.get("code", "").strip(),
                    "significance": self._code(
                        marker, PolicySignificance.values, where, attribute="significance"
                    ),
                    "name": self.narrative(marker),
                }
            )
        return markers

    def contacts(self) -> list[dict]:
        contacts = []
        for contact in self.element.findall("contact-info"):
            where = f"contact-info (line {contact.sourceline})"
            contacts.append(
                {
                    "type": self._code(contact, ContactType.values, where, attribute="type")
                    or ContactType.GENERAL,
                    "organisation": self.narrative(contact.find("organisation")),
                    "department": self.narrative(contact.find("department")),
                    "person_name": self.narrative(contact.find("person-name")),
                    "job_title": self.narrative(contact.find("job-title")),
                    "telephone": (contact.findtext("telephone") or "").strip(),
                    "email": (contact.findtext("email") or "").strip(),
                    "website": (contact.findtext("website") or "").strip(),
                    "mailing_address": self.narrative(
                        contact.find("mailing-address"), keep_lines=True
                    ),
                }
            )
        return contacts

    def budgets(self) -> list[dict]:
        budgets = []
        for budget in self.element.findall("budget"):
            where = f"budget (line {budget.sourceline})"
            row = {
                "type": self._code(budget, BudgetType.values, where, attribute="type")
                or BudgetType.ORIGINAL,
                "status": self._code(budget, BudgetStatus.values, where, attribute="status")
                or BudgetStatus.INDICATIVE,
                "period_start": self._date(budget.find("period-start"), f"{where}, period-start"),
                "period_end": self._date(budget.find("period-end"), f"{where}, period-end"),
            }
            value = self._value(budget, where)
            if value is not None and None not in row.values():
                budgets.append({**row, **value, "line": budget.sourceline})
        return budgets

    def planned_disbursements(self) -> list[dict]:
        rows = []
        for planned in self.element.findall("planned-disbursement"):
            where = f"planned-disbursement (line {planned.sourceline})"
            row = {
                "type": self._code(planned, BudgetType.values, where, attribute="type")
                or BudgetType.ORIGINAL,
                "period_start": self._date(planned.find("period-start"), f"{where}, period-start"),
                "period_end": self._date(planned.find("period-end"), f"{where}, period-end"),
            }
            value = self._value(planned, where)
            if value is not None and None not in row.values():
                rows.append(
                    {
                        **row,
                        **value,
                        "provider": self._party(planned, "provider-org"),
                        "receiver": self._party(planned, "receiver-org"),
                        "line": planned.sourceline,
                    }
                )
        return rows

    def transactions(self) -> list[dict]:
        rows = []
        today = timezone.localdate()
        for transaction in self.element.findall("transaction"):
            where = f"transaction (line {transaction.sourceline})"
            kind = self._code(transaction.find("transaction-type"), TransactionType.values, where)
            if not kind:
                self.problem(f"{where}: no transaction-type.")
            when = self._date(transaction.find("transaction-date"), f"{where}, transaction-date")
            value = self._value(transaction, where)
            if when and when > today:
                self.problem(
                    f"{where}: dated {when}, in the future; money still to come is a "
                    "planned-disbursement."
                )
            sector = transaction.find("sector")
            country = transaction.find("recipient-country")
            aid = transaction.find("aid-type")
            if aid is not None and aid.get("vocabulary", AID_TYPE_DAC) != AID_TYPE_DAC:
                self.warn(f"{where}: aid-type of vocabulary {aid.get('vocabulary')} ignored.")
                aid = None
            if not (kind and when and value):
                continue
            rows.append(
                {
                    "reference": transaction.get("ref", "").strip(),
                    "humanitarian": transaction.get("humanitarian", "").strip().lower() in TRUE,
                    "type": kind,
                    "date": when,
                    **value,
                    "description": self.narrative(transaction.find("description")),
                    "provider": self._party(transaction, "provider-org"),
                    "receiver": self._party(transaction, "receiver-org"),
                    "sector_vocabulary": ""
                    if sector is None
                    else (sector.get("vocabulary", "").strip() or SectorVocabulary.DAC_5),
                    "sector_code": "" if sector is None else sector.get("code", "").strip(),
                    "recipient_country": ""
                    if country is None
                    else country.get("code", "").strip().upper(),
                    "flow_type": self._code(transaction.find("flow-type"), FlowType.values, where),
                    "finance_type": self._code(
                        transaction.find("finance-type"), FinanceType.values, where
                    ),
                    "aid_type": self._code(aid, AidType.values, where),
                    "tied_status": self._code(
                        transaction.find("tied-status"), TiedStatus.values, where
                    ),
                    "line": transaction.sourceline,
                }
            )
        return rows
