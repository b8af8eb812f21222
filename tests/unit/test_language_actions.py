"""The conversation's language in the actions (actions/language.py, issue 14)."""
from __future__ import annotations

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.faq import ActionAnswerFaq
from actions.language import changed_this_turn, conversation_language, turn_content
from actions.replies import ActionReply
from tests.unit.helpers import DOMAIN


def _tracker(events, intent, text="", language=None, detected=None, topics=None):
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "topics": topics or [],
              "language": {"code": detected, "confident": detected is not None}}
    slots = {s: None for s in DOMAIN["slots"]}
    slots["language"] = language
    return Tracker("test-sender-1234", slots, latest, events, False, None, {}, "action_listen")


def _user(text="x"):
    return {"event": "user", "text": text}


def _slot(value):
    return {"event": "slot", "name": "language", "value": value}


def _markers(dispatcher):
    return [m["custom"]["data"] for m in dispatcher.messages if (m.get("custom") or {}).get("data")]


def test_language_comes_from_the_slot_then_the_message_then_english():
    assert conversation_language(_tracker([], "greet", language="es")) == "es"
    assert conversation_language(_tracker([], "greet", detected="es")) == "es"
    assert conversation_language(_tracker([], "greet", detected="fr")) == "en"
    assert conversation_language(_tracker([], "greet")) == "en"


def test_a_change_is_seen_once_in_its_turn():
    events = [_user("hola"), _slot("es")]
    assert changed_this_turn(_tracker(events, "greet", language="es")) == (None, "es")
    later = events + [{"event": "bot"}, _user("ok")]
    assert changed_this_turn(_tracker(later, "affirm", language="es")) is None
    assert changed_this_turn(_tracker([_user("hi")], "greet")) is None  # English from the start


def test_the_first_spanish_reply_is_marked_and_in_spanish():
    tracker = _tracker([_user("cuanto cuesta"), _slot("es")], "faq_cost", text="cuanto cuesta",
                       language="es", topics=["cost"])
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionAnswerFaq().run(dispatcher, tracker, DOMAIN))
    assert _markers(dispatcher) == [{"kind": "language", "language": "es"}]
    assert "precio" in dispatcher.messages[-1]["text"]


def test_writing_in_the_other_language_asks_whether_to_continue_in_it():
    events = [_user("hi"), _slot("en"), {"event": "bot"}, _user("cuanto cuesta"), _slot("es")]
    tracker = _tracker(events, "faq_cost", text="cuanto cuesta", language="es", topics=["cost"])
    dispatcher = CollectingDispatcher()
    content = turn_content(dispatcher, tracker)
    assert content.language == "es"
    texts = [m.get("text") for m in dispatcher.messages]
    assert "¿Prefiere que sigamos en español?" in texts
    titles = [b["title"] for m in dispatcher.messages for b in m.get("buttons") or []]
    assert titles == ["Sí, en español", "Continue in English"]


def test_a_request_switches_without_asking_and_greets_in_the_new_language():
    events = [_user("hi"), _slot("en"), {"event": "bot"}, _user("Español"), _slot("es")]
    tracker = _tracker(events, "switch_language", text="Español", language="es")
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionReply().run(dispatcher, tracker, DOMAIN))
    texts = [m.get("text") or "" for m in dispatcher.messages]
    assert "Muy bien, sigamos en español." in texts
    assert any(t.startswith("¡Hola!") for t in texts)
    assert not any("Prefiere" in t for t in texts)


def test_the_servers_own_safety_reply_is_in_spanish_for_a_spanish_message():
    from channels.guard import apology_text

    crisis = apology_text("crisis", "ya no quiero vivir, estoy pensando en quitarme la vida")
    assert "988" in crisis and "AYUDA" in crisis and "911" in crisis
    assert "911" in apology_text("emergency", "tengo un dolor muy fuerte en el pecho y no puedo respirar")
    assert "988" in apology_text("crisis", "I want to end my life") and "AYUDA" not in apology_text(
        "crisis", "I want to end my life")
    assert apology_text(None, None)  # never empty
