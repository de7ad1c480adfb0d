from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from publishing.admin import (
    HistoryAdmin,
    OwnedRowAdmin,
    PublishableAdmin,
    ReferenceAdmin,
    SharesFormSet,
    SharesInline,
    iati_check_detail,
    iati_check_display,
)

from .models import (
    Activity,
    City,
    Country,
    Dimension,
    Organisation,
    Programme,
    ProgrammeCountry,
    ProgrammePartner,
)

# The IATI classifications of an activity, in the form of a programme and of a JWP.
CLASSIFICATION_FIELDSETS = [
    (
        _("More descriptions"),
        {"fields": ["objectives", "target_groups", "other_description"], "classes": ["collapse"]},
    ),
    (
        _("IATI classifications"),
        {
            "fields": [
                ("activity_scope", "collaboration_type", "humanitarian"),
                ("default_flow_type", "default_finance_type"),
                ("default_aid_type", "default_tied_status"),
            ],
            "classes": ["collapse"],
            "description": _(
                "The defaults of the activity's transactions: a transaction without its own "
                "flow, finance, aid or tied type has these."
            ),
        },
    ),
]


@admin.register(Country)
class CountryAdmin(ReferenceAdmin):
    list_display = ["name", "iso2", "iso3", "region", "city_count", "updated_at"]
    list_filter = ["region"]
    search_fields = ["name", "iso2", "iso3"]
    date_hierarchy = "updated_at"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_city_count=Count("cities"))

    @admin.display(description=_("cities"), ordering="_city_count")
    def city_count(self, obj):
        return obj._city_count


@admin.register(City)
class CityAdmin(ReferenceAdmin):
    list_display = ["name", "country", "is_secondary", "latitude", "longitude", "updated_at"]
    list_filter = ["is_secondary", "country__region", "country"]
    list_select_related = ["country"]
    search_fields = ["name", "country__name", "country__iso2"]
    date_hierarchy = "updated_at"
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["country"]


@admin.register(Organisation)
class OrganisationAdmin(ReferenceAdmin):
    list_display = ["name", "acronym", "org_type", "is_member", "country", "iati_ref", "updated_at"]
    list_filter = ["is_member", "org_type"]
    list_select_related = ["country"]
    search_fields = ["name", "acronym", "iati_ref"]
    date_hierarchy = "updated_at"
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["country"]


@admin.register(Dimension)
class DimensionAdmin(HistoryAdmin):
    list_display = ["name", "slug", "updated_at"]
    search_fields = ["name"]
    date_hierarchy = "updated_at"
    prepopulated_fields = {"slug": ["name"]}


class ProgrammePartnerInline(admin.TabularInline):
    model = ProgrammePartner
    autocomplete_fields = ["organisation"]
    extra = 0


class RecipientCountryFormSet(SharesFormSet):
    @staticmethod
    def share_label(group) -> str:
        return str(_("Recipient countries"))


class RecipientCountryInline(SharesInline):
    model = ProgrammeCountry
    formset = RecipientCountryFormSet
    fields = ["country", "percentage"]
    autocomplete_fields = ["country"]


class ActivityInline(admin.StackedInline):
    model = Activity
    fields = [("title", "level", "order"), "description"]
    extra = 0


class IatiFilter(admin.SimpleListFilter):
    """Published programmes the IATI file leaves out, or takes (the review desk links here)."""

    title = _("IATI export")
    parameter_name = "iati"

    def lookups(self, request, model_admin):
        return [("problems", _("left out: something missing")), ("ok", _("exported"))]

    def queryset(self, request, queryset):
        incomplete = Programme.iati_incomplete().values("pk")
        if self.value() == "problems":
            return queryset.filter(pk__in=incomplete)
        if self.value() == "ok":
            return queryset.filter(pk__in=Programme.objects.published().values("pk")).exclude(
                pk__in=incomplete
            )
        return queryset


# Registered by jobs/admin.py, as that app's ProgrammeAdmin: this class plus the bulk import and
# the export actions, which programmes/ cannot name (its arrows do not point to jobs/).
class ProgrammeAdmin(PublishableAdmin):
    list_display = [
        "title",
        "instrument",
        "activity_status",
        "status_badge",
        "country_list",
        "budget_display",
        "start_date",
        "iati_check",
        "updated_at",
    ]
    list_filter = [
        "status",
        IatiFilter,
        "activity_status",
        "instrument__window",
        "instrument",
        "themes",
        "countries__region",
    ]
    list_select_related = ["instrument"]
    search_fields = ["title", "summary", "iati_identifier", "countries__name", "cities__name"]
    date_hierarchy = "updated_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["cities", "parent", "dimensions"]
    filter_horizontal = ["themes"]
    inlines = [RecipientCountryInline, ProgrammePartnerInline, ActivityInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "instrument", "iati_identifier", "parent"]}),
        (_("Text"), {"fields": ["summary", "description"]}),
        (
            _("Status, dates and budget"),
            {
                "fields": [
                    "activity_status",
                    ("planned_start", "planned_end"),
                    ("actual_start", "actual_end"),
                    ("budget", "currency"),
                ]
            },
        ),
        (
            _("Themes and places"),
            {
                "fields": ["themes", "cities", "dimensions"],
                "description": _("Recipient countries, with their shares, are below the form."),
            },
        ),
        *CLASSIFICATION_FIELDSETS,
        (_("Internal"), {"fields": ["notes"], "classes": ["collapse"]}),
        (_("IATI export"), {"fields": ["iati_check_form"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("countries", "recipient_countries", "partners", "themes", "sectors")
        )

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "iati_check", "iati_check_form")

    @admin.display(description=_("IATI"))
    def iati_check(self, obj):
        return iati_check_display(obj)

    @admin.display(description=_("IATI"))
    def iati_check_form(self, obj):
        return iati_check_detail(obj)

    @admin.display(description=_("countries"))
    def country_list(self, obj):
        return ", ".join(country.name for country in obj.countries.all()) or "—"

    @admin.display(description=_("budget"), ordering="budget")
    def budget_display(self, obj):
        if obj.budget is None:
            return "—"
        return f"{obj.currency} {obj.budget:,.0f}"

    @admin.display(description=_("start"), ordering="actual_start")
    def start_date(self, obj):
        return obj.start_date


@admin.register(ProgrammePartner)
class ProgrammePartnerAdmin(OwnedRowAdmin):
    owner_field = "programme"
    list_display = ["organisation", "programme", "role", "updated_at"]
    list_filter = ["role", "organisation__org_type"]
    list_select_related = ["organisation", "programme"]
    search_fields = ["organisation__name", "organisation__acronym", "programme__title"]
    date_hierarchy = "updated_at"
    autocomplete_fields = ["organisation", "programme"]


@admin.register(Activity)
class ActivityAdmin(OwnedRowAdmin):
    owner_field = "programme"
    list_display = ["title", "programme", "level", "order", "updated_at"]
    list_filter = ["level", "programme__instrument"]
    list_select_related = ["programme"]
    search_fields = ["title", "description", "programme__title"]
    date_hierarchy = "updated_at"
    autocomplete_fields = ["programme"]
