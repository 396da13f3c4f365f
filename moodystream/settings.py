"""MoodyStream settings: the one place that reads the environment, and all it does.

Nothing here talks to the network or installs anything: the Secrets Manager secret is read on
first use by :mod:`moodystream.credentials`, logging is configured by Django from ``LOGGING``.

Three ways to run, decided here and nowhere else:

* **demo** (local, no Spotify credentials): the bundled Spotify emulator is mounted in-process
  and every page says "Demo".
* **local with real credentials**: `.env` (or the environment) carries SPOTIFY_CLIENT_ID etc.
* **production** (``DJANGO_ENV=production``, on AWS Lambda via Zappa): credentials come from the
  AWS Secrets Manager secret ``SPOTIFY_SECRET_NAME``, cookies are Secure, HTTPS is enforced,
  demo mode and admin are impossible.

Variables are named ``DJANGO_*`` (Django itself), ``SPOTIFY_*`` (the Spotify app and API) and
``MOODYSTREAM_*`` (this app's switches). The names used before are still read when the new one
is not set (see ``OLD_NAMES`` and the README's configuration table).
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.functional import lazy

from moodystream.config_rules import check_sign_in_modes, credentials_from_secret

BASE_DIR = Path(__file__).resolve().parent.parent

#: Current variable name -> the name it had before (still read when the current one is unset).
OLD_NAMES = {
    "DJANGO_DEBUG": "DEBUG",
    "DJANGO_ALLOWED_HOSTS": "ALLOWED_HOSTS",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "CSRF_TRUSTED_ORIGINS",
    "DJANGO_STATIC_URL": "STATIC_URL",
    "DJANGO_SECURE_COOKIES": "SECURE_COOKIES",
    "DJANGO_LOG_LEVEL": "LOG_LEVEL",
    "DJANGO_ENABLE_ADMIN": "ENABLE_ADMIN",
    "MOODYSTREAM_DEMO_MODE": "DEMO_MODE",
    "SPOTIFY_CLIENT_ID": "SPOTIPY_CLIENT_ID",
    "SPOTIFY_CLIENT_SECRET": "SPOTIPY_CLIENT_SECRET",
    "SPOTIFY_REDIRECT_URI": "SPOTIPY_REDIRECT_URI",
}

env = environ.Env()
if not env.bool("MOODYSTREAM_IGNORE_DOTENV", default=False) and (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")


def var(name: str) -> str:
    """The variable to read for ``name``: itself if set, else its old name if that is set."""
    old = OLD_NAMES.get(name)
    return old if name not in os.environ and old and old in os.environ else name


DJANGO_ENV = env.str("DJANGO_ENV", default="local")
if DJANGO_ENV not in {"local", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'local' or 'production'.")
IS_PRODUCTION = DJANGO_ENV == "production"

DEBUG = env.bool(var("DJANGO_DEBUG"), default=False)
if IS_PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production.")

# --- Spotify credentials -------------------------------------------------------------------
# In production (and locally whenever a secret name is given) they live in the Secrets Manager
# secret, which moodystream.credentials reads on first use, and the three settings below stay
# empty. Whatever needs the credentials asks moodystream.credentials.spotify_app_credentials().
SPOTIFY_SECRET_NAME = env.str("SPOTIFY_SECRET_NAME", default="")
SPOTIFY_SECRET_REGION = env.str("SPOTIFY_SECRET_REGION", default="") or env.str(
    "AWS_REGION", default="eu-west-1"
)
# Demo mode is decided from what is read here, so the rule is first asked without it.
_from_secret = credentials_from_secret(
    is_production=IS_PRODUCTION, secret_name=SPOTIFY_SECRET_NAME, demo_mode=False
)
SPOTIFY_CLIENT_ID = "" if _from_secret else env.str(var("SPOTIFY_CLIENT_ID"), default="")
SPOTIFY_CLIENT_SECRET = "" if _from_secret else env.str(var("SPOTIFY_CLIENT_SECRET"), default="")
SPOTIFY_REDIRECT_URI = "" if _from_secret else env.str(var("SPOTIFY_REDIRECT_URI"), default="")

# --- Demo mode ----------------------------------------------------------------------------
_demo_asked = env.bool(
    var("MOODYSTREAM_DEMO_MODE"), default=not (SPOTIFY_CLIENT_ID or SPOTIFY_SECRET_NAME)
)
if IS_PRODUCTION and env.bool(var("MOODYSTREAM_DEMO_MODE"), default=False):
    raise ImproperlyConfigured("Demo mode cannot be switched on in production.")
DEMO_MODE = _demo_asked and not IS_PRODUCTION
# Where the emulator is mounted inside this app in demo mode (accounts/demo_emulator.py).
DEMO_EMULATOR_PATH = "/demo-spotify"
# The mounted emulator's test-only control API (no credentials): only for a local e2e run.
DEMO_EMULATOR_CONTROL_API = DEMO_MODE and env.bool(
    "MOODYSTREAM_DEMO_EMULATOR_CONTROL_API", default=False
)
# Listeners' budgets switched off, for the e2e walk's one demo account making many previews and
# saves in a row (their own tests hold them); demo mode only, so never in production.
DEMO_WITHOUT_BUDGETS = DEMO_MODE and env.bool("MOODYSTREAM_DEMO_WITHOUT_BUDGETS", default=False)
if DEMO_MODE:
    # The emulator's built-in demo client; an empty base URL means "the emulator mounted on the
    # host serving this request" so that any runserver port works.
    SPOTIFY_CLIENT_ID = "moodystream-demo"
    SPOTIFY_CLIENT_SECRET = "moodystream-demo-secret"  # noqa: S105 - public demo value
    SPOTIFY_REDIRECT_URI = ""
    SPOTIFY_SECRET_NAME = ""  # the demo never reads a secret
_from_secret = credentials_from_secret(
    is_production=IS_PRODUCTION, secret_name=SPOTIFY_SECRET_NAME, demo_mode=DEMO_MODE
)

# --- Sign-in modes --------------------------------------------------------------------------
# "operator": the operator's Spotify app (Development Mode: its owner and four more listeners);
# "own-app": each listener brings their own app's Client ID (public client, PKCE, own quota).
# Unset: both when the operator has credentials, own-app alone when not (the rule:
# moodystream/config_rules.py; what this deployment offers: accounts/sign_in_modes.py).
try:
    SPOTIFY_SIGN_IN_MODES = check_sign_in_modes(env.list("SPOTIFY_SIGN_IN_MODES", default=[]))
except ValueError as exc:
    raise ImproperlyConfigured(f"SPOTIFY_SIGN_IN_MODES: {exc}") from None

SPOTIFY_API_BASE_URL = env.str(
    "SPOTIFY_API_BASE_URL", default="" if DEMO_MODE else "https://api.spotify.com/v1/"
)
SPOTIFY_ACCOUNTS_BASE_URL = env.str(
    "SPOTIFY_ACCOUNTS_BASE_URL", default="" if DEMO_MODE else "https://accounts.spotify.com/"
)
# Where "Open in Spotify" links and the embedded player point ({base}/playlist/<id>,
# {base}/embed/playlist/<id>). Empty = automatic (playlists/web_player.py): in demo mode the
# mounted emulator's web player (DEMO_EMULATOR_PATH + "/open") on the host serving the
# request, otherwise https://open.spotify.com.
SPOTIFY_WEB_BASE_URL = env.str("SPOTIFY_WEB_BASE_URL", default="").rstrip("/")
SPOTIFY_API_MODE = env.str("SPOTIFY_API_MODE", default="development")
if SPOTIFY_API_MODE not in {"development", "extended"}:
    raise ImproperlyConfigured("SPOTIFY_API_MODE must be 'development' or 'extended'.")
# Concurrent Spotify requests per generation: latency-bound, so more threads than cores pays.
SPOTIFY_MAX_WORKERS = env.int("SPOTIFY_MAX_WORKERS", default=24)
SPOTIFY_SCOPES = (
    "user-top-read",
    "user-follow-read",
    "user-library-read",
    "playlist-read-private",
    "playlist-modify-public",
    "playlist-modify-private",
)
SPOTIFY_REQUEST_TIMEOUT = env.float("SPOTIFY_REQUEST_TIMEOUT", default=8.0)

# --- Shared state (shared_state/): idempotent saves, budgets, Spotify's pauses ---------------
# Every Lambda container must see the same records: DynamoDB in production (the table the
# deploy step creates, deploy/state_table.py); "memory" keeps them in this process.
MOODYSTREAM_STATE_BACKEND = env.str(
    "MOODYSTREAM_STATE_BACKEND", default="dynamodb" if IS_PRODUCTION else "memory"
)
if MOODYSTREAM_STATE_BACKEND not in {"dynamodb", "memory"}:
    raise ImproperlyConfigured("MOODYSTREAM_STATE_BACKEND must be 'dynamodb' or 'memory'.")
MOODYSTREAM_STATE_TABLE = env.str("MOODYSTREAM_STATE_TABLE", default="moodystream-state")
MOODYSTREAM_STATE_REGION = env.str("MOODYSTREAM_STATE_REGION", default="") or env.str(
    "AWS_REGION", default="eu-west-1"
)
# Another DynamoDB endpoint (a moto_server in tests); empty: AWS's own.
MOODYSTREAM_STATE_ENDPOINT_URL = env.str("MOODYSTREAM_STATE_ENDPOINT_URL", default="")
# Seconds to connect to it and for each answer (three attempts).
MOODYSTREAM_STATE_TIMEOUT = env.float("MOODYSTREAM_STATE_TIMEOUT", default=2.0)

# --- Core Django --------------------------------------------------------------------------
def _is_loopback_or_mounted(url: str) -> bool:
    """Empty (the emulator mounted in this process) or an http(s) URL on a loopback address."""
    if not url:
        return True
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        return parts.scheme in {"http", "https"} and (
            host == "localhost" or ipaddress.ip_address(host).is_loopback
        )
    except ValueError:
        return False


def _secret_key_from_credentials() -> str:
    from moodystream.credentials import secret_key

    return secret_key()


if _from_secret:
    # The key is in the secret: Django reads it through the accessor on first use (the 503
    # middleware answers first while the secret is unavailable); it is never stored here.
    SECRET_KEY = lazy(_secret_key_from_credentials, str)()
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
    if not SECRET_KEY:
        if DEMO_MODE and not (
            _is_loopback_or_mounted(SPOTIFY_API_BASE_URL)
            and _is_loopback_or_mounted(SPOTIFY_ACCOUNTS_BASE_URL)
        ):
            # A token from anywhere but an emulator on this machine would be sealed with the
            # public key below (an own-app sign-in against real Spotify, say).
            raise ImproperlyConfigured(
                "Demo mode with SPOTIFY_API_BASE_URL or SPOTIFY_ACCOUNTS_BASE_URL pointing away "
                "from this machine needs DJANGO_SECRET_KEY: the built-in demo key is public and "
                "only seals the emulator's made-up tokens."
            )
        if DEMO_MODE:
            # Only the emulator's made-up tokens are ever sealed with this public key.
            SECRET_KEY = "django-insecure-moodystream-local-demo-key-not-for-production"  # noqa: S105
        else:
            # Never with real Spotify (DEBUG or not): anyone could decrypt a copied cookie.
            raise ImproperlyConfigured(
                "DJANGO_SECRET_KEY is required with real Spotify credentials: without it the "
                "session cookies holding Spotify tokens would be sealed with a public key. Add "
                "one to .env, for example: python -c \"import secrets; "
                "print('DJANGO_SECRET_KEY=' + secrets.token_urlsafe(50))\" >> .env"
            )

ALLOWED_HOSTS = env.list(
    var("DJANGO_ALLOWED_HOSTS"),
    default=[] if IS_PRODUCTION else ["127.0.0.1", "localhost", "[::1]"],
)
CSRF_TRUSTED_ORIGINS = env.list(var("DJANGO_CSRF_TRUSTED_ORIGINS"), default=[])

ENABLE_ADMIN = env.bool(var("DJANGO_ENABLE_ADMIN"), default=False)
if IS_PRODUCTION and ENABLE_ADMIN:
    raise ImproperlyConfigured("The Django admin is never enabled in production.")

INSTALLED_APPS = [
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "accounts",
    "playlists",
]
if ENABLE_ADMIN:
    INSTALLED_APPS = [
        "django.contrib.admin",
        "django.contrib.auth",
        "django.contrib.contenttypes",
        *INSTALLED_APPS,
    ]

# The security headers and Cache-Control wrap everything after them, so that pages answered
# early (the 400 for a refused Host, the 503 while the secret cannot be read) carry them too.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "playlists.middleware.SpotifySourcesMiddleware",
    "moodystream.private_pages.PrivatePagesMiddleware",
    "moodystream.middleware.ServiceUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    *(["django.contrib.auth.middleware.AuthenticationMiddleware"] if ENABLE_ADMIN else []),
    "django.contrib.messages.middleware.MessageMiddleware",
    "playlists.middleware.SpotifyErrorMiddleware",
]

ROOT_URLCONF = "moodystream.urls"
WSGI_APPLICATION = "moodystream.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "accounts.context_processors.moodystream",
                *(["django.contrib.auth.context_processors.auth"] if ENABLE_ADMIN else []),
            ],
        },
    },
]

# No user data is stored: no database unless the (local-only) admin is switched on.
DATABASES = (
    {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "admin.sqlite3"}}
    if ENABLE_ADMIN
    else {}
)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

# --- Sessions: encrypted, signed cookies ----------------------------------------------------
SESSION_ENGINE = "moodystream.sessions"
# What each session key must hold, per owner (the engine imports no app: it reads these names
# on first use); a cookie breaking a shape is no session at all (moodystream/session_schema.py).
SESSION_SCHEMAS = [
    "moodystream.session_schema.MESSAGES",
    "accounts.session.SCHEMA",
    "playlists.generator_session.SCHEMA",
]
SESSION_COOKIE_NAME = "moodystream_session"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 7  # the absolute lifetime (moodystream/sessions.py)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = IS_PRODUCTION or env.bool(var("DJANGO_SECURE_COOKIES"), default=False)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- HTTPS and headers -----------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if IS_PRODUCTION:
    # API Gateway terminates TLS and forwards the original scheme in X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

_spotify_accounts_origin = SPOTIFY_ACCOUNTS_BASE_URL.rstrip("/") or CSP.SELF
# Images and frames come from Spotify (its CDN, its embed player). playlists.middleware sets img-src
# and frame-src per request: in demo mode the mounted emulator's covers and embed player on
# the request's host (the port is only known then), or SPOTIFY_WEB_BASE_URL's embed player.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [
        CSP.SELF,
        "https://i.scdn.co",
        "https://mosaic.scdn.co",
        "https://image-cdn-ak.spotifycdn.com",
        "https://image-cdn-fa.spotifycdn.com",
    ],
    "frame-src": ["https://open.spotify.com"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF, _spotify_accounts_origin],
}

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = env.str(var("DJANGO_STATIC_URL"), default="/static/")
# Collected (hashed, compressed) files exist only for production; locally WhiteNoise reads the
# source folders, so there is no STATIC_ROOT to go stale.
STATIC_ROOT = BASE_DIR / "staticfiles" if IS_PRODUCTION else None
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production serves the collected, hashed and compressed files, and links them under the
# request's script prefix (the API Gateway stage: see moodystream/storage.py); locally WhiteNoise
# reads the source folders directly so that no collectstatic step is needed to run or test.
STORAGES = {
    "staticfiles": {
        "BACKEND": (
            "moodystream.storage.ScriptPrefixedStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    }
}
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

# --- Logging: to stdout (CloudWatch on Lambda), with secrets scrubbed -----------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "moodystream.log_redaction.RedactSecretsFilter"}},
    "formatters": {"plain": {"format": "%(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str(var("DJANGO_LOG_LEVEL"), default="INFO")},
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "urllib3": {"level": "WARNING"},
        # spotipy logs request headers (bearer token) at DEBUG and every HTTP error at ERROR,
        # expected ones (a 401 before a refresh, a 404) included; the gateway logs outcomes.
        "spotipy": {"level": "CRITICAL"},
    },
}
CSRF_FAILURE_VIEW = "playlists.views.error_pages.csrf_failure"
