"""Shared safety net for every channel: validate the visitor, never go silent.

If handling a message fails (the action server is down, frozen or failing, an
action raises) the visitor still gets a reply, and the Rasa server keeps
running:

- a crisis or an emergency (as MessageGuard decided, in this process) gets
  its reply from the checked content snapshot, sent by this process: crisis
  help never depends on the action server;
- anything else gets a short apology with the clinic's phone number (and the
  check-in's 988 line when the guard was unsure).

Action calls time out after ACTION_TIMEOUT_SECONDS (default 10) instead of
Rasa's 300 s, so a frozen action server costs a visitor seconds, not minutes.
Logs name the failure, never the message text.
"""
from __future__ import annotations

import logging
import os
import re
from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import OutputChannel, UserMessage

from components import speedups  # importing patches nothing; installed at server start below
from components.speedups import gc_freeze, keepalive

logger = logging.getLogger(__name__)

SENDER_ID = re.compile(r"[A-Za-z0-9_-]{8,128}")  # whole string: fullmatch below, never `$`
FALLBACK_TEXT = (
    "Sorry, something went wrong on our side. Please try again in a moment, "
    "or contact the clinic. If you are thinking about suicide, call or text 988. "
    "In an emergency, call 911."
)  # used only if content/ itself cannot be read
# a reply that carries the help line counts as that help having been given
HELP_LINE = {"crisis": re.compile(r"\b988\b"), "emergency": re.compile(r"\b911\b")}


def apply_action_timeout() -> None:
    """Rasa 3.6 waits up to 300 s for a custom action; wait ACTION_TIMEOUT_SECONDS."""
    import rasa.core.actions.action as rasa_action

    from assistant.settings import Settings

    rasa_action.DEFAULT_REQUEST_TIMEOUT = Settings.from_env(os.environ).action_timeout_seconds


def manage_server_lifetime(blueprint: Any) -> None:
    """Start-up and shut-down work for the Rasa server (see components/speedups/).

    The speed fixes are installed here, in the Rasa server only, before the
    model is loaded; `rasa train` and other tools run Rasa's own code.
    """

    @blueprint.listener("before_server_start")
    async def _install_speedups(*_: Any) -> None:
        speedups.install_all()  # idempotent: both channels call it
        apply_action_timeout()

    @blueprint.listener("after_server_start")
    async def _freeze(*_: Any) -> None:
        gc_freeze.freeze_loaded_objects()

    @blueprint.listener("after_server_stop")
    async def _close(*_: Any) -> None:
        await keepalive.close_sessions()


def allowed_origins() -> list:
    """Browser origins allowed to talk to the server (ALLOWED_ORIGINS, space or comma separated)."""
    raw = os.environ.get("ALLOWED_ORIGINS", "http://localhost:8080 http://127.0.0.1:8080")
    return [o for o in re.split(r"[\s,]+", raw) if o]


def valid_sender(sender: Any) -> bool:
    return isinstance(sender, str) and bool(SENDER_ID.fullmatch(sender))


class CountingOutputChannel(OutputChannel):
    """Wraps an output channel and counts the bot messages sent through it."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.sent = 0
        self.texts: list = []

    @classmethod
    def name(cls) -> Text:
        return "counting"

    def __getattr__(self, item: str) -> Any:
        return getattr(self.inner, item)


def _counted(method: str) -> Callable[..., Awaitable[None]]:
    async def send(self: CountingOutputChannel, *args: Any, **kwargs: Any) -> None:
        self.sent += 1
        for value in list(args[1:]) + list(kwargs.values()):
            if isinstance(value, str):
                self.texts.append(value)
            elif isinstance(value, dict) and isinstance(value.get("text"), str):
                self.texts.append(value["text"])
        await getattr(self.inner, method)(*args, **kwargs)

    send.__name__ = method
    return send


for _method in ("send_response", "send_text_message", "send_image_url", "send_attachment",
                "send_text_with_buttons", "send_quick_replies", "send_elements", "send_custom_json"):
    setattr(CountingOutputChannel, _method, _counted(_method))


def apology_text(kind: Any = None, text: Any = None) -> str:
    """The reply when handling failed: the crisis or emergency reply for those, else the apology.

    In Spanish when the visitor's message is clearly Spanish (issue 14): 988 with "oprima 2" and
    AYUDA, and 911, from content/es/.
    """
    try:
        from actions.checkin import section_template
        from assistant.content import get_content

        content = get_content()
        content = content.in_language(_language_of(text))
        if kind in HELP_LINE:
            return content.render(section_template(content, kind)) or FALLBACK_TEXT
        text = content.render(content.message("action_error").get("text"))
        if kind == "checkin":
            text += "\n\n" + content.render(content.message("safety_line").get("text"))
        return text or FALLBACK_TEXT
    except Exception:  # content unreadable: the hard-coded last resort above
        return FALLBACK_TEXT


def _language_of(text: Any) -> str:
    """ "es" for a clearly Spanish message, else "en" (never fails: the safety net must answer)."""
    if not isinstance(text, str) or not text.strip():
        return "en"
    try:
        from assistant.language import detect

        found = detect(text[:2000])
        return "es" if found.language == "es" else "en"
    except Exception as exc:
        logger.error("language check unavailable: %s", type(exc).__name__)
        return "en"


def _safety_kind(text: Any) -> Any:
    try:
        from components.message_guard import decision_for

        return decision_for(text)
    except Exception as exc:  # never let the safety net itself fail
        logger.error("safety decision unavailable: %s", type(exc).__name__)
        return None


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
    kind = _safety_kind(message.text)
    help_line = HELP_LINE.get(kind)
    if help_line is not None and not any(help_line.search(t) for t in counter.texts):
        # the crisis/emergency reply did not go out (action server down, slow or failing)
        logger.error("safety reply sent by the Rasa server itself (%s)", kind)
        await counter.inner.send_response(message.sender_id, {"text": apology_text(kind, message.text)})
    elif counter.sent == 0:
        await counter.inner.send_response(message.sender_id, {"text": apology_text(kind, message.text)})
