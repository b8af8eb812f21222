"""Server-wide hardening, installed by the channels when the Rasa server starts.

- log redaction (channels/redact.py) for every log record and warning;
- hard size caps: HTTP request bodies and websocket frames above
  HARD_MAX_BYTES (2 MiB) are cut off by the server, engine.io refuses bigger
  packets (the channels' own, much lower limits answer kindly below that);
- `/` (and `/version` with the API on) no longer tell the Rasa version;
- the API token is also accepted in an `Authorization: Bearer <token>` (or
  `Token <token>`) header, not only as `?token=` in the URL, which ends up in
  proxy logs;
- a JWT the server cannot accept (e.g. `alg: none`, a wrong algorithm) gets 401,
  not a 500.
"""
from __future__ import annotations

import logging
import os
from typing import Any

from sanic import response

from channels import limits, redact

logger = logging.getLogger(__name__)

_APPS: set = set()


def harden(blueprint: Any) -> None:
    """Register the start-up hardening on a channel blueprint (idempotent per app)."""
    redact.install()  # as early as possible: before the model and the first message

    @blueprint.listener("before_server_start")
    async def _harden(app: Any, *_: Any) -> None:
        install(app)


def install(app: Any) -> None:
    if app is None or id(app) in _APPS:
        return
    _APPS.add(id(app))
    redact.install()
    hard = limits.hard_max_bytes()
    if "SANIC_REQUEST_MAX_SIZE" not in os.environ:
        app.config.REQUEST_MAX_SIZE = hard
    if "SANIC_WEBSOCKET_MAX_SIZE" not in os.environ:
        app.config.WEBSOCKET_MAX_SIZE = hard
    hide_version(app)
    app.register_middleware(token_from_header, "request")
    app.register_middleware(security_headers, "response")
    try:
        import jwt

        app.error_handler.add(jwt.exceptions.InvalidTokenError, _unauthorized)
    except ImportError:  # pragma: no cover - PyJWT is a Rasa dependency
        pass
    try:
        from sanic.exceptions import PayloadTooLarge

        app.error_handler.add(PayloadTooLarge, _too_large)
    except ImportError:  # pragma: no cover
        pass


def hide_version(app: Any) -> None:
    """Replace the handlers of `/` and `/version`, which print Rasa's version."""
    for route in list(app.router.routes):
        path = "/" + str(getattr(route, "path", "") or "").strip("/")
        if path == "/":
            route.handler = _hello
        elif path == "/version":
            route.handler = _no_version


async def _hello(request: Any, *_: Any, **__: Any) -> Any:
    return response.text("Hello from the assistant's server")


async def _no_version(request: Any, *_: Any, **__: Any) -> Any:
    return response.json({"error": "Not found."}, status=404)


def token_from_header(request: Any) -> Any:
    """Copy `Authorization: Bearer|Token <t>` to the `token` argument Rasa's API checks.

    A header that cannot be a token or a JWT (not printable ASCII, over 4 KiB) is
    refused with 401 here: the JWT library would fail on it with a 500.
    """
    header = request.headers.get("authorization") or ""
    if not header:
        return None
    if len(header) > 4096 or not (header.isascii() and header.isprintable()):
        return _unauthorized_response()
    scheme, _, value = header.partition(" ")
    value = value.strip()
    if scheme.lower() not in ("bearer", "token") or not value:
        return None
    args = request.args
    if "token" not in args:
        args["token"] = [value]
    return None


def security_headers(request: Any, resp: Any) -> None:
    headers = getattr(resp, "headers", None)
    if headers is None:
        return None
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    if "server" in headers:
        del headers["server"]
    return None


def _unauthorized_response() -> Any:
    return response.json({"version": None, "status": "failure", "reason": "NotAuthenticated",
                          "message": "User is not authenticated.", "code": 401}, status=401)


async def _unauthorized(request: Any, exception: Exception) -> Any:
    logger.info("request with an unacceptable JWT refused (%s)", type(exception).__name__)
    return _unauthorized_response()


async def _too_large(request: Any, exception: Exception) -> Any:
    return response.json([{"recipient_id": None, "text": limits.message_text("message_too_large")}], status=413)
