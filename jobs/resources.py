"""What a spreadsheet of programmes or outputs looks like to the bulk import in the admin
(django-import-export): one row per item, identified by its ``slug``, with the keys an editor
knows instead of database ids (an instrument's slug, themes as ``gender;migration``,
countries as ``UG;KE``). ``SpreadsheetResource`` is what every import shares, the transactions'
too (``jobs.transaction_import``).

An import of programmes or outputs only ever writes drafts. A new row becomes a draft; a row
whose slug is an existing draft updates it; a row whose slug is an item in review or published
is an error, so a file can never change what the public sees. The workflow fields
(``WORKFLOW_FIELDS``) are not columns, and an unknown column is an error rather than silently
ignored. Each row is validated as the admin's form validates it: the model's ``full_clean()``,
with the message of a check constraint reported under its column.
"""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from jwp.models import JointWorkProgramme, Output, OutputKind
from jwp.services import OUTPUT_CONSTRAINT_FIELDS
from programmes.iati_codes import ActivityStatus, Currency
from programmes.models import City, Country, Programme
from programmes.services import PROGRAMME_CONSTRAINT_FIELDS
from publishing.models import Language, PublicationStatus
from publishing.services import content_full_clean, content_save
from windows.models import Instrument, Theme

from .widgets import (
    AmountWidget,
    ChoiceWidget,
    IsoDateWidget,
    NaturalKeyListWidget,
    NaturalKeyWidget,
    PhaseWidget,
    header_name,
    normalised,
)

HISTORY_REASON_LENGTH = 100  # simple-history's history_change_reason column


# -- resources ---------------------------------------------------------------------------------


class SpreadsheetResource(resources.ModelResource):
    """What every bulk import shares: keys instead of ids, a header row checked before any
    row, the model's validation, writes through ``content_save`` as the importing account, and
    who imported (and from which file) in the change history."""

    WIDGETS_MAP = {
        **resources.ModelResource.WIDGETS_MAP,
        "TextField": widgets.CharWidget,
        "DateField": IsoDateWidget,
        "DecimalField": AmountWidget,
    }

    #: Check constraint name -> the column its message is reported under.
    constraint_fields: Mapping[str, str] = {}
    #: Column -> what goes in it, shown above the upload form.
    column_help: Mapping[str, str] = {}
    #: Columns a file must have, whatever its rows hold.
    required_columns: tuple[str, ...] = ()

    def get_queryset(self):
        # The row of an item the file updates stays locked until the import's transaction
        # ends: nobody can publish it between the checks of the row and its save.
        return self._meta.model.objects.select_for_update()

    def before_import(self, dataset, **kwargs):
        """Checks the header row. The rows are still read after a refused header, so that the
        preview lists every problem of the file at once."""
        headers = [header_name(header) for header in dataset.headers or []]
        known = {field.column_name for field in self.get_import_fields()}
        problems = []
        unknown = sorted({header for header in headers if header and header not in known})
        if unknown:
            problems.append(
                _("Unknown columns: %(unknown)s. The columns are: %(known)s.")
                % {"unknown": ", ".join(unknown), "known": ", ".join(self.column_help)}
            )
        twice = sorted({header for header in headers if header and headers.count(header) > 1})
        if twice:
            problems.append(_("Columns given twice: %s.") % ", ".join(twice))
        missing = [column for column in self.required_columns if column not in headers]
        if missing and dataset.height:
            problems.append(_("Missing columns: %s.") % ", ".join(missing))
        for index, header in enumerate(headers):
            if not header and any(
                normalised(value) not in (None, "") for value in dataset.get_col(index)
            ):
                problems.append(_("Column %d has values but no name.") % (index + 1))
        dataset.headers = headers
        if problems:
            raise ValueError(" ".join(problems))

    def before_import_row(self, row, **kwargs):
        for column, value in row.items():
            row[column] = normalised(value)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return all(value in (None, "") for value in row.values())

    def import_instance(self, instance, row, **kwargs):
        """Sets the plain fields, and checks the many-to-many columns now (import-export only
        reads them after saving), so that every problem of a row is reported together."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row, **kwargs)
                except ValueError as error:
                    errors[field.attribute] = [ValidationError(str(error), code="invalid")]
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The services' validation: ``full_clean()`` without the columns that already
        failed, then the check constraints, each reported under its column when it is about
        one."""
        content_full_clean(
            instance,
            constraint_fields=self.constraint_fields,
            errors=import_validation_errors,
            validate_unique=validate_unique,
        )

    def content_owner(self, instance):
        """The publishable item ``instance`` is a row of, if it is one (see ``content_save``)."""
        return None

    def save_instance(self, instance, is_create, row, **kwargs):
        """Through the services, as the importing account: its add or change permission, the
        review rule, and who imported from which file in the history (the row was validated
        by ``validate_instance``)."""
        file_name = kwargs.get("file_name")
        reason = _("Imported from %s") % file_name if file_name else _("Imported")
        content_save(
            instance,
            user=kwargs.get("user"),
            reason=reason[:HISTORY_REASON_LENGTH],
            owner=self.content_owner(instance),
            clean=False,
        )


class DraftImportResource(SpreadsheetResource):
    """What the programme and output imports share: one row per item by its slug, and drafts
    only."""

    def before_import(self, dataset, **kwargs):
        self._rows_of_slug: dict[str, int] = {}
        try:
            super().before_import(dataset, **kwargs)
        finally:
            if "slug" not in (dataset.headers or []) and dataset.height:
                dataset.append_col([""] * dataset.height, header="slug")

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        if not row.get("slug") and row.get("title"):
            max_length = self._meta.model._meta.get_field("slug").max_length
            row["slug"] = slugify(row["title"])[:max_length].strip("-")
        slug = row.get("slug")
        if slug:
            first = self._rows_of_slug.setdefault(slug, kwargs.get("row_number"))
            if first != kwargs.get("row_number"):
                raise ValidationError(
                    {
                        "slug": _("Row %(row)d has this slug already: one row per item.")
                        % {"row": first}
                    }
                )

    def after_init_instance(self, instance, new, row, **kwargs):
        if new:
            instance.status = PublicationStatus.DRAFT
            instance.published_at = None
        elif instance.status != PublicationStatus.DRAFT:
            raise ValidationError(
                {
                    "slug": _("“%(slug)s” is %(status)s: change it in the admin.")
                    % {"slug": instance.slug, "status": instance.get_status_display().lower()}
                }
            )


def _column(model, name: str, widget) -> fields.Field:
    """A column named as the model field it fills; a blank cell takes the field's default."""
    return fields.Field(
        attribute=name,
        column_name=name,
        widget=widget,
        default=model._meta.get_field(name).default,
    )


PROGRAMME_COLUMNS = (
    "slug",
    "title",
    "instrument",
    "iati_identifier",
    "summary",
    "description",
    "activity_status",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "budget",
    "currency",
    "themes",
    "countries",
    "cities",
    "parent",
    "notes",
)


class ProgrammeResource(DraftImportResource):
    instrument = _column(Programme, "instrument", NaturalKeyWidget(Instrument, "slug"))
    activity_status = _column(Programme, "activity_status", ChoiceWidget(ActivityStatus.choices))
    currency = _column(Programme, "currency", ChoiceWidget(Currency.choices))
    themes = _column(Programme, "themes", NaturalKeyListWidget(Theme, "slug"))
    countries = _column(Programme, "countries", NaturalKeyListWidget(Country, "iso2", upper=True))
    cities = _column(Programme, "cities", NaturalKeyListWidget(City, "slug"))
    parent = _column(Programme, "parent", NaturalKeyWidget(Programme, "slug"))

    constraint_fields = PROGRAMME_CONSTRAINT_FIELDS
    column_help = {
        "slug": gettext_lazy(
            "Identifies the programme: a row with the slug of an existing draft updates it. "
            "Left empty, it is made from the title."
        ),
        "title": gettext_lazy("Required."),
        "instrument": gettext_lazy("The instrument's slug, such as country-programmes."),
        "iati_identifier": gettext_lazy("Required and unique."),
        "summary": gettext_lazy("Required; one or two sentences."),
        "description": "",
        "activity_status": gettext_lazy(
            "IATI ActivityStatus, as a code (2) or a name (Implementation)."
        ),
        "planned_start": gettext_lazy("Dates as YYYY-MM-DD."),
        "planned_end": "",
        "actual_start": "",
        "actual_end": "",
        "budget": gettext_lazy("A plain number, such as 1500000.50."),
        "currency": gettext_lazy("ISO 4217 code, such as USD; required with a budget."),
        "themes": gettext_lazy("Theme slugs separated by ;, such as gender;migration."),
        "countries": gettext_lazy("ISO 3166 two-letter codes separated by ;, such as UG;KE."),
        "cities": gettext_lazy("City slugs separated by ;."),
        "parent": gettext_lazy("The parent programme's slug."),
        "notes": gettext_lazy("Internal editorial notes; never published."),
    }

    class Meta:
        model = Programme
        name = gettext_lazy("Programmes")
        fields = PROGRAMME_COLUMNS
        import_order = PROGRAMME_COLUMNS
        export_order = PROGRAMME_COLUMNS
        import_id_fields = ["slug"]
        clean_model_instances = True
        use_transactions = True


OUTPUT_COLUMNS = (
    "slug",
    "title",
    "kind",
    "date",
    "summary",
    "url",
    "language",
    "jwp",
    "phase",
    "programme",
    "themes",
)


class OutputResource(DraftImportResource):
    kind = _column(Output, "kind", ChoiceWidget(OutputKind.choices))
    language = _column(Output, "language", ChoiceWidget(Language.choices))
    jwp = _column(Output, "jwp", NaturalKeyWidget(JointWorkProgramme, "slug"))
    phase = _column(Output, "phase", PhaseWidget())
    programme = _column(Output, "programme", NaturalKeyWidget(Programme, "slug"))
    themes = _column(Output, "themes", NaturalKeyListWidget(Theme, "slug"))

    # An output without an owner is reported under the JWP column, the usual owner.
    constraint_fields = {**OUTPUT_CONSTRAINT_FIELDS, "output_has_owner": "jwp"}
    column_help = {
        "slug": gettext_lazy(
            "Identifies the output: a row with the slug of an existing draft updates it. "
            "Left empty, it is made from the title."
        ),
        "title": gettext_lazy("Required."),
        "kind": gettext_lazy("Required: a code (research-report) or a name (Research report)."),
        "date": gettext_lazy("YYYY-MM-DD."),
        "summary": "",
        "url": gettext_lazy("A link to the output; files are attached in the admin."),
        "language": gettext_lazy("en, fr, es, pt or ar (or the name); English when empty."),
        "jwp": gettext_lazy("The owning Joint Work Programme's slug."),
        "phase": gettext_lazy("The number of a phase of that JWP."),
        "programme": gettext_lazy("The owning programme's slug (or give a JWP)."),
        "themes": gettext_lazy("Theme slugs separated by ;, such as gender;migration."),
    }

    class Meta:
        model = Output
        name = gettext_lazy("Outputs")
        fields = OUTPUT_COLUMNS
        import_order = OUTPUT_COLUMNS
        export_order = OUTPUT_COLUMNS
        import_id_fields = ["slug"]
        clean_model_instances = True
        use_transactions = True
