"""Settings of the bare project: nothing but a URL configuration."""

import os

SECRET_KEY = "bare-benchmark-only"  # noqa: S105 - serves fixed bytes, holds nothing
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.bare.urls"
USE_I18N = False
USE_TZ = True
DATABASES: dict = {}
BARE_RESPONSES = os.environ.get("BARE_RESPONSES", "")
