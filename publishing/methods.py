"""Which HTTP methods each part of the site takes, before any view runs.

- The API (``/api/``): whatever its views declare (Django REST framework answers 405 itself).
- The admin (``/admin/``): GET, HEAD and POST, the methods of its pages and forms. Its views
  would otherwise answer PUT or DELETE with the page, as if it were GET.
- Everything else, the public site: GET and HEAD. It only reads; a form that changes anything
  lives in the admin or the API.

Anything else is a 405 with the ``Allow`` header.
"""

from django.http import HttpResponseNotAllowed

API_PREFIX = "/api/"
ADMIN_PREFIX = "/admin/"
ADMIN_METHODS = ("GET", "HEAD", "POST")
SITE_METHODS = ("GET", "HEAD")


class AllowedMethodsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(API_PREFIX):
            return self.get_response(request)
        allowed = ADMIN_METHODS if request.path.startswith(ADMIN_PREFIX) else SITE_METHODS
        if request.method not in allowed:
            return HttpResponseNotAllowed(allowed)
        return self.get_response(request)
