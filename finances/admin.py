"""The money rows in the forms of their activity: budgets, planned disbursements and
transactions as inlines of the programme and the JWP. They change with their activity, so a
change to a published one becomes part of its revision (publishing.admin.PublishableAdmin).

The activity admins are declared here as subclasses (of classifications' ones, which add the
sectors, policy markers and contacts) with these inlines: programmes/ and jwp/ cannot name this
app (the arrows point down). jwp's is registered here; the programme's by jobs/admin.py, which
adds the bulk import and the export actions. The list of every transaction is declared here
too, and registered by jobs/admin.py with its bulk import.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from classifications import admin as classifications_admin
from jwp.models import JointWorkProgramme
from publishing.admin import OwnedRowAdmin

from .models import Budget, PlannedDisbursement, Transaction


class BudgetInline(admin.TabularInline):
    model = Budget
    fields = ["period_start", "period_end", "type", "status", "value", "currency", "value_date"]
    extra = 0


class PlannedDisbursementInline(admin.TabularInline):
    model = PlannedDisbursement
    fields = [
        "period_start",
        "period_end",
        "type",
        "value",
        "currency",
        "value_date",
        "provider_organisation",
        "receiver_organisation",
    ]
    autocomplete_fields = ["provider_organisation", "receiver_organisation"]
    extra = 0


class TransactionInline(admin.StackedInline):
    model = Transaction
    fields = [
        ("type", "date", "reference"),
        ("value", "currency", "value_date"),
        ("provider_organisation", "provider_name", "provider_ref"),
        ("receiver_organisation", "receiver_name", "receiver_ref"),
        "description",
        ("sector_vocabulary", "sector_code", "recipient_country"),
        ("finance_type", "flow_type", "aid_type", "tied_status", "humanitarian"),
    ]
    autocomplete_fields = ["provider_organisation", "receiver_organisation", "recipient_country"]
    extra = 0
    classes = ["collapse"]


class TransactionAdmin(OwnedRowAdmin):
    """Every transaction of every programme and JWP, to find, check and import them. A row of a
    published activity is changed here only by whoever may publish it; others change it in
    the activity's form, as a revision (``OwnedRowAdmin``)."""

    list_display = [
        "date",
        "type",
        "activity_title",
        "value",
        "currency",
        "provider_to_receiver",
        "reference",
        "updated_at",
    ]
    list_filter = ["type", "currency", "humanitarian"]
    list_select_related = [
        "programme",
        "jwp",
        "provider_organisation",
        "receiver_organisation",
    ]
    search_fields = [
        "reference",
        "description",
        "programme__title",
        "programme__iati_identifier",
        "jwp__title",
        "jwp__iati_identifier",
        "provider_name",
        "receiver_name",
        "provider_organisation__name",
        "receiver_organisation__name",
    ]
    date_hierarchy = "date"
    fields = [("programme", "jwp"), *TransactionInline.fields]
    autocomplete_fields = ["programme", "jwp", *TransactionInline.autocomplete_fields]

    def content_owner(self, obj):
        return obj.activity

    def form_owner(self, cleaned_data):
        return cleaned_data.get("programme") or cleaned_data.get("jwp")

    @admin.display(description=_("activity"))
    def activity_title(self, obj):
        return obj.activity

    @admin.display(description=_("from → to"))
    def provider_to_receiver(self, obj):
        provider, receiver = obj.party_names
        return f"{provider or '—'} → {receiver or '—'}"


MONEY_INLINES = [BudgetInline, PlannedDisbursementInline, TransactionInline]


class ProgrammeAdmin(classifications_admin.ProgrammeAdmin):
    inlines = [*classifications_admin.ProgrammeAdmin.inlines, *MONEY_INLINES]


@admin.register(JointWorkProgramme)
class JointWorkProgrammeAdmin(classifications_admin.JointWorkProgrammeAdmin):
    inlines = [*classifications_admin.JointWorkProgrammeAdmin.inlines, *MONEY_INLINES]
