"""PrepForge settings.

Everything comes from the environment; every variable has an embedded default so that a fresh
clone starts with `make run` (SQLite, in-memory channel layer, eager Celery, local files, console
mail). Naming DATABASE_URL / REDIS_URL / AWS_STORAGE_BUCKET_NAME switches to the real services.
"""

import ipaddress
import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

from config.storage_settings import storages_from_environment
from config.webrtc_settings import webrtc_ice_servers
from core.log_config import configure_structlog, logging_settings
from core.proxies import parse_networks

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PREPFORGE_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


TESTING = "pytest" in sys.modules or os.environ.get("PREPFORGE_TESTING") == "1"
DEBUG = env_bool("DEBUG", True)
# With DEBUG: Django's technical 404/500 pages (URL patterns, tracebacks, settings) instead of
# the site's. For a developer alone on the machine; people using `make run` see the site's pages.
TECHNICAL_ERROR_PAGES = DEBUG and env_bool("TECHNICAL_ERROR_PAGES", False)
DEFAULT_EXCEPTION_REPORTER = "core.exception_reporter.SitePageExceptionReporter"

_DEV_SECRET = "dev-only-insecure-secret-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz"
SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "core.admin_config.RoleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "channels",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.headless",
    "core",
    "accounts",
    "challenges",
    "collaboration",
    "resumes",
    "interviews",
    "community",
    "analytics",
    "chat",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.request_context.RequestObservationMiddleware",
    "core.error_responses.ErrorPagesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.api_body_guard.JSONObjectBodyMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.request_context.BindUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    "accounts.middleware.DailyActivityMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = None

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
                "accounts.context_processors.viewer_context",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # A database that does not answer fails a request in seconds (a 503), never hangs it.
        DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = int(os.environ.get("DB_CONNECT_TIMEOUT", 3))
        # A pool of connections per process (psycopg_pool): under ASGI Django cannot keep a
        # connection from one request to the next, and connecting was a third of the challenge
        # list's time. Each connection is checked as it is taken (a restarted server's dead
        # connections are replaced), and a pool that has none to give fails in DB_CONNECT_TIMEOUT
        # (a 503, as a failed connect does). Off in tests, whose databases come and go.
        if env_bool("DB_POOL", not TESTING):
            DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # the pool's check_connection
            DATABASES["default"]["OPTIONS"]["pool"] = {
                "min_size": int(os.environ.get("DB_POOL_MIN_SIZE", 2)),
                "max_size": int(os.environ.get("DB_POOL_MAX_SIZE", 10)),
                "timeout": int(os.environ.get("DB_CONNECT_TIMEOUT", 3)),
            }
    elif DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        # As the default file below (the test servers name it by URL): without IMMEDIATE, two
        # writers that both read first deadlock and one fails at once with "database is locked".
        DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
            # A file (not memory) so that the web and worker processes started by tests share it.
            "TEST": {"NAME": str(VAR_DIR / "test-db.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, channel layer, Celery broker ---------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache with one connection pool per process, not one per request.
            "BACKEND": "core.cache_backends.SharedPoolRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "prepforge"),
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # A channel holds up to 1,000 messages (channels_redis' default of 100 drops the
            # rest silently when a busy process falls a moment behind a room's fan-out).
            "CONFIG": {"hosts": [REDIS_URL], "prefix": "prepforge:asgi", "capacity": 1000},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
# Eager without a broker; tests are eager too, except the ones that start a real worker.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL or TESTING)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "prepforge")
CELERY_TASK_TIME_LIMIT = 300
# Task modules outside an app's tasks.py (autodiscovery finds only those).
CELERY_IMPORTS = ("interviews.peer.tasks",)
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A message a worker took and did not acknowledge (it died) comes back after this long: longer
# than the longest task (judging: 660 s), so that a slow task is never handed out twice. Work a
# dead worker held is found sooner by the recovery sweeps below, from the database.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", 900))}
# Recovery sweeps (Celery beat): give the workers back what the queue lost (a killed worker, a
# Redis restart): submissions, resume reads and e-mails, from their state in the database.
RECOVERY_SWEEP_SECONDS = float(os.environ.get("RECOVERY_SWEEP_SECONDS", 20))
JUDGE_STALL_GRACE_SECONDS = float(os.environ.get("JUDGE_STALL_GRACE_SECONDS", 20))
JUDGE_REQUEUE_SECONDS = float(os.environ.get("JUDGE_REQUEUE_SECONDS", 60))
RESUME_REQUEUE_SECONDS = float(os.environ.get("RESUME_REQUEUE_SECONDS", 60))
EMAIL_REQUEUE_SECONDS = float(os.environ.get("EMAIL_REQUEUE_SECONDS", 60))
# A sweep no worker took within its period is dropped ("expires"): while the workers are down
# beat keeps queueing them, and a worker that comes back should not work through that backlog first.
CELERY_BEAT_SCHEDULE = {
    "recover-lost-submissions": {
        "task": "challenges.tasks.submissions_recover_task",
        "schedule": timedelta(seconds=RECOVERY_SWEEP_SECONDS),
        "options": {"expires": RECOVERY_SWEEP_SECONDS},
    },
    "recover-lost-resume-reads": {
        "task": "resumes.tasks.versions_recover_task",
        "schedule": timedelta(seconds=RECOVERY_SWEEP_SECONDS),
        "options": {"expires": RECOVERY_SWEEP_SECONDS},
    },
    "recover-lost-emails": {
        "task": "accounts.tasks.notification_emails_recover_task",
        "schedule": timedelta(seconds=RECOVERY_SWEEP_SECONDS),
        "options": {"expires": RECOVERY_SWEEP_SECONDS},
    },
    "recover-lost-webhook-deliveries": {
        "task": "chat.bot_tasks.webhook_deliveries_recover_task",
        "schedule": timedelta(seconds=RECOVERY_SWEEP_SECONDS),
        "options": {"expires": RECOVERY_SWEEP_SECONDS},
    },
    "recover-lost-media-jobs": {
        "task": "core.tasks.media_recover_task",
        "schedule": timedelta(seconds=RECOVERY_SWEEP_SECONDS),
    },
    "chat-calls-and-presence-sweep": {
        "task": "chat.call_tasks.calls_and_presence_sweep_task",
        "schedule": timedelta(seconds=15),
        "options": {"expires": 15},
    },
    "peer-interviews-tick": {
        "task": "interviews.peer.tasks.peer_tick",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 60},
    },
    "peer-weekly-slots-extend": {
        "task": "interviews.peer.tasks.peer_weekly_extend",
        "schedule": crontab(minute=23, hour="*/6"),
    },
    "close-expired-rooms": {
        "task": "collaboration.tasks.rooms_expire",
        "schedule": crontab(minute="*/10"),
    },
    "purge-expired-audit-events": {
        "task": "core.tasks.audit_purge_expired_task",
        "schedule": crontab(minute=41, hour=3),
    },
    "purge-expired-notifications": {
        "task": "accounts.tasks.notifications_purge_expired",
        "schedule": crontab(minute=17, hour="*/6"),
    },
    "analytics-daily-aggregates": {
        "task": "analytics.tasks.daily_aggregates_task",
        "schedule": crontab(minute=7),
    },
    "analytics-purge-old-exports": {
        "task": "analytics.tasks.data_exports_purge_task",
        "schedule": crontab(minute=53, hour=3),
    },
    "analytics-weekly-summaries": {
        "task": "analytics.tasks.weekly_summaries_task",
        "schedule": crontab(minute=30, hour=8, day_of_week="mon"),
    },
}

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Codes rather than links: the same flow works in the browser and in a mobile app.
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    "login": os.environ.get("THROTTLE_LOGIN", "30/m/ip"),
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[PrepForge] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG else "http"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "PrepForge"

HEADLESS_ONLY = False
HEADLESS_CLIENTS = ("app",)
HEADLESS_TOKEN_STRATEGY = "allauth.headless.tokens.strategies.jwt.JWTTokenStrategy"
HEADLESS_JWT_ALGORITHM = "HS256"  # signed with SECRET_KEY
HEADLESS_JWT_ACCESS_TOKEN_EXPIRES_IN = int(os.environ.get("JWT_ACCESS_TTL_SECONDS", 900))
HEADLESS_JWT_REFRESH_TOKEN_EXPIRES_IN = int(os.environ.get("JWT_REFRESH_TTL_SECONDS", 30 * 86400))
# Stateful: logging out (ending the session) revokes access tokens at once.
HEADLESS_JWT_STATEFUL_VALIDATION_ENABLED = True
HEADLESS_SERVE_SPECIFICATION = True

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "allauth.headless.contrib.rest_framework.authentication.JWTTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Bodies are JSON objects (core.api_body_guard refuses anything else); uploads name multipart.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "core.api_schema.EnvelopeAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "core.pagination.PagePagination",
    "EXCEPTION_HANDLER": "core.exceptions.api_exception_handler",
    # Everyone has the user/anon rate; a view's throttle_scope adds a rate for its writes.
    "DEFAULT_THROTTLE_CLASSES": [
        "core.throttling.FailOpenAnonRateThrottle",
        "core.throttling.FailOpenUserRateThrottle",
        "core.throttling.UnsafeMethodScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("THROTTLE_ANON", "60/min"),
        "user": os.environ.get("THROTTLE_USER", "600/min"),
        "writes": os.environ.get("THROTTLE_WRITES", "120/min"),
        "uploads": os.environ.get("THROTTLE_UPLOADS", "20/min"),
        "runs": os.environ.get("THROTTLE_RUNS", "30/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PrepForge API",
    "DESCRIPTION": (
        "JSON API for PrepForge's apps. Authenticate through allauth headless "
        "(`/_allauth/app/v1/`, see `/_allauth/openapi.html`) and send the access token as "
        "`Authorization: Bearer <token>`. Bodies are JSON objects (uploads are multipart), and "
        "text never "
        "contains NUL characters. Errors answer `{\"error\": {\"code\", \"message\", "
        "\"details\"}}`. Every path also answers without its trailing slash."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["core.api_schema.without_slashless_twins"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "core.api_schema.non_blank_request_strings"],
    # Choice sets that share a field name across apps get names of their own (not a hash).
    "ENUM_NAME_OVERRIDES": {
        "ChatMemberRoleEnum": "chat.models.MemberRole",
        "DifficultyEnum": "challenges.models.Difficulty",  # interviews and posts use the same choices
        "PostDifficultyFilterEnum": ["", "easy", "medium", "hard"],
        "RuntimeLanguageEnum": "challenges.apis.runtime_language_names",
        "PostTypeEnum": "community.models.PostType",
        "TemplateKindEnum": "community.models.TemplateKind",
        "TemplateLanguageEnum": ["python", "javascript", "c", "cpp", "java"],
        "PeerTopicEnum": "interviews.engine.peer_schedule.TOPIC_KEYS",
        "PeerLanguageEnum": "interviews.engine.peer_schedule.LANGUAGE_KEYS",
    },
}

# --- Files, static, mail --------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
WHITENOISE_USE_FINDERS = DEBUG
# Public files (avatars) under MEDIA_ROOT; private ones (resumes) outside it, never served by a URL.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
STORAGES = {
    **storages_from_environment(os.environ, media_root=MEDIA_ROOT, private_root=PRIVATE_MEDIA_ROOT),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_242_880
AVATAR_MAX_BYTES = int(os.environ.get("AVATAR_MAX_BYTES", 2 * 1024 * 1024))
# A small file can declare a huge image: the size is read from the header and refused above this,
# and decoding happens in a child process with a memory limit, a few at a time.
AVATAR_MAX_PIXELS = int(os.environ.get("AVATAR_MAX_PIXELS", 25_000_000))
AVATAR_DECODE_MEMORY = 512 * 1024 * 1024
AVATAR_DECODE_SECONDS = 10
AVATAR_DECODE_CONCURRENCY = int(os.environ.get("AVATAR_DECODE_CONCURRENCY", 2))
AVATAR_DECODE_LOCK_DIR = str(VAR_DIR / "locks" / "avatar-decoders")
AVATAR_DECODE_QUEUE_SECONDS = 20

EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "PrepForge <noreply@prepforge.local>")
if EMAIL_HOST:
    # Django's SMTP backend, recording the moment the server may have the mail (core/smtp_handover.py).
    EMAIL_BACKEND = "core.smtp_handover.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 587))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    # A server that stops answering fails the send (retried) instead of holding the worker.
    EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", 20))
else:
    # Development: every mail is also a file under var/mail/ (and printed by `make run`).
    EMAIL_BACKEND = os.environ.get(
        "EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
    )
    EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))

# --- Product settings -----------------------------------------------------------------------
NOTIFICATION_TTL = timedelta(days=int(os.environ.get("NOTIFICATION_TTL_DAYS", 90)))
NOTIFICATION_REPLAY_LIMIT = 200
WEBSOCKET_MAX_MESSAGE_BYTES = 4096
WEBSOCKET_RATE = (20, 10.0)  # messages per seconds, per connection
# Messenger: messages one user may send a minute, across all chats (chat.services).
CHAT_MESSAGES_PER_MINUTE = int(os.environ.get("CHAT_MESSAGES_PER_MINUTE", "30"))
# Chat bots (chat.bot_services): messages one bot may send a minute; getUpdates' longest wait.
BOT_MESSAGES_PER_MINUTE = int(os.environ.get("BOT_MESSAGES_PER_MINUTE", "20"))
BOT_LONG_POLL_MAX_SECONDS = int(os.environ.get("BOT_LONG_POLL_MAX_SECONDS", "25"))
# Outgoing webhooks: each attempt's time limit, the most of an answer read, attempts in all and
# the first wait between them (doubled each time).
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
WEBHOOK_MAX_RESPONSE_BYTES = int(os.environ.get("WEBHOOK_MAX_RESPONSE_BYTES", "65536"))
WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "5"))
WEBHOOK_RETRY_BASE_SECONDS = float(os.environ.get("WEBHOOK_RETRY_BASE_SECONDS", "30"))
# Networks webhooks may reach although they are not public. For the test suite's loopback
# receiver only: deliberately no environment variable, so no deployment can be talked into it.
WEBHOOK_ALLOWED_NETWORKS: list[str] = []

# --- AI -----------------------------------------------------------------------------------------
# Without AI_BASE_URL the offline engine answers (deterministic, explained). With it, any
# OpenAI-compatible endpoint (OpenAI, Ollama, vLLM...) is asked first, and the offline engine
# answers whenever it fails.
AI_BASE_URL = os.environ.get("AI_BASE_URL", "")
AI_API_KEY = os.environ.get("AI_API_KEY", "")
AI_MODEL = os.environ.get("AI_MODEL", "gpt-4o-mini")
AI_TIMEOUT_SECONDS = float(os.environ.get("AI_TIMEOUT_SECONDS", 20))
AI_MAX_RETRIES = int(os.environ.get("AI_MAX_RETRIES", 1))

# --- Judge ------------------------------------------------------------------------------------
# How many programs run at once on this machine (runs beyond that queue for a slot).
JUDGE_CONCURRENCY = int(os.environ.get("JUDGE_CONCURRENCY", os.cpu_count() or 2))
# A Piston-compatible executor to run code on instead of this machine's sandbox.
PISTON_URL = os.environ.get("PISTON_URL", "")

# Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (core.proxies): none by
# default; `make prod` names its nginx (127.0.0.1). From anyone else those headers are dropped.
TRUSTED_PROXIES = parse_networks(os.environ.get("TRUSTED_PROXIES", ""))

# The audit log keeps events this long (core.audit.audit_purge_expired, daily by Celery beat).
AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", 365))

# /metrics (Prometheus) answers these networks, or a request with `Authorization: Bearer METRICS_TOKEN`.
METRICS_ALLOWED_NETWORKS = [ipaddress.ip_network(net.strip(), strict=False) for net in
                            os.environ.get("METRICS_ALLOWED_IPS", "127.0.0.1/32,::1/128").split(",") if net.strip()]
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
# Without bubblewrap the judge can only use rlimits, which do not isolate anything: allowed while
# developing, refused in production unless this is set on purpose.
JUDGE_ALLOW_UNSAFE = env_bool("JUDGE_ALLOW_UNSAFE", DEBUG)
JUDGE_MAX_SOURCE_BYTES = 64 * 1024
JUDGE_MAX_STDIN_BYTES = 1024 * 1024

# --- Resumes ------------------------------------------------------------------------------------
RESUME_MAX_UPLOAD_BYTES = int(os.environ.get("RESUME_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))
# Parsing runs in a child process with these limits, so that a hostile file cannot take the
# worker down (decompression bombs, pathological PDFs).
RESUME_PARSE_SECONDS = int(os.environ.get("RESUME_PARSE_SECONDS", 30))
RESUME_PARSE_MEMORY = 768 * 1024 * 1024
RESUME_PARSE_WORKER = "resumes.parse_worker"  # the module the child runs
if TESTING:  # fault tests give real workers a reader that takes its time
    RESUME_PARSE_WORKER = os.environ.get("RESUME_PARSE_WORKER", RESUME_PARSE_WORKER)
# At most this many children read resumes at once on one machine (each may use RESUME_PARSE_MEMORY);
# the others show as queued. Slots are file locks, shared by the web and Celery processes.
RESUME_PARSE_CONCURRENCY = int(os.environ.get("RESUME_PARSE_CONCURRENCY", 2))
RESUME_PARSE_LOCK_DIR = str(VAR_DIR / "locks" / "resume-readers")
RESUME_PARSE_QUEUE_SECONDS = 60  # a Celery task waits this long, then retries later
RESUME_PARSE_EMBEDDED_QUEUE_SECONDS = 600  # without Celery, a thread waits this long, then gives up

# --- Media (recordings, voice answers, attachments: core.media_services) --------------------------
# Refused at upload: larger files, and any file whose first bytes are not audio or video. Refused by
# the job (Celery, ffprobe/ffmpeg in child processes with these time limits): longer recordings.
MEDIA_MAX_UPLOAD_BYTES = int(os.environ.get("MEDIA_MAX_UPLOAD_BYTES", 64 * 1024 * 1024))
MEDIA_MAX_SECONDS = float(os.environ.get("MEDIA_MAX_SECONDS", 20 * 60))
MEDIA_COMMAND_SECONDS = float(os.environ.get("MEDIA_COMMAND_SECONDS", 300))
# A job that times out (or whose worker fails) is tried this many times in all, then marked failed.
MEDIA_JOB_ATTEMPTS = int(os.environ.get("MEDIA_JOB_ATTEMPTS", 3))
MEDIA_REQUEUE_SECONDS = float(os.environ.get("MEDIA_REQUEUE_SECONDS", 60))
# With AI_BASE_URL set, speech goes to its OpenAI-compatible /audio/transcriptions with this model;
# pocketsphinx (offline) answers without it, or when it fails.
AI_TRANSCRIBE_MODEL = os.environ.get("AI_TRANSCRIBE_MODEL", "whisper-1")
# No request body is read past this, whatever the path (core.body_limits, in front of Django):
# the largest upload plus room for the multipart framing and the other form fields. Bodies that
# are not multipart stop at DATA_UPLOAD_MAX_MEMORY_SIZE.
MAX_REQUEST_BODY_BYTES = max(RESUME_MAX_UPLOAD_BYTES, AVATAR_MAX_BYTES, MEDIA_MAX_UPLOAD_BYTES) + 1024 * 1024
# Multipart bodies are cut at the largest upload of what the address takes: recordings only
# where recordings go, so that a resume or avatar form still stops a client at 11 MiB.
UPLOAD_BODY_BYTES = max(RESUME_MAX_UPLOAD_BYTES, AVATAR_MAX_BYTES) + 1024 * 1024
MEDIA_UPLOAD_PATHS = ("/api/v1/media/upload",)
# Images in the media pipeline (chat attachments): refused from the header above this many pixels,
# decoded only in the limited child process (core.limited_child) with these limits, a few at once.
MEDIA_IMAGE_MAX_PIXELS = int(os.environ.get("MEDIA_IMAGE_MAX_PIXELS", 40_000_000))
MEDIA_IMAGE_MAX_INPUT_BYTES = 64 * 1024 * 1024
MEDIA_IMAGE_MAX_OUTPUT_BYTES = 256 * 1024 * 1024
MEDIA_IMAGE_DECODE_MEMORY = 1024 * 1024 * 1024
MEDIA_IMAGE_DECODE_SECONDS = 20
MEDIA_IMAGE_DECODE_CONCURRENCY = int(os.environ.get("MEDIA_IMAGE_DECODE_CONCURRENCY", 2))
MEDIA_IMAGE_DECODE_LOCK_DIR = str(VAR_DIR / "locks" / "image-decoders")
MEDIA_IMAGE_DECODE_QUEUE_SECONDS = 30
MEDIA_THUMBNAIL_SIDE = 480
# Chat attachments (chat.attachments): the largest file of each kind, by what its bytes are.
CHAT_ATTACHMENT_MAX_BYTES = {
    "image": int(os.environ.get("CHAT_MAX_IMAGE_BYTES", 15 * 1024 * 1024)),
    "video": int(os.environ.get("CHAT_MAX_VIDEO_BYTES", 64 * 1024 * 1024)),
    "audio": int(os.environ.get("CHAT_MAX_AUDIO_BYTES", 20 * 1024 * 1024)),
    "file": int(os.environ.get("CHAT_MAX_FILE_BYTES", 25 * 1024 * 1024)),
}
MEDIA_UPLOAD_PATHS = (*MEDIA_UPLOAD_PATHS, "/api/v1/files")
MAX_REQUEST_BODY_BYTES = max(MAX_REQUEST_BODY_BYTES, max(CHAT_ATTACHMENT_MAX_BYTES.values()) + 1024 * 1024)

# --- Peer mock interviews ----------------------------------------------------------------------
PEER_STARTING_GRANT = int(os.environ.get("PEER_STARTING_GRANT", 20))  # points a new user starts with
PEER_BOOKING_COST = int(os.environ.get("PEER_BOOKING_COST", 10))  # points one booking costs the interviewee
PEER_INTERVIEWER_REWARD = int(os.environ.get("PEER_INTERVIEWER_REWARD", 10))  # earned per completed interview
# Cancelling less than this before the start is late: the interviewee gets no refund, an
# interviewer loses PEER_LATE_CANCEL_PENALTY points (the interviewee is always refunded then).
PEER_LATE_CANCEL_WINDOW = timedelta(hours=int(os.environ.get("PEER_LATE_CANCEL_HOURS", 12)))
PEER_LATE_CANCEL_PENALTY = int(os.environ.get("PEER_LATE_CANCEL_PENALTY", 5))
PEER_NO_SHOW_PENALTY = int(os.environ.get("PEER_NO_SHOW_PENALTY", 10))  # an interviewer who does not show
PEER_NO_SHOW_GRACE = timedelta(minutes=10)  # a no-show can be reported this long after the start
# This many no-shows within PEER_NO_SHOW_WINDOW and a user may not book any more until they age out.
PEER_NO_SHOW_LIMIT = int(os.environ.get("PEER_NO_SHOW_LIMIT", 2))
PEER_NO_SHOW_WINDOW = timedelta(days=30)
PEER_SLOT_HORIZON = timedelta(days=int(os.environ.get("PEER_SLOT_HORIZON_DAYS", 28)))  # weekly slots made ahead
PEER_ROOM_EARLY = timedelta(minutes=5)  # the room may be opened this long before the start
PEER_AUTO_COMPLETE_AFTER = timedelta(hours=2)  # an interview whose room opened completes this long after its end
# Feedback is shown to its receiver once both have written theirs, or this long after the interview's end.
PEER_FEEDBACK_REVEAL_AFTER = timedelta(hours=int(os.environ.get("PEER_FEEDBACK_REVEAL_HOURS", 72)))
# Feedback with every rubric field and at least this many characters of comments earns its author
# (the interviewer of that half) PEER_FEEDBACK_REWARD points, once per feedback.
PEER_FEEDBACK_MIN_COMMENT = int(os.environ.get("PEER_FEEDBACK_MIN_COMMENT", 80))
PEER_FEEDBACK_REWARD = int(os.environ.get("PEER_FEEDBACK_REWARD", 2))
PEER_STARTING_SOON = timedelta(minutes=15)  # a scheduled interview shows as "starting soon" this long before

# --- Live coding rooms -------------------------------------------------------------------------
ROOM_IDLE_EXPIRY = timedelta(hours=int(os.environ.get("ROOM_IDLE_EXPIRY_HOURS", 24)))
ROOM_MAX_UPDATE_BYTES = 64 * 1024  # one Yjs message
ROOM_MAX_DOCUMENT_CHARS = 200_000
# Every stored update of a room, deleted text included (insert/delete churn cannot grow it).
ROOM_MAX_DOCUMENT_BYTES = int(os.environ.get("ROOM_MAX_DOCUMENT_BYTES", 2 * 1024 * 1024))
ROOM_CHECKPOINT_EVERY = 200  # stored updates between two checkpoints of a room's document
ROOM_SEQUENCE_TRAILER_SECONDS = 0.5  # how soon a dropped last relay of a burst is noticed
ROOM_FLUSH_SECONDS = 0.05  # updates are relayed at once and stored in one transaction per window
ROOM_FLUSH_MAX_UPDATES = 500
ROOM_ACTIVITY_SECONDS = 5  # last_activity_at is written at most this often per room
ROOM_SEND_QUEUE = 512  # messages waiting for one slow document connection before it is closed (4408)
ROOM_UPDATE_RATE = (400, 10.0)  # changes per seconds, per connection (edits and cursor moves)
# Every message, per connection: y-websocket echoes each remote cursor move back (50 people
# moving 5 times a second: 245 echoes a second from each), and echoes change nothing.
ROOM_MESSAGE_RATE = (5000, 10.0)
ROOM_RUNS_PER_MINUTE = 10
ROOM_RUNS_PER_PERSON_PER_MINUTE = 30
# Call signalling (offers, answers, ICE candidates) per events connection, beside WEBSOCKET_RATE.
ROOM_CALL_SIGNAL_RATE = (200, 10.0)
# STUN/TURN servers for the rooms' audio/video calls, as RTCPeerConnection's `iceServers` (JSON):
# e.g. [{"urls": "stun:stun.example.org:3478"}, {"urls": "turn:turn.example.org", "username": "u",
# "credential": "p"}]. Empty: peers connect directly (the same network, or loopback in the tests).
WEBRTC_ICE_SERVERS = webrtc_ice_servers(os.environ.get("WEBRTC_ICE_SERVERS", ""))
# Chat calls (chat.call_services): the same ICE servers; mesh calls of up to this many people;
# a call nobody answers is missed after the ring time; signalling per /ws/chat/ socket.
CHAT_CALL_MAX_PEOPLE = 4
CHAT_CALL_RING_SECONDS = int(os.environ.get("CHAT_CALL_RING_SECONDS", "45"))
CHAT_CALL_SIGNAL_RATE = (200, 10.0)
# Presence leases (chat.presence_leases): a socket renews its lease every heartbeat; a web
# process that died stops renewing, and its users go offline once the lease runs out.
CHAT_PRESENCE_HEARTBEAT_SECONDS = float(os.environ.get("CHAT_PRESENCE_HEARTBEAT_SECONDS", "20"))
CHAT_PRESENCE_TTL_SECONDS = float(os.environ.get("CHAT_PRESENCE_TTL_SECONDS", "60"))

# --- Locale, security, logging --------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

SESSION_COOKIE_HTTPONLY = True
# Sessions are read from the cache and written through to the database (core.sessions: cached_db
# that falls back to the database while the cache is down): every signed-in request
# reads its session (and every JWT call its token's session), a cache get instead of a query.
SESSION_ENGINE = "core.sessions"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers probe the web processes directly, over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^health$", r"^ready$", r"^metrics$"]  # probes and scrapers speak plain HTTP inside
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Off only for a plain-HTTP trial of the production set-up on one machine (`make prod`).
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Logs: JSON lines when LOG_FORMAT=json (the default with DEBUG off), readable text otherwise;
# both carry the request id and user id (core.request_context) and mask secrets (core.log_config).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
configure_structlog()
LOGGING = logging_settings(json_lines=LOG_FORMAT == "json", level=os.environ.get("LOG_LEVEL", "INFO"), quiet={
    "django.channels.server": "WARNING",
    # Eager tasks would log every run into the request's output.
    "celery.app.trace": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO",
})

# Error tracking, only when a DSN is configured: no personal data is sent (send_default_pii off).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(dsn=SENTRY_DSN, send_default_pii=False, environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
                    traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")))

# --- community -------------------------------------------------------------------------------
# A template holds at most this many text files and bytes; a download is refused above the zip
# bounds (templates put in through the admin are not checked at publish time).
TEMPLATE_MAX_FILES = int(os.environ.get("TEMPLATE_MAX_FILES", 50))
TEMPLATE_MAX_BYTES = int(os.environ.get("TEMPLATE_MAX_BYTES", 512 * 1024))
TEMPLATE_ZIP_MAX_FILES = int(os.environ.get("TEMPLATE_ZIP_MAX_FILES", 60))
TEMPLATE_ZIP_MAX_BYTES = int(os.environ.get("TEMPLATE_ZIP_MAX_BYTES", 1024 * 1024))
