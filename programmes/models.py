"""Places, organisations and programmes with their partners and activities."""

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from publishing.indexes import OrderingIndex
from publishing.models import Publishable, TimeStampedModel
from publishing.shares import incomplete_groups
from windows.models import Instrument, Theme

from .iati_codes import (
    ActivityScope,
    ActivityStatus,
    AidType,
    CollaborationType,
    Currency,
    FinanceType,
    FlowType,
    OrganisationRole,
    OrganisationType,
    Region,
    TiedStatus,
)


class Country(TimeStampedModel):
    iso2 = models.CharField(
        _("ISO 3166-1 alpha-2"),
        max_length=2,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Two capital letters, such as UG."))],
    )
    iso3 = models.CharField(
        _("ISO 3166-1 alpha-3"),
        max_length=3,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Three capital letters, such as UGA."))],
    )
    name = models.CharField(_("name"), max_length=120)
    region = models.CharField(
        _("region"),
        max_length=4,
        choices=Region.choices,
        blank=True,
        help_text=_("IATI / OECD-DAC region the country belongs to."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        # Editors add countries; only Publishers change one that published content uses.
        permissions = [
            ("change_used_country", _("Can change countries that published content uses"))
        ]
        constraints = [
            models.CheckConstraint(condition=Q(iso2__regex=r"^[A-Z]{2}$"), name="country_iso2"),
            models.CheckConstraint(condition=Q(iso3__regex=r"^[A-Z]{3}$"), name="country_iso3"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("country-detail", kwargs={"iso2": self.iso2.lower()})


class City(TimeStampedModel):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="cities"
    )
    is_secondary = models.BooleanField(
        _("secondary city"),
        default=False,
        help_text=_("A fast-growing secondary city, where Cities Alliance focuses its support."),
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        # Editors add cities; only Publishers change one that published content uses.
        permissions = [("change_used_city", _("Can change cities that published content uses"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="city_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="city_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="city_coordinates_together",
                violation_error_message=_("Give both latitude and longitude, or neither."),
            ),
        ]

    def __str__(self):
        return self.name


class Organisation(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    org_type = models.CharField(
        _("organisation type"),
        max_length=2,
        choices=OrganisationType.choices,
        help_text=_("IATI OrganisationType."),
    )
    iati_ref = models.CharField(
        _("IATI organisation identifier"),
        max_length=100,
        blank=True,
        help_text=_(
            "The organisation's registered IATI identifier, e.g. GB-GOV-1. Leave empty "
            "when unknown."
        ),
    )
    is_member = models.BooleanField(_("Cities Alliance member"), default=False)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organisations",
    )
    website = models.URLField(_("website"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        # Editors add organisations; only Publishers change one that published content uses.
        permissions = [
            ("change_used_organisation", _("Can change organisations that published content uses"))
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["iati_ref"],
                condition=~Q(iati_ref=""),
                name="organisation_iati_ref_unique",
                violation_error_message=_("Another organisation has this IATI identifier."),
            ),
            models.CheckConstraint(
                condition=Q(org_type__in=OrganisationType.values), name="organisation_type_valid"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class Dimension(TimeStampedModel):
    """A free keyword or dimension, such as the five of Future Cities Africa."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("dimension or keyword")
        verbose_name_plural = _("dimensions and keywords")

    def __str__(self):
        return self.name


iati_identifier_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$",
    _("Letters, digits, dots, hyphens and underscores only; no spaces or slashes."),
)


class ActivityClassifications(models.Model):
    """What IATI says of every activity, programmes and JWPs alike: the descriptions beyond
    the general one, the scope, and the defaults of its money (a transaction without its own
    flow, finance, aid or tied type has these). Empty means not known; nothing is assumed."""

    objectives = models.TextField(
        _("objectives"), blank=True, help_text=_("What the activity sets out to achieve.")
    )
    target_groups = models.TextField(
        _("target groups"), blank=True, help_text=_("Whom the activity is meant to benefit.")
    )
    other_description = models.TextField(_("other description"), blank=True)
    activity_scope = models.CharField(
        _("activity scope"),
        max_length=1,
        choices=ActivityScope.choices,
        blank=True,
        help_text=_("IATI ActivityScope: from global to a single location."),
    )
    collaboration_type = models.CharField(
        _("collaboration type"), max_length=1, choices=CollaborationType.choices, blank=True
    )
    default_flow_type = models.CharField(
        _("default flow type"), max_length=2, choices=FlowType.choices, blank=True
    )
    default_finance_type = models.CharField(
        _("default finance type"), max_length=4, choices=FinanceType.choices, blank=True
    )
    default_aid_type = models.CharField(
        _("default aid type"), max_length=4, choices=AidType.choices, blank=True
    )
    default_tied_status = models.CharField(
        _("default tied status"), max_length=1, choices=TiedStatus.choices, blank=True
    )
    humanitarian = models.BooleanField(
        _("humanitarian"),
        default=False,
        help_text=_("The activity relates wholly or in part to humanitarian aid."),
    )

    class Meta:
        abstract = True

    def reported_sectors(self) -> list[tuple[str, str, str, object]]:
        """The sectors this activity reports (``activity_sectors``); reads ``sectors`` and
        ``themes``: prefetch them for lists."""
        return activity_sectors(
            [(s.vocabulary, s.code, s.name, s.percentage) for s in self.sectors.all()],
            [theme.dac_sector_code for theme in self.themes.all()],
        )

    #: (field, IATI description type) of the descriptions after the general one.
    EXTRA_DESCRIPTIONS = (("objectives", "2"), ("target_groups", "3"), ("other_description", "4"))
    #: Every field of this mixin, for services, serializers and the export.
    FIELDS = (
        "objectives",
        "target_groups",
        "other_description",
        "activity_scope",
        "collaboration_type",
        "default_flow_type",
        "default_finance_type",
        "default_aid_type",
        "default_tied_status",
        "humanitarian",
    )


class Programme(Publishable, ActivityClassifications):
    """A country programme, an innovation grant or call, or a global initiative."""

    # Related rows a revision carries (publishing.revisions), the money rows of finances too.
    revision_rows = (
        "partners",
        "activities",
        "recipient_countries",
        "sectors",
        "policymarkers",
        "contacts",
        "budgets",
        "planneddisbursements",
        "transactions",
    )

    instrument = models.ForeignKey(
        Instrument,
        verbose_name=_("instrument"),
        on_delete=models.PROTECT,
        related_name="programmes",
    )
    iati_identifier = models.CharField(
        _("IATI identifier"),
        max_length=150,
        unique=True,
        validators=[iati_identifier_validator],
        help_text=_(
            "Globally unique: the reporting organisation's reference, a hyphen, and "
            "this programme's code."
        ),
    )
    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=255, unique=True)
    summary = models.TextField(_("summary"), max_length=500, help_text=_("One or two sentences."))
    description = models.TextField(_("description"), blank=True)
    activity_status = models.CharField(
        _("activity status"),
        max_length=1,
        choices=ActivityStatus.choices,
        default=ActivityStatus.IMPLEMENTATION,
        help_text=_("IATI ActivityStatus."),
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        choices=Currency.choices,
        blank=True,
        help_text=_("ISO 4217; required with a budget."),
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes"), blank=True, related_name="programmes"
    )
    countries = models.ManyToManyField(
        Country,
        through="ProgrammeCountry",
        verbose_name=_("countries"),
        blank=True,
        related_name="programmes",
    )
    cities = models.ManyToManyField(
        City, verbose_name=_("cities"), blank=True, related_name="programmes"
    )
    organisations = models.ManyToManyField(
        Organisation,
        through="ProgrammePartner",
        verbose_name=_("participating organisations"),
        related_name="programmes",
        blank=True,
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent programme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    dimensions = models.ManyToManyField(
        Dimension,
        verbose_name=_("dimensions and keywords"),
        blank=True,
        related_name="programmes",
    )
    notes = models.TextField(
        _("editorial notes"),
        blank=True,
        help_text=_("Internal: sources, open questions, date precision. Never published."),
    )
    # Weighted title (A), summary (B) and description (C), kept by a PostgreSQL trigger
    # (migration 0003) and searched through a GIN index; unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    # Indexed with the id in programme_updated_idx (the cursor walk and its ordering), which
    # makes the inherited single-column index redundant.
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta(Publishable.Meta):
        ordering = ["title"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        permissions = [("publish_programme", _("Can publish, unpublish and send back programmes"))]
        # One index per ordering of the lists (programmes.filters.ProgrammeOrdering: empty
        # values last either way, ties by id in the same direction; budget and spending are
        # ProgrammeMoney's), and per filter that is not a foreign key already.
        indexes = [
            # With the public condition: a deep page of the default list walks this index
            # alone (publishing.paging).
            models.Index(
                fields=["title", "id"],
                include=["status", "published_at"],
                name="programme_title_idx",
            ),
            OrderingIndex(
                Coalesce("actual_start", "planned_start").asc(nulls_last=True),
                "id",
                name="programme_start_idx",
            ),
            OrderingIndex(
                Coalesce("actual_start", "planned_start").desc(nulls_last=True),
                F("id").desc(),
                name="programme_start_desc_idx",
            ),
            models.Index(fields=["updated_at", "id"], name="programme_updated_idx"),
            models.Index(fields=["published_at", "id"], name="programme_published_idx"),
            OrderingIndex(
                F("published_at").desc(nulls_last=True),
                F("id").desc(),
                name="programme_published_desc_idx",
            ),
            models.Index(fields=["activity_status"], name="programme_activity_status_idx"),
            # The public rows with the columns facets, stats and charts group by: those
            # aggregates read this narrow index (index-only) instead of the wide table.
            models.Index(
                fields=["status", "published_at"],
                include=[
                    "id",
                    "instrument",
                    "activity_status",
                    "planned_start",
                    "actual_start",
                    "budget",
                    "currency",
                ],
                name="programme_public_idx",
            ),
        ]
        constraints = [
            *Publishable.Meta.constraints,
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True)
                | Q(planned_start__isnull=True)
                | Q(planned_end__gte=F("planned_start")),
                name="programme_planned_end_after_start",
                violation_error_message=_("The planned end cannot be before the planned start."),
            ),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True)
                | Q(actual_start__isnull=True)
                | Q(actual_end__gte=F("actual_start")),
                name="programme_actual_end_after_start",
                violation_error_message=_("The actual end cannot be before the actual start."),
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="programme_budget_not_negative",
                violation_error_message=_("The budget cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | ~Q(currency=""),
                name="programme_budget_has_currency",
                violation_error_message=_("Give the currency of the budget."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="programme_not_own_parent",
                violation_error_message=_("A programme cannot be its own parent."),
            ),
            models.CheckConstraint(
                condition=Q(activity_status__in=ActivityStatus.values),
                name="programme_activity_status_valid",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("programme-detail", kwargs={"slug": self.slug})

    @property
    def start_date(self):
        return self.actual_start or self.planned_start

    @classmethod
    def iati_incomplete(cls) -> models.QuerySet:
        """Published programmes the IATI export leaves out: the rules of ``iati_problems_of``,
        as one query."""
        blank = r"^\s*$"
        outer = models.OuterRef("pk")
        Sector = cls._meta.get_field("sectors").related_model  # classifications, above us
        theme_codes = cls.themes.through.objects.filter(
            programme=outer, theme__dac_sector_code__gt=""
        )
        sectors = Sector.objects.filter(programme=outer)
        dac_sectors = sectors.filter(vocabulary=DAC_5_DIGIT)
        several_theme_codes = (
            theme_codes.values("programme")
            .annotate(codes=models.Count("theme__dac_sector_code", distinct=True))
            .filter(codes__gt=1)
        )
        sector_without_share = _without_share(Sector, "vocabulary")
        country_without_share = _without_share(ProgrammeCountry)
        condition = (
            (Q(description__regex=blank) & Q(summary__regex=blank))
            | ~models.Exists(ProgrammePartner.objects.filter(programme=outer))
            | Q(
                planned_start__isnull=True,
                actual_start__isnull=True,
                planned_end__isnull=True,
                actual_end__isnull=True,
            )
            | ~models.Exists(ProgrammeCountry.objects.filter(programme=outer))
            | (~models.Exists(theme_codes) & ~models.Exists(sectors))
            | (models.Exists(several_theme_codes) & ~models.Exists(dac_sectors))
            | models.Exists(sector_without_share)
            | models.Exists(country_without_share)
        )
        return cls.objects.published().filter(condition)

    @classmethod
    def review_queues(cls):
        """For the review desk (publishing.review): (label, queryset, changelist query, action)."""
        return [
            (
                _("Published programmes left out of the IATI file"),
                cls.iati_incomplete(),
                "?iati=problems",
                _("Complete what the IATI column names"),
            )
        ]

    def iati_problems(self) -> list[str]:
        """What stops this programme from being a valid IATI activity (docs/iati.md).
        Reads ``partners``, ``recipient_countries``, ``themes`` and ``sectors``: prefetch them
        for lists."""
        return iati_problems_of(
            text=self.description or self.summary,
            has_partner=bool(self.partners.all()),
            dates=(self.planned_start, self.actual_start, self.planned_end, self.actual_end),
            country_shares=[
                (row.country_id, row.percentage) for row in self.recipient_countries.all()
            ],
            sectors=self.reported_sectors(),
        )

    @property
    def end_date(self):
        return self.actual_end or self.planned_end

    def clean(self):
        super().clean()
        if self.parent_id and self.pk:
            ancestor, seen = self.parent, {self.pk}
            while ancestor is not None:
                if ancestor.pk in seen:
                    raise ValidationError(
                        {"parent": _("A programme cannot sit below one of its own children.")}
                    )
                seen.add(ancestor.pk)
                ancestor = ancestor.parent


def _money_ordering_indexes(column: str) -> list[OrderingIndex]:
    """The list's ordering by ``column`` in one currency, either way: the programmes that have
    the amount read in order, ties by id in the same direction. They serve the ranges
    (``budget_min``, ...) index-only too."""
    return [
        OrderingIndex(
            "currency",
            F(column).asc(nulls_last=True),
            "programme",
            name=f"programme_money_{column}_idx",
        ),
        OrderingIndex(
            "currency",
            F(column).desc(nulls_last=True),
            F("programme").desc(),
            name=f"programme_money_{column}_desc",
        ),
    ]


class ProgrammeMoney(models.Model):
    """A programme's money in one currency, as the programme list sorts and filters it
    (``programmes.filters``): its budget as its page shows it (the latest revision of each
    budget period, summed; or the single total when it has no budget by period) and what it
    spent (``spent``: disbursements and expenditure); with its commitments, disbursements and
    expenditure each, which the portfolio's spending by theme and country adds up. One row
    per currency it has money in; amounts in different currencies are never added.

    Kept by the database, not by this app: triggers that ``finances`` installs on the budget,
    transaction and programme tables rewrite a programme's rows in the statement that changes
    its money, whatever writes (finances/totals.py). Nothing else writes here."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        # The triggers remove a deleted programme's rows; Django need not collect them.
        on_delete=models.DO_NOTHING,
        related_name="money",
        editable=False,
        db_index=False,  # the unique constraint's index starts with it
    )
    currency = models.CharField(_("currency"), max_length=3)
    budget = models.DecimalField(_("budget"), max_digits=20, decimal_places=2, null=True)
    committed = models.DecimalField(_("committed"), max_digits=20, decimal_places=2, null=True)
    disbursed = models.DecimalField(_("disbursed"), max_digits=20, decimal_places=2, null=True)
    expended = models.DecimalField(_("expended"), max_digits=20, decimal_places=2, null=True)
    spent = models.DecimalField(
        _("disbursed and spent"), max_digits=20, decimal_places=2, null=True
    )

    class Meta:
        ordering = ["currency"]
        verbose_name = _("programme money")
        verbose_name_plural = _("programme money")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "currency"], name="programme_money_one_row_per_currency"
            )
        ]
        indexes = [*_money_ordering_indexes("budget"), *_money_ordering_indexes("spent")]

    def __str__(self):
        return f"{self.programme_id} {self.currency}: {self.budget} / {self.spent}"


DAC_5_DIGIT = "1"  # SectorVocabulary: the OECD DAC 5-digit purpose codes of the themes
OWN_VOCABULARIES = {"98", "99"}  # SectorVocabulary: the reporting organisation's own


def _without_share(model, *group: str) -> models.QuerySet:
    """Rows of ``model`` (sectors, recipient countries) of the outer programme without a
    percentage, where another row of the same group (``group`` fields) exists."""
    outer = models.OuterRef("pk")
    others = model.objects.filter(
        programme=models.OuterRef("programme"), **{name: models.OuterRef(name) for name in group}
    ).exclude(pk=models.OuterRef("pk"))
    return model.objects.filter(programme=outer, percentage__isnull=True).filter(
        models.Exists(others)
    )


def activity_sectors(rows, theme_codes) -> list[tuple[str, str, str, object]]:
    """The sectors an activity reports, as (vocabulary, code, name, percentage): its own
    sector rows, and when none is a DAC 5-digit one, the DAC codes of its themes, without a
    percentage (one code needs none; several wait for an editor to give their shares)."""
    sectors = list(rows)
    if not any(vocabulary == DAC_5_DIGIT for vocabulary, *_rest in sectors):
        codes = sorted({code for code in theme_codes if code})
        sectors += [(DAC_5_DIGIT, code, "", None) for code in codes]
    return sectors


def iati_problems_of(
    *, text, has_partner, dates, country_shares, sectors, no_partner=None
) -> list[str]:
    """The rules of an exportable activity, on plain facts: ``Programme.iati_problems()``,
    ``JointWorkProgramme.iati_problems()`` and the IATI export (which reads rows, not model
    instances) all apply them. ``country_shares``: (country, percentage) pairs, or None for
    an activity that reports a region instead; ``sectors``: ``activity_sectors``;
    ``no_partner``: how the missing partner is said (a JWP's are its members)."""
    problems = []
    if not (text or "").strip():
        problems.append(_("no summary or description"))
    if not has_partner:
        problems.append(no_partner or _("no participating organisation"))
    planned_start, actual_start = dates[:2]
    if not (planned_start or actual_start):  # IATI rule 6.11.1: a planned or actual start
        problems.append(_("no start date"))
    if country_shares is not None:
        if not country_shares:
            problems.append(_("no recipient country"))
        elif incomplete_groups(("country", share) for _country, share in country_shares):
            problems.append(_("recipient countries without their percentages"))
    if not sectors:
        problems.append(_("no sector (and no theme with a DAC sector code)"))
    # IATI rule 2.2.1: a code of the reporting organisation's own vocabulary needs its name.
    if any(row[0] in OWN_VOCABULARIES and not row[2] for row in sectors):
        problems.append(_("a sector of our own vocabulary (98, 99) without its name"))
    for vocabulary in incomplete_groups((row[0], row[3]) for row in sectors):
        problems.append(
            _("sectors without their percentages (vocabulary %(vocabulary)s)")
            % {"vocabulary": vocabulary}
        )
    return problems


class ProgrammePartner(TimeStampedModel):
    """A participating organisation in one IATI role. One organisation may hold several roles."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="partners"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="programme_roles",
    )
    role = models.CharField(
        _("role"),
        max_length=1,
        choices=OrganisationRole.choices,
        help_text=_("IATI OrganisationRole."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "organisation__name"]
        verbose_name = _("participating organisation")
        verbose_name_plural = _("participating organisations")
        indexes = [
            models.Index(fields=["organisation", "role"], name="partner_organisation_role_idx")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "organisation", "role"], name="programme_partner_unique_role"
            ),
            models.CheckConstraint(
                condition=Q(role__in=OrganisationRole.values), name="programme_partner_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} — {self.get_role_display()}"


class ProgrammeCountry(models.Model):
    """A recipient country of a programme, with its share of the programme when known. Several
    countries each need one, adding up to 100 (``publishing.shares``); one alone needs none."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="recipient_countries",
    )
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.CASCADE, related_name="+"
    )
    percentage = models.DecimalField(
        _("percentage"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_(
            "This country's share of the programme. Leave empty only while it is not known: "
            "with several countries the IATI file then leaves the programme out."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        # The table Django made for the plain many-to-many relation, kept (migration 0007).
        db_table = "programmes_programme_countries"
        ordering = ["country__name"]
        verbose_name = _("recipient country")
        verbose_name_plural = _("recipient countries")
        unique_together = [("programme", "country")]
        constraints = [
            models.CheckConstraint(
                condition=Q(percentage__isnull=True) | Q(percentage__gte=0, percentage__lte=100),
                name="programme_country_percentage_range",
                violation_error_message=_("A percentage is between 0 and 100."),
            )
        ]

    def __str__(self):
        share = f" ({self.percentage} %)" if self.percentage is not None else ""
        return f"{self.country}{share}"


class ActivityLevel(models.TextChoices):
    COMMUNITY = "community", _("Community")
    LOCAL = "local", _("Local (city)")
    NATIONAL = "national", _("National")


class Activity(TimeStampedModel):
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="activities",
    )
    title = models.CharField(_("title"), max_length=255)
    level = models.CharField(_("level"), max_length=10, choices=ActivityLevel.choices)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "order", "pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=ActivityLevel.values), name="activity_level_valid"
            ),
            models.UniqueConstraint(
                fields=["programme", "title"], name="activity_title_unique_in_programme"
            ),
        ]

    def __str__(self):
        return self.title
