"""Pre-screen rules: which questions apply, and what the answers add up to.

Everything here is driven by content/prescreen.yml so that staff can change a
threshold, a question or an exclusion without touching code. The module is
pure (no Rasa import, no I/O except `load_spec`, no logging): answers are
health information and must never reach a log.

Answer values follow docs/ARCHITECTURE.md. Numeric slots (ps_duration, ps_a1c)
also accept range words, read as intervals so that comparisons stay honest:

    9.8        exactly 9.8           lt10 / lte10   below / at or below 10
    gt7 / gte7 above / at or above   1to7           from 1 to 7 (inclusive)

Conditions are evaluated with three-valued logic when deciding the outcome:
an "unsure" answer (or a range that straddles the threshold) makes a leaf
*unknown*, and an exclusion that is unknown leads to "review", never to
"excluded". A question that does not apply (its `ask_if` is false) counts as a
definite "no match" for the conditions that mention its slot.
"""
from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

import yaml

ROOT = Path(__file__).resolve().parents[2]


def default_spec_path() -> Path:
    """content/prescreen.yml, or the one in $CONTENT_DIR (as actions/content.py does)."""
    return Path(os.environ.get("CONTENT_DIR", ROOT / "content")) / "prescreen.yml"


UNSURE = "unsure"
YES_NO_UNSURE = ("yes", "no", UNSURE)

# The contract (docs/ARCHITECTURE.md): every pre-screen slot and its values.
# `numeric` slots also take numbers and range words (see module docstring).
SLOTS: Dict[str, Dict[str, Any]] = {
    "ps_consent": {"values": ("yes", "no"), "numeric": False},
    "ps_type": {
        "values": ("diabetic", "chemo", "autoimmune", "idiopathic", "compressive", "other", UNSURE),
        "numeric": False,
    },
    "ps_diagnosis": {"values": YES_NO_UNSURE, "numeric": False},
    "ps_duration": {"values": ("lt1", "1to7", "gt7", UNSURE), "numeric": True},
    "ps_chemo_active": {"values": YES_NO_UNSURE, "numeric": False},
    "ps_infection": {"values": YES_NO_UNSURE, "numeric": False},
    "ps_cancer": {"values": YES_NO_UNSURE, "numeric": False},
    "ps_diabetes": {"values": YES_NO_UNSURE, "numeric": False},
    "ps_a1c": {"values": (UNSURE,), "numeric": True},
    "ps_a1c_plan": {"values": YES_NO_UNSURE, "numeric": False},
    "ps_compressive": {"values": YES_NO_UNSURE, "numeric": False},
}

# Allowed keys of each part of prescreen.yml (validate_spec names them in errors).
TOP_KEYS = ("questions", "criteria", "outcomes", "handoff", "summary", "declined", "cancelled", "restarted",
            "mentioned")
TOP_REQUIRED = ("questions", "criteria", "outcomes", "handoff", "declined", "cancelled")
TEXT_RECORDS = ("declined", "cancelled", "restarted")  # {text: ...}
QUESTION_KEYS = ("slot", "text", "buttons", "reask", "summary_label", "ask_if", "gate", "implied",
                 "value_labels", "unit", "unit_one")
QUESTION_REQUIRED = ("slot", "text", "reask")
BUTTON_KEYS = ("title", "value")
IMPLIED_KEYS = ("value", "when")
CRITERIA_KEYS = ("hba1c_threshold", "duration_min", "duration_max", "exclusions", "notes")
CRITERIA_NUMBERS = ("hba1c_threshold", "duration_min", "duration_max")
EXCLUSION_KEYS = ("id", "name", "when", "explanation", "what_could_change")
NOTE_KEYS = ("id", "when", "text")
OUTCOME_KINDS = ("excluded", "possible", "review")
OUTCOME_KEYS = ("text",)
HANDOFF_KEYS = ("text", "button_title", "what_to_bring", "summary_intro")
MENTIONED_KEYS = ("intro",)
SUMMARY_KEYS = ("bound_labels",)
BOUND_WORDS = ("lt", "lte", "gt", "gte")
COMPARISONS = ("gt", "gte", "lt", "lte")
LEAF_OPERATORS = ("equals", "in", "known") + COMPARISONS
GROUP_OPERATORS = ("all", "any", "not")

_ID_RE = re.compile(r"^[a-z0-9_]+$")
_BOUND_RE = re.compile(r"^(lte|lt|gte|gt)(\d+(?:\.\d+)?)$")
_RANGE_RE = re.compile(r"^(\d+(?:\.\d+)?)to(\d+(?:\.\d+)?)$")
_PERCENT_RE = re.compile(r"(\d+(?:\.\d+)?)\s*%")
_INF = float("inf")


# --------------------------------------------------------------------------
# Loading


_cache_lock = threading.Lock()
_cache: Dict[str, Tuple[Tuple[int, int], Dict[str, Any]]] = {}


def load_spec(path: Optional[os.PathLike] = None) -> Dict[str, Any]:
    """Read and validate prescreen.yml (cached until the file changes).

    Args:
        path: the YAML file; defaults to `default_spec_path()`.

    Returns:
        The spec as a dict. Treat it as read-only: it is shared between callers.

    Raises:
        ValueError: the file does not pass `validate_spec` (the message lists
            every problem as "field path: message").
    """
    p = Path(path) if path is not None else default_spec_path()
    st = p.stat()
    stamp = (st.st_mtime_ns, st.st_size)
    key = str(p.resolve())
    with _cache_lock:
        hit = _cache.get(key)
        if hit and hit[0] == stamp:
            return hit[1]
    with open(p, encoding="utf-8") as fh:
        spec = yaml.safe_load(fh)
    problems = validate_spec(spec)
    if problems:
        raise ValueError(f"{p.name} has {len(problems)} problem(s): "
                         + "; ".join(f"{where or '(top)'}: {msg}" for where, msg in problems))
    with _cache_lock:
        _cache[key] = (stamp, spec)
    return spec


# --------------------------------------------------------------------------
# Values


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _interval(value: Any) -> Optional[Tuple[float, bool, float, bool]]:
    """(low, low_included, high, high_included) of a numeric answer, else None."""
    if _is_number(value):
        v = float(value)
        return (v, True, v, True)
    if not isinstance(value, str):
        return None
    s = value.strip().lower()
    m = _BOUND_RE.match(s)
    if m:
        op, n = m.group(1), float(m.group(2))
        return {"lt": (-_INF, False, n, False), "lte": (-_INF, False, n, True),
                "gt": (n, False, _INF, False), "gte": (n, True, _INF, False)}[op]
    m = _RANGE_RE.match(s)
    if m:
        a, b = float(m.group(1)), float(m.group(2))
        return (min(a, b), True, max(a, b), True)
    try:
        v = float(s)
    except ValueError:
        return None
    return (v, True, v, True)


def _compare(iv: Tuple[float, bool, float, bool], op: str, t: float) -> Optional[bool]:
    """Three-valued comparison of an interval with a threshold."""
    lo, lo_in, hi, hi_in = iv
    if op == "gt":
        if lo > t or (lo == t and not lo_in):
            return True
        if hi <= t:
            return False
    elif op == "gte":
        if lo >= t:
            return True
        if hi < t or (hi == t and not hi_in):
            return False
    elif op == "lt":
        if hi < t or (hi == t and not hi_in):
            return True
        if lo >= t:
            return False
    elif op == "lte":
        if hi <= t:
            return True
        if lo > t or (lo == t and not lo_in):
            return False
    return None


def is_valid_value(slot: str, value: Any) -> bool:
    """Whether `value` is an allowed answer for `slot` (see ARCHITECTURE.md)."""
    info = SLOTS.get(slot)
    if info is None:
        return False
    if isinstance(value, str) and value in info["values"]:
        return True
    return bool(info["numeric"]) and _interval(value) is not None


def _threshold(ref: Any, spec: Mapping[str, Any]) -> Optional[float]:
    if _is_number(ref):
        return float(ref)
    if isinstance(ref, str) and ref.startswith("$"):
        v = (spec.get("criteria") or {}).get(ref[1:])
        if _is_number(v):
            return float(v)
    return None


# --------------------------------------------------------------------------
# Conditions


def _leaf(cond: Mapping[str, Any], answers: Mapping[str, Any], spec: Mapping[str, Any],
          not_applicable: Set[str]) -> Optional[bool]:
    slot = cond.get("slot")
    op = next((k for k in LEAF_OPERATORS if k in cond), None)
    value = answers.get(slot)
    if op == "known":
        known = value is not None and value != UNSURE
        return known == bool(cond["known"])
    if value is None:
        return False if slot in not_applicable else None
    if op == "equals":
        if value == cond["equals"]:
            return True
        return None if value == UNSURE else False
    if op == "in":
        if value in (cond["in"] or []):
            return True
        return None if value == UNSURE else False
    if op in COMPARISONS:
        t = _threshold(cond[op], spec)
        iv = _interval(value)
        if t is None or iv is None:
            return None
        return _compare(iv, op, t)
    return None


def _eval3(cond: Any, answers: Mapping[str, Any], spec: Mapping[str, Any],
           not_applicable: Set[str]) -> Optional[bool]:
    """Kleene logic: True, False or None (unknown)."""
    if not isinstance(cond, Mapping):
        return None
    if "all" in cond:
        results = [_eval3(c, answers, spec, not_applicable) for c in cond["all"] or []]
        if any(r is False for r in results):
            return False
        return None if any(r is None for r in results) else True
    if "any" in cond:
        results = [_eval3(c, answers, spec, not_applicable) for c in cond["any"] or []]
        if any(r is True for r in results):
            return True
        return None if any(r is None for r in results) else False
    if "not" in cond:
        r = _eval3(cond["not"], answers, spec, not_applicable)
        return None if r is None else not r
    return _leaf(cond, answers, spec, not_applicable)


def condition_holds(cond: Any, answers: Mapping[str, Any], spec: Mapping[str, Any]) -> bool:
    """Plain (two-valued) reading of a condition, as used for `ask_if` and notes.

    A missing answer never matches, and "unsure" matches only a condition that
    names it (`equals: unsure`, `in: [.., unsure]`, `known: false`).
    """
    if not isinstance(cond, Mapping):
        return False
    if "all" in cond:
        return all(condition_holds(c, answers, spec) for c in cond["all"] or [])
    if "any" in cond:
        return any(condition_holds(c, answers, spec) for c in cond["any"] or [])
    if "not" in cond:
        return not condition_holds(cond["not"], answers, spec)
    return _leaf(cond, answers, spec, set(SLOTS)) is True


# --------------------------------------------------------------------------
# Questions


def _questions(spec: Mapping[str, Any]) -> List[Mapping[str, Any]]:
    return [q for q in spec.get("questions") or [] if isinstance(q, Mapping) and q.get("slot")]


def effective_answers(answers: Mapping[str, Any], spec: Mapping[str, Any]) -> Dict[str, Any]:
    """Given answers plus the ones implied by others (`implied`, e.g. diabetes
    when the neuropathy is diabetic). Given answers always win."""
    eff = {k: v for k, v in answers.items() if v is not None}
    for q in _questions(spec):
        implied = q.get("implied")
        if q["slot"] not in eff and isinstance(implied, Mapping) and condition_holds(implied.get("when"), eff, spec):
            eff[q["slot"]] = implied.get("value")
    return eff


def _applies(q: Mapping[str, Any], eff: Mapping[str, Any], spec: Mapping[str, Any]) -> bool:
    return "ask_if" not in q or condition_holds(q["ask_if"], eff, spec)


def questions_to_ask(answers: Mapping[str, Any], spec: Mapping[str, Any]) -> List[str]:
    """Slots still to ask, in order.

    Skips slots already answered (or implied), questions whose `ask_if` does
    not hold yet, and everything after a `gate` question answered other than
    "yes" (the consent question).
    """
    eff = effective_answers(answers, spec)
    out: List[str] = []
    for q in _questions(spec):
        slot = q["slot"]
        if slot in eff:
            if q.get("gate") and eff[slot] != "yes":
                return []
            continue
        if _applies(q, eff, spec):
            out.append(slot)
    return out


# --------------------------------------------------------------------------
# Outcome


@dataclass
class Outcome:
    """What the answers add up to. Never a decision: the clinic's team decides.

    kind: "excluded" (an exclusion clearly applies), "review" (an exclusion
        might apply but an answer is unknown) or "possible" (none applies).
    exclusions: the exclusion records (from prescreen.yml) that apply.
    unknowns: slots whose unknown answer could change the result, in question order.
    notes: the note records whose `when` holds.
    """

    kind: str
    exclusions: List[Dict[str, Any]] = field(default_factory=list)
    unknowns: List[str] = field(default_factory=list)
    notes: List[Dict[str, Any]] = field(default_factory=list)


def evaluate(answers: Mapping[str, Any], spec: Mapping[str, Any]) -> Outcome:
    """Check the answers against every exclusion and note in the spec."""
    eff = effective_answers(answers, spec)
    questions = _questions(spec)
    not_applicable = {q["slot"] for q in questions if not _applies(q, eff, spec)}
    order = {q["slot"]: i for i, q in enumerate(questions)}
    criteria = spec.get("criteria") or {}
    hits: List[Dict[str, Any]] = []
    unknown: Set[str] = set()
    undecided = False
    for exclusion in criteria.get("exclusions") or []:
        result = _eval3(exclusion.get("when"), eff, spec, not_applicable)
        if result is True:
            hits.append(exclusion)
        elif result is None:
            undecided = True
            unknown.update(_unknown_leaves(exclusion.get("when"), eff, spec, not_applicable))
    notes = [n for n in criteria.get("notes") or [] if condition_holds(n.get("when"), eff, spec)]
    kind = "excluded" if hits else ("review" if undecided else "possible")
    unknowns = sorted(unknown, key=lambda s: order.get(s, len(order)))
    return Outcome(kind=kind, exclusions=hits, unknowns=unknowns, notes=notes)


def _unknown_leaves(cond: Any, answers: Mapping[str, Any], spec: Mapping[str, Any],
                    not_applicable: Set[str]) -> Set[str]:
    """Slots of the leaves that cannot be settled ("unsure", unanswered, "under 10" vs 9.5)."""
    if not isinstance(cond, Mapping):
        return set()
    found: Set[str] = set()
    for key in ("all", "any"):
        for sub in cond.get(key) or []:
            found |= _unknown_leaves(sub, answers, spec, not_applicable)
    if "not" in cond:
        found |= _unknown_leaves(cond["not"], answers, spec, not_applicable)
    if "slot" in cond and _leaf(cond, answers, spec, not_applicable) is None:
        found.add(cond["slot"])
    return found


# --------------------------------------------------------------------------
# Summary for the visitor (copied into the intake form by the visitor)


def _fmt_number(n: float) -> str:
    return f"{round(float(n), 1):g}"


def display_value(slot: str, value: Any, spec: Mapping[str, Any]) -> str:
    """Words for one answer: `value_labels`, else the matching button, else the number."""
    q = next((q for q in _questions(spec) if q["slot"] == slot), {})
    labels = q.get("value_labels") or {}
    if isinstance(value, str) and value in labels:
        return str(labels[value])
    for button in q.get("buttons") or []:
        if isinstance(button, Mapping) and button.get("value") == value and button.get("title"):
            return str(button["title"])
    iv = _interval(value)
    if iv is None:
        return str(value)
    unit = str(q.get("unit") or "")
    lo, _, hi, _ = iv

    def with_unit(n: float) -> str:
        if not unit:
            return _fmt_number(n)
        word = str(q.get("unit_one") or unit) if float(n) == 1.0 else unit
        return _fmt_number(n) + (word if not word[:1].isalnum() else " " + word)

    if lo == hi:
        return with_unit(lo)
    m = _BOUND_RE.match(str(value).strip().lower())
    bound_labels = (spec.get("summary") or {}).get("bound_labels") or {}
    if m and m.group(1) in bound_labels:
        return f"{bound_labels[m.group(1)]} {with_unit(float(m.group(2)))}"
    return f"{_fmt_number(lo)}–{with_unit(hi)}"


def summary_lines(answers: Mapping[str, Any], spec: Mapping[str, Any]) -> List[str]:
    """"Label: answer" lines, in question order, for the visitor's own copy.

    Only questions with a `summary_label` are listed (the consent is not).
    """
    eff = effective_answers(answers, spec)
    lines = []
    for q in _questions(spec):
        slot, label = q["slot"], q.get("summary_label")
        if label and eff.get(slot) is not None:
            lines.append(f"{label}: {display_value(slot, eff[slot], spec)}")
    return lines


# --------------------------------------------------------------------------
# Semantic validation of prescreen.yml


Problem = Tuple[str, str]


def _allowed(keys: Iterable[str]) -> str:
    return ", ".join(keys)


def _check_keys(problems: List[Problem], path: str, record: Any, allowed: Sequence[str],
                required: Sequence[str] = (), what: str = "") -> bool:
    if not isinstance(record, Mapping):
        problems.append((path, f"should be a group of fields ({what or _allowed(allowed)}), "
                               f"found {type(record).__name__}"))
        return False
    for key in record:
        if key not in allowed:
            problems.append((f"{path}.{key}" if path else str(key),
                             f"unknown key '{key}' (allowed: {_allowed(allowed)})"))
    for key in required:
        if key not in record:
            problems.append((path, f"missing '{key}'"))
    return True


def _check_text(problems: List[Problem], path: str, value: Any, required: bool = True) -> None:
    if value is None:
        if required:
            problems.append((path, "missing wording"))
        return
    if not isinstance(value, str):
        problems.append((path, f"should be text, found {type(value).__name__}"))
    elif not value.strip():
        problems.append((path, "wording is empty"))


def _check_value(problems: List[Problem], path: str, slot: str, value: Any) -> None:
    if isinstance(value, bool):
        problems.append((path, f"write the answer in quotes, \"yes\" or \"no\": YAML reads a bare yes/no "
                               f"as true/false (found {value})"))
    elif not is_valid_value(slot, value):
        allowed = list(SLOTS[slot]["values"]) + (["a number"] if SLOTS[slot]["numeric"] else [])
        problems.append((path, f"unknown value {value!r} for {slot} (allowed: {_allowed(map(str, allowed))})"))


def validate_condition(cond: Any, path: str, spec: Mapping[str, Any]) -> List[Problem]:
    """Problems of one condition (ask_if / when / implied.when)."""
    problems: List[Problem] = []
    allowed_all = ("slot",) + LEAF_OPERATORS + GROUP_OPERATORS
    if not isinstance(cond, Mapping) or not cond:
        return [(path, "should be a condition like {slot: ps_type, equals: diabetic}, "
                       "{all: [...]}, {any: [...]} or {not: {...}}")]
    groups = [k for k in GROUP_OPERATORS if k in cond]
    if groups:
        if len(cond) != 1:
            extra = [k for k in cond if k != groups[0]]
            problems.append((path, f"'{groups[0]}' must stand alone; also found {_allowed(extra)}"))
        key = groups[0]
        if key == "not":
            problems += validate_condition(cond["not"], f"{path}.not", spec)
        elif not isinstance(cond[key], list) or not cond[key]:
            problems.append((f"{path}.{key}", f"'{key}' needs a non-empty list of conditions"))
        else:
            for i, sub in enumerate(cond[key]):
                problems += validate_condition(sub, f"{path}.{key}[{i}]", spec)
        return problems
    for key in cond:
        if key not in allowed_all:
            problems.append((f"{path}.{key}", f"unknown key '{key}' (allowed: {_allowed(allowed_all)})"))
    slot = cond.get("slot")
    if slot is None:
        problems.append((path, "missing 'slot'"))
        return problems
    if slot not in SLOTS:
        problems.append((f"{path}.slot", f"unknown slot '{slot}' (allowed: {_allowed(SLOTS)})"))
        return problems
    ops = [k for k in LEAF_OPERATORS if k in cond]
    if len(ops) != 1:
        problems.append((path, f"needs exactly one operator ({_allowed(LEAF_OPERATORS)}), "
                               f"found {_allowed(ops) if ops else 'none'}"))
        return problems
    op = ops[0]
    arg = cond[op]
    where = f"{path}.{op}"
    if op == "equals":
        _check_value(problems, where, slot, arg)
    elif op == "in":
        if not isinstance(arg, list) or not arg:
            problems.append((where, "'in' needs a non-empty list of values"))
        else:
            for i, v in enumerate(arg):
                _check_value(problems, f"{where}[{i}]", slot, v)
    elif op == "known":
        if not isinstance(arg, bool):
            problems.append((where, "'known' should be true or false"))
    else:
        if not SLOTS[slot]["numeric"]:
            numeric = [s for s, i in SLOTS.items() if i["numeric"]]
            problems.append((where, f"'{op}' compares numbers; {slot} is not a number "
                                    f"(numeric slots: {_allowed(numeric)})"))
        if isinstance(arg, str) and arg.startswith("$"):
            name = arg[1:]
            crit = spec.get("criteria") if isinstance(spec.get("criteria"), Mapping) else {}
            if name not in crit:
                names = [k for k, v in crit.items() if _is_number(v)]
                problems.append((where, f"unknown threshold '{arg}' (defined in criteria: "
                                        f"{_allowed('$' + n for n in names)})"))
            elif not _is_number(crit[name]):
                problems.append((where, f"threshold '{arg}' is not a number"))
        elif not _is_number(arg):
            problems.append((where, f"'{op}' needs a number or a \"$name\" from criteria, found {arg!r}"))
    return problems


def validate_spec(spec: Any) -> List[Problem]:
    """Semantic checks of prescreen.yml: (field path, message) per problem.

    Paths are dotted with [i] indexes, e.g. "criteria.exclusions[2].when".
    """
    problems: List[Problem] = []
    if not isinstance(spec, Mapping):
        return [("", f"should be a group of fields ({_allowed(TOP_KEYS)}), found {type(spec).__name__}")]
    _check_keys(problems, "", spec, TOP_KEYS, TOP_REQUIRED)
    for key in TEXT_RECORDS:
        if key in spec and _check_keys(problems, key, spec[key], ("text",), ("text",)):
            _check_text(problems, f"{key}.text", spec[key].get("text"))
    if "mentioned" in spec and _check_keys(problems, "mentioned", spec["mentioned"], MENTIONED_KEYS, MENTIONED_KEYS):
        _check_text(problems, "mentioned.intro", spec["mentioned"].get("intro"))

    criteria = spec.get("criteria")
    if isinstance(criteria, Mapping):
        _validate_criteria(problems, criteria, spec)
    elif "criteria" in spec:
        problems.append(("criteria", "should be a group of fields "
                                     f"({_allowed(CRITERIA_KEYS)})"))
    _validate_questions(problems, spec)

    outcomes = spec.get("outcomes")
    if outcomes is not None and _check_keys(problems, "outcomes", outcomes, OUTCOME_KINDS, OUTCOME_KINDS):
        for kind in OUTCOME_KINDS:
            record = outcomes.get(kind)
            if record is not None and _check_keys(problems, f"outcomes.{kind}", record, OUTCOME_KEYS, OUTCOME_KEYS):
                _check_text(problems, f"outcomes.{kind}.text", record.get("text"))
    handoff = spec.get("handoff")
    if handoff is not None and _check_keys(problems, "handoff", handoff, HANDOFF_KEYS, HANDOFF_KEYS):
        for key in HANDOFF_KEYS:
            _check_text(problems, f"handoff.{key}", handoff.get(key))
    summary = spec.get("summary")
    if summary is not None and _check_keys(problems, "summary", summary, SUMMARY_KEYS):
        labels = summary.get("bound_labels")
        if labels is not None and _check_keys(problems, "summary.bound_labels", labels, BOUND_WORDS, BOUND_WORDS):
            for word in BOUND_WORDS:
                _check_text(problems, f"summary.bound_labels.{word}", labels.get(word))
    return problems


def _validate_criteria(problems: List[Problem], criteria: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    for key, value in criteria.items():
        # Extra numbers are named thresholds that conditions can use as "$name".
        if key not in CRITERIA_KEYS and not _is_number(value):
            problems.append((f"criteria.{key}", f"unknown key '{key}' (allowed: {_allowed(CRITERIA_KEYS)}, "
                                                "or a number to use as \"$" + str(key) + "\")"))
    for key in CRITERIA_NUMBERS:
        if key not in criteria:
            problems.append(("criteria", f"missing '{key}'"))
        elif not _is_number(criteria[key]):
            problems.append((f"criteria.{key}", f"should be a number, found {criteria[key]!r}"))
    lo, hi = criteria.get("duration_min"), criteria.get("duration_max")
    if _is_number(lo) and _is_number(hi) and lo > hi:
        problems.append(("criteria.duration_min", f"duration_min ({lo}) is above duration_max ({hi})"))
    if _is_number(criteria.get("hba1c_threshold")) and not 0 < criteria["hba1c_threshold"] < 30:
        problems.append(("criteria.hba1c_threshold", "should be a percent between 0 and 30"))

    seen: Dict[str, str] = {}
    for group, keys, wording in (("exclusions", EXCLUSION_KEYS, ("name", "explanation", "what_could_change")),
                                 ("notes", NOTE_KEYS, ("text",))):
        records = criteria.get(group)
        if records is None:
            if group == "exclusions":
                problems.append(("criteria", "missing 'exclusions'"))
            continue
        if not isinstance(records, list):
            problems.append((f"criteria.{group}", "should be a list"))
            continue
        for i, record in enumerate(records):
            path = f"criteria.{group}[{i}]"
            if not _check_keys(problems, path, record, keys, keys):
                continue
            rid = record.get("id")
            if not isinstance(rid, str) or not _ID_RE.match(rid):
                problems.append((f"{path}.id", "id should be lower-case letters, digits and _"))
            elif rid in seen:
                problems.append((f"{path}.id", f"duplicate id '{rid}' (also {seen[rid]})"))
            else:
                seen[rid] = path
            for key in wording:
                _check_text(problems, f"{path}.{key}", record.get(key))
            if "when" in record:
                problems.extend(validate_condition(record["when"], f"{path}.when", spec))
    _check_percent_wording(problems, criteria, spec)


def _check_percent_wording(problems: List[Problem], criteria: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    """Wording that quotes the HbA1c limit must follow hba1c_threshold when staff change it."""
    limit = criteria.get("hba1c_threshold")
    if not _is_number(limit):
        return
    places: List[Tuple[str, Any]] = []
    for i, record in enumerate(criteria.get("exclusions") or []):
        if isinstance(record, Mapping) and "$hba1c_threshold" in repr(record.get("when")):
            places += [(f"criteria.exclusions[{i}].{k}", record.get(k)) for k in ("name", "explanation")]
    for i, q in enumerate(spec.get("questions") or []):
        if isinstance(q, Mapping) and q.get("slot") == "ps_a1c":
            places += [(f"questions[{i}].buttons[{j}].title", b.get("title"))
                       for j, b in enumerate(q.get("buttons") or []) if isinstance(b, Mapping)]
    for path, text in places:
        for m in _PERCENT_RE.finditer(text if isinstance(text, str) else ""):
            if float(m.group(1)) != float(limit):
                problems.append((path, f"says {m.group(0)} but criteria.hba1c_threshold is {limit:g}: "
                                       "update the wording"))


def _validate_questions(problems: List[Problem], spec: Mapping[str, Any]) -> None:
    questions = spec.get("questions")
    if questions is None:
        return
    if not isinstance(questions, list):
        problems.append(("questions", "should be a list"))
        return
    seen: Dict[str, str] = {}
    for i, q in enumerate(questions):
        path = f"questions[{i}]"
        if not _check_keys(problems, path, q, QUESTION_KEYS, QUESTION_REQUIRED):
            continue
        slot = q.get("slot")
        if slot not in SLOTS:
            problems.append((f"{path}.slot", f"unknown slot '{slot}' (allowed: {_allowed(SLOTS)})"))
            continue
        if slot in seen:
            problems.append((f"{path}.slot", f"{slot} is asked twice (also {seen[slot]})"))
        seen[slot] = path
        _check_text(problems, f"{path}.text", q.get("text"))
        _check_text(problems, f"{path}.reask", q.get("reask"))
        _check_text(problems, f"{path}.summary_label", q.get("summary_label"), required=False)
        for key in ("unit", "unit_one"):
            _check_text(problems, f"{path}.{key}", q.get(key), required=False)
        if "gate" in q and not isinstance(q["gate"], bool):
            problems.append((f"{path}.gate", "should be true or false"))
        if q.get("gate") and "yes" not in SLOTS[slot]["values"]:
            problems.append((f"{path}.gate", f"a gate question needs a yes answer; {slot} has none"))
        if "ask_if" in q:
            problems.extend(validate_condition(q["ask_if"], f"{path}.ask_if", spec))
        if "implied" in q and _check_keys(problems, f"{path}.implied", q["implied"], IMPLIED_KEYS, IMPLIED_KEYS):
            _check_value(problems, f"{path}.implied.value", slot, q["implied"].get("value"))
            if "when" in q["implied"]:
                problems.extend(validate_condition(q["implied"]["when"], f"{path}.implied.when", spec))
        labelled: Set[Any] = set()
        buttons = q.get("buttons")
        if buttons is not None:
            if not isinstance(buttons, list):
                problems.append((f"{path}.buttons", "should be a list of {title: ..., value: ...}"))
                buttons = []
            titles: Dict[str, int] = {}
            for j, b in enumerate(buttons):
                bpath = f"{path}.buttons[{j}]"
                if not _check_keys(problems, bpath, b, BUTTON_KEYS, BUTTON_KEYS):
                    continue
                _check_text(problems, f"{bpath}.title", b.get("title"))
                if "value" in b:
                    _check_value(problems, f"{bpath}.value", slot, b["value"])
                    labelled.add(b["value"])
                title = str(b.get("title") or "").strip().lower()
                if title in titles:
                    problems.append((f"{bpath}.title", f"same title as buttons[{titles[title]}]"))
                titles[title] = j
        labels = q.get("value_labels")
        if labels is not None and _check_keys(problems, f"{path}.value_labels", labels,
                                              [str(v) for v in SLOTS[slot]["values"]]):
            for value, text in labels.items():
                _check_text(problems, f"{path}.value_labels.{value}", text)
                labelled.add(value)
        if q.get("summary_label"):
            for value in SLOTS[slot]["values"]:
                if value not in labelled:
                    problems.append((path, f"answer '{value}' has no words for the summary: add a button "
                                           f"with value: {value} or a value_labels entry"))
    for slot in SLOTS:
        if slot not in seen:
            problems.append(("questions", f"no question for {slot}"))
    gates = [i for i, q in enumerate(questions) if isinstance(q, Mapping) and q.get("gate")]
    if gates and gates[0] != 0:
        problems.append((f"questions[{gates[0]}].gate", "the gate (consent) question must come first"))
