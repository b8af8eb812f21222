"""The pre-screen's Rasa glue: which answers it takes, when it lets rules answer."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.prescreen.form import ActionSubmitPrescreen, AskPrescreenQuestion, ValidatePrescreenForm, ASK_ACTIONS
from tests.unit.helpers import ACTION_NAMES, DOMAIN


def tracker(slots: Dict[str, Any], text: str, intent: str = "inform", active: bool = True,
            extra_events: Optional[List[Dict[str, Any]]] = None, opening: str = "am I a candidate?") -> Tracker:
    events: List[Dict[str, Any]] = [
        {"event": "user", "text": opening, "parse_data": {"intent": {"name": "start_prescreen"}}},
        {"event": "active_loop", "name": "prescreen_form"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": {"intent": {"name": intent, "confidence": 0.9}}},
    ] + (extra_events or [])
    all_slots = {s: None for s in DOMAIN["slots"]}
    all_slots.update(slots)
    return Tracker(
        sender_id="unit-test-0001", slots=all_slots,
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.9}},
        events=events, paused=False, followup_action=None,
        active_loop={"name": "prescreen_form"} if active else {}, latest_action_name="prescreen_form",
    )


async def validate(t: Tracker) -> tuple:
    dispatcher = CollectingDispatcher()
    events = await ValidatePrescreenForm().run(dispatcher, t, DOMAIN)
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}, dispatcher.messages


async def test_consent_yes_moves_to_the_cause_question() -> None:
    sets, _ = await validate(tracker({"requested_slot": "ps_consent"}, "yes", "affirm"))
    assert sets == {"ps_consent": "yes", "requested_slot": "ps_type"}


async def test_consent_yes_fills_facts_from_the_opening_message() -> None:
    t = tracker({"requested_slot": "ps_consent"}, "sure", "affirm",
                opening="I've had diabetic neuropathy for five years, can I do this?")
    sets, _ = await validate(t)
    assert sets["ps_type"] == "diabetic" and sets["ps_duration"] == 5.0
    assert sets["requested_slot"] == "ps_diagnosis"


async def test_no_consent_collects_nothing_and_ends() -> None:
    t = tracker({"requested_slot": "ps_consent"}, "no, I'm on chemo right now", "deny")
    sets, _ = await validate(t)
    assert sets == {"ps_consent": "no", "requested_slot": None}


async def test_unreadable_a1c_is_reasked_with_an_example() -> None:
    t = tracker({"requested_slot": "ps_a1c", "ps_consent": "yes", "ps_type": "diabetic"}, "150", "inform")
    sets, messages = await validate(t)
    assert sets == {"ps_a1c": None, "requested_slot": "ps_a1c"}
    assert messages and "7.5" in messages[0]["text"]


@pytest.mark.parametrize("intent", ["crisis", "emergency", "stop", "start_over", "forget_me"])
async def test_exit_intents_are_left_to_the_rules(intent: str) -> None:
    t = tracker({"requested_slot": "ps_infection", "ps_consent": "yes"}, "no. I want to die", intent)
    sets, messages = await validate(t)
    assert sets == {} and messages == []


async def test_a_question_mid_form_is_left_to_the_rules() -> None:
    t = tracker({"requested_slot": "ps_type", "ps_consent": "yes"}, "how many sessions will I need?", "faq_sessions")
    assert await validate(t) == ({}, [])


async def test_an_answer_that_looks_like_a_question_is_still_taken() -> None:
    t = tracker({"requested_slot": "ps_type", "ps_consent": "yes"}, "diabetic neuropathy", "faq_approach_diabetic")
    sets, _ = await validate(t)
    assert sets["ps_type"] == "diabetic" and sets["ps_diabetes"] == "yes"


async def test_resuming_after_an_interruption_only_asks_again() -> None:
    t = tracker({"requested_slot": "ps_type", "ps_consent": "yes"}, "how many sessions", "faq_sessions",
                extra_events=[{"event": "action", "name": "action_answer_faq"}])
    assert await validate(t) == ({"requested_slot": "ps_type"}, [])


async def test_volunteered_facts_fill_other_questions() -> None:
    t = tracker({"requested_slot": "ps_chemo_active", "ps_consent": "yes", "ps_type": "chemo",
                 "ps_diagnosis": "yes", "ps_duration": 2.0}, "no, I finished chemo in March and I have no infections")
    sets, _ = await validate(t)
    assert sets["ps_chemo_active"] == "no" and sets["ps_infection"] == "no"
    assert sets["requested_slot"] == "ps_cancer"


def test_every_question_has_an_ask_action_in_the_domain() -> None:
    names = {a().name() for a in ASK_ACTIONS}
    assert names <= ACTION_NAMES
    assert {f"action_ask_{s}" for s in DOMAIN["slots"] if s.startswith("ps_")} == names


async def test_consent_question_mentions_an_exclusion_named_in_the_opening() -> None:
    t = tracker({}, "I'm halfway through my chemo cycles, could I start this now?", "start_prescreen")
    dispatcher = CollectingDispatcher()
    ask = next(a for a in ASK_ACTIONS if a.slot == "ps_consent")()
    await ask.run(dispatcher, t, DOMAIN)
    texts = " ".join(m["text"] for m in dispatcher.messages)
    assert "chemo" in texts.lower() and "shall we start" in texts.lower()


async def test_submit_never_gives_a_verdict_and_clears_answers() -> None:
    answers = {"ps_consent": "yes", "ps_type": "diabetic", "ps_diabetes": "yes", "ps_diagnosis": "yes",
               "ps_duration": 4.0, "ps_chemo_active": "no", "ps_infection": "no", "ps_cancer": "no",
               "ps_a1c": 7.2, "ps_a1c_plan": "yes"}
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitPrescreen().run(dispatcher, tracker(answers, "yes", active=False), DOMAIN)
    text = " ".join(m["text"] for m in dispatcher.messages).lower()
    assert "may be a candidate" in text and "eligible" not in text and "approved" not in text
    assert any(b.get("url") for m in dispatcher.messages for b in m.get("buttons", []))
    assert all(e["value"] is None for e in events if e["event"] == "slot")
    assert {e["name"] for e in events if e["event"] == "slot"} >= set(answers)


async def test_facts_from_a_message_just_before_the_prescreen_are_used_after_consent() -> None:
    events = [
        {"event": "user", "text": "I've had diabetic neuropathy for five years", "parse_data": {"intent": {"name": "inform"}}},
        {"event": "action", "name": "action_reply"},
        {"event": "user", "text": "/start_prescreen", "parse_data": {"intent": {"name": "start_prescreen"}}},
    ]
    t = tracker({"requested_slot": "ps_consent"}, "yes", "affirm", opening="hello")
    t.events = events + t.events[1:]
    sets, _ = await validate(t)
    assert sets["ps_type"] == "diabetic" and sets["ps_duration"] == 5.0


async def test_answers_from_an_earlier_prescreen_are_not_reused() -> None:
    events = [
        {"event": "user", "text": "my a1c was 11", "parse_data": {"intent": {"name": "inform"}}},
        {"event": "active_loop", "name": None},
        {"event": "user", "text": "am I a candidate?", "parse_data": {"intent": {"name": "start_prescreen"}}},
    ]
    t = tracker({"requested_slot": "ps_consent"}, "yes", "affirm", opening="hello")
    t.events = events + t.events[1:]
    sets, _ = await validate(t)
    assert "ps_a1c" not in sets


async def test_an_unsure_stop_does_not_end_the_prescreen() -> None:
    t = tracker({"requested_slot": "ps_a1c", "ps_consent": "yes", "ps_type": "diabetic"}, "qwertyuiop", "stop")
    t.latest_message["intent"]["confidence"] = 0.33
    sets, messages = await validate(t)
    assert sets == {"ps_a1c": None, "requested_slot": "ps_a1c"} and messages
