"""The programme list's money (programmes.ProgrammeMoney), kept by the database's triggers
(finances/totals.py): the budget a programme's page shows and what it spent, per currency,
whatever writes the money rows."""

import datetime
import random
from decimal import Decimal

import pytest
from django.db import connection

from finances.models import Transaction
from finances.selectors import activity_money, money_prefetches
from programmes.models import Programme, ProgrammeMoney
from publishing import services as publishing
from publishing.services import content_save
from tests import factories

pytestmark = pytest.mark.django_db


def money(programme) -> dict[str, tuple]:
    """{currency: (budget, spent)} as the table holds it."""
    return {
        row.currency: (row.budget, row.spent)
        for row in ProgrammeMoney.objects.filter(programme=programme)
    }


def year(y: int, **fields) -> dict:
    return {
        "period_start": datetime.date(y, 1, 1),
        "period_end": datetime.date(y, 12, 31),
        "value_date": datetime.date(y, 1, 1),
        **fields,
    }


def test_the_budget_is_the_latest_revision_of_each_period_summed_per_currency():
    programme = factories.ProgrammeFactory(budget=None, currency="")
    assert money(programme) == {}
    factories.BudgetFactory(programme=programme, **year(2015, value=Decimal("100")))
    assert money(programme) == {"USD": (Decimal("100.00"), None)}
    revised = factories.BudgetFactory(
        programme=programme, **year(2015, value=Decimal("80"), type="2")
    )
    factories.BudgetFactory(programme=programme, **year(2016, value=Decimal("40")))
    factories.BudgetFactory(programme=programme, **year(2016, value=Decimal("7"), currency="EUR"))
    assert money(programme) == {
        "USD": (Decimal("120.00"), None),
        "EUR": (Decimal("7.00"), None),
    }
    # Of two revisions of one period the later value date counts.
    factories.BudgetFactory(
        programme=programme,
        **year(2015, value=Decimal("90"), type="2", value_date=datetime.date(2015, 6, 1)),
    )
    assert money(programme)["USD"] == (Decimal("130.00"), None)
    revised.delete()
    assert money(programme)["USD"] == (Decimal("130.00"), None)


def test_a_programme_without_budget_rows_keeps_its_single_total():
    programme = factories.ProgrammeFactory(budget=Decimal("3000000"), currency="USD")
    assert money(programme) == {"USD": (Decimal("3000000.00"), None)}
    programme.budget, programme.currency = Decimal("2500000"), "EUR"
    programme.save()
    assert money(programme) == {"EUR": (Decimal("2500000.00"), None)}
    # Budgets by period replace the single total, in every currency.
    budget = factories.BudgetFactory(programme=programme, **year(2015, value=Decimal("10")))
    assert money(programme) == {"USD": (Decimal("10.00"), None)}
    budget.delete()
    assert money(programme) == {"EUR": (Decimal("2500000.00"), None)}
    Programme.objects.filter(pk=programme.pk).update(budget=None, currency="")
    assert money(programme) == {}


def test_spending_is_disbursements_and_expenditure_per_currency():
    programme = factories.ProgrammeFactory(budget=None, currency="")
    for value, kind, currency in (
        ("100", "3", "USD"),
        ("-20", "3", "USD"),  # a correction
        ("50", "4", "USD"),
        ("70", "3", "EUR"),
        ("999", "1", "USD"),  # incoming funds
        ("500", "2", "USD"),  # a commitment
    ):
        factories.TransactionFactory(
            programme=programme, value=Decimal(value), type=kind, currency=currency
        )
    assert money(programme) == {"USD": (None, Decimal("130.00")), "EUR": (None, Decimal("70.00"))}
    # A JWP's money is not a programme's.
    factories.TransactionFactory(programme=None, jwp=factories.JointWorkProgrammeFactory())
    assert ProgrammeMoney.objects.count() == 2
    # Moved to another programme, a transaction leaves the first one's totals.
    other = factories.ProgrammeFactory(budget=None, currency="")
    Transaction.objects.filter(programme=programme, currency="EUR").update(programme=other)
    assert money(programme) == {"USD": (None, Decimal("130.00"))}
    assert money(other) == {"EUR": (None, Decimal("70.00"))}
    Transaction.objects.filter(programme=programme, type="3").update(type="1")
    assert money(programme) == {"USD": (None, Decimal("50.00"))}


def test_bulk_writes_and_deletes_keep_the_totals():
    programmes = factories.ProgrammeFactory.create_batch(3, budget=None, currency="")
    Transaction.objects.bulk_create(
        factories.TransactionFactory.build(programme=programme, value=Decimal(n + 1))
        for programme in programmes
        for n in range(4)
    )
    assert [money(p) for p in programmes] == [{"USD": (None, Decimal("10.00"))}] * 3
    Transaction.objects.filter(programme=programmes[0]).delete()
    assert money(programmes[0]) == {}
    factories.BudgetFactory(programme=programmes[1])
    programmes[1].delete()  # its budgets and transactions go with it, and so do its totals
    assert not ProgrammeMoney.objects.filter(programme_id=programmes[1].pk).exists()
    assert money(programmes[2]) == {"USD": (None, Decimal("10.00"))}


def test_a_revision_changes_the_totals_when_it_is_approved_not_before():
    programme = factories.ProgrammeFactory(published=True, budget=None, currency="")
    editor = factories.EditorFactory()
    budget = factories.BudgetFactory.build(programme=programme, value=Decimal("250000"))

    revision = publishing.edit(
        obj=programme,
        user=editor,
        write=lambda: content_save(budget, user=editor, owner=programme),
    )
    assert money(programme) == {}  # proposed, rolled back: the public list sees nothing yet

    publishing.revision_approve(revision=revision, user=factories.PublisherFactory())
    assert money(programme) == {"USD": (Decimal("250000.00"), None)}


def test_the_totals_are_what_the_programme_page_shows():
    """Random budgets (originals, revisions, several currencies) and transactions: the
    table says what ``finances.selectors.activity_money`` says, programme by programme."""
    rng = random.Random(12)
    programmes = factories.ProgrammeFactory.create_batch(12)
    for programme in programmes:
        for _ in range(rng.randint(0, 6)):
            y = rng.choice((2015, 2016))
            factories.BudgetFactory(
                programme=programme,
                **year(
                    y,
                    value=Decimal(rng.randint(-5, 100)),
                    currency=rng.choice(("USD", "EUR")),
                    type=rng.choice("12"),
                    value_date=datetime.date(y, rng.randint(1, 3), 1),
                ),
            )
        for _ in range(rng.randint(0, 6)):
            factories.TransactionFactory(
                programme=programme,
                value=Decimal(rng.randint(-50, 500)),
                type=rng.choice("1234"),
                currency=rng.choice(("USD", "EUR")),
            )
    loaded = Programme.objects.prefetch_related(*money_prefetches()).order_by("pk")
    for programme in loaded:
        shown = activity_money(programme)
        expected = {
            total.currency: [
                total.budget,
                total.committed,
                total.disbursed,
                total.spent,
                None
                if total.disbursed is None and total.spent is None
                else (total.disbursed or 0) + (total.spent or 0),
            ]
            for total in shown.totals
        }
        if not shown.budgets and programme.budget is not None:
            expected.setdefault(programme.currency, [None] * 5)[0] = programme.budget
        stored = {
            row.currency: [row.budget, row.committed, row.disbursed, row.expended, row.spent]
            for row in ProgrammeMoney.objects.filter(programme=programme)
        }
        assert stored == expected, programme


def test_migrate_recomputes_every_total():
    programme = factories.ProgrammeFactory(budget=Decimal("5"), currency="USD")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM programmes_programmemoney")
    from finances.totals import install_triggers

    install_triggers()
    assert money(programme) == {"USD": (Decimal("5.00"), None)}
