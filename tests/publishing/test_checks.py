"""System checks: a production setting that works on one process and fails quietly on several
is named by ``manage.py check``."""

from django.core import checks


def warning_ids() -> set[str]:
    return {message.id for message in checks.run_checks()}


def test_a_per_process_cache_in_production_is_a_warning(settings):
    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert "publishing.W001" in warning_ids()


def test_redis_or_debug_is_quiet(settings):
    settings.DEBUG = False
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
        }
    }
    assert "publishing.W001" not in warning_ids()
    settings.DEBUG = True
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert "publishing.W001" not in warning_ids()
