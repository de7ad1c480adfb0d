"""The programme and JWP endpoints with their money nested in the detail: declared here as
subclasses (programmes/ and jwp/ cannot name this app) and registered by citiesalliance/api.py.
"""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema_serializer, extend_schema_view

from jwp.api import serializers as jwp_serializers
from jwp.api import views as jwp_views
from programmes.api import serializers as programme_serializers
from programmes.api import views as programme_views
from publishing.api.workflow import staff_write_schemas

from ..models import Budget, PlannedDisbursement, Transaction
from .serializers import MoneyFields


def money_prefetches() -> list[Prefetch]:
    return [
        Prefetch("budgets", queryset=Budget.objects.order_by("period_start", "type", "pk")),
        Prefetch(
            "planneddisbursements",
            queryset=PlannedDisbursement.objects.select_related(
                "provider_organisation", "receiver_organisation"
            ),
        ),
        Prefetch(
            "transactions",
            queryset=Transaction.objects.select_related(
                "provider_organisation", "receiver_organisation", "recipient_country"
            ),
        ),
    ]


# The detail partners get; the component keeps its name in the OpenAPI description.
@extend_schema_serializer(component_name="ProgrammeDetail")
class ProgrammeDetailSerializer(MoneyFields, programme_serializers.ProgrammeDetailSerializer):
    class Meta(programme_serializers.ProgrammeDetailSerializer.Meta):
        fields = [
            *programme_serializers.ProgrammeDetailSerializer.Meta.fields,
            *MoneyFields.MONEY_FIELDS,
        ]


@extend_schema_serializer(component_name="JWPDetail")
class JWPDetailSerializer(MoneyFields, jwp_serializers.JWPDetailSerializer):
    class Meta(jwp_serializers.JWPDetailSerializer.Meta):
        fields = [*jwp_serializers.JWPDetailSerializer.Meta.fields, *MoneyFields.MONEY_FIELDS]


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
        return queryset.prefetch_related(*money_prefetches())


class JointWorkProgrammeViewSet(jwp_views.JointWorkProgrammeViewSet):
    __doc__ = jwp_views.JointWorkProgrammeViewSet.__doc__
    detail_serializer_class = JWPDetailSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":
            return queryset
        return queryset.prefetch_related(*money_prefetches())
