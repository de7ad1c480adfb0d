"""Bulk import of transactions in the admin: the dry-run preview (each row, the counts, totals
per currency and type), all or nothing with every error by row and column, re-imports that
change nothing, the review rule of published activities, and large files as import jobs."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from finances.models import Transaction
from jobs import imports
from jobs.models import ImportFormat, ImportJob, ImportTarget, JobState
from jobs.transaction_import import TRANSACTION_COLUMNS, TransactionResource
from programmes.models import Programme
from publishing.models import PublicationStatus
from tests import factories
from tests.jobs.test_imports import CSV_FORMAT, XLSX_FORMAT, csv_upload, messages_of
from tests.jobs.test_imports import xlsx_upload as workbook_upload

pytestmark = pytest.mark.django_db

IMPORT = "admin:finances_transaction_import"
PROCESS = "admin:finances_transaction_process_import"


@pytest.fixture
def world():
    """Activities in every state, and organisations of ours that a file names."""
    return {
        "draft": factories.ProgrammeFactory(iati_identifier="XX-CA-DRAFT", title="Draft one"),
        "review": factories.ProgrammeFactory(
            iati_identifier="XX-CA-REVIEW", status=PublicationStatus.IN_REVIEW
        ),
        "live": factories.ProgrammeFactory(
            iati_identifier="XX-CA-LIVE", title="Live one", published=True
        ),
        "jwp": factories.JointWorkProgrammeFactory(iati_identifier="XX-CA-JWP"),
        "habitat": factories.OrganisationFactory(name="UN-Habitat", iati_ref="XM-DAC-41120"),
        "kampala": factories.OrganisationFactory(name="Kampala Capital City Authority"),
        "uganda": factories.CountryFactory(iso2="UG", iso3="UGA", name="Uganda"),
    }


@pytest.fixture
def editor(client):
    user = factories.EditorFactory()
    client.force_login(user)
    return user


@pytest.fixture
def publisher(client):
    user = factories.PublisherFactory()
    client.force_login(user)
    return user


def row(activity="XX-CA-DRAFT", **values) -> dict:
    """A line of the file, with every column (empty unless given)."""
    return (
        dict.fromkeys(TRANSACTION_COLUMNS, "")
        | {
            "activity": activity,
            "type": "Disbursement",
            "date": "2024-03-01",
            "value": "100000.00",
            "currency": "USD",
        }
        | values
    )


def xlsx_upload(rows: list[dict], name: str = "transactions.xlsx") -> SimpleUploadedFile:
    return workbook_upload(rows, name, dates={"date", "value_date"}, numbers={"value", "type"})


UPLOADS = {"csv": (csv_upload, CSV_FORMAT), "xlsx": (xlsx_upload, XLSX_FORMAT)}


def preview(client, rows: list[dict], format: str = "csv", name: str | None = None):
    make_upload, format_index = UPLOADS[format]
    upload = make_upload(rows, name or f"transactions.{format}")
    return client.post(reverse(IMPORT), {"import_file": upload, "format": format_index})


def confirm(client, preview_response, **kwargs):
    form = preview_response.context["confirm_form"]
    return client.post(reverse(PROCESS), form.initial, **kwargs)


def actions(response) -> list[str]:
    return [row.action for row in response.context["import_summary"].rows]


def row_errors(response) -> dict[int, dict[str, list[str]]]:
    return {row.number: row.error_dict for row in response.context["result"].invalid_rows}


def totals(response) -> list[tuple]:
    return [
        (total.currency, total.type, total.rows, total.value)
        for total in response.context["import_summary"].totals
    ]


FILE = [
    row(
        reference="INV-1",
        provider="XM-DAC-41120",  # our organisation, by its IATI reference in the name column
        receiver="kampala capital city authority",  # ours, by its name in another case
        description="First tranche",
        sector_vocabulary="1",
        sector_code="43030",
        recipient_country="ug",
        flow_type="10",
        finance_type="110",
        aid_type="C01",
        tied_status="5",
        humanitarian="yes",
    ),
    row(type="4", value="-2500.50", value_date="2024-02-15", receiver="A consultancy"),
    row("XX-CA-JWP", type="Incoming Funds", value="75000", currency="eur", provider_ref="GB-1"),
    row(
        "XX-CA-JWP",
        reference="GRANT-7",
        type="11",
        value="25000",
        currency="EUR",
        provider="A Foundation",
        provider_ref="XI-IATI-FOUNDATION",
    ),
    dict.fromkeys(row(), ""),  # an empty line
]


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_transactions_are_previewed_then_imported(client, editor, world, format):
    response = preview(client, FILE, format)

    assert response.status_code == 200
    assert response.context["confirm_form"] is not None
    assert actions(response) == ["new", "new", "new", "new", "empty"]
    assert response.context["import_summary"].counts == {
        "new": 4,
        "update": 0,
        "unchanged": 0,
        "empty": 1,
        "error": 0,
    }
    assert totals(response) == [
        ("EUR", "Incoming Funds", 1, Decimal("75000")),
        ("EUR", "Incoming Commitment", 1, Decimal("25000")),
        ("USD", "Disbursement", 1, Decimal("100000.00")),
        ("USD", "Expenditure", 1, Decimal("-2500.50")),
    ]
    page = response.content.decode()
    assert "Confirm import" in page and "Draft one" in page
    assert "UN-Habitat → Kampala Capital City Authority" in page
    assert "100,000.00" in page and "75,000.00" in page and "175,000" not in page
    assert not Transaction.objects.exists()  # the dry run wrote nothing
    assert not Transaction.history.exists()

    response = confirm(client, response)

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:finances_transaction_changelist")
    first, correction = world["draft"].transactions.order_by("pk")
    assert (first.reference, first.type, first.date) == ("INV-1", "3", datetime.date(2024, 3, 1))
    assert (first.value, first.currency, first.value_date) == (
        Decimal("100000.00"),
        "USD",
        datetime.date(2024, 3, 1),  # the date, when the value date is empty
    )
    assert first.provider_organisation == world["habitat"]
    assert first.receiver_organisation == world["kampala"]
    assert (first.provider_name, first.provider_ref, first.receiver_name) == ("", "", "")
    assert (first.sector_vocabulary, first.sector_code) == ("1", "43030")
    assert first.recipient_country == world["uganda"]
    assert (first.flow_type, first.finance_type, first.aid_type, first.tied_status) == (
        "10",
        "110",
        "C01",
        "5",
    )
    assert first.humanitarian is True and first.description == "First tranche"
    assert (correction.type, correction.value) == ("4", Decimal("-2500.50"))
    assert correction.value_date == datetime.date(2024, 2, 15)
    assert correction.receiver_organisation is None
    assert correction.receiver_party == {"name": "A consultancy", "ref": ""}
    incoming, grant = world["jwp"].transactions.order_by("pk")
    assert (incoming.currency, incoming.provider_party) == ("EUR", {"name": "", "ref": "GB-1"})
    assert grant.provider_party == {"name": "A Foundation", "ref": "XI-IATI-FOUNDATION"}
    assert Transaction.objects.count() == 4

    entry = first.history.get()
    assert entry.history_user == editor
    assert entry.history_change_reason == f"Imported from transactions.{format}"
    assert LogEntry.objects.filter(object_id=str(first.pk), action_flag=ADDITION).exists()


def test_one_bad_row_stops_the_import_and_every_error_names_its_row_and_column(
    client, editor, world
):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    rows = [
        row(reference="GOOD-1"),
        row(date=tomorrow),
        row("XX-NO-SUCH", value="12,50"),
        row(sector_code="43030"),
        row(type="Grant", currency="DOLLARS", recipient_country="ZZ", humanitarian="maybe"),
        row(activity="", reference="ORPHAN"),
        row(value="7", provider="UN-Habitat", provider_ref="XM-DAC-99999"),
    ]
    response = preview(client, rows)

    assert response.context.get("confirm_form") is None
    errors = row_errors(response)
    assert errors == {
        2: {
            "date": ["A transaction cannot be in the future: enter it as a planned disbursement."],
            "value_date": ["The value date cannot be in the future."],
        },
        3: {
            "activity": ["No programme or JWP has the IATI identifier “XX-NO-SUCH”."],
            "value": ["“12,50” is not a number: write it as 1500000.50."],
        },
        4: {"sector_vocabulary": ["Give the vocabulary of the sector code."]},
        5: {
            "type": ["“Grant” is not allowed here. Use a code such as 1."],
            "currency": ["“DOLLARS” is not allowed here. Use a code such as AED."],
            "recipient_country": ["No country has the ISO 3166-1 alpha-2 “ZZ”."],
            "humanitarian": ["“maybe” is not yes or no: write 1 or 0 (or yes, no)."],
        },
        6: {"activity": ["Required: the IATI identifier of a programme or a JWP."]},
        7: {
            "provider": [
                "“UN-Habitat” is one of our organisations, with the IATI reference "
                "XM-DAC-41120, not XM-DAC-99999."
            ]
        },
    }
    assert actions(response) == ["new", *["error"] * 6]
    summary = response.context["import_summary"]
    assert summary.counts["error"] == 6
    assert totals(response) == [("USD", "Disbursement", 1, Decimal("100000.00"))]
    page = response.content.decode()
    assert "Nothing can be imported from this file." in page
    assert "Row 3, activity: No programme or JWP has the IATI identifier" in page
    assert "Row 4, sector_vocabulary: Give the vocabulary of the sector code." in page
    assert "Totals of the rows without errors" in page
    assert "Traceback" not in page and ' style="' not in page
    assert not Transaction.objects.exists()


def test_a_file_without_a_required_column_is_refused_as_a_whole(client, editor, world):
    rows = [{"activity": "XX-CA-DRAFT", "type": "3", "date": "2024-01-01", "value": "1"}]
    response = preview(client, rows)

    [error] = response.context["result"].base_errors
    assert str(error.error) == "Missing columns: currency."
    assert response.context.get("confirm_form") is None
    assert "Missing columns: currency." in response.content.decode()


# -- re-importing ----------------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(client, editor, world):
    confirm(client, preview(client, FILE))
    assert Transaction.objects.count() == 4
    history = Transaction.history.count()

    again = preview(client, FILE, "xlsx")  # the same rows, as a workbook this time
    assert actions(again) == ["unchanged"] * 4 + ["empty"]
    assert again.context["import_summary"].counts["unchanged"] == 4
    assert len(totals(again)) == 4  # the file's totals, whether or not they change anything
    confirm(client, again)

    assert Transaction.objects.count() == 4
    assert Transaction.history.count() == history


def test_a_row_updates_its_transaction_by_reference_or_by_its_money_without_one(
    client, editor, world
):
    by_reference = factories.TransactionFactory(
        programme=world["draft"], reference="INV-1", value=Decimal("1"), description="Old"
    )
    by_money = factories.TransactionFactory(
        programme=world["draft"], type="4", date=datetime.date(2024, 1, 5), value=Decimal("10")
    )
    other_activity = factories.TransactionFactory(programme=world["review"], reference="INV-1")
    rows = [
        row(reference="INV-1", value="999.00", description="New"),
        row(type="Expenditure", date="2024-01-05", value="10", description="Matched"),
        row(type="Expenditure", date="2024-01-05", value="11"),  # another value: a new one
    ]
    response = preview(client, rows)
    assert actions(response) == ["update", "update", "new"]
    by_reference.refresh_from_db()
    assert by_reference.value == Decimal("1")  # still the dry run

    confirm(client, response)

    by_reference.refresh_from_db()
    by_money.refresh_from_db()
    other_activity.refresh_from_db()
    assert (by_reference.value, by_reference.description) == (Decimal("999.00"), "New")
    assert by_money.description == "Matched"
    assert other_activity.value == Decimal("50000.00")  # the same reference, another activity
    assert world["draft"].transactions.count() == 3


def test_rows_that_cannot_be_told_apart_are_refused(client, editor, world):
    rows = [row(), row(description="the same payment?"), row(reference="A"), row(reference="A")]
    response = preview(client, rows)
    assert row_errors(response) == {
        2: {
            "reference": [
                "Row 1 is the same transaction (type, date, value and currency) without a "
                "reference: give both rows a reference to import both."
            ]
        },
        4: {"reference": ["Row 3 has this reference for this activity already."]},
    }

    factories.TransactionFactory(programme=world["draft"], reference="TWICE")
    factories.TransactionFactory(programme=world["draft"], reference="TWICE")
    response = preview(client, [row(reference="TWICE")])
    assert row_errors(response) == {
        1: {
            "reference": [
                "“Draft one” has several transactions with this reference: tell them apart "
                "in the admin first."
            ]
        }
    }
    assert Transaction.objects.count() == 2


# -- who may import what -----------------------------------------------------------------------


def test_an_editor_cannot_import_transactions_of_a_published_programme(client, editor, world):
    kept = factories.TransactionFactory(programme=world["live"], reference="KEPT")
    rows = [
        row("XX-CA-REVIEW", reference="R-1"),  # in review: not public, the editor may
        row("XX-CA-JWP", reference="J-1"),
        row("XX-CA-LIVE", reference="L-1"),
        row("XX-CA-LIVE", reference="KEPT", type="3", date="2015-06-01", value="50000.00"),
    ]
    response = preview(client, rows)

    assert response.context.get("confirm_form") is None
    message = (
        "“Live one” is published: only a Publisher may import its transactions. Add them in "
        "its own form instead, where they go to a Publisher for review."
    )
    assert row_errors(response) == {3: {"activity": [message]}}
    assert actions(response) == ["new", "new", "error", "unchanged"]  # no change: no refusal
    assert f"Row 3, activity: {message}" in response.content.decode()
    assert not Transaction.objects.exclude(pk=kept.pk).exists()


def test_a_publisher_imports_transactions_of_a_published_programme(client, publisher, world):
    rows = [row("XX-CA-LIVE", reference="L-1"), row("XX-CA-DRAFT", reference="D-1")]
    response = preview(client, rows)
    assert actions(response) == ["new", "new"]

    confirm(client, response)

    [live] = world["live"].transactions.all()
    assert live.history.get().history_user == publisher
    world["live"].refresh_from_db()
    assert world["live"].status == PublicationStatus.PUBLISHED


def test_a_programme_published_after_the_preview_stops_the_editors_whole_import(
    client, editor, world
):
    rows = [row("XX-CA-JWP", reference="J-1"), row(reference="D-1")]
    response = preview(client, rows)
    assert response.context["confirm_form"] is not None
    Programme.objects.filter(pk=world["draft"].pk).update(
        status=PublicationStatus.PUBLISHED, published_at=timezone.now()
    )

    response = confirm(client, response)

    assert response["Location"] == reverse(IMPORT)
    [message] = messages_of(response)
    assert message.startswith("Nothing was imported: 1 problem appeared since the preview.")
    assert "Row 2, activity: “Draft one” is published: only a Publisher" in message
    assert not Transaction.objects.exists()


def test_the_import_page_explains_the_columns_and_offers_a_template(client, editor, world):
    changelist = client.get(reverse("admin:finances_transaction_changelist"))
    assert reverse(IMPORT) in changelist.content.decode()

    page = client.get(reverse(IMPORT)).content.decode()
    for column in TRANSACTION_COLUMNS:
        assert f"<code>{column}</code>" in page
    assert "Importing the same file again therefore changes" in page
    template_url = reverse("admin:finances_transaction_import_template")
    assert template_url in page

    response = client.get(template_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="transactions-template.csv"' in response["Content-Disposition"]
    assert response.content.decode() == ",".join(TRANSACTION_COLUMNS) + "\r\n"
    assert list(TransactionResource.column_help) == [
        field.column_name for field in TransactionResource().get_import_fields()
    ]


def test_staff_without_the_add_permission_cannot_import_transactions(client, world):
    client.force_login(factories.UserFactory())  # staff, in no group
    assert client.get(reverse(IMPORT)).status_code == 403
    assert client.get(reverse("admin:finances_transaction_import_template")).status_code == 403
    assert client.post(reverse(IMPORT), {"import_file": csv_upload([row()])}).status_code == 403


# -- large files -----------------------------------------------------------------------------


def test_a_large_file_of_transactions_is_imported_by_a_job(
    client, editor, world, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_ASYNC_ROWS = 2
    rows = [row(reference=f"T-{n}") for n in range(3)] + [row("XX-CA-JWP", currency="CHF")]
    response = preview(client, rows, name="big.csv")
    assert "imported in the background" in response.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, response)

    job = ImportJob.objects.get()
    assert (job.state, job.target, job.format) == (JobState.DONE, "transactions", "csv")
    assert (job.rows, job.new_count, job.update_count, job.error_count) == (4, 4, 0, 0)
    assert Transaction.objects.count() == 4
    assert Transaction.objects.get(reference="T-0").history.get().history_user == editor


def test_a_failing_transactions_job_names_row_and_column_and_saves_nothing(editor, world):
    data = csv_upload([row(reference="A"), row(reference="B", currency="XYZ")]).read()
    job = imports.import_job_create(
        user=editor,
        target=ImportTarget.TRANSACTIONS,
        format=ImportFormat.CSV,
        filename="money.csv",
        data=data,
        rows=2,
    )

    job = imports.import_job_run(job_id=job.pk)

    assert job.state == JobState.FAILED
    assert job.error.startswith("Nothing was imported.\nRow 2, currency: “XYZ” is not allowed")
    assert not Transaction.objects.exists()
