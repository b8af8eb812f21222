"""MessageGuard: the layered safety decision on every message, before dialogue.

A thin Rasa adapter around ``assistant.risk``. It runs after the intent
classifier, on the whole message and on each of its clauses, and overrides
the intent (confidence 1.0) when the message is:

- a crisis or a medical emergency: the patterns in content/safety.yml (the
  floor) or the learned risk model (trained here, at ``rasa train``, from
  ``data/risk/*.yml``, apart from the FAQ intents);
- an uncertain crisis signal: ``safety_checkin`` (a warm, direct question that
  also gives 988);
- a pain idiom (patterns), unless the message also asks FAQ questions, which
  are then answered with a gentle line that gives 988;
- a request for an individual medical decision (patterns: start, stop or
  change a medicine or dose, diagnose me, read my results, skip a treatment);
- empty, too long, a request to change language, or in a language other
  than English and Spanish (components/language.py).

It also sets ``safety`` on the parse data (kind, source, clause, scores; never
text) so the action server replies to what was decided here.
"""
from __future__ import annotations


import logging
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant import contract, risk, settings
from assistant.safety import languages
from assistant.textmodel import TextModel
from components import language as lang

logger = logging.getLogger(__name__)

PROJECT_DIR = Path(__file__).resolve().parents[1]
RISK_FILE = "risk.npz"
SAFETY_KEY = "safety"
TOPICS_KEY = "topics"
LANGUAGE_KEY = "language"  # {code, confident, score}: assistant/language.py
CLAUSES_KEY = "clauses"  # set by ClauseIntentClassifier: the split and its features, reused here
FEATURES_KEY = "clause_features"

#: The intent each safety decision sets.
SAFETY_INTENTS = contract.SAFETY_INTENT_BY_KIND
#: Decisions that give way to the FAQ questions asked in the same message (the
#: answer then adds a gentle line with 988). A medical-advice request does not:
#: its reply redirects the decision to the care team, then gives the page's facts.
#: "Will it help me sleep?" matches personal_recommendation but is an
#: educational question in the first person: it gets the facts and a line that
#: the team decides, not a refusal.
#: "My EMG says motor neuropathy, what does motor mean?" and "I'm not diabetic, so why do I have
#: neuropathy?" match the results and diagnosis patterns but ask what the page explains: they get
#: the facts and a line that only their doctor can read their results or say what they have.
YIELD_TO_QUESTIONS = {("pain_idiom", None), ("medical_advice", "personal_recommendation"),
                      ("medical_advice", "test_results"), ("medical_advice", "diagnosis")}
#: Intents only the guard may set: a classifier guess of one is replaced by its next-best intent.
GUARD_ONLY = contract.GUARD_ONLY_INTENTS


# The latest decisions, by hash of the message text, so the channels' safety
# net (channels/guard.py) can send the crisis or emergency reply itself when
# the action server is down, slow or failing. Hashes and kinds only, no text.
_RECENT: "OrderedDict[int, Optional[str]]" = OrderedDict()
_RECENT_MAX = 4096
_RECENT_LOCK = threading.Lock()
_ACTIVE: List["MessageGuard"] = []


def _remember(text: str, kind: Optional[str]) -> None:
    with _RECENT_LOCK:
        _RECENT[hash(text)] = kind
        _RECENT.move_to_end(hash(text))
        while len(_RECENT) > _RECENT_MAX:
            _RECENT.popitem(last=False)


def decision_for(text: Any) -> Optional[str]:
    """The safety kind decided for ``text`` ("crisis", "emergency", "checkin", ...) or None.

    Looked up among the latest decisions; a message the pipeline never reached
    (it failed earlier) is judged now by the loaded guard, or by the patterns
    of the current content snapshot if no model is loaded.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    with _RECENT_LOCK:
        if hash(text) in _RECENT:
            return _RECENT[hash(text)]
    if _ACTIVE:
        return _ACTIVE[-1].assess(text).kind
    from assistant.content import get_content

    return risk.assess(text, get_content().safety_detector).kind


def guard_intent(text: Any, max_chars: int, assessment: Optional[risk.Assessment] = None,
                 topics: Optional[List[str]] = None, detection: Optional[lang.Detection] = None) -> Optional[str]:
    """The intent a message must get regardless of the classifier, or None."""
    if not isinstance(text, str) or not text.strip():
        return "empty_message"
    kind = assessment.kind if assessment is not None else None
    yields = topics and ((kind, None) in YIELD_TO_QUESTIONS
                         or (kind, assessment.category if assessment else None) in YIELD_TO_QUESTIONS)
    if kind in SAFETY_INTENTS and not yields:
        return SAFETY_INTENTS[kind]
    if len(text) > max_chars:
        return "message_too_long"
    if not any(c.isalnum() for c in text):
        return "empty_message"
    # languages (assistant/language.py): English and Spanish are served; a request switches
    if lang.requested_language(text):
        return "switch_language"
    if lang.is_unsupported_language(text, detection):
        return "non_english"
    return None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class MessageGuard(GraphComponent):
    """Safety first on every message; also empty, over-long and non-English messages."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "fallback_threshold": 0.25,  # as FallbackClassifier's
            "risk_data": "data/risk",
            "risk_c": 10.0,
            # chosen for recall on the dev sets (README, "How well it understands")
            "crisis_threshold": risk.DEFAULT_THRESHOLDS["crisis"],
            "checkin_threshold": risk.DEFAULT_THRESHOLDS["checkin"],
            "emergency_threshold": risk.DEFAULT_THRESHOLDS["emergency"],
        }

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 model: Optional[TextModel] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self.max_chars = settings.get().max_message_chars
        self.thresholds = {
            "crisis": float(self.config["crisis_threshold"]),
            "checkin": float(self.config["checkin_threshold"]),
            "emergency": float(self.config["emergency_threshold"]),
        }
        self._storage = model_storage
        self._resource = resource
        self.risk_model = risk.RiskModel(model) if model is not None else None
        self._detector()  # build the lexicon when the model loads, not on a visitor's first message
        lang.warm_up()  # and the language detector
        languages.load()  # and the multilingual floor with its English word list (about 0.6 s)
        languages.english_words()
        if model is not None:
            _ACTIVE[:] = [self]  # the loaded model's guard answers decision_for()

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "MessageGuard":
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "MessageGuard":
        model = None
        try:
            with model_storage.read_from(resource) as directory:
                model = TextModel.from_bytes((directory / RISK_FILE).read_bytes())
        except (ValueError, FileNotFoundError) as error:
            # the patterns still work; say so loudly, this is a safety layer
            logger.error("The risk model could not be loaded (%s): only the safety patterns are active.",
                         type(error).__name__)
        return cls(config, model_storage, resource, model)

    def train(self, training_data: TrainingData) -> Resource:
        directory = PROJECT_DIR / str(self.config["risk_data"])
        pairs = risk.load_corpus(risk.corpus_files(directory))
        # the NLU phrasings of every other intent are ordinary messages: more negatives
        ordinary = [e.get(TEXT) for e in training_data.intent_examples
                    if e.get(TEXT) and e.get(INTENT) not in GUARD_ONLY and e.get(INTENT) != "pain_idiom"]
        model = risk.train_risk_model(pairs, ordinary, c=float(self.config["risk_c"]))
        with self._storage.write_to(self._resource) as out:
            (out / RISK_FILE).write_bytes(model.to_bytes())
        self.risk_model = risk.RiskModel(model)
        return self._resource

    @staticmethod
    def _detector() -> Any:
        # the patterns of the current checked content snapshot (one reload path for all content)
        from assistant.content import get_content

        return get_content().safety_detector

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def assess(self, text: str, clauses: Optional[List[str]] = None, features: Any = None,
               detection: Optional[lang.Detection] = None) -> risk.Assessment:
        found = risk.assess(text, self._detector(), self.risk_model, self.thresholds, clauses,
                            features if clauses is not None else None)
        if found.kind in ("crisis", "emergency"):
            return found
        # another language: its crisis and emergency words (data/safety/multilingual.yml)
        spanish = None if detection is None else (detection.language == "es" and detection.confident)
        alarm = languages.load().detect(text, spanish)
        if alarm is not None:
            # the same history / mention / "it is over" rules as for English (assistant/risk.py)
            kind = risk.refine_alarm(alarm.kind, text)
            if kind == "emergency":  # rat poison asked for "for herself": the crisis reply (911 too), as for the model
                kind = risk.emergency_with_crisis(dict(found.scores).get("crisis", 0.0), self.thresholds)
            if kind in ("crisis", "emergency"):
                return risk.Assessment(kind, "language", alarm.language, -1, found.scores)
            if kind == "checkin" and found.kind is None:
                return risk.Assessment("checkin", "language", "", -1, found.scores)
        return found

    def _drop_guard_only_guess(self, message: Message) -> None:
        current = message.get(INTENT) or {}
        if current.get("name") not in GUARD_ONLY:
            return
        ranking = [r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get("name") not in GUARD_ONLY]
        best = ranking[0] if ranking else {"name": "nlu_fallback", "confidence": 0.0}
        if best["confidence"] < float(self.config["fallback_threshold"]):
            best = {"name": "nlu_fallback", "confidence": best["confidence"]}
        message.set(INTENT, {"name": best["name"], "confidence": best["confidence"]}, add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            assessment = None
            detection = None
            if isinstance(text, str) and text.strip():
                if not text.startswith("/"):  # a button's /intent payload says nothing about language
                    detection = lang.detect(text[:2000])
                assessment = self.assess(text, message.get(CLAUSES_KEY), message.get(FEATURES_KEY), detection)
                message.set(SAFETY_KEY, assessment.as_dict(), add_to_output=True)
                _remember(text, assessment.kind)
                if detection is not None:
                    message.set(LANGUAGE_KEY, detection.as_dict(), add_to_output=True)
                    entity = lang.language_entity(text, detection)
                    if entity is not None:
                        others = [e for e in message.get("entities") or [] if e.get("entity") != "language"]
                        message.set("entities", others + [entity], add_to_output=True)
            intent = guard_intent(text, self.max_chars, assessment, message.get(TOPICS_KEY), detection)
            if intent is None:
                self._drop_guard_only_guess(message)
                continue
            forced = {"name": intent, "confidence": 1.0}
            ranking = [r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get("name") != intent]
            message.set(INTENT, forced, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [forced] + ranking[:9], add_to_output=True)
        return messages
