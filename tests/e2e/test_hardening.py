"""Issue 12 against the running servers: bounded work per message, rate limits, sessions
that cannot be hijacked, typed slash commands, no text in any log, truthful erasure."""
from __future__ import annotations

import os
import sqlite3
import threading
import time
import uuid
from pathlib import Path

import pytest

from tests.e2e.conftest import RASA_URL, ROOT, RUN_DIR, TRACKER_DB, Visitor, post

ORIGIN = (os.environ.get("ALLOWED_ORIGINS") or "http://localhost:8080").split()[0]
WEBHOOK = "/webhooks/rest/webhook"


def sender() -> str:
    return "e2e-" + uuid.uuid4().hex


def texts(body) -> str:
    return "\n".join(m.get("text") or "" for m in body) if isinstance(body, list) else str(body)


def stored(sender_id: str) -> int:
    con = sqlite3.connect(TRACKER_DB)
    try:
        return con.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (sender_id,)).fetchone()[0]
    finally:
        con.close()


# --------------------------------------------------------------------------- socket.io client
class SocketVisitor:
    """The widget's protocol, over polling (python-socketio's client)."""

    def __init__(self, xff: str = None) -> None:
        import socketio

        self.client = socketio.Client(reconnection=False)
        self.replies: list = []
        self.confirmed = threading.Event()
        self.session: dict = {}
        self.invalid = 0
        self.client.on("session_confirm", self._confirm)
        self.client.on("bot_uttered", lambda data: self.replies.append(data))
        self.client.on("session_invalid", self._invalid)
        headers = {"Origin": ORIGIN, **({"X-Forwarded-For": xff} if xff else {})}
        self.client.connect(RASA_URL, headers=headers, transports=["polling"], wait_timeout=10)

    def _confirm(self, data) -> None:
        self.session = dict(data) if isinstance(data, dict) else {"session_id": data}
        self.confirmed.set()

    def _invalid(self, *_) -> None:
        self.invalid += 1

    def request_session(self, data: dict = None) -> dict:
        self.confirmed.clear()
        self.client.emit("session_request", data or {})
        assert self.confirmed.wait(10), "no session_confirm"
        return self.session

    def send(self, data, wait: float = 10.0, settle: float = 0.4) -> str:
        before = len(self.replies)
        self.client.emit("user_uttered", data)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and len(self.replies) == before:
            time.sleep(0.02)
        time.sleep(settle)
        return "\n".join(r.get("text") or "" for r in self.replies[before:] if isinstance(r, dict))

    def say(self, text: str, **extra) -> str:
        return self.send({"message": text, **self.session, **extra})

    def close(self) -> None:
        try:  # abort: do not wait for the long-poll to end (~30 s)
            self.client.eio.disconnect(abort=True)
        except Exception:
            pass


@pytest.fixture
def socket_visitor(server):
    pytest.importorskip("socketio")
    made = []

    def make(**kwargs) -> SocketVisitor:
        v = SocketVisitor(**kwargs)
        made.append(v)
        return v

    yield make
    for v in made:
        v.close()


# --------------------------------------------------------------------------- bounded work
def _timed(fn, *args):
    started = time.monotonic()
    result = fn(*args)
    return result, time.monotonic() - started


def test_giant_messages_are_answered_kindly_while_a_crisis_reply_still_arrives(server, content) -> None:
    """40,000 characters and 1 MB, at the same time as another visitor's crisis message."""
    results = {}

    def send(name: str, message: str) -> None:
        results[name] = _timed(post, WEBHOOK, {"sender": sender(), "message": message})

    threads = [threading.Thread(target=send, args=("long", "neuropathy " * 3637)),  # 40,007 characters
               threading.Thread(target=send, args=("huge", "x" * 1_000_000)),
               threading.Thread(target=send, args=("crisis", "I want to kill myself"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    for name in ("long", "huge"):
        (status, body), seconds = results[name]
        assert status == 200 and seconds < 1.0, (name, status, seconds)
        assert "1,000 characters" in texts(body), name
    (status, body), seconds = results["crisis"]
    assert status == 200 and "988" in texts(body) and seconds < 1.0, seconds


def test_beyond_the_hard_cap_the_connection_is_refused_kindly(server) -> None:
    status, body = post(WEBHOOK, None, raw=b'{"sender": "' + sender().encode() + b'", "message": "'
                        + b"x" * (3 * 1024 * 1024) + b'"}')
    assert status == 413 and "988" in texts(body)


@pytest.mark.parametrize("name, message", [
    ("one letter", "a" * 1000), ("negations", "no " * 333), ("negated exclusions", ("not chemo, " * 91)[:1000]),
    ("crisis words", "kill " * 200), ("emoji", "\U0001F600" * 1000), ("brackets", "(" * 500 + ")" * 500),
    ("digits", "9" * 1000), ("url", ("http://x.example/" + "a/" * 490)[:1000]), ("lines", "a\n" * 500),
    ("a1c", ("a1c 10.4 " * 112)[:1000]),
])
def test_worst_inputs_within_the_limit_are_quick(server, name, message) -> None:
    (status, body), seconds = _timed(post, WEBHOOK, {"sender": sender(), "message": message})
    assert status == 200 and texts(body).strip()
    assert seconds < 0.5, (name, seconds)  # ~100 ms of work; the rest is HTTP and the action call


def test_worst_answers_inside_the_prescreen_are_quick(server) -> None:
    visitor = Visitor()
    (_, seconds) = _timed(visitor.say, "am I a candidate? " + ("no chemo no cancer " * 52)[:980])
    assert seconds < 0.5
    for answer in ("yes", ("not chemo, " * 91)[:1000], "no " * 333):
        _, seconds = _timed(visitor.say, answer)
        assert seconds < 0.5, (answer[:20], seconds)


def test_socketio_giant_messages_and_wrong_types_get_a_reply(socket_visitor) -> None:
    v = socket_visitor()
    v.request_session()
    assert "1,000 characters" in v.say("neuropathy " * 3637)
    assert "too large" in v.say("x" * 1_000_000)
    assert "too large" in v.say("hi", metadata={"blob": "a" * 100_000})  # metadata is stored: limited
    assert "could not read" in v.send("just a string")
    assert "could not read" in v.send(42)
    assert "could not read" in v.send({"message": 42, **v.session})
    assert "could not read" in v.send({"message": ["hi"], **v.session})
    assert "could not read" in v.send({"control": "restart", **v.session})
    assert "infusion" in v.say("how many sessions are needed?").lower()  # and it still works


# --------------------------------------------------------------------------- rate limits
def test_per_sender_rate_limit_with_a_kind_reply(server) -> None:
    """As seen through a proxy (X-Forwarded-For from loopback): 30 messages, then 'please wait'."""
    me, address = sender(), "198.51.100.%d" % (uuid.uuid4().int % 250 + 1)
    bodies = [post(WEBHOOK, {"sender": me, "message": "hi"}, headers={"X-Forwarded-For": address})[1]
              for _ in range(34)]
    limited = [b for b in bodies if "faster than I can read" in texts(b)]
    assert limited and "988" in texts(limited[0]) and "911" in texts(limited[0])
    assert all("faster" not in texts(b) for b in bodies[:25])
    # another visitor from another address is not affected
    other = "203.0.113.%d" % (uuid.uuid4().int % 250 + 1)
    status, body = post(WEBHOOK, {"sender": sender(), "message": "hi"}, headers={"X-Forwarded-For": other})
    assert status == 200 and "faster" not in texts(body)


def test_per_address_rate_limit(server) -> None:
    address = "192.0.2.%d" % (uuid.uuid4().int % 250 + 1)
    bodies = [post(WEBHOOK, {"sender": sender(), "message": "hi"}, headers={"X-Forwarded-For": address})[1]
              for _ in range(140)]
    assert not any("faster than I can read" in texts(b) for b in bodies[:100])
    assert any("faster than I can read" in texts(b) for b in bodies[100:])


def test_local_tools_are_not_rate_limited(server) -> None:
    me = sender()
    assert all("faster" not in texts(post(WEBHOOK, {"sender": me, "message": "hi"})[1]) for _ in range(40))


# --------------------------------------------------------------------------- sessions
@pytest.mark.parametrize("weak", ["12345678", "aaaaaaaa\n", "aaaaaaaaaaaaaaaa", "e2e-" + "0" * 32,
                                  "probe-" + "0123456789abcdef" * 2, "visitor-12345678", "e2e-" + "a" * 40,
                                  "e2e-" + uuid.uuid4().hex + "\n", "e2e-" + uuid.uuid4().hex + "\x00"])
def test_rest_refuses_guessable_ids(server, weak) -> None:
    status, body = post(WEBHOOK, {"sender": weak, "message": "hi"})
    assert status == 400 and "unguessable" in str(body)


def test_rest_accepts_the_ids_integrations_send(server) -> None:
    for good in ("probe-" + uuid.uuid4().hex, str(uuid.uuid4()), uuid.uuid4().hex):
        status, body = post(WEBHOOK, {"sender": good, "message": "hello"})
        assert status == 200 and texts(body), good


def test_socketio_hijack_attempts_are_refused(socket_visitor) -> None:
    victim = socket_visitor()
    session = victim.request_session()
    assert len(session["session_id"]) == 32 and len(session["token"]) == 64
    assert victim.send({"control": "greet", **session})
    victim.say("diabetic, my a1c is 9.1")
    rows = stored(session["session_id"])
    assert rows > 0

    attacker = socket_visitor()
    # joining the victim's room without the token gives a NEW session, not the victim's
    got = attacker.request_session({"session_id": session["session_id"]})
    assert got["session_id"] != session["session_id"]
    got = attacker.request_session({"session_id": session["session_id"], "token": "0" * 64})
    assert got["session_id"] != session["session_id"]
    # a message (even "forget me") with the victim's id and no or a wrong token is refused
    for token in (None, "", "0" * 64, got["token"]):
        reply = attacker.send({"message": "please delete my conversation", "session_id": session["session_id"],
                               **({"token": token} if token is not None else {})})
        assert "could not go on" in reply
    assert attacker.invalid >= 4
    assert stored(session["session_id"]) >= rows  # nothing erased
    # the victim's replies never reach the attacker
    before = len(attacker.replies)
    assert "infusion" in victim.say("how many sessions are needed?").lower()
    time.sleep(0.5)
    assert len(attacker.replies) == before
    # the owner, with the token, may resume from another socket (a reload)
    again = socket_visitor()
    assert again.request_session(session)["session_id"] == session["session_id"]


def test_end_chat_control_erases_the_conversation(socket_visitor) -> None:
    v = socket_visitor()
    session = v.request_session()
    v.say("what is neuropathy")
    assert stored(session["session_id"]) > 0
    assert "erased" in v.send({"control": "end_chat", **session})
    assert stored(session["session_id"]) == 0


# --------------------------------------------------------------------------- slash commands
@pytest.mark.parametrize("typed", ["/restart", "/session_start", "/nonexistent_intent", "/", "//",
                                   '/start_prescreen{"ps_consent": "yes"}'])
def test_typed_slash_commands_are_text(server, typed) -> None:
    visitor = Visitor()
    visitor.say("hello")
    reply = visitor.said(typed)
    assert "something went wrong" not in reply.lower()


def test_a_typed_command_cannot_set_slots(server) -> None:
    visitor = Visitor()
    reply = visitor.said('/inform{"ps_consent": "yes", "ps_type": "diabetic"}')
    assert "something went wrong" not in reply.lower()
    # no pre-screen question was skipped by injected slots: a new pre-screen asks for consent first
    reply = visitor.said("am I a candidate?")
    assert "?" in reply


def test_offered_buttons_still_work(server) -> None:
    visitor = Visitor()
    visitor.say("hello")
    reply = visitor.press(r"How MSC therapy works").lower()
    assert ("stem cell" in reply or "msc" in reply) and "not sure i understood" not in reply


# --------------------------------------------------------------------------- logs
def _all_logs() -> str:
    return "\n".join(p.read_text(errors="replace") for p in RUN_DIR.glob("*.log"))


def test_a_canary_never_reaches_any_log(socket_visitor) -> None:
    canary = "canary" + uuid.uuid4().hex[:12]
    visitor = Visitor()
    visitor.say(f"hello {canary}")
    visitor.say(f"/{canary}")  # an unknown typed command: Rasa used to log it at WARNING
    visitor.say(f"/faq_{canary}")
    visitor.say(f"what is neuropathy\n2026-01-01 00:00:00 ERROR forged line {canary}")
    visitor.say(f"{canary} " * 200)  # too long
    visitor.say("am I a candidate?")
    visitor.say("yes")
    visitor.say(f"diabetic, my name is {canary}")
    post(WEBHOOK, None, raw=b'{"sender": "' + sender().encode() + b'", "message": "' + canary.encode() + b'"')  # bad JSON
    post(WEBHOOK, {"sender": canary, "message": canary})  # bad sender
    post(WEBHOOK, {"sender": sender(), "message": canary, "metadata": {"x": canary * 500}})
    v = socket_visitor()
    session = v.request_session()
    v.say(f"what does it cost {canary}")
    v.say(f"/{canary}")
    v.say(f"line one\nline two {canary}", metadata={"note": canary})
    v.send({"message": canary, "session_id": session["session_id"]})  # no token
    v.send(f"{canary}")  # wrong type
    time.sleep(1.0)
    logs = _all_logs()
    assert logs and canary not in logs


# --------------------------------------------------------------------------- erasure
def test_forget_me_with_a_locked_database_reports_failure(server, content) -> None:
    visitor = Visitor()
    visitor.say("am I a candidate?")
    visitor.say("yes")
    before = stored(visitor.sender)
    blocker = sqlite3.connect(TRACKER_DB, timeout=1, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        reply = visitor.said("please delete my conversation")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert "not been erased" in reply and content.clinic["phone"] in reply
    assert "Done." not in reply
    assert stored(visitor.sender) >= before
    # once the database is free again, it works and says so
    assert "erased" in visitor.said("please delete my conversation")
    assert stored(visitor.sender) == 0


def test_after_an_erase_the_text_is_in_no_file_under_var(server) -> None:
    canary = "canary" + uuid.uuid4().hex[:12]
    visitor = Visitor()
    visitor.say(f"hello, my name is {canary}")
    visitor.say(f"what is neuropathy {canary}")
    visitor.say("please delete my conversation")
    time.sleep(0.5)
    found = []
    for path in (ROOT / "var").rglob("*"):
        if path.is_file() and path.stat().st_size < 200 * 1024 * 1024:
            try:
                if canary.encode() in path.read_bytes():
                    found.append(str(path.relative_to(ROOT)))
            except OSError:
                continue
    assert found == []


def test_database_logs_and_var_are_private(server) -> None:
    for path in [TRACKER_DB, *RUN_DIR.glob("*.log")]:
        assert path.stat().st_mode & 0o077 == 0, path
    for folder in (ROOT / "var", RUN_DIR):
        assert folder.stat().st_mode & 0o077 == 0, folder


# --------------------------------------------------------------------------- the server itself
def test_root_does_not_show_the_rasa_version(server) -> None:
    status, body = post("/", None, method="GET")
    assert status == 200 and "3.6" not in str(body) and "Rasa" not in str(body)
