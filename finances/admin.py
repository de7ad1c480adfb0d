"""The money rows in the forms of their activity: budgets, planned disbursements and
transactions as inlines of the programme and the JWP. They change with their activity, so a
change to a published one becomes part of its revision (publishing.admin.PublishableAdmin).

The activity admins are declared here as subclasses (of classifications' ones, which add the
sectors, policy markers and contacts) with these inlines: programmes/ and jwp/ cannot name this
app (the arrows point down). jwp's is registered here; the programme's by
jobs/admin.py, which adds the bulk import and the export actions.
"""

from django.contrib import admin

from classifications import admin as classifications_admin
from jwp.models import JointWorkProgramme

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


MONEY_INLINES = [BudgetInline, PlannedDisbursementInline, TransactionInline]


class ProgrammeAdmin(classifications_admin.ProgrammeAdmin):
    inlines = [*classifications_admin.ProgrammeAdmin.inlines, *MONEY_INLINES]


@admin.register(JointWorkProgramme)
class JointWorkProgrammeAdmin(classifications_admin.JointWorkProgrammeAdmin):
    inlines = [*classifications_admin.JointWorkProgrammeAdmin.inlines, *MONEY_INLINES]
