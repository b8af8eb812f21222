"""The corpora every edit of the safety patterns is checked against.

Safety content is checked like code: no crisis or emergency pattern may fire
on an ordinary message (data/safety/ordinary.yml), and every message of
data/safety/must_detect.yml must keep its kind. The corpora ship with the app,
not with the tests, so the running assistant's content store refuses a
safety.yml edit that breaks them (through ``validate_spec``).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:  # pragma: no cover
    from assistant.safety.matching import SafetyDetector

CORPUS_DIR = Path(__file__).resolve().parents[2] / "data" / "safety"
ORDINARY_CORPUS = CORPUS_DIR / "ordinary.yml"
MUST_DETECT_CORPUS = CORPUS_DIR / "must_detect.yml"
ALARM_KINDS = ("crisis", "emergency")


@functools.lru_cache(maxsize=1)
def _corpora() -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    ordinary = yaml.safe_load(ORDINARY_CORPUS.read_text(encoding="utf-8")) or {}
    must = yaml.safe_load(MUST_DETECT_CORPUS.read_text(encoding="utf-8")) or {}
    texts = tuple(ordinary.get("messages") or ()) + tuple(ordinary.get("medical_advice_questions") or ())
    needed = [(t, "crisis") for t in must.get("crisis") or ()]
    needed += [(t, "emergency") for texts_ in (must.get("emergency") or {}).values() for t in texts_]
    needed += [(t, "pain_idiom") for t in must.get("pain_idiom") or ()]
    return texts, tuple(needed)


def check_corpora(detector: SafetyDetector, spec: dict[str, Any]) -> list[tuple[str, str]]:
    """Safety content is checked like code: no crisis or emergency pattern may fire
    on an ordinary message, and every must-detect message must keep its kind."""
    try:
        ordinary, needed = _corpora()
    except (OSError, yaml.YAMLError) as exc:
        return [("", f"the safety check corpora could not be read ({type(exc).__name__})")]
    errors: list[tuple[str, str]] = []
    for text in ordinary:
        for kind, category, index in detector.explain(text):
            if kind in ALARM_KINDS:
                ci = next(i for i, c in enumerate(spec[kind]["categories"]) if c["id"] == category)
                errors.append(
                    (
                        f"{kind}.categories[{ci}].patterns[{index}]",
                        f"fires on an ordinary message ({ORDINARY_CORPUS.name}): {text[:80]!r}",
                    )
                )
    for text, kind in needed:
        found = detector.detect(text)
        if found is None or found.kind != kind:
            errors.append(
                (
                    kind,
                    f"no longer detects a message it must ({MUST_DETECT_CORPUS.name}): "
                    f"{text[:80]!r} -> {found.kind if found else 'nothing'}",
                )
            )
    return errors
