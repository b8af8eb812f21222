"""Checks of content/prescreen.yml: `validate_spec(data) -> [(field path, message)]`.

The content check (actions/content_check.py, SEMANTIC_VALIDATORS) runs
`validate_spec` on every load of the content directory, so the content store
(`get_content().prescreen`) only ever serves a spec that passed it; the
evaluation in `criteria.py` then trusts the file's shape. Paths are dotted
with [i] indexes, e.g. "criteria.exclusions[2].when", and every "unknown key"
message names the allowed ones. Pure: no I/O, no Rasa import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from assistant.prescreen.criteria import GROUP_OPERATORS, LEAF_OPERATORS
from assistant.prescreen.values import SLOTS, is_number, is_valid_value

__all__ = ["Problem", "validate_condition", "validate_spec"]

# Allowed keys of each part of prescreen.yml (validate_spec names them in errors).
TOP_KEYS = (
    "questions",
    "criteria",
    "outcomes",
    "handoff",
    "summary",
    "declined",
    "cancelled",
    "restarted",
    "mentioned",
    "replies",
    "confirm",
)
TOP_REQUIRED = ("questions", "criteria", "outcomes", "handoff", "declined", "cancelled", "replies", "confirm")
TEXT_RECORDS = ("declined", "cancelled", "restarted")  # {text: ...}
QUESTION_KEYS = (
    "slot",
    "text",
    "buttons",
    "reask",
    "summary_label",
    "ask_if",
    "gate",
    "implied",
    "value_labels",
    "unit",
    "unit_one",
    "explanation",
    "short_label",
)
QUESTION_REQUIRED = ("slot", "text", "reask", "explanation")
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
SUMMARY_KEYS = ("bound_labels", "hedge_labels", "about")
BOUND_WORDS = ("lt", "lte", "gt", "gte")
HEDGE_WORDS = ("yes", "no")
REPLY_KINDS = ("noted", "changed", "result")  # said before a question asked again (turn.py kinds)
CONFIRM_KEYS = ("intro", "text", "yes_title", "change_prefix", "which", "fix", "reask")
CONFIRM_TEXTS = ("which", "fix")  # {text: ...}
TITLE_MAX = 40  # a button's title (the content check's limit for every button)
SHORT_LABEL_MAX = 30
# The bot never decides (README): wording that sounds like a decision is refused.
VERDICT_RE = re.compile(r"\b(?:eligible|eligibility|approved|qualif(?:y|ies|ied)|disqualif\w*|accepted)\b", re.I)
# Words that mark the summary for the test drivers and the widget: not in the check before it.
SUMMARY_MARKERS = re.compile(r"\b(?:summary|intake|copy|your answers)\b", re.I)

_ID_RE = re.compile(r"^[a-z0-9_]+$")
_PERCENT_RE = re.compile(r"(\d+(?:\.\d+)?)\s*%")


Problem = tuple[str, str]


def _allowed(keys: Iterable[str]) -> str:
    return ", ".join(keys)


def _check_keys(
    problems: list[Problem],
    path: str,
    record: Any,
    allowed: Sequence[str],
    required: Sequence[str] = (),
    what: str = "",
) -> bool:
    if not isinstance(record, Mapping):
        problems.append(
            (path, f"should be a group of fields ({what or _allowed(allowed)}), found {type(record).__name__}")
        )
        return False
    for key in record:
        if key not in allowed:
            problems.append(
                (f"{path}.{key}" if path else str(key), f"unknown key '{key}' (allowed: {_allowed(allowed)})")
            )
    for key in required:
        if key not in record:
            problems.append((path, f"missing '{key}'"))
    return True


def _check_text(problems: list[Problem], path: str, value: Any, required: bool = True) -> None:
    if value is None:
        if required:
            problems.append((path, "missing wording"))
        return
    if not isinstance(value, str):
        problems.append((path, f"should be text, found {type(value).__name__}"))
    elif not value.strip():
        problems.append((path, "wording is empty"))


def _check_value(problems: list[Problem], path: str, slot: str, value: Any) -> None:
    if isinstance(value, bool):
        problems.append(
            (path, f'write the answer in quotes, "yes" or "no": YAML reads a bare yes/no as true/false (found {value})')
        )
    elif not is_valid_value(slot, value):
        allowed = list(SLOTS[slot]["values"]) + (["a number"] if SLOTS[slot]["numeric"] else [])
        problems.append((path, f"unknown value {value!r} for {slot} (allowed: {_allowed(map(str, allowed))})"))


def validate_condition(cond: Any, path: str, spec: Mapping[str, Any]) -> list[Problem]:
    """Problems of one condition (ask_if / when / implied.when)."""
    problems: list[Problem] = []
    allowed_all = ("slot",) + LEAF_OPERATORS + GROUP_OPERATORS
    if not isinstance(cond, Mapping) or not cond:
        return [
            (
                path,
                "should be a condition like {slot: ps_type, equals: diabetic}, "
                "{all: [...]}, {any: [...]} or {not: {...}}",
            )
        ]
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
        problems.append(
            (path, f"needs exactly one operator ({_allowed(LEAF_OPERATORS)}), found {_allowed(ops) if ops else 'none'}")
        )
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
            problems.append(
                (where, f"'{op}' compares numbers; {slot} is not a number (numeric slots: {_allowed(numeric)})")
            )
        if isinstance(arg, str) and arg.startswith("$"):
            name = arg[1:]
            crit: Mapping[str, Any] = spec["criteria"] if isinstance(spec.get("criteria"), Mapping) else {}
            if name not in crit:
                names = [k for k, v in crit.items() if is_number(v)]
                problems.append(
                    (where, f"unknown threshold '{arg}' (defined in criteria: {_allowed('$' + n for n in names)})")
                )
            elif not is_number(crit[name]):
                problems.append((where, f"threshold '{arg}' is not a number"))
        elif not is_number(arg):
            problems.append((where, f"'{op}' needs a number or a \"$name\" from criteria, found {arg!r}"))
    return problems


def validate_spec(spec: Any) -> list[Problem]:
    """Semantic checks of prescreen.yml: (field path, message) per problem.

    Paths are dotted with [i] indexes, e.g. "criteria.exclusions[2].when".
    """
    problems: list[Problem] = []
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
        problems.append(("criteria", f"should be a group of fields ({_allowed(CRITERIA_KEYS)})"))
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
        hedges = summary.get("hedge_labels")
        if hedges is not None:
            if isinstance(hedges, Mapping) and any(isinstance(k, bool) for k in hedges):
                problems.append(
                    (
                        "summary.hedge_labels",
                        'write the keys in quotes, "yes" and "no": YAML reads a bare yes/no as true/false',
                    )
                )
            elif _check_keys(problems, "summary.hedge_labels", hedges, HEDGE_WORDS, HEDGE_WORDS):
                for word in HEDGE_WORDS:
                    _check_text(problems, f"summary.hedge_labels.{word}", hedges.get(word))
        _check_text(problems, "summary.about", summary.get("about"), required=False)
    _validate_replies(problems, spec)
    _validate_confirm(problems, spec)
    _check_no_verdict(problems, spec)
    return problems


def _validate_replies(problems: list[Problem], spec: Mapping[str, Any]) -> None:
    replies = spec.get("replies")
    if replies is None or not _check_keys(problems, "replies", replies, REPLY_KINDS, REPLY_KINDS):
        return
    for kind in REPLY_KINDS:
        record = replies.get(kind)
        if record is not None and _check_keys(problems, f"replies.{kind}", record, ("text",), ("text",)):
            _check_text(problems, f"replies.{kind}.text", record.get("text"))


def _validate_confirm(problems: list[Problem], spec: Mapping[str, Any]) -> None:
    confirm = spec.get("confirm")
    if confirm is None or not _check_keys(problems, "confirm", confirm, CONFIRM_KEYS, CONFIRM_KEYS):
        return
    for key in CONFIRM_KEYS:
        path, value = f"confirm.{key}", confirm.get(key)
        if key in CONFIRM_TEXTS:
            if _check_keys(problems, path, value, ("text",), ("text",)):
                _check_text(problems, f"{path}.text", value.get("text"))
                value = value.get("text")
        elif key == "change_prefix":
            if not isinstance(value, str) or not value.strip():
                problems.append((path, 'should be a few words, like "Change: "'))
        else:
            _check_text(problems, path, value)
        marker = SUMMARY_MARKERS.search(value) if isinstance(value, str) else None
        if marker:
            problems.append(
                (
                    path,
                    f"do not use '{marker.group(0)}' here: it marks the summary "
                    "after the result, and this list comes before it",
                )
            )
    yes = confirm.get("yes_title")
    if isinstance(yes, str) and len(yes.strip()) > TITLE_MAX:
        problems.append(("confirm.yes_title", f"a button title is at most {TITLE_MAX} characters"))
    prefix = confirm.get("change_prefix") if isinstance(confirm.get("change_prefix"), str) else ""
    for i, q in enumerate(spec.get("questions") or []):
        label = q.get("short_label") if isinstance(q, Mapping) else None
        if isinstance(label, str) and len(prefix + label) > TITLE_MAX:
            problems.append(
                (
                    f"questions[{i}].short_label",
                    f"'{prefix}{label}' is longer than {TITLE_MAX} characters: shorten the label",
                )
            )


def _check_no_verdict(problems: list[Problem], spec: Mapping[str, Any]) -> None:
    """The assistant never says a visitor is eligible, approved or qualified: the team decides."""
    for path, text in _strings(spec, ""):
        if path.startswith("criteria.") and path.endswith((".when", ".id")):
            continue
        m = VERDICT_RE.search(text)
        if m:
            problems.append(
                (
                    path,
                    f"'{m.group(0)}' sounds like a decision; the team decides after the intake. "
                    'Say "may be a candidate" or "the team will review" instead',
                )
            )


def _strings(value: Any, path: str) -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(path, value)]
    out: list[tuple[str, str]] = []
    if isinstance(value, Mapping):
        for k, v in value.items():
            out += _strings(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _strings(v, f"{path}[{i}]")
    return out


def _validate_criteria(problems: list[Problem], criteria: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    for key, value in criteria.items():
        # Extra numbers are named thresholds that conditions can use as "$name".
        if key not in CRITERIA_KEYS and not is_number(value):
            problems.append(
                (
                    f"criteria.{key}",
                    f"unknown key '{key}' (allowed: {_allowed(CRITERIA_KEYS)}, "
                    'or a number to use as "$' + str(key) + '")',
                )
            )
    for key in CRITERIA_NUMBERS:
        if key not in criteria:
            problems.append(("criteria", f"missing '{key}'"))
        elif not is_number(criteria[key]):
            problems.append((f"criteria.{key}", f"should be a number, found {criteria[key]!r}"))
    lo, hi = criteria.get("duration_min"), criteria.get("duration_max")
    if is_number(lo) and is_number(hi) and lo > hi:
        problems.append(("criteria.duration_min", f"duration_min ({lo}) is above duration_max ({hi})"))
    if is_number(criteria.get("hba1c_threshold")) and not 0 < criteria["hba1c_threshold"] < 30:
        problems.append(("criteria.hba1c_threshold", "should be a percent between 0 and 30"))

    seen: dict[str, str] = {}
    for group, keys, wording in (
        ("exclusions", EXCLUSION_KEYS, ("name", "explanation", "what_could_change")),
        ("notes", NOTE_KEYS, ("text",)),
    ):
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


def _check_percent_wording(problems: list[Problem], criteria: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    """Wording that quotes the HbA1c limit must follow hba1c_threshold when staff change it."""
    limit = criteria.get("hba1c_threshold")
    if not is_number(limit):
        return
    places: list[tuple[str, Any]] = []
    for i, record in enumerate(criteria.get("exclusions") or []):
        if isinstance(record, Mapping) and "$hba1c_threshold" in repr(record.get("when")):
            places += [(f"criteria.exclusions[{i}].{k}", record.get(k)) for k in ("name", "explanation")]
    for i, q in enumerate(spec.get("questions") or []):
        if isinstance(q, Mapping) and q.get("slot") == "ps_a1c":
            places += [
                (f"questions[{i}].buttons[{j}].title", b.get("title"))
                for j, b in enumerate(q.get("buttons") or [])
                if isinstance(b, Mapping)
            ]
    for path, text in places:
        for m in _PERCENT_RE.finditer(text if isinstance(text, str) else ""):
            if float(m.group(1)) != float(limit):
                problems.append(
                    (path, f"says {m.group(0)} but criteria.hba1c_threshold is {limit:g}: update the wording")
                )


def _validate_questions(problems: list[Problem], spec: Mapping[str, Any]) -> None:
    questions = spec.get("questions")
    if questions is None:
        return
    if not isinstance(questions, list):
        problems.append(("questions", "should be a list"))
        return
    seen: dict[str, str] = {}
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
        _check_text(problems, f"{path}.explanation", q.get("explanation"), required=False)  # missing: said above
        _check_text(problems, f"{path}.short_label", q.get("short_label"), required=bool(q.get("summary_label")))
        if isinstance(q.get("short_label"), str) and len(q["short_label"].strip()) > SHORT_LABEL_MAX:
            problems.append((f"{path}.short_label", f"at most {SHORT_LABEL_MAX} characters (it goes on a button)"))
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
        labelled: set[Any] = set()
        buttons = q.get("buttons")
        if buttons is not None:
            if not isinstance(buttons, list):
                problems.append((f"{path}.buttons", "should be a list of {title: ..., value: ...}"))
                buttons = []
            titles: dict[str, int] = {}
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
        if labels is not None and _check_keys(
            problems, f"{path}.value_labels", labels, [str(v) for v in SLOTS[slot]["values"]]
        ):
            for value, text in labels.items():
                _check_text(problems, f"{path}.value_labels.{value}", text)
                labelled.add(value)
        if q.get("summary_label"):
            for value in SLOTS[slot]["values"]:
                if value not in labelled:
                    problems.append(
                        (
                            path,
                            f"answer '{value}' has no words for the summary: add a button "
                            f"with value: {value} or a value_labels entry",
                        )
                    )
    for slot in SLOTS:
        if slot not in seen:
            problems.append(("questions", f"no question for {slot}"))
    gates = [i for i, q in enumerate(questions) if isinstance(q, Mapping) and q.get("gate")]
    if gates and gates[0] != 0:
        problems.append((f"questions[{gates[0]}].gate", "the gate (consent) question must come first"))
