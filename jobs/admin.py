"""Staff see export jobs (their own; publishers and superusers everyone's), start exports from
the programme list and bulk-import programmes, outputs and transactions. The programme, output
and transaction admins are declared and registered here, each as one class with its actions,
because they hold the jobs (programmes/, jwp/ and finances/ do not depend on jobs/: the arrows
of DESIGN.md point one way)."""

import csv
import io
import os

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe
from import_export.admin import ImportMixin
from import_export.formats import base_formats
from import_export.forms import ImportForm
from import_export.tmp_storages import MediaStorage

from finances import admin as finance_admin
from finances.models import Transaction
from jwp import admin as jwp_admin
from jwp.models import Output
from programmes import admin as programme_admin
from programmes.models import Programme
from publishing.storage import private_storage

from . import imports, services
from .models import ExportFormat, ExportJob, ImportJob, ImportTarget, JobState, PublicFile
from .resources import OutputResource, ProgrammeResource
from .transaction_import import TransactionResource, transaction_preview

# Classes of static/css/admin.css (the Content-Security-Policy allows no inline style).
STATE_CLASSES = {
    JobState.QUEUED: "ca-muted",
    JobState.RUNNING: "ca-info",
    JobState.DONE: "ca-ok",
    JobState.FAILED: "ca-bad",
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
            '<strong class="{}" title="{}">{}</strong>',
            STATE_CLASSES.get(job.state, ""),
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
        return [
            path(
                "<uuid:pk>/download/",
                self.admin_site.admin_view(self.download_view),
                name="jobs_exportjob_download",
            ),
            *super().get_urls(),
        ]

    def download_view(self, request, pk):
        from django.http import Http404

        job = self.get_queryset(request).filter(pk=pk).first()
        if job is None or not self.has_view_permission(request, job):
            raise Http404
        if job.state != JobState.DONE or not job.file:
            raise Http404(_("This export has no file."))
        return services.export_job_file_response(job)


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


# -- bulk import (django-import-export) ------------------------------------------------------


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Imports too large for the request: who, what, when, how it ended. Read-only; the
    uploaded file itself stays in private storage."""

    list_display = [
        "short_id",
        "target",
        "original_filename",
        "state_badge",
        "rows",
        "new_count",
        "update_count",
        "error_count",
        "error_summary",
        "requested_by",
        "created_at",
        "finished_at",
    ]
    list_filter = ["state", "target", "format"]
    list_select_related = ["requested_by"]
    date_hierarchy = "created_at"
    search_fields = ["original_filename", "requested_by__username", "error"]
    readonly_fields = [
        "id",
        "target",
        "format",
        "original_filename",
        "state",
        "rows",
        "new_count",
        "update_count",
        "error_count",
        "error",
        "requested_by",
        "created_at",
        "started_at",
        "finished_at",
    ]
    fields = readonly_fields
    short_id = ExportJobAdmin.short_id
    state_badge = ExportJobAdmin.state_badge

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser or request.user.has_perm("jobs.delete_importjob"):
            return queryset
        return queryset.filter(requested_by=request.user)

    def has_add_permission(self, request):
        return False  # made by confirming a large import

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("error"))
    def error_summary(self, job):
        return Truncator(" ".join(job.error.split())).chars(120) or "—"


class PrivateUploadStorage(MediaStorage):
    """Keeps an upload between the dry run and its confirmation in private storage: no URL
    serves it, and every web process sees it (the default keeps it in one machine's /tmp)."""

    def __init__(self, **kwargs):
        super().__init__(**{"MEDIA_FOLDER": "import-uploads", **kwargs})

    def _configure_storage(self):
        self._storage = private_storage


class SpreadsheetImportForm(ImportForm):
    """The upload form, refusing anything but a CSV or XLSX file that is what it says."""

    FORMAT_OF_EXTENSION = {".csv": base_formats.CSV, ".xlsx": base_formats.XLSX}
    XLSX_SIGNATURE = b"PK\x03\x04"  # an XLSX workbook is a zip archive

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.formats = formats

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("import_file")
        if upload is None:
            return cleaned
        extension = os.path.splitext(upload.name)[1].lower()
        expected = self.FORMAT_OF_EXTENSION.get(extension)
        if expected is None:
            self.add_error(
                "import_file",
                _("Upload a CSV (.csv) or Excel (.xlsx) file; “%(name)s” is neither.")
                % {"name": upload.name},
            )
            return cleaned
        if upload.size > settings.MAX_UPLOAD_SIZE:
            self.add_error(
                "import_file",
                _("The file is larger than %(size)d MB.")
                % {"size": settings.MAX_UPLOAD_SIZE // (1024 * 1024)},
            )
            return cleaned
        head = upload.read(8192)
        upload.seek(0)
        if expected is base_formats.XLSX and not head.startswith(self.XLSX_SIGNATURE):
            self.add_error("import_file", _("This file is not an Excel (.xlsx) workbook."))
        elif expected is base_formats.CSV and b"\x00" in head:
            self.add_error("import_file", _("This file is not a CSV text file."))
        else:
            try:
                imports.check_size(upload, xlsx=expected is base_formats.XLSX)
            except ValidationError as error:
                self.add_error("import_file", error)
        chosen = cleaned.get("format")
        if chosen not in (None, "") and self.formats[int(chosen)] is not expected:
            self.add_error("format", _("Choose the format of the file: %s.") % extension[1:])
        return cleaned


class BackgroundImportMixin:
    """Bulk import of CSV and XLSX into drafts, before import-export's ``ImportMixin``.

    The upload is checked in a dry run that shows every row, and its problems by row and
    column; the confirmation is offered only when there are none. The confirmed file is
    applied all or nothing: in the request when it has at most ``IMPORT_ASYNC_ROWS`` rows,
    otherwise by an ``ImportJob`` on a worker.
    """

    import_target: ImportTarget
    formats = [base_formats.CSV, base_formats.XLSX]
    import_form_class = SpreadsheetImportForm
    tmp_storage_class = PrivateUploadStorage
    import_template_name = "admin/jobs/import.html"
    #: Result of a dry run -> what the preview page shows of it, if more than the rows.
    import_preview = None

    def get_urls(self):
        app_label, model_name = self.get_model_info()
        return [
            path(
                "import/template/",
                self.admin_site.admin_view(require_safe(self.import_template_view)),
                name=f"{app_label}_{model_name}_import_template",
            ),
            *super().get_urls(),
        ]

    def get_context_data(self, **kwargs):
        resource = self.get_import_resource_classes(None)[0]
        app_label, model_name = self.get_model_info()
        return {
            **super().get_context_data(**kwargs),
            "import_columns": list(resource.column_help.items()),
            "import_template_url": reverse(
                f"admin:{app_label}_{model_name}_import_template", current_app=self.admin_site.name
            ),
            "import_async_rows": settings.IMPORT_ASYNC_ROWS,
            "import_preview_rows": settings.IMPORT_PREVIEW_ROWS,
            "import_preview_slice": f":{settings.IMPORT_PREVIEW_ROWS}",
        }

    def import_template_view(self, request):
        """A CSV file of the header row alone, to fill in: the columns the page explains, in
        their order (no example rows: a made-up row would be data nobody knows)."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        resource = self.get_import_resource_classes(request)[0]
        out = io.StringIO()
        csv.writer(out).writerow(resource.column_help)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{self.import_target}-template.csv"'
        )
        return response

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        result = context.get("result")
        if result is not None:
            context["import_problems"] = imports.import_errors(result)
            if self.import_preview is not None:
                context["import_summary"] = self.import_preview(result)
        return response

    def get_import_data_kwargs(self, **kwargs):
        # Any invalid row at the confirmation (the portfolio may have changed since the dry
        # run) rolls back every row, as an error from the database does.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def _import_url(self):
        app_label, model_name = self.get_model_info()
        return reverse(f"admin:{app_label}_{model_name}_import", current_app=self.admin_site.name)

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        confirm_form = self.create_confirm_form(request)
        if not confirm_form.is_valid():
            return super().process_import(request, **kwargs)  # shows the form's errors
        formats = self.get_import_formats()
        try:
            format_class = formats[int(confirm_form.cleaned_data["format"])]
        except (ValueError, IndexError):
            return HttpResponseBadRequest(_("Unknown import format."))
        input_format = format_class(encoding=self.from_encoding)
        tmp_storage = self.get_tmp_storage_class()(
            name=confirm_form.cleaned_data["import_file_name"],
            read_mode=input_format.get_read_mode(),
            **self.get_tmp_storage_class_kwargs(),
        )
        try:
            data = tmp_storage.read()
        except FileNotFoundError:  # confirmed twice, or an old page
            messages.error(request, _("This upload was imported already, or is gone."))
            return redirect(self._import_url())
        dataset = input_format.create_dataset(data)
        file_name = confirm_form.cleaned_data["original_file_name"]

        if len(dataset) > settings.IMPORT_ASYNC_ROWS:
            job = imports.import_job_create(
                user=request.user,
                target=self.import_target,
                format=imports.format_of(format_class),
                filename=file_name,
                data=data,
                rows=len(dataset),
            )
            tmp_storage.remove()
            messages.info(
                request,
                _("%(rows)d rows are being imported in the background; see here how it ends.")
                % {"rows": len(dataset)},
            )
            return redirect(reverse("admin:jobs_importjob_change", args=[job.pk]))

        result = self.process_dataset(dataset, confirm_form, request, file_name=file_name, **kwargs)
        tmp_storage.remove()
        if result.has_errors() or result.has_validation_errors():
            problems = imports.import_errors(result)
            messages.error(
                request,
                ngettext(
                    "Nothing was imported: %(count)d problem appeared since the preview. %(list)s",
                    "Nothing was imported: %(count)d problems appeared since the preview. %(list)s",
                    len(problems),
                )
                % {"count": len(problems), "list": " ".join(problems[: imports.MAX_ERROR_LINES])},
            )
            return redirect(self._import_url())
        return self.process_result(result, request)


@admin.register(Programme)
class ProgrammeAdmin(BackgroundImportMixin, ImportMixin, finance_admin.ProgrammeAdmin):
    """Programmes: the workflow actions, the background exports, and the bulk import."""

    resource_classes = [ProgrammeResource]
    import_target = ImportTarget.PROGRAMMES
    actions = [
        *programme_admin.ProgrammeAdmin.actions,
        *(_export_action(format) for format in ExportFormat),
    ]

    def has_export_permission(self, request):
        return request.user.has_perm("jobs.add_exportjob")


@admin.register(Output)
class OutputAdmin(BackgroundImportMixin, ImportMixin, jwp_admin.OutputAdmin):
    """Outputs: the workflow and link-check actions, and the bulk import."""

    resource_classes = [OutputResource]
    import_target = ImportTarget.OUTPUTS


@admin.register(Transaction)
class TransactionAdmin(BackgroundImportMixin, ImportMixin, finance_admin.TransactionAdmin):
    """Transactions: the list, and the bulk import whose preview shows every row with what it
    does, and the totals per currency and type."""

    resource_classes = [TransactionResource]
    import_target = ImportTarget.TRANSACTIONS
    import_template_name = "admin/jobs/transaction_import.html"
    import_preview = staticmethod(transaction_preview)
