"""What both channels do with a message that passed the door (limits.py).

`deliver` turns a typed slash command into text (commands.py), registers the
text for log redaction (redact.py), runs the message through the shared
safety net (guard.handle_guarded) and, when the turn asked to erase the
conversation, tells the visitor the truth about it: "erased" only after the
store committed and verified the deletion (stores/erasable.py), otherwise
that it failed, with the clinic's contact.
"""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Optional, Set

from rasa.core.channels.channel import OutputChannel, UserMessage

from channels import commands, limits, redact
from channels.guard import handle_guarded

logger = logging.getLogger(__name__)


def erase_result(sender_id: str) -> Optional[bool]:
    try:
        from stores.erasable import take_erase_result
    except Exception:  # pragma: no cover - the store is part of this project
        return None
    return take_erase_result(sender_id)


async def report_erasure(message: UserMessage) -> None:
    """After the turn: confirm an erase only if it really happened, else say it failed."""
    result = erase_result(message.sender_id)
    if result is None:
        return
    message_id = "forget_me_done" if result else "forget_me_failed"
    if result:
        commands.OFFERED.forget(message.sender_id)
    reply = {"text": limits.message_text(message_id)}
    buttons = limits.message_buttons(message_id)
    if buttons:
        reply["buttons"] = buttons
    await message.output_channel.send_response(message.sender_id, reply)


async def deliver(on_new_message: Callable[[UserMessage], Awaitable[Any]], text: str,
                  output: OutputChannel, sender: str, input_channel: str, metadata: Any = None,
                  allowed_commands: Optional[Set[str]] = None) -> None:
    """Process an accepted message; never raises, never leaves the visitor without a reply."""
    text = commands.as_text(sender, text, allowed_commands)
    handle = redact.remember(text)

    async def process(message: UserMessage) -> None:
        try:
            await on_new_message(message)
        finally:
            await report_erasure(message)

    recording = commands.OfferRecordingOutputChannel(output, sender)
    message = UserMessage(text, recording, sender, input_channel=input_channel, metadata=metadata)
    try:
        await handle_guarded(process, message)
    finally:
        redact.done(handle)


async def send_door_replies(output: OutputChannel, recipient: str, texts: list) -> None:
    for text in texts:
        await output.send_response(recipient, {"text": text})
