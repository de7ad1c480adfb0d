"""Files the public site hands out: an output's file and the Standard Operating Procedures."""

import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from jwp.models import JointWorkProgramme
from publishing.models import Document
from tests.factories import OutputFactory

pytestmark = pytest.mark.browser

SMALL_PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_an_output_file_downloads_from_its_page(page):
    output = OutputFactory(
        published=True,
        title="Browser test: a small report",
        jwp=JointWorkProgramme.objects.get(slug="cities-and-the-global-agendas"),
        file=ContentFile(SMALL_PDF, name="small-report.pdf"),
    )

    assert page.goto(f"/outputs/{output.slug}/").ok
    expect(page.locator("h1")).to_have_text(output.title)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download", exact=True).click()
    download = download_info.value
    assert download.url.endswith(f"/outputs/{output.slug}/download/")
    assert download.suggested_filename == "browser-test-a-small-report.pdf"
    assert Path(download.path()).read_bytes() == SMALL_PDF


def test_the_standard_operating_procedures_download_from_the_footer(page):
    assert page.goto("/").ok
    footer = page.get_by_role("contentinfo")
    with page.expect_download() as download_info:
        footer.get_by_role("link", name="Standard Operating Procedures (PDF)").click()
    download = download_info.value
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"%PDF-")
    assert re.fullmatch(r"[a-z0-9-]+\.pdf", download.suggested_filename)
    with Document.objects.get(slug="standard-operating-procedures").file.open("rb") as stored:
        assert content == stored.read()
