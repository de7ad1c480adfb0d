"""The bulk import of transactions (CSV or XLSX) in the admin: what a row looks like, which
transaction it is, and the figures of its dry-run preview.

A row names its activity by the IATI identifier of a programme or a JWP, and its provider and
receiver as one of our organisations (by IATI reference or exact name) or as a name and a
reference kept as text. Re-importing a file changes nothing:

- a row with a ``reference`` is the activity's transaction with that reference;
- a row without one is the activity's transaction without a reference of the same type,
  date, value and currency. Two such rows in one file are refused: only a reference can tell
  two equal payments apart.

A row that matches updates its transaction (or is reported unchanged); any other is new. The
rows of a published activity change only by whoever may publish it, as in its admin form; for
anyone else such a row is an error that says so (``content_save`` refuses it too), and an
unchanged row is no change at all.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, widgets
from import_export.results import Result, RowResult

from finances.models import PARTIES, Transaction
from jwp.models import JointWorkProgramme
from programmes.iati_codes import (
    AidType,
    Currency,
    FinanceType,
    FlowType,
    SectorVocabulary,
    TiedStatus,
    TransactionType,
)
from programmes.models import Country, Organisation, Programme
from publishing.services import needs_review

from .resources import SpreadsheetResource
from .widgets import ChoiceWidget, NaturalKeyWidget

# -- cells -------------------------------------------------------------------------------------


class ActivityWidget(widgets.Widget):
    """A programme or a JWP by its IATI identifier (each is unique within its own kind). Its
    row stays locked until the import's transaction ends: nobody publishes it between the
    review check of a row and its save."""

    def __init__(self):
        super().__init__()
        self._found: dict[str, object] = {}

    def clean(self, value, row=None, **kwargs):
        identifier = "" if value is None else str(value).strip()
        if not identifier:
            return None
        if identifier not in self._found:
            found = [
                *Programme.objects.select_for_update().filter(iati_identifier=identifier),
                *JointWorkProgramme.objects.select_for_update().filter(iati_identifier=identifier),
            ]
            if not found:
                raise ValueError(
                    _("No programme or JWP has the IATI identifier “%(id)s”.") % {"id": identifier}
                )
            if len(found) > 1:
                raise ValueError(
                    _(
                        "A programme and a JWP both have the IATI identifier “%(id)s”: correct "
                        "one of them in the admin."
                    )
                    % {"id": identifier}
                )
            self._found[identifier] = found[0]
        return self._found[identifier]

    def render(self, value, obj=None, **kwargs):
        return value.iati_identifier if value is not None else ""


class ActivityField(fields.Field):
    """The ``activity`` column: sets the programme or the JWP, and clears the other."""

    def __init__(self):
        super().__init__(attribute="activity", column_name="activity", widget=ActivityWidget())

    def save(self, instance, row, is_m2m=False, **kwargs):
        activity = self.clean(row, **kwargs)
        if activity is None:
            raise ValueError(_("Required: the IATI identifier of a programme or a JWP."))
        is_programme = isinstance(activity, Programme)
        instance.programme = activity if is_programme else None
        instance.jwp = None if is_programme else activity


@dataclass(frozen=True)
class Party:
    organisation: Organisation | None = None
    name: str = ""
    ref: str = ""


class PartyField(fields.Field):
    """The ``provider`` or ``receiver`` column, read with its ``_ref`` column: one of our
    organisations when the reference is one of theirs, or when the name is exactly one's name
    (or its reference); otherwise the name and the reference as text."""

    def __init__(self, role: str):
        super().__init__(attribute=role, column_name=role, widget=widgets.CharWidget())
        self.role = role
        self._found: dict[tuple[str, str], Party] = {}

    def clean(self, row, **kwargs):
        name = str(row.get(self.role) or "").strip()
        ref = str(row.get(f"{self.role}_ref") or "").strip()
        if (name, ref) not in self._found:
            self._found[name, ref] = party_of(name, ref)
        return self._found[name, ref]

    def save(self, instance, row, is_m2m=False, **kwargs):
        party = self.clean(row, **kwargs)
        setattr(instance, f"{self.role}_organisation", party.organisation)
        setattr(instance, f"{self.role}_name", party.name)
        setattr(instance, f"{self.role}_ref", party.ref)

    def get_value(self, instance):
        return instance.party(self.role)[0]


def party_of(name: str, ref: str) -> Party:
    if ref:
        organisation = Organisation.objects.filter(iati_ref=ref).first()
        if organisation is not None:
            return Party(organisation)
    if not name:
        return Party(ref=ref)
    matches = list(Organisation.objects.filter(Q(name__iexact=name) | Q(iati_ref=name))[:2])
    if len(matches) > 1:
        raise ValueError(
            _("Several of our organisations are called “%(name)s”: give the IATI reference.")
            % {"name": name}
        )
    if not matches:
        return Party(name=name, ref=ref)
    [organisation] = matches
    if ref and not organisation.iati_ref:
        raise ValueError(
            _(
                "“%(name)s” is one of our organisations, without an IATI reference: leave the "
                "reference empty, or give the organisation its reference first."
            )
            % {"name": organisation.name}
        )
    if ref:  # the organisation's reference is another one: one of the two cells is wrong
        raise ValueError(
            _(
                "“%(name)s” is one of our organisations, with the IATI reference %(ours)s, "
                "not %(ref)s."
            )
            % {"name": organisation.name, "ours": organisation.iati_ref, "ref": ref}
        )
    return Party(organisation)


class CountryWidget(NaturalKeyWidget):
    def __init__(self):
        super().__init__(Country, "iso2")

    def clean(self, value, row=None, **kwargs):
        return super().clean(str(value).upper() if value else value, row, **kwargs)


class YesNoWidget(widgets.Widget):
    """Yes or no: 1/0, yes/no, true/false (or a spreadsheet's TRUE/FALSE); empty is no."""

    VALUES = {"1": True, "yes": True, "true": True, "0": False, "no": False, "false": False}

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return False
        answer = self.VALUES.get(str(value).strip().casefold())
        if answer is None:
            raise ValueError(
                _("“%(value)s” is not yes or no: write 1 or 0 (or yes, no).") % {"value": value}
            )
        return answer

    def render(self, value, obj=None, **kwargs):
        return "1" if value else "0"


def _choice(name: str, choices) -> fields.Field:
    return fields.Field(attribute=name, column_name=name, widget=ChoiceWidget(choices))


# -- the resource ----------------------------------------------------------------------------

TRANSACTION_COLUMNS = (
    "activity",
    "reference",
    "type",
    "date",
    "value",
    "currency",
    "value_date",
    "provider",
    "provider_ref",
    "receiver",
    "receiver_ref",
    "description",
    "sector_vocabulary",
    "sector_code",
    "recipient_country",
    "flow_type",
    "finance_type",
    "aid_type",
    "tied_status",
    "humanitarian",
)
REQUIRED_COLUMNS = ("activity", "type", "date", "value", "currency")
# What tells a transaction without a reference from the activity's others.
MONEY_KEY = ("type", "date", "value", "currency")
# The model fields a column fills, the first one named in its errors.
COLUMN_FIELDS = {
    "activity": ("programme", "jwp"),
    **{role: (f"{role}_organisation", f"{role}_name") for role in PARTIES},
}
FIELD_COLUMNS = {name: column for column, names in COLUMN_FIELDS.items() for name in names}
COMPARED_FIELDS = [
    model_field.attname
    for model_field in Transaction._meta.concrete_fields
    if model_field.name not in {"id", "created_at", "updated_at"}
]


class TransactionResource(SpreadsheetResource):
    activity = ActivityField()
    type = _choice("type", TransactionType.choices)
    currency = _choice("currency", Currency.choices)
    provider = PartyField("provider")
    provider_ref = fields.Field(column_name="provider_ref", widget=widgets.CharWidget())
    receiver = PartyField("receiver")
    receiver_ref = fields.Field(column_name="receiver_ref", widget=widgets.CharWidget())
    sector_vocabulary = _choice("sector_vocabulary", SectorVocabulary.choices)
    recipient_country = fields.Field(
        attribute="recipient_country", column_name="recipient_country", widget=CountryWidget()
    )
    flow_type = _choice("flow_type", FlowType.choices)
    finance_type = _choice("finance_type", FinanceType.choices)
    aid_type = _choice("aid_type", AidType.choices)
    tied_status = _choice("tied_status", TiedStatus.choices)
    humanitarian = fields.Field(
        attribute="humanitarian", column_name="humanitarian", widget=YesNoWidget()
    )

    constraint_fields = {
        "finances_transaction_one_activity": "programme",
        "finances_transaction_sector_has_vocabulary": "sector_vocabulary",
    }
    required_columns = REQUIRED_COLUMNS
    column_help = {
        "activity": gettext_lazy("Required: the IATI identifier of a programme or a JWP."),
        "reference": gettext_lazy(
            "The transaction's own reference, such as an invoice number. A row with a "
            "reference updates the activity's transaction with that reference."
        ),
        "type": gettext_lazy(
            "Required: IATI TransactionType, as a code (3) or a name (Disbursement)."
        ),
        "date": gettext_lazy("Required: YYYY-MM-DD, not in the future."),
        "value": gettext_lazy(
            "Required: a plain number such as 1500000.50; negative for a correction or refund."
        ),
        "currency": gettext_lazy("Required: ISO 4217 code, such as USD."),
        "value_date": gettext_lazy(
            "The date of the exchange rate, YYYY-MM-DD; empty, the transaction's date."
        ),
        "provider": gettext_lazy(
            "Who pays: one of our organisations by its exact name (or IATI reference), or "
            "any other name, kept as it is written."
        ),
        "provider_ref": gettext_lazy("The provider's IATI organisation identifier, if any."),
        "receiver": gettext_lazy("Who receives, as for the provider."),
        "receiver_ref": gettext_lazy("The receiver's IATI organisation identifier, if any."),
        "description": "",
        "sector_vocabulary": gettext_lazy(
            "IATI SectorVocabulary code (1 for DAC 5-digit); required with a sector code."
        ),
        "sector_code": gettext_lazy("A code of that vocabulary, such as 43030."),
        "recipient_country": gettext_lazy("ISO 3166 two-letter code, such as UG."),
        "flow_type": gettext_lazy(
            "IATI codes (empty: the activity's default): FlowType such as 10,"
        ),
        "finance_type": gettext_lazy("FinanceType such as 110,"),
        "aid_type": gettext_lazy("AidType such as C01,"),
        "tied_status": gettext_lazy("TiedStatus such as 5."),
        "humanitarian": gettext_lazy("1 or 0 (yes or no); empty is no."),
    }

    class Meta:
        model = Transaction
        name = gettext_lazy("Transactions")
        fields = TRANSACTION_COLUMNS
        import_order = TRANSACTION_COLUMNS
        export_order = TRANSACTION_COLUMNS
        clean_model_instances = True
        use_transactions = True
        store_instance = True  # the preview totals the rows' values
        skip_html_diff = True  # the preview shows the rows its own way

    def before_import(self, dataset, **kwargs):
        self._rows_of_key: dict[tuple, int] = {}
        self._needs_review: dict[tuple, bool] = {}
        try:
            super().before_import(dataset, **kwargs)
        finally:
            for role in PARTIES:  # a reference alone is read with its (empty) name
                headers = dataset.headers or []
                if f"{role}_ref" in headers and role not in headers and dataset.height:
                    dataset.append_col([""] * dataset.height, header=role)

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        self._row_number = kwargs.get("row_number")

    # -- which transaction a row is

    def get_or_init_instance(self, instance_loader, row):
        """The activity's transaction with the row's reference or, without one, its
        transaction without a reference of the same type, date, value and currency; a new
        one when there is none, or when a cell of the key is wrong (its column says so)."""
        key = self._key(row)
        if key is None:
            return self.init_instance(row), True
        activity, reference, money = key
        seen = (type(activity), activity.pk, reference, money)
        first = self._rows_of_key.setdefault(seen, self._row_number)
        if first != self._row_number:
            if reference:
                message = _("Row %(row)d has this reference for this activity already.")
            else:
                message = _(
                    "Row %(row)d is the same transaction (type, date, value and currency) "
                    "without a reference: give both rows a reference to import both."
                )
            raise ValidationError({"reference": message % {"row": first}})
        owner = "programme" if isinstance(activity, Programme) else "jwp"
        matches = (
            Transaction.objects.select_for_update(of=("self",))
            .select_related(
                "programme",
                "jwp",
                "provider_organisation",
                "receiver_organisation",
                "recipient_country",
            )
            .filter(**{owner: activity}, reference=reference)
        )
        if not reference:
            matches = matches.filter(**dict(zip(MONEY_KEY, money, strict=True)))
        matches = list(matches[:2])
        if len(matches) > 1:
            if reference:
                message = _(
                    "“%(activity)s” has several transactions with this reference: tell them "
                    "apart in the admin first."
                )
            else:
                message = _(
                    "“%(activity)s” has several transactions without a reference of this type, "
                    "date, value and currency: give this row a reference, or tell them apart "
                    "in the admin first."
                )
            raise ValidationError({"reference": message % {"activity": activity}})
        if matches:
            return matches[0], False
        return self.init_instance(row), True

    def _key(self, row) -> tuple | None:
        try:
            activity = self.fields["activity"].clean(row)
            reference = self.fields["reference"].clean(row) or ""
            money = tuple(self.fields[name].clean(row) for name in MONEY_KEY)
        except (KeyError, ValueError):
            return None
        if activity is None or (not reference and any(value in (None, "") for value in money)):
            return None
        return activity, reference, () if reference else money

    # -- the row's values

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if instance.value_date is None and "value_date" not in errors:
            instance.value_date = instance.date
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """A blank row, or one that changes nothing of its transaction."""
        if super().skip_row(instance, original, row, import_validation_errors):
            return True
        if import_validation_errors or original is None or original.pk is None:
            return False
        return all(getattr(instance, name) == getattr(original, name) for name in COMPARED_FIELDS)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's validation, each error under the column it is about; and the review
        rule, as the admin applies it: a row of a published activity changes only by whoever
        may publish the activity."""
        failed = {}
        for column, messages in (import_validation_errors or {}).items():
            names = COLUMN_FIELDS.get(column, (column,))
            failed[names[0]] = list(messages)
            for name in names[1:]:
                failed.setdefault(name, [])
        activity = instance.activity if "programme" not in failed else None
        if activity is not None and self._refused(activity, self._user):
            failed["programme"] = [
                _(
                    "“%(activity)s” is published: only a Publisher may import its transactions. "
                    "Add them in its own form instead, where they go to a Publisher for review."
                )
                % {"activity": activity}
            ]
            failed.setdefault("jwp", [])
        try:
            super().validate_instance(instance, failed, validate_unique)
        except ValidationError as error:
            raise ValidationError(_by_column(error.error_dict)) from None

    def _refused(self, activity, user) -> bool:
        key = (type(activity), activity.pk)
        if key not in self._needs_review:
            self._needs_review[key] = needs_review(obj=activity, user=user)
        return self._needs_review[key]

    def import_row(self, row, instance_loader, **kwargs):
        self._user = kwargs.get("user")
        return super().import_row(row, instance_loader, **kwargs)

    def content_owner(self, instance):
        return instance.activity


def _by_column(error_dict: dict) -> dict:
    by_column: dict[str, list] = {}
    for name, messages in error_dict.items():
        column = FIELD_COLUMNS.get(name, name)
        for message in messages:
            text = message.messages if isinstance(message, ValidationError) else [message]
            for line in text:
                if line not in by_column.setdefault(column, []):
                    by_column[column].append(line)
    return {column: lines for column, lines in by_column.items() if lines}


# -- the preview ---------------------------------------------------------------------------------

PREVIEW_COLUMNS = ("activity", "type", "date", "value", "currency", "provider", "receiver")


@dataclass
class PreviewRow:
    number: int
    action: str  # new, update, unchanged, empty, error
    cells: dict = field(default_factory=dict)  # column -> what to show
    problems: list[str] = field(default_factory=list)  # "column: message"


@dataclass
class Total:
    currency: str
    type: str
    rows: int = 0
    value: Decimal = Decimal("0")


@dataclass
class Preview:
    rows: list[PreviewRow]
    counts: dict[str, int]
    totals: list[Total]  # per currency and type, never across currencies


def transaction_preview(result: Result) -> Preview:
    """Each row of a dry run (what it does, what it holds, what is wrong with it), the count
    of each action, and the total value of the valid rows per currency and transaction type:
    one currency is never added to another, nor a commitment to a disbursement."""
    problems: dict[int, list[str]] = defaultdict(list)
    raw: dict[int, dict] = {}
    for invalid in result.invalid_rows:
        values = ("" if value == "---" else value for value in invalid.values)  # not in the file
        raw[invalid.number] = dict(zip(result.diff_headers, values, strict=True))
        for column, messages in invalid.error_dict.items():
            where = "" if column == NON_FIELD_ERRORS else f"{column}: "
            problems[invalid.number] += [f"{where}{message}" for message in messages]
    for error_row in result.error_rows:
        for error in error_row.errors:
            raw[error_row.number] = dict(error.row or {})
            problems[error_row.number].append(str(error.error))
    rows, totals = [], {}
    counts = dict.fromkeys(("new", "update", "unchanged", "empty", "error"), 0)
    for number, row_result in enumerate(result.rows, 1):
        if number in problems:
            action = "error"
            cells = {column: raw[number].get(column) or "" for column in PREVIEW_COLUMNS}
        elif row_result.import_type == RowResult.IMPORT_TYPE_SKIP:
            instance = row_result.instance
            action = "unchanged" if instance is not None and instance.pk else "empty"
            cells = _cells(instance) if action == "unchanged" else {}
        else:
            action, cells = row_result.import_type, _cells(row_result.instance)
        counts[action] += 1
        if action in ("new", "update", "unchanged"):
            transaction = row_result.instance
            key = (transaction.currency, transaction.type)
            total = totals.setdefault(
                key, Total(transaction.currency, transaction.get_type_display())
            )
            total.rows += 1
            total.value += transaction.value
        rows.append(PreviewRow(number, action, cells, problems.get(number, [])))
    ordered = [totals[key] for key in sorted(totals, key=lambda key: (key[0], int(key[1])))]
    return Preview(rows=rows, counts=counts, totals=ordered)


def _cells(transaction: Transaction | None) -> dict:
    if transaction is None:
        return {}
    provider, receiver = transaction.party_names
    return {
        "activity": transaction.activity,
        "type": transaction.get_type_display(),
        "date": transaction.date.isoformat(),
        "value": transaction.value,
        "currency": transaction.currency,
        "provider": provider,
        "receiver": receiver,
    }
