"""Typed slash commands are text.

Rasa reads a message that starts with "/" as an intent (and entities) without
running NLU: "/restart", "/session_start" or '/inform{"ps_consent": "yes"}'
typed by a visitor would run Rasa's internal actions, set slots directly, or be
logged word for word. Here a "/..." message is passed on as a command only when
it is one of the button payloads the bot offered to that visitor (recorded
from the outgoing buttons, per sender, in bounded memory); anything else has
its leading slashes removed and goes through NLU as ordinary text.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Dict, Iterable, Optional, Set, Text

from rasa.core.channels.channel import OutputChannel

MAX_SENDERS = 20_000
MAX_PAYLOADS = 64


class OfferedPayloads:
    """The button payloads offered to each sender (LRU over senders, bounded per sender)."""

    def __init__(self, max_senders: int = MAX_SENDERS, max_payloads: int = MAX_PAYLOADS) -> None:
        self.max_senders = max_senders
        self.max_payloads = max_payloads
        self._offers: "OrderedDict[str, OrderedDict[str, None]]" = OrderedDict()
        self._lock = threading.Lock()

    def offer(self, sender: str, payloads: Iterable[str]) -> None:
        with self._lock:
            offered = self._offers.get(sender)
            if offered is None:
                offered = self._offers[sender] = OrderedDict()
            for payload in payloads:
                if isinstance(payload, str) and payload.startswith("/"):
                    offered[payload] = None
                    offered.move_to_end(payload)
            while len(offered) > self.max_payloads:
                offered.popitem(last=False)
            self._offers.move_to_end(sender)
            while len(self._offers) > self.max_senders:
                self._offers.popitem(last=False)

    def was_offered(self, sender: str, payload: str) -> bool:
        with self._lock:
            return payload in self._offers.get(sender, {})

    def forget(self, sender: str) -> None:
        with self._lock:
            self._offers.pop(sender, None)


OFFERED = OfferedPayloads()


def as_text(sender: str, text: Any, allowed: Optional[Set[str]] = None) -> Any:
    """The message as Rasa should see it: a command only if it was offered (or allowed)."""
    if not isinstance(text, str):
        return text
    stripped = text.strip()
    if not stripped.startswith("/"):
        return text
    if stripped in (allowed or ()) or OFFERED.was_offered(sender, stripped):
        return stripped
    plain = stripped.lstrip("/").strip()
    return plain


def _payloads(buttons: Any) -> Iterable[str]:
    if not isinstance(buttons, list):
        return []
    return [b.get("payload") for b in buttons if isinstance(b, dict) and isinstance(b.get("payload"), str)]


class OfferRecordingOutputChannel(OutputChannel):
    """Passes every message on unchanged, noting the button payloads offered to the recipient."""

    def __init__(self, inner: OutputChannel, sender: str) -> None:
        self.inner = inner
        self.sender = sender

    @classmethod
    def name(cls) -> Text:
        return "offer_recording"

    def __getattr__(self, item: str) -> Any:
        return getattr(self.inner, item)

    def _record(self, *button_lists: Any) -> None:
        payloads = [p for buttons in button_lists for p in _payloads(buttons)]
        if payloads:
            OFFERED.offer(self.sender, payloads)

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        if isinstance(message, dict):
            self._record(message.get("buttons"), message.get("quick_replies"))
        await self.inner.send_response(recipient_id, message)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.inner.send_text_message(recipient_id, text, **kwargs)

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: Any, **kwargs: Any) -> None:
        self._record(buttons)
        await self.inner.send_text_with_buttons(recipient_id, text, buttons, **kwargs)

    async def send_quick_replies(self, recipient_id: Text, text: Text, quick_replies: Any, **kwargs: Any) -> None:
        self._record(quick_replies)
        await self.inner.send_quick_replies(recipient_id, text, quick_replies, **kwargs)

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        await self.inner.send_image_url(recipient_id, image, **kwargs)

    async def send_attachment(self, recipient_id: Text, attachment: Text, **kwargs: Any) -> None:
        await self.inner.send_attachment(recipient_id, attachment, **kwargs)

    async def send_elements(self, recipient_id: Text, elements: Any, **kwargs: Any) -> None:
        await self.inner.send_elements(recipient_id, elements, **kwargs)

    async def send_custom_json(self, recipient_id: Text, json_message: Any, **kwargs: Any) -> None:
        if isinstance(json_message, dict):
            self._record(json_message.get("buttons"), json_message.get("quick_replies"))
        await self.inner.send_custom_json(recipient_id, json_message, **kwargs)
