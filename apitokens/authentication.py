"""``Authorization: Token <key>`` against the hashed tokens of ``apitokens``, and a stop to
guessing: an address whose tokens fail ``API_TOKEN_FAILURE_LIMIT`` times within ``WINDOW``
seconds is answered 429, without a look at the token, until the window has passed. Unknown,
expired and revoked tokens and inactive accounts all count. Counted in the shared cache;
without one, not at all (the API must not fail because Redis does)."""

import datetime
import logging

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .models import APIToken, TokenState
from .services import key_digest, token_record_use

logger = logging.getLogger(__name__)

WINDOW = 10 * 60
ASK_AGAIN = "ask Cities Alliance for a new one"


def _key(request) -> str:
    return f"api:token-failures:{request.META.get('REMOTE_ADDR', '')}"


def _moment(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")


class ThrottledTokenAuthentication(TokenAuthentication):
    """DRF's header parsing and ``WWW-Authenticate: Token`` (and drf-spectacular's
    ``tokenAuth`` scheme), with the key looked up by its hash."""

    keyword = "Token"
    model = APIToken

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

    def authenticate_credentials(self, key):
        """One query (the token with its account), and one UPDATE of ``last_used`` at most
        once a minute."""
        try:
            token = APIToken.objects.select_related("user").get(digest=key_digest(key))
        except APIToken.DoesNotExist:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        now = timezone.now()
        state = token.state(now)
        if state == TokenState.REVOKED:
            raise exceptions.AuthenticationFailed(
                f"This token was revoked on {_moment(token.revoked_at)}: {ASK_AGAIN}."
            )
        if state == TokenState.EXPIRED:
            raise exceptions.AuthenticationFailed(
                f"This token expired on {_moment(token.expires)}: {ASK_AGAIN}."
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        token_record_use(token=token, now=now)
        return (token.user, token)
