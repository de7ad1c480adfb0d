"""The filter vocabulary of ``/api/v1/budgets/``, ``/api/v1/planned-disbursements/`` and
``/api/v1/transactions/``: strict (an unknown parameter or value is a 400 naming it, see
publishing.api.filters), every related value checked against what the caller may see."""

import django_filters
from django.db.models import Q

from jwp.models import JointWorkProgramme
from programmes.iati_codes import BudgetStatus, BudgetType, Currency, TransactionType
from programmes.models import Country, Organisation, Programme
from publishing.filters import ChoiceListFilter, RelatedListFilter, Vocabulary
from windows.models import Theme

from .models import Budget, PlannedDisbursement, Transaction


class ActivityListFilter(RelatedListFilter):
    """``theme=gender`` or ``country=UG``: rows whose activity (the programme, or the JWP
    where it has the relation) is related to any of these."""

    def __init__(self, *args, paths: tuple[str, ...], **kwargs):
        self.paths = paths
        super().__init__(*args, path=paths[0], **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        condition = Q()
        for path in self.paths:
            condition |= Q(**{f"{path}__in": list(value)})
        return qs.filter(condition).distinct()


class MoneyVocabulary(Vocabulary):
    programme = RelatedListFilter(path="programme", model=Programme, help_text="Programme slugs.")
    jwp = RelatedListFilter(path="jwp", model=JointWorkProgramme, help_text="JWP slugs.")
    currency = ChoiceListFilter(path="currency", choices=Currency.choices, help_text="ISO 4217.")
    theme = ActivityListFilter(
        paths=("programme__themes", "jwp__themes"), model=Theme, help_text="Theme slugs."
    )


class PeriodFilter(MoneyVocabulary):
    """Rows of a period: budgets and planned disbursements."""

    type = ChoiceListFilter(
        path="type", choices=BudgetType.choices, help_text="1 original, 2 revised."
    )
    country = ActivityListFilter(
        paths=("programme__countries",),
        model=Country,
        to_fields=("iso2",),
        upper=True,
        help_text="ISO 3166-1 alpha-2 codes of the programme's countries.",
    )
    period_after = django_filters.DateFilter(
        field_name="period_end", lookup_expr="gte", help_text="Periods ending on or after."
    )
    period_before = django_filters.DateFilter(
        field_name="period_start", lookup_expr="lte", help_text="Periods starting on or before."
    )


class BudgetFilter(PeriodFilter):
    status = ChoiceListFilter(
        path="status", choices=BudgetStatus.choices, help_text="1 indicative, 2 committed."
    )

    class Meta:
        model = Budget
        fields = []


class PlannedDisbursementFilter(PeriodFilter):
    class Meta:
        model = PlannedDisbursement
        fields = []


class TransactionFilter(MoneyVocabulary):
    type = ChoiceListFilter(
        path="type", choices=TransactionType.choices, help_text="TransactionType codes."
    )
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte")
    provider = RelatedListFilter(
        path="provider_organisation",
        model=Organisation,
        to_fields=("slug", "iati_ref"),
        help_text="Organisation slugs or IATI references.",
    )
    receiver = RelatedListFilter(
        path="receiver_organisation",
        model=Organisation,
        to_fields=("slug", "iati_ref"),
        help_text="Organisation slugs or IATI references.",
    )
    country = ActivityListFilter(
        paths=("recipient_country", "programme__countries"),
        model=Country,
        to_fields=("iso2",),
        upper=True,
        help_text="ISO 3166-1 alpha-2: the transaction's recipient country or its programme's.",
    )

    class Meta:
        model = Transaction
        fields = []
