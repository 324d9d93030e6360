"""Settings for quizsite, read from the environment.

Defaults run on a bare machine (SQLite, local memory cache). Production sets
DEBUG off, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and REDIS_URL.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
# pytest is imported before settings in a test run; tests get the safe defaults below.
TESTING = env_bool("TESTING") or "pytest" in sys.modules

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not TESTING:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Only for local development and tests; never used with DEBUG off in production.
    SECRET_KEY = "insecure-development-key-not-for-production-use-0123456789abcdef"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Django's admin with the checks every registered admin needs (its module).
    "quizsite.admin_site.QuizAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks_db",
    "axes",
    "lessons",
    "lessons.devtools",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads request.POST: a body Django cannot parse becomes
    # one 400 here, not a 500 from every later reader (quizsite/request_body.py).
    "quizsite.request_body.UnreadableBodyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session and auth middleware: its process_exception turns a
    # view's "database unavailable" into the 503 page (quizsite/resilience.py).
    "quizsite.resilience.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "quizsite.urls"

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
                "django.template.context_processors.csp",
                "lessons.context_processors.review_due",
            ],
        },
    },
]

WSGI_APPLICATION = "quizsite.wsgi.application"

# Database: SQLite file in the project unless DATABASE_URL names another.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DB_POOL = env_bool("DB_POOL")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the development server and a test browser share the file.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 20}
    )

# A query running for minutes holds a worker thread and a connection while the
# visitor has long given up: PostgreSQL cancels a web request's statement after
# DB_STATEMENT_TIMEOUT_MS (the request gets the 503 "try again" page). The task
# worker (`manage.py db_worker`) writes a whole derivation and gets the longer
# DB_WORKER_STATEMENT_TIMEOUT_MS; other management commands (migrate, loaddata),
# run by an operator, get none. 0 turns a limit off.
MANAGEMENT_COMMAND = (
    sys.argv[1] if Path(sys.argv[0]).name == "manage.py" and len(sys.argv) > 1 else ""
)
if MANAGEMENT_COMMAND == "db_worker":
    DB_STATEMENT_TIMEOUT_MS = int(os.environ.get("DB_WORKER_STATEMENT_TIMEOUT_MS", "600000"))
elif MANAGEMENT_COMMAND and MANAGEMENT_COMMAND != "runserver":
    DB_STATEMENT_TIMEOUT_MS = 0
else:
    DB_STATEMENT_TIMEOUT_MS = int(os.environ.get("DB_STATEMENT_TIMEOUT_MS", "30000"))

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation costs 50-130 ms on the reports' grouped queries and pays
    # off only for much longer analytics; this app runs short queries.
    server_options = ["-c jit=off"]
    if DB_STATEMENT_TIMEOUT_MS:
        server_options.append(f"-c statement_timeout={DB_STATEMENT_TIMEOUT_MS}")
    # Options given in DATABASE_URL come last, so they win.
    given = DATABASES["default"].setdefault("OPTIONS", {}).get("options", "")
    DATABASES["default"]["OPTIONS"]["options"] = " ".join([*server_options, given]).strip()
    # A down or restarting server must fail a request in seconds, not hang a
    # worker thread for the kernel's TCP timeout.
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 5)
    if DB_POOL:
        # Persistent connections (CONN_MAX_AGE, one per gunicorn thread, checked
        # before reuse) are the default: measured with 2 workers x 4 threads
        # (README, "Production and scale-out"), Django's psycopg pool served
        # the plain page and the answer submit no faster, within the noise of
        # two runs. Choose the pool (one per worker process) when servers x
        # workers x threads outnumber the connections PostgreSQL should hold.
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": int(os.environ.get("DB_POOL_MIN", "2")),
            "max_size": int(os.environ.get("DB_POOL_MAX", "4")),
            "timeout": 5,
        }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes (INCLUDE) speed up reports on PostgreSQL; SQLite, the
# embedded default, just uses their key columns, which is all it needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# Cache and sessions: Redis when REDIS_URL is set. Sessions live in the database
# with a cache in front (cached_db), so no app server holds state another needs
# and a Redis restart loses no session.
REDIS_URL = os.environ.get("REDIS_URL", "")
# The item analysis is read live from running tallies; a positive value keeps
# a cached copy this many seconds instead (figures that old, fewer reads).
ITEM_ANALYSIS_CACHE_SECONDS = int(os.environ.get("ITEM_ANALYSIS_CACHE_SECONDS", "0"))


def redis_caches(url: str) -> dict:
    return {
        "default": {
            # Django's RedisCache, answering misses while Redis is unreachable
            # (quizsite/resilience.py): the site runs on the database alone.
            "BACKEND": "quizsite.resilience.DegradingRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "quizsite",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


if REDIS_URL:
    CACHES = redis_caches(REDIS_URL)
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# A student who ticks "Keep me signed in on this device" keeps the session
# this long (lessons.views.pages.SignInView); otherwise it ends when the
# browser closes, as on a shared classroom computer. A class on its own
# devices then signs in once a month, not every lesson (issue 16.4).
SESSION_COOKIE_AGE = int(timedelta(days=30).total_seconds())

# Argon2 first, at the parameters Django ships: on two cores it verifies a
# password in about half the core time PBKDF2's 1.5 million iterations take,
# so a class signs in about twice as fast without a weaker hash (measured with
# `manage.py benchmark_hashers`; README, "Signing in"). The PBKDF2 hashers
# stay listed so existing hashes still verify, and Django rewrites each as
# Argon2 at its next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords
# for one username from one address, that pair is locked out for
# AXES_COOLOFF_TIME; a classroom behind one address is not locked out by one
# student's typos, and a guesser cannot lock out a victim from elsewhere.
# Failures are kept in the database, so every app server sees the same count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Verifies passwords, a few at once (below); ModelBackend stays listed for
    # the sessions it signed in, and is never asked to verify a password.
    "quizsite.sign_in_admission.AdmittedModelBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
# Behind TRUSTED_PROXY_COUNT proxies (a TLS proxy, a load balancer) the
# client's address is read from X-Forwarded-For (quizsite/client_address.py);
# without it every visitor would share the proxy's address and lockout.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "quizsite.client_address.client_address"
AXES_VERBOSE = False

# Admission control for sign-ins (quizsite/sign_in_admission.py): each server
# process verifies at most SIGN_IN_VERIFICATIONS_AT_ONCE passwords at once (a
# verification is ~0.2 s of CPU), lets SIGN_IN_WAITING more wait up to
# SIGN_IN_WAIT_SECONDS for a slot, and answers the rest at once with a 503 and
# Retry-After: SIGN_IN_RETRY_AFTER_SECONDS on the sign-in page. The other
# threads stay free for the students already signed in while a class arrives
# (chosen by measurement: README, "Signing in").
SIGN_IN_VERIFICATIONS_AT_ONCE = int(os.environ.get("SIGN_IN_VERIFICATIONS_AT_ONCE", "1"))
SIGN_IN_WAITING = int(os.environ.get("SIGN_IN_WAITING", "0"))
SIGN_IN_WAIT_SECONDS = float(os.environ.get("SIGN_IN_WAIT_SECONDS", "2"))
SIGN_IN_RETRY_AFTER_SECONDS = int(os.environ.get("SIGN_IN_RETRY_AFTER_SECONDS", "10"))

# Email (password resets), as Django 6.1's MAILERS: SMTP through EMAIL_HOST.
# With DEBUG and no EMAIL_HOST, mail is printed to the console instead, so a
# laptop needs no mail server; production without EMAIL_HOST tries a server on
# localhost, and a reset that cannot be sent says so on the page.
# EMAIL_BACKEND names another backend (its class path) instead.
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def email_mailers() -> dict:
    host = os.environ.get("EMAIL_HOST", "")
    backend = os.environ.get("EMAIL_BACKEND") or (
        "django.core.mail.backends.console.EmailBackend" if DEBUG and not host else SMTP_BACKEND
    )
    if backend != SMTP_BACKEND:
        return {"default": {"BACKEND": backend}}
    port = os.environ.get("EMAIL_PORT", "")
    options = {
        "host": host or "localhost",
        # Unset, the backend picks 587 with TLS, 465 with SSL, else 25.
        "port": int(port) if port else None,
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS"),
        "use_ssl": env_bool("EMAIL_USE_SSL"),
        # A mail server that does not answer must not hold a worker for minutes.
        "timeout": float(os.environ.get("EMAIL_TIMEOUT", "10")),
    }
    return {"default": {"BACKEND": backend, "OPTIONS": options}}


MAILERS = email_mailers()
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Password reset requests: at most PASSWORD_RESET_LIMIT in
# PASSWORD_RESET_WINDOW_MINUTES from one address and for one email, counted in
# the cache, so the form cannot be used to flood an inbox or the mail server.
PASSWORD_RESET_LIMIT = int(os.environ.get("PASSWORD_RESET_LIMIT", "5"))
PASSWORD_RESET_WINDOW = timedelta(
    minutes=int(os.environ.get("PASSWORD_RESET_WINDOW_MINUTES", "60"))
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# What the site calls itself (page titles, emails): each course names its own subject.
SITE_NAME = os.environ.get("SITE_NAME", "Learn from texts")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "lessons:home"
LOGOUT_REDIRECT_URL = "lessons:home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Security. Production runs behind TLS; SECURE_SSL_REDIRECT can be turned off
# for a plain-HTTP local run of the production settings.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Tests and the browser suite talk plain HTTP to a local server.
HTTPS_EXPECTED = not DEBUG and not TESTING
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=HTTPS_EXPECTED)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=HTTPS_EXPECTED)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Load balancers check health over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content Security Policy: everything from our own origin; htmx is configured
# (meta htmx-config) not to inject styles or evaluate code, so no unsafe-inline.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# Request size limits: answers and forms are small; uploads of source texts are
# capped by the upload forms (5 MB for a text to derive from, 2 MB for GIFT).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
# That limit leaves out file parts: a multipart body over UPLOAD_MAX_BYTES is
# refused (413) before it is read, so no page streams a huge file to disk. The
# default is a little above the largest legitimate upload, so a file between
# the two still gets the upload form's own message.
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(6 * 1024 * 1024)))
FILE_UPLOAD_HANDLERS = [
    "quizsite.request_body.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # django-axes notes every sign-in at INFO; failures and lockouts are WARNING.
        "axes": {"level": "WARNING"},
    },
}

# Spaced repetition (FSRS). A right answer within REVIEW_EASY_SECONDS rates Easy,
# one taking REVIEW_HARD_SECONDS or more rates Hard; a wrong one rates Again.
FSRS_DESIRED_RETENTION = float(os.environ.get("FSRS_DESIRED_RETENTION", "0.9"))
REVIEW_EASY_SECONDS = float(os.environ.get("REVIEW_EASY_SECONDS", "8"))
REVIEW_HARD_SECONDS = float(os.environ.get("REVIEW_HARD_SECONDS", "30"))

# Background tasks (Django's tasks framework): long derivations from the admin.
# In production the queue lives in the database and `manage.py db_worker` runs
# beside the app servers, so any worker picks up what any app server enqueued
# and no request waits for a derivation. With DEBUG or under tests the
# immediate backend runs a task in the request that enqueues it, so a laptop
# needs no worker.
# A derivation still running after DERIVE_TIME_LIMIT_SECONDS stops and fails
# with a message asking for a shorter text (0: no limit).
DERIVE_TIME_LIMIT_SECONDS = float(os.environ.get("DERIVE_TIME_LIMIT_SECONDS", "300"))
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND",
            "django.tasks.backends.immediate.ImmediateBackend"
            if DEBUG or TESTING
            else "django_tasks_db.DatabaseBackend",
        )
    }
}
