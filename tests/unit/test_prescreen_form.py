"""The pre-screen's Rasa glue: which answers it takes, what it says before asking again, the check
before the result, and when it lets the rules answer."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.prescreen.form import (
    ASK_ACTIONS, ActionSubmitPrescreen, AskPrescreenConfirm, ValidatePrescreenForm, opening_texts,
)
from tests.unit.helpers import ACTION_NAMES, DOMAIN

DIABETIC = {"ps_consent": "yes", "ps_type": "diabetic", "ps_diabetes": "yes", "ps_diagnosis": "yes",
            "ps_duration": 4.0, "ps_chemo_active": "no", "ps_infection": "no", "ps_cancer": "no",
            "ps_a1c": 7.2, "ps_a1c_plan": "yes"}


def tracker(slots: Dict[str, Any], text: str, intent: str = "inform", active: bool = True,
            extra_events: Optional[List[Dict[str, Any]]] = None, opening: str = "am I a candidate?",
            confidence: float = 0.9) -> Tracker:
    events: List[Dict[str, Any]] = [
        {"event": "user", "text": opening, "parse_data": {"intent": {"name": "start_prescreen"}}},
        {"event": "active_loop", "name": "prescreen_form"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": {"intent": {"name": intent, "confidence": confidence}}},
    ] + (extra_events or [])
    all_slots = {s: None for s in DOMAIN["slots"]}
    all_slots.update(slots)
    return Tracker(
        sender_id="unit-test-0001", slots=all_slots,
        latest_message={"text": text, "intent": {"name": intent, "confidence": confidence}},
        events=events, paused=False, followup_action=None,
        active_loop={"name": "prescreen_form"} if active else {}, latest_action_name="prescreen_form",
    )


async def validate(t: Tracker) -> tuple:
    dispatcher = CollectingDispatcher()
    events = await ValidatePrescreenForm().run(dispatcher, t, DOMAIN)
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}, dispatcher.messages


async def ask(slot: str, slots: Dict[str, Any], text: str = "x") -> List[Dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    action = AskPrescreenConfirm() if slot == "ps_confirm" else next(a for a in ASK_ACTIONS if a.slot == slot)()
    await action.run(dispatcher, tracker(slots, text), DOMAIN)
    return dispatcher.messages


def answers_only(sets: Dict[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in sets.items() if k not in ("ps_notes", "ps_prompt", "requested_slot")}


# ---------------------------------------------------------------------------------- consent


async def test_consent_yes_moves_to_the_cause_question() -> None:
    sets, messages = await validate(tracker({"requested_slot": "ps_consent"}, "yess", "affirm"))
    assert answers_only(sets) == {"ps_consent": "yes"} and sets["requested_slot"] == "ps_type"
    assert messages == []  # the validator never speaks: the question is asked once, by the ask action


async def test_consent_yes_fills_facts_from_the_opening_message_in_any_wording() -> None:
    t = tracker({"requested_slot": "ps_consent"}, "sure", "affirm",
                opening="I'm type 2 diabetic, had an EMG, about 5 years. Can I do this?")
    sets, _ = await validate(t)
    assert sets["ps_diabetes"] == "yes" and sets["ps_diagnosis"] == "yes" and sets["ps_duration"] == 5.0
    assert sets["requested_slot"] == "ps_type"  # the cause was not said; the rest is not asked again


async def test_facts_said_with_the_yes_are_kept() -> None:
    sets, _ = await validate(tracker({"requested_slot": "ps_consent"}, "yes. fyi I'm in the middle of chemo right now"))
    assert sets["ps_consent"] == "yes" and sets["ps_chemo_active"] == "yes"


async def test_no_consent_collects_nothing_and_ends() -> None:
    t = tracker({"requested_slot": "ps_consent"}, "no, I'm on chemo right now", "deny")
    sets, _ = await validate(t)
    assert answers_only(sets) == {"ps_consent": "no"} and sets["requested_slot"] is None


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


def test_opening_texts_leave_out_the_reply_being_read_and_commands() -> None:
    t = tracker({"requested_slot": "ps_consent"}, "yes", opening="I'm on chemo")
    assert opening_texts(t) == ["I'm on chemo"]


# ---------------------------------------------------------------------------------- one message per turn


async def test_unreadable_a1c_is_reasked_once_with_an_example() -> None:
    slots = {"requested_slot": "ps_a1c", "ps_consent": "yes", "ps_type": "diabetic", "ps_diabetes": "yes"}
    sets, messages = await validate(tracker(slots, "150"))
    assert sets == {"ps_prompt": "reask", "requested_slot": "ps_a1c"} and messages == []
    asked = await ask("ps_a1c", {**slots, **sets})
    assert len(asked) == 1 and "7.5" in asked[0]["text"] and asked[0]["buttons"]


async def test_unrelated_reply_gets_the_reask_and_records_nothing() -> None:
    slots = {"requested_slot": "ps_diabetes", "ps_consent": "yes", "ps_type": "other"}
    sets, _ = await validate(tracker(slots, "I had carpal tunnel surgery in 2019"))
    assert sets == {"ps_prompt": "reask", "requested_slot": "ps_diabetes"}


async def test_a_question_back_about_the_question_is_explained_and_asked_again() -> None:
    slots = {"requested_slot": "ps_diagnosis", "ps_consent": "yes", "ps_type": "idiopathic"}
    sets, _ = await validate(tracker(slots, "what is an EMG?", "faq_evaluation"))
    assert sets == {"ps_prompt": "explain", "requested_slot": "ps_diagnosis"}
    asked = await ask("ps_diagnosis", {**slots, **sets})
    assert len(asked) == 1
    text = asked[0]["text"]
    assert "needle" in text and text.rstrip().endswith("skin biopsy.")  # explanation, then the question


async def test_am_i_eligible_mid_form_says_the_result_comes_at_the_end() -> None:
    slots = {"requested_slot": "ps_duration", "ps_consent": "yes", "ps_type": "idiopathic", "ps_diagnosis": "yes"}
    sets, _ = await validate(tracker(slots, "so am I eligible?", "start_prescreen"))
    assert sets == {"ps_prompt": "result", "requested_slot": "ps_duration"}
    text = (await ask("ps_duration", {**slots, **sets}))[0]["text"]
    assert "decides" in text and "How long" in text and "eligible" not in text.lower()


async def test_an_faq_question_mid_form_is_left_to_the_rules() -> None:
    t = tracker({"requested_slot": "ps_type", "ps_consent": "yes"}, "how many sessions will I need?", "faq_sessions")
    assert await validate(t) == ({}, [])


async def test_an_faq_button_mid_form_is_left_to_the_rules() -> None:
    t = tracker({"requested_slot": "ps_infection", "ps_consent": "yes"}, "/faq_fda_status", "faq_fda_status")
    assert await validate(t) == ({}, [])


@pytest.mark.parametrize("intent", ["crisis", "emergency", "safety_checkin", "stop", "start_over", "forget_me"])
async def test_exit_intents_are_left_to_the_rules(intent: str) -> None:
    t = tracker({"requested_slot": "ps_infection", "ps_consent": "yes"}, "no. I want to die", intent)
    sets, messages = await validate(t)
    assert sets == {} and messages == []


async def test_a_medical_advice_question_gets_its_safety_reply_first() -> None:
    t = tracker({"requested_slot": "ps_a1c_plan", "ps_consent": "yes", "ps_diabetes": "yes"},
                "should I stop my metformin?", "ask_medical_advice")
    assert await validate(t) == ({}, [])


async def test_an_unsure_stop_does_not_end_the_prescreen() -> None:
    t = tracker({"requested_slot": "ps_a1c", "ps_consent": "yes", "ps_type": "diabetic"}, "qwertyuiop", "stop",
                confidence=0.33)
    sets, messages = await validate(t)
    assert sets == {"ps_prompt": "reask", "requested_slot": "ps_a1c"} and messages == []


async def test_resuming_after_an_interruption_only_asks_again() -> None:
    t = tracker({"requested_slot": "ps_type", "ps_consent": "yes"}, "how many sessions", "faq_sessions",
                extra_events=[{"event": "action", "name": "action_answer_faq"}])
    assert await validate(t) == ({"requested_slot": "ps_type"}, [])


# ---------------------------------------------------------------------------------- what is recorded


async def test_an_answer_that_looks_like_a_question_is_still_taken() -> None:
    t = tracker({"requested_slot": "ps_type", "ps_consent": "yes"}, "diabetic neuropathy", "faq_approach_diabetic")
    sets, _ = await validate(t)
    assert sets["ps_type"] == "diabetic" and sets["ps_diabetes"] == "yes"


async def test_another_fact_is_recorded_under_its_own_question_and_the_question_asked_again() -> None:
    slots = {"requested_slot": "ps_diagnosis", "ps_consent": "yes", "ps_type": "idiopathic"}
    sets, _ = await validate(tracker(slots, "actually wait, I had a UTI last week, I'm still on antibiotics"))
    assert answers_only(sets) == {"ps_infection": "yes"}
    assert sets["requested_slot"] == "ps_diagnosis" and sets["ps_prompt"] == "noted"
    text = (await ask("ps_diagnosis", {**slots, **sets}))[0]["text"]
    assert text.startswith("Thanks, I noted that.") and "nerve test" in text


async def test_a_correction_after_the_form_moved_on_changes_the_earlier_answer() -> None:
    slots = {"requested_slot": "ps_chemo_active", "ps_consent": "yes", "ps_type": "chemo", "ps_diagnosis": "yes",
             "ps_duration": 2.0, "ps_notes": {"last": "ps_duration"}}
    sets, _ = await validate(tracker(slots, "oops I meant 12 years not 2"))
    assert answers_only(sets) == {"ps_duration": 12.0}
    assert sets["requested_slot"] == "ps_chemo_active" and sets["ps_prompt"] == "changed"


async def test_i_meant_no_changes_the_answer_given_last() -> None:
    slots = {"requested_slot": "ps_infection", "ps_consent": "yes", "ps_type": "chemo", "ps_diagnosis": "yes",
             "ps_duration": 2.0, "ps_chemo_active": "yes", "ps_notes": {"last": "ps_chemo_active"}}
    sets, _ = await validate(tracker(slots, "I meant no"))
    assert answers_only(sets) == {"ps_chemo_active": "no"} and sets["requested_slot"] == "ps_infection"


async def test_a_hedge_is_kept_as_a_hedge() -> None:
    slots = {"requested_slot": "ps_diagnosis", "ps_consent": "yes", "ps_type": "idiopathic"}
    sets, _ = await validate(tracker(slots, "I think so?"))
    assert sets["ps_diagnosis"] == "unsure" and sets["ps_notes"]["said"]["ps_diagnosis"] == {"hedge": "yes"}


async def test_a_new_answer_replaces_how_the_old_one_was_said() -> None:
    slots = {"requested_slot": "ps_cancer", "ps_consent": "yes", "ps_infection": "unsure",
             "ps_notes": {"said": {"ps_infection": {"hedge": "yes"}}}}
    sets, _ = await validate(tracker(slots, "wait, I do have an infection"))
    assert sets["ps_infection"] == "yes" and "ps_infection" not in sets["ps_notes"]["said"]


# ---------------------------------------------------------------------------------- the check before the result


async def test_after_the_last_answer_the_list_is_checked_before_the_result() -> None:
    slots = {**DIABETIC, "requested_slot": "ps_a1c_plan"}
    slots.pop("ps_a1c_plan")
    sets, _ = await validate(tracker(slots, "yes"))
    assert sets["ps_a1c_plan"] == "yes" and sets["requested_slot"] == "ps_confirm"


async def test_the_check_lists_the_answers_in_plain_words_with_a_button_per_answer() -> None:
    slots = {**DIABETIC, "ps_diagnosis": "unsure", "ps_duration": "2-3", "ps_a1c": 8.0,
             "ps_notes": {"said": {"ps_diagnosis": {"hedge": "yes"}, "ps_a1c": {"approx": True}}}}
    messages = await ask("ps_confirm", slots)
    assert len(messages) == 1
    text, titles = messages[0]["text"], [b["title"] for b in messages[0]["buttons"]]
    assert "Is this right?" in text
    assert "- Confirmed by a nerve test: Probably yes, not sure" in text
    assert "- How long you have had symptoms: 2–3 years" in text and "- Latest A1c: About 8%" in text
    assert titles[0] == "Yes, that's right" and "Change: Nerve test" in titles and "Change: A1c" in titles
    assert all(len(t) <= 40 for t in titles)
    assert not any(word in text.lower() for word in ("summary", "intake", "copy", "your answers"))


async def test_yes_at_the_check_ends_the_questions() -> None:
    sets, _ = await validate(tracker({**DIABETIC, "requested_slot": "ps_confirm"}, "Yes, that's right", "affirm"))
    assert sets == {"ps_confirm": "yes", "ps_prompt": None, "requested_slot": None}


async def test_a_change_button_asks_that_question_again_then_the_check_comes_back() -> None:
    sets, _ = await validate(tracker({**DIABETIC, "requested_slot": "ps_confirm"}, "Change: Infection now"))
    assert sets["requested_slot"] == "ps_infection" and sets["ps_prompt"] == "fix"
    assert sets["ps_notes"]["fixing"] == "ps_infection"
    slots = {**DIABETIC, **sets}
    text = (await ask("ps_infection", slots))[0]["text"]
    assert text.startswith("Sure, let's fix that one.")
    sets, _ = await validate(tracker({**slots, "ps_prompt": None}, "yes, I'm on antibiotics for it"))
    assert sets["ps_infection"] == "yes" and sets["requested_slot"] == "ps_confirm"
    assert "fixing" not in sets["ps_notes"]


async def test_a_correction_typed_at_the_check_is_recorded_and_the_list_shown_again() -> None:
    sets, _ = await validate(tracker({**DIABETIC, "requested_slot": "ps_confirm"}, "it's 12 years not 4"))
    assert answers_only(sets) == {"ps_duration": 12.0} and sets["requested_slot"] == "ps_confirm"
    assert sets["ps_prompt"] == "changed"


async def test_a_no_at_the_check_asks_which_answer() -> None:
    sets, _ = await validate(tracker({**DIABETIC, "requested_slot": "ps_confirm"}, "no", "deny"))
    assert sets == {"ps_prompt": "which", "requested_slot": "ps_confirm"}


async def test_changing_diabetes_to_yes_at_the_check_asks_the_new_questions_first() -> None:
    slots = {"ps_consent": "yes", "ps_type": "idiopathic", "ps_diagnosis": "yes", "ps_duration": 3.0,
             "ps_chemo_active": "no", "ps_infection": "no", "ps_cancer": "no", "ps_diabetes": "no",
             "requested_slot": "ps_confirm"}
    sets, _ = await validate(tracker(slots, "sorry I meant yes to diabetes, type 2"))
    assert sets["ps_diabetes"] == "yes" and sets["requested_slot"] == "ps_a1c"


# ---------------------------------------------------------------------------------- result and summary


def test_every_question_has_an_ask_action_in_the_domain() -> None:
    names = {a().name() for a in ASK_ACTIONS} | {AskPrescreenConfirm().name()}
    assert names <= ACTION_NAMES
    from assistant.prescreen.values import SLOTS
    assert {f"action_ask_{s}" for s in SLOTS} | {"action_ask_ps_confirm"} == names
    assert {"ps_confirm", "ps_prompt", "ps_notes"} <= set(DOMAIN["slots"])
    assert set(DOMAIN["forms"]["prescreen_form"]["required_slots"]) == set(SLOTS)  # the answers only


async def test_consent_question_mentions_an_exclusion_named_in_the_opening() -> None:
    t = tracker({}, "I'm halfway through my chemo cycles, could I start this now?", "start_prescreen")
    dispatcher = CollectingDispatcher()
    ask_consent = next(a for a in ASK_ACTIONS if a.slot == "ps_consent")()
    await ask_consent.run(dispatcher, t, DOMAIN)
    texts = " ".join(m["text"] for m in dispatcher.messages)
    assert "chemo" in texts.lower() and "shall we start" in texts.lower()


async def test_submit_gives_result_summary_and_handoff_and_clears_answers() -> None:
    answers = {**DIABETIC, "ps_confirm": "yes", "ps_a1c": "9-10",
               "ps_notes": {"said": {"ps_duration": {"approx": True}}}}
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitPrescreen().run(dispatcher, tracker(answers, "yes", active=False), DOMAIN)
    texts = [m.get("text") or "" for m in dispatcher.messages]
    joined = " ".join(texts).lower()
    assert "may be a candidate" in joined and "eligible" not in joined and "approved" not in joined
    summary = next(t for t in texts if t.startswith("Here is a summary"))
    assert "- Latest A1c: 9–10%" in summary and "- How long you have had symptoms: About 4 years" in summary
    marker = next(m for m in dispatcher.messages if m.get("custom"))["custom"]
    # Rasa's socket.io output calls emit(bot_uttered, **custom): only emit's own keywords may be used
    assert set(marker) == {"data"} and "text" not in marker["data"] and "buttons" not in marker["data"]
    assert marker["data"]["kind"] == "prescreen_summary" and "Latest A1c: 9–10%" in marker["data"]["summary"]
    assert any(b.get("url") for b in dispatcher.messages[-1].get("buttons", []))  # the intake button comes last
    assert all(e["value"] is None for e in events if e["event"] == "slot")
    assert {e["name"] for e in events if e["event"] == "slot"} >= set(answers) | {"ps_notes", "ps_prompt"}


async def test_nothing_the_patient_says_is_logged(caplog) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "canary-7731 my a1c is 12.3"
    slots = {"requested_slot": "ps_a1c", "ps_consent": "yes", "ps_type": "diabetic", "ps_diabetes": "yes"}
    await validate(tracker(slots, secret))
    assert not [r for r in caplog.records if "canary-7731" in r.getMessage() or "12.3" in r.getMessage()]


async def test_the_summary_marker_goes_through_rasas_socketio_output() -> None:
    """Rasa's SocketIOOutput sends `custom` as sio.emit(event, **custom): it must only use emit's keywords."""
    from rasa.core.channels.socketio import SocketIOOutput

    sent = []

    class FakeServer:
        async def emit(self, event, data=None, to=None, room=None, skip_sid=None, namespace=None, callback=None,
                       ignore_queue=False):
            sent.append((event, data, room))

    dispatcher = CollectingDispatcher()
    await ActionSubmitPrescreen().run(dispatcher, tracker({**DIABETIC, "ps_confirm": "yes"}, "yes", active=False), DOMAIN)
    marker = next(m for m in dispatcher.messages if m.get("custom"))["custom"]
    await SocketIOOutput(FakeServer(), "bot_uttered").send_custom_json("room-1", dict(marker))
    assert sent == [("bot_uttered", marker["data"], "room-1")] and "text" not in sent[0][1]


async def test_never_mind_while_fixing_goes_back_to_the_list_unchanged() -> None:
    slots = {**DIABETIC, "requested_slot": "ps_infection", "ps_notes": {"fixing": "ps_infection", "last": "ps_a1c_plan"}}
    sets, _ = await validate(tracker(slots, "never mind, it was right"))
    assert sets == {"ps_notes": {"last": "ps_a1c_plan"}, "ps_prompt": None, "requested_slot": "ps_confirm"}
