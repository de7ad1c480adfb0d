"""Token authentication that stops guessing: an address whose tokens fail
``API_TOKEN_FAILURE_LIMIT`` times within ``WINDOW`` seconds is answered 429, without a look at
the token, until the window has passed. Counted in the shared cache; without one, not at all
(the API must not fail because Redis does)."""

import logging

from django.conf import settings
from django.core.cache import cache
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

logger = logging.getLogger(__name__)

WINDOW = 10 * 60


def _key(request) -> str:
    return f"api:token-failures:{request.META.get('REMOTE_ADDR', '')}"


class ThrottledTokenAuthentication(TokenAuthentication):
    def authenticate(self, request):
        if "HTTP_AUTHORIZATION" not in request.META:
            return None  # anonymous: nothing to count
        key = _key(request)
        try:
            failures = cache.get(key, 0)
        except Exception as error:
            logger.warning("token failures not counted, the cache is unavailable: %s", error)
            failures = 0
        if failures >= settings.API_TOKEN_FAILURE_LIMIT:
            raise exceptions.Throttled(
                wait=WINDOW, detail="Too many failed token authentications from this address."
            )
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            try:
                if cache.add(key, 1, WINDOW) is False:
                    cache.incr(key)
            except Exception as error:
                logger.warning("token failure not counted, the cache is unavailable: %s", error)
            raise
