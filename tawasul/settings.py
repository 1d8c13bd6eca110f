"""Tawasul settings, read from the environment.

Development defaults need no environment at all (SQLite under var/, console email).
Production is `DEBUG=false` plus SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL; a missing
or malformed value stops start-up. See README.md, "Deploying".
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from tawasul.common.env import EnvError, envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("TAWASUL_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = envbool("DEBUG", "true")
# Demo mode lets the seeded demo users skip two-factor set-up, with a banner saying so.
DEMO_MODE = envbool("TAWASUL_DEMO_MODE", "false")

_DEV_SECRET = "dev-only-insecure-secret-key-change-me-0123456789abcdefghijklmnopqrstuv"
SECRET_KEY = envstr("SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY or (not DEBUG and SECRET_KEY == _DEV_SECRET):
    raise EnvError("SECRET_KEY must be set when DEBUG=false")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_countries",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "tawasul.common",
    "tawasul.accounts",
    "tawasul.organizations",
    "tawasul.people",
    "tawasul.cases",
    "tawasul.referrals",
    "tawasul.portal",
    "tawasul.coordination",
    "tawasul.webhooks",
    "tawasul.network",
    "tawasul.audit",
    "tawasul.api",
    "tawasul.jobs",
    "tawasul.home",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tawasul.common.middleware.RequestBodyLimitMiddleware",
    "tawasul.audit.middleware.AuditContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tawasul.accounts.middleware.SessionRenewalMiddleware",
    "tawasul.common.middleware.ArabicFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tawasul.accounts.middleware.SessionLifetimeMiddleware",
    "tawasul.accounts.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Axes last, as its documentation requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tawasul.urls"
WSGI_APPLICATION = "tawasul.wsgi.application"
ASGI_APPLICATION = "tawasul.asgi.application"

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
                "django.template.context_processors.i18n",
                "tawasul.home.context_processors.shell",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
# SQLite (WAL, IMMEDIATE transactions) is the embedded default; PostgreSQL via DATABASE_URL.
VAR_DIR.mkdir(parents=True, exist_ok=True)
_default_db = f"sqlite:///{VAR_DIR / 'tawasul.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", _default_db), conn_max_age=envint("DB_CONN_MAX_AGE", "0")
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and authentication ---------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first, so a locked-out login is refused before any password check.
    "axes.backends.AxesStandaloneBackend",
    # allauth's, with the organization loaded with the user (accounts/backends.py).
    "tawasul.accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_ADAPTER = "tawasul.accounts.adapters.AccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_VERIFICATION = "none"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Tawasul"
# One 30-second step either side, as RFC 6238 advises for clock drift between phone and server.
MFA_TOTP_TOLERANCE = 1
MFA_ADAPTER = "tawasul.accounts.adapters.MFAAdapter"
# A wrong authenticator code is audited as a failed sign-in.
MFA_FORMS = {"authenticate": "tawasul.accounts.forms.MFAAuthenticateForm"}

# Lockout (django-axes): a name is locked after AXES_FAILURE_LIMIT failures from anywhere
# (its password being guessed); an address after several times as many failures on any
# names (passwords being sprayed), see tawasul/accounts/axes_handler.py.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", "30") / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# allauth's form posts `login` and authenticates with `username`: the callable reads both.
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "tawasul.accounts.axes_handler.axes_username"
AXES_CLIENT_IP_CALLABLE = "tawasul.accounts.axes_handler.axes_client_ip"
AXES_HANDLER = "tawasul.accounts.axes_handler.AuditingAxesHandler"
AXES_LOCKOUT_CALLABLE = "tawasul.accounts.axes_handler.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# allauth's own throttle stays above the axes limit, so that axes (which audits the
# lockout and shows its page) is the one that refuses; allauth still throttles by address
# and limits guesses of authenticator codes per user.
ACCOUNT_RATE_LIMITS = {"login_failed": f"10/m/ip,{2 * AXES_FAILURE_LIMIT}/5m/key"}

# Inactivity timeout: the session expires SESSION_COOKIE_AGE after the last request, to
# within SESSION_RENEW_SECONDS (SessionRenewalMiddleware moves the expiry forward at most
# once a minute instead of writing the session on every request).
SESSION_COOKIE_AGE = envint("SESSION_IDLE_MINUTES", "30") * 60
SESSION_RENEW_SECONDS = 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Absolute lifetime: enforced by SessionLifetimeMiddleware whatever the activity.
SESSION_ABSOLUTE_SECONDS = envint("SESSION_ABSOLUTE_HOURS", "10") * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Internationalisation ----------------------------------------------------
LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = envstr("TIME_ZONE", "Asia/Qatar")
USE_I18N = True
USE_TZ = True
COUNTRIES_OVERRIDE = {"XX": _("Stateless"), "ZZ": _("Unknown")}

# --- Static files ------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(VAR_DIR / "media")))
# Case documents: largest upload accepted (tawasul/cases/documents.py). The upload page
# takes a body of up to this plus MAX_BODY_BYTES (tawasul/common/uploads.py); a reverse
# proxy in front must let that much through.
DOCUMENT_MAX_BYTES = envint("DOCUMENT_MAX_BYTES", str(10 * 1024 * 1024))
# Local hour from which the daily digest of unread notifications goes out
# (tawasul/portal/tasks.py), for the users who asked for it on their account page.
DAILY_DIGEST_HOUR = envint("DAILY_DIGEST_HOUR", "7")

# --- Request limits ----------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("MAX_BODY_BYTES", str(2 * 1024 * 1024))
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

# --- API ---------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tawasul.api.authentication.BearerTokenAuthentication",
        "tawasul.api.authentication.CsrfSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "tawasul.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "tawasul.api.errors.exception_handler",
    "DEFAULT_PARSER_CLASSES": ["tawasul.api.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tawasul API",
    "DESCRIPTION": (
        "Cases, embassy coordination, partnerships and social monitoring.\n\n"
        "Authenticate with `Authorization: Bearer <token>` (a personal API token). "
        "Lists are paginated: `{count, next, previous, results}`. Every error answers "
        "`{\"error\": {\"code\", \"message\", \"fields\"}}`: `code` is stable, `message` is in "
        "the request's language, `fields` (invalid input only) lists messages per field. "
        "Unknown or read-only fields in a request body answer 400. Objects outside your "
        "scope answer 404."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets whose field names (status, kind) other choice sets also use.
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "tawasul.cases.models.CaseStatus",
        "CaseEventKindEnum": "tawasul.cases.models.CaseEventKind",
        "OrganizationKindEnum": "tawasul.organizations.models.OrganizationKind",
        "ReferralStatusEnum": "tawasul.referrals.models.ReferralStatus",
        "ReferralKindEnum": "tawasul.referrals.models.ReferralKind",
        "ReferralEventKindEnum": "tawasul.referrals.models.ReferralEventKind",
        "EmbassyReferralStatusEnum": "tawasul.referrals.embassy_view.EmbassyStatus",
        "CoordinationRequestStatusEnum": "tawasul.coordination.models.RequestStatus",
        "LegalGroundStatusEnum": "tawasul.coordination.models.LegalGroundStatus",
        "CommunityLanguageEnum": "tawasul.organizations.languages.COMMUNITY_LANGUAGE_CODES",
    },
}

# --- Background tasks --------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
if envbool("TASKS_IMMEDIATE", "false"):
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# A task RUNNING for longer than this is taken to belong to a dead worker and re-queued.
TASK_STALE_AFTER_SECONDS = envint("TASK_STALE_AFTER_SECONDS", "900")
TASK_MAX_ATTEMPTS = envint("TASK_MAX_ATTEMPTS", "5")

# --- Audit -------------------------------------------------------------------
# Database triggers that refuse deletes and changes to sealed entries (see audit/guards.py).
AUDIT_DB_GUARDS = envbool("AUDIT_DB_GUARDS", "true")

# --- Email -------------------------------------------------------------------
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Tawasul <no-reply@tawasul.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = envstr(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "587")
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "true")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", "20")

# --- Cache -------------------------------------------------------------------
# Rate limits (allauth) need a cache that every web process shares: the database cache
# works everywhere; REDIS_URL switches to Redis when several machines serve.
if envstr("REDIS_URL", ""):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": envstr("REDIS_URL", ""),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "tawasul_cache",
        }
    }

# --- Security ----------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = False
if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "true")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "true")

# Number of proxies in front of the app whose X-Forwarded-For is trusted for client IPs.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", "0")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.db.backends": {"level": "INFO"},
    },
}
