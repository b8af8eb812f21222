"""Validate action-server responses with a schema compiled once.

Rasa 3.6 calls `jsonschema.validate(result, schema)` for every custom action
response. With jsonschema 4.17 that re-validates the schema itself against
the draft 2020-12 meta-schema each time: ~30-150 ms per action, most of a
message's latency on these 2-core machines. The response is still validated,
with the same schema, by a validator built once, and a bad response raises
the same error as Rasa's (jsonschema's best match among all the errors, with
Rasa's text appended).

Replaces: `RemoteAction._validate_action_result`.
"""
from __future__ import annotations

from typing import Any, Dict, Text

from components.speedups._patching import Patches

_patches = Patches()


def install() -> None:
    if _patches.active:
        return
    from jsonschema import ValidationError, exceptions, validators
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    schema = RemoteAction.action_response_format_spec()
    validator_cls = validators.validator_for(schema)
    validator_cls.check_schema(schema)
    validator = validator_cls(schema)

    def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
        try:
            # what jsonschema.validate() does, minus re-checking the schema each time
            error = exceptions.best_match(validator.iter_errors(result))
            if error is not None:
                raise error
            return True
        except ValidationError as e:
            e.message += (
                ". Failed to validate Action server response from API, make sure your "
                f"response from the Action endpoint is valid. For more information about "
                f"the format visit {DOCS_BASE_URL}/custom-actions"
            )
            raise e

    _patches.replace(RemoteAction, "_validate_action_result", _validate_action_result)


def uninstall() -> None:
    _patches.restore()
