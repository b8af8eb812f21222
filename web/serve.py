#!/usr/bin/env python3
"""Static server for the chat widget and its demo page, with strict security headers.

Standard library only.  Serves web/public/ (build the vendor files first: ``node web/build.mjs``).

Environment:
  WEB_HOST          bind address (default 127.0.0.1)
  WEB_PORT          port (default 8080)
  RASA_PUBLIC_URL   the Rasa server as the browser reaches it (default http://localhost:5005);
                    allowed in connect-src (http(s) and ws(s) origins) and written into the demo
                    page's data-server-url attribute.

Request logs hold method, path and status only; the chat itself never passes through this server.
"""

from __future__ import annotations

import html
import os
import re
import sys
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

PUBLIC_DIR = Path(__file__).resolve().parent / "public"
DEFAULT_RASA_URL = "http://localhost:5005"
_SERVER_URL_ATTR = re.compile(rb'data-server-url="[^"]*"')


def rasa_origins(url: str) -> tuple[str, str, str]:
    """Return (public url without trailing slash, http origin, ws origin) for RASA_PUBLIC_URL."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"RASA_PUBLIC_URL must be an http(s) URL, got {url!r}")
    if any(c in url for c in " ;,'\"\n\r"):
        raise ValueError("RASA_PUBLIC_URL must not contain spaces, quotes, commas or semicolons")
    netloc = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
    if ":" in parts.hostname:  # IPv6 literal
        netloc = f"[{parts.hostname}]" + ("" if parts.port is None else f":{parts.port}")
    http_origin = f"{parts.scheme}://{netloc}"
    ws_origin = f"{'wss' if parts.scheme == 'https' else 'ws'}://{netloc}"
    public = f"{http_origin}{parts.path.rstrip('/')}"
    return public, http_origin, ws_origin


def content_security_policy(http_origin: str, ws_origin: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"connect-src 'self' {http_origin} {ws_origin}",
            "img-src 'self' data:",
            "font-src 'self'",
            "object-src 'none'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


class WidgetHandler(SimpleHTTPRequestHandler):
    server_version = "widget"
    sys_version = ""
    extensions_map = {
        "": "application/octet-stream",
        ".html": "text/html; charset=utf-8",
        ".js": "text/javascript; charset=utf-8",
        ".mjs": "text/javascript; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".json": "application/json",
        ".svg": "image/svg+xml",
        ".png": "image/png",
        ".ico": "image/x-icon",
        ".txt": "text/plain; charset=utf-8",
        ".map": "application/json",
    }

    csp = ""

    def version_string(self) -> str:
        return "widget"
    rasa_public_url = DEFAULT_RASA_URL

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", self.csp)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        if self.path.split("?", 1)[0].endswith((".html", "/")):
            self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        if self.path.split("?", 1)[0] == "/healthz":
            body = b"ok\n"
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def list_directory(self, path):  # no directory listings
        self.send_error(HTTPStatus.NOT_FOUND, "Not found")
        return None

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            index = os.path.join(path, "index.html")
            if os.path.exists(index) and self.path.split("?", 1)[0].endswith("/"):
                path = index
        if path.endswith(".html") and os.path.isfile(path):
            return self._send_html(path)
        return super().send_head()

    def _send_html(self, path: str):
        """HTML pages get the configured Rasa URL in their data-server-url attribute."""
        import io

        with open(path, "rb") as fh:
            body = fh.read()
        attr = 'data-server-url="%s"' % html.escape(self.rasa_public_url, quote=True)
        body = _SERVER_URL_ATTR.sub(attr.encode("utf-8"), body)
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        # Method, path and status only (the default also logs them); no query strings.
        if args and isinstance(args[0], str):
            args = (args[0].split("?", 1)[0],) + tuple(args[1:])
        sys.stderr.write("%s - %s\n" % (self.log_date_time_string(), format % args))


def make_server(host: str, port: int, rasa_url: str) -> ThreadingHTTPServer:
    public, http_origin, ws_origin = rasa_origins(rasa_url)
    handler = type(
        "ConfiguredWidgetHandler",
        (WidgetHandler,),
        {"csp": content_security_policy(http_origin, ws_origin), "rasa_public_url": public},
    )
    server = ThreadingHTTPServer((host, port), partial(handler, directory=str(PUBLIC_DIR)))
    server.daemon_threads = True
    return server


def main() -> int:
    host = os.environ.get("WEB_HOST", "127.0.0.1")
    port = int(os.environ.get("WEB_PORT", "8080"))
    rasa_url = os.environ.get("RASA_PUBLIC_URL", DEFAULT_RASA_URL)
    try:
        server = make_server(host, port, rasa_url)
    except ValueError as exc:
        print(f"serve.py: {exc}", file=sys.stderr)
        return 2
    if not (PUBLIC_DIR / "vendor" / "socket.io.min.js").exists():
        print("serve.py: warning: public/vendor/ is missing; run `node web/build.mjs` first", file=sys.stderr)
    print(f"serve.py: http://{host}:{port}/ (Rasa at {rasa_url})", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
