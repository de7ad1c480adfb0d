import pytest
from django.conf import settings


def pytest_configure(config):
    """The suite runs on PostgreSQL, as production does: anything else stops the run."""
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        raise pytest.UsageError(
            f"The test suite needs PostgreSQL (set DATABASE_URL, or run `make test`), not {engine}."
        )


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached pages (the sitemap) must not carry over from one test to the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of each test go to a folder of their own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
