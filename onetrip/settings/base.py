"""Settings shared by every deployment shape.

Configuration comes only from the environment (DATABASE_URL, REDIS_URL, SECRET_KEY,
ONETRIP_REGION, ...); see docs/configuration.md.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from onetrip.identity.keys import settings_rsa_private_key

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("ONETRIP_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# A development key; production.py refuses to start without SECRET_KEY in the environment.
SECRET_KEY = os.environ.get(
    "SECRET_KEY", "dev-only-onetrip-secret-key-do-not-use-in-production-0123456789"
)
# Department signing keys (onetrip.signing) are stored encrypted with SM4-GCM under a key derived
# from this value; if unset, from SECRET_KEY. Set it in production so SECRET_KEY can be rotated
# without making the stored signing keys unreadable.
ONETRIP_KEY_ENCRYPTION_KEY = os.environ.get("ONETRIP_KEY_ENCRYPTION_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

ONETRIP_REGION = os.environ.get("ONETRIP_REGION", "330424")
ONETRIP_SITE_URL = os.environ.get("ONETRIP_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_prometheus",
    "django_htmx",
    "oauth2_provider",
    "onetrip.core",
    "onetrip.regions",
    "onetrip.registries",
    "onetrip.datasets",
    "onetrip.spatial",
    "onetrip.departments",
    "onetrip.accounts",
    "onetrip.identity",
    "onetrip.notify",
    "onetrip.workdays",
    "onetrip.signing",
    "onetrip.licences",
    "onetrip.exchange",
    "onetrip.catalogue",
    "onetrip.credit",
    "onetrip.objections",
    "onetrip.payments",
    "onetrip.datarequests",
    "onetrip.cases",
    "onetrip.ratings",
    "onetrip.archive",
    "onetrip.appointments",
    "onetrip.statistics",
    "onetrip.bundles",
    "onetrip.opendata",
    "onetrip.portal",
    "onetrip.workbench",
    "onetrip.demo",
    "onetrip.gen",
]

MIDDLEWARE = [
    "onetrip.core.middleware.RequestIdMiddleware",
    "onetrip.core.middleware.ApiErrorMiddleware",
    "onetrip.core.middleware.NulCharacterMiddleware",
    "onetrip.core.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "onetrip.core.middleware.LargeTypeMiddleware",
    "onetrip.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "onetrip.core.middleware.LazyMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "onetrip.urls"
# A refused CSRF check answers like every other error (JSON under /api/, the error page else).
CSRF_FAILURE_VIEW = "onetrip.core.handlers.csrf_failure"
WSGI_APPLICATION = "onetrip.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "onetrip" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "onetrip.core.context_processors.site",
            ],
        },
    },
]


SQLITE_ENGINE = "onetrip.core.sqlite"


def database_from_env() -> dict:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'onetrip.sqlite3'}"
    config = dj_database_url.parse(url, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers run beside the single writer; IMMEDIATE avoids
        # "database is locked" upgrades from read to write inside a transaction. Our backend
        # queues write transactions on a file lock (decision 0013).
        config["ENGINE"] = SQLITE_ENGINE
        config["CONN_MAX_AGE"] = 0 if config["NAME"] == ":memory:" else config["CONN_MAX_AGE"]
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=20000;"
            ),
            "write_lock": env_bool("ONETRIP_SQLITE_WRITE_LOCK", True),
            "sync_outside_lock": env_bool("ONETRIP_SQLITE_SYNC_OUTSIDE_LOCK", True),
        }
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # Parameters bound by the server, and statements a connection runs often prepared once
        # (psycopg prepares after `prepare_threshold` runs): PostgreSQL then skips parsing and
        # planning the hot paths' statements (decision 0014). Off for PgBouncer in transaction
        # mode, which cannot keep a connection's prepared statements.
        if env_bool("ONETRIP_PG_PREPARED_STATEMENTS", True):
            config.setdefault("OPTIONS", {}).update(
                {"server_side_binding": True, "prepare_threshold": 5}
            )
    return config


DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "onetrip.core.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work: Celery on Redis when REDIS_URL is set, otherwise in-process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Shanghai"
# Periodic work (celery beat; `onetrip periodic` without Redis): e-supervision reminders each
# working morning, the daily follow-up of materials accepted as missing.
CELERY_BEAT_SCHEDULE = {
    "cases-supervision-remind": {
        "task": "onetrip.cases.tasks.supervision_remind",
        "schedule": crontab(hour=8, minute=30, day_of_week="mon-sat"),
    },
    "cases-missing-follow-up": {
        "task": "onetrip.cases.tasks.missing_follow_up",
        "schedule": crontab(hour=8, minute=40),
    },
    "objections-remind-due": {
        "task": "onetrip.objections.tasks.remind_due",
        "schedule": crontab(hour=8, minute=50, day_of_week="mon-sat"),
    },
    "payments-reconcile": {
        "task": "onetrip.payments.tasks.reconcile_yesterday",
        "schedule": crontab(hour=7, minute=30),
    },
    "datarequests-remind-due": {
        "task": "onetrip.datarequests.tasks.remind_due",
        "schedule": crontab(hour=8, minute=55, day_of_week="mon-sat"),
    },
    "payments-remind-due": {
        "task": "onetrip.payments.tasks.remind_due",
        "schedule": crontab(hour=9, minute=0),
    },
    "archive-cases": {
        "task": "onetrip.archive.tasks.archive_cases",
        "schedule": crontab(hour=2, minute=30),
    },
    "appointments-no-shows": {
        "task": "onetrip.appointments.tasks.no_shows_mark",
        "schedule": crontab(hour=0, minute=20),
    },
    "appointments-remind": {
        "task": "onetrip.appointments.tasks.reminders_send",
        "schedule": crontab(hour=16, minute=0),
    },
    "archive-check": {
        "task": "onetrip.archive.tasks.check_records",
        "schedule": crontab(hour=3, minute=30),
    },
}
# Appointments at the halls (预约办理): a slot can be booked until this many minutes before it;
# a person who missed NO_SHOW_LIMIT appointments within NO_SHOW_DAYS days waits to book again.
ONETRIP_APPOINTMENT_LEAD_MINUTES = int(os.environ.get("ONETRIP_APPOINTMENT_LEAD_MINUTES", "30"))
ONETRIP_APPOINTMENT_NO_SHOW_LIMIT = int(os.environ.get("ONETRIP_APPOINTMENT_NO_SHOW_LIMIT", "3"))
ONETRIP_APPOINTMENT_NO_SHOW_DAYS = int(os.environ.get("ONETRIP_APPOINTMENT_NO_SHOW_DAYS", "90"))
# E-archive (电子归档): closed cases archived each night, at most ONETRIP_ARCHIVE_BATCH a run
# (a backlog is worked through over several nights); every record checked again (四性检测)
# when its last check is ONETRIP_ARCHIVE_CHECK_DAYS old; retention (保管期限: Y, D30, D10)
# by matter type, "*" for the rest.
ONETRIP_ARCHIVE_BATCH = int(os.environ.get("ONETRIP_ARCHIVE_BATCH", "2000"))
ONETRIP_ARCHIVE_CHECK_DAYS = int(os.environ.get("ONETRIP_ARCHIVE_CHECK_DAYS", "30"))
ONETRIP_ARCHIVE_RETENTION = {"licensing": "D30", "confirmation": "D30", "*": "D10"}
# Public payment (统一公共支付): the gateway class (the sandbox until the county is connected to
# the provincial platform), the key it signs its notifications with (HMAC-SM3; unset: derived
# from SECRET_KEY, fine only for the sandbox) and the calendar days a payer has to pay.
ONETRIP_PAYMENT_GATEWAY = os.environ.get(
    "ONETRIP_PAYMENT_GATEWAY", "onetrip.payments.gateway.SandboxGateway"
)
ONETRIP_PAYMENT_SECRET = os.environ.get("ONETRIP_PAYMENT_SECRET", "")
ONETRIP_PAYMENT_DAYS = int(os.environ.get("ONETRIP_PAYMENT_DAYS", "15"))
# Data objections (数据异议): the owner department answers within this many working days,
# counted from the day after filing.
ONETRIP_DATA_OBJECTION_DAYS = int(os.environ.get("ONETRIP_DATA_OBJECTION_DAYS", "5"))
# Open-data requests (数据需求与纠错): the department answers within this many working days.
ONETRIP_DATA_REQUEST_DAYS = int(os.environ.get("ONETRIP_DATA_REQUEST_DAYS", "10"))
# Materials accepted as missing (容缺受理) and not supplied by their date: the broken commitment
# is a minor bad-conduct credit record valid this many days (0: no record).
ONETRIP_TOLERATED_OVERDUE_CREDIT_DAYS = int(
    os.environ.get("ONETRIP_TOLERATED_OVERDUE_CREDIT_DAYS", "365")
)
# Proofs replaced by a written commitment (证明事项告知承诺制): the department checks each within
# this many working days of acceptance; an untrue one is a serious bad-conduct credit record
# valid this many days.
ONETRIP_COMMITMENT_CHECK_DAYS = int(os.environ.get("ONETRIP_COMMITMENT_CHECK_DAYS", "20"))
ONETRIP_COMMITMENT_UNTRUE_CREDIT_DAYS = int(
    os.environ.get("ONETRIP_COMMITMENT_UNTRUE_CREDIT_DAYS", "1095")
)
# Uploaded case materials: PDF, JPG or PNG up to this size (stored under MEDIA_ROOT).
ONETRIP_CASE_UPLOAD_MAX_BYTES = int(
    os.environ.get("ONETRIP_CASE_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024))
)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["onetrip.identity.backends.OneTripBackend"]
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

PASSWORD_HASHERS = [
    "onetrip.identity.hashers.OneTripArgon2PasswordHasher",
    "onetrip.identity.hashers.HighEntropySecretHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Browser libraries fetched at set-up by `make assets` (ECharts), served like our own files.
VENDOR_DIR = VAR_DIR / "vendor"
VENDOR_DIR.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [VENDOR_DIR]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# One-box mode serves static files straight from the apps (no collectstatic step needed).
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"  # outside the web root; served only through views that check access

SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Unified identity: OneTrip is the county's OpenID Connect provider.
# ID tokens are signed (RS256) with this key. Production provides the file; one-box mode creates
# it (mode 0600) on first use. Read lazily, so settings import never touches the disk.
OIDC_RSA_PRIVATE_KEY_FILE = Path(os.environ.get("OIDC_RSA_PRIVATE_KEY_FILE", VAR_DIR / "oidc.key"))
OIDC_RSA_PRIVATE_KEY_AUTOCREATE = env_bool("OIDC_RSA_PRIVATE_KEY_AUTOCREATE", True)
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": lazy(settings_rsa_private_key, str)(),
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "client_credentials", "refresh_token"],
    # Authorization code only with PKCE, and only S256 (RFC 9700); no implicit, no password grant.
    "PKCE_REQUIRED": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,  # only a SHA-256 of each token is kept
    "OAUTH2_VALIDATOR_CLASS": "onetrip.identity.oidc.OneTripOAuth2Validator",
    "SCOPES": {
        "openid": _("Your identity on OneTrip"),
        "profile": _("Your name, user type and assurance level"),
        "phone": _("Your phone number"),
        "read": _("Read data you are allowed to see"),
        "exchange": _("Call other departments' data through the exchange"),
    },
    "DEFAULT_SCOPES": ["openid"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "ID_TOKEN_EXPIRE_SECONDS": 3600,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 14 * 24 * 3600,
    # Each refresh gives a new refresh token; presenting a used one revokes the whole family.
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "CLIENT_SECRET_HASHER": "high_entropy_sm3",
    # Production sets OIDC_REDIRECT_URI_SCHEMES=https (see production.py).
    "ALLOWED_REDIRECT_URI_SCHEMES": env_list("OIDC_REDIRECT_URI_SCHEMES", "http,https"),
}

# One-time codes to a phone go through a pluggable SMS backend.
ONETRIP_SMS_BACKEND = os.environ.get(
    "ONETRIP_SMS_BACKEND", "onetrip.notify.backends.ConsoleSmsBackend"
)
# Seconds an API worker trusts an access token it has already looked up (0: look up every call).
ONETRIP_TOKEN_CACHE_SECONDS = int(os.environ.get("ONETRIP_TOKEN_CACHE_SECONDS", "5"))
# PostgreSQL: audited writes free the audit chain's head row at commit and wait for the log's
# flush after it (decision 0010's addendum).
ONETRIP_PG_FLUSH_OUTSIDE_LOCK = env_bool("ONETRIP_PG_FLUSH_OUTSIDE_LOCK", True)
# Read audits of high-volume reads (licence verification, exchange calls) and call counters are
# written in batches this often by each process (0: at once, in the request). See decision 0012.
ONETRIP_WRITE_BEHIND_SECONDS = float(os.environ.get("ONETRIP_WRITE_BEHIND_SECONDS", "0.2"))
# Seconds a process keeps the unchanging part of a licence's public verification answer
# (revocation is read on every call; 0: read everything every time).
ONETRIP_LICENCE_VERIFY_CACHE_SECONDS = float(
    os.environ.get("ONETRIP_LICENCE_VERIFY_CACHE_SECONDS", "300")
)
# Seconds a process reuses an exchange client and a dataset's fields.
ONETRIP_EXCHANGE_CACHE_SECONDS = float(os.environ.get("ONETRIP_EXCHANGE_CACHE_SECONDS", "5"))
# Seconds at most that a process keeps a client's grants on a dataset while Redis says they are
# unchanged (onetrip/exchange/grantcache.py; a change drops them everywhere when it commits).
ONETRIP_EXCHANGE_GRANT_CACHE_SECONDS = float(
    os.environ.get("ONETRIP_EXCHANGE_GRANT_CACHE_SECONDS", "60")
)
# Seconds a process trusts its reading of a grant's calls today (the daily quota; decision 0012).
ONETRIP_EXCHANGE_COUNT_CACHE_SECONDS = float(
    os.environ.get("ONETRIP_EXCHANGE_COUNT_CACHE_SECONDS", "1")
)
# Seconds a process may reuse a package_search answer of the open-data portal (0: never); an
# answer is kept under the catalogue version, so any change of the catalogue replaces it at once.
ONETRIP_OPENDATA_SEARCH_CACHE_SECONDS = float(
    os.environ.get("ONETRIP_OPENDATA_SEARCH_CACHE_SECONDS", "600")
)
ONETRIP_LOGIN_MAX_FAILURES = int(os.environ.get("ONETRIP_LOGIN_MAX_FAILURES", "5"))
ONETRIP_LOGIN_LOCK_MINUTES = int(os.environ.get("ONETRIP_LOGIN_LOCK_MINUTES", "15"))
ONETRIP_OTP_TTL_SECONDS = 300

ONETRIP_METRICS_ALLOWED_IPS = env_list("ONETRIP_METRICS_ALLOWED_IPS", "127.0.0.1,::1")
PROMETHEUS_EXPORT_MIGRATIONS = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "onetrip.core.logging.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"level": "WARNING"},
    },
}
