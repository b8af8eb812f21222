"""Saying yes to the bot's own offer (actions/prescreen/offer.py)."""
from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from assistant.content import get_content
from actions.prescreen.offer import accept_offer, offered_payload


def tracker(bot_buttons: List[Dict[str, Any]], bot_text: str = "Would you like to take a short pre-screen?",
            reply: str = "yes please") -> Tracker:
    events = [
        {"event": "user", "text": "should I get this?", "parse_data": {"intent": {"name": "ask_medical_advice"}}},
        {"event": "bot", "text": bot_text, "data": {"buttons": bot_buttons}},
        {"event": "user", "text": reply, "parse_data": {"intent": {"name": "affirm"}}},
    ]
    return Tracker("unit-test-offer", {}, {"text": reply, "intent": {"name": "affirm"}}, events, False, None, {},
                   "action_listen")


def test_one_offered_thing_is_the_offer():
    assert offered_payload(tracker([{"title": "Am I a candidate?", "payload": "/start_prescreen"}])) == "/start_prescreen"
    assert offered_payload(tracker([{"title": "Contact the clinic", "payload": "/ask_human"}])) == "/ask_human"


def test_a_menu_is_not_an_offer_but_a_named_pre_screen_is():
    menu = [{"title": t, "payload": f"/faq_{t}"} for t in ("a", "b", "c")] + [
        {"title": "Am I a candidate?", "payload": "/start_prescreen"}]
    assert offered_payload(tracker(menu, "Here is what I can do.")) is None
    pair = [{"title": "Start the pre-screen again", "payload": "/start_prescreen"},
            {"title": "Contact the clinic", "payload": "/ask_human"}]
    assert offered_payload(tracker(pair, "If you like, we can start the pre-screen again.")) == "/start_prescreen"
    assert offered_payload(tracker([{"title": "Begin", "url": "https://x", "payload": "https://x"}])) is None


def test_accepting_the_pre_screen_starts_the_form():
    events = accept_offer(CollectingDispatcher(), get_content(),
                          tracker([{"title": "Am I a candidate?", "payload": "/start_prescreen"}]))
    assert events == [{"event": "followup", "timestamp": None, "name": "prescreen_form"}]


def test_accepting_contact_gives_the_contact_details_and_nothing_offered_is_none():
    dispatcher = CollectingDispatcher()
    assert accept_offer(dispatcher, get_content(), tracker([{"title": "Contact", "payload": "/ask_human"}])) == []
    assert dispatcher.messages and dispatcher.messages[0]["text"]
    assert accept_offer(CollectingDispatcher(), get_content(), tracker([])) is None
