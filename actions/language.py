"""The conversation's language in the actions: which content to answer from, and telling the widget.

The `language` slot is filled by Rasa from MessageGuard's `language` entity
(a message clearly in English or Spanish, or a request such as "Español");
short or mixed messages leave it as it was. Until it is set, the language of
the latest message is used when it looks like English or Spanish, else English.

When the language changes, the first action of the turn sends a custom
message `{"kind": "language", "language": "es"}` before its replies (REST:
under `custom.data`; socket.io: the `bot_uttered` payload): the widget then
sets its labels and the `lang` of the messages that follow. When the change
came from the visitor's writing rather than a request, that action also asks
whether to continue in the new language (messages.yml `language_offer`, with
buttons for both languages).
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from assistant.content import Content, get_content
from assistant.language import DEFAULT, SUPPORTED

SLOT = "language"
MARKER = "language"


def conversation_language(tracker: Tracker) -> str:
    value = tracker.get_slot(SLOT)
    if value in SUPPORTED:
        return str(value)
    detected = ((tracker.latest_message or {}).get("language") or {}).get("code")
    return detected if detected in SUPPORTED else DEFAULT


def content_for(tracker: Tracker) -> Content:
    """The content in the conversation's language (content/es/ over the English files for Spanish)."""
    return get_content().in_language(conversation_language(tracker))


def _turn_events(tracker: Tracker) -> list:
    events = list(tracker.events or [])
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    return events[last_user + 1:] if last_user >= 0 else []


def _previous_language(tracker: Tracker) -> Optional[str]:
    """The slot's value before this turn (None if it was never set)."""
    events = list(tracker.events or [])
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    value = None
    for e in events[:max(last_user, 0)]:
        if e.get("event") == "slot" and e.get("name") == SLOT:
            value = e.get("value")
        elif e.get("event") in ("restart", "reset_slots", "session_started"):
            value = None
    return value


def changed_this_turn(tracker: Tracker) -> Optional[Tuple[Optional[str], str]]:
    """(before, now) when the conversation's language changed with the latest message, else None."""
    now = conversation_language(tracker)
    before = _previous_language(tracker)
    if before == now or (before is None and now == DEFAULT):
        return None
    return before, now


def _marker_sent(tracker: Tracker) -> bool:
    for e in _turn_events(tracker):
        if e.get("event") == "bot":
            data = e.get("data") or {}
            custom = data.get("custom") or {}
            if isinstance(custom, dict) and (custom.get("data") or {}).get("kind") == MARKER:
                return True
    return False


def turn_content(dispatcher: CollectingDispatcher, tracker: Tracker) -> Content:
    """The content to answer from; on a language change, first tells the widget (and offers to switch back)."""
    content = content_for(tracker)
    change = changed_this_turn(tracker)
    if change is None or _marker_sent(tracker) or any(_is_marker(m) for m in dispatcher.messages):
        return content
    before, now = change
    dispatcher.utter_message(json_message={"data": {"kind": MARKER, "language": now}})
    intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
    if before is not None and intent != "switch_language":
        # the visitor wrote in the other language: confirm, with a way back
        offer = content.message("language_offer")
        if offer.get("text"):
            dispatcher.utter_message(text=content.render(offer["text"]), buttons=content.buttons(offer.get("buttons")))
    return content


def _is_marker(message: Dict[str, Any]) -> bool:
    custom = message.get("custom") or {}
    return isinstance(custom, dict) and (custom.get("data") or {}).get("kind") == MARKER
