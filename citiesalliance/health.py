"""``/healthz`` for load balancers and monitors: the database, the cache and the Celery broker,
each checked for real. 200 when all answer, 503 naming the one that does not.

Served by a middleware at the top of the stack, so that it answers whatever Host header the
load balancer sends (it is not one of ALLOWED_HOSTS when it probes by IP address). It says
which component is down and the kind of error, never the error's text, which can hold
internal addresses."""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

PATH = "/healthz"
BROKER_TIMEOUT = 2.0


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache():
    key = "healthz:probe"
    cache.set(key, "ok", timeout=10)
    if cache.get(key) != "ok":
        raise RuntimeError("the cache did not return what was stored")


def _broker():
    from citiesalliance.celery import app

    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager (no broker: tasks run in the web process)"
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT)
    return None


CHECKS = {"database": _database, "cache": _cache, "broker": _broker}


@never_cache
@require_safe
def healthz(request):
    components, healthy = {}, True
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            note = check()
        except Exception as error:  # any failure means "down"; say which
            healthy = False
            logger.warning("healthz: %s is down: %r", name, error)
            components[name] = {"status": "down", "error": type(error).__name__}
        else:
            components[name] = {"status": "ok"}
            if note:
                components[name]["note"] = note
        components[name]["ms"] = round((time.monotonic() - started) * 1000, 1)
    return JsonResponse(
        {"status": "ok" if healthy else "down", "components": components},
        status=200 if healthy else 503,
    )


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == PATH:
            return healthz(request)
        return self.get_response(request)
