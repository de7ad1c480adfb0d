"""Staff see export jobs (their own; publishers and superusers everyone's) and start exports
from the programme list. The export actions are attached to the programme admin from here, so
that programmes/ does not depend on jobs/ (the arrows of DESIGN.md point one way)."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from programmes.admin import ProgrammeAdmin

from . import services
from .models import ExportFormat, ExportJob, JobState, PublicFile

STATE_COLOURS = {
    JobState.QUEUED: "#6b6b6b",
    JobState.RUNNING: "#1f5fa6",
    JobState.DONE: "#1b6e35",
    JobState.FAILED: "#a11d1d",
}


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = [
        "short_id",
        "format",
        "state_badge",
        "progress",
        "rows",
        "requested_by",
        "include_unpublished",
        "created_at",
        "finished_at",
        "download",
    ]
    list_filter = ["state", "format", "include_unpublished"]
    list_select_related = ["requested_by"]
    date_hierarchy = "created_at"
    search_fields = ["requested_by__username", "error"]
    readonly_fields = [
        "id",
        "format",
        "filters",
        "include_unpublished",
        "state",
        "progress",
        "rows",
        "error",
        "requested_by",
        "created_at",
        "started_at",
        "finished_at",
        "expires_at",
        "download",
    ]
    fields = readonly_fields

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser or request.user.has_perm("jobs.delete_exportjob"):
            return queryset
        return queryset.filter(requested_by=request.user)

    def has_add_permission(self, request):
        return False  # started from the programme list (or the API)

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("job"))
    def short_id(self, job):
        return str(job.pk)[:8]

    @admin.display(description=_("state"), ordering="state")
    def state_badge(self, job):
        return format_html(
            '<strong style="color:{}" title="{}">{}</strong>',
            STATE_COLOURS.get(job.state, "#000"),
            job.error,
            job.get_state_display(),
        )

    @admin.display(description=_("file"))
    def download(self, job):
        if job.state != JobState.DONE:
            return "—"
        if not job.file:
            return _("removed (retention)")
        url = reverse("admin:jobs_exportjob_download", args=[job.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download"))

    def get_urls(self):
        from django.urls import path

        return [
            path(
                "<uuid:pk>/download/",
                self.admin_site.admin_view(self.download_view),
                name="jobs_exportjob_download",
            ),
            *super().get_urls(),
        ]

    def download_view(self, request, pk):
        from django.http import FileResponse, Http404

        job = self.get_queryset(request).filter(pk=pk).first()
        if job is None or not self.has_view_permission(request, job):
            raise Http404
        if job.state != JobState.DONE or not job.file:
            raise Http404(_("This export has no file."))
        return FileResponse(
            job.file.open("rb"),
            as_attachment=True,
            filename=job.file.name.rsplit("/", 1)[-1],
            content_type=services.CONTENT_TYPES[job.format],
        )


@admin.register(PublicFile)
class PublicFileAdmin(admin.ModelAdmin):
    list_display = ["kind", "rows", "size", "generated_at", "link"]
    readonly_fields = ["kind", "file", "rows", "size", "generated_at", "link"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("public address"))
    def link(self, public):
        url = public.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url)


def _export_action(format: ExportFormat):
    def action(modeladmin, request, queryset):
        slugs = list(queryset.order_by().values_list("slug", flat=True))
        job = services.export_job_create(
            user=request.user,
            format=format,
            filters={"slug": ",".join(slugs)},
            include_unpublished=request.user.has_perm("programmes.view_programme"),
        )
        url = reverse("admin:jobs_exportjob_change", args=[job.pk])
        modeladmin.message_user(
            request,
            format_html(
                _("Export of {} programmes to {} queued: see <a href='{}'>export jobs</a>."),
                len(slugs),
                format.label,
                url,
            ),
            messages.SUCCESS,
        )

    action.__name__ = f"export_{format.value}"
    return admin.action(
        description=_("Export selected programmes as %(format)s (background job)")
        % {"format": format.label},
        permissions=["export"],
    )(action)


def _has_export_permission(self, request):
    return request.user.has_perm("jobs.add_exportjob")


ProgrammeAdmin.has_export_permission = _has_export_permission
ProgrammeAdmin.actions = [
    *ProgrammeAdmin.actions,
    *(_export_action(format) for format in ExportFormat),
]
