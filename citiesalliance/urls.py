"""Root URLs: the staff admin and the public site. No URL serves MEDIA_ROOT or the private
folder: every file goes out through a view that checks who asks (``publishing.files``)."""

from django.contrib import admin
from django.urls import include, path
from two_factor import urls as two_factor
from two_factor.views import LoginView

from publishing.admin import review_desk

urlpatterns = [
    # The staff login (before the admin's own): password, then a code when the account has
    # two-factor set up; and its set-up, recovery codes and profile at
    # /admin/account/two_factor/... (django-two-factor-auth's views, without its own login URL).
    path(
        "admin/",
        include(
            (
                [
                    path("login/", LoginView.as_view(), name="login"),
                    *[route for route in two_factor.core if route.name != "login"],
                    *two_factor.profile,
                ],
                "two_factor",
            )
        ),
    ),
    # Before the admin's own URLs, which would take "review/" for an app's name.
    path("admin/review/", admin.site.admin_view(review_desk), name="review-desk"),
    path("admin/", admin.site.urls),
    path("", include("citiesalliance.api")),
    path("", include("portal.urls")),
    path("", include("programmes.urls")),
    path("", include("jwp.urls")),
    path("", include("jobs.urls")),
]

handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
