"""Bulk import of programmes and outputs in the admin (django-import-export): the upload and its
dry-run preview, per-row errors, drafts only, all or nothing, and large files as import jobs
(tasks run eagerly: no broker in the tests)."""

import contextlib
import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from jobs import imports, tasks
from jobs.models import ImportFormat, ImportJob, ImportTarget, JobState
from jobs.resources import OutputResource, ProgrammeResource
from jwp.models import Output
from programmes.models import Programme
from publishing.models import WORKFLOW_FIELDS, PublicationStatus
from tests import factories

pytestmark = pytest.mark.django_db

CSV_FORMAT, XLSX_FORMAT = "0", "1"  # the order of BackgroundImportMixin.formats
IMPORTER_PERMISSIONS = (
    "programmes.add_programme",
    "programmes.change_programme",
    "programmes.view_programme",
    "jwp.add_output",
    "jwp.change_output",
    "jwp.view_output",
    "jobs.view_importjob",
)


def staff_with(*permissions):
    user = factories.UserFactory()
    for permission in permissions:
        app_label, codename = permission.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


@pytest.fixture
def importer(client):
    user = staff_with(*IMPORTER_PERMISSIONS)
    client.force_login(user)
    return user


@pytest.fixture
def world():
    """What the files refer to by key: an instrument, themes, countries, a JWP with a phase."""
    jwp = factories.JointWorkProgrammeFactory(slug="global-agendas", published=True)
    return {
        "instrument": factories.InstrumentFactory(slug="country-programmes"),
        "gender": factories.ThemeFactory(slug="gender"),
        "migration": factories.ThemeFactory(slug="migration"),
        "uganda": factories.CountryFactory(iso2="UG", iso3="UGA", name="Uganda"),
        "kenya": factories.CountryFactory(iso2="KE", iso3="KEN", name="Kenya"),
        "jwp": jwp,
        "phase": factories.PhaseFactory(jwp=jwp, number=2),
    }


def programme_row(slug: str, **values) -> dict:
    return {
        "slug": slug,
        "title": f"Programme {slug}",
        "instrument": "country-programmes",
        "iati_identifier": f"XX-TEST-{slug}",
        "summary": "Imported from a spreadsheet.",
        "activity_status": "Implementation",
        "planned_start": "2020-01-01",
        "planned_end": "2022-12-31",
        "budget": "1500000.50",
        "currency": "usd",
        "themes": "gender;migration",
        "countries": "UG; ke",
    } | values


def output_row(slug: str, **values) -> dict:
    return {
        "slug": slug,
        "title": f"Output {slug}",
        "kind": "research-report",
        "date": "2017-05-01",
        "url": "https://example.org/report.pdf",
        "language": "English",
        "jwp": "global-agendas",
        "phase": "2",
        "programme": "",
        "themes": "gender",
    } | values


def csv_upload(rows: list[dict], name: str = "portfolio.csv") -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), content_type="text/csv")


def xlsx_bytes(
    rows: list[dict],
    *,
    dates=frozenset({"planned_start", "planned_end", "date"}),
    numbers=frozenset({"budget", "phase"}),
) -> bytes:
    """As a spreadsheet program writes it: dates as date cells, numbers as numbers (a cell of
    a number column that holds text stays text)."""
    workbook = Workbook()
    sheet = workbook.active
    header = list(rows[0])
    sheet.append(header)
    for row in rows:
        cells = []
        for column in header:
            value = row[column]
            if column in dates and value:
                value = datetime.date.fromisoformat(value)
            elif column in numbers and value:
                with contextlib.suppress(ValueError):
                    value = float(value)
            cells.append(value if value != "" else None)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_upload(rows: list[dict], name: str = "portfolio.xlsx", **columns) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name,
        xlsx_bytes(rows, **columns),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


UPLOADS = {"csv": (csv_upload, CSV_FORMAT), "xlsx": (xlsx_upload, XLSX_FORMAT)}
ADMIN = {"programmes": "admin:programmes_programme", "outputs": "admin:jwp_output"}


def preview(client, target: str, upload: SimpleUploadedFile, format: str):
    return client.post(
        reverse(f"{ADMIN[target]}_import"),
        {"import_file": upload, "format": format, "resource": "0"},
    )


def confirm(client, target: str, preview_response, **kwargs):
    form = preview_response.context["confirm_form"]
    return client.post(reverse(f"{ADMIN[target]}_process_import"), form.initial, **kwargs)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def row_errors(response) -> dict[int, dict[str, list[str]]]:
    return {row.number: row.error_dict for row in response.context["result"].invalid_rows}


# -- upload, preview, confirm ------------------------------------------------------------------


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_programmes_are_previewed_then_created_as_drafts(client, importer, world, format):
    make_upload, format_index = UPLOADS[format]
    blank = dict.fromkeys(programme_row("blank"), "")
    rows = [programme_row("alpha"), blank, programme_row("beta", themes="", countries="KE")]
    response = preview(
        client, "programmes", make_upload(rows, f"programmes.{format}"), format_index
    )

    assert response.status_code == 200
    assert response.context["confirm_form"] is not None
    content = response.content.decode()
    assert "Programme alpha" in content and "Programme beta" in content
    assert "Confirm import" in content
    assert [row.import_type for row in response.context["result"].rows] == ["new", "skip", "new"]
    assert not Programme.objects.exists()  # the dry run left nothing behind

    response = confirm(client, "programmes", response)

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:programmes_programme_changelist")
    alpha, beta = Programme.objects.order_by("slug")
    assert (alpha.slug, beta.slug) == ("alpha", "beta")
    for programme in (alpha, beta):
        assert programme.status == PublicationStatus.DRAFT
        assert programme.published_at is None
    assert alpha.instrument == world["instrument"]
    assert alpha.activity_status == "2"
    assert alpha.planned_start == datetime.date(2020, 1, 1)
    assert alpha.budget == Decimal("1500000.50") and alpha.currency == "USD"
    assert set(alpha.themes.all()) == {world["gender"], world["migration"]}
    assert set(alpha.countries.all()) == {world["uganda"], world["kenya"]}
    assert not beta.themes.exists()
    assert list(beta.countries.all()) == [world["kenya"]]

    entry = alpha.history.get()
    assert entry.history_user == importer
    assert entry.history_change_reason == f"Imported from programmes.{format}"
    assert LogEntry.objects.filter(object_id=str(alpha.pk), action_flag=ADDITION).exists()


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_outputs_are_previewed_then_created_as_drafts(client, importer, world, format):
    make_upload, format_index = UPLOADS[format]
    owner = factories.ProgrammeFactory(slug="owner")
    rows = [
        output_row("toolkit-one", kind="Toolkit"),
        output_row("brief-two", jwp="", phase="", programme="owner", language="fr"),
    ]
    response = preview(client, "outputs", make_upload(rows, f"outputs.{format}"), format_index)
    assert response.context["confirm_form"] is not None
    assert not Output.objects.exists()

    response = confirm(client, "outputs", response)

    assert response.status_code == 302
    toolkit, brief = Output.objects.get(slug="toolkit-one"), Output.objects.get(slug="brief-two")
    assert toolkit.status == brief.status == PublicationStatus.DRAFT
    assert toolkit.kind == "toolkit" and toolkit.date == datetime.date(2017, 5, 1)
    assert (toolkit.jwp, toolkit.phase) == (world["jwp"], world["phase"])
    assert list(toolkit.themes.all()) == [world["gender"]]
    assert (brief.jwp, brief.programme, brief.language) == (None, owner, "fr")
    assert toolkit.history.get().history_user == importer


def test_a_row_updates_the_draft_with_its_slug_and_a_missing_slug_comes_from_the_title(
    client, importer, world
):
    draft = factories.ProgrammeFactory(slug="alpha", title="Old title")
    response = preview(
        client, "programmes", csv_upload([{"slug": "alpha", "title": "New"}]), CSV_FORMAT
    )
    assert [row.import_type for row in response.context["result"].rows] == ["update"]
    confirm(client, "programmes", response)

    draft.refresh_from_db()
    assert draft.title == "New"
    assert draft.status == PublicationStatus.DRAFT
    assert draft.summary == "A programme built by a test."  # not a column of the file: kept

    # No slug column at all, and headers as people type them.
    untitled = programme_row("", title="Water for Jinja", iati_identifier="XX-TEST-JINJA")
    untitled = {
        column.replace("_", " ").title().replace(" ", "_"): value
        for column, value in untitled.items()
        if column != "slug"
    }
    assert "Planned_Start" in untitled
    response = preview(client, "programmes", csv_upload([untitled]), CSV_FORMAT)
    confirm(client, "programmes", response)
    assert Programme.objects.get(slug="water-for-jinja").title == "Water for Jinja"


# -- errors in the preview ---------------------------------------------------------------------


def test_the_preview_shows_errors_by_row_and_column_and_offers_no_confirmation(
    client, importer, world
):
    rows = [
        programme_row("good"),
        programme_row("bad-instrument", instrument="no-such-instrument"),
        programme_row("bad-date", planned_start="31/02/2020"),
        programme_row("no-title", title=""),
        programme_row("bad-theme", themes="gender;housing", countries="ZZ"),
        programme_row("ends-early", planned_start="2020-01-01", planned_end="2019-01-01"),
    ]
    response = preview(client, "programmes", csv_upload(rows), CSV_FORMAT)

    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    content = response.content.decode()
    assert "Confirm import" not in content
    errors = row_errors(response)
    assert set(errors) == {2, 3, 4, 5, 6}
    assert errors[2] == {"instrument": ["No instrument has the slug “no-such-instrument”."]}
    assert errors[3] == {"planned_start": ["“31/02/2020” is not a date: write it as YYYY-MM-DD."]}
    assert list(errors[4]) == ["title"]
    assert errors[5] == {
        "themes": ["Unknown thematic focus areas: housing."],
        "countries": ["Unknown countries: ZZ."],
    }
    assert errors[6] == {"planned_end": ["The planned end cannot be before the planned start."]}
    assert "no-such-instrument" in content
    assert not Programme.objects.exists()


def test_output_errors_name_their_column(client, importer, world):
    rows = [
        output_row("no-owner", jwp="", phase=""),
        output_row("no-phase", phase="9"),
        output_row("bad-kind", kind="novel"),
    ]
    response = preview(client, "outputs", csv_upload(rows), CSV_FORMAT)

    errors = row_errors(response)
    assert errors[1] == {"jwp": ["An output belongs to a JWP or a programme."]}
    assert errors[2] == {"phase": ["The JWP “global-agendas” has no phase 9."]}
    assert list(errors[3]) == ["kind"]
    assert response.context.get("confirm_form") is None


@pytest.mark.parametrize(
    ("state", "word"),
    [({"published": True}, "published"), ({"status": PublicationStatus.IN_REVIEW}, "in review")],
)
def test_an_item_in_review_or_published_cannot_be_changed_by_an_import(
    client, importer, world, state, word
):
    live = factories.ProgrammeFactory(slug="live", title="Live title", **state)
    response = preview(
        client,
        "programmes",
        csv_upload([programme_row("new-one"), programme_row("live", title="Overwritten")]),
        CSV_FORMAT,
    )

    assert response.context.get("confirm_form") is None
    assert row_errors(response) == {2: {"slug": [f"“live” is {word}: change it in the admin."]}}
    live.refresh_from_db()
    assert live.title == "Live title"
    assert not Programme.objects.filter(slug="new-one").exists()


def test_a_slug_given_twice_and_unknown_columns_are_errors(client, importer, world):
    response = preview(
        client, "programmes", csv_upload([programme_row("same"), programme_row("same")]), CSV_FORMAT
    )
    assert row_errors(response) == {2: {"slug": ["Row 1 has this slug already: one row per item."]}}

    with_status = [programme_row("sneaky") | {"status": "published", "published_at": "2020-01-01"}]
    response = preview(client, "programmes", csv_upload(with_status), CSV_FORMAT)
    assert response.context.get("confirm_form") is None
    result = response.context["result"]
    [error] = result.base_errors
    assert str(error.error).startswith("Unknown columns: published_at, status.")
    assert not result.error_rows and not result.invalid_rows  # the row itself is fine
    assert "Traceback" not in response.content.decode()
    assert not Programme.objects.exists()


def test_a_file_that_is_not_csv_or_xlsx_is_refused(client, importer, world):
    pdf = SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = preview(client, "programmes", pdf, CSV_FORMAT)
    assert response.status_code == 200
    assert response.context["form"].errors["import_file"] == [
        "Upload a CSV (.csv) or Excel (.xlsx) file; “report.pdf” is neither."
    ]
    assert response.context.get("result") is None

    fake = SimpleUploadedFile("fake.xlsx", b"name,slug\nA,a\n")
    response = preview(client, "programmes", fake, XLSX_FORMAT)
    assert response.context["form"].errors["import_file"] == [
        "This file is not an Excel (.xlsx) workbook."
    ]

    response = preview(client, "programmes", csv_upload([programme_row("a")]), XLSX_FORMAT)
    assert response.context["form"].errors["format"] == ["Choose the format of the file: csv."]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_file_of_more_rows_than_the_limit_is_refused_before_it_is_read(
    client, importer, world, settings, kind
):
    settings.IMPORT_MAX_ROWS = 20
    make, format = UPLOADS[kind]
    rows = [programme_row(f"p{n}") for n in range(21)]
    response = preview(client, "programmes", make(rows), format)
    assert response.context["form"].errors["import_file"] == [
        "This file has more than 20 rows; import it in parts of at most 20."
    ]
    assert response.context.get("result") is None
    response = preview(client, "programmes", make(rows[:20]), format)
    assert response.context["result"] is not None  # 20 items and the header: read


def test_a_workbook_that_unpacks_to_too_much_is_refused(client, importer, world, settings):
    """Repeated cells compress well: a small upload, a large workbook once unpacked."""
    settings.IMPORT_MAX_UNPACKED_BYTES = 200_000
    rows = [programme_row(f"p{n}", summary="x" * 200) for n in range(400)]
    upload = xlsx_upload(rows)
    assert upload.size < settings.IMPORT_MAX_UNPACKED_BYTES
    response = preview(client, "programmes", upload, XLSX_FORMAT)
    assert response.context["form"].errors["import_file"] == [
        "This workbook unpacks to more than 195.3\xa0KB; import it in parts."
    ]


def test_the_preview_shows_the_first_rows_of_a_long_file(client, importer, world, settings):
    settings.IMPORT_PREVIEW_ROWS = 5
    rows = [programme_row(f"p{n}") for n in range(12)]
    response = preview(client, "programmes", csv_upload(rows), CSV_FORMAT)
    page = response.content.decode()
    assert "12 rows are ready to import." in page
    assert "The first 5 are shown below" in page
    assert page.count('<td class="import-type">') == 5
    assert ' style="' not in page  # the Content-Security-Policy allows no inline style


# -- all or nothing at the confirmation ----------------------------------------------------------


def test_an_item_published_after_the_preview_stops_the_whole_import(client, importer, world):
    draft = factories.ProgrammeFactory(slug="gamma", title="Draft title")
    rows = [programme_row("alpha"), programme_row("beta"), programme_row("gamma")]
    response = preview(client, "programmes", csv_upload(rows), CSV_FORMAT)
    assert response.context["confirm_form"] is not None

    Programme.objects.filter(pk=draft.pk).update(
        status=PublicationStatus.PUBLISHED, published_at=timezone.now()
    )
    response = confirm(client, "programmes", response)

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:programmes_programme_import")
    [message] = messages_of(response)
    assert message.startswith("Nothing was imported")
    assert "Row 3, slug: “gamma” is published: change it in the admin." in message
    assert set(Programme.objects.values_list("slug", flat=True)) == {"gamma"}
    draft.refresh_from_db()
    assert draft.title == "Draft title"


def test_a_database_error_in_row_3_rolls_back_rows_1_and_2(client, importer, world):
    rows = [programme_row("alpha"), programme_row("beta"), programme_row("gamma")]
    response = preview(client, "programmes", csv_upload(rows), CSV_FORMAT)
    assert response.context["confirm_form"] is not None
    with connection.cursor() as cursor:  # a rule only PostgreSQL knows, past full_clean()
        cursor.execute(
            "ALTER TABLE programmes_programme"
            " ADD CONSTRAINT no_gamma_for_this_test CHECK (slug <> 'gamma')"
        )

    response = confirm(client, "programmes", response)

    [message] = messages_of(response)
    assert "Row 3: " in message and "no_gamma_for_this_test" in message
    assert not Programme.objects.exists()
    assert not LogEntry.objects.exists()


def test_confirming_the_same_upload_twice_imports_it_once(client, importer, world):
    response = preview(client, "programmes", csv_upload([programme_row("alpha")]), CSV_FORMAT)
    confirm(client, "programmes", response)
    again = confirm(client, "programmes", response)

    assert again.status_code == 302
    assert messages_of(again)[-1] == "This upload was imported already, or is gone."
    assert Programme.objects.count() == 1


# -- large files: import jobs --------------------------------------------------------------------


def test_a_large_file_is_imported_by_a_job(
    client, importer, world, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_ASYNC_ROWS = 2
    factories.ProgrammeFactory(slug="delta", title="Old")
    rows = [programme_row(slug) for slug in ("alpha", "beta", "gamma", "delta")]
    response = preview(client, "programmes", xlsx_upload(rows, "big.xlsx"), XLSX_FORMAT)
    assert "imported in the background" in response.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client, "programmes", response)

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:jobs_importjob_change", args=[job.pk])
    assert (job.state, job.target, job.format) == (JobState.DONE, "programmes", "xlsx")
    assert (job.rows, job.new_count, job.update_count, job.error_count) == (4, 3, 1, 0)
    assert job.requested_by == importer and job.original_filename == "big.xlsx"
    assert job.finished_at is not None and job.progress == 100
    assert set(Programme.objects.drafts().values_list("slug", flat=True)) == {
        "alpha",
        "beta",
        "gamma",
        "delta",
    }
    assert Programme.objects.get(slug="delta").title == "Programme delta"
    assert Programme.objects.get(slug="alpha").history.get().history_user == importer
    assert LogEntry.objects.filter(user=importer).count() == 4

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "big.xlsx" in page.content.decode()


def make_job(user, rows: list[dict], target=ImportTarget.PROGRAMMES) -> ImportJob:
    data = csv_upload(rows).read()
    return imports.import_job_create(
        user=user,
        target=target,
        format=ImportFormat.CSV,
        filename="jobs.csv",
        data=data,
        rows=len(rows),
    )


def test_running_an_import_job_twice_imports_once(importer, world):
    job = make_job(importer, [programme_row("alpha"), programme_row("beta")])

    assert tasks.run_import(str(job.pk)) == JobState.DONE
    assert tasks.run_import(str(job.pk)) is None

    job.refresh_from_db()
    assert (job.state, job.new_count) == (JobState.DONE, 2)
    assert Programme.objects.count() == 2
    assert Programme.history.count() == 2


def test_a_failing_job_records_the_errors_and_saves_nothing(importer, world):
    rows = [output_row("one"), output_row("two"), output_row("three", jwp="no-such-jwp", phase="")]
    job = make_job(importer, rows, target=ImportTarget.OUTPUTS)

    job = imports.import_job_run(job_id=job.pk)

    assert job.state == JobState.FAILED
    assert job.error == (
        "Nothing was imported.\nRow 3, jwp: No Joint Work Programme has the slug “no-such-jwp”."
    )
    assert (job.new_count, job.update_count, job.error_count) == (0, 0, 1)
    assert job.finished_at is not None
    assert not Output.objects.exists()


def test_a_job_with_an_unreadable_file_fails(importer, world):
    job = imports.import_job_create(
        user=importer,
        target=ImportTarget.PROGRAMMES,
        format=ImportFormat.XLSX,
        filename="broken.xlsx",
        data=b"not a workbook",
        rows=1,
    )
    job = imports.import_job_run(job_id=job.pk)
    assert job.state == JobState.FAILED
    assert job.error.startswith("BadZipFile")


def test_the_import_job_admin_lists_jobs_read_only(client, importer, world):
    job = make_job(importer, [programme_row("alpha")])
    imports.import_job_run(job_id=job.pk)
    failed = make_job(importer, [programme_row("beta", instrument="nope")])
    imports.import_job_run(job_id=failed.pk)
    other = make_job(factories.UserFactory(), [programme_row("gamma")])

    response = client.get(reverse("admin:jobs_importjob_changelist"))
    assert response.status_code == 200
    assert set(response.context["cl"].result_list) == {job, failed}  # their own jobs only
    content = response.content.decode()
    assert "jobs.csv" in content
    assert "Nothing was imported. Row 1, instrument: No instrument has the slug" in content

    response = client.get(reverse("admin:jobs_importjob_change", args=[job.pk]))
    assert response.status_code == 200
    assert b'name="_save"' not in response.content
    assert client.get(reverse("admin:jobs_importjob_change", args=[other.pk])).status_code == 302


# -- who may import ------------------------------------------------------------------------------


def test_staff_without_the_add_permission_cannot_import(client, world):
    client.force_login(staff_with("programmes.view_programme", "programmes.change_programme"))
    changelist = client.get(reverse("admin:programmes_programme_changelist"))
    assert changelist.status_code == 200
    assert reverse("admin:programmes_programme_import") not in changelist.content.decode()

    assert client.get(reverse("admin:programmes_programme_import")).status_code == 403
    upload = {"import_file": csv_upload([programme_row("a")]), "format": CSV_FORMAT}
    assert client.post(reverse("admin:programmes_programme_import"), upload).status_code == 403
    assert client.post(reverse("admin:programmes_programme_process_import")).status_code == 403
    assert not Programme.objects.exists()


def test_importers_see_the_import_link_and_the_columns(client, importer):
    changelist = client.get(reverse("admin:jwp_output_changelist"))
    assert reverse("admin:jwp_output_import") in changelist.content.decode()
    page = client.get(reverse("admin:jwp_output_import")).content.decode()
    assert "<code>phase</code>" in page and "imported in the background" in page


def test_no_import_column_is_a_workflow_field_and_every_column_is_explained():
    for resource in (ProgrammeResource, OutputResource):
        columns = [field.column_name for field in resource().get_import_fields()]
        assert not set(columns) & {*WORKFLOW_FIELDS, "id"}
        assert list(resource.column_help) == columns


def test_stale_queued_import_jobs_are_sent_again(importer, world):
    stale = make_job(importer, [programme_row("alpha")])
    fresh = make_job(importer, [programme_row("beta")])
    ImportJob.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=30)
    )
    assert tasks.requeue_stale_jobs.delay().get() == {"exports": 0, "imports": 1}
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.state == JobState.DONE and fresh.state == JobState.QUEUED
    assert list(Programme.objects.values_list("slug", flat=True)) == ["alpha"]


def test_cleanup_removes_old_import_files_and_unconfirmed_previews(importer, world, settings):
    from publishing.storage import private_storage

    settings.EXPORT_RETENTION_DAYS = 7
    old = imports.import_job_run(job_id=make_job(importer, [programme_row("alpha")]).pk)
    recent = imports.import_job_run(job_id=make_job(importer, [programme_row("beta")]).pk)
    ImportJob.objects.filter(pk=old.pk).update(
        finished_at=timezone.now() - datetime.timedelta(days=8)
    )
    old_path = old.file.path
    preview = private_storage.save("import-uploads/left-behind", io.BytesIO(b"title\n"))
    assert tasks.cleanup_job_files.delay().get()["imports"] == 1  # the preview is too new
    later = timezone.now() + datetime.timedelta(days=2)
    assert imports.import_files_cleanup(now=later) == 1  # now the preview goes too
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.file and old.state == JobState.DONE and old.new_count == 1
    assert recent.file and private_storage.exists(recent.file.name)
    assert not private_storage.exists(preview)
    import os

    assert not os.path.exists(old_path)
