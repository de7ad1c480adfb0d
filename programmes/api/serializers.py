from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers
from rest_framework.reverse import reverse

from programmes.iati_codes import (
    ActivityScope,
    ActivityStatus,
    AidType,
    CollaborationType,
    Currency,
    FinanceType,
    FlowType,
    TiedStatus,
)
from programmes.models import (
    Activity,
    ActivityClassifications,
    City,
    Country,
    Organisation,
    Programme,
    ProgrammeCountry,
    ProgrammePartner,
)
from publishing.api.workflow import WriteSerializer
from publishing.shares import share_errors
from windows.models import Instrument, Theme


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
    country = serializers.SlugRelatedField(slug_field="iso2", read_only=True, allow_null=True)

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


def _date(value):
    return value.isoformat() if value else None


def _moment(value):
    """As DRF's DateTimeField writes it (UTC, with Z)."""
    if value is None:
        return None
    value = serializers.DateTimeField().enforce_timezone(value).isoformat()
    return value[:-6] + "Z" if value.endswith("+00:00") else value


class ProgrammeRows(serializers.ListSerializer):
    """A page of the programme list, as ``ProgrammeListSerializer`` writes each programme but
    without building every field's representation per row: the same keys, values and types
    (a test compares them with the field-by-field output)."""

    def to_representation(self, data):
        items = data.all() if hasattr(data, "all") else data
        if type(self.child) is not ProgrammeListSerializer:
            return super().to_representation(data)
        placeholder = type("Placeholder", (), {"slug": "__slug__", "pk": 0})()
        url = self.child.fields["url"].to_representation(placeholder)
        budget_field = self.child.fields["budget"]
        rows = []
        for p in items:
            instrument = p.instrument
            rows.append(
                {
                    "url": url.replace("__slug__", p.slug),
                    "slug": p.slug,
                    "iati_identifier": p.iati_identifier,
                    "title": p.title,
                    "window": instrument.window.code,
                    "instrument": instrument.slug,
                    "activity_status": p.activity_status,
                    "start": _date(p.start_date),
                    "end": _date(p.end_date),
                    "budget": None
                    if p.budget is None
                    else budget_field.to_representation(p.budget),
                    "currency": p.currency,
                    "themes": [theme.slug for theme in p.themes.all()],
                    "countries": [country.iso2 for country in p.countries.all()],
                    "status": p.status,
                    "published_at": _moment(p.published_at),
                    "updated_at": _moment(p.updated_at),
                }
            )
        return rows


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
        list_serializer_class = ProgrammeRows


class RecipientCountrySerializer(serializers.ModelSerializer):
    """A recipient country and its share of the programme (null: not known; a single country
    needs none)."""

    country = serializers.SlugRelatedField(slug_field="iso2", read_only=True)

    class Meta:
        model = ProgrammeCountry
        fields = ["country", "percentage"]


class ProgrammeDetailSerializer(ProgrammeListSerializer):
    recipient_countries = RecipientCountrySerializer(many=True, read_only=True)
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
            *ActivityClassifications.FIELDS,
            "recipient_countries",
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
        if parent is None or not (parent.is_published or self.context.get("may_preview")):
            return None
        return reverse(
            "programme-detail", kwargs={"slug": parent.slug}, request=self.context["request"]
        )


class CountryCodeField(serializers.SlugRelatedField):
    """A country by its ISO 3166-1 alpha-2 code, in either case."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="iso2", queryset=Country.objects.all(), **kwargs)

    def to_internal_value(self, data):
        return super().to_internal_value(data.upper() if isinstance(data, str) else data)


class RecipientCountryWriteSerializer(serializers.Serializer):
    country = CountryCodeField(help_text="ISO 3166-1 alpha-2 code.")
    percentage = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        allow_null=True,
        default=None,
        help_text="Its share of the programme; null while not known.",
    )


class ClassificationWriteFields(serializers.Serializer):
    """programmes.models.ActivityClassifications, writable."""

    objectives = serializers.CharField(allow_blank=True, default="")
    target_groups = serializers.CharField(allow_blank=True, default="")
    other_description = serializers.CharField(allow_blank=True, default="")
    activity_scope = serializers.ChoiceField(
        choices=ActivityScope.choices, allow_blank=True, default="", help_text="ActivityScope."
    )
    collaboration_type = serializers.ChoiceField(
        choices=CollaborationType.choices, allow_blank=True, default=""
    )
    default_flow_type = serializers.ChoiceField(
        choices=FlowType.choices, allow_blank=True, default=""
    )
    default_finance_type = serializers.ChoiceField(
        choices=FinanceType.choices, allow_blank=True, default=""
    )
    default_aid_type = serializers.ChoiceField(
        choices=AidType.choices, allow_blank=True, default=""
    )
    default_tied_status = serializers.ChoiceField(
        choices=TiedStatus.choices, allow_blank=True, default=""
    )
    humanitarian = serializers.BooleanField(default=False)


# Documented as the request side of "Programme": ProgrammeRequest, PatchedProgrammeRequest.
@extend_schema_serializer(component_name="Programme")
class ProgrammeWriteSerializer(ClassificationWriteFields, WriteSerializer):
    """The body of POST, PUT and PATCH on programmes; related items by slug. On PUT a field
    left out takes its default; on PATCH it stays as it is. The countries come as
    ``countries`` (codes; the shares of those kept stay) or as ``recipient_countries`` (with
    their shares: every one or none, adding up to 100), not both."""

    instrument = serializers.SlugRelatedField(
        slug_field="slug", queryset=Instrument.objects.all(), help_text="Instrument slug."
    )
    iati_identifier = serializers.CharField(
        max_length=150,
        help_text="Globally unique: the reporting organisation's reference, a hyphen, a code.",
    )
    title = serializers.CharField(max_length=255)
    slug = serializers.SlugField(max_length=255, help_text="Unique; the item's address.")
    summary = serializers.CharField(max_length=500, help_text="One or two sentences.")
    description = serializers.CharField(allow_blank=True, default="")
    activity_status = serializers.ChoiceField(
        choices=ActivityStatus.choices,
        default=ActivityStatus.IMPLEMENTATION,
        help_text="IATI ActivityStatus code.",
    )
    planned_start = serializers.DateField(allow_null=True, default=None)
    planned_end = serializers.DateField(allow_null=True, default=None)
    actual_start = serializers.DateField(allow_null=True, default=None)
    actual_end = serializers.DateField(allow_null=True, default=None)
    budget = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, allow_null=True, default=None
    )
    currency = serializers.ChoiceField(
        choices=Currency.choices,
        allow_blank=True,
        default="",
        help_text="ISO 4217; required with a budget.",
    )
    themes = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Theme.objects.all(),
        many=True,
        default=list,
        help_text="Theme slugs.",
    )
    countries = CountryCodeField(many=True, default=list, help_text="ISO 3166-1 alpha-2 codes.")
    recipient_countries = RecipientCountryWriteSerializer(many=True, required=False)
    cities = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=City.objects.all(),
        many=True,
        default=list,
        help_text="City slugs.",
    )
    parent = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Programme.objects.all(),
        allow_null=True,
        default=None,
        help_text="Slug of the parent programme.",
    )
    notes = serializers.CharField(
        allow_blank=True,
        default="",
        help_text="Internal editorial notes: never published, not shown by the API.",
    )

    def validate_recipient_countries(self, rows):
        # A PATCH makes nested fields optional too: each row still needs its country.
        if any("country" not in row for row in rows):
            raise serializers.ValidationError("Each recipient country needs its country code.")
        rows = [{"country": row["country"], "percentage": row.get("percentage")} for row in rows]
        codes = [row["country"].iso2 for row in rows]
        if len(set(codes)) < len(codes):
            raise serializers.ValidationError("A country is listed twice.")
        errors = share_errors(
            [("countries", row["percentage"]) for row in rows],
            label=lambda _group: "Recipient countries",
        )
        if errors:
            raise serializers.ValidationError(errors)
        return rows

    def validate(self, data):
        if "recipient_countries" in data and "countries" in self.initial_data:
            raise serializers.ValidationError(
                {"countries": ["Give countries or recipient_countries, not both."]}
            )
        if "recipient_countries" in data:
            data.pop("countries", None)  # the default of a PUT: the rows say it
        return data
