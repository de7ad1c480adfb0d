"""DRF's throttles, counting in the shared cache; when the cache cannot be reached the request
goes through (reading the public portfolio must not fail because Redis does)."""

import logging

from rest_framework import throttling

logger = logging.getLogger(__name__)


class _FailOpen:
    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception as error:  # the cache server is down or unreachable
            logger.warning("throttle not applied, the cache is unavailable: %s", error)
            return True


class AnonRateThrottle(_FailOpen, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_FailOpen, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(_FailOpen, throttling.ScopedRateThrottle):
    pass
