from rest_framework import serializers
from rest_framework.reverse import reverse

from programmes.models import Activity, City, Country, Organisation, Programme, ProgrammePartner


class CountrySerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="country-detail", lookup_field="iso2")

    class Meta:
        model = Country
        fields = ["url", "iso2", "iso3", "name", "region", "updated_at"]


class CitySerializer(serializers.ModelSerializer):
    country = serializers.SlugRelatedField(slug_field="iso2", read_only=True)

    class Meta:
        model = City
        fields = ["slug", "name", "country", "is_secondary", "latitude", "longitude", "updated_at"]


class OrganisationSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="organisation-detail", lookup_field="slug")
    country = serializers.SlugRelatedField(slug_field="iso2", read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "url",
            "slug",
            "name",
            "acronym",
            "org_type",
            "iati_ref",
            "is_member",
            "country",
            "website",
            "updated_at",
        ]


class PartnerSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = ProgrammePartner
        fields = ["organisation", "name", "role", "updated_at"]


class ActivitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Activity
        fields = ["title", "level", "description", "updated_at"]


class ProgrammeListSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="programme-detail", lookup_field="slug")
    instrument = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    window = serializers.CharField(source="instrument.window.code", read_only=True)
    themes = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    countries = serializers.SlugRelatedField(slug_field="iso2", many=True, read_only=True)
    start = serializers.DateField(source="start_date", read_only=True, allow_null=True)
    end = serializers.DateField(source="end_date", read_only=True, allow_null=True)

    class Meta:
        model = Programme
        fields = [
            "url",
            "slug",
            "iati_identifier",
            "title",
            "window",
            "instrument",
            "activity_status",
            "start",
            "end",
            "budget",
            "currency",
            "themes",
            "countries",
            "status",
            "published_at",
            "updated_at",
        ]


class ProgrammeDetailSerializer(ProgrammeListSerializer):
    cities = CitySerializer(many=True, read_only=True)
    partners = PartnerSerializer(many=True, read_only=True)
    activities = ActivitySerializer(many=True, read_only=True)
    dimensions = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    parent = serializers.SerializerMethodField()
    children = serializers.HyperlinkedRelatedField(
        view_name="programme-detail",
        lookup_field="slug",
        many=True,
        read_only=True,
        source="visible_children",
    )

    class Meta(ProgrammeListSerializer.Meta):
        fields = [
            *ProgrammeListSerializer.Meta.fields,
            "summary",
            "description",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "cities",
            "partners",
            "activities",
            "dimensions",
            "parent",
            "children",
        ]

    def get_parent(self, programme) -> str | None:
        """The parent's URL, unless the parent is a draft the caller may not see."""
        parent = programme.parent
        if parent is None or not (parent.is_published or self.context.get("sees_unpublished")):
            return None
        return reverse(
            "programme-detail", kwargs={"slug": parent.slug}, request=self.context["request"]
        )
