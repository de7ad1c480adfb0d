"""What an activity's money adds up to, for its page: budgets by period (the latest revision
of each), commitments, disbursements and expenditure by year, each currency on its own.

Amounts in different currencies are never added together: every total is per currency, and a
year with two currencies has a row for each.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear

from jwp.models import JointWorkProgramme
from programmes.iati_codes import BudgetType, TransactionType
from programmes.models import Programme, ProgrammeMoney
from publishing.models import public_condition

from .models import Budget, PlannedDisbursement, Transaction

# The transaction types a page sets against the budget.
COMMITTED = TransactionType.OUTGOING_COMMITMENT
DISBURSED = TransactionType.DISBURSEMENT
SPENT = TransactionType.EXPENDITURE


def transaction_rows() -> QuerySet:
    """Transactions with what a page, the API and the IATI export read of each."""
    return Transaction.objects.select_related(
        "provider_organisation", "receiver_organisation", "recipient_country"
    )


def disbursement_rows() -> QuerySet:
    return PlannedDisbursement.objects.select_related(
        "provider_organisation", "receiver_organisation"
    )


def money_prefetches(*, disbursements: bool = False) -> list:
    """An activity's money rows, for its detail query: budgets and transactions (what
    ``activity_money`` reads), and the planned disbursements when asked."""
    prefetches = ["budgets", Prefetch("transactions", queryset=transaction_rows())]
    if disbursements:
        prefetches.append(Prefetch("planneddisbursements", queryset=disbursement_rows()))
    return prefetches


def current_budgets(budgets) -> list[Budget]:
    """One budget per period and currency: a revised one replaces the original, and of two
    of the same type the one with the later value date counts."""
    chosen: dict = {}
    for budget in budgets:
        key = (budget.period_start, budget.period_end, budget.currency)
        rank = (budget.type == BudgetType.REVISED, budget.value_date, budget.pk)
        if key not in chosen or rank > chosen[key][0]:
            chosen[key] = (rank, budget)
    return sorted((budget for _rank, budget in chosen.values()), key=lambda b: b.period_start)


@dataclass
class YearRow:
    year: int
    currency: str
    budget: Decimal | None = None
    committed: Decimal | None = None
    disbursed: Decimal | None = None
    spent: Decimal | None = None


@dataclass
class Money:
    budgets: list[Budget]
    transactions: list[Transaction]
    years: list[YearRow] = field(default_factory=list)
    totals: list[YearRow] = field(default_factory=list)  # one per currency; year is 0

    def __bool__(self) -> bool:
        return bool(self.budgets or self.transactions)


def _add(row: YearRow, name: str, value: Decimal) -> None:
    setattr(row, name, (getattr(row, name) or Decimal(0)) + value)


def activity_money(activity) -> Money:
    """The money of a programme or a JWP whose ``budgets`` and ``transactions`` were
    prefetched with ``money_prefetches()`` (no further query)."""
    budgets = current_budgets(activity.budgets.all())
    transactions = list(activity.transactions.all())
    years: dict = defaultdict(dict)
    totals: dict = {}

    def rows(year: int, currency: str) -> tuple[YearRow, YearRow]:
        row = years[year].setdefault(currency, YearRow(year, currency))
        total = totals.setdefault(currency, YearRow(0, currency))
        return row, total

    for budget in budgets:
        for row in rows(budget.period_start.year, budget.currency):
            _add(row, "budget", budget.value)
    names = {COMMITTED: "committed", DISBURSED: "disbursed", SPENT: "spent"}
    for transaction in transactions:
        name = names.get(transaction.type)
        if name is not None:
            for row in rows(transaction.date.year, transaction.currency):
                _add(row, name, transaction.value)
    return Money(
        budgets=budgets,
        transactions=transactions,
        years=[years[year][currency] for year in sorted(years) for currency in sorted(years[year])],
        totals=[totals[currency] for currency in sorted(totals)],
    )


# -- spending of the public portfolio ------------------------------------------------------------

# What the portfolio's spending figures add up, each type under its name.
SPENDING = {COMMITTED: "committed", DISBURSED: "disbursed", SPENT: "spent"}
# breakdown: [(the key's path, its label's path, the activity the path goes through or None)]
SPENDING_BREAKDOWNS = {
    "year": [("year", None, None)],
    "theme": [
        ("programme__themes__slug", "programme__themes__name", "programme"),
        ("jwp__themes__slug", "jwp__themes__name", "jwp"),
    ],
    "country": [("programme__countries__iso2", "programme__countries__name", "programme")],
}
# A programme's sums per currency (``ProgrammeMoney``, kept by the database) by spending name.
PROGRAMME_SUMS = {"committed": "committed", "disbursed": "disbursed", "spent": "expended"}


@dataclass
class Spending:
    """What public activities committed, disbursed and spent (expenditure) under one key (a
    year, a theme's slug, a country's ISO code), in one currency. None: nothing recorded."""

    key: str
    label: str
    currency: str
    committed: Decimal | None = None
    disbursed: Decimal | None = None
    spent: Decimal | None = None

    @property
    def amounts(self) -> list[tuple[str, Decimal | None]]:
        return [(name, getattr(self, name)) for name in SPENDING.values()]


def spending(*, by: str, theme=None, country=None) -> list[Spending]:
    """Commitments, disbursements and expenditure of public programmes and JWPs by ``by``
    (``year``, ``theme`` or ``country``), per currency, never added across currencies; of the
    activities of ``theme``, or (programmes only: JWPs have no countries) of ``country``, when
    given. A programme in two themes counts in each. Sorted by key, then currency.

    One aggregate query per path of the breakdown, whatever the number of rows. By year it
    reads the transactions; by theme or country a programme's sums per currency
    (``ProgrammeMoney``: one row where a programme has many transactions) and a JWP's
    transactions."""
    programmes = Programme.objects.filter(public_condition(Programme))
    jwps = JointWorkProgramme.objects.filter(public_condition(JointWorkProgramme))
    if theme is not None:
        programmes = programmes.filter(themes=theme)
        jwps = jwps.filter(themes=theme)
    if country is not None:
        programmes = programmes.filter(countries=country)
        jwps = jwps.none()
    groups: dict[tuple, Spending] = {}

    def add(key, label, currency, name, value) -> None:
        if value is None:
            return
        group = groups.setdefault((str(key), currency), Spending(str(key), str(label), currency))
        _add(group, name, value)

    transactions = Transaction.objects.filter(type__in=list(SPENDING))
    for path, label_path, owner in SPENDING_BREAKDOWNS[by]:
        labels = {"label": F(label_path)} if label_path else {}
        if owner == "programme":
            sums = (
                ProgrammeMoney.objects.filter(programme__in=programmes.values("pk"))
                .exclude(committed=None, disbursed=None, expended=None)
                .exclude(**{f"{path}__isnull": True})
                .values(key=F(path), cur=F("currency"), **labels)
                .annotate(**{name: Sum(column) for name, column in PROGRAMME_SUMS.items()})
                .order_by()
            )
            for row in sums:
                for name in PROGRAMME_SUMS:
                    add(row["key"], row.get("label", row["key"]), row["cur"], name, row[name])
            continue
        if owner == "jwp":
            rows = transactions.filter(jwp__in=jwps.values("pk"))
        else:
            rows = transactions.filter(
                Q(programme__in=programmes.values("pk")) | Q(jwp__in=jwps.values("pk"))
            ).annotate(year=ExtractYear("date"))
        totals = (
            rows.exclude(**{f"{path}__isnull": True})
            .values(key=F(path), cur=F("currency"), kind=F("type"), **labels)
            .annotate(total=Sum("value"))
            .order_by()
        )
        for row in totals:
            add(
                row["key"],
                row.get("label", row["key"]),
                row["cur"],
                SPENDING[row["kind"]],
                row["total"],
            )
    return [groups[key] for key in sorted(groups)]
