"""Browser tests: the public site in headless Chromium (Debian's), driven by Playwright.

One browser for the whole session, a fresh context and page for each test. Each test gets the
live server with the portfolio loaded into its (transactional) database.

Without a ``chromium`` on PATH, or without axe-core in node_modules/, the tests skip; with
``CI`` set they fail instead. ``scripts/testenv.sh`` installs Chromium and npm, and
``make test`` runs ``npm ci``.
"""

import io
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tests import missing_prerequisite

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 900}
AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium")
    if executable is None:
        missing_prerequisite(
            "no `chromium` on PATH: run the tests through `make test` (scripts/testenv.sh "
            "installs Debian's chromium) or `sudo apt-get install chromium`"
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread, and Django refuses
    # ORM calls from a thread with a running loop. The tests and their fixtures only call the
    # ORM while Playwright waits (the live server answers in its own thread), so the check is
    # lifted while the browser is open, and only then.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()


@pytest.fixture
def portfolio(live_server, django_db_reset_sequences):
    """The real portfolio (``load_portfolio``), in the database the live server reads.

    With the sequences reset, every test gets the same primary keys, so that a page renders
    the same way in each test and each run (a query without ORDER BY included).
    """
    call_command("load_portfolio", stdout=io.StringIO())


def _new_context(browser, live_server, **options):
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-GB",
        timezone_id="UTC",
        reduced_motion="reduce",
        **{"viewport": DESKTOP, **options},
    )
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def new_context(browser, live_server, portfolio):
    """Make more browser contexts (other viewports); all are closed after the test."""
    contexts = []

    def make(**options):
        contexts.append(_new_context(browser, live_server, **options))
        return contexts[-1]

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(browser, live_server, portfolio):
    """A fresh desktop-sized page on the live server (relative URLs work). The test fails if
    any response was a server error, the page raised a JavaScript error, or the
    Content-Security-Policy refused anything."""
    context = _new_context(browser, live_server)
    page = context.new_page()
    problems = []

    def on_response(response):
        if response.status >= 500:
            problems.append(f"{response.status} from {response.url}")

    def on_console(message):
        # Chromium reports what the Content-Security-Policy refused on the console.
        if "Content Security Policy" in message.text:
            problems.append(f"CSP on {page.url}: {message.text}")

    page.on("response", on_response)
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    page.on("console", on_console)
    yield page
    context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="session")
def axe_script() -> Path:
    if not AXE_SCRIPT.is_file():
        missing_prerequisite(f"{AXE_SCRIPT} is missing: run `npm ci` (make test does)")
    return AXE_SCRIPT
