"""Review of changes to published content, in Chromium: an Editor edits a published programme
in the admin, the public page keeps the live version, a Publisher reads the diff and approves,
and only then does the public page change. And the API docs, under the Content-Security-Policy
(the page fixture fails on anything the policy refuses)."""

import pytest
from playwright.sync_api import expect

from programmes.models import Programme
from publishing.models import Revision, RevisionStatus
from tests import factories

pytestmark = pytest.mark.browser

PASSWORD = "browser-test-password-7730"


def log_in(page, user):
    user.set_password(PASSWORD)
    user.save()
    page.context.clear_cookies()
    assert page.goto("/admin/login/").ok
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Portfolio administration")).to_be_visible()


def public_title(page, programme) -> str:
    page.context.clear_cookies()
    assert page.goto(programme.get_absolute_url()).ok
    return page.locator("h1").inner_text()


def test_an_editors_change_waits_for_a_publishers_approval(page):
    programme = Programme.objects.published().order_by("title").first()
    live_title = programme.title
    new_title = f"{live_title} (reviewed)"

    log_in(page, factories.EditorFactory(username="ed"))
    page.goto(f"/admin/programmes/programme/{programme.pk}/change/")
    page.locator("#id_title").fill(new_title)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("your change is a pending revision")).to_be_visible()
    revision = Revision.objects.get(status=RevisionStatus.PENDING)
    assert public_title(page, programme) == live_title

    log_in(page, factories.PublisherFactory(username="pub"))
    page.goto("/admin/publishing/revision/")
    page.get_by_role("link", name=live_title).click()
    diff = page.locator("table.revision-diff")
    expect(diff.locator("del")).to_have_text(live_title)
    expect(diff.locator("ins")).to_have_text(new_title)
    page.get_by_role("button", name="Approve and publish the change").click()
    expect(page.get_by_text("Approved: the change is live.")).to_be_visible()
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.APPROVED
    assert public_title(page, programme) == new_title


def test_the_api_docs_work_under_the_content_security_policy(page):
    assert page.goto("/api/v1/docs/").ok
    expect(page.locator(".opblock").first).to_be_visible()
    expect(page.get_by_text("/api/v1/programmes/", exact=True).first).to_be_visible()
