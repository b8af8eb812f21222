"""ClauseIntentClassifier: the intent classifier, run on the whole message and each clause.

A thin Rasa adapter around ``assistant.intents`` and ``assistant.textmodel``:
it trains the n-gram classifier on the NLU data, stores it as numpy arrays in
the model (no pickle), and for each message sets the intent, its ranking and
``topics`` (the FAQ topics asked, at most two, in the order asked), which the
action server reads to answer every question of a message in one reply.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant import intents, textmodel
from assistant.clauses import parts, split_clauses

logger = logging.getLogger(__name__)

MODEL_FILE = "intents.npz"
TOPICS_KEY = "topics"
# kept on the message object only (not in the output): MessageGuard reuses the split and the features
CLAUSES_KEY = "clauses"
FEATURES_KEY = "clause_features"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class ClauseIntentClassifier(GraphComponent, IntentClassifier):
    """Intent + FAQ topics, read clause by clause."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"c": 100.0, "clause_min_confidence": 0.25, "second_topic_min_confidence": 0.4, "ranking_length": 10}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 model: Optional[textmodel.TextModel] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self.model = model

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "ClauseIntentClassifier":
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "ClauseIntentClassifier":
        try:
            with model_storage.read_from(resource) as directory:
                model = textmodel.TextModel.from_bytes((directory / MODEL_FILE).read_bytes())
        except (ValueError, FileNotFoundError) as error:
            logger.warning("The intent classifier could not be loaded (%s); messages get the fallback.",
                           type(error).__name__)
            model = None
        return cls(config, model_storage, resource, model)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if not examples:
            return self._resource
        self.model = textmodel.train([e.get(TEXT) for e in examples], [e.get(INTENT) for e in examples],
                                     c=float(self.config["c"]), meta={"kind": "intents"})
        with self._storage.write_to(self._resource) as directory:
            (directory / MODEL_FILE).write_bytes(self.model.to_bytes())
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if self.model is None or not isinstance(text, str) or not text.strip():
                message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
                message.set(TOPICS_KEY, [], add_to_output=True)
                continue
            clauses = split_clauses(text)
            features = textmodel.featurize(parts(text, clauses))
            message.set(CLAUSES_KEY, clauses)
            message.set(FEATURES_KEY, features)
            reading = intents.read(self.model, text, clauses,
                                   clause_min=float(self.config["clause_min_confidence"]),
                                   second_min=float(self.config["second_topic_min_confidence"]),
                                   ranking_length=int(self.config["ranking_length"]), features=features)
            message.set(INTENT, {"name": reading.intent, "confidence": reading.confidence}, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [{"name": n, "confidence": c} for n, c in reading.ranking],
                        add_to_output=True)
            message.set(TOPICS_KEY, reading.topics, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
