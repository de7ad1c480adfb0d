"""Admin pieces shared by every publishable model: workflow actions, protected workflow fields,
full change history with revert (django-simple-history), and the branded admin site."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import WORKFLOW_FIELDS, Document, PublicationStatus

admin.site.site_header = _("Cities Alliance Portfolio — staff")
admin.site.site_title = _("Cities Alliance Portfolio")
admin.site.index_title = _("Portfolio administration")


STATUS_COLOURS = {
    PublicationStatus.DRAFT: "#6b6b6b",
    PublicationStatus.IN_REVIEW: "#a15c00",
    PublicationStatus.PUBLISHED: "#1b6e35",
}


def iati_check_display(obj):
    """The IATI export's verdict on an item (its model's ``iati_problems()``)."""
    if obj is None or obj.pk is None:
        return "—"
    problems = obj.iati_problems()
    if not problems:
        return format_html('<span style="color:#1b6e35">✓ {}</span>', _("exportable"))
    return format_html(
        '<span style="color:#a15c00" title="{}">⚠ {}</span>',
        _("Left out of the IATI export until this is fixed."),
        "; ".join(str(problem) for problem in problems),
    )


class HistoryAdmin(SimpleHistoryAdmin):
    """Every model admin: change history with who, when and what changed, and revert."""

    history_list_display = ["changed_fields"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description=_("fields changed"))
    def changed_fields(self, historical_record):
        previous = historical_record.prev_record
        if previous is None:
            return _("created")
        delta = historical_record.diff_against(previous)
        return ", ".join(change.field for change in delta.changes) or "—"


class PublishableAdmin(HistoryAdmin):
    """Workflow state is read-only in forms: only the actions (and so the services) change it.

    That includes a revert from the history page, which saves an old version through the
    change form: it restores the content, never the old publication state.
    """

    actions = ["submit_for_review", "publish", "unpublish", "send_back"]
    workflow_fieldset = (
        _("Publication"),
        {"fields": WORKFLOW_FIELDS, "classes": ("collapse",)},
    )

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *WORKFLOW_FIELDS)

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if self.fieldsets is None:
            # Django's default single fieldset already lists the read-only workflow fields.
            return fieldsets
        return [*fieldsets, self.workflow_fieldset]

    def save_model(self, request, obj, form, change):
        if change:
            columns = [obj._meta.get_field(name).attname for name in WORKFLOW_FIELDS]
            current = type(obj).objects.filter(pk=obj.pk).values(*columns).first() or {}
            for column, value in current.items():
                setattr(obj, column, value)
        else:
            obj.status = PublicationStatus.DRAFT
            obj.published_at = None
        super().save_model(request, obj, form, change)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm(self.model.publish_permission()):
            for name in ("publish", "unpublish", "send_back"):
                actions.pop(name, None)
        return actions

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        return format_html(
            '<span style="color:{};font-weight:600">{}</span>',
            STATUS_COLOURS[obj.status],
            obj.get_status_display(),
        )

    def _transition(self, request, queryset, service, done_message):
        done = 0
        for obj in queryset:
            try:
                service(obj=obj, user=request.user)
            except PermissionDenied as error:
                self.message_user(request, f"{obj}: {error}", messages.ERROR)
                return
            except ValidationError as error:
                self.message_user(request, f"{obj}: {' '.join(error.messages)}", messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=_("Submit selected items for review"))
    def submit_for_review(self, request, queryset):
        self._transition(
            request,
            queryset,
            services.publication_submit,
            lambda n: (
                ngettext("%d item submitted for review.", "%d items submitted for review.", n) % n
            ),
        )

    @admin.action(description=_("Publish selected items"))
    def publish(self, request, queryset):
        self._transition(
            request,
            queryset,
            services.publication_publish,
            lambda n: ngettext("%d item published.", "%d items published.", n) % n,
        )

    @admin.action(description=_("Unpublish selected items"))
    def unpublish(self, request, queryset):
        self._transition(
            request,
            queryset,
            services.publication_unpublish,
            lambda n: ngettext("%d item unpublished.", "%d items unpublished.", n) % n,
        )

    @admin.action(description=_("Send selected items back to draft"))
    def send_back(self, request, queryset):
        self._transition(
            request,
            queryset,
            services.publication_send_back,
            lambda n: (
                ngettext("%d item sent back to draft.", "%d items sent back to draft.", n) % n
            ),
        )


@admin.register(Document)
class DocumentAdmin(PublishableAdmin):
    list_display = ["title", "language", "status_badge", "published_at", "updated_at"]
    list_filter = ["status", "language"]
    search_fields = ["title", "summary"]
    date_hierarchy = "updated_at"
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [(None, {"fields": ["title", "slug", "summary", "file", "language"]})]
