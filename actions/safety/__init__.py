"""Safety detection shared by the NLU guard (MessageGuard) and the action server.

See ``detector.py``; patterns and wording live in ``content/safety.yml``.
"""
from actions.safety.detector import (
    DEFAULT_SPEC_PATH,
    INTENT_BY_KIND,
    KINDS,
    SafetyDetector,
    SafetyResult,
    SafetySpecError,
    load_spec,
    normalise,
    validate_spec,
)

__all__ = [
    "DEFAULT_SPEC_PATH",
    "INTENT_BY_KIND",
    "KINDS",
    "SafetyDetector",
    "SafetyResult",
    "SafetySpecError",
    "load_spec",
    "normalise",
    "validate_spec",
]
