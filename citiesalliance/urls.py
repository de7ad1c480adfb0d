"""Root URLs: the staff admin and the public site."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from two_factor.urls import urlpatterns as two_factor_urls
from two_factor.views import LoginView

from publishing.admin import review_desk

urlpatterns = [
    # The staff login: password, then a code when the account has two-factor set up.
    path("admin/login/", LoginView.as_view(), name="login"),
    # Two-factor set-up, recovery codes, profile: /admin/account/two_factor/...
    path("admin/", include(two_factor_urls)),
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

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
