"""MessageGuard decides crisis, emergency and malformed input without the classifier."""
from __future__ import annotations

import pytest

from actions.content import CONTENT_DIR
from actions.safety.detector import get_detector
from components.language import is_probably_not_english
from components.message_guard import MessageGuard, guard_intent


@pytest.fixture(scope="module")
def detector():
    return get_detector(CONTENT_DIR / "safety.yml")


@pytest.mark.parametrize("text, intent", [
    ("I feel like ending my life because of this pain", "crisis"),
    ("one side of my body went weak all of a sudden", "emergency"),
    ("my feet are killing me", "pain_idiom"),
    ("can I quit my pregabalin before the infusions?", "ask_medical_advice"),
    ("", "empty_message"),
    ("   \n\t", "empty_message"),
    (None, "empty_message"),
    (42, "empty_message"),
    ("😀😀", "empty_message"),
    ("?!", "empty_message"),
    ("¿Cuánto cuesta el tratamiento?", "non_english"),
    ("神经病变是什么", "non_english"),
    ("a" * 1001, "message_too_long"),
    ("how many sessions are needed", None),
    ("what about chemo neuropathy", None),
])
def test_guard_intent(detector, text, intent) -> None:
    assert guard_intent(text, 1000, detector) == intent


def test_crisis_wins_over_length(detector) -> None:
    assert guard_intent("I want to kill myself " * 100, 1000, detector) == "crisis"


@pytest.mark.parametrize("text", [
    "my feet tingle at night, is that neuropathy?", "how much does it cost", "ok", "CIDP", "a1c 9.8",
    "I have diabetic neuropathy, would I qualify?", "gracias", "thanks!",
])
def test_english_and_short_messages_are_not_flagged_as_foreign(text) -> None:
    assert not is_probably_not_english(text)


def test_component_overrides_intent_and_ranking() -> None:
    from rasa.shared.nlu.training_data.message import Message

    guard = MessageGuard({"max_chars": 1000})
    message = Message(data={"text": "I want to end my life", "intent": {"name": "greet", "confidence": 0.9},
                            "intent_ranking": [{"name": "greet", "confidence": 0.9}]})
    guard.process([message])
    assert message.get("intent") == {"name": "crisis", "confidence": 1.0}
    assert message.get("intent_ranking")[0]["name"] == "crisis"


def test_component_leaves_ordinary_messages_alone() -> None:
    from rasa.shared.nlu.training_data.message import Message

    message = Message(data={"text": "how many sessions", "intent": {"name": "faq_sessions", "confidence": 0.8}})
    MessageGuard({"max_chars": 1000}).process([message])
    assert message.get("intent")["name"] == "faq_sessions"


def _msg(text: str, ranking):
    from rasa.shared.nlu.training_data.message import Message

    return Message(data={"text": text, "intent": ranking[0], "intent_ranking": ranking})


def test_an_unsure_learned_alarm_without_a_lexicon_match_is_demoted() -> None:
    message = _msg("haven't the faintest", [{"name": "emergency", "confidence": 0.57},
                                            {"name": "not_sure", "confidence": 0.3}])
    MessageGuard({"max_chars": 1000}).process([message])
    assert message.get("intent")["name"] == "not_sure"


def test_a_very_unsure_learned_alarm_becomes_the_honest_fallback() -> None:
    message = _msg("zzz qqq", [{"name": "emergency", "confidence": 0.4}, {"name": "greet", "confidence": 0.1}])
    MessageGuard({"max_chars": 1000}).process([message])
    assert message.get("intent")["name"] == "nlu_fallback"


def test_a_confident_learned_alarm_is_kept() -> None:
    message = _msg("everything feels pointless lately", [{"name": "crisis", "confidence": 0.8},
                                                         {"name": "greet", "confidence": 0.1}])
    MessageGuard({"max_chars": 1000}).process([message])
    assert message.get("intent")["name"] == "crisis"
