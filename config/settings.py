"""CareThread settings: one module, every value from the environment, safe local defaults.

Production is `DJANGO_DEBUG=false` with the variables listed in `.env.example` and
`deploy/README.md`; the module refuses to start with an insecure production configuration.
"""

from datetime import timedelta
from pathlib import Path

import environ
import phonenumbers
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A developer's `.env` (written by `make run`); real environment variables win over it.
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")


def env_secret(name: str, default: str = "") -> str:
    """Read a secret from NAME, or from the file named by NAME_FILE (Docker/systemd secrets)."""
    path = env.str(f"{name}_FILE", default="")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE points at {path!r}, which cannot be read: {exc}") from exc
    return env.str(name, default=default)


DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env_secret("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Production (DJANGO_DEBUG=false) needs a long random key: "
            "generate one with `python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    SECRET_KEY = "django-insecure-local-development-only"
elif not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is too weak for production: use at least 50 random characters.")

PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[PUBLIC_BASE_URL])

CLINIC_NAME = env.str("CLINIC_NAME", default="CareThread Clinic")
CLINIC_PHONE = env.str("CLINIC_PHONE", default="+91 80 4000 1234")
CLINIC_WHATSAPP = env.str("CLINIC_WHATSAPP", default="+918040001234")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    # Staff sign-in hardening (accounts/): lockout after failed passwords, TOTP + recovery codes.
    # rest_framework.authtoken is gone: its tokens were stored in plain text (accounts.ApiToken replaces it).
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "phonenumber_field",
    "django_q",
    "clinic",
    "patients",
    "consults",
    "messaging",
    "followups",
    "webchat",  # web chat for patients without WhatsApp (issue 13)
    "accounts",  # staff sign-in: lockout, two-step login, session timeouts, personal API tokens (issue 10)
    "insights",  # clinic insights page for coordinators and admins (issue 14)
    "interop",  # FHIR R4 export of care records and import of lab results (issue 16)
    "rights",  # patient rights: data package link, correction and erasure requests, retention (issue 16)
    # The patient guide (issue 12): Wagtail at /cms/, pages served at / and /hi/.
    "guide",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
]

MIDDLEWARE = [
    "clinic.observability.RequestIdMiddleware",
    # CSP (with a per-request nonce), Permissions-Policy, no-store on patient data (clinic/security_headers.py).
    "clinic.security_headers.SecurityHeadersMiddleware",
    # A database that cannot be reached answers 503 "call the clinic", not 500 (clinic/db_unavailable.py).
    "clinic.db_unavailable.DatabaseUnavailableMiddleware",
    "clinic.request_guards.NulQueryMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff sessions: end idle/too-old sessions first, then require two-step login on console paths.
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.MfaRequiredMiddleware",
    # Console and API times in the signed-in staff member's own zone ("My settings"; accounts/preferences.py).
    "accounts.middleware.StaffTimeZoneMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a locked-out login attempt into the "account locked" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
# Every form control gets an accessible name, inline rows and split date/time inputs too (issue 14).
FORM_RENDERER = "clinic.a11y_forms.AccessibleFormRenderer"
WSGI_APPLICATION = "config.wsgi.application"

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
                "clinic.context_processors.clinic",
            ],
        },
    },
]

# Database: SQLite file under var/ unless DATABASE_URL says otherwise.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'carethread.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One writer at a time: IMMEDIATE makes check-then-insert (booking) serialize instead of
    # failing with "database is locked" on upgrade from a read lock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A booking waiting for an expert's row lock gives up after this long and answers 503 "busy"
    # (consults/rules.py). Set once per connection, so no request pays a SET; 0 turns it off.
    _lock_timeout_ms = env.int("DATABASE_LOCK_TIMEOUT_MS", default=5000)
    if _lock_timeout_ms:
        _options = DATABASES["default"].setdefault("OPTIONS", {})
        _options["options"] = f"{_options.get('options', '')} -c lock_timeout={_lock_timeout_ms}".strip()
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env.str(
        "DATABASE_TEST_NAME", default=f"test_{DATABASES['default']['NAME']}"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rate limits (booking, login) count in the cache: a process-local cache gives every worker its own
# count, so production refuses one. ALLOW_PROCESS_LOCAL_CACHE=true is for single-process runs with
# DEBUG off that need no shared limits (the test suite, benchmarks); `check --deploy` still fails.
ALLOW_PROCESS_LOCAL_CACHE = env.bool("ALLOW_PROCESS_LOCAL_CACHE", default=False)
if not DEBUG and not REDIS_URL and not ALLOW_PROCESS_LOCAL_CACHE:
    raise ImproperlyConfigured(
        "REDIS_URL is not set. Production (DJANGO_DEBUG=false) needs the Redis all workers share, or rate "
        "limits would count per process: set REDIS_URL (deploy/README.md). For a single-process test or "
        "benchmark only, set ALLOW_PROCESS_LOCAL_CACHE=true."
    )
# Trusted reverse proxies in front of Django, each appending to X-Forwarded-For (deploy/'s nginx: 1).
# 0 ignores the header, which any client can send (clinic/request_guards.client_address).
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
if not 0 <= NUM_PROXIES <= 5:
    raise ImproperlyConfigured("NUM_PROXIES must be the number of proxies in front of Django, 0 to 5.")

# django-q2. The queue only triggers work; rows in the database are the source of truth, so
# a task handed out twice (ORM broker) or lost (Redis, worker killed) is recovered by sweeps.
Q_CLUSTER = {
    # The broker's queue name: deployments (or a benchmark) sharing one Redis each need their own.
    "name": env.str("Q_CLUSTER_NAME", default="carethread"),
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": 60,
    "retry": 180,
    "max_attempts": 1,
    "ack_failures": True,
    "catch_up": False,
    "save_limit": 1000,
    "label": "Task queue",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
Q_CLUSTER["sync"] = env.bool("Q_SYNC", default=False)
# Every qcluster runs the scheduler (row locks stop a schedule firing twice); a large fleet may
# switch it off on worker nodes and run it on one node only (deploy/systemd/carethread-scheduler.service).
Q_CLUSTER["scheduler"] = env.bool("Q_SCHEDULER", default=True)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("hi", "हिन्दी")]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Kolkata")
USE_I18N = True
# Translations of the booking and manage pages (branch reach): locale/hi/LC_MESSAGES/django.po.
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True
# One date format and one date-time format across the console ("30 Nov 2026", "30 Nov 2026, 10:00 IST"),
# and dd/mm/yyyy accepted wherever a date is typed: config/formats/. Times show in each staff member's own
# zone (accounts.middleware.StaffTimeZoneMiddleware); clinical rules count days in TIME_ZONE.
FORMAT_MODULE_PATH = ["config.formats"]

# The patient guide (Wagtail): editors at /cms/, pages in English and Hindi (guide/README in guide/models.py).
WAGTAIL_SITE_NAME = CLINIC_NAME
WAGTAILADMIN_BASE_URL = PUBLIC_BASE_URL
WAGTAIL_I18N_ENABLED = True
# No avatars from gravatar.com: editors' email hashes stay here, and the CSP allows images from our origin only.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# The database backend uses PostgreSQL full-text search on PostgreSQL, plain matching on SQLite.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Seconds a rendered guide page stays cached; every publish invalidates all of them at once.
GUIDE_CACHE_SECONDS = env.int("GUIDE_CACHE_SECONDS", default=3600)

STATIC_URL = "static/"
# collectstatic target; nginx serves it directly in production (deploy/nginx/carethread.conf).
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

PHONENUMBER_DEFAULT_REGION = "IN"
PHONENUMBER_DEFAULT_FORMAT = "E164"
# Which numbers the public may give us (patients/contact_validation.py): the clinic's own country and
# mobiles only, so a booking cannot make the clinic text premium or far-away numbers (SMS pumping).
# Types: mobile, fixed_line_or_mobile (where a country's plan cannot tell), fixed_line, toll_free, voip, …
PATIENT_PHONE_COUNTRIES = [code.upper() for code in env.list("PATIENT_PHONE_COUNTRIES", default=["IN"])]
PATIENT_PHONE_TYPES = env.list("PATIENT_PHONE_TYPES", default=["mobile", "fixed_line_or_mobile"])
_unknown_countries = set(PATIENT_PHONE_COUNTRIES) - phonenumbers.SUPPORTED_REGIONS
_unknown_types = set(PATIENT_PHONE_TYPES) - {
    "mobile",
    "fixed_line_or_mobile",
    "fixed_line",
    "toll_free",
    "voip",
    "personal_number",
    "uan",
}
if not PATIENT_PHONE_COUNTRIES or _unknown_countries:
    raise ImproperlyConfigured(f"PATIENT_PHONE_COUNTRIES needs country codes like IN, not {_unknown_countries}.")
if not PATIENT_PHONE_TYPES or _unknown_types:
    raise ImproperlyConfigured(f"PATIENT_PHONE_TYPES has unknown types {_unknown_types}; use e.g. mobile.")

LOGIN_URL = "admin:login"

# Staff sign-in (accounts/). The lockout backend goes first: it refuses a locked-out username+IP
# before any password is checked (django-axes); ModelBackend then checks the password.
AUTHENTICATION_BACKENDS = [
    "accounts.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The lockout counts per client address taken through NUM_PROXIES, like the rate limits (accounts/lockout.py).
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=30))
# Count failures per username *and* address, so a stranger cannot lock a colleague out from elsewhere.
AXES_LOCKOUT_PARAMETERS = [env.list("LOGIN_LOCKOUT_PARAMETERS", default=["username", "ip_address"])]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# The console's own (audited) unlock admin replaces the one django-axes would register.
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
if AXES_FAILURE_LIMIT < 1:
    raise ImproperlyConfigured("LOGIN_FAILURE_LIMIT must be at least 1.")
# Two-step login: which roles must enrol ("admin" = superusers, or role group names such as
# "coordinator"), and the paths where a session without a confirmed second step is sent to enrol/verify.
MFA_REQUIRED_ROLES = env.list("MFA_REQUIRED_ROLES", default=["admin"])
MFA_ENFORCED_PATH_PREFIXES = env.list("MFA_ENFORCED_PATH_PREFIXES", default=["/admin/", "/cms/"])
OTP_TOTP_ISSUER = CLINIC_NAME
# Staff sessions end after this much inactivity, and in any case SESSION_COOKIE_AGE after sign-in.
SESSION_IDLE_TIMEOUT_MINUTES = env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=30)
# Personal API tokens: lifetime offered by default and the longest a user may choose.
API_TOKEN_DEFAULT_DAYS = env.int("API_TOKEN_DEFAULT_DAYS", default=90)
API_TOKEN_MAX_DAYS = env.int("API_TOKEN_MAX_DAYS", default=365)
if not 1 <= API_TOKEN_DEFAULT_DAYS <= API_TOKEN_MAX_DAYS:
    raise ImproperlyConfigured("API_TOKEN_DEFAULT_DAYS must be between 1 and API_TOKEN_MAX_DAYS.")
if SESSION_IDLE_TIMEOUT_MINUTES < 1:
    raise ImproperlyConfigured("SESSION_IDLE_TIMEOUT_MINUTES must be at least 1.")

# Consult booking rules (consults/slots.py, consults/services.py).
CONSULT_MIN_NOTICE_MINUTES = env.int("CONSULT_MIN_NOTICE_MINUTES", default=120)
CONSULT_HORIZON_DAYS = env.int("CONSULT_HORIZON_DAYS", default=30)
CONSULT_REMINDER_LEAD_HOURS = [int(h) for h in env.list("CONSULT_REMINDER_LEAD_HOURS", default=["24", "2"])]
# Reminders this close to the consult ignore quiet hours (they would arrive too late otherwise).
CONSULT_REMINDER_URGENT_BELOW_HOURS = env.int("CONSULT_REMINDER_URGENT_BELOW_HOURS", default=3)
CONSULT_MAX_UPCOMING_PER_PATIENT = env.int("CONSULT_MAX_UPCOMING_PER_PATIENT", default=2)
# How long after a consult its manage link still shows the booking (then "this link has expired").
CONSULT_MANAGE_LINK_DAYS = env.int("CONSULT_MANAGE_LINK_DAYS", default=30)
# Video consults (branch reach): each consult's room is this URL with {room} replaced by the
# consult's unguessable room name; an expert's own fixed link (Expert.video_url) wins. Empty: no link.
VIDEO_ROOM_URL_TEMPLATE = env.str("VIDEO_ROOM_URL_TEMPLATE", default="https://meet.jit.si/carethread-{room}")
if VIDEO_ROOM_URL_TEMPLATE and "{room}" not in VIDEO_ROOM_URL_TEMPLATE:
    raise ImproperlyConfigured("VIDEO_ROOM_URL_TEMPLATE must contain {room}, e.g. https://meet.jit.si/clinic-{room}.")

# Who may read a patient's record (patients/selectors.py, issue 10): an expert while a non-cancelled
# consult with the patient is upcoming or ended within this many days, or while on the care team;
# anything else is break-glass access with a reason, open this many hours and audited.
EXPERT_ACCESS_RECENT_DAYS = env.int("EXPERT_ACCESS_RECENT_DAYS", default=30)
EXPERT_BREAK_GLASS_HOURS = env.int("EXPERT_BREAK_GLASS_HOURS", default=4)

# Automated follow-ups (followups/): monitoring reminders this many days before an item is due, one
# overdue nudge up to this many days after its window closed, resource follow-up after a referral.
FOLLOWUPS_MONITORING_DAYS_BEFORE = env.int("FOLLOWUPS_MONITORING_DAYS_BEFORE", default=3)
FOLLOWUPS_MONITORING_OVERDUE_DAYS = env.int("FOLLOWUPS_MONITORING_OVERDUE_DAYS", default=14)
FOLLOWUPS_RESOURCE_FOLLOW_UP_DAYS = env.int("FOLLOWUPS_RESOURCE_FOLLOW_UP_DAYS", default=7)
# Seconds a follow-up sweep works before it queues its continuation; one more chunk (500 messages)
# must still fit in the task timeout (Q_CLUSTER["timeout"]).
FOLLOWUPS_SWEEP_SECONDS = env.int("FOLLOWUPS_SWEEP_SECONDS", default=25)
if not 1 <= FOLLOWUPS_SWEEP_SECONDS <= Q_CLUSTER["timeout"] // 2:
    raise ImproperlyConfigured(
        f"FOLLOWUPS_SWEEP_SECONDS must be between 1 and {Q_CLUSTER['timeout'] // 2} "
        "(half the task timeout), so a sweep always finishes its last chunk in time."
    )

# Seconds the nightly care sweep works before queueing its continuation (patients/tasks.py); a chunk
# of 200 records must still fit in the rest of the task timeout.
CARE_SWEEP_SECONDS = env.int("CARE_SWEEP_SECONDS", default=25)
if not 1 <= CARE_SWEEP_SECONDS <= Q_CLUSTER["timeout"] // 2:
    raise ImproperlyConfigured(
        f"CARE_SWEEP_SECONDS must be between 1 and {Q_CLUSTER['timeout'] // 2} "
        "(half the task timeout), so the sweep always finishes its last chunk in time."
    )

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Personal tokens first: DRF takes the WWW-Authenticate challenge (and so 401, not 403, for a
    # missing or bad credential) from the first class. Sessions count only after the two-step login.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "accounts.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "clinic.api_errors.api_exception_handler",
    "NUM_PROXIES": NUM_PROXIES,  # throttles read X-Forwarded-For only as far as trusted proxies vouch
    # JSON that cannot be parsed (too deep, bad UTF-8) is a 400, never a 500 (clinic/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "clinic.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "booking_ip": env.str("THROTTLE_BOOKING_IP", default="20/hour"),
        "booking_phone": env.str("THROTTLE_BOOKING_PHONE", default="5/hour"),
        "public_read": env.str("THROTTLE_PUBLIC_READ", default="600/hour"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "CareThread API",
    "DESCRIPTION": "Consult booking and care coordination for patients on targeted cancer drugs.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Wagtail's admin API under /cms/ is not part of CareThread's documented API.
    "PREPROCESSING_HOOKS": ["guide.api_schema.exclude_cms_endpoints"],
    # One enum name per choice set: SMS/WhatsApp wherever it appears (channel, last_channel, …), and the
    # patients models that each have a "status" / "kind".
    "ENUM_NAME_OVERRIDES": {
        "ChannelEnum": "patients.models.Channel",
        "LanguageEnum": "patients.models.Language",
        "TestStatusEnum": "patients.models.TestStatus",
        "ItemStatusEnum": "patients.models.ItemStatus",
        "TaskStatusEnum": "patients.models.TaskStatus",
        "AssignmentStatusEnum": "patients.models.AssignmentStatus",
        "TestKindEnum": "patients.models.TestKind",
        "MonitoringKindEnum": "patients.models.MonitoringKind",
        "MessageChannelEnum": "messaging.models.MessageChannel",  # sms, whatsapp, web (issue 13)
    },
}

# Messaging (see messaging/backends.py). Without Twilio credentials, messages print to the console.
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env_secret("TWILIO_AUTH_TOKEN")
TWILIO_SMS_FROM = env.str("TWILIO_SMS_FROM", default="")
TWILIO_WHATSAPP_FROM = env.str("TWILIO_WHATSAPP_FROM", default="")
TWILIO_MESSAGING_SERVICE_SID = env.str("TWILIO_MESSAGING_SERVICE_SID", default="")
TWILIO_API_BASE_URL = env.str("TWILIO_API_BASE_URL", default="https://api.twilio.com")
MESSAGING_BACKEND = env.str(
    "MESSAGING_BACKEND", default="twilio" if TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN else "console"
)
if MESSAGING_BACKEND not in {"console", "locmem", "twilio"}:
    raise ImproperlyConfigured("MESSAGING_BACKEND must be one of: console, locmem, twilio.")
if MESSAGING_BACKEND == "twilio" and not (TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN):
    raise ImproperlyConfigured("MESSAGING_BACKEND=twilio needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN.")
# Seconds the Twilio SDK waits for an answer before the send counts as "outcome unknown".
TWILIO_HTTP_TIMEOUT = env.float("TWILIO_HTTP_TIMEOUT", default=10.0)
# Twilio answers STOP/HELP/START on SMS itself (Advanced Opt-Out); set false if that is turned off
# so the app sends its own help reply and opt-in confirmation on SMS.
TWILIO_SMS_AUTO_REPLIES = env.bool("TWILIO_SMS_AUTO_REPLIES", default=True)
# Quiet hours in the patient's own zone ("HH:MM"); non-urgent messages wait until the end.
# Equal start and end turn quiet hours off.
MESSAGING_QUIET_HOURS_START = env.str("MESSAGING_QUIET_HOURS_START", default="21:00")
MESSAGING_QUIET_HOURS_END = env.str("MESSAGING_QUIET_HOURS_END", default="08:00")
MESSAGING_MAX_ATTEMPTS = env.int("MESSAGING_MAX_ATTEMPTS", default=6)
MESSAGING_RETRY_BASE_SECONDS = env.int("MESSAGING_RETRY_BASE_SECONDS", default=30)
MESSAGING_RETRY_MAX_SECONDS = env.int("MESSAGING_RETRY_MAX_SECONDS", default=3600)
# A row claimed by a worker longer than this is presumed abandoned and recovered by the sweeper.
MESSAGING_SENDING_TIMEOUT_SECONDS = env.int("MESSAGING_SENDING_TIMEOUT_SECONDS", default=300)
# After an attempt whose outcome is unknown, wait this long before asking Twilio whether it took it.
MESSAGING_RECONCILE_AFTER_SECONDS = env.int("MESSAGING_RECONCILE_AFTER_SECONDS", default=120)
MESSAGING_WHATSAPP_WINDOW_HOURS = env.int("MESSAGING_WHATSAPP_WINDOW_HOURS", default=24)
# A patient's reply is offered to the handler of the prompt it answers for this long.
MESSAGING_REPLY_WINDOW_HOURS = env.int("MESSAGING_REPLY_WINDOW_HOURS", default=48)
# Sends per second per sender (Twilio queues the excess, then fails with 21611); 0 = no pacing.
MESSAGING_SMS_PER_SECOND = env.float("MESSAGING_SMS_PER_SECOND", default=10)
MESSAGING_WHATSAPP_PER_SECOND = env.float("MESSAGING_WHATSAPP_PER_SECOND", default=50)
# E-mail the assignee (a link only, no patient data) when a patient's message lands unread.
MESSAGING_NOTIFY_BY_EMAIL = env.bool("MESSAGING_NOTIFY_BY_EMAIL", default=False)
# Inbound attachments become links in the console only on these https hosts (messaging/media.py).
MESSAGING_MEDIA_HOSTS = env.list("MESSAGING_MEDIA_HOSTS", default=["api.twilio.com", "media.twiliocdn.com"])
for _name in ("MESSAGING_QUIET_HOURS_START", "MESSAGING_QUIET_HOURS_END"):
    _value = globals()[_name]
    if not (
        len(_value) == 5
        and _value[2] == ":"
        and _value[:2].isdigit()
        and _value[3:].isdigit()
        and int(_value[:2]) < 24
        and int(_value[3:]) < 60
    ):
        raise ImproperlyConfigured(f"{_name} must be a time like 21:00, not {_value!r}.")
if MESSAGING_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured("MESSAGING_MAX_ATTEMPTS must be at least 1.")
if MESSAGING_SENDING_TIMEOUT_SECONDS < 3 * TWILIO_HTTP_TIMEOUT + 30:
    # Otherwise the sweeper could hand a message to a second worker while the first one's request
    # to Twilio is still in flight.
    raise ImproperlyConfigured("MESSAGING_SENDING_TIMEOUT_SECONDS must be at least 3 x TWILIO_HTTP_TIMEOUT + 30.")
if MESSAGING_BACKEND == "twilio" and not (TWILIO_SMS_FROM or TWILIO_WHATSAPP_FROM or TWILIO_MESSAGING_SERVICE_SID):
    raise ImproperlyConfigured(
        "MESSAGING_BACKEND=twilio needs a sender: TWILIO_SMS_FROM, TWILIO_WHATSAPP_FROM "
        "or TWILIO_MESSAGING_SERVICE_SID."
    )

# Web chat and one-time codes (webchat/, messaging/verify.py). Without a Verify service the code
# is made locally and printed in the console; `locmem` keeps codes for tests.
TWILIO_VERIFY_SERVICE_SID = env.str("TWILIO_VERIFY_SERVICE_SID", default="")
VERIFY_BACKEND = env.str(
    "VERIFY_BACKEND",
    default="twilio" if TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN and TWILIO_VERIFY_SERVICE_SID else "console",
)
if VERIFY_BACKEND not in {"console", "locmem", "twilio"}:
    raise ImproperlyConfigured("VERIFY_BACKEND must be one of: console, locmem, twilio.")
if VERIFY_BACKEND == "twilio" and not (TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN and TWILIO_VERIFY_SERVICE_SID):
    raise ImproperlyConfigured(
        "VERIFY_BACKEND=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_VERIFY_SERVICE_SID."
    )
# Against SMS pumping and guessing: codes per phone and per address per hour, wrong tries per code.
VERIFY_CODE_TTL_MINUTES = env.int("VERIFY_CODE_TTL_MINUTES", default=10)
VERIFY_MAX_ATTEMPTS = env.int("VERIFY_MAX_ATTEMPTS", default=5)
WEBCHAT_CODES_PER_PHONE_HOUR = env.int("WEBCHAT_CODES_PER_PHONE_HOUR", default=5)
WEBCHAT_CODES_PER_IP_HOUR = env.int("WEBCHAT_CODES_PER_IP_HOUR", default=20)
# A chat ends with the browser session, and at the latest this long after it was opened.
WEBCHAT_MAX_HOURS = env.int("WEBCHAT_MAX_HOURS", default=12)

# Security. Production sits behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# HSTS preload is a one-way commitment the clinic opts into on its own domain.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# `/bench/bare`: a minimal view that bench-prod compares real pages against. Off unless asked for.
BENCH_BARE_VIEW = env.bool("BENCH_BARE_VIEW", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "clinic.observability.RequestIdFilter"},
        "redact": {"()": "clinic.observability.RedactFilter"},
        # make run: hide runserver's successful static-file lines (issue 13: messages were buried).
        "quiet_static": {"()": "clinic.observability.QuietStaticRequestsFilter"},
    },
    "formatters": {"line": {"()": "clinic.observability.JsonLineFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "line",
            "filters": ["request_id", "redact"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # runserver's access lines carry paths with manage-link tokens: route them through redaction.
        "django.server": {
            "handlers": ["console"],
            "level": "INFO",
            "propagate": False,
            "filters": ["quiet_static"] if DEBUG else [],
        },
        # django-q2 logs as "django-q" (with a hyphen): cluster start/stop and each task at INFO.
        "django-q": {"level": "INFO", "propagate": True},
        # The SDK logs every request's URL and query (phone numbers) at INFO.
        "twilio": {"level": "WARNING"},
        # django-axes logs every sign-in at INFO; failures and lockouts come at WARNING.
        "axes": {"level": "WARNING"},
    },
}
