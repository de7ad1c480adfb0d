from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from programmes.admin import CLASSIFICATION_FIELDSETS
from publishing.admin import (
    OwnedRowAdmin,
    PublishableAdmin,
    iati_check_detail,
    iati_check_display,
)

from . import links, services
from .models import (
    LINK_CHECK_FIELDS,
    Lesson,
    LinkStatus,
    Membership,
    Output,
    Phase,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    autocomplete_fields = ["organisation"]
    extra = 0


class PhaseInline(admin.StackedInline):
    model = Phase
    fields = [("number", "title"), ("start", "end"), "focus"]
    extra = 0


class OutputInline(admin.TabularInline):
    """Read-only summary of the JWP's outputs; outputs are edited on their own page."""

    model = Output
    fk_name = "jwp"
    fields = ["title", "kind", "date", "phase", "status"]
    readonly_fields = fields
    show_change_link = True
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("phase")


# Registered by finances/admin.py, with the money inlines (jwp/ cannot name finances/).
class JointWorkProgrammeAdmin(PublishableAdmin):
    list_display = [
        "title",
        "activity_status",
        "status_badge",
        "lead",
        "phase_count",
        "start",
        "end",
        "iati_check",
        "updated_at",
    ]
    list_filter = ["status", "activity_status", "themes"]
    search_fields = ["title", "summary", "iati_identifier"]
    date_hierarchy = "updated_at"
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["themes"]
    inlines = [MembershipInline, PhaseInline, OutputInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "iati_identifier"]}),
        (_("Text"), {"fields": ["summary", "description"]}),
        (_("Status and dates"), {"fields": ["activity_status", ("start", "end")]}),
        (_("Themes"), {"fields": ["themes"]}),
        *CLASSIFICATION_FIELDSETS,
        (_("Internal"), {"fields": ["notes"], "classes": ["collapse"]}),
        (_("IATI export"), {"fields": ["iati_check_form"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("phases", "memberships__organisation", "themes", "sectors")
        )

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "iati_check", "iati_check_form")

    @admin.display(description=_("IATI"))
    def iati_check(self, obj):
        return iati_check_display(obj)

    @admin.display(description=_("IATI"))
    def iati_check_form(self, obj):
        return iati_check_detail(obj)

    @admin.display(description=_("lead"))
    def lead(self, obj):
        return next((m.organisation for m in obj.memberships.all() if m.is_lead), "—")

    @admin.display(description=_("phases"))
    def phase_count(self, obj):
        return len(obj.phases.all())


@admin.register(Phase)
class PhaseAdmin(OwnedRowAdmin):
    owner_field = "jwp"
    list_display = ["__str__", "jwp", "number", "start", "end", "updated_at"]
    list_filter = ["jwp"]
    list_select_related = ["jwp"]
    search_fields = ["title", "focus", "jwp__title"]
    date_hierarchy = "updated_at"
    autocomplete_fields = ["jwp"]


@admin.register(Membership)
class MembershipAdmin(OwnedRowAdmin):
    owner_field = "jwp"
    list_display = ["organisation", "jwp", "is_lead", "updated_at"]
    list_filter = ["is_lead", "jwp"]
    list_select_related = ["organisation", "jwp"]
    search_fields = ["organisation__name", "organisation__acronym", "jwp__title"]
    date_hierarchy = "updated_at"
    autocomplete_fields = ["organisation", "jwp"]


# Registered by jobs/admin.py, with the bulk import (jwp/ does not depend on jobs/).
class OutputAdmin(PublishableAdmin):
    list_display = [
        "title",
        "kind",
        "date",
        "owner",
        "language",
        "status_badge",
        "link_badge",
        "updated_at",
    ]
    list_filter = ["status", "link_status", "kind", "language", "themes", "jwp"]
    list_select_related = ["jwp", "programme", "phase"]
    search_fields = ["title", "summary", "jwp__title", "programme__title"]
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["jwp", "phase", "programme"]
    filter_horizontal = ["themes"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "date", "language"]}),
        (_("Text"), {"fields": ["summary"]}),
        (_("File or link"), {"fields": ["file", "url"]}),
        (_("Link check"), {"fields": [("link_status", "link_checked_at"), "link_error"]}),
        (_("Owner"), {"fields": ["jwp", "phase", "programme"]}),
        (_("Themes"), {"fields": ["themes"]}),
    ]
    actions = [*PublishableAdmin.actions, "check_links"]

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *LINK_CHECK_FIELDS)

    def save_model(self, request, obj, form, change):
        if change and {"url", "file"} & set(form.changed_data):
            services.output_link_forget(obj)
        super().save_model(request, obj, form, change)

    @admin.display(description=_("owner"))
    def owner(self, obj):
        if obj.phase_id:
            return f"{obj.jwp} — {_('phase')} {obj.phase.number}"
        return obj.jwp or obj.programme

    @admin.display(description=_("link"), ordering="link_status")
    def link_badge(self, obj):
        if obj.link_status == LinkStatus.BROKEN:
            return format_html(
                '<strong class="ca-bad">✗ {}</strong>: {}',
                obj.get_link_status_display(),
                obj.link_error,
            )
        if obj.link_status == LinkStatus.OK:
            return format_html('<span class="ca-ok">✓ {}</span>', _("working"))
        return "—"

    @admin.action(description=_("Check links now"), permissions=["change"])
    def check_links(self, request, queryset):
        """Checks the selection now, in the request: fine for a page of outputs; the weekly
        task checks them all."""
        statuses = [
            links.output_check_link(output_id=output_id)
            for output_id in queryset.values_list("pk", flat=True)
        ]
        ok, broken = statuses.count(LinkStatus.OK), statuses.count(LinkStatus.BROKEN)
        message = ngettext(
            "%(checked)d output checked: %(ok)d working, %(broken)d broken.",
            "%(checked)d outputs checked: %(ok)d working, %(broken)d broken.",
            ok + broken,
        ) % {"checked": ok + broken, "ok": ok, "broken": broken}
        nothing = statuses.count(LinkStatus.UNCHECKED)
        if nothing:
            nothing_message = ngettext(
                "%d output has neither a file nor a link.",
                "%d outputs have neither a file nor a link.",
                nothing,
            )
            message = f"{message} {nothing_message % nothing}"
        self.message_user(request, message, messages.WARNING if broken else messages.SUCCESS)


@admin.register(Lesson)
class LessonAdmin(PublishableAdmin):
    list_display = ["title", "programme", "jwp", "status_badge", "updated_at"]
    list_filter = ["status", "jwp"]
    list_select_related = ["programme", "jwp"]
    search_fields = ["title", "summary", "programme__title", "jwp__title"]
    date_hierarchy = "updated_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["programme", "jwp"]
    fieldsets = [(None, {"fields": ["title", "slug", "summary", "programme", "jwp"]})]
