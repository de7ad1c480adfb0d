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
def _media_root(settings, tmp_path):
    """Uploaded files of each test go to a folder of their own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
