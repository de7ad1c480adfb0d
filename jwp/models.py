"""Joint Work Programmes with phases, the outputs of the portfolio, and lessons (the funnel)."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from programmes.iati_codes import ActivityStatus
from programmes.models import (
    ActivityClassifications,
    Organisation,
    Programme,
    iati_identifier_validator,
    iati_problems_of,
)
from publishing.files import ContentFileField
from publishing.models import Language, Publishable, TimeStampedModel
from publishing.storage import private_storage
from publishing.validators import validate_upload
from windows.models import Theme, WindowCode


class JointWorkProgramme(Publishable, ActivityClassifications):
    """Coordination platform, knowledge hub and think tank of the Global window."""

    # Related rows a revision carries (publishing.revisions), the money rows of finances too.
    revision_rows = (
        "memberships",
        "phases",
        "sectors",
        "policymarkers",
        "contacts",
        "budgets",
        "planneddisbursements",
        "transactions",
    )

    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=255, unique=True)
    iati_identifier = models.CharField(
        _("IATI identifier"),
        max_length=150,
        unique=True,
        validators=[iati_identifier_validator],
        help_text=_("The reporting organisation's reference, a hyphen, and this JWP's code."),
    )
    summary = models.TextField(_("summary"), max_length=500, help_text=_("One or two sentences."))
    description = models.TextField(_("description"), blank=True)
    activity_status = models.CharField(
        _("activity status"),
        max_length=1,
        choices=ActivityStatus.choices,
        default=ActivityStatus.IMPLEMENTATION,
        help_text=_("IATI ActivityStatus."),
    )
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes"), blank=True, related_name="jwps"
    )
    members = models.ManyToManyField(
        Organisation,
        through="Membership",
        verbose_name=_("members"),
        related_name="jwps",
        blank=True,
    )
    notes = models.TextField(
        _("editorial notes"), blank=True, help_text=_("Internal; never published.")
    )

    history = HistoricalRecords()

    class Meta(Publishable.Meta):
        ordering = ["title"]
        verbose_name = _("Joint Work Programme")
        verbose_name_plural = _("Joint Work Programmes")
        permissions = [
            (
                "publish_jointworkprogramme",
                _("Can publish, unpublish and send back Joint Work Programmes"),
            )
        ]
        constraints = [
            *Publishable.Meta.constraints,
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(start__isnull=True) | Q(end__gte=F("start")),
                name="jwp_end_after_start",
                violation_error_message=_("The end cannot be before the start."),
            ),
            models.CheckConstraint(
                condition=Q(activity_status__in=ActivityStatus.values),
                name="jwp_activity_status_valid",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("jwp-detail", kwargs={"slug": self.slug})

    def iati_problems(self) -> list[str]:
        """What stops this JWP from being a valid IATI activity (docs/iati.md). Reads
        ``memberships``, ``themes`` and ``sectors``: prefetch them for lists. A JWP reports
        its region (the Global window), not countries."""
        return iati_problems_of(
            text=self.description or self.summary,
            has_partner=bool(self.memberships.all()),
            dates=(None, self.start),
            country_shares=None,
            sectors=self.reported_sectors(),
            no_partner=_("no member organisation"),
        )


class Membership(TimeStampedModel):
    jwp = models.ForeignKey(
        JointWorkProgramme,
        verbose_name=_("Joint Work Programme"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="jwp_memberships",
    )
    is_lead = models.BooleanField(
        _("lead"), default=False, help_text=_("The member that chairs or leads the JWP.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_lead", "organisation__name"]
        verbose_name = _("JWP member")
        verbose_name_plural = _("JWP members")
        constraints = [
            models.UniqueConstraint(fields=["jwp", "organisation"], name="membership_unique"),
            models.UniqueConstraint(
                fields=["jwp"],
                condition=Q(is_lead=True),
                name="membership_one_lead_per_jwp",
                violation_error_message=_("A Joint Work Programme has at most one lead."),
            ),
        ]

    def __str__(self):
        return f"{self.organisation} ({_('lead') if self.is_lead else _('member')})"


class Phase(TimeStampedModel):
    jwp = models.ForeignKey(
        JointWorkProgramme,
        verbose_name=_("Joint Work Programme"),
        on_delete=models.CASCADE,
        related_name="phases",
    )
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    title = models.CharField(_("title"), max_length=255)
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    focus = models.TextField(_("focus"), blank=True, help_text=_("What this phase worked on."))

    history = HistoricalRecords()

    class Meta:
        ordering = ["jwp", "number"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [
            models.UniqueConstraint(
                fields=["jwp", "number"],
                name="phase_number_unique_in_jwp",
                violation_error_message=_("This JWP already has a phase with this number."),
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="phase_number_positive"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(start__isnull=True) | Q(end__gte=F("start")),
                name="phase_end_after_start",
                violation_error_message=_("The end cannot be before the start."),
            ),
        ]

    def __str__(self):
        return _("Phase %(number)s: %(title)s") % {"number": self.number, "title": self.title}


class OutputKind(models.TextChoices):
    FEASIBILITY_STUDY = "feasibility-study", _("Feasibility study")
    RESEARCH_REPORT = "research-report", _("Research report")
    TOOLKIT = "toolkit", _("Toolkit")
    POLICY_BRIEF = "policy-brief", _("Policy brief")
    CASE_STUDY = "case-study", _("Case study")
    ADVOCACY_MESSAGE = "advocacy-message", _("Advocacy message")
    EVENT_REPORT = "event-report", _("Event report")
    DATASET = "dataset", _("Dataset")


class LinkStatus(models.TextChoices):
    UNCHECKED = "unchecked", _("Not checked")
    OK = "ok", _("Working")
    BROKEN = "broken", _("Broken")


LINK_CHECK_FIELDS = ("link_status", "link_checked_at", "link_error")


class Output(Publishable):
    """A knowledge product, owned by a JWP (optionally one of its phases) or a programme."""

    public_owners = ("jwp", "programme")
    revision_excluded = LINK_CHECK_FIELDS  # the link check's, not an editor's

    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=255, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OutputKind.choices)
    date = models.DateField(_("date"), null=True, blank=True, db_index=True)
    summary = models.TextField(_("summary"), blank=True)
    # Private: served by the output's download view once the output is public (publishing.files).
    file = ContentFileField(
        _("file"),
        upload_to="outputs/",
        blank=True,
        storage=private_storage,
        validators=[validate_upload],
    )
    url = models.URLField(_("link"), max_length=500, blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.ENGLISH
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes"), blank=True, related_name="outputs"
    )
    jwp = models.ForeignKey(
        JointWorkProgramme,
        verbose_name=_("Joint Work Programme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outputs",
    )
    phase = models.ForeignKey(
        Phase,
        verbose_name=_("phase"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outputs",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outputs",
    )
    # The result of the last link check (jwp.services.output_check_link), not editorial content.
    link_status = models.CharField(
        _("link status"),
        max_length=10,
        choices=LinkStatus.choices,
        default=LinkStatus.UNCHECKED,
        help_text=_("Set by the weekly check of the file and the link."),
    )
    link_checked_at = models.DateTimeField(_("link checked at"), null=True, blank=True)
    link_error = models.CharField(_("link error"), max_length=500, blank=True)

    # The check writes its result without a history entry; left out of the history, an editor's
    # next save does not show a changed link status as if the editor had made that change.
    history = HistoricalRecords(excluded_fields=LINK_CHECK_FIELDS)

    @classmethod
    def review_queues(cls):
        """For the review desk (publishing.review): (label, queryset, changelist query, action)."""
        return [
            (
                _("Outputs with a broken link or file"),
                cls.objects.filter(link_status=LinkStatus.BROKEN),
                "?link_status__exact=broken",
                _("Fix the link or the file, then check again"),
            )
        ]

    class Meta(Publishable.Meta):
        ordering = ["-date", "title"]
        verbose_name = _("output")
        verbose_name_plural = _("outputs")
        permissions = [("publish_output", _("Can publish, unpublish and send back outputs"))]
        constraints = [
            *Publishable.Meta.constraints,
            models.CheckConstraint(
                condition=Q(jwp__isnull=False) | Q(programme__isnull=False),
                name="output_has_owner",
                violation_error_message=_("An output belongs to a JWP or a programme."),
            ),
            models.CheckConstraint(
                condition=Q(phase__isnull=True) | Q(jwp__isnull=False),
                name="output_phase_needs_jwp",
                violation_error_message=_("Choose the JWP of the phase."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=OutputKind.values), name="output_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(link_status__in=LinkStatus.values), name="output_link_status_valid"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("output-detail", kwargs={"slug": self.slug})

    def get_file_url(self):
        """Where the public (or staff who may preview) download the file."""
        return reverse("output-download", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.phase_id and self.jwp_id and self.phase.jwp_id != self.jwp_id:
            raise ValidationError({"phase": _("This phase belongs to another JWP.")})


class Lesson(Publishable):
    """The funnel made visible: a lesson from a Country/City programme taken up by a JWP."""

    public_owners = ("programme", "jwp")

    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=255, unique=True)
    summary = models.TextField(
        _("summary"), help_text=_("What was learnt, and how the JWP took it up.")
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("learnt in programme"),
        on_delete=models.PROTECT,
        related_name="lessons",
    )
    jwp = models.ForeignKey(
        JointWorkProgramme,
        verbose_name=_("taken up by JWP"),
        on_delete=models.PROTECT,
        related_name="lessons",
    )

    history = HistoricalRecords()

    class Meta(Publishable.Meta):
        ordering = ["title"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        permissions = [("publish_lesson", _("Can publish, unpublish and send back lessons"))]
        constraints = [
            *Publishable.Meta.constraints,
            models.UniqueConstraint(
                fields=["programme", "jwp", "title"], name="lesson_unique_per_programme_jwp"
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.programme_id and self.programme.instrument.window.code != WindowCode.COUNTRY_CITY:
            raise ValidationError(
                {"programme": _("Lessons come from programmes of the Country/City window.")}
            )
