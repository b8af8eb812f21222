"""Issue 12 in unit tests: limits at the door, sessions and sender ids, slash commands,
log redaction, truthful erasure reporting. The HTTP and socket.io behaviour of the
running server is tested in tests/e2e/test_hardening.py."""
from __future__ import annotations

import logging
import os
import stat
import time
import uuid
import warnings

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from channels import commands, door, limits, redact, sessions


# --------------------------------------------------------------------------- REST sender ids
@pytest.mark.parametrize("sender", [
    "probe-" + uuid.uuid4().hex, "e2e-" + uuid.uuid4().hex, "bench-" + uuid.uuid4().hex, uuid.uuid4().hex,
    str(uuid.uuid4()), "persona_" + uuid.uuid4().hex.upper(), uuid.uuid4().hex + uuid.uuid4().hex,
])
def test_random_sender_ids_are_accepted(sender) -> None:
    assert sessions.strong_sender(sender)


@pytest.mark.parametrize("sender, why", [
    ("12345678", "short digits"), ("aaaaaaaa\n", "trailing newline ($ would accept it)"),
    ("probe-" + "0" * 32, "one digit repeated"), ("probe-" + "0123456789abcdef" * 2, "counting"),
    ("probe-" + "deadbeef" * 4, "a repeated block"), ("probe-" + "ab" * 16, "two digits"),
    ("visitor-12345678", "too little randomness"), ("e2e-abcdefgh1234", "not hex"),
    ("probe-" + uuid.uuid4().hex + "\n", "newline after a good id"), ("\n" + uuid.uuid4().hex, "newline before"),
    ("probe-" + uuid.uuid4().hex[:31], "31 hex digits: 124 bits, but not the required shape"),
    ("pro be-" + uuid.uuid4().hex, "space"), ("probe-" + uuid.uuid4().hex + "\x00", "control character"),
    ("../../" + uuid.uuid4().hex, "path"), (12345678, "a number"), (None, "missing"),
    ("x" * 40 + "-" + uuid.uuid4().hex, "label too long"), (str(uuid.uuid1()), "UUID1 (time based)"),
    ("a" * 128, "patterned"), (uuid.uuid4().hex[:16] + uuid.uuid4().hex[:16].upper(), "mixed case hex"),
])
def test_weak_or_malformed_sender_ids_are_refused(sender, why) -> None:
    assert not sessions.strong_sender(sender), why


def test_random_ids_are_not_refused_by_the_pattern_checks() -> None:
    # the checks must not refuse real random ids (their false-refusal rate is below 1e-8)
    assert all(sessions.strong_sender(uuid.uuid4().hex) for _ in range(20_000))


# --------------------------------------------------------------------------- socket.io tokens
@pytest.fixture
def fresh_secret(tmp_path, monkeypatch):
    monkeypatch.delenv("SESSION_SECRET", raising=False)
    monkeypatch.setenv("SESSION_SECRET_FILE", str(tmp_path / "var" / "session.secret"))
    sessions.reset_secret()
    yield tmp_path / "var" / "session.secret"
    sessions.reset_secret()


def test_secret_is_generated_once_private(fresh_secret) -> None:
    first = sessions.secret()
    assert len(first) >= 64
    assert stat.S_IMODE(os.stat(fresh_secret).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(fresh_secret.parent).st_mode) == 0o700
    sessions.reset_secret()
    assert sessions.secret() == first  # read back, not regenerated


def test_secret_from_the_environment(monkeypatch, fresh_secret) -> None:
    monkeypatch.setenv("SESSION_SECRET", "s" * 40)
    sessions.reset_secret()
    assert sessions.secret() == b"s" * 40
    assert not fresh_secret.exists()


def test_tokens_belong_to_their_session(fresh_secret) -> None:
    a, b = sessions.new_session_id(), sessions.new_session_id()
    token = sessions.token_for(a)
    assert sessions.verify(a, token)
    assert not sessions.verify(b, token)
    flipped = token[:-1] + ("1" if token[-1] == "0" else "0")
    assert not sessions.verify(a, None) and not sessions.verify(a, "") and not sessions.verify(a, flipped)
    assert not sessions.verify(a + "\n", token) and not sessions.verify(a, token + "\n")
    assert not sessions.verify(["x"], token) and not sessions.verify(a, {"token": token})
    sessions.reset_secret()
    os.environ["SESSION_SECRET"] = "another secret that is long enough 123"
    try:
        assert not sessions.verify(a, token)  # a new secret invalidates old tokens
    finally:
        del os.environ["SESSION_SECRET"]


# --------------------------------------------------------------------------- limits
def test_token_bucket_refills() -> None:
    buckets = limits.TokenBuckets(3, 3.0)
    assert [buckets.allow("a", now=0.0) for _ in range(4)] == [True, True, True, False]
    assert buckets.allow("b", now=0.0)  # per key
    assert buckets.allow("a", now=1.01)  # one token per second
    assert not buckets.allow("a", now=1.02)


def test_token_buckets_use_bounded_memory() -> None:
    buckets = limits.TokenBuckets(1, 60.0, max_keys=100)
    for i in range(10_000):
        buckets.allow(f"k{i}", now=0.0)
    assert len(buckets._buckets) == 100


def test_client_address_trusts_forwarded_for_only_from_a_proxy() -> None:
    limiter = limits.RateLimiter(trusted_proxies="127.0.0.1 ::1")
    assert limiter.client_address("127.0.0.1", None) is None  # a local tool: not limited
    assert limiter.client_address("127.0.0.1", "198.51.100.7") == "198.51.100.7"
    assert limiter.client_address("127.0.0.1", "1.1.1.1, 198.51.100.7") == "198.51.100.7"  # the proxy's view
    assert limiter.client_address("203.0.113.9", "198.51.100.7") == "203.0.113.9"  # not a proxy: ignored
    assert limiter.client_address("", None) == "unknown"


def test_rate_limits_per_address_and_per_sender() -> None:
    limiter = limits.RateLimiter(sender=(2, 60.0), address=(3, 60.0))
    assert limiter.allow_sender("s1", "198.51.100.7") and limiter.allow_sender("s1", "198.51.100.7")
    assert not limiter.allow_sender("s1", "198.51.100.7")
    assert limiter.allow_sender("s2", "198.51.100.7")
    assert [limiter.allow_address("198.51.100.7") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow_address(None) and limiter.allow_sender("s1", None)  # local tools


def test_rate_settings_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("RATE_LIMIT_SENDER", "5/10")
    monkeypatch.setenv("RATE_LIMIT_ADDRESS", "off")
    limiter = limits.RateLimiter.from_env()
    assert limiter.sender.capacity == 5 and limiter.sender.rate == 0.5
    assert limiter.address is None


@pytest.mark.parametrize("metadata, big", [
    (None, False), ({}, False), ({"page": "/neuropathy"}, False), ({"x": "a" * 5000}, True),
    ("a" * 5000, True), (["list"], True), ({"deep": [[[[]]]]}, False),
])
def test_metadata_size(metadata, big) -> None:
    assert limits.metadata_too_big(metadata) is big


def test_crisis_screen_is_bounded_and_finds_a_crisis_at_either_end() -> None:
    filler = "my feet tingle at night and I wonder about the cost " * 2000  # ~100,000 characters
    limits.screen_kind("warm up: the content snapshot and the patterns are loaded once")
    for text in ("I want to kill myself. " + filler, filler + " I want to kill myself", "I want to kill myself " * 1000):
        started = time.perf_counter()
        assert limits.screen_kind(text) == "crisis"
        assert time.perf_counter() - started < 0.5
    assert limits.screen_kind(filler) is None
    assert limits.screen_windows("x" * 100_000) == ["x" * limits.SCREEN_WINDOW] * 2


def test_door_replies_put_safety_help_first() -> None:
    texts = limits.door_replies("crisis")
    assert "988" in texts[0] and "shorter" in texts[-1].lower() or "long" in texts[-1].lower()
    assert "911" in limits.door_replies("emergency")[0]
    assert len(limits.door_replies(None)) == 1


@pytest.mark.parametrize("message_id", ["message_too_large", "rate_limited", "message_unreadable",
                                        "session_invalid", "forget_me_failed", "message_too_long"])
def test_new_messages_come_from_content(message_id) -> None:
    text = limits.message_text(message_id)
    assert text and "{" not in text
    if message_id in ("message_too_large", "rate_limited"):
        assert "988" in text and "911" in text  # the message they answer was not read
    if message_id == "forget_me_failed":
        assert "not been erased" in text and limits.message_buttons(message_id)


# --------------------------------------------------------------------------- slash commands
@pytest.mark.parametrize("typed, seen", [
    ("/restart", "restart"), ("/session_start", "session_start"), ("  /restart", "restart"),
    ('/inform{"ps_consent": "yes"}', 'inform{"ps_consent": "yes"}'), ("//faq_cost", "faq_cost"),
    ("/", ""), ("hello /restart", "hello /restart"), ("what is neuropathy", "what is neuropathy"),
])
def test_typed_slash_commands_become_text(typed, seen) -> None:
    assert commands.as_text("visitor-" + uuid.uuid4().hex, typed) == seen


async def test_offered_button_payloads_stay_commands() -> None:
    sender = "visitor-" + uuid.uuid4().hex
    other = "visitor-" + uuid.uuid4().hex
    out = commands.OfferRecordingOutputChannel(CollectingOutputChannel(), sender)
    await out.send_response(sender, {"text": "Pick one", "buttons": [
        {"title": "Cost", "payload": "/faq_cost"}, {"title": "Site", "payload": "https://x.example", "url": "x"}]})
    await out.send_text_with_buttons(sender, "More", [{"title": "Start", "payload": "/start_prescreen"}])
    assert commands.as_text(sender, "/faq_cost") == "/faq_cost"
    assert commands.as_text(sender, "/start_prescreen") == "/start_prescreen"
    assert commands.as_text(other, "/faq_cost") == "faq_cost"  # offered to someone else
    assert commands.as_text(sender, "/restart") == "restart"
    assert commands.as_text(sender, "/greet", allowed={"/greet"}) == "/greet"


def test_offered_payloads_use_bounded_memory() -> None:
    offered = commands.OfferedPayloads(max_senders=10, max_payloads=3)
    for i in range(100):
        offered.offer(f"s{i}", [f"/p{j}" for j in range(10)])
    assert len(offered._offers) == 10 and all(len(p) == 3 for p in offered._offers.values())


# --------------------------------------------------------------------------- log redaction
@pytest.fixture
def redacting(caplog):
    redact.install()
    redact.reset()
    with caplog.at_level(logging.DEBUG):
        yield caplog
    redact.reset()


def test_redaction_covers_every_form_of_a_text(redacting) -> None:
    canary = "canary" + uuid.uuid4().hex[:8]
    text = f"my a1c is 9.9\nFAKE LOG LINE {canary}"
    handle = redact.remember(text)
    log = logging.getLogger("rasa.core.processor")
    log.debug(f"Received user message '{text}' with intent 'x'")
    log.warning("Failed to parse '%s'", text)
    log.info("parse data %s", {"text": text})
    log.error("json %s", __import__("json").dumps({"text": text}))
    logging.getLogger("rasa_sdk.executor").debug("slot ps_note set to %s", canary.upper())
    try:
        raise ValueError(f"bad value {text}")
    except ValueError:
        log.exception("failed")
    redact.done(handle)
    log.debug("later: %s", canary)  # its words are still redacted after the turn
    assert canary not in redacting.text and canary.upper() not in redacting.text
    assert "FAKE LOG LINE" not in redacting.text
    for record in redacting.records:
        assert "\n" not in record.getMessage()  # a text cannot forge log lines


def test_redaction_keeps_log_lines_without_visitor_text(redacting) -> None:
    logging.getLogger("rasa.core").info("Predicted next action 'action_listen' with confidence 1.00")
    assert "Predicted next action 'action_listen' with confidence 1.00" in redacting.text


def test_warnings_are_redacted(redacting, capsys) -> None:
    canary = "canary" + uuid.uuid4().hex[:8]
    redact.remember(f"/{canary}")
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning(UserWarning(f"Failed to parse intent from '/{canary}'"), UserWarning, "x.py", 1)
    assert canary not in capsys.readouterr().err


def test_action_server_registers_what_it_receives(redacting) -> None:
    canary = "canary" + uuid.uuid4().hex[:8]
    redact.remember_action_call({"tracker": {"latest_message": {"text": f"hi {canary}"},
                                             "events": [{"event": "user", "text": f"earlier {canary}x"}],
                                             "slots": {"ps_note": f"{canary}y"}}})
    logging.getLogger("actions").error("could not read %s %sx %sy", canary, canary, canary)
    assert canary not in redacting.text


# --------------------------------------------------------------------------- truthful erasure
@pytest.mark.parametrize("result, expected", [(True, "forget_me_done"), (False, "forget_me_failed")])
async def test_erasure_is_confirmed_only_when_it_succeeded(monkeypatch, result, expected) -> None:
    sender = "visitor-" + uuid.uuid4().hex

    async def forget(message: UserMessage) -> None:
        from stores import erasable

        erasable._record_erase_result(message.sender_id, result)

    out = CollectingOutputChannel()
    await door.deliver(forget, "please delete my conversation", out, sender, "rest")
    assert [m["text"] for m in out.messages] == [limits.message_text(expected)]
    if not result:
        assert any(b.get("payload") == "/ask_human" for b in out.messages[0].get("buttons", []))


async def test_no_erasure_no_report() -> None:
    async def answer(message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, "hello")

    out = CollectingOutputChannel()
    await door.deliver(answer, "hello", out, "visitor-" + uuid.uuid4().hex, "rest")
    assert [m["text"] for m in out.messages] == ["hello"]


def test_project_log_templates_are_not_redacted_but_their_arguments_are(redacting) -> None:
    canary = "canary" + uuid.uuid4().hex[:8]
    redact.remember(f"please delete my conversation {canary}")
    logging.getLogger("stores.erasable").info("conversation erased on the visitor's request")
    logging.getLogger("channels.door").error("failed for %s after %d tries", canary, 3)
    assert "conversation erased on the visitor's request" in redacting.text
    assert canary not in redacting.text and "after 3 tries" in redacting.text



def test_operational_lines_keep_their_numbers_and_words_after_the_turn(redacting) -> None:
    """Word-level redaction is for DEBUG dumps: an ERROR about the action server stays readable."""
    handle = redact.remember("1 OR 1=1 http last more")
    redact.done(handle)
    line = "Couldn't connect to the server at 'http://127.0.0.1:5055/webhook'. Most recent call last"
    logging.getLogger("rasa.core.actions.action").error(line)
    assert line in redacting.text
    logging.getLogger("rasa.core.processor").debug("slot set to 'http more'")
    assert "slot set to '[redacted] [redacted]'" in redacting.text


def test_door_replies_give_spanish_help_for_a_spanish_message() -> None:
    long_spanish = "ya no quiero vivir, estoy cansado de este dolor en los pies. " * 40
    texts = limits.door_replies("crisis", text=long_spanish)
    assert "988" in texts[0] and "AYUDA" in texts[0]
