"""The money rows as partners read them, nested in the programme and JWP details."""

from rest_framework import serializers

from ..models import Budget, PlannedDisbursement, Transaction


class PartySerializer(serializers.Serializer):
    """A provider or a receiver: its name and IATI reference (empty when not known)."""

    name = serializers.CharField()
    ref = serializers.CharField()


class PartiesMixin(serializers.Serializer):
    provider = PartySerializer(source="provider_party", read_only=True)
    receiver = PartySerializer(source="receiver_party", read_only=True)


class BudgetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Budget
        fields = [
            "period_start",
            "period_end",
            "type",
            "status",
            "value",
            "currency",
            "value_date",
        ]


class PlannedDisbursementSerializer(PartiesMixin, serializers.ModelSerializer):
    class Meta:
        model = PlannedDisbursement
        fields = [
            "period_start",
            "period_end",
            "type",
            "value",
            "currency",
            "value_date",
            "provider",
            "receiver",
        ]


class TransactionSerializer(PartiesMixin, serializers.ModelSerializer):
    """A transaction; its finance, flow, aid and tied types are its own, else its activity's
    defaults (empty when neither is known)."""

    recipient_country = serializers.SlugRelatedField(slug_field="iso2", read_only=True)
    finance_type = serializers.SerializerMethodField()
    flow_type = serializers.SerializerMethodField()
    aid_type = serializers.SerializerMethodField()
    tied_status = serializers.SerializerMethodField()

    def get_finance_type(self, transaction) -> str:
        return transaction.effective("finance_type")

    def get_flow_type(self, transaction) -> str:
        return transaction.effective("flow_type")

    def get_aid_type(self, transaction) -> str:
        return transaction.effective("aid_type")

    def get_tied_status(self, transaction) -> str:
        return transaction.effective("tied_status")

    class Meta:
        model = Transaction
        fields = [
            "reference",
            "type",
            "date",
            "value",
            "currency",
            "value_date",
            "description",
            "provider",
            "receiver",
            "sector_vocabulary",
            "sector_code",
            "recipient_country",
            "finance_type",
            "flow_type",
            "aid_type",
            "tied_status",
            "humanitarian",
        ]


class MoneyFields(serializers.Serializer):
    """The money of an activity, for a detail serializer: budgets, planned disbursements and
    transactions, each in its own currency."""

    budgets = BudgetSerializer(many=True, read_only=True)
    planned_disbursements = PlannedDisbursementSerializer(
        many=True, read_only=True, source="planneddisbursements"
    )
    transactions = TransactionSerializer(many=True, read_only=True)

    MONEY_FIELDS = ["budgets", "planned_disbursements", "transactions"]


class ActivityLinks(serializers.Serializer):
    """Which activity a row belongs to, for the lists: the slug of its programme or JWP."""

    programme = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    jwp = serializers.SlugRelatedField(slug_field="slug", read_only=True)


class BudgetListSerializer(ActivityLinks, BudgetSerializer):
    class Meta(BudgetSerializer.Meta):
        # The id: what the changes feed names a row by.
        fields = ["id", "programme", "jwp", *BudgetSerializer.Meta.fields]


class PlannedDisbursementListSerializer(ActivityLinks, PlannedDisbursementSerializer):
    class Meta(PlannedDisbursementSerializer.Meta):
        fields = ["id", "programme", "jwp", *PlannedDisbursementSerializer.Meta.fields]


class TransactionListSerializer(ActivityLinks, TransactionSerializer):
    class Meta(TransactionSerializer.Meta):
        fields = ["id", "programme", "jwp", *TransactionSerializer.Meta.fields]
