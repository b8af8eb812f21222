"""A locked-down server: no open API, strict input handling, hostile input survived."""
from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from tests.e2e.conftest import ROOT, Visitor, post

HOSTILE = yaml.safe_load((Path(__file__).parent / "hostile_inputs.yml").read_text())
MARKUP = re.compile(r"<\s*(script|img|iframe|svg|a|b)\b|onerror|onload|javascript:", re.I)


@pytest.mark.parametrize("method, path", [
    ("GET", "/conversations/someone/tracker"),
    ("POST", "/conversations/someone/messages"),
    ("PUT", "/model"),
    ("POST", "/model/parse"),
    ("POST", "/model/train"),
    ("GET", "/status"),
])
def test_http_api_is_off_by_default(server: str, method: str, path: str) -> None:
    status, _ = post(path, {"text": "hi"}, method=method)
    assert status in (401, 403, 404, 405), status


@pytest.mark.parametrize("raw, why", [
    (b"{not json", "malformed JSON"),
    (b"[]", "a list"),
    (b'"hello"', "a string"),
    (b'{"sender": "e2e-abcdefgh1234", "message": 42}', "message is a number"),
    (b'{"sender": "e2e-abcdefgh1234", "message": null}', "message is null"),
    (b'{"sender": "e2e-abcdefgh1234", "message": ["hi"]}', "message is a list"),
    (b'{"sender": 12345678, "message": "hi"}', "sender is a number"),
    (b'{"message": "hi"}', "no sender"),
    (b'{"sender": "x", "message": "hi"}', "guessable short sender"),
    (b'{"sender": "../../etc/passwd", "message": "hi"}', "path-like sender"),
    (b"", "empty body"),
])
def test_malformed_webhook_requests_get_4xx_never_500(server: str, raw: bytes, why: str) -> None:
    status, body = post("/webhooks/rest/webhook", None, raw=raw)
    assert 400 <= status < 500, (why, status, body)


def _hostile_messages():
    yield from HOSTILE["messages"]
    for item in HOSTILE["long"]:
        yield item["text"] * item["times"]


@pytest.mark.parametrize("message", list(_hostile_messages()), ids=lambda m: repr(m[:30]))
def test_hostile_messages_get_a_plain_text_reply(server: str, message: str) -> None:
    visitor = Visitor()
    replies = visitor.say(message)
    text = Visitor.text(replies)
    assert text.strip(), "every reply has text"
    assert not MARKUP.search(text), text[:200]
    if "kill myself" in message:
        assert "988" in text


def test_hostile_corpus_has_at_least_50_inputs() -> None:
    assert len(list(_hostile_messages())) >= 50


def test_too_long_message_gets_a_clear_message(visitor: Visitor) -> None:
    assert re.search(r"shorter|long", visitor.said("neuropathy " * 2000), re.I)


def test_socketio_refuses_other_origins(server: str) -> None:
    url = server + "/socket.io/?EIO=4&transport=polling"
    req = urllib.request.Request(url, headers={"Origin": "https://evil.example"})
    try:
        status = urllib.request.urlopen(req, timeout=5).status
    except urllib.error.HTTPError as e:
        status = e.code
    assert status >= 400
    allowed = os.environ.get("ALLOWED_ORIGINS", "http://localhost:8080").split()[0]
    ok = urllib.request.Request(url, headers={"Origin": allowed})
    assert urllib.request.urlopen(ok, timeout=5).status == 200


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


JWT_SECRET = secrets.token_hex(24)
api_server_log: list = [None]


@pytest.fixture(scope="module")
def api_server(server: str, tmp_path_factory):
    """A second Rasa server with the HTTP API enabled behind a token."""
    model = os.environ.get("MODEL")
    if not model:
        pytest.skip("MODEL is not set (run through make test-e2e)")
    token, port = secrets.token_hex(16), _free_port()
    run_dir = tmp_path_factory.mktemp("api")
    # also a JWT secret (alg:none must get 401), and Rasa's DEBUG logging (no visitor text even there)
    env = {**os.environ, "RASA_ENABLE_API": "1", "RASA_AUTH_TOKEN": token, "RASA_PORT": str(port),
           "RASA_HOST": "127.0.0.1", "TRACKER_DB": str(run_dir / "tracker.db"), "RUN_DIR": str(run_dir),
           "RASA_JWT_SECRET": JWT_SECRET, "LOG_LEVEL": "DEBUG"}
    from scripts import servers

    from unittest import mock

    with mock.patch.dict(os.environ, {"RASA_ENABLE_API": "1", "RASA_AUTH_TOKEN": token, "RASA_JWT_SECRET": JWT_SECRET}):
        cmd = servers.rasa_command({**servers.settings(), "rasa_port": str(port), "rasa_host": "127.0.0.1",
                                    "model": model})
    assert "--enable-api" in cmd and "--auth-token" in cmd and "--jwt-secret" in cmd
    env["ACTION_SERVER_URL"] = f"http://127.0.0.1:{servers.settings()['action_port']}/webhook"
    log = open(run_dir / "rasa.log", "wb")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            urllib.request.urlopen(base + "/", timeout=2)
            break
        except Exception:
            time.sleep(0.3)
    api_server_log[0] = run_dir / "rasa.log"
    yield base, token
    os.killpg(proc.pid, 15)
    proc.wait(timeout=20)


@pytest.mark.parametrize("method, path", [
    ("GET", "/conversations/someone/tracker"),
    ("PUT", "/model"),
    ("POST", "/model/parse"),
    ("POST", "/model/train"),
    ("DELETE", "/model"),
])
def test_enabled_api_requires_the_token(api_server, method: str, path: str) -> None:
    base, token = api_server
    status, _ = post(path, {"text": "hi", "model_file": "/tmp/x.tar.gz"}, method=method, base=base)
    assert status in (401, 403), status
    status, _ = post(path + "?token=wrong-" + token[:4], {"text": "hi"}, method=method, base=base)
    assert status in (401, 403), status


def test_enabled_api_works_with_the_token(api_server) -> None:
    base, token = api_server
    status, body = post(f"/model/parse?token={token}", {"text": "how many sessions"}, base=base)
    assert status == 200 and body["intent"]["name"] == "faq_sessions"


def test_api_cannot_be_enabled_without_a_secret() -> None:
    env = {**os.environ, "RASA_ENABLE_API": "1", "RASA_AUTH_TOKEN": "", "RASA_JWT_SECRET": ""}
    code = ("import sys; sys.path.insert(0, '.'); from scripts import servers; "
            "servers.rasa_command(servers.settings())")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "RASA_AUTH_TOKEN" in (result.stderr + result.stdout)


# ---- issue 12: the token in a header, unacceptable JWTs, no version, no text at DEBUG ----------
import base64  # noqa: E402
import uuid  # noqa: E402


def _jwt(header: dict, payload: dict, signature: bytes = b"") -> str:
    def part(value) -> str:
        raw = value if isinstance(value, bytes) else json.dumps(value).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return ".".join([part(header), part(payload), part(signature)])


@pytest.mark.parametrize("scheme", ["Bearer", "Token"])
def test_api_token_works_in_an_authorization_header(api_server, scheme: str) -> None:
    base, token = api_server
    status, body = post("/model/parse", {"text": "how many sessions"}, base=base,
                        headers={"Authorization": f"{scheme} {token}"})
    assert status == 200 and body["intent"]["name"] == "faq_sessions"
    status, _ = post("/model/parse", {"text": "hi"}, base=base, headers={"Authorization": f"Bearer wrong{token}"})
    assert status == 401


@pytest.mark.parametrize("why, make", [
    ("alg none", lambda: _jwt({"alg": "none", "typ": "JWT"}, {"user": {"username": "x", "role": "admin"}})),
    ("alg None", lambda: _jwt({"alg": "None"}, {"user": {"role": "admin"}})),
    ("wrong algorithm", lambda: _jwt({"alg": "RS256"}, {"user": {"role": "admin"}}, b"x" * 64)),
    ("not a JWT", lambda: "not.a.jwt"),
    ("garbage", lambda: "\u00ff" * 10),
    ("bad signature", lambda: _jwt({"alg": "HS256"}, {"user": {"role": "admin"}}, b"x" * 32)),
])
def test_unacceptable_jwts_get_401_not_500(api_server, why: str, make) -> None:
    base, _ = api_server
    status, body = post("/model/parse", {"text": "hi"}, base=base, headers={"Authorization": "Bearer " + make()})
    assert status == 401, (why, status, body)


def test_the_rasa_version_is_not_shown(api_server, server: str) -> None:
    base, token = api_server
    for url in (server, base):
        status, body = post("/", None, method="GET", base=url)
        assert status == 200 and "3.6" not in str(body) and "rasa" not in str(body).lower()
    status, body = post("/version", None, method="GET", base=base)
    assert "3.6" not in str(body)


def test_no_visitor_text_in_the_logs_even_at_debug(api_server) -> None:
    base, _ = api_server
    canary = "canary" + uuid.uuid4().hex[:12]
    sender = "e2e-" + uuid.uuid4().hex
    for text in (f"hello {canary}", f"/{canary}", f"what is neuropathy\nforged {canary}", "am I a candidate?",
                 "yes", f"diabetic since 2019, my name is {canary}", f"{canary} " * 100):
        status, _ = post("/webhooks/rest/webhook", {"sender": sender, "message": text}, base=base)
        assert status == 200
    time.sleep(1.0)
    log = api_server_log[0].read_text(errors="replace")
    assert "DEBUG" in log  # really at DEBUG
    assert canary not in log
