"""The safety check-in: a direct question when a crisis signal is real but uncertain.

MessageGuard sets ``safety_checkin`` when the risk model is unsure; the
safety action then asks "are you having thoughts of ending your life?" (with
988 in the same message) and remembers the FAQ topics of that message in the
``checkin_topics`` slot. The visitor's very next message answers it:

- yes (or "not sure") -> the crisis reply, and the pre-screen (if any) ends;
- no -> thanks (what they had asked was answered just before the question).

Anything else (a question, a new topic) is handled as usual: the check-in is
only read from the message right after it.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import reply
from assistant import contract
from assistant.content import Content

SLOT = contract.CHECKIN_SLOT
ANSWER_INTENTS = {"affirm": "yes", "not_sure": "yes", "deny": "no"}


def pending_checkin(tracker: Tracker) -> Optional[List[str]]:
    """The topics of a check-in asked in the bot's last turn, or None if none was asked."""
    events = tracker.events or []
    users = [i for i, e in enumerate(events) if e.get("event") == "user"]
    if len(users) < 2:
        return None
    for event in events[users[-2] + 1: users[-1]]:
        if event.get("event") == "slot" and event.get("name") == SLOT:
            value = event.get("value")
            return list(value) if isinstance(value, list) else []
    return None


def checkin_answer(tracker: Tracker, intent: str) -> Optional[str]:
    """'yes' or 'no' when the latest message answers a pending check-in, else None."""
    if intent not in ANSWER_INTENTS or pending_checkin(tracker) is None:
        return None
    return ANSWER_INTENTS[intent]


def ask_checkin(dispatcher: CollectingDispatcher, content: Content, topics: List[str],
                answer_topics: Any = None) -> List[EventType]:
    """Ask the check-in. When the message also asked FAQ questions, their answers come first and the
    check-in question last (its Yes / No buttons answer it); "no" then only thanks them. Without
    ``answer_topics`` the topics are remembered and answered after "no"."""
    if topics and answer_topics is not None and answer_topics(dispatcher, content, topics):
        reply(dispatcher, content, "safety_checkin")
        return [SlotSet(SLOT, [])]
    reply(dispatcher, content, "safety_checkin")
    return [SlotSet(SLOT, list(topics))]


def section_template(content: Content, kind: str) -> str:
    """The general reply of a safety.yml section ("crisis", "emergency", ...)."""
    section = content.safety.get(kind) or {}
    if section.get("message"):
        return str(section["message"])
    return next((str(c["message"]) for c in section.get("categories") or [] if c.get("message")), "")


def answer_checkin(dispatcher: CollectingDispatcher, content: Content, tracker: Tracker, answer: str,
                   answer_topics: Any) -> List[EventType]:
    """Reply to the check-in answer; ``answer_topics`` sends the FAQ answers (see actions.faq)."""
    topics = pending_checkin(tracker) or []
    if answer == "yes":
        dispatcher.utter_message(text=content.render(section_template(content, "crisis")))
        return [SlotSet(SLOT, None)]
    reply(dispatcher, content, "checkin_declined")
    if topics:
        answer_topics(dispatcher, content, topics, personal=False)
    return [SlotSet(SLOT, None)]
