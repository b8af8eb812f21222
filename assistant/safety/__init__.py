"""Safety detection shared by the NLU guard (MessageGuard) and the action server.

Deterministic: patterns and reply wording live in ``content/safety.yml`` so
staff can review them; this package validates them, compiles them once and
matches them. It imports nothing from Rasa or rasa_sdk. There is one reload
path: the content store (actions/content.py) checks the whole content
directory, safety.yml included, and only then swaps in a snapshot;
``Content.safety_detector`` is built from that snapshot.

Interface:
    SafetyDetector(spec).detect(text) -> SafetyResult | None
    SafetyResult: kind, category, message (template), matches, intent
    load_spec(path=None) -> dict;  validate_spec(spec) -> [(field path, problem)]
    check_corpora(detector, spec) -> [(field path, problem)]
    normalise(text) -> str  (assistant.normalise: one normaliser for patterns and models)

Modules (each imports only the ones above it):
    pattern_rules.py  compile one pattern; say what is wrong with it (bad regex,
                      capitals, shapes that backtrack, empty match). With the
                      prefilter, the only user of CPython's private sre_parse.
    spec.py           load safety.yml; structure and field checks, word lists,
                      reply messages (placeholders, REQUIRED_IN_MESSAGE hotlines).
    anchors.py        prefilter, part 1: words a pattern cannot match without.
    prefilter.py      prefilter, part 2: skip or window patterns per message
                      (its docstring has the benchmark that justifies it).
    matching.py       SafetyResult and SafetyDetector: compiled rules, priority.
    corpora.py        check_corpora and the corpus paths (data/safety/).
    validate.py       validate_spec: structure + examples + corpora.

Priority when several kinds match one message:
crisis > emergency > pain_idiom > medical_advice.
Message text is never logged here: only file paths, field paths and counts.
"""

from assistant.normalise import normalise
from assistant.safety.corpora import MUST_DETECT_CORPUS, ORDINARY_CORPUS, check_corpora
from assistant.safety.matching import SafetyDetector, SafetyResult
from assistant.safety.spec import DEFAULT_SPEC_PATH, INTENT_BY_KIND, KINDS, SafetySpecError, load_spec
from assistant.safety.validate import validate_spec

__all__ = [
    "DEFAULT_SPEC_PATH",
    "INTENT_BY_KIND",
    "KINDS",
    "MUST_DETECT_CORPUS",
    "ORDINARY_CORPUS",
    "SafetyDetector",
    "SafetyResult",
    "SafetySpecError",
    "check_corpora",
    "load_spec",
    "normalise",
    "validate_spec",
]
