"""The money rows of an activity as IATI elements: ``budget``, ``planned-disbursement`` and
``transaction``, in the schema's order of their parts.

Every ``value`` carries its currency and value date, so no value depends on the activity's
``@default-currency`` (rule 7.8.1). A transaction's own sector and recipient country are
written only when the activity has none of its own: IATI allows one or the other, never both
(rules 6.6.2 and 3.6.2).
"""

from lxml import etree


def _date(parent, tag: str, value) -> None:
    etree.SubElement(parent, tag, **{"iso-date": value.isoformat()})


def _value(parent, row) -> None:
    value = etree.SubElement(
        parent, "value", currency=row.currency, **{"value-date": row.value_date.isoformat()}
    )
    value.text = f"{row.value:.2f}"


def _party(parent, tag: str, row, role: str) -> None:
    name, ref = row.party(role)
    if not (name or ref):
        return
    organisation = getattr(row, f"{role}_organisation")
    attributes = {}
    if ref:
        attributes["ref"] = ref
    if organisation is not None and organisation.org_type:
        attributes["type"] = organisation.org_type
    element = etree.SubElement(parent, tag, **attributes)
    if name:
        etree.SubElement(element, "narrative").text = name


def budget_elements(activity, budgets) -> None:
    for budget in budgets:
        element = etree.SubElement(activity, "budget", type=budget.type, status=budget.status)
        _date(element, "period-start", budget.period_start)
        _date(element, "period-end", budget.period_end)
        _value(element, budget)


def disbursement_elements(activity, disbursements) -> None:
    for disbursement in disbursements:
        element = etree.SubElement(activity, "planned-disbursement", type=disbursement.type)
        _date(element, "period-start", disbursement.period_start)
        _date(element, "period-end", disbursement.period_end)
        _value(element, disbursement)
        _party(element, "provider-org", disbursement, "provider")
        _party(element, "receiver-org", disbursement, "receiver")


def transaction_elements(activity, transactions) -> None:
    activity_has_sector = activity.find("sector") is not None
    activity_has_place = (
        activity.find("recipient-country") is not None
        or activity.find("recipient-region") is not None
    )
    for transaction in transactions:
        attributes = {}
        if transaction.reference:
            attributes["ref"] = transaction.reference
        if transaction.humanitarian:
            attributes["humanitarian"] = "1"
        element = etree.SubElement(activity, "transaction", **attributes)
        etree.SubElement(element, "transaction-type", code=transaction.type)
        _date(element, "transaction-date", transaction.date)
        _value(element, transaction)
        if transaction.description:
            description = etree.SubElement(element, "description")
            etree.SubElement(description, "narrative").text = transaction.description
        _party(element, "provider-org", transaction, "provider")
        _party(element, "receiver-org", transaction, "receiver")
        if transaction.sector_code and not activity_has_sector:
            etree.SubElement(
                element,
                "sector",
                vocabulary=transaction.sector_vocabulary,
                code=transaction.sector_code,
            )
        if transaction.recipient_country is not None and not activity_has_place:
            etree.SubElement(element, "recipient-country", code=transaction.recipient_country.iso2)
        for tag, code in (
            ("flow-type", transaction.flow_type),
            ("finance-type", transaction.finance_type),
            ("aid-type", transaction.aid_type),
            ("tied-status", transaction.tied_status),
        ):
            if code:
                etree.SubElement(element, tag, code=code)
