"""Staff in the admin, in Chromium, as an editor would work: bulk imports of programmes and of
transactions through their previews, and an export started from the programme list and
downloaded from the export jobs."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from finances.models import Transaction
from jobs.models import ExportJob, JobState
from programmes.models import Programme
from publishing.models import PublicationStatus
from tests import factories
from tests.browser.test_layout import SCREENSHOT_DIR, write_if_changed

pytestmark = pytest.mark.browser

PASSWORD = "browser-test-password-4521"
COLUMNS = [
    "slug",
    "title",
    "instrument",
    "iati_identifier",
    "summary",
    "planned_start",
    "planned_end",
    "themes",
    "countries",
]


@pytest.fixture
def editor_page(page):
    editor = factories.EditorFactory(username="ed", email="ed@example.org")
    editor.set_password(PASSWORD)
    editor.save()
    assert page.goto("/admin/login/").ok
    page.get_by_label("Username").fill("ed")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Portfolio administration")).to_be_visible()
    page.editor = editor
    return page


def write_csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def row(slug: str, **values) -> dict:
    return {
        "slug": slug,
        "title": f"Imported {slug}",
        "instrument": "country-programmes",
        "iati_identifier": f"XX-BROWSER-{slug}",
        "summary": "Arrived in a spreadsheet.",
        "planned_start": "2021-01-01",
        "planned_end": "2023-06-30",
        "themes": "gender;migration",
        "countries": "UG",
    } | values


def test_an_editor_imports_programmes_after_a_preview(editor_page, tmp_path):
    page = editor_page
    page.goto("/admin/programmes/programme/")
    page.get_by_role("link", name="Import", exact=True).click()

    bad = write_csv(tmp_path / "bad.csv", [row("one"), row("two", instrument="no-such")])
    page.locator("input[type=file]").set_input_files(bad)
    page.get_by_label("Format").select_option(label="csv")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("no-such").first).to_be_visible()
    expect(page.get_by_role("button", name="Confirm import")).to_have_count(0)
    write_if_changed(
        SCREENSHOT_DIR / "admin-import-preview.png",
        page.screenshot(full_page=True, animations="disabled", caret="hide"),
    )
    assert not Programme.objects.filter(slug__in=["one", "two"]).exists()

    good = write_csv(tmp_path / "good.csv", [row("one"), row("two")])
    page.locator("input[type=file]").set_input_files(good)
    page.get_by_label("Format").select_option(label="csv")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Imported one").first).to_be_visible()
    page.get_by_role("button", name="Confirm import").click()
    expect(page.locator(".messagelist")).to_contain_text("2 new")

    imported = Programme.objects.filter(slug__in=["one", "two"]).order_by("slug")
    assert [p.status for p in imported] == [PublicationStatus.DRAFT] * 2
    assert set(imported[0].countries.values_list("iso2", flat=True)) == {"UG"}
    assert imported[0].themes.count() == 2


def test_an_editor_imports_transactions_after_a_preview_with_totals_per_currency(
    editor_page, tmp_path
):
    page = editor_page
    draft = factories.ProgrammeFactory(iati_identifier="XX-BROWSER-MONEY", title="Money draft")
    path = tmp_path / "transactions.csv"
    path.write_text(
        "activity,reference,type,date,value,currency,receiver\n"
        "XX-BROWSER-MONEY,INV-1,Disbursement,2024-03-01,120000.50,USD,Kampala\n"
        "XX-BROWSER-MONEY,INV-2,Disbursement,2024-04-01,80000,EUR,Kampala\n",
        encoding="utf-8",
    )
    page.goto("/admin/finances/transaction/")
    page.get_by_role("link", name="Import", exact=True).click()
    page.locator("input[type=file]").set_input_files(path)
    page.get_by_label("Format").select_option(label="csv")
    page.get_by_role("button", name="Submit").click()

    preview = page.locator("table.transaction-preview")
    expect(preview.locator("tbody tr")).to_have_count(2)
    expect(preview).to_contain_text("Money draft")
    totals = page.locator("table.import-totals")
    expect(totals).to_contain_text("120,000.50")
    expect(totals).to_contain_text("80,000.00")
    write_if_changed(
        SCREENSHOT_DIR / "admin-transaction-import-preview.png",
        page.screenshot(full_page=True, animations="disabled", caret="hide"),
    )
    assert not Transaction.objects.filter(programme=draft).exists()

    page.get_by_role("button", name="Confirm import").click()
    expect(page.locator(".messagelist")).to_contain_text("2 new")
    assert set(draft.transactions.values_list("reference", "currency")) == {
        ("INV-1", "USD"),
        ("INV-2", "EUR"),
    }


def test_an_editor_exports_selected_programmes_and_downloads_the_file(editor_page):
    page = editor_page
    chosen = list(Programme.objects.published().order_by("title")[:2])
    page.goto("/admin/programmes/programme/")
    for programme in chosen:
        page.locator(f"input[name=_selected_action][value='{programme.pk}']").check()
    page.locator("select[name=action]").select_option("export_csv")
    page.get_by_role("button", name="Go").click()
    messages = page.locator(".messagelist")
    expect(messages).to_contain_text("Export of 2 programmes")

    messages.get_by_role("link", name="export jobs").click()
    job = ExportJob.objects.get(requested_by=page.editor)
    assert job.state == JobState.DONE  # no broker here: the task ran in the request
    page.goto("/admin/jobs/exportjob/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download", exact=True).click()
    content = Path(download_info.value.path()).read_text(encoding="utf-8")
    titles = [line["title"] for line in csv.DictReader(io.StringIO(content))]
    assert titles == [programme.title for programme in chosen]
