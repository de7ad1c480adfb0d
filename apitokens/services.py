"""Every write to API tokens: issuing, revoking and recording use. The admin, the
``issue_token`` command, the authentication class and the tests call these."""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from .models import PREFIX_LENGTH, APIToken

KEY_BYTES = 32  # 256 random bits, 43 characters of URL-safe base64


class _Default:
    def __repr__(self):
        return "the default lifetime (API_TOKEN_DAYS)"


DEFAULT_LIFETIME = _Default()


def key_digest(key: str) -> str:
    """What the database keeps of a key. A plain SHA-256 is enough for keys of 160 random bits
    or more (ours, and the old ones moved over): there is nothing to guess a dictionary of,
    and it lets a request find its token by one indexed lookup. Changing it invalidates every
    token, the migrated ones included (apitokens/migrations/0002 hashes the same way)."""
    return hashlib.sha256(key.encode()).hexdigest()


def default_expiry(now: datetime | None = None) -> datetime | None:
    if settings.API_TOKEN_DAYS is None:
        return None
    return (now or timezone.now()) + timedelta(days=settings.API_TOKEN_DAYS)


@transaction.atomic
def token_issue(
    *,
    user: AbstractBaseUser,
    name: str,
    expires: datetime | _Default | None = DEFAULT_LIFETIME,
    issued_by: AbstractBaseUser | None = None,
) -> tuple[APIToken, str]:
    """A new token for ``user`` and its key. The key is returned here once and kept nowhere:
    whoever issues it passes it on. ``expires`` defaults to ``API_TOKEN_DAYS`` from now; a
    token that never expires (``expires=None``) only when that setting is ``none``."""
    now = timezone.now()
    if isinstance(expires, _Default):
        expires = default_expiry(now)
    if expires is None and settings.API_TOKEN_DAYS is not None:
        raise ValidationError(
            {"expires": "A token must expire (tokens without an end need API_TOKEN_DAYS=none)."}
        )
    if expires is not None and expires <= now:
        raise ValidationError({"expires": "The expiry must be in the future."})
    if not user.is_active:
        raise ValidationError({"user": "This account is inactive: its token would be refused."})
    key = secrets.token_urlsafe(KEY_BYTES)
    token = APIToken(
        user=user,
        name=name,
        prefix=key[:PREFIX_LENGTH],
        digest=key_digest(key),
        created=now,
        expires=expires,
        issued_by=issued_by,
    )
    token.full_clean()
    token.save()
    return token, key


@transaction.atomic
def tokens_revoke(*, tokens: models.QuerySet, by: AbstractBaseUser | None) -> list[APIToken]:
    """Revoke those of ``tokens`` not revoked yet (a revoked token stays revoked, with its first
    date); returns them. Revoked tokens are kept, so the admin still lists who had one."""
    now = timezone.now()
    pending = list(
        APIToken.objects.filter(pk__in=tokens.values("pk"), revoked_at__isnull=True)
        .select_for_update()
        .order_by("pk")
    )
    APIToken.objects.filter(pk__in=[token.pk for token in pending]).update(
        revoked_at=now, revoked_by=by
    )
    for token in pending:
        token.revoked_at, token.revoked_by = now, by
    return pending


def token_record_use(*, token: APIToken, now: datetime | None = None) -> bool:
    """Set ``last_used``, at most once per ``API_TOKEN_LAST_USED_INTERVAL`` seconds: a partner
    reading the API all day writes once a minute, not on every request. True if written."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.API_TOKEN_LAST_USED_INTERVAL)
    if token.last_used is not None and token.last_used > stale:
        return False
    # The same condition in the UPDATE: of concurrent requests, one writes.
    written = (
        APIToken.objects.filter(pk=token.pk)
        .filter(models.Q(last_used__isnull=True) | models.Q(last_used__lte=stale))
        .update(last_used=now)
    )
    token.last_used = now
    return bool(written)
