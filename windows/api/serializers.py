from rest_framework import serializers

from windows.models import FundingWindow, Instrument, Theme


class WindowSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="window-detail", lookup_field="slug")

    class Meta:
        model = FundingWindow
        fields = ["url", "code", "slug", "name", "summary", "description", "updated_at"]


class InstrumentSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="instrument-detail", lookup_field="slug")
    window = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Instrument
        fields = ["url", "slug", "name", "kind", "window", "summary", "description", "updated_at"]


class ThemeSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="theme-detail", lookup_field="slug")

    class Meta:
        model = Theme
        fields = ["url", "slug", "name", "dac_sector_code", "summary", "description", "updated_at"]
