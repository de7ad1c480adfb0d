"""System checks for settings that work on one process and fail quietly on several."""

from django.conf import settings
from django.core import checks

# Caches whose counts and entries one process cannot share with another.
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@checks.register(checks.Tags.security, deploy=False)
def shared_cache_for_throttles(app_configs, **kwargs):
    """The API's throttles count in the default cache: a per-process cache lets each gunicorn
    worker count on its own, multiplying every limit."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if settings.DEBUG or backend not in PER_PROCESS_CACHES:
        return []
    return [
        checks.Warning(
            "The default cache is per process, so throttles count per process.",
            hint="Set REDIS_URL so that every process shares one cache.",
            obj="CACHES['default']",
            id="publishing.W001",
        )
    ]
