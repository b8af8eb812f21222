"""The safety check-in: asked once, answered by the very next message."""
from __future__ import annotations

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.checkin import SLOT, checkin_answer, pending_checkin
from actions.replies import ActionReply
from actions.respond_safety import ActionRespondSafety
from tests.unit.helpers import DOMAIN


def _tracker(events, intent, text="", safety=None, topics=None, active_loop=None):
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "safety": safety or {},
              "topics": topics or []}
    slots = {s: None for s in DOMAIN["slots"]}
    return Tracker("test-sender-1234", slots, latest, events, False, None, active_loop or {}, "action_listen")


def _user(text="x"):
    return {"event": "user", "text": text}


ASKED = [_user("first"), {"event": "slot", "name": SLOT, "value": ["cost"]}, {"event": "bot"}, _user("no")]


def test_a_checkin_in_the_last_bot_turn_is_pending():
    assert pending_checkin(_tracker(ASKED, "deny")) == ["cost"]
    assert checkin_answer(_tracker(ASKED, "deny"), "deny") == "no"
    assert checkin_answer(_tracker(ASKED, "affirm"), "affirm") == "yes"
    assert checkin_answer(_tracker(ASKED, "not_sure"), "not_sure") == "yes"


def test_only_the_very_next_message_answers_it():
    later = ASKED + [{"event": "bot"}, _user("no")]
    assert pending_checkin(_tracker(later, "deny")) is None
    assert checkin_answer(_tracker(ASKED, "faq_cost"), "faq_cost") is None


def test_the_checkin_is_asked_with_988():
    dispatcher = CollectingDispatcher()
    tracker = _tracker([_user()], "safety_checkin", "hmm", {"kind": "checkin", "source": "model"})
    events = asyncio.run(ActionRespondSafety().run(dispatcher, tracker, DOMAIN))
    assert "988" in dispatcher.messages[0]["text"]
    assert [b["title"] for b in dispatcher.messages[0]["buttons"]] == ["Yes", "No"]
    assert events == [{"event": "slot", "timestamp": None, "name": SLOT, "value": []}]


def test_a_question_in_the_same_message_is_answered_first_then_the_checkin_is_asked():
    dispatcher = CollectingDispatcher()
    tracker = _tracker([_user()], "safety_checkin", "hmm", {"kind": "checkin", "source": "model"}, ["cost"])
    events = asyncio.run(ActionRespondSafety().run(dispatcher, tracker, DOMAIN))
    assert "cost" in dispatcher.messages[0]["text"].lower() or "pricing" in dispatcher.messages[0]["text"]
    assert "988" in dispatcher.messages[-1]["text"]
    assert [b["title"] for b in dispatcher.messages[-1]["buttons"]] == ["Yes", "No"]  # the last message asks
    assert events == [{"event": "slot", "timestamp": None, "name": SLOT, "value": []}]  # nothing left to answer


def test_no_thanks_them_and_answers_what_they_asked():
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionReply().run(dispatcher, _tracker(ASKED, "deny", "no"), DOMAIN))
    texts = [m["text"] for m in dispatcher.messages]
    assert "Thank you for telling me" in texts[0]
    assert "pricing" in texts[1] or "cost" in texts[1].lower()


def test_yes_gets_the_crisis_reply_and_ends_the_prescreen():
    dispatcher = CollectingDispatcher()
    tracker = _tracker(ASKED, "affirm", "yes", active_loop={"name": "prescreen_form"})
    events = asyncio.run(ActionReply().run(dispatcher, tracker, {}))
    assert "988lifeline.org" in dispatcher.messages[0]["text"]
    assert {"event": "active_loop", "timestamp": None, "name": None} in events
