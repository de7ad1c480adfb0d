"""API tokens of partners (and staff): the database keeps a SHA-256 hash of each key and its
first characters, never the key. A token names its owner and what it is for, and records when
it was issued, when it expires, when it was last used and whether it was revoked."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PREFIX_LENGTH = 8


class TokenState(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class APITokenQuerySet(models.QuerySet):
    def active(self, now=None):
        now = now or timezone.now()
        return self.filter(
            models.Q(expires__isnull=True) | models.Q(expires__gt=now), revoked_at__isnull=True
        )

    def expired(self, now=None):
        return self.filter(expires__lte=now or timezone.now(), revoked_at__isnull=True)

    def revoked(self):
        return self.filter(revoked_at__isnull=False)


class APIToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
        help_text=_("The partner's (or staff member's) account the token signs in as."),
    )
    name = models.CharField(
        _("name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “UN-Habitat nightly sync”."),
    )
    prefix = models.CharField(
        _("prefix"),
        max_length=PREFIX_LENGTH,
        db_index=True,
        editable=False,
        help_text=_("The first characters of the key, to tell tokens apart."),
    )
    digest = models.CharField(_("SHA-256 of the key"), max_length=64, unique=True, editable=False)
    created = models.DateTimeField(_("issued"), default=timezone.now, editable=False)
    expires = models.DateTimeField(
        _("expires"),
        null=True,
        blank=True,
        help_text=_("After this moment the token is refused."),
    )
    last_used = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = APITokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]
        # Issuing, listing and revoking are one permission, given to nobody by default (the
        # editorial groups do not have it): superusers, and whom they grant it to.
        default_permissions = ()
        permissions = [("manage_apitoken", _("Can issue, list and revoke API tokens"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires__isnull=True)
                | models.Q(expires__gt=models.F("created")),
                name="apitokens_apitoken_expires_after_created",
                violation_error_message=_("A token must expire after it was issued."),
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True)
                | models.Q(revoked_at__gte=models.F("created")),
                name="apitokens_apitoken_revoked_after_created",
                violation_error_message=_("A token cannot be revoked before it was issued."),
            ),
        ]

    def __str__(self):
        return f"{self.prefix}… ({self.name}, {self.user})"

    def state(self, now=None) -> TokenState:
        if self.revoked_at is not None:
            return TokenState.REVOKED
        if self.expires is not None and self.expires <= (now or timezone.now()):
            return TokenState.EXPIRED
        return TokenState.ACTIVE
