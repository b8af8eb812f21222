"""Saying yes to the bot's own offer: "yes please", "ok let's do it" does what was offered.

The offer is read from the bot's last reply (the events since the visitor's message before
this one): its buttons that start something (an intent or an FAQ topic), not links. A reply
that offers one thing (the pre-screen, "Contact the clinic", one topic), or that names the
pre-screen among its buttons in its text ("I can help you take a short pre-screen"), is an
offer; a menu of several topics is not (the help menu stays the answer to a bare "yes").

`offered_payload(tracker)` -> "/start_prescreen", "/ask_human", "/faq_<id>" or None.
`accept_offer(dispatcher, content, tracker)` -> the events that do it, or None when nothing
was offered. Wiring (outside this package): the reply to `affirm` calls `accept_offer` first
(actions/replies.py ActionReply), see docs/ARCHITECTURE.md, "Pre-screen".
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher

START = "/start_prescreen"
_MENTIONS_PRESCREEN = re.compile(r"\bpre-?screen\b", re.I)


def _last_bot_messages(tracker: Tracker) -> List[Dict[str, Any]]:
    events = tracker.events or []
    users = [i for i, e in enumerate(events) if e.get("event") == "user"]
    if len(users) < 2:
        return []
    return [e for e in events[users[-2] + 1: users[-1]] if e.get("event") == "bot"]


def offered_payload(tracker: Tracker) -> Optional[str]:
    """What the bot's last reply offered, when it offered one thing."""
    messages = _last_bot_messages(tracker)
    payloads: List[str] = []
    for message in messages:
        for button in (message.get("data") or {}).get("buttons") or []:
            payload = button.get("payload") if isinstance(button, dict) else None
            if isinstance(payload, str) and payload.startswith("/") and not button.get("url"):
                payloads.append(payload)
    payloads = list(dict.fromkeys(payloads))
    if len(payloads) == 1:
        return payloads[0]
    text = " ".join(str(m.get("text") or "") for m in messages)
    if START in payloads and _MENTIONS_PRESCREEN.search(text) and len(payloads) <= 2:
        return START  # "If you like, we can start the pre-screen again. Or you can contact ..."
    return None


def accept_offer(dispatcher: CollectingDispatcher, content: Any, tracker: Tracker) -> Optional[List[EventType]]:
    """Do what the bot's last reply offered; None when it offered nothing (or several things)."""
    payload = offered_payload(tracker)
    if payload == START:
        return [FollowupAction("prescreen_form")]
    if payload == "/ask_human":
        message = content.message("contact")
        dispatcher.utter_message(text=content.render(message.get("text")), buttons=content.buttons(message.get("buttons")))
        return []
    if payload and payload.startswith("/faq_"):
        from actions.faq import answer_topics  # deferred: actions.faq imports actions.replies

        if answer_topics(dispatcher, content, [payload[len("/faq_"):]]):
            return []
    return None
