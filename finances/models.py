"""Money over time, for programmes and Joint Work Programmes (both IATI activities): budgets
by period, planned disbursements and transactions.

Each row belongs to exactly one activity, a programme or a JWP (``classifications.models.
ActivityRow``, a check constraint). The rows are part of what the public sees of their
activity, so a change to a published one goes through review with the activity
(``revision_rows`` of Programme and JointWorkProgramme).

Amounts keep their own currency; nothing here adds amounts in different currencies (see
``finances.selectors``). Values may be negative, as IATI allows (a correction, a refund).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from classifications.models import ActivityRow
from programmes.iati_codes import (
    AidType,
    BudgetStatus,
    BudgetType,
    Currency,
    FinanceType,
    FlowType,
    SectorVocabulary,
    TiedStatus,
    TransactionType,
)
from programmes.models import Country, Organisation

# IATI rule 7.5.3: a budget period is at most a year long (the IATI Validator counts the
# days between start and end: 365 at most).
LONGEST_PERIOD = datetime.timedelta(days=365)
MONEY = {"max_digits": 16, "decimal_places": 2}


class Amount(models.Model):
    """A value in a currency, on a value date (the date of the exchange rate, for IATI)."""

    value = models.DecimalField(_("value"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    value_date = models.DateField(
        _("value date"), help_text=_("The date for the exchange rate of the value.")
    )

    class Meta:
        abstract = True


class Period(models.Model):
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))

    class Meta:
        abstract = True


def period_constraints(*, longest: bool) -> list[models.BaseConstraint]:
    constraints = [
        models.CheckConstraint(
            condition=Q(period_end__gt=F("period_start")),
            name="%(app_label)s_%(class)s_end_after_start",
            violation_error_message=_("The period must end after it starts."),
        )
    ]
    if longest:
        constraints.append(
            models.CheckConstraint(
                condition=Q(period_end__lte=F("period_start") + LONGEST_PERIOD),
                name="%(app_label)s_%(class)s_at_most_a_year",
                violation_error_message=_(
                    "A period is at most a year (365 days) long: split it into years."
                ),
            )
        )
    return constraints


class Budget(ActivityRow, Period, Amount):
    """What an activity plans to spend in one period of at most a year. A revised budget of a
    period replaces its original in the totals; each currency is totalled on its own."""

    type = models.CharField(
        _("type"), max_length=1, choices=BudgetType.choices, default=BudgetType.ORIGINAL
    )
    status = models.CharField(
        _("status"), max_length=1, choices=BudgetStatus.choices, default=BudgetStatus.INDICATIVE
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["period_start", "type", "pk"]
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        constraints = [*ActivityRow.Meta.constraints, *period_constraints(longest=True)]
        indexes = [models.Index(fields=["period_start", "period_end"])]

    def __str__(self):
        period = f"{self.period_start:%Y-%m-%d} to {self.period_end:%Y-%m-%d}"
        return f"{period}: {self.currency} {self.value}"


PARTIES = ("provider", "receiver")


class Parties(models.Model):
    """Who pays and who receives: each one of our organisations, or a name and an IATI
    reference (another publisher's organisation), or not given."""

    provider_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("provider"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    provider_name = models.CharField(
        _("provider name"),
        max_length=255,
        blank=True,
        help_text=_("When the provider is not one of our organisations."),
    )
    provider_ref = models.CharField(_("provider IATI reference"), max_length=150, blank=True)
    receiver_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("receiver"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    receiver_name = models.CharField(
        _("receiver name"),
        max_length=255,
        blank=True,
        help_text=_("When the receiver is not one of our organisations."),
    )
    receiver_ref = models.CharField(_("receiver IATI reference"), max_length=150, blank=True)

    class Meta:
        abstract = True

    @property
    def provider_party(self) -> dict:
        name, ref = self.party("provider")
        return {"name": name, "ref": ref}

    @property
    def receiver_party(self) -> dict:
        name, ref = self.party("receiver")
        return {"name": name, "ref": ref}

    @property
    def party_names(self) -> tuple[str, str]:
        """(provider, receiver) as a page names them: the name, else the IATI reference."""
        return tuple(name or ref for name, ref in (self.party(role) for role in PARTIES))

    def party(self, role: str) -> tuple[str, str]:
        """(name, IATI reference) of the provider or the receiver; empty strings if unknown."""
        organisation = getattr(self, f"{role}_organisation")
        if organisation is not None:
            return organisation.name, organisation.iati_ref
        return getattr(self, f"{role}_name"), getattr(self, f"{role}_ref")


class PlannedDisbursement(ActivityRow, Period, Amount, Parties):
    """Money an activity expects to pay out in a period, from a provider to a receiver."""

    type = models.CharField(
        _("type"), max_length=1, choices=BudgetType.choices, default=BudgetType.ORIGINAL
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["period_start", "pk"]
        verbose_name = _("planned disbursement")
        verbose_name_plural = _("planned disbursements")
        constraints = [*ActivityRow.Meta.constraints, *period_constraints(longest=False)]

    def __str__(self):
        return f"{self.period_start:%Y-%m-%d}: {self.currency} {self.value}"


class Transaction(ActivityRow, Amount, Parties):
    """Money that moved (or was committed): a commitment, a disbursement, an expenditure,
    incoming funds. The finance, flow, aid and tied types fall back to the activity's."""

    reference = models.CharField(_("reference"), max_length=100, blank=True)
    type = models.CharField(_("type"), max_length=2, choices=TransactionType.choices)
    date = models.DateField(_("date"), db_index=True)
    description = models.TextField(_("description"), blank=True)
    sector_vocabulary = models.CharField(
        _("sector vocabulary"), max_length=3, choices=SectorVocabulary.choices, blank=True
    )
    sector_code = models.CharField(_("sector code"), max_length=20, blank=True)
    recipient_country = models.ForeignKey(
        Country,
        verbose_name=_("recipient country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    finance_type = models.CharField(
        _("finance type"), max_length=4, choices=FinanceType.choices, blank=True
    )
    flow_type = models.CharField(_("flow type"), max_length=2, choices=FlowType.choices, blank=True)
    aid_type = models.CharField(_("aid type"), max_length=4, choices=AidType.choices, blank=True)
    tied_status = models.CharField(
        _("tied status"), max_length=1, choices=TiedStatus.choices, blank=True
    )
    humanitarian = models.BooleanField(_("humanitarian"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        constraints = [
            *ActivityRow.Meta.constraints,
            models.CheckConstraint(
                condition=Q(sector_code="") | ~Q(sector_vocabulary=""),
                name="finances_transaction_sector_has_vocabulary",
                violation_error_message=_("Give the vocabulary of the sector code."),
            ),
        ]
        indexes = [models.Index(fields=["type", "date"])]

    def __str__(self):
        return f"{self.get_type_display()} {self.date:%Y-%m-%d}: {self.currency} {self.value}"

    def effective(self, name: str) -> str:
        """The transaction's ``flow_type``, ``finance_type``, ``aid_type`` or ``tied_status``,
        else the activity's default of it (IATI: the activity's ``default-*`` apply to every
        transaction that gives none of its own); empty when neither is known."""
        return getattr(self, name) or getattr(self.activity, f"default_{name}", "")

    def clean(self):
        """A transaction has happened (IATI rules 11.2.1 and 11.2.2): its date and value date
        are not in the future. Money still to come is a planned disbursement."""
        super().clean()
        today = timezone.localdate()
        errors = {}
        if self.date and self.date > today:
            errors["date"] = _(
                "A transaction cannot be in the future: enter it as a planned disbursement."
            )
        if self.value_date and self.value_date > today:
            errors["value_date"] = _("The value date cannot be in the future.")
        if errors:
            raise ValidationError(errors)
