from django.urls import reverse
from rest_framework import serializers

from jwp.models import JointWorkProgramme, Lesson, Membership, Output, Phase


class PhaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Phase
        fields = ["number", "title", "start", "end", "focus", "updated_at"]


class MemberSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = Membership
        fields = ["organisation", "name", "is_lead", "updated_at"]


class JWPListSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="jwp-detail", lookup_field="slug")
    themes = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = JointWorkProgramme
        fields = [
            "url",
            "slug",
            "iati_identifier",
            "title",
            "activity_status",
            "start",
            "end",
            "themes",
            "status",
            "published_at",
            "updated_at",
        ]


class JWPDetailSerializer(JWPListSerializer):
    phases = PhaseSerializer(many=True, read_only=True)
    members = MemberSerializer(many=True, read_only=True, source="memberships")

    class Meta(JWPListSerializer.Meta):
        fields = [*JWPListSerializer.Meta.fields, "summary", "description", "members", "phases"]


class OutputSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="output-detail", lookup_field="slug")
    themes = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    jwp = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    phase = serializers.IntegerField(source="phase.number", read_only=True, allow_null=True)
    programme = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    file = serializers.SerializerMethodField()

    class Meta:
        model = Output
        fields = [
            "url",
            "slug",
            "title",
            "kind",
            "date",
            "language",
            "summary",
            "file",
            "link",
            "themes",
            "jwp",
            "phase",
            "programme",
            "status",
            "published_at",
            "updated_at",
        ]
        extra_kwargs = {"link": {"source": "url"}}

    def get_file(self, output) -> str | None:
        """Where to download the file, if the output has one."""
        if not output.file:
            return None
        return self.context["request"].build_absolute_uri(
            reverse("output-download", kwargs={"slug": output.slug})
        )


class LessonSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="lesson-detail", lookup_field="slug")
    programme = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    jwp = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Lesson
        fields = [
            "url",
            "slug",
            "title",
            "summary",
            "programme",
            "jwp",
            "status",
            "published_at",
            "updated_at",
        ]
