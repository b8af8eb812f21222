"""Shared safety net for every channel: validate the visitor, never go silent.

If handling a message fails (the action server is down, an action raises) the
visitor still gets a short apology with the clinic's phone number, and the
Rasa server keeps running. Logs name the failure, never the message text.
"""
from __future__ import annotations

import components.speedups  # installs the speed fixes; start-up and shut-down hooks below

import logging
import os
import re
from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import OutputChannel, UserMessage

logger = logging.getLogger(__name__)

SENDER_ID = re.compile(r"^[A-Za-z0-9_-]{8,128}$")
FALLBACK_TEXT = (
    "Sorry, something went wrong on our side. Please try again in a moment, "
    "or contact the clinic."
)  # used only if content/ itself cannot be read


def manage_server_lifetime(blueprint: Any) -> None:
    """Start-up and shut-down work for the Rasa server (see components/speedups.py)."""

    @blueprint.listener("after_server_start")
    async def _freeze(*_: Any) -> None:
        components.speedups.freeze_loaded_objects()

    @blueprint.listener("after_server_stop")
    async def _close(*_: Any) -> None:
        await components.speedups.close_sessions()


def allowed_origins() -> list:
    """Browser origins allowed to talk to the server (ALLOWED_ORIGINS, space or comma separated)."""
    raw = os.environ.get("ALLOWED_ORIGINS", "http://localhost:8080 http://127.0.0.1:8080")
    return [o for o in re.split(r"[\s,]+", raw) if o]


def valid_sender(sender: Any) -> bool:
    return isinstance(sender, str) and bool(SENDER_ID.match(sender))


class CountingOutputChannel(OutputChannel):
    """Wraps an output channel and counts the bot messages sent through it."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.sent = 0

    @classmethod
    def name(cls) -> Text:
        return "counting"

    def __getattr__(self, item: str) -> Any:
        return getattr(self.inner, item)


def _counted(method: str) -> Callable[..., Awaitable[None]]:
    async def send(self: CountingOutputChannel, *args: Any, **kwargs: Any) -> None:
        self.sent += 1
        await getattr(self.inner, method)(*args, **kwargs)

    send.__name__ = method
    return send


for _method in ("send_response", "send_text_message", "send_image_url", "send_attachment",
                "send_text_with_buttons", "send_quick_replies", "send_elements", "send_custom_json"):
    setattr(CountingOutputChannel, _method, _counted(_method))


def apology_text() -> str:
    try:
        from actions.content import get_content

        content = get_content()
        return content.render(content.message("action_error").get("text")) or FALLBACK_TEXT
    except Exception:  # content unreadable: the hard-coded last resort above
        return FALLBACK_TEXT


async def handle_guarded(
    on_new_message: Callable[[UserMessage], Awaitable[Any]], message: UserMessage
) -> None:
    """Process a message; if nothing was said back, apologise with the clinic's contact."""
    if not isinstance(message.text, str):
        message.text = ""
    counter = CountingOutputChannel(message.output_channel)
    message.output_channel = counter
    try:
        await on_new_message(message)
    except Exception as exc:  # the visitor must not be left with silence
        logger.error("message handling failed: %s", type(exc).__name__)
    if counter.sent == 0:
        await counter.inner.send_response(message.sender_id, {"text": apology_text()})
