"""deploy/haproxy.cfg (issue 12): the production front proxy has the limits it promises.

Parses the file (sections and directives) and checks body-size limits,
timeouts, rate limits, security headers, TLS settings and that neither the
Rasa version nor the HTTP API is reachable; when `haproxy` is installed it also
validates the file with `haproxy -c` (with a throw-away self-signed certificate),
and runs it on loopback in front of a tiny stand-in backend to see the
behaviour.
"""
from __future__ import annotations

import datetime
import http.server
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, List

import pytest

ROOT = Path(__file__).resolve().parents[2]
CFG = ROOT / "deploy" / "haproxy.cfg"


def parse(text: str) -> Dict[str, List[str]]:
    """{"global": [...], "defaults": [...], "frontend public": [...], ...} with comments removed."""
    sections: Dict[str, List[str]] = {}
    current = None
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line.strip():
            continue
        if not raw[0].isspace():
            current = line.strip()
            sections[current] = []
        elif current is not None:
            sections[current].append(" ".join(line.split()))
    return sections


@pytest.fixture(scope="module")
def cfg() -> Dict[str, List[str]]:
    return parse(CFG.read_text())


def has(lines: List[str], pattern: str) -> bool:
    return any(re.search(pattern, line) for line in lines)


def _seconds(value: str) -> float:
    m = re.fullmatch(r"(\d+)(ms|s|m|h)?", value)
    assert m, value
    return int(m.group(1)) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600, None: 0.001}[m.group(2)]


def test_sections(cfg) -> None:
    assert {"global", "defaults", "frontend public", "backend rasa"} <= set(cfg)


def test_timeouts_against_slow_clients_and_a_frozen_backend(cfg) -> None:
    timeouts = {line.split()[1]: _seconds(line.split()[2]) for line in cfg["defaults"] if line.startswith("timeout ")}
    assert timeouts["http-request"] <= 15  # slowloris
    assert timeouts["client"] <= 60 and timeouts["server"] <= 60 and timeouts["connect"] <= 10
    assert timeouts["http-keep-alive"] <= 10
    assert "tunnel" in timeouts  # websockets


def test_body_size_limits(cfg) -> None:
    front = cfg["frontend public"]
    limits = [int(n) for line in front for n in re.findall(r"content-length\) gt (\d+)", line)]
    assert limits and max(limits) <= 1024 * 1024
    rest = [line for line in front if "rest_webhook" in line and "content-length" in line]
    assert rest and "65536" in rest[0] and "988" in rest[0] and "911" in rest[0]  # the kind reply, with help lines


def test_rate_limits(cfg) -> None:
    front = cfg["frontend public"]
    assert has(front, r"^stick-table type ip .*http_req_rate\(10s\)")
    assert has(front, r"^tcp-request connection track-sc0 src")
    assert has(front, r"^tcp-request connection reject if \{ sc0_conn_cur gt \d+ \}")
    assert has(front, r"^http-request deny deny_status 429 if \{ sc0_http_req_rate gt \d+ \}")
    assert has(cfg["defaults"], r"^option forwardfor")  # the Rasa server limits per visitor address too


def test_security_headers_and_no_version(cfg) -> None:
    front = cfg["frontend public"]
    for header in ("Strict-Transport-Security", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options",
                   "Content-Security-Policy"):
        assert has(front, rf"^http-response set-header {header} "), header
    assert has(front, r"^http-response del-header Server")
    # "/" is answered by the proxy (Rasa's names its version), and only public paths pass
    assert has(front, r"^http-request return status 200 .* if root$")
    assert has(front, r"^http-request deny deny_status 404 unless rest_webhook or socketio or root")
    assert not has(front, r"/version|/model|/conversations")


def test_tls(cfg) -> None:
    front, glob = cfg["frontend public"], cfg["global"]
    assert has(front, r"^bind :443 ssl crt \S+")
    assert has(front, r"^http-request redirect scheme https .*unless \{ ssl_fc \}")
    assert has(glob, r"ssl-min-ver TLSv1\.2")
    assert has(glob, r"no-tls-tickets")
    assert "TLS notes" in CFG.read_text()


def test_logs_have_no_query_strings(cfg) -> None:
    fmt = next(line for line in cfg["defaults"] if line.startswith("log-format"))
    assert "%HP" in fmt and not re.search(r"%r(?![a-z])|%HU|%\[capture", fmt)


def test_backend_is_the_local_rasa_server(cfg) -> None:
    assert has(cfg["backend rasa"], r"^server \S+ 127\.0\.0\.1:5005 check")


# --------------------------------------------------------------------- with haproxy
HAPROXY = shutil.which("haproxy")


def _self_signed(path: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
            .sign(key, hashes.SHA256()))
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM) + key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(not HAPROXY, reason="haproxy is not installed (apt-get install haproxy)")
def test_haproxy_accepts_the_file(tmp_path) -> None:
    pem = tmp_path / "bot.pem"
    _self_signed(pem)
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(CFG.read_text().replace("/etc/haproxy/certs/bot.pem", str(pem)))
    result = subprocess.run([HAPROXY, "-c", "-f", str(cfg)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr


class _Backend(http.server.BaseHTTPRequestHandler):
    """Stands in for Rasa: names a version at /, echoes the body size at the webhook."""

    def log_message(self, *_):  # quiet
        pass

    def do_GET(self):
        body = b"Hello from Rasa: 3.6.21" if self.path == "/" else b"{}"
        self.send_response(200)
        self.send_header("Server", "Sanic-x.y")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = b'[{"text": "ok"}]'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.mark.skipif(not HAPROXY, reason="haproxy is not installed (apt-get install haproxy)")
def test_haproxy_behaviour_on_loopback(tmp_path) -> None:
    """The real proxy, http only, loopback only, a bounded number of requests."""
    backend = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Backend)
    backend.handle_error = lambda *_: None  # health checks that hang up early are not errors
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    port = _port()
    text = CFG.read_text()
    text = re.sub(r"^\s*bind :443 .*$", "", text, flags=re.M)
    text = text.replace("bind :80", f"bind 127.0.0.1:{port}")
    text = re.sub(r"^\s*http-request redirect scheme https.*$", "", text, flags=re.M)
    text = text.replace("127.0.0.1:5005", f"127.0.0.1:{backend.server_address[1]}")
    text = text.replace("log stdout format raw local0 info", "")
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(text)
    proc = subprocess.Popen([HAPROXY, "-db", "-f", str(cfg)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                urllib.request.urlopen(base + "/", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

        def request(path: str, data: bytes = None, method: str = None):
            req = urllib.request.Request(base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(req, timeout=5) as r:
                    return r.status, r.headers, r.read()  # case-insensitive (HAProxy sends lower case)
            except urllib.error.HTTPError as e:
                return e.code, e.headers, e.read()

        status, headers, body = request("/")
        assert status == 200 and b"Rasa" not in body and b"3.6" not in body
        assert "Server" not in headers
        status, headers, body = request("/webhooks/rest/webhook", b'{"sender": "x", "message": "hi"}')
        assert status == 200 and body == b'[{"text": "ok"}]'
        assert headers.get("Strict-Transport-Security") and headers.get("X-Content-Type-Options") == "nosniff"
        assert "Server" not in headers
        status, _, body = request("/webhooks/rest/webhook", b"x" * 70_000)
        assert status == 200 and b"too large" in body and b"988" in body  # kind, not forwarded
        for path in ("/version", "/model/parse", "/conversations/x/tracker", "/status"):
            assert request(path)[0] == 404, path
        assert request("/webhooks/rest/webhook", method="GET")[0] == 405
        # rate limits: new connections (60 / 10 s: refused) and requests (100 / 10 s: 429) per address
        outcomes = []
        for _ in range(110):
            try:
                outcomes.append(request("/webhooks/rest/webhook", b"{}")[0])
            except OSError:
                outcomes.append("refused")
        assert outcomes[:40] == [200] * 40
        assert "refused" in outcomes or 429 in outcomes
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        backend.shutdown()
