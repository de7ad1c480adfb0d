"""Funding windows, their instruments, and the thematic focus areas."""

from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from publishing.models import TimeStampedModel


class WindowCode(models.TextChoices):
    COUNTRY_CITY = "country-city", _("Country/City window")
    GLOBAL = "global", _("Global window")


class FundingWindow(TimeStampedModel):
    """One of the two funding windows. The unique code keeps it to exactly those two."""

    code = models.CharField(_("code"), max_length=20, choices=WindowCode.choices, unique=True)
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    summary = models.TextField(_("summary"), blank=True, help_text=_("One or two sentences."))
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("funding window")
        verbose_name_plural = _("funding windows")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__in=WindowCode.values), name="window_code_valid"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("window-detail", kwargs={"slug": self.slug})


class InstrumentKind(models.TextChoices):
    COUNTRY_PROGRAMME = "country-programme", _("Country Programme")
    INNOVATION = "innovation", _("Innovation Programme")
    JOINT_WORK_PROGRAMME = "jwp", _("Joint Work Programme")
    GLOBAL_INITIATIVE = "global-initiative", _("Global partnership initiative")


class Instrument(TimeStampedModel):
    window = models.ForeignKey(
        FundingWindow,
        verbose_name=_("funding window"),
        on_delete=models.PROTECT,
        related_name="instruments",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=InstrumentKind.choices)
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["window__order", "order", "name"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=InstrumentKind.values), name="instrument_kind_valid"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("instrument-detail", kwargs={"slug": self.slug})


dac_sector_code_validator = RegexValidator(
    r"^\d{5}$", _("A DAC sector code has five digits, such as 43030.")
)


class Theme(TimeStampedModel):
    """A thematic focus area. Its DAC sector code is what the IATI export reports."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    description = models.TextField(_("description"), blank=True)
    dac_sector_code = models.CharField(
        _("DAC sector code"),
        max_length=5,
        blank=True,
        validators=[dac_sector_code_validator],
        help_text=_("OECD-DAC 5-digit purpose code used in the IATI export, e.g. 43030."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("thematic focus area")
        verbose_name_plural = _("thematic focus areas")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(dac_sector_code="")
                | models.Q(dac_sector_code__regex=r"^[0-9]{5}$"),
                name="theme_dac_sector_code_five_digits",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("theme-detail", kwargs={"slug": self.slug})
