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

from kunqu_jiafu.schedule import BEAT_SCHEDULE
from kunqu_jiafu.web.csp import style_block_hashes

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# Development-only fallbacks. Production (DEBUG off) refuses to start without real ones.
_DEV_SECRET = "dev-only-insecure-secret-key-kunqu-jiafu-change-me"
_DEV_PERSON_KEY = "ZGV2LW9ubHkta2V5LWt1bnF1LWppYWZ1LTMyYnl0ZXM="  # base64 of 32 bytes
_DEV_PERSON_HASH_KEY = "dev-only-person-hash-key"
_DEV_AUDIT_HMAC_KEY = "dev-only-audit-hmac-key"

SECRET_KEY = env("DJANGO_SECRET_KEY", default=_DEV_SECRET if DEBUG else None)
PERSON_ID_KEYS = env.list("PERSON_ID_KEYS", default=[_DEV_PERSON_KEY] if DEBUG else [])
PERSON_ID_HASH_KEY = env("PERSON_ID_HASH_KEY", default=_DEV_PERSON_HASH_KEY if DEBUG else None)
# The key of the audit log's hash chain and of its anchors (HMAC-SHA256). Never stored in the
# database: whoever can write to the database but lacks it cannot forge an entry that verifies.
AUDIT_HMAC_KEY = env("AUDIT_HMAC_KEY", default=_DEV_AUDIT_HMAC_KEY if DEBUG else None)
if not DEBUG:
    missing = [
        name
        for name, value in (
            ("DJANGO_SECRET_KEY", SECRET_KEY),
            ("PERSON_ID_KEYS", PERSON_ID_KEYS),
            ("PERSON_ID_HASH_KEY", PERSON_ID_HASH_KEY),
            ("AUDIT_HMAC_KEY", AUDIT_HMAC_KEY),
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
    # Before django.contrib.auth: its createsuperuser (which flags the password for a change
    # at first sign-in) replaces Django's.
    "kunqu_jiafu.accounts",
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
    "kunqu_jiafu.tokens",
    "kunqu_jiafu.second_factor",
    "kunqu_jiafu.people",
    "kunqu_jiafu.audit",
    "kunqu_jiafu.notifications",
    "kunqu_jiafu.documents",
    "kunqu_jiafu.imports",
    "kunqu_jiafu.exports",
    "kunqu_jiafu.web.apps.WebConfig",
    "agencies.apps.AgenciesConfig",
    "training.apps.TrainingConfig",
    "vouchers.apps.VouchersConfig",
    "subsidies.apps.SubsidiesConfig",
    "inspections.apps.InspectionsConfig",
    "reports.apps.ReportsConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # First after the security redirect: every audit entry written while a request is served
    # gets its client address, and every file it answers with is logged as a download.
    "kunqu_jiafu.audit.middleware.AuditRequestContext",
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
    # Sign-in policy (kunqu_jiafu/accounts/middleware.py): expired sessions are signed out
    # first, then a password set by someone else must be changed; a refused sign-in is a 429.
    "kunqu_jiafu.accounts.middleware.SessionLimits",
    "kunqu_jiafu.accounts.middleware.ForcePasswordChange",
    "kunqu_jiafu.accounts.middleware.SignInRefusedStatus",
    # After messages (it leaves one when it drops an ID number from an address).
    "kunqu_jiafu.web.middleware.RefuseIdNumberInQueryString",
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
if "postgresql" in DATABASES["default"]["ENGINE"] and not env.bool("DB_JIT", default=False):
    # PostgreSQL's JIT spent 265 ms compiling a report query that runs in 28 ms
    # (bench/bench_report.py); this portal's queries are short. DB_JIT=true turns it back on.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Password rules of 等保2.0 level 3 (kunqu_jiafu/accounts/passwords.py): length, three of four
# kinds of character, not the username, not one of the last PASSWORD_HISTORY_COUNT passwords;
# Django's checks against the user's other details and common passwords stay.
PASSWORD_MIN_LENGTH = env.int("PASSWORD_MIN_LENGTH", default=10)
PASSWORD_HISTORY_COUNT = env.int("PASSWORD_HISTORY_COUNT", default=5)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "kunqu_jiafu.accounts.passwords.MinimumLengthValidator"},
    {"NAME": "kunqu_jiafu.accounts.passwords.CharacterClassesValidator"},
    {"NAME": "kunqu_jiafu.accounts.passwords.NotUsernameValidator"},
    {"NAME": "kunqu_jiafu.accounts.passwords.HistoryValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Every sign-in with a password (portal, admin, API token) goes through the throttle
# (kunqu_jiafu/accounts/throttle.py). Per account: ``account_failures`` failures within
# ``account_window`` seconds start a cooldown of ``cooldown`` seconds, doubling with each
# further cooldown up to ``cooldown_max``; ``cooldown_reset`` seconds without one start again
# from the first. Per client address: ``address_failures`` failures in a fixed window of
# ``address_window`` seconds, then refused until the window ends.
AUTHENTICATION_BACKENDS = ["kunqu_jiafu.accounts.throttle.ThrottledModelBackend"]
SIGN_IN_THROTTLE = {
    "account_failures": env.int("SIGN_IN_ACCOUNT_FAILURES", default=5),
    "account_window": env.int("SIGN_IN_ACCOUNT_WINDOW", default=15 * 60),
    "cooldown": env.int("SIGN_IN_COOLDOWN", default=60),
    "cooldown_max": env.int("SIGN_IN_COOLDOWN_MAX", default=15 * 60),
    "cooldown_reset": env.int("SIGN_IN_COOLDOWN_RESET", default=24 * 60 * 60),
    "address_failures": env.int("SIGN_IN_ADDRESS_FAILURES", default=50),
    "address_window": env.int("SIGN_IN_ADDRESS_WINDOW", default=15 * 60),
}
# Sessions (kunqu_jiafu/accounts/middleware.py, SessionLimits): signed out after this many
# seconds without a request -- anyone who works in the admin (is_staff) sooner than agency
# users -- and, whatever the use, this long after signing in. The cookie and the stored session
# follow the idle timeout; SESSION_COOKIE_AGE is the absolute lifetime, their upper bound.
SESSION_IDLE_TIMEOUT_STAFF = env.int("SESSION_IDLE_TIMEOUT_STAFF", default=30 * 60)
SESSION_IDLE_TIMEOUT_AGENCY = env.int("SESSION_IDLE_TIMEOUT_AGENCY", default=2 * 60 * 60)
SESSION_ABSOLUTE_LIFETIME = env.int("SESSION_ABSOLUTE_LIFETIME", default=12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_LIFETIME
SESSION_COOKIE_HTTPONLY = True
# Password reset links (agency users only; staff ask the security administrator).
PASSWORD_RESET_TIMEOUT = 60 * 60  # the e-mail and the pages say "one hour"
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
# `make backup` writes here (kunqu_jiafu/web/backup.py; docs/operations.md). Each backup's
# manifest records the fingerprints of the settings named below: the keys the data cannot be
# read without, which the operator keeps with the backup. A slice adding a key adds its name.
BACKUP_DIR = Path(env("BACKUP_DIR", default=str(BASE_DIR / "var" / "backups")))
BACKUP_ESCROW_KEYS = ["PERSON_ID_KEYS", "PERSON_ID_HASH_KEY", "AUDIT_HMAC_KEY"]
# Days an agency has to rectify after a failed annual inspection (整改期限).
INSPECTION_RECTIFICATION_DAYS = env.int("INSPECTION_RECTIFICATION_DAYS", default=30)
# 资金台账 (subsidies.ledger, vouchers.ledger): an approved claim not paid this many days after
# its approval, and a redeemed voucher not reimbursed this many days after the service, are
# listed as exceptions.
SUBSIDY_UNPAID_DAYS = env.int("SUBSIDY_UNPAID_DAYS", default=30)
VOUCHER_UNREIMBURSED_DAYS = env.int("VOUCHER_UNREIMBURSED_DAYS", default=60)
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# A spreadsheet to import is checked before it is parsed (kunqu_jiafu.imports.guard); the data
# rows are each import's own limit (5000), plus this many empty or title rows.
IMPORT_SPARE_ROWS = env.int("IMPORT_SPARE_ROWS", default=100)
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=60)
IMPORT_MAX_UNPACKED_MB = env.int("IMPORT_MAX_UNPACKED_MB", default=50)
IMPORT_MAX_COMPRESSION_RATIO = env.int("IMPORT_MAX_COMPRESSION_RATIO", default=100)
IMPORT_MAX_ZIP_MEMBERS = env.int("IMPORT_MAX_ZIP_MEMBERS", default=500)
# What passes the guard is parsed in a forked child (kunqu_jiafu.imports.limits) held to this
# wall time (and as much CPU time) and this much memory beyond what the process already maps;
# a 5000-row template reads in about 5 s and under 100 MB of resident memory on a busy 2-core
# machine. The import task itself (the checks and the write) has Celery's soft and hard time
# limits on a real worker.
IMPORT_PARSE_SECONDS = env.float("IMPORT_PARSE_SECONDS", default=60.0)
IMPORT_PARSE_MEMORY_MB = env.int("IMPORT_PARSE_MEMORY_MB", default=512)
IMPORT_TASK_SOFT_TIME_LIMIT = env.int("IMPORT_TASK_SOFT_TIME_LIMIT", default=180)
IMPORT_TASK_TIME_LIMIT = env.int("IMPORT_TASK_TIME_LIMIT", default=240)
# A statistical report run (reports/): every section, the PDF and the XLSX. The hard limit
# also tells the sweep when a run still 生成中 has lost its worker.
REPORT_TASK_SOFT_TIME_LIMIT = env.int("REPORT_TASK_SOFT_TIME_LIMIT", default=600)
REPORT_TASK_TIME_LIMIT = env.int("REPORT_TASK_TIME_LIMIT", default=660)
REPORT_DASHBOARD_CACHE_SECONDS = env.int("REPORT_DASHBOARD_CACHE_SECONDS", default=300)
# A list export of more rows than this becomes a background job (kunqu_jiafu.exports).
EXPORT_BACKGROUND_ROWS = env.int("EXPORT_BACKGROUND_ROWS", default=3000)
EXPORT_TASK_SOFT_TIME_LIMIT = env.int("EXPORT_TASK_SOFT_TIME_LIMIT", default=1500)
EXPORT_TASK_TIME_LIMIT = env.int("EXPORT_TASK_TIME_LIMIT", default=1800)
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
# Scripts only from our own static files: no inline <script>, no on...= handlers. Styles only
# from our static files too (issue 11): no style attribute, no <style> block of ours; bars get
# their width from classes (static/css/widths.css). The one exception is hashed, not
# 'unsafe-inline': the fixed block of Django's admin change list.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": [
        "'self'",
        *style_block_hashes("contrib/admin/templates/admin/change_list.html"),
    ],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# DRF's browsable API (the HTML face of /api/ for signed-in people) writes style attributes and a
# <style> block of its code colours in its own templates; only its pages (accepted renderer
# "api") get these directives instead. Its scripts stay 'self'; styles cannot run code.
CONTENT_SECURITY_POLICY_BROWSABLE_API = {"style-src": ["'self'", "'unsafe-inline'"]}
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
    # Password reset requests: per address and per e-mail address (in per_id); no sum asked.
    "accounts.password_reset": {
        "window": 3600,
        "per_address": 20,
        "per_id": 3,
        "challenge_after": 1_000_000,
    },
}

# Audit log (kunqu_jiafu/audit): signed anchors of the chain's head are written here every
# hour by beat (`manage.py audit_anchor` by hand). Put it on another host than the database
# (a mounted share, or copied off by the backup job): see docs/operations.md.
AUDIT_ANCHOR_DIR = Path(env("AUDIT_ANCHOR_DIR", default=str(BASE_DIR / "var" / "audit-anchors")))
# Members of these groups are e-mailed when the scheduled verification fails (a group that
# does not exist yet is skipped).
AUDIT_ALERT_GROUPS = env.list("AUDIT_ALERT_GROUPS", default=["审计管理员", "安全管理员"])

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
    "kunqu_jiafu.imports.tasks.sweep_waiting_import_jobs",
    "reports.tasks.sweep_waiting_report_runs",
    "kunqu_jiafu.exports.tasks.sweep_waiting_export_jobs",
]
# `make beat` runs kunqu_jiafu/schedule.py's tasks; without a broker nothing is scheduled.
CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE
# The yearly statistical survey: an agency that has not filed is reminded at most once in
# this many days while the form is open.
SURVEY_REMINDER_INTERVAL_DAYS = env.int("SURVEY_REMINDER_INTERVAL_DAYS", default=7)

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
