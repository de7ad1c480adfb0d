from django.urls import reverse
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from jwp.models import JointWorkProgramme, Lesson, Membership, Output, OutputKind, Phase
from programmes.models import Programme
from publishing.api.workflow import WriteSerializer
from publishing.models import Language
from windows.models import Theme


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
    jwp = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    phase = serializers.IntegerField(source="phase.number", read_only=True, allow_null=True)
    programme = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
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


class PhaseNumberField(serializers.IntegerField):
    """A phase by its number; the serializer finds it in the output's JWP."""

    def to_representation(self, value):
        return super().to_representation(getattr(value, "number", value))


# Documented as the request side of "Output": OutputRequest, PatchedOutputRequest.
@extend_schema_serializer(component_name="Output")
class OutputWriteSerializer(WriteSerializer):
    """The body of POST, PUT and PATCH on outputs; related items by slug, the phase by its
    number in the JWP. On PUT a field left out takes its default; on PATCH it stays as it is.
    Files are not uploaded through the API: attach them in the staff admin."""

    refused_fields = {
        "url": (
            "Read-only: the output's address in this API. The output's own web link is `link`."
        ),
        "file": "Files are not uploaded through the API: attach them in the staff admin.",
    }

    title = serializers.CharField(max_length=255)
    slug = serializers.SlugField(max_length=255, help_text="Unique; the item's address.")
    kind = serializers.ChoiceField(choices=OutputKind.choices)
    date = serializers.DateField(allow_null=True, default=None)
    summary = serializers.CharField(allow_blank=True, default="")
    link = serializers.URLField(
        source="url",
        max_length=500,
        allow_blank=True,
        default="",
        help_text="Where the output is published on the web, if anywhere.",
    )
    language = serializers.ChoiceField(choices=Language.choices, default=Language.ENGLISH)
    themes = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Theme.objects.all(),
        many=True,
        default=list,
        help_text="Theme slugs.",
    )
    jwp = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=JointWorkProgramme.objects.all(),
        allow_null=True,
        default=None,
        help_text=(
            "Slug of the owning Joint Work Programme. An output needs a JWP or a programme."
        ),
    )
    phase = PhaseNumberField(
        min_value=1,
        allow_null=True,
        default=None,
        help_text="Number of the phase of the JWP (needs `jwp`).",
    )
    programme = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Programme.objects.all(),
        allow_null=True,
        default=None,
        help_text="Slug of the owning programme.",
    )

    def validate(self, attrs):
        number = attrs.get("phase")
        if number is not None:
            jwp = attrs["jwp"] if "jwp" in attrs else getattr(self.instance, "jwp", None)
            if jwp is None:
                raise serializers.ValidationError({"phase": ["A phase needs a `jwp`."]})
            phase = Phase.objects.filter(jwp=jwp, number=number).first()
            if phase is None:
                raise serializers.ValidationError(
                    {"phase": [f"The JWP {jwp.slug} has no phase {number}."]}
                )
            attrs["phase"] = phase
        return attrs
