"""Settings of the staff console. Everything is set by environment variables.

| variable | default | meaning |
|---|---|---|
| CONSOLE_HOST / CONSOLE_PORT | 127.0.0.1 / 8090 | where `make run` / `make console` listen |
| CONSOLE_DB | var/console/console.db | accounts, sessions, audit log (SQLite) |
| CONSOLE_SECRET_KEY | generated once into var/console/secret_key (mode 600) | signs sessions and CSRF tokens |
| CONSOLE_SECURE_COOKIES | on unless CONSOLE_HOST is a loopback address | Secure cookies (serve over HTTPS then) |
| CONSOLE_ALLOWED_HOSTS | localhost 127.0.0.1 ::1 and CONSOLE_HOST | host names the console answers to |
| CONSOLE_TRUSTED_ORIGINS | | e.g. https://console.clinic.example behind a TLS proxy |
| CONSOLE_BEHIND_PROXY | off | trust X-Forwarded-Proto from the proxy (only behind one) |
| CONSOLE_LOCKOUT_ATTEMPTS / CONSOLE_LOCKOUT_MINUTES | 5 / 15 | failed logins before an account is locked, and for how long |
| CONSOLE_SESSION_HOURS | 8 | a login lasts this long (and ends when the browser closes) |
| CONTENT_DIR, NLU_DATA_DIR, TRACKER_DB | content/, data/, var/tracker.db | what the assistant reads |
| RASA_PYTHON | .venv/bin/python | the project's Python 3.10 that runs scripts/check_content.py |
"""
from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent  # console/
ROOT = BASE_DIR.parent  # the project


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, "").strip() or default


def _path(name: str, default: Path) -> Path:
    value = _env(name)
    path = Path(value) if value else default
    return path if path.is_absolute() else ROOT / path


def _flag(name: str, default: bool) -> bool:
    value = _env(name).lower()
    if not value:
        return default
    return value in ("1", "true", "yes", "on")


def _is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


VAR_DIR = _path("CONSOLE_VAR_DIR", ROOT / "var" / "console")
CONSOLE_HOST = _env("CONSOLE_HOST", "127.0.0.1")
CONSOLE_PORT = int(_env("CONSOLE_PORT", "8090"))

CONTENT_DIR = _path("CONTENT_DIR", ROOT / "content")
NLU_DATA_DIR = _path("NLU_DATA_DIR", ROOT / "data")
TRACKER_DB = _path("TRACKER_DB", ROOT / "var" / "tracker.db")
RASA_PYTHON = _path("RASA_PYTHON", ROOT / ".venv" / "bin" / "python")
CHECK_SCRIPT = ROOT / "scripts" / "check_content.py"
CONTENT_PRODUCTION = _env("CONTENT_ENV").lower() == "production"


def _secret_key() -> str:
    key = _env("CONSOLE_SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(key)
        return key


SECRET_KEY = _secret_key()
DEBUG = _flag("CONSOLE_DEBUG", False)

ALLOWED_HOSTS = _env("CONSOLE_ALLOWED_HOSTS").replace(",", " ").split() or \
    sorted({"localhost", "127.0.0.1", "[::1]", CONSOLE_HOST})
CSRF_TRUSTED_ORIGINS = _env("CONSOLE_TRUSTED_ORIGINS").replace(",", " ").split()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "staff",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "staff.middleware.RequireLoginMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "staff.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "clinicconsole.urls"
WSGI_APPLICATION = "clinicconsole.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "staff.views.nav_context",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": _path("CONSOLE_DB", VAR_DIR / "console.db"),
        "OPTIONS": {"timeout": 20},
    }
}

# Passwords: Argon2id first (argon2-cffi), PBKDF2 accepted for accounts made elsewhere.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOCKOUT_ATTEMPTS = int(_env("CONSOLE_LOCKOUT_ATTEMPTS", "5"))
LOCKOUT_MINUTES = int(_env("CONSOLE_LOCKOUT_MINUTES", "15"))

LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

# Cookies and sessions. Secure cookies need HTTPS: they are on unless the console only listens on
# this machine (the default, 127.0.0.1); behind a TLS proxy set CONSOLE_SECURE_COOKIES=1.
SECURE_COOKIES = _flag("CONSOLE_SECURE_COOKIES", not _is_loopback(CONSOLE_HOST))
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_NAME = "__Host-console-session" if SECURE_COOKIES else "console-session"
CSRF_COOKIE_NAME = "__Host-console-csrf" if SECURE_COOKIES else "console-csrf"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # the pages read the token from the form, never from the cookie
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_SAMESITE = "Strict"
SESSION_COOKIE_AGE = int(_env("CONSOLE_SESSION_HOURS", "8")) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
if _flag("CONSOLE_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if SECURE_COOKIES:
    SECURE_HSTS_SECONDS = 31536000
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "en-us"
TIME_ZONE = _env("CONSOLE_TIME_ZONE", _env("TZ", "UTC"))
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# The widget's own stylesheet, so the preview looks exactly like the widget.
STATICFILES_DIRS = [("widget", ROOT / "web" / "public")]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django": {"handlers": ["console"], "level": "WARNING"},
        "staff": {"handlers": ["console"], "level": "INFO"},
    },
}
