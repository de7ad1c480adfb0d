import pytest
from django.conf import settings


def pytest_configure(config):
    """The suite runs on PostgreSQL, as production does: anything else stops the run."""
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        raise pytest.UsageError(
            f"The test suite needs PostgreSQL (set DATABASE_URL, or run `make test`), not {engine}."
        )
    # Hashing a password the production way takes a third of a second, and the factories
    # make hundreds of users; tests only need a hash that checks.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache(django_db_setup, django_db_blocker):
    """Cached pages and aggregates must not carry over from one test to the next. The
    publication version is read into the empty cache at once, as a running site has it, so
    that a test's first request does not count the queries of reading it."""
    from django.core.cache import cache

    from publishing import version

    cache.clear()
    version.forget_process_state()
    with django_db_blocker.unblock():
        version.refresh()


@pytest.fixture(autouse=True)
def _media_root(request, settings, tmp_path):
    """Uploaded files of each test go to a folder of their own (for a module that loaded the
    portfolio once, the folder its files went to)."""
    folder = tmp_path
    if "portfolio_once" in request.fixturenames:
        folder = request.getfixturevalue("portfolio_media")
    settings.MEDIA_ROOT = folder / "media"
    settings.PRIVATE_MEDIA_ROOT = folder / "private-media"


@pytest.fixture(scope="module")
def portfolio_media(tmp_path_factory):
    return tmp_path_factory.mktemp("portfolio")


@pytest.fixture(scope="module")
def portfolio_once(django_db_setup, django_db_blocker, portfolio_media):
    """The real portfolio (``load_portfolio``), loaded once for a module whose tests use it:
    inside a transaction that is rolled back when the module ends, each test in a savepoint
    of its own (as Django's ``setUpTestData``). Returns what the command printed."""
    from io import StringIO

    from django.core.management import call_command
    from django.db import transaction
    from django.test import override_settings

    media = override_settings(
        MEDIA_ROOT=portfolio_media / "media", PRIVATE_MEDIA_ROOT=portfolio_media / "private-media"
    )
    with django_db_blocker.unblock(), media:
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            out = StringIO()
            call_command("load_portfolio", stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
