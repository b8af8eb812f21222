"""The language of a chat message, for MessageGuard (a thin adapter over assistant.language).

English and Spanish are served (the one intent classifier reads both). A
message clearly in another language gets the `non_english` reply (English
and Spanish, with the clinic's contact and 988 / 911); its crisis and
emergency words are matched first (assistant/safety/languages.py).
Short or mixed messages are not judged: the conversation keeps its language.
"""
from __future__ import annotations

from assistant import language
from assistant.language import SUPPORTED, Detection, detect, requested_language

__all__ = ["SUPPORTED", "Detection", "detect", "requested_language", "is_unsupported_language",
           "language_entity"]


def is_unsupported_language(text: str, detection: Detection | None = None) -> bool:
    """True when the message is clearly written in a language this assistant does not serve."""
    found = detection if detection is not None else detect(text)
    return bool(found.language and found.language not in SUPPORTED and found.confident)



def language_entity(text: str, detection: Detection) -> dict | None:
    """The `language` entity (it fills the slot) when the message is clearly English or Spanish."""
    if detection.confident and detection.language in SUPPORTED:
        return {"entity": "language", "value": detection.language, "start": 0, "end": len(text),
                "confidence_entity": 1.0, "extractor": "MessageGuard"}
    return None


def warm_up() -> None:
    language.warm_up()
