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
