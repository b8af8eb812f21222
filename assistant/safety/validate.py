"""validate_spec: the one full check of a safety spec, as the content check runs it."""

from __future__ import annotations

from typing import Any

from assistant.safety.corpora import check_corpora
from assistant.safety.matching import SafetyDetector
from assistant.safety.spec import structure_errors


def validate_spec(spec: Any) -> list[tuple[str, str]]:
    """Check a loaded safety spec; return (field path, problem) pairs, empty if fine.

    Besides structure, keys, ids, messages and placeholders, every pattern must
    compile, must not match empty text and must avoid shapes that backtrack
    badly; every category's ``examples`` must be detected as that category; and
    the corpora in data/safety/ must still be right (``check_corpora``).
    """
    errors, lists = structure_errors(spec)
    if errors:
        return errors
    detector = SafetyDetector._unchecked(spec, lists)
    return detector.example_errors(spec) + check_corpora(detector, spec)
