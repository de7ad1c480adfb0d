"""What an activity (a programme or a Joint Work Programme) is about, and whom to ask: its
sectors in any IATI vocabulary with the share of each, its policy markers, its contacts.

``ActivityRow`` is the row of one activity, never both kinds, never neither; the money rows of
``finances`` are activity rows too. Like them, these rows are part of what the public sees of
their activity, so a change to a published one goes through review with the activity
(``revision_rows`` of Programme and JointWorkProgramme).

Percentages are what an editor entered, never a computed split (``publishing.shares``
says which sets are complete); an activity whose shares are missing is named in the admin's
IATI column and left out of the IATI file until someone enters them.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jwp.models import JointWorkProgramme
from programmes.iati_codes import (
    ContactType,
    PolicyMarkerVocabulary,
    PolicySignificance,
    SectorVocabulary,
)
from programmes.iati_codes import PolicyMarker as PolicyMarkerCode
from programmes.models import Programme
from publishing.models import TimeStampedModel

PERCENTAGE = {
    "max_digits": 5,
    "decimal_places": 2,
    "validators": [MinValueValidator(0), MaxValueValidator(100)],
}


class ActivityRow(TimeStampedModel):
    """A row of one activity: a programme or a JWP, never both, never neither. It is public
    when its activity is (``publishing.models.public_condition``)."""

    public_owners = ("programme", "jwp")

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="%(class)ss",
    )
    jwp = models.ForeignKey(
        JointWorkProgramme,
        verbose_name=_("Joint Work Programme"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="%(class)ss",
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=(Q(programme__isnull=False) & Q(jwp__isnull=True))
                | (Q(programme__isnull=True) & Q(jwp__isnull=False)),
                name="%(app_label)s_%(class)s_one_activity",
                violation_error_message=_("Belongs to a programme or to a JWP: one of them."),
            )
        ]

    @property
    def activity(self):
        return self.programme or self.jwp


def percentage_constraint() -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(percentage__isnull=True) | Q(percentage__gte=0, percentage__lte=100),
        name="%(app_label)s_%(class)s_percentage_range",
        violation_error_message=_("A percentage is between 0 and 100."),
    )


def once_per_activity(label: str, message) -> list[models.UniqueConstraint]:
    """A code of a vocabulary at most once per programme and once per JWP."""
    return [
        models.UniqueConstraint(
            fields=[activity, "vocabulary", "code"],
            condition=Q(**{f"{activity}__isnull": False}),
            name=f"classifications_{label}_unique_{activity}",
            violation_error_message=message,
        )
        for activity in ("programme", "jwp")
    ]


class Sector(ActivityRow):
    """One sector of an activity in one vocabulary, with its share of the activity. Within a
    vocabulary the shares of an activity add up to 100 (``publishing.shares``)."""

    vocabulary = models.CharField(
        _("vocabulary"),
        max_length=2,
        choices=SectorVocabulary.choices,
        default=SectorVocabulary.DAC_5,
        help_text=_("IATI SectorVocabulary: DAC 5-digit purpose codes unless said otherwise."),
    )
    code = models.CharField(
        _("code"), max_length=20, help_text=_("A code of the vocabulary, such as 43030.")
    )
    name = models.CharField(
        _("name"),
        max_length=255,
        blank=True,
        help_text=_("Required for the reporting organisation's own vocabularies (98, 99)."),
    )
    percentage = models.DecimalField(
        _("percentage"),
        null=True,
        blank=True,
        help_text=_(
            "This sector's share of the activity within its vocabulary. Leave empty only "
            "while it is not known: the IATI file then leaves the activity out."
        ),
        **PERCENTAGE,
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["vocabulary", "code", "pk"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        constraints = [
            *ActivityRow.Meta.constraints,
            percentage_constraint(),
            *once_per_activity("sector", _("This sector is already listed.")),
            models.CheckConstraint(
                condition=Q(vocabulary__in=SectorVocabulary.values),
                name="classifications_sector_vocabulary_valid",
            ),
            models.CheckConstraint(
                condition=~Q(vocabulary=SectorVocabulary.DAC_5) | Q(code__regex=r"^[0-9]{5}$"),
                name="classifications_sector_dac5_code",
                violation_error_message=_("A DAC 5-digit code has five digits, such as 43030."),
            ),
            models.CheckConstraint(
                condition=~Q(vocabulary=SectorVocabulary.DAC_3) | Q(code__regex=r"^[0-9]{3}$"),
                name="classifications_sector_dac3_code",
                violation_error_message=_("A DAC 3-digit code has three digits, such as 430."),
            ),
        ]

    def __str__(self):
        share = f" ({self.percentage} %)" if self.percentage is not None else ""
        return f"{self.get_vocabulary_display()} {self.code}{share}"

    def clean(self):
        super().clean()
        self.code = (self.code or "").strip()


class PolicyMarker(ActivityRow):
    """How much an activity aims at a policy objective (gender equality, good governance,
    climate adaptation...), on the OECD DAC scale of significance."""

    vocabulary = models.CharField(
        _("vocabulary"),
        max_length=2,
        choices=PolicyMarkerVocabulary.choices,
        default=PolicyMarkerVocabulary.OECD_DAC_CRS,
    )
    code = models.CharField(
        _("policy marker"),
        max_length=20,
        help_text=_("An OECD DAC policy marker, or the reporting organisation's own code."),
    )
    significance = models.CharField(
        _("significance"), max_length=1, choices=PolicySignificance.choices, blank=True
    )
    name = models.CharField(
        _("name"),
        max_length=255,
        blank=True,
        help_text=_("Required for the reporting organisation's own markers (vocabulary 99)."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["vocabulary", "code", "pk"]
        verbose_name = _("policy marker")
        verbose_name_plural = _("policy markers")
        constraints = [
            *ActivityRow.Meta.constraints,
            *once_per_activity("marker", _("This policy marker is already listed.")),
            models.CheckConstraint(
                condition=~Q(vocabulary=PolicyMarkerVocabulary.OECD_DAC_CRS)
                | (Q(code__in=PolicyMarkerCode.values) & ~Q(significance="")),
                name="classifications_marker_dac_code_and_significance",
                violation_error_message=_(
                    "An OECD DAC policy marker is one of the DAC codes and has a significance."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.label}: {self.get_significance_display() or '—'}"

    @property
    def label(self) -> str:
        if self.vocabulary == PolicyMarkerVocabulary.OECD_DAC_CRS:
            return str(dict(PolicyMarkerCode.choices).get(self.code, self.code))
        return self.name or self.code

    def clean(self):
        super().clean()
        errors = {}
        if self.vocabulary == PolicyMarkerVocabulary.OECD_DAC_CRS:
            if self.code not in PolicyMarkerCode.values:
                errors["code"] = _("Choose one of the OECD DAC policy markers (1 to 12).")
            if not self.significance:
                errors["significance"] = _("An OECD DAC policy marker needs its significance.")
        elif not self.name.strip():  # IATI rule 6.13.1
            errors["name"] = _("Name the reporting organisation's own policy marker.")
        if errors:
            raise ValidationError(errors)


class Contact(ActivityRow):
    """Whom to ask about an activity (IATI ``contact-info``). Everything here is public."""

    type = models.CharField(
        _("type"), max_length=1, choices=ContactType.choices, default=ContactType.GENERAL
    )
    organisation = models.CharField(_("organisation"), max_length=255, blank=True)
    department = models.CharField(_("department"), max_length=255, blank=True)
    person_name = models.CharField(_("person"), max_length=255, blank=True)
    job_title = models.CharField(_("job title"), max_length=255, blank=True)
    telephone = models.CharField(_("telephone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    mailing_address = models.TextField(_("mailing address"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["type", "pk"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            *ActivityRow.Meta.constraints,
            models.CheckConstraint(
                condition=~Q(organisation="")
                | ~Q(person_name="")
                | ~Q(email="")
                | ~Q(telephone="")
                | ~Q(website=""),
                name="classifications_contact_reachable",
                violation_error_message=_(
                    "Give at least an organisation, a person, an e-mail, a telephone or a website."
                ),
            ),
        ]

    def __str__(self):
        return self.person_name or self.organisation or self.email or self.website
