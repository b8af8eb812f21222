"""Two measured fixes for Rasa 3.6 hot paths on these 2-core machines.

1. Validate action-server responses with a schema compiled once. Rasa 3.6 calls `jsonschema.validate(result, schema)` for every custom action
response. With jsonschema 4.17 that re-validates the schema itself against the
draft 2020-12 meta-schema each time: ~30-150 ms per action, most of a
message's latency on these 2-core machines. The response is still validated,
with the same schema and the same error message, by a validator built once.

2. Look up event classes by name in a dict. Rasa walks every subclass of
   Event for each stored event it deserialises (``Event.resolve_by_type``),
   which made loading a conversation from the tracker store grow to tens of
   milliseconds. The lookup gives the same class; unknown names still go
   through Rasa's own code.

3. Keep the logistic-regression weights in column order. scikit-learn scores a
   sparse message against ``coef_.T``; with row-ordered weights scipy copies
   the whole (features x intents) matrix on every message (~3 ms here). The
   same numbers in Fortran order are read in place. Predictions are identical.

Imported (and installed) by the Rasa server's custom components, channels and
tracker store. See README, Benchmarks, for the numbers before and after.
"""
from __future__ import annotations

from typing import Any, Dict, Text

_installed = False


def install() -> None:
    """Replace RemoteAction._validate_action_result with a pre-compiled validator."""
    global _installed
    if _installed:
        return
    from jsonschema import ValidationError, validators
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    schema = RemoteAction.action_response_format_spec()
    validator_cls = validators.validator_for(schema)
    validator_cls.check_schema(schema)
    validator = validator_cls(schema)

    def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
        try:
            validator.validate(result)
            return True
        except ValidationError as e:
            e.message += (
                ". Failed to validate Action server response from API, make sure your "
                f"response from the Action endpoint is valid. For more information about "
                f"the format visit {DOCS_BASE_URL}/custom-actions"
            )
            raise e

    RemoteAction._validate_action_result = _validate_action_result
    _install_event_lookup()
    _install_classifier_layout()
    _installed = True


def _install_classifier_layout() -> None:
    import numpy as np
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier

    original_load = LogisticRegressionClassifier.load.__func__

    def load(cls: Any, *args: Any, **kwargs: Any) -> Any:
        component = original_load(cls, *args, **kwargs)
        clf = getattr(component, "clf", None)
        if clf is not None and hasattr(clf, "coef_"):
            clf.coef_ = np.asfortranarray(clf.coef_)
        return component

    LogisticRegressionClassifier.load = classmethod(load)


def _install_event_lookup() -> None:
    from rasa.shared.core.events import Event

    original = Event.resolve_by_type
    by_name: Dict[Text, Any] = {}

    def resolve_by_type(type_name: Text, default: Any = None) -> Any:
        cls = by_name.get(type_name)
        if cls is not None:
            return cls
        cls = original(type_name, default)  # unknown names: Rasa's own default or error
        if cls is not None and getattr(cls, "type_name", None) == type_name:
            by_name[type_name] = cls
        return cls

    Event.resolve_by_type = staticmethod(resolve_by_type)


install()
