"""Two-factor authentication for those who can change what the public sees.

With ``STAFF_2FA_REQUIRED`` on, a Publisher (anyone given a publish permission) or a
superuser whose session is not verified by a device (django-otp's ``is_verified``) reaches only
the login and the two-factor set-up pages. The admin sends them there: to set up an
authenticator app when they have none, to the login's code step when they have one. Anywhere
else (the API's session authentication, the public site) the session counts as anonymous, so
the password alone never carries a Publisher's rights.

Editors may set up two-factor too; the login then asks them for a code as well.
"""

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django_otp import user_has_device

PUBLISH_PREFIX = "publish_"


def requires_verification(user) -> bool:
    """Whether ``user`` must be verified by a second factor (the setting on, and a superuser
    or someone who may publish)."""
    if not (settings.STAFF_2FA_REQUIRED and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    return any(
        perm.partition(".")[2].startswith(PUBLISH_PREFIX) for perm in user.get_all_permissions()
    )


@functools.cache
def _exempt_paths() -> tuple[str, ...]:
    """The login and the set-up pages (and logout) an unverified session may use."""
    return (
        reverse("admin:login"),
        reverse("admin:logout"),
        reverse("admin:jsi18n"),
        reverse("two_factor:setup"),
        reverse("two_factor:qr"),
        reverse("two_factor:setup_complete"),
    )


class StaffVerificationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Without a session cookie there is no one to verify: the session is not even read
        # (reading it would add "Vary: Cookie" to public pages).
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return self.get_response(request)
        user = request.user
        if not requires_verification(user) or user.is_verified() or request.path in _exempt_paths():
            return self.get_response(request)
        if request.path.startswith(reverse("admin:index")):
            return self._to_second_factor(request, user)
        request.user = SimpleLazyObject(AnonymousUser)
        return self.get_response(request)

    def _to_second_factor(self, request, user):
        if not user_has_device(user):
            messages.warning(
                request,
                _(
                    "You may publish, so your account needs two-factor authentication: set "
                    "up an authenticator app to go on."
                ),
            )
            return redirect("two_factor:setup")
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
