"""Settings for 昆区家服, read from the environment.

With nothing set the portal runs on an embedded default: a SQLite file and Celery
tasks executed in-process. ``DATABASE_URL`` switches to PostgreSQL and
``CELERY_BROKER_URL`` to Redis with real workers. ``DJANGO_DEBUG=false`` selects the
production profile, which requires real secrets and passes ``check --deploy``.
"""

import datetime as dt
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# Development-only fallbacks. Production (DEBUG off) refuses to start without real ones.
_DEV_SECRET = "dev-only-insecure-secret-key-kunqu-jiafu-change-me"
_DEV_PERSON_KEY = "ZGV2LW9ubHkta2V5LWt1bnF1LWppYWZ1LTMyYnl0ZXM="  # base64 of 32 bytes
_DEV_PERSON_HASH_KEY = "dev-only-person-hash-key"

SECRET_KEY = env("DJANGO_SECRET_KEY", default=_DEV_SECRET if DEBUG else None)
PERSON_ID_KEYS = env.list("PERSON_ID_KEYS", default=[_DEV_PERSON_KEY] if DEBUG else [])
PERSON_ID_HASH_KEY = env("PERSON_ID_HASH_KEY", default=_DEV_PERSON_HASH_KEY if DEBUG else None)
if not DEBUG:
    missing = [
        name
        for name, value in (
            ("DJANGO_SECRET_KEY", SECRET_KEY),
            ("PERSON_ID_KEYS", PERSON_ID_KEYS),
            ("PERSON_ID_HASH_KEY", PERSON_ID_HASH_KEY),
        )
        if not value
    ]
    if missing:
        raise ImproperlyConfigured(
            "生产环境缺少必需的环境变量：" + ", ".join(missing) + "（见 .env.example）"
        )

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "kunqu_jiafu.web.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "kunqu_jiafu.accounts",
    "kunqu_jiafu.tokens",
    "kunqu_jiafu.second_factor",
    "kunqu_jiafu.people",
    "kunqu_jiafu.audit",
    "kunqu_jiafu.notifications",
    "kunqu_jiafu.documents",
    "kunqu_jiafu.web.apps.WebConfig",
    "agencies.apps.AgenciesConfig",
    "training.apps.TrainingConfig",
    "vouchers.apps.VouchersConfig",
    "subsidies.apps.SubsidiesConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise (static files stay cacheable), above the rest: error answers of the
    # middleware below (CSRF, host, 413) carry the headers too.
    "kunqu_jiafu.web.middleware.SecurityHeaders",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "kunqu_jiafu.web.middleware.CapRequestBody",
    "django.middleware.common.CommonMiddleware",
    "kunqu_jiafu.web.middleware.RefuseNulInQueryString",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Whether the session passed the second factor (request.user.is_verified()); staff who
    # have not are sent to set it up or enter a code before any page (issue 11).
    "django_otp.middleware.OTPMiddleware",
    "kunqu_jiafu.second_factor.middleware.RequireSecondFactor",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "kunqu_jiafu.urls"

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
                "kunqu_jiafu.web.context_processors.portal",
            ],
        },
    },
]

WSGI_APPLICATION = "kunqu_jiafu.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Second factor (kunqu_jiafu.second_factor, docs/security.md "Second factor"): staff and
# superusers enter a TOTP code after the password. Code attempts per account and per client
# address in a window of seconds (shared cache), on top of django-otp's growing delay.
SECOND_FACTOR_LIMITS = {
    "window": env.int("SECOND_FACTOR_WINDOW_SECONDS", default=15 * 60),
    "per_user": env.int("SECOND_FACTOR_ATTEMPTS_PER_USER", default=10),
    "per_address": env.int("SECOND_FACTOR_ATTEMPTS_PER_ADDRESS", default=50),
}
OTP_TOTP_ISSUER = "昆区家服"
OTP_TOTP_THROTTLE_FACTOR = 1  # seconds, doubled after each failure of one device
# API tokens (kunqu_jiafu.tokens, docs/security.md "API tokens"): how long one lives.
API_TOKEN_LIFETIME_STAFF = dt.timedelta(hours=env.int("API_TOKEN_LIFETIME_STAFF_HOURS", default=8))
API_TOKEN_LIFETIME_AGENCY = dt.timedelta(days=env.int("API_TOKEN_LIFETIME_AGENCY_DAYS", default=30))
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Reference data the bureau edits per year: ``manage.py loaddata claim_catalogue_2026`` etc.
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Private uploads: never under STATIC or a public URL; served by a permission-checking view.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# A spreadsheet to import is checked before it is parsed (kunqu_jiafu.imports.guard); the data
# rows are each import's own limit (5000), plus this many empty or title rows.
IMPORT_SPARE_ROWS = env.int("IMPORT_SPARE_ROWS", default=100)
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=60)
IMPORT_MAX_UNPACKED_MB = env.int("IMPORT_MAX_UNPACKED_MB", default=50)
IMPORT_MAX_COMPRESSION_RATIO = env.int("IMPORT_MAX_COMPRESSION_RATIO", default=100)
IMPORT_MAX_ZIP_MEMBERS = env.int("IMPORT_MAX_ZIP_MEMBERS", default=500)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
# Retention (个人信息保护法): `manage.py purge_expired` (nightly in beat) deletes rejected
# voucher applications with their evidence this many days after the decision, and training
# sign-ups this many days after they were made.
RETENTION_REJECTED_APPLICATION_DAYS = env.int("RETENTION_REJECTED_APPLICATION_DAYS", default=180)
RETENTION_TRAINING_SIGNUP_DAYS = env.int("RETENTION_TRAINING_SIGNUP_DAYS", default=365)
# Whole request bodies, refused from their Content-Length before anything reads them
# (kunqu_jiafu.web.middleware.CapRequestBody): one file of UPLOAD_MAX_BYTES and the form.
REQUEST_BODY_MAX_BYTES = env.int("REQUEST_BODY_MAX_BYTES", default=UPLOAD_MAX_BYTES + 1024 * 1024)
# Per path prefix, the longest matching wins, e.g. {"/portal/workers/import/": 5 * 1024 * 1024}.
REQUEST_BODY_MAX_BYTES_BY_PATH: dict[str, int] = {}

# Sent with every page and API answer (kunqu_jiafu.web.middleware.SecurityHeaders).
# Scripts only from our own static files: no inline <script>, no on...= handlers. Styles
# allow 'unsafe-inline': progress bars set their width in a style attribute and several
# admin pages carry a <style> block (styles cannot run code).
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Browser features the portal never uses are refused. Inspection photos taken in the
# browser would need the camera: PERMISSIONS_POLICY_CAMERA=true allows it for our pages.
PERMISSIONS_POLICY = {
    "camera": ["self"] if env.bool("PERMISSIONS_POLICY_CAMERA", default=False) else [],
    "microphone": [],
    "geolocation": [],
    "payment": [],
    "usb": [],
    "serial": [],
    "hid": [],
    "midi": [],
    "magnetometer": [],
    "gyroscope": [],
    "accelerometer": [],
    "display-capture": [],
    "fullscreen": ["self"],
}

# Email: SMTP via EMAIL_URL (e.g. smtp+tls://user:pass@host:587) or EMAIL_HOST; with
# neither, each message is written to a file under var/mail/ so the console stays readable.
if env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
elif env("EMAIL_HOST", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env("EMAIL_HOST")
    EMAIL_PORT = env.int("EMAIL_PORT", default=25)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = Path(env("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail")))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="昆区家服 <noreply@kunqu-jiafu.local>")
# The portal's public address, for links in e-mails, PDFs and QR codes (`make run` passes
# http://HOST:PORT). PORTAL_BASE_URL is its older name, still read.
SITE_URL = env("SITE_URL", default=env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")).rstrip(
    "/"
)
PORTAL_BASE_URL = SITE_URL

# The bureau's contact line on error pages. Set the real ones in the environment.
BUREAU_PHONE = env("BUREAU_PHONE", default="0472-XXXXXXX")
BUREAU_ADDRESS = env("BUREAU_ADDRESS", default="包头市昆都仑区（详细地址待局里确认）")

# Cache (rate limits of the public pages): per process by default; CACHE_URL (e.g.
# redis://127.0.0.1:6379/2) shares it between web workers so the limits hold across them.
# Production must share it (deploy check kunqu_jiafu.E101 refuses a per-process cache).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# Public forms (issue 11, kunqu_jiafu/ratelimit.py). The client address is REMOTE_ADDR unless
# this many proxies of our own stand in front (then read from the right of X-Forwarded-For).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Per form: window in seconds; attempts per client address (loose: residents behind one carrier
# NAT share it) and per ID number in a window; attempts from one address before a small sum is
# asked. Sign-ups and applications count every valid submission, look-ups only failures.
PUBLIC_FORM_LIMITS = {
    "training.signup": {"window": 3600, "per_address": 100, "per_id": 10, "challenge_after": 5},
    "vouchers.apply": {"window": 3600, "per_address": 50, "per_id": 5, "challenge_after": 3},
    "vouchers.lookup": {"window": 900, "per_address": 200, "per_id": 10, "challenge_after": 5},
}

# Celery: eager in-process unless a broker is configured.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker that is away costs a request well under ~2 s, never a hang nor a 500: publishing
# (kunqu_jiafu.queue) waits at most this long to connect, retries this little, and logs a
# failure; the sweeps below queue the pending work again (docs/architecture.md, "Tasks").
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
# The result store's reconnection (a worker test waits for results) gives up quickly too.
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": CELERY_TASK_PUBLISH_RETRY_POLICY}
# A task that fails for any reason retries with exponential backoff (1 s, 2 s, 4 s… with
# jitter) this many times, then is recorded as failed on its record and shown to staff.
CELERY_TASK_MAX_RETRIES = env.int("CELERY_TASK_MAX_RETRIES", default=5)
# The sweeps leave work younger than this to the normal path.
QUEUE_SWEEP_GRACE_SECONDS = env.int("QUEUE_SWEEP_GRACE_SECONDS", default=5 * 60)
# Each sweep queues again work never done; `manage.py requeue_pending` runs them all now.
QUEUE_SWEEPS = [
    "subsidies.tasks.sweep_unrendered_notices",
    "kunqu_jiafu.notifications.tasks.sweep_unsent_notification_emails",
]
# `make beat` runs these; without a broker nothing is scheduled (run the commands by hand).
CELERY_BEAT_SCHEDULE = {
    "sweep-orphan-upload-files": {
        "task": "kunqu_jiafu.documents.tasks.sweep_orphan_upload_files",
        "schedule": 24 * 60 * 60,
    },
    "check-employee-system-filings": {
        "task": "agencies.tasks.check_filings",
        "schedule": 24 * 60 * 60,
    },
    "purge-expired-personal-data": {
        "task": "kunqu_jiafu.web.tasks.purge_expired_personal_data",
        "schedule": 24 * 60 * 60,
    },
    "sweep-unrendered-notices": {
        "task": "subsidies.tasks.sweep_unrendered_notices",
        "schedule": 10 * 60,
    },
    "sweep-unsent-notification-emails": {
        "task": "kunqu_jiafu.notifications.tasks.sweep_unsent_notification_emails",
        "schedule": 10 * 60,
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "kunqu_jiafu.tokens.authentication.VerifiedSessionAuthentication",
        "kunqu_jiafu.tokens.authentication.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "kunqu_jiafu.drf.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "昆区家服 API",
    "DESCRIPTION": "昆都仑区家庭服务业管理平台接口",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Schema and docs need a login when DEBUG is off (kunqu_jiafu.drf.DocsReaders).
    "SERVE_PERMISSIONS": ["kunqu_jiafu.drf.DocsReaders"],
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "kunqu_jiafu.drf.document_errors",
    ],
}

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
