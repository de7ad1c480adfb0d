"""The programme and JWP endpoints with their money nested in the detail: declared here as
subclasses (programmes/ and jwp/ cannot name this app) and registered by citiesalliance/api.py.
"""

from drf_spectacular.utils import extend_schema_serializer, extend_schema_view

from classifications.api.serializers import ClassificationRows
from jwp.api import serializers as jwp_serializers
from jwp.api import views as jwp_views
from programmes.api import serializers as programme_serializers
from programmes.api import views as programme_views
from programmes.models import ActivityClassifications, Programme
from publishing.api.views import PortfolioViewSet
from publishing.api.workflow import staff_write_schemas
from publishing.models import public_condition
from publishing.preview import may_preview

from ..filters import BudgetFilter, PlannedDisbursementFilter, TransactionFilter
from ..models import Budget, PlannedDisbursement, Transaction
from ..selectors import disbursement_rows, money_prefetches, transaction_rows
from .serializers import (
    BudgetListSerializer,
    MoneyFields,
    PlannedDisbursementListSerializer,
    TransactionListSerializer,
)

CLASSIFICATION_PREFETCHES = ("sectors", "policymarkers", "contacts")


# The detail partners get; the component keeps its name in the OpenAPI description.
@extend_schema_serializer(component_name="ProgrammeDetail")
class ProgrammeDetailSerializer(
    ClassificationRows, MoneyFields, programme_serializers.ProgrammeDetailSerializer
):
    class Meta(programme_serializers.ProgrammeDetailSerializer.Meta):
        fields = [
            *programme_serializers.ProgrammeDetailSerializer.Meta.fields,
            *ClassificationRows.ROW_FIELDS,
            *MoneyFields.MONEY_FIELDS,
        ]


@extend_schema_serializer(component_name="JWPDetail")
class JWPDetailSerializer(ClassificationRows, MoneyFields, jwp_serializers.JWPDetailSerializer):
    class Meta(jwp_serializers.JWPDetailSerializer.Meta):
        fields = [
            *jwp_serializers.JWPDetailSerializer.Meta.fields,
            *ActivityClassifications.FIELDS,
            *ClassificationRows.ROW_FIELDS,
            *MoneyFields.MONEY_FIELDS,
        ]


@extend_schema_view(
    **staff_write_schemas(
        noun="programme",
        write_serializer=programme_serializers.ProgrammeWriteSerializer,
        detail_serializer=ProgrammeDetailSerializer,
    )
)
class ProgrammeViewSet(programme_views.ProgrammeViewSet):
    __doc__ = programme_views.ProgrammeViewSet.__doc__
    detail_serializer_class = ProgrammeDetailSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":
            return queryset
        return queryset.prefetch_related(
            *CLASSIFICATION_PREFETCHES, *money_prefetches(disbursements=True)
        )


class JointWorkProgrammeViewSet(jwp_views.JointWorkProgrammeViewSet):
    __doc__ = jwp_views.JointWorkProgrammeViewSet.__doc__
    detail_serializer_class = JWPDetailSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":
            return queryset
        return queryset.prefetch_related(
            *CLASSIFICATION_PREFETCHES, *money_prefetches(disbursements=True)
        )


class MoneyRowViewSet(PortfolioViewSet):
    """Rows of activities; the public sees those of public programmes and JWPs, staff who may
    preview programmes see all."""

    def activity_visible_rows(self, queryset):
        if may_preview(self.request.user, Programme):
            return queryset
        return queryset.filter(public_condition(queryset.model))


class BudgetViewSet(MoneyRowViewSet):
    """Budgets of programmes and JWPs, one period (at most a year) each, in their own currency.
    A revised budget of a period replaces its original; amounts in different currencies are
    never added together."""

    model = Budget
    serializer_class = BudgetListSerializer
    filterset_class = BudgetFilter
    csv_filename = "budgets"

    def get_queryset(self):
        queryset = Budget.objects.select_related("programme", "jwp").order_by("period_start", "pk")
        return self.activity_visible_rows(queryset)


class PlannedDisbursementViewSet(MoneyRowViewSet):
    """Planned disbursements of programmes and JWPs: money an activity expects to pay out in a
    period, from a provider to a receiver, each in its own currency."""

    model = PlannedDisbursement
    serializer_class = PlannedDisbursementListSerializer
    filterset_class = PlannedDisbursementFilter
    csv_filename = "planned-disbursements"

    def get_queryset(self):
        queryset = (
            disbursement_rows().select_related("programme", "jwp").order_by("period_start", "pk")
        )
        return self.activity_visible_rows(queryset)


class TransactionViewSet(MoneyRowViewSet):
    """Transactions of programmes and JWPs: commitments, disbursements, expenditure, incoming
    funds; values may be negative (corrections), each in its own currency."""

    model = Transaction
    serializer_class = TransactionListSerializer
    filterset_class = TransactionFilter
    csv_filename = "transactions"

    def get_queryset(self):
        queryset = transaction_rows().select_related("programme", "jwp").order_by("date", "pk")
        return self.activity_visible_rows(queryset)
