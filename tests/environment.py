"""Loaded by pytest with ``-p tests.environment`` before Django's settings are read.

Tests run with DEBUG off, as production does, so the settings need a key and hosts; both are
made up here for the run and never stored.
"""

import os
import secrets

os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ["DJANGO_READ_DOT_ENV"] = "false"
# Static files come from the apps' folders, as in development: no collectstatic before tests.
os.environ.setdefault("STATIC_MANIFEST", "false")
# The publication version is read from the database when the cache lacks it or a write
# pushes it, never on a timer: a test's query counts do not depend on how long it runs.
os.environ.setdefault("PUBLICATION_VERSION_RECHECK", "0")
# Tests speak plain http to the test client and to their servers, as behind a TLS proxy.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# Two-factor authentication is on by default with DEBUG off; the tests of it turn it on (with
# the settings fixture), the others log staff in without a second factor.
os.environ.setdefault("STAFF_2FA_REQUIRED", "false")
