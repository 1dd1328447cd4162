"""Settings for chinhquyen.

Every environment variable is read here, once, typed. Production behaviour is switched by
``DJANGO_ENV`` (``development`` by default for ``manage.py`` and tests; ``production`` for the
WSGI/ASGI entry points). Production refuses to start without a real ``SECRET_KEY``.
"""

import base64
import hashlib
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[3]
PACKAGE_DIR = Path(__file__).resolve().parents[1]

env = environ.Env()

# --- Environment, read once -------------------------------------------------------------
DJANGO_ENV: str = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV must be 'development' or 'production', not {DJANGO_ENV!r}")
PRODUCTION = DJANGO_ENV == "production"

DEBUG: bool = env.bool("DEBUG", default=not PRODUCTION)
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))
_DEV_SECRET_KEY = "django-insecure-development-only-never-use-in-production"  # noqa: S105 - refused in production
SECRET_KEY: str = env.str("SECRET_KEY", default="" if PRODUCTION else _DEV_SECRET_KEY)
# Fernet keys that encrypt secrets kept in the database (webhook signing secrets), comma-separated: the first
# encrypts, every one decrypts (rotation: docs/operations.md). Required in production (check --deploy, core.E002);
# elsewhere derived from SECRET_KEY.
FIELD_ENCRYPTION_KEY: list[str] = env.list("FIELD_ENCRYPTION_KEY", default=[])
if not FIELD_ENCRYPTION_KEY and not PRODUCTION:
    _derived = hashlib.sha256(b"chinhquyen.field-encryption:" + SECRET_KEY.encode()).digest()
    FIELD_ENCRYPTION_KEY = [base64.urlsafe_b64encode(_derived).decode()]
ALLOWED_HOSTS: list[str] = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A refused form is explained in the page's language (Django's own page is English only).
CSRF_FAILURE_VIEW = "chinhquyen.portal.views.csrf_failure"
DATABASE_URL: str = env.str("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
EMAIL_URL: str = env.str("EMAIL_URL", default="consolemail://")
# SMS to applicants: "simulator" (stored locally, listed at /sms-sim/ when DEBUG is on), "http" (a brandname
# SMS gateway at SMS_URL with SMS_API_KEY), a backend's dotted path, or "" (SMS off; production's default).
SMS_BACKEND: str = env.str("SMS_BACKEND", default="" if PRODUCTION else "simulator")
SMS_URL: str = env.str("SMS_URL", default="")
SMS_API_KEY: str = env.str("SMS_API_KEY", default="")
SMS_BRANDNAME: str = env.str("SMS_BRANDNAME", default="CHINHQUYEN")
SMS_TIMEOUT: float = env.float("SMS_TIMEOUT", default=10.0)
if SMS_BACKEND == "http" and not (SMS_URL and SMS_API_KEY):
    raise ImproperlyConfigured("SMS_BACKEND=http needs SMS_URL and SMS_API_KEY.")
if SMS_BACKEND == "simulator" and PRODUCTION:
    raise ImproperlyConfigured("SMS_BACKEND=simulator only stores messages; set a real gateway or leave it empty.")
SMS_SIMULATOR_PAGE = SMS_BACKEND == "simulator" and DEBUG
# Results returned by post through the public postal partner (bưu chính công ích): "simulator" (orders kept
# locally; move them with `manage.py postal_sim_advance`), "http" (the partner's JSON API at POSTAL_URL with
# POSTAL_CUSTOMER_CODE and POSTAL_API_KEY), a backend's dotted path, or "" (no post; production's default).
POSTAL_BACKEND: str = env.str("POSTAL_BACKEND", default="" if PRODUCTION else "simulator")
POSTAL_URL: str = env.str("POSTAL_URL", default="")
POSTAL_CUSTOMER_CODE: str = env.str("POSTAL_CUSTOMER_CODE", default="" if PRODUCTION else "CHINHQUYEN-DEV")
POSTAL_API_KEY: str = env.str("POSTAL_API_KEY", default="")
POSTAL_TIMEOUT: float = env.float("POSTAL_TIMEOUT", default=10.0)
POSTAL_RETRIES: int = env.int("POSTAL_RETRIES", default=2)
# The simulator's partner API at /postal-sim/ (to try POSTAL_BACKEND=http against it); refused in production.
POSTAL_SIMULATOR: bool = env.bool("POSTAL_SIMULATOR", default=POSTAL_BACKEND == "simulator")
if POSTAL_BACKEND == "http" and not (POSTAL_URL and POSTAL_CUSTOMER_CODE and POSTAL_API_KEY):
    raise ImproperlyConfigured("POSTAL_BACKEND=http needs POSTAL_URL, POSTAL_CUSTOMER_CODE and POSTAL_API_KEY.")
if PRODUCTION and (POSTAL_BACKEND == "simulator" or POSTAL_SIMULATOR):
    raise ImproperlyConfigured("The postal simulator delivers nothing: set POSTAL_BACKEND=http or leave it empty.")
if PRODUCTION and POSTAL_BACKEND == "http" and not POSTAL_URL.startswith("https://"):
    raise ImproperlyConfigured("POSTAL_URL must be an https:// address in production.")
# Shared cache (login rate limits): set to Redis or a database cache when running several processes.
CACHE_URL: str = env.str("CACHE_URL", default="locmemcache://")
DEFAULT_FROM_EMAIL: str = env.str("DEFAULT_FROM_EMAIL", default="Chính quyền điện tử <no-reply@localhost>")
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
SECURE_HSTS_SECONDS: int = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if PRODUCTION else 0)
SECURE_SSL_REDIRECT: bool = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
LOG_LEVEL: str = env.str("LOG_LEVEL", default="INFO")
# Seconds a database connection is kept between requests (0 closes it after each; tests use 0).
DB_CONN_MAX_AGE: int = env.int("DB_CONN_MAX_AGE", default=60)
# An official's session ends after this many minutes without a request (and then needs password and code).
OFFICIAL_SESSION_IDLE_MINUTES: int = env.int("OFFICIAL_SESSION_IDLE_MINUTES", default=30)
# Longer than officials': a citizen may spend a while on an e-form before sending it.
CITIZEN_SESSION_IDLE_MINUTES: int = env.int("CITIZEN_SESSION_IDLE_MINUTES", default=60)
# The province this installation serves: its administrative-division code (mã tỉnh, 2025).
PROVINCE_CODE: str = env.str("PROVINCE_CODE", default="37")
# The public address of the portal, printed in QR codes on slips (public lookup of a dossier).
PUBLIC_BASE_URL: str = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000/")
# Agencies' signing keys and certificates (agencies/<code>/key.pem, cert.pem; trust/*.pem). Outside MEDIA_ROOT,
# which may be served. Outside production a development CA is generated here on first use.
SIGNING_PKI_DIR = Path(env.str("SIGNING_PKI_DIR", default=str(VAR_DIR / "pki")))
# Encrypts the private keys under SIGNING_PKI_DIR (PKCS#8): keys written are encrypted with it, keys read are opened
# with it; ``manage.py signing_keys_encrypt`` encrypts those still in clear. Empty (default): keys in clear.
SIGNING_KEY_PASSPHRASE: str = env.str("SIGNING_KEY_PASSPHRASE", default="")
# The RFC 3161 timestamp authority (TSA) that timestamps every signature in production (PAdES B-T), with HTTP basic
# credentials when it asks for them. Empty in production: signatures stay B-B (check --deploy, dossiers.W002).
# Ignored outside production, where the development CA's own TSA timestamps in-process.
SIGNING_TSA_URL: str = env.str("SIGNING_TSA_URL", default="")
SIGNING_TSA_USERNAME: str = env.str("SIGNING_TSA_USERNAME", default="")
SIGNING_TSA_PASSWORD: str = env.str("SIGNING_TSA_PASSWORD", default="")
if bool(SIGNING_TSA_USERNAME) != bool(SIGNING_TSA_PASSWORD):
    raise ImproperlyConfigured("SIGNING_TSA_USERNAME and SIGNING_TSA_PASSWORD go together: set both or neither.")
if SIGNING_TSA_PASSWORD and not SIGNING_TSA_URL.startswith("https://"):
    raise ImproperlyConfigured("SIGNING_TSA_URL must be an https:// address when SIGNING_TSA_PASSWORD is set.")
# Password of every demo account created by ``manage.py demo_province`` (never used in production).
DEMO_PASSWORD: str = env.str("DEMO_PASSWORD", default="chinhquyen-demo")
# Citizens' sign-in. The national identity provider (OpenID Connect): by default in development the local
# simulator at PUBLIC_BASE_URL/idp-sim (IDP_SIMULATOR, refused in production); without OIDC_OP_ISSUER the
# "Sign in with VNeID" button is off. Endpoints default to <issuer>/authorize, /token, /userinfo, /jwks.
IDP_SIMULATOR: bool = env.bool("IDP_SIMULATOR", default=not PRODUCTION)
IDP_SIMULATOR_ISSUER = PUBLIC_BASE_URL.rstrip("/") + "/idp-sim"
IDP_SIMULATOR_KEY_FILE = Path(env.str("IDP_SIMULATOR_KEY_FILE", default=str(VAR_DIR / "idp-sim" / "key.pem")))
OIDC_OP_ISSUER: str = env.str("OIDC_OP_ISSUER", default=IDP_SIMULATOR_ISSUER if IDP_SIMULATOR else "").rstrip("/")


def _oidc_endpoint(name: str) -> str:
    return f"{OIDC_OP_ISSUER}/{name}" if OIDC_OP_ISSUER else ""


OIDC_OP_AUTHORIZATION_ENDPOINT: str = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default=_oidc_endpoint("authorize"))
OIDC_OP_TOKEN_ENDPOINT: str = env.str("OIDC_OP_TOKEN_ENDPOINT", default=_oidc_endpoint("token"))
OIDC_OP_USER_ENDPOINT: str = env.str("OIDC_OP_USER_ENDPOINT", default=_oidc_endpoint("userinfo"))
OIDC_OP_JWKS_ENDPOINT: str = env.str("OIDC_OP_JWKS_ENDPOINT", default=_oidc_endpoint("jwks"))
OIDC_RP_CLIENT_ID: str = env.str("OIDC_RP_CLIENT_ID", default="" if PRODUCTION else "chinhquyen-portal")
_DEV_OIDC_SECRET = "development-only-client-secret"  # noqa: S105 - refused in production
OIDC_RP_CLIENT_SECRET: str = env.str("OIDC_RP_CLIENT_SECRET", default="" if PRODUCTION else _DEV_OIDC_SECRET)
# Applicants' bearer tokens at the REST API: the audiences (client ids) a token must be issued for, e.g.
# the province's mobile app; empty means the portal's own OIDC_RP_CLIENT_ID.
OIDC_API_AUDIENCES: list[str] = env.list("OIDC_API_AUDIENCES", default=[])
# Local accounts (e-mail or mobile number + password, verified by a one-time code), where the province allows.
LOCAL_ACCOUNTS_ENABLED: bool = env.bool("LOCAL_ACCOUNTS_ENABLED", default=True)
# Where one-time codes go by SMS: a class with send(TextMessage); "" refuses sign-up by phone number.
IDENTITY_SMS_BACKEND: str = env.str(
    "IDENTITY_SMS_BACKEND", default="" if PRODUCTION else "chinhquyen.identity.sms.ConsoleSMSBackend"
)
# REST API limits: requests a minute per credential and per client address (0: no limit), and the
# largest multipart request (several documents); other bodies are capped by DATA_UPLOAD_MAX_MEMORY_SIZE.
API_RATE_LIMIT_PER_KEY: int = env.int("API_RATE_LIMIT_PER_KEY", default=600)
API_RATE_LIMIT_PER_IP: int = env.int("API_RATE_LIMIT_PER_IP", default=1200)
API_MAX_REQUEST_BYTES: int = env.int("API_MAX_REQUEST_BYTES", default=50 * 1024 * 1024)
# Webhooks may go to private, loopback or link-local addresses (a subscriber on this host or network). Off in
# production, so a system's subscription cannot make the platform call its own internal services (SSRF).
WEBHOOK_ALLOW_PRIVATE_ADDRESSES: bool = env.bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", default=DEBUG)

if PRODUCTION:
    if not SECRET_KEY or SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be set to a random string of at least 50 characters in production.")
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production.")
    if IDP_SIMULATOR:
        raise ImproperlyConfigured("IDP_SIMULATOR must be off in production: it signs anyone in as anyone.")
    if OIDC_OP_ISSUER and OIDC_RP_CLIENT_SECRET == _DEV_OIDC_SECRET:
        raise ImproperlyConfigured("OIDC_RP_CLIENT_SECRET must be the secret the identity provider issued.")

# --- Applications -----------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    # Citizens' sign-in with the national identity (OpenID Connect relying party).
    "mozilla_django_oidc",
    "chinhquyen.core",
    "chinhquyen.directory",
    "chinhquyen.workcal",
    "chinhquyen.catalog",
    "chinhquyen.dossiers",
    "chinhquyen.identity",
    "chinhquyen.notifications",
    "chinhquyen.feedback",
    "chinhquyen.demo",
    "chinhquyen.office",
    "chinhquyen.portal",
    "chinhquyen.integrations",
    "chinhquyen.postal",
    "chinhquyen.api",
    # django-ninja's bundled Swagger UI files (without it the API docs page loads them from a CDN).
    "ninja",
]

MIDDLEWARE = [
    # HSTS, SSL redirect, nosniff, referrer policy.
    "django.middleware.security.SecurityMiddleware",
    # Compressed, cache-busted static files without a separate web server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # API request size and per-address rate limits, before any session or credential is read.
    "chinhquyen.api.middleware.ApiLimitsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Vietnamese by default, English on request.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Every state change is a POST protected by a CSRF token.
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A NUL in a page's query string is a 400, not a database error (PostgreSQL holds no NUL in text).
    "chinhquyen.core.query_guard.NulQueryMiddleware",
    # Records who made a permission change (admin, office) in the audit chain.
    "chinhquyen.core.audit.AuditActorMiddleware",
    # Marks a session as verified by a second factor (officials' TOTP).
    "django_otp.middleware.OTPMiddleware",
    # Officials' and citizens' sessions end after a spell without a request (*_SESSION_IDLE_MINUTES).
    "chinhquyen.core.session_idle.SessionIdleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Refuse framing (clickjacking).
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy without unsafe-inline.
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Deny any view that does not declare who may use it.
    "chinhquyen.core.access.DenyByDefaultMiddleware",
]

# A message still waiting to be shown is not added again (a form sent twice shows what it did once).
MESSAGE_STORAGE = "chinhquyen.core.message_storage.OnceStorage"

ROOT_URLCONF = "chinhquyen.config.urls"
WSGI_APPLICATION = "chinhquyen.config.wsgi.application"
AUTH_USER_MODEL = "directory.User"
# Passwords (officials at the office, local accounts on the portal), then the national identity (VNeID).
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "chinhquyen.identity.backends.NationalIdentityBackend",
]
LOGIN_URL = "admin:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "chinhquyen.core.session_idle.session_idle_context",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
_db = env.db_url_config(DATABASE_URL)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer commits; IMMEDIATE avoids "database is locked"
    # when a read transaction upgrades to a write.
    _db["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    _db["CONN_MAX_AGE"] = DB_CONN_MAX_AGE
    _db["CONN_HEALTH_CHECKS"] = True
    # Server-side binding lets psycopg prepare what a connection runs often (after DB_PREPARE_THRESHOLD
    # runs), so PostgreSQL skips parsing and planning it again: most of a dossier transition's cost.
    # Behind a pooler in transaction mode without prepared-statement support, set DB_PREPARE_THRESHOLD=0.
    DB_PREPARE_THRESHOLD: int = env.int("DB_PREPARE_THRESHOLD", default=5)
    if DB_PREPARE_THRESHOLD > 0:
        _db["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": DB_PREPARE_THRESHOLD}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache_url_config(CACHE_URL)}

# --- Background tasks (django-tasks, durable in the database) ---------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ----------------------------------------------------------
STATIC_URL = "/static/"
MEDIA_URL = "/media/"
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
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760

# --- E-mail -----------------------------------------------------------------------------
vars().update(env.email_url_config(EMAIL_URL))

# --- Security ---------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
OTP_TOTP_ISSUER = "chinhquyen"
# The admin never shows a device's secret or QR code once it exists: whoever reads it could make the codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Citizens' sign-in: OpenID Connect relying party (mozilla-django-oidc) -----------------
# Endpoints and client are read above. The ID token must be RS256 (keys from the JWKS); the backend also
# checks iss and aud, which mozilla-django-oidc does not. Nonce, state and PKCE guard the redirect.
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid profile email phone address"
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_CREATE_USER = True
OIDC_STORE_ID_TOKEN = False
LOGIN_REDIRECT_URL = "portal:profile"

# --- Logging ----------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}
