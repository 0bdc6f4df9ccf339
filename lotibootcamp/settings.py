"""Settings for the LOTI data science bootcamp service.

Everything that differs between a laptop and production comes from environment variables (see the
configuration table in README.md). The defaults give a working local service with no servers: SQLite
and a filesystem Celery broker under var/. ENVIRONMENT=production refuses to start without the
variables production needs.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

ENVIRONMENT = env.str("ENVIRONMENT", default="development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("ENVIRONMENT must be 'development' or 'production'.")
PRODUCTION = ENVIRONMENT == "production"

if PRODUCTION:
    missing = [name for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL") if not env.str(name, default="")]
    if missing:
        raise ImproperlyConfigured(f"Production configuration needs {', '.join(missing)}.")

DEBUG = env.bool("DEBUG", default=not PRODUCTION)
# The development key is public on purpose; production refuses to start without its own.
SECRET_KEY = env.str("SECRET_KEY", default="development-only-key-not-for-production")
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# `make run PORT=8001` serves on another port; links in emails follow it unless SITE_URL is set.
PORT = env.int("PORT", default=8000)
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{PORT}").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "common",
    "audit",
    "accounts",
    "cohorts",
    "trainers",
    "home",
    "projects",
    "mentoring",
    "exercises",
    "notifications",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The request being served, so audit rows written by services carry the actor's address.
    "audit.middleware.AuditRequestMiddleware",
    # NUL and other control characters in the path, query string or form: 400 before any view runs.
    "common.middleware.RefuseControlCharactersMiddleware",
    # Every view needs sign-in unless it is decorated with login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Idle timeout and absolute lifetime of a signed-in session (accounts.sessions);
    # after MessageMiddleware (to say why someone was signed out) and the header middleware
    # (whose headers its responses need).
    "accounts.middleware.SessionLimitsMiddleware",
    # Marks request.user verified when the session met a second factor (django-otp) ...
    "django_otp.middleware.OTPMiddleware",
    # ... and sends staff and mentors who have not to the code step or second-factor set-up.
    "accounts.middleware.SecondFactorRequiredMiddleware",
    # Last, so that it sees failed sign-ins after authentication ran.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lotibootcamp.urls"
WSGI_APPLICATION = "lotibootcamp.wsgi.application"

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
                "home.context_processors.navigation",
                "accounts.context_processors.session_timeout",
            ],
            # The one link rule (`value|safe_href`), in every page and email without a {% load %}.
            "builtins": ["common.templatetags.links", "common.templatetags.govuk_format"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
VAR_DIR.mkdir(exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Development on SQLite: every transaction takes the write lock when it begins (IMMEDIATE), so
    # concurrent writes queue for up to `timeout` seconds instead of failing with "database is locked";
    # a booking race then ends as on PostgreSQL: one booking, and "that time has just been booked" for
    # the rest. WAL lets pages read while a write is in progress.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
if PRODUCTION and DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Production configuration needs a PostgreSQL DATABASE_URL.")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery -----------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # A broker that needs no server: messages are files under var/broker/, so a real worker and beat
    # run on a laptop with nothing else installed.
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Beat runs in UTC; tasks that care about London business hours compute them in Europe/London.
CELERY_BEAT_SCHEDULE: dict = {
    # Every minute: interrupted sends queued again, lost or late tasks handed over again.
    "sweep-outbox": {"task": "notifications.sweep_outbox", "schedule": 60.0},
    # Every 5 minutes: queue reminders that are due, cancel those whose cause went away.
    "dispatch-reminders": {"task": "notifications.dispatch_reminders", "schedule": crontab(minute="*/5")},
    # Hourly in UTC; the task itself sends only in the Monday 08:00 London hour (GMT or BST).
    "weekly-digests": {"task": "notifications.weekly_digests", "schedule": crontab(minute=0)},
    # Hourly: a waitlist offer whose deadline passed goes to the next officer on the waitlist.
    "lapse-place-offers": {"task": "cohorts.lapse_place_offers", "schedule": crontab(minute=30)},
    # Every 5 minutes: exercise submissions whose scoring task never reached the broker.
    "sweep-unscored-submissions": {"task": "exercises.sweep_unscored", "schedule": crontab(minute="*/5")},
    # Daily at 02:15 UTC, a quiet hour: the retention schedule (home/retention.py, docs/security.md).
    "apply-retention": {"task": "home.apply_retention", "schedule": crontab(hour=2, minute=15)},
    # Hourly: the change log behind kept page figures (common/changes.py) forgets old transactions.
    "prune-changes": {"task": "common.prune_changes", "schedule": crontab(minute=45)},
}

# --- Authentication -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out username and address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Officers share council networks, so lock out a username from one address, never a whole address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"  # the sign-in form's field, although the user model signs in by email
AXES_USERNAME_CALLABLE = "accounts.permissions.throttled_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Second factor (accounts.twofactor, docs/security.md): wrong codes are counted per person and lock the
# code step for AXES_COOLOFF_TIME after this many; django-otp's own per-device delays are off so that
# one rule applies (its exponential back-off would refuse a right code typed just after a wrong one).
SECOND_FACTOR_FAILURE_LIMIT = env.int("SECOND_FACTOR_FAILURE_LIMIT", default=AXES_FAILURE_LIMIT)
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
OTP_TOTP_ISSUER = "LOTI Data Science Bootcamp"

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
# The service is in English only, so Django's translation machinery is off: every number, choice
# label and {% url %} on a page asked it for the active language, and with nothing activated each ask
# raised and caught an AttributeError inside asgiref (about 4 microseconds, 500 times a list page).
# Django's en-GB catalogue changes no message, and dates and numbers keep the en-GB formats
# (docs/decisions.md, "English only, translation off").
USE_I18N = False
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- Forms ----------------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
# crispy-forms-gds styles text, email, password, textarea, select and file widgets; these give the
# other input types their GOV.UK classes and a width that fits what they hold.
CRISPY_CLASS_CONVERTERS = {
    "numberinput": "govuk-input govuk-input--width-5",
    "urlinput": "govuk-input",
    "fileinput": "govuk-file-upload",
    "clearablefileinput": "govuk-file-upload",
    "timeinput": "govuk-input govuk-input--width-5",
    "dateinput": "govuk-input govuk-input--width-10",
    "datetimeinput": "govuk-input govuk-input--width-20",
}

# --- Email ----------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# EMAIL_BACKEND names any backend class and wins over EMAIL_URL's, for example
# notifications.backends.NotifyEmailBackend for GOV.UK Notify (see docs/notifications.md).
if env.str("EMAIL_BACKEND", default=""):
    EMAIL_BACKEND = env.str("EMAIL_BACKEND")
NOTIFY_API_KEY = env.str("NOTIFY_API_KEY", default="")
NOTIFY_EMAIL_TEMPLATE_ID = env.str("NOTIFY_EMAIL_TEMPLATE_ID", default="")
NOTIFY_BASE_URL = env.str("NOTIFY_BASE_URL", default="https://api.notifications.service.gov.uk").rstrip("/")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="LOTI Data Science Bootcamp <bootcamp@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Seconds an SMTP connection may block; far below the send task's time limit (notifications.sending).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# --- Mentoring ------------------------------------------------------------------------------------
# Fairness: how many upcoming mentoring sessions one officer may hold in one week (Monday to Sunday).
MENTORING_MAX_BOOKINGS_PER_WEEK = env.int("MENTORING_MAX_BOOKINGS_PER_WEEK", default=2)

# --- The read-only API (api/, docs/api.md) -------------------------------------------------------
# Token authentication only (no session, so no CSRF question), page-number pagination, RFC 9457
# problem+json errors, and a rate limit per token kept in the Django cache (Redis when REDIS_URL is set).
API_RATE_LIMIT = env.str("API_RATE_LIMIT", default="120/minute")
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=90)
API_TOKEN_MAX_DAYS = env.int("API_TOKEN_MAX_DAYS", default=365)
API_PAGE_SIZE = env.int("API_PAGE_SIZE", default=50)
API_MAX_PAGE_SIZE = env.int("API_MAX_PAGE_SIZE", default=100)
REST_FRAMEWORK = {
    "COERCE_DECIMAL_TO_STRING": False,
    # ?format= is a filter (cascade sessions' format), not a choice of renderer.
    "URL_FORMAT_OVERRIDE": None,
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PagePagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "LOTI Data Science Bootcamp API",
    "DESCRIPTION": "Read-only data for analysts: see docs/api.md. Authenticate with a personal access token.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
    "SERVE_AUTHENTICATION": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}

# --- Security -------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Sessions live in the database (accounts.UserSession refers to them); a signed-in session ends after
# SESSION_IDLE_MINUTES without use and SESSION_ABSOLUTE_HOURS after sign-in, whatever the use.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_ABSOLUTE_HOURS = env.int("SESSION_ABSOLUTE_HOURS", default=12)
# The timeout warning appears this long before an idle session ends.
SESSION_WARNING_SECONDS = env.int("SESSION_WARNING_SECONDS", default=120)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_HOURS * 60 * 60
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Strict CSP: no inline script or style anywhere; GOV.UK Frontend is started from a static module.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
