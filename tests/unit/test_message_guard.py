"""MessageGuard decides crisis, emergency and malformed input without the classifier."""
from __future__ import annotations

import pytest

from assistant.safety import SafetyDetector, load_spec
from components.language import is_unsupported_language
from components.message_guard import MessageGuard, guard_intent


@pytest.fixture(scope="module")
def detector():
    return SafetyDetector(load_spec())


def _assess(detector, text):
    from assistant.risk import assess

    return assess(text, detector) if isinstance(text, str) and text.strip() else None


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
    ("¿Cuánto cuesta el tratamiento?", None),  # Spanish is served (issue 14)
    ("Bonjour, combien coûte le traitement pour les nerfs ?", "non_english"),
    ("Español", "switch_language"),
    ("in English please", "switch_language"),
    ("神经病变是什么", "non_english"),
    ("a" * 1001, "message_too_long"),
    ("how many sessions are needed", None),
    ("what about chemo neuropathy", None),
])
def test_guard_intent(detector, text, intent) -> None:
    assert guard_intent(text, 1000, _assess(detector, text)) == intent


def test_crisis_wins_over_length(detector) -> None:
    text = "I want to kill myself " * 100
    assert guard_intent(text, 1000, _assess(detector, text)) == "crisis"


def test_a_pain_idiom_gives_way_to_the_question_asked(detector) -> None:
    text = "my feet are killing me, does MSC help the burning?"
    assert guard_intent(text, 1000, _assess(detector, text), topics=["patient_reports"]) is None
    assert guard_intent(text, 1000, _assess(detector, text), topics=[]) == "pain_idiom"


def test_a_crisis_never_gives_way(detector) -> None:
    text = "I want to kill myself. how much does it cost?"
    assert guard_intent(text, 1000, _assess(detector, text), topics=["cost"]) == "crisis"


@pytest.mark.parametrize("text", [
    "my feet tingle at night, is that neuropathy?", "how much does it cost", "ok", "CIDP", "a1c 9.8",
    "I have diabetic neuropathy, would I qualify?", "gracias", "thanks!",
])
def test_english_and_short_messages_are_not_flagged_as_foreign(text) -> None:
    assert not is_unsupported_language(text)


def _guard(**config):
    return MessageGuard({"max_chars": 1000, **config}, None, None)


def test_component_overrides_intent_and_ranking() -> None:
    from rasa.shared.nlu.training_data.message import Message

    message = Message(data={"text": "I want to end my life", "intent": {"name": "greet", "confidence": 0.9},
                            "intent_ranking": [{"name": "greet", "confidence": 0.9}]})
    _guard().process([message])
    assert message.get("intent") == {"name": "crisis", "confidence": 1.0}
    assert message.get("intent_ranking")[0]["name"] == "crisis"
    assert message.get("safety")["kind"] == "crisis" and message.get("safety")["source"] == "pattern"


def test_component_leaves_ordinary_messages_alone() -> None:
    from rasa.shared.nlu.training_data.message import Message

    message = Message(data={"text": "how many sessions", "intent": {"name": "faq_sessions", "confidence": 0.8}})
    _guard().process([message])
    assert message.get("intent")["name"] == "faq_sessions"
    assert message.get("safety")["kind"] is None


def _msg(text: str, ranking):
    from rasa.shared.nlu.training_data.message import Message

    return Message(data={"text": text, "intent": ranking[0], "intent_ranking": ranking})


def test_a_classifier_guess_of_a_guard_only_intent_is_replaced() -> None:
    message = _msg("haven't the faintest", [{"name": "emergency", "confidence": 0.57},
                                            {"name": "not_sure", "confidence": 0.3}])
    _guard().process([message])
    assert message.get("intent")["name"] == "not_sure"


def test_an_unsure_next_best_becomes_the_honest_fallback() -> None:
    message = _msg("zzz qqq", [{"name": "crisis", "confidence": 0.4}, {"name": "greet", "confidence": 0.1}])
    _guard().process([message])
    assert message.get("intent")["name"] == "nlu_fallback"


class _Model:
    """A risk model stand-in with fixed scores."""

    classes = ("crisis", "emergency", "none")

    def __init__(self, crisis: float) -> None:
        self.crisis = crisis

    def clause_scores(self, clauses, features=None):
        return [{"crisis": self.crisis, "emergency": 0.0, "none": 1 - self.crisis} for _ in clauses]


@pytest.mark.parametrize("score, intent", [(0.9, "crisis"), (0.5, "safety_checkin"), (0.1, "faq_sessions")])
def test_the_risk_model_decides_wording_no_pattern_lists(score, intent) -> None:
    guard = _guard()
    guard.risk_model = _Model(score)
    message = _msg("everything feels pointless lately", [{"name": "faq_sessions", "confidence": 0.5}])
    guard.process([message])
    assert message.get("intent")["name"] == intent
