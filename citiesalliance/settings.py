"""Settings for the Cities Alliance portfolio: one module, environment variables only.

Development (``make run``) works with no variables set: SQLite, local-memory cache and Celery
tasks run inline. Production sets ``DEBUG=false`` and must then provide ``SECRET_KEY`` and
``ALLOWED_HOSTS`` or the process refuses to start.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if env.bool("DJANGO_READ_DOT_ENV", default=True) and (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if not DEBUG and not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
if DEBUG:
    # Development only: without a key in .env each process gets a random one, which keeps any
    # real secret out of the repository (make run writes a stable key into .env).
    if not SECRET_KEY:
        from django.core.management.utils import get_random_secret_key

        SECRET_KEY = get_random_secret_key()
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "simple_history",
    "import_export",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "two_factor",
    "apitokens",
    "publishing",
    "windows",
    "programmes",
    "jwp",
    "classifications",
    "finances",
    "portal",
    "iati",
    "jobs",
]

MIDDLEWARE = [
    "citiesalliance.health.HealthCheckMiddleware",  # first: answers any Host header
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # Whole anonymous responses from the shared cache, before sessions and views run (a
    # request with a session cookie is never served from it, whatever the order).
    "publishing.cache.PublicCacheMiddleware",
    # Below the cache: a stored response keeps the headers they set.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # 405 for a method the part of the site does not take (the public site only reads),
    # below the headers above so that the refusal carries them too.
    "publishing.methods.AllowedMethodsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Two-factor: whether the session is verified by a device (django-otp).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Holds back an unverified Publisher or superuser when STAFF_2FA_REQUIRED.
    "publishing.verification.StaffVerificationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: answers a locked-out login attempt (django-axes).
    "axes.middleware.AxesMiddleware",
]

# Logins: django-axes counts failed logins by user name and address, and refuses that pair
# for AXES_COOLOFF_MINUTES after AXES_FAILURE_LIMIT failures, the right password included.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"

# Two-factor authentication (django-two-factor-auth over django-otp): staff log in at
# /admin/login/ with their password, then a code from an authenticator app (TOTP) or one of
# their recovery codes. Publishers and superusers must set it up when STAFF_2FA_REQUIRED, on
# by default with DEBUG off (`make run` runs with DEBUG on, so it is off there).
STAFF_2FA_REQUIRED = env.bool("STAFF_2FA_REQUIRED", default=not DEBUG)
LOGIN_URL = "/admin/login/"
LOGIN_REDIRECT_URL = "/admin/"
TWO_FACTOR_LOGIN_TIMEOUT = 600  # seconds between the password and the code
# Failed API token authentications from one address, per 10 minutes, before a 429.
API_TOKEN_FAILURE_LIMIT = env.int("API_TOKEN_FAILURE_LIMIT", default=20)
# Days a new API token is valid by default. Tokens that never expire only when it is set to
# "none" on purpose.
_token_days = env.str("API_TOKEN_DAYS", default="365").strip().lower()
if _token_days == "none":  # noqa: S105 (a number of days, not a password)
    API_TOKEN_DAYS = None
elif _token_days.isdigit() and int(_token_days) > 0:
    API_TOKEN_DAYS = int(_token_days)
else:
    raise ImproperlyConfigured(
        f"API_TOKEN_DAYS must be a whole number of days above 0, or none: {_token_days!r}."
    )
# A token's "last used" is written at most once per this many seconds, so that reading the
# API does not write on every request.
API_TOKEN_LAST_USED_INTERVAL = env.int("API_TOKEN_LAST_USED_INTERVAL", default=60)

ROOT_URLCONF = "citiesalliance.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "citiesalliance.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # No JIT compilation: it takes longer to compile the change feed's correlated query
    # (about 0.9 s) than to run it; the portal's queries are short.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A cache that does not answer must not hold a request up: pages are then served
            # without it (publishing.cache).
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Public responses and aggregates cached under the publication version (publishing.cache and
# publishing.version). The apps whose tables the public reads: a write to any of them changes
# the version.
PUBLIC_CONTENT_APPS = [
    "windows",
    "programmes",
    "jwp",
    "classifications",
    "finances",
    "publishing",
]
PUBLIC_CACHE_ENABLED = env.bool("PUBLIC_CACHE_ENABLED", default=True)
PUBLIC_CACHE_TIMEOUT = env.int("PUBLIC_CACHE_TIMEOUT", default=6 * 60 * 60)
PUBLIC_CACHE_MAX_BYTES = env.int("PUBLIC_CACHE_MAX_BYTES", default=4 * 1024 * 1024)
# Each process keeps copies of recent entries (bytes in all), checked against Redis on every
# request, so a hot page is not carried over the network each time.
PUBLIC_CACHE_LOCAL_BYTES = env.int("PUBLIC_CACHE_LOCAL_BYTES", default=64 * 1024 * 1024)
PUBLIC_CACHE_EXCLUDE = ("/admin/", "/api/v1/exports/", "/downloads/", "/media/", "/static/")
# Seconds between two reads of the version from the database by one process: the bound on
# how long a write that bypassed Django (raw SQL) can go unseen. 0: only when the cache lost it.
PUBLICATION_VERSION_RECHECK = env.float("PUBLICATION_VERSION_RECHECK", default=5.0)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Outputs' and documents' files, export files and the nightly downloads: no URL maps here;
# views check who asks, then serve (publishing.files). MEDIA_ROOT holds nothing of ours any more:
# the files that were there moved here in a migration.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private-media")
# Who sends a private file once a view has allowed it: "" Django streams it; "nginx" answers
# X-Accel-Redirect to PRIVATE_FILES_NGINX_PREFIX + its name (an `internal` location aliased to
# PRIVATE_MEDIA_ROOT); "apache" answers X-Sendfile with its absolute path (mod_xsendfile).
PRIVATE_FILES_SERVER = env.str("PRIVATE_FILES_SERVER", default="")
if PRIVATE_FILES_SERVER not in ("", "nginx", "apache"):
    raise ImproperlyConfigured(
        f'PRIVATE_FILES_SERVER must be "", "nginx" or "apache", not {PRIVATE_FILES_SERVER!r}.'
    )
PRIVATE_FILES_NGINX_PREFIX = env.str("PRIVATE_FILES_NGINX_PREFIX", default="/private-files/")
if not PRIVATE_FILES_NGINX_PREFIX.endswith("/"):
    PRIVATE_FILES_NGINX_PREFIX += "/"
# Hashed, compressed static files in production (needs collectstatic); plain files otherwise.
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
# Uploaded files: outputs and site documents. Anything bigger is refused by the form.
MAX_UPLOAD_SIZE = env.int("MAX_UPLOAD_SIZE", default=50 * 1024 * 1024)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Security defaults; production overrides nothing here but DEBUG, SECRET_KEY and ALLOWED_HOSTS.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HTTPS only, on by default in production: http is redirected, and browsers are told to use
# https for a year (HSTS). Off for make run (DEBUG).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Preloading binds the domain (and its subdomains) to https in every browser for good: the
# operator's choice (SECURE_HSTS_PRELOAD), not a default, so check --deploy does not ask for it.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp, below the public cache): scripts, styles, images and fonts
# from this site only, no inline script anywhere, no plugins, no framing, forms post here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Features no page uses, switched off for every page and anything it embeds.
PERMISSIONS_POLICY = {
    name: []
    for name in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}

# Celery: broker and results in Redis; without REDIS_URL tasks run inline (make run).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 24 * 60 * 60
# A task is acknowledged when it has finished, so a worker that dies (or loses Redis) mid-task
# leaves it on the queue for another; every task is idempotent, so running one twice is safe.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
# An unacknowledged task goes back to the queue after this long (must exceed the time limit).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 5 * 60}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TASK_DEFAULT_QUEUE = "portfolio"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Scheduled work (`make beat`). Times are UTC.
CELERY_BEAT_SCHEDULE = {
    "regenerate-public-files": {
        "task": "jobs.tasks.regenerate_public_files",
        "schedule": crontab(minute=0, hour=2),
    },
    "cleanup-job-files": {
        "task": "jobs.tasks.cleanup_job_files",
        "schedule": crontab(minute=30, hour=3),
    },
    "requeue-stale-jobs": {
        "task": "jobs.tasks.requeue_stale_jobs",
        "schedule": crontab(minute="*/10"),
    },
    "prune-files": {
        "task": "publishing.tasks.prune_files",
        "schedule": crontab(minute=45, hour=3),
    },
    "check-output-links": {
        "task": "jwp.tasks.check_output_links",
        "schedule": crontab(minute=0, hour=4, day_of_week="sunday"),
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(BASE_DIR / "celerybeat-schedule")
)

# Export and import jobs: their files are deleted this many days after the job finished.
EXPORT_RETENTION_DAYS = env.int("EXPORT_RETENTION_DAYS", default=7)
# Weekly link check of outputs: seconds to wait for each HEAD request.
LINK_CHECK_TIMEOUT = env.float("LINK_CHECK_TIMEOUT", default=5.0)
# The link check connects only to public addresses (jwp.links): true lets it reach loopback and
# private networks, for tests with a local server. Never in production.
LINK_CHECK_ALLOW_PRIVATE = env.bool("LINK_CHECK_ALLOW_PRIVATE", default=False)

# E-mail: notifications of the publication workflow. Console in development; production sets
# EMAIL_URL (e.g. smtp+tls://user:password@smtp.example.org:587).
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="portfolio@citiesalliance.invalid")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The portal's public address, for links in e-mails and files made outside a request.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Bulk import in the admin (django-import-export).
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_ASYNC_ROWS = env.int("IMPORT_ASYNC_ROWS", default=200)
# A file with more rows, or an XLSX workbook that unpacks to more bytes, is refused before it
# is read (a small XLSX can unpack to a million rows).
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=5000)
IMPORT_MAX_UNPACKED_BYTES = env.int("IMPORT_MAX_UNPACKED_BYTES", default=50 * 1024 * 1024)
# Rows the preview shows of a valid file (problems are always listed, all of them).
IMPORT_PREVIEW_ROWS = env.int("IMPORT_PREVIEW_ROWS", default=100)

# IATI: the reporting organisation's identifier. A placeholder until Cities Alliance's own
# registered identifier is configured; it prefixes every iati-identifier we generate.
IATI_REPORTING_ORG_REF = env.str("IATI_REPORTING_ORG_REF", default="XX-PLACEHOLDER-CA")
IATI_REPORTING_ORG_TYPE = env.str("IATI_REPORTING_ORG_TYPE", default="40")  # multilateral
# The official IATI 2.03 schemas (iati-activities-schema.xsd and friends), used to validate
# imports; by default the copy beside the repository.
IATI_SCHEMA_DIR = env.str(
    "IATI_SCHEMA_DIR", default=str(BASE_DIR.parent / "shared" / "iati" / "schemas")
)
# The IATI Standard's rulesets (standard.json, the checks beyond the schema that the IATI
# Validator applies), checked by export_iati and the tests; by default the copy beside the
# repository.
IATI_RULESETS_PATH = env.str(
    "IATI_RULESETS_PATH",
    default=str(BASE_DIR.parent / "shared" / "iati" / "rulesets" / "standard.json"),
)
IATI_MAX_IMPORT_BYTES = env.int("IATI_MAX_IMPORT_BYTES", default=50 * 1024 * 1024)

SITE_NAME = "Cities Alliance Portfolio"

# Partner REST API (/api/v1/).
REST_FRAMEWORK = {
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.NamespaceVersioning",
    "DEFAULT_VERSION": "v1",
    "ALLOWED_VERSIONS": ["v1"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apitokens.authentication.ThrottledTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["publishing.api.permissions.ReadOnlyOrStaffWrite"],
    "DEFAULT_FILTER_BACKENDS": ["publishing.api.filters.StrictFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "publishing.api.pagination.PortfolioPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
        "publishing.api.csv.CSVRenderer",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "publishing.api.throttles.AnonRateThrottle",
        "publishing.api.throttles.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="120/minute"),
        "user": env.str("API_THROTTLE_USER", default="1200/minute"),
        "exports": env.str("API_THROTTLE_EXPORTS", default="60/hour"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "publishing.api.errors.exception_handler",
    "URL_FIELD_NAME": "url",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Cities Alliance Portfolio API",
    "DESCRIPTION": (
        "The published programme portfolio of Cities Alliance: funding windows, instruments, "
        "themes, countries, organisations, programmes, Joint Work Programmes, outputs, lessons "
        "and documents, as JSON or CSV. Read anonymously under a throttle, or with a partner "
        "token (`Authorization: Token <key>`) for a higher rate."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # One name per choice set, whichever field uses it.
    "ENUM_NAME_OVERRIDES": {
        "WindowCodeEnum": "windows.models.WindowCode",
        "PublicationStatusEnum": "publishing.models.PublicationStatus",
        "ActivityStatusEnum": "programmes.iati_codes.ActivityStatus",
        "OrganisationRoleEnum": "programmes.iati_codes.OrganisationRole",
        "OrganisationTypeEnum": "programmes.iati_codes.OrganisationType",
        "RegionEnum": "programmes.iati_codes.Region",
        "CurrencyEnum": "programmes.iati_codes.Currency",
        "LanguageEnum": "publishing.models.Language",
        "OutputKindEnum": "jwp.models.OutputKind",
        "InstrumentKindEnum": "windows.models.InstrumentKind",
        "ActivityLevelEnum": "programmes.models.ActivityLevel",
        "BudgetTypeEnum": "programmes.iati_codes.BudgetType",
        "BudgetStatusEnum": "programmes.iati_codes.BudgetStatus",
        "TransactionTypeEnum": "programmes.iati_codes.TransactionType",
        "FinanceTypeEnum": "programmes.iati_codes.FinanceType",
        "FlowTypeEnum": "programmes.iati_codes.FlowType",
        "AidTypeEnum": "programmes.iati_codes.AidType",
        "TiedStatusEnum": "programmes.iati_codes.TiedStatus",
        "SectorVocabularyEnum": "programmes.iati_codes.SectorVocabulary",
        "PolicyMarkerVocabularyEnum": "programmes.iati_codes.PolicyMarkerVocabulary",
        "PolicySignificanceEnum": "programmes.iati_codes.PolicySignificance",
        "ActivityScopeEnum": "programmes.iati_codes.ActivityScope",
        "CollaborationTypeEnum": "programmes.iati_codes.CollaborationType",
        "ContactTypeEnum": "programmes.iati_codes.ContactType",
    },
}
# Anyone may read the API from a browser on another site; nothing else crosses origins.
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
