"""Sectors, policy markers and contacts as partners read them, nested in the programme and
JWP details (finances/api/views.py declares those details)."""

from rest_framework import serializers

from ..models import Contact, PolicyMarker, Sector


class SectorSerializer(serializers.ModelSerializer):
    """A sector in its vocabulary; ``percentage`` null where no share has been given."""

    class Meta:
        model = Sector
        fields = ["vocabulary", "code", "name", "percentage"]


class PolicyMarkerSerializer(serializers.ModelSerializer):
    class Meta:
        model = PolicyMarker
        fields = ["vocabulary", "code", "significance", "name"]


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = [
            "type",
            "organisation",
            "department",
            "person_name",
            "job_title",
            "telephone",
            "email",
            "website",
            "mailing_address",
        ]


class ClassificationRows(serializers.Serializer):
    """The classification rows of an activity, for a detail serializer."""

    sectors = SectorSerializer(many=True, read_only=True)
    policy_markers = PolicyMarkerSerializer(many=True, read_only=True, source="policymarkers")
    contacts = ContactSerializer(many=True, read_only=True)

    ROW_FIELDS = ["sectors", "policy_markers", "contacts"]
