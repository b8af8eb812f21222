"""MessageGuard: deterministic checks that run on every message, before dialogue.

It runs after the learned intent classifier and overrides its intent (with
confidence 1.0) when a message is a crisis, a medical emergency, a pain idiom,
a request for individual medical advice, empty, too long, or not in English.
Crisis and emergency detection is lexical and deterministic on purpose: a
learned classifier's recall cannot be promised, a pattern list can be tested.
The patterns live in content/safety.yml and reload when the file changes.
Nothing here logs message text.
"""
from __future__ import annotations

import components.speedups  # noqa: F401  (validates action responses with a pre-compiled schema)

import logging
import os
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.language import is_probably_not_english

logger = logging.getLogger(__name__)

SAFETY_INTENTS = {
    "crisis": "crisis",
    "emergency": "emergency",
    "pain_idiom": "pain_idiom",
    "medical_advice": "ask_medical_advice",
}


def guard_intent(text: Any, max_chars: int, detector: Any = None) -> Optional[str]:
    """The intent a message must get regardless of the classifier, or None."""
    if not isinstance(text, str) or not text.strip():
        return "empty_message"
    if detector is not None:
        result = detector.detect(text)
        if result is not None and result.kind in SAFETY_INTENTS:
            return SAFETY_INTENTS[result.kind]
    if len(text) > max_chars:
        return "message_too_long"
    if not any(c.isalnum() for c in text):
        return "empty_message"
    if is_probably_not_english(text):
        return "non_english"
    return None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class MessageGuard(GraphComponent):
    """Overrides the intent for safety, empty, over-long and non-English messages."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "max_chars": 1000,
            # a learned crisis guess is kept even when unsure: it is the recall
            # behind the lexicon for new indirect wording; a learned emergency
            # guess needs more confidence (a false 911 message ends a pre-screen)
            "learned_crisis_min_confidence": 0.3,
            "learned_emergency_min_confidence": 0.6,
            "fallback_threshold": 0.25,
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        defaults = self.get_default_config()
        self.max_chars = int(os.environ.get("MAX_MESSAGE_CHARS") or config.get("max_chars", defaults["max_chars"]))
        self.alarm_min = {
            "crisis": float(config.get("learned_crisis_min_confidence", defaults["learned_crisis_min_confidence"])),
            "emergency": float(config.get("learned_emergency_min_confidence",
                                          defaults["learned_emergency_min_confidence"])),
        }
        self.fallback_threshold = float(config.get("fallback_threshold", defaults["fallback_threshold"]))
        self._detector()  # build the lexicon when the model loads, not on a visitor's first message

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "MessageGuard":
        return cls(config)

    @staticmethod
    def _detector() -> Any:
        # deferred imports: the lexicon loads on first use, and reloads when edited
        from actions.content import CONTENT_DIR
        from actions.safety.detector import get_detector

        return get_detector(CONTENT_DIR / "safety.yml")

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        detector = self._detector()
        for message in messages:
            intent = guard_intent(message.get(TEXT), self.max_chars, detector)
            if intent is None:
                self._demote_unsure_alarm(message)
                continue
            forced = {"name": intent, "confidence": 1.0}
            ranking = [r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get("name") != intent]
            message.set(INTENT, forced, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [forced] + ranking[:9], add_to_output=True)
        return messages

    def _demote_unsure_alarm(self, message: Message) -> None:
        """A crisis/emergency guess by the classifier alone needs some confidence.

        The lexicon found nothing, so a low-confidence guess ("haven't the
        faintest" -> emergency at 0.57) would send a 911 message and end a
        pre-screen for no reason. Take the next-best intent instead, or the
        honest fallback. Guesses above the limits still go through: they are
        the classifier's extra recall behind the lexicon.
        """
        intent = message.get(INTENT) or {}
        name = intent.get("name")
        if name not in self.alarm_min or intent.get("confidence", 0) >= self.alarm_min[name]:
            return
        ranking = [r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get("name") not in ("crisis", "emergency")]
        best = ranking[0] if ranking else None
        if best is None or best.get("confidence", 0) < self.fallback_threshold:
            best = {"name": "nlu_fallback", "confidence": intent.get("confidence", 0)}
        message.set(INTENT, {"name": best["name"], "confidence": best["confidence"]}, add_to_output=True)
