"""Work that runs outside the request on Celery: exports of the portfolio to a file, and
bulk imports. Each row is the job's record: who asked, what, when, how far it got, the result.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from publishing.models import TimeStampedModel
from publishing.storage import private_storage


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ExportFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    XLSX = "xlsx", _("Excel (XLSX)")
    IATI = "iati", _("IATI 2.03 XML")


class Job(TimeStampedModel):
    """What every job records. The primary key is a random UUID: a job's URL is not guessable."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    state = models.CharField(
        _("state"), max_length=10, choices=JobState.choices, default=JobState.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100),
                name="%(app_label)s_%(class)s_progress_max_100",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=JobState.values),
                name="%(app_label)s_%(class)s_state_valid",
            ),
        ]

    @property
    def is_finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)


class ExportJob(Job):
    """An export of programmes (with the same filters as ``/api/v1/programmes/``) to a file."""

    format = models.CharField(_("format"), max_length=10, choices=ExportFormat.choices)
    filters = models.JSONField(
        _("filters"),
        default=dict,
        blank=True,
        help_text=_("The query parameters of /api/v1/programmes/ this export applies."),
    )
    include_unpublished = models.BooleanField(
        _("includes drafts"),
        default=False,
        help_text=_("Staff exports may include drafts and items in review; partners' never do."),
    )
    file = models.FileField(
        _("file"), upload_to="exports/%Y/%m/", blank=True, storage=private_storage
    )
    expires_at = models.DateTimeField(_("removed after"), null=True, blank=True)

    class Meta(Job.Meta):
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        constraints = [
            *Job.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(format__in=ExportFormat.values),
                name="jobs_exportjob_format_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_format_display()} export {str(self.pk)[:8]} ({self.get_state_display()})"

    def get_absolute_url(self):
        return reverse("api:v1:exportjob-detail", kwargs={"pk": self.pk})


class PublicFileKind(models.TextChoices):
    IATI = "iati-activities", _("IATI activities (XML)")
    CSV = "programmes", _("Programmes (CSV)")


class PublicFile(models.Model):
    """The full published portfolio as a file, regenerated every night, linked from the site."""

    kind = models.CharField(_("kind"), max_length=20, choices=PublicFileKind.choices, unique=True)
    file = models.FileField(_("file"), upload_to="public/", storage=private_storage)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    generated_at = models.DateTimeField(_("generated"))

    class Meta:
        verbose_name = _("public download file")
        verbose_name_plural = _("public download files")
        ordering = ["kind"]

    def __str__(self):
        return self.get_kind_display()

    def get_absolute_url(self):
        return reverse("jobs:public-file", kwargs={"filename": self.filename})

    @property
    def filename(self) -> str:
        return PUBLIC_FILENAMES[self.kind]


# The stable names the site links to.
PUBLIC_FILENAMES = {
    PublicFileKind.IATI: "cities-alliance-iati-activities.xml",
    PublicFileKind.CSV: "cities-alliance-programmes.csv",
}


class ImportTarget(models.TextChoices):
    PROGRAMMES = "programmes", _("Programmes")
    OUTPUTS = "outputs", _("Outputs")
    TRANSACTIONS = "transactions", _("Transactions")


class ImportFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    XLSX = "xlsx", _("Excel (XLSX)")


class ImportJob(Job):
    """A confirmed bulk import too large for the request, applied by a worker: all rows or none.

    The admin's dry run has already passed when the job is made; the worker runs the import
    again, because the portfolio may have changed in between (an item published, a slug taken).
    """

    target = models.CharField(_("imports"), max_length=20, choices=ImportTarget.choices)
    format = models.CharField(_("format"), max_length=10, choices=ImportFormat.choices)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", storage=private_storage)
    original_filename = models.CharField(_("file name"), max_length=255)
    new_count = models.PositiveIntegerField(_("new"), default=0)
    update_count = models.PositiveIntegerField(_("updated"), default=0)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)

    class Meta(Job.Meta):
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        constraints = [
            *Job.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(target__in=ImportTarget.values),
                name="jobs_importjob_target_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(format__in=ImportFormat.values),
                name="jobs_importjob_format_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_target_display()} import {str(self.pk)[:8]} ({self.get_state_display()})"

    def get_absolute_url(self):
        return reverse("admin:jobs_importjob_change", args=[self.pk])
