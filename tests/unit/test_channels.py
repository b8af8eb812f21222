"""The channel safety net: never silent, strict input, no message text in logs."""
from __future__ import annotations

import logging

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from channels.guard import handle_guarded, valid_sender


@pytest.mark.parametrize("sender, ok", [
    ("e2e-0123456789abcdef", True), ("a" * 128, True), ("short", False), ("a" * 129, False),
    ("../../etc/passwd", False), ("with space 123", False), (12345678, False), (None, False),
])
def test_sender_ids_must_be_unguessable_shaped(sender, ok) -> None:
    assert valid_sender(sender) is ok


async def test_failure_gets_an_apology_and_no_text_in_logs(caplog) -> None:
    async def broken(message: UserMessage) -> None:
        raise RuntimeError("action server down")

    out = CollectingOutputChannel()
    with caplog.at_level(logging.DEBUG):
        await handle_guarded(broken, UserMessage("my secret a1c is 9.9", out, "visitor-12345678"))
    assert len(out.messages) == 1 and "sorry" in out.messages[0]["text"].lower()
    assert "9.9" not in caplog.text and "secret" not in caplog.text


async def test_silence_gets_an_apology_too() -> None:
    async def silent(message: UserMessage) -> None:
        return None

    out = CollectingOutputChannel()
    await handle_guarded(silent, UserMessage("hello", out, "visitor-12345678"))
    assert out.messages


async def test_a_normal_reply_is_passed_through_untouched() -> None:
    async def answers(message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, "hi there")

    out = CollectingOutputChannel()
    await handle_guarded(answers, UserMessage("hello", out, "visitor-12345678"))
    assert [m["text"] for m in out.messages] == ["hi there"]

# The REST channel's HTTP validation is tested against the running server in
# tests/e2e/test_security.py (4xx for every malformed body, never 500).


@pytest.mark.parametrize("text, line", [
    ("I want to kill myself", "988"),
    ("I have crushing chest pain right now", "911"),
])
async def test_crisis_help_does_not_depend_on_the_action_server(text, line) -> None:
    """The pipeline failed (action server down): the Rasa process sends the safety reply itself."""
    async def broken(message: UserMessage) -> None:
        raise RuntimeError("action server unreachable")

    out = CollectingOutputChannel()
    await handle_guarded(broken, UserMessage(text, out, "visitor-12345678"))
    assert line in out.messages[0]["text"]
    assert "Sorry" not in out.messages[0]["text"]


async def test_a_crisis_reply_already_sent_is_not_sent_twice() -> None:
    async def answers(message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, "Please call or text 988.")

    out = CollectingOutputChannel()
    await handle_guarded(answers, UserMessage("I want to kill myself", out, "visitor-12345678"))
    assert len(out.messages) == 1


async def test_a_crisis_with_only_an_unrelated_reply_still_gets_988() -> None:
    """An action that answered something else (or half a turn) does not count as crisis help."""
    async def partial(message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, "Here is what I know about cost.")

    out = CollectingOutputChannel()
    await handle_guarded(partial, UserMessage("I want to end my life, how much is it", out, "visitor-12345678"))
    assert any("988" in m["text"] for m in out.messages)


def test_action_calls_time_out_after_a_few_seconds(monkeypatch) -> None:
    import rasa.core.actions.action as rasa_action

    from channels.guard import apply_action_timeout

    monkeypatch.setattr(rasa_action, "DEFAULT_REQUEST_TIMEOUT", 300)
    monkeypatch.setenv("ACTION_TIMEOUT_SECONDS", "3")
    apply_action_timeout()
    assert rasa_action.DEFAULT_REQUEST_TIMEOUT == 3.0
    monkeypatch.setenv("ACTION_TIMEOUT_SECONDS", "nonsense")
    apply_action_timeout()
    assert rasa_action.DEFAULT_REQUEST_TIMEOUT == 10.0
