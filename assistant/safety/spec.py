"""The safety spec (content/safety.yml): loading, structure and field checks.

Checks everything a staff edit can get wrong in the file itself: unknown or
missing keys, ids, word lists (``words:``, expanded into regex alternations),
patterns (through pattern_rules.py) and reply messages (placeholders and the
hotlines each kind of message must keep, ``REQUIRED_IN_MESSAGE``). Whether the
examples and the corpora are detected is checked with a built detector
(matching.py, corpora.py; the whole check is ``validate_spec`` in validate.py).

Errors are (field path, problem) pairs, e.g.
("crisis.categories[0].patterns[3]", "bad regex: ..."); message text is never
logged.
"""

from __future__ import annotations

import os
import re
import string
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Union

import yaml

from assistant import contract, yamlload
from assistant.safety.pattern_rules import compile_problem

DEFAULT_SPEC_PATH = Path(__file__).resolve().parents[2] / "content" / "safety.yml"

#: Kinds in priority order (first wins).
KINDS: tuple[str, ...] = ("crisis", "emergency", "pain_idiom", "medical_advice")

#: NLU intent that MessageGuard sets for each kind (see docs/ARCHITECTURE.md).
INTENT_BY_KIND: dict[str, str] = {kind: contract.SAFETY_INTENT_BY_KIND[kind] for kind in KINDS}

PLACEHOLDERS = frozenset({"clinic_name", "team_name", "phone", "email", "hours", "intake_url"})

# A hotline must never be edited out of the message that needs it. Matched on
# the lowercased text with runs of spaces folded; "988lifeline.org" alone does
# not count as "988" (a word edge is required).
REQUIRED_IN_MESSAGE: dict[str, tuple[str, ...]] = {
    "crisis": ("call or text 988", "911"),
    "emergency": ("911",),
    "pain_idiom": ("988",),
}

TOP_KEYS: tuple[str, ...] = ("version", "words") + KINDS
SECTION_KEYS: tuple[str, ...] = ("description", "message", "categories")
CATEGORY_KEYS: tuple[str, ...] = ("id", "description", "patterns", "message", "examples")

_ID_RE = re.compile(r"^[a-z0-9_]+$")
_WORD_LIST_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_WORD_LIST_REF_RE = re.compile(r"\{([a-z][a-z0-9_]*)\}")

PathLike = Union[str, "os.PathLike[str]"]
Errors = list[tuple[str, str]]


class SafetySpecError(ValueError):
    """The safety spec failed validation; ``errors`` holds (field path, message)."""

    def __init__(self, errors: Sequence[tuple[str, str]]) -> None:
        self.errors = list(errors)
        shown = "; ".join(f"{p or '<file>'}: {m}" for p, m in self.errors[:5])
        more = f" (+{len(self.errors) - 5} more)" if len(self.errors) > 5 else ""
        super().__init__(f"invalid safety spec: {shown}{more}")


def load_spec(path: PathLike | None = None) -> dict[str, Any]:
    """Read safety.yml (or ``path``) and return its data. Does not validate."""
    p = Path(path) if path is not None else DEFAULT_SPEC_PATH
    with open(p, encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=yamlload.LOADER)
    return data if data is not None else {}


def _unknown_keys(data: dict[str, Any], allowed: Sequence[str], path: str) -> Errors:
    out = []
    for key in data:
        if key not in allowed:
            where = f"{path}.{key}" if path else str(key)
            out.append((where, f"unknown key '{key}'; allowed keys: {', '.join(allowed)}"))
    return out


def expand(pattern: str, word_lists: dict[str, str]) -> tuple[str, list[str]]:
    """Replace {name} with the word list's alternatives; return unknown names."""
    missing: list[str] = []

    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in word_lists:
            return word_lists[name]
        missing.append(name)
        return m.group(0)

    return _WORD_LIST_REF_RE.sub(sub, pattern), missing


def check_message(msg: Any, path: str, kind: str) -> Errors:
    """Problems with one reply message: empty, unknown placeholders, a hotline left out."""
    if not isinstance(msg, str) or not msg.strip():
        return [(path, "message must be non-empty text")]
    errors = []
    try:
        names = [f for _, f, _, _ in string.Formatter().parse(msg) if f is not None]
    except ValueError as exc:
        return [(path, f"bad placeholder syntax: {exc} (write {{phone}}, not {{ phone }})")]
    for name in names:
        if name not in PLACEHOLDERS:
            errors.append(
                (
                    path,
                    f"unknown placeholder '{{{name}}}'; allowed: "
                    + ", ".join("{" + p + "}" for p in sorted(PLACEHOLDERS)),
                )
            )
    folded = " ".join(msg.lower().split())
    for needed in REQUIRED_IN_MESSAGE.get(kind, ()):
        if not re.search(r"(?<![\w.])" + re.escape(needed) + r"(?![\w])", folded):
            errors.append((path, f"a {kind} message must say '{needed}'"))
    return errors


def word_lists(spec: dict[str, Any], errors: Errors) -> dict[str, str]:
    """Expand ``words:`` into one regex alternation per list; lists may use other lists.

    Problems are appended to ``errors``; lists with no usable entry are left out.
    """
    raw = spec.get("words", {}) or {}
    if not isinstance(raw, dict):
        errors.append(("words", "must be a mapping of list name -> list of words"))
        return {}
    entries: dict[str, list[tuple[int, str]]] = {}
    for name, items in raw.items():
        path = f"words.{name}"
        if not isinstance(name, str) or not _WORD_LIST_NAME_RE.match(name):
            errors.append((path, "list names use a-z, 0-9 and _ and start with a letter"))
            continue
        if not isinstance(items, list) or not items:
            errors.append((path, "must be a non-empty list of words"))
            continue
        good = []
        for i, entry in enumerate(items):
            if not isinstance(entry, str) or not entry.strip():
                errors.append((f"{path}[{i}]", "must be non-empty text"))
            else:
                good.append((i, entry))
        entries[name] = good

    resolved: dict[str, str | None] = {}

    def resolve(name: str, stack: tuple[str, ...]) -> str | None:
        if name in resolved:
            return resolved[name]
        if name in stack:
            errors.append((f"words.{name}", "a word list cannot include itself"))
            return None
        parts = []
        for i, entry in entries[name]:
            missing: list[str] = []

            def sub(m: re.Match[str], missing: list[str] = missing) -> str:
                ref = m.group(1)
                if ref not in entries:
                    missing.append(ref)
                    return m.group(0)
                return resolve(ref, stack + (name,)) or m.group(0)

            expanded = _WORD_LIST_REF_RE.sub(sub, entry)
            if missing:
                errors.append(
                    (
                        f"words.{name}[{i}]",
                        f"unknown word list {{{missing[0]}}}; defined: " + ", ".join(sorted(entries)),
                    )
                )
                continue
            problem = compile_problem(expanded)
            if problem:
                errors.append((f"words.{name}[{i}]", problem))
                continue
            parts.append(expanded)
        resolved[name] = "(?:" + "|".join(parts) + ")" if parts else None
        return resolved[name]

    for name in entries:
        resolve(name, ())
    return {k: v for k, v in resolved.items() if v}


def _pattern_errors(pats: Any, cpath: str, lists: dict[str, str]) -> Errors:
    """Problems with one category's ``patterns`` list."""
    if not isinstance(pats, list) or not pats:
        return [(f"{cpath}.patterns", "must be a non-empty list of patterns")]
    errors: Errors = []
    seen_pats: dict[str, int] = {}
    for pi, pat in enumerate(pats):
        ppath = f"{cpath}.patterns[{pi}]"
        if not isinstance(pat, str) or not pat.strip():
            errors.append((ppath, "must be non-empty text"))
            continue
        if pat in seen_pats:
            errors.append((ppath, f"duplicate of patterns[{seen_pats[pat]}]"))
            continue
        seen_pats[pat] = pi
        expanded, missing = expand(pat, lists)
        if missing:
            errors.append(
                (ppath, f"unknown word list {{{missing[0]}}}; defined: " + (", ".join(sorted(lists)) or "none"))
            )
            continue
        problem = compile_problem(expanded)
        if problem:
            errors.append((ppath, problem))
    return errors


def _category_errors(
    cat: Any, cpath: str, kind: str, default_msg: Any, lists: dict[str, str], seen_ids: dict[str, str]
) -> Errors:
    """Problems with one category; records its id in ``seen_ids``."""
    if not isinstance(cat, dict):
        return [(cpath, "must be a mapping with: " + ", ".join(CATEGORY_KEYS))]
    errors = _unknown_keys(cat, CATEGORY_KEYS, cpath)
    cid = cat.get("id")
    if not isinstance(cid, str) or not _ID_RE.match(cid):
        errors.append((f"{cpath}.id", "missing or invalid id (use a-z, 0-9 and _)"))
    elif cid in seen_ids:
        errors.append((f"{cpath}.id", f"duplicate id '{cid}' (also at {seen_ids[cid]})"))
    else:
        seen_ids[cid] = cpath
    if "message" in cat:
        errors += check_message(cat["message"], f"{cpath}.message", kind)
    elif default_msg is None:
        errors.append((f"{cpath}.message", f"missing message (give this category one, or give {kind} a message)"))
    errors += _pattern_errors(cat.get("patterns"), cpath, lists)
    examples = cat.get("examples", [])
    if not isinstance(examples, list) or not all(isinstance(e, str) for e in examples):
        errors.append((f"{cpath}.examples", "must be a list of example messages"))
    if not isinstance(cat.get("description", ""), str):
        errors.append((f"{cpath}.description", "must be text"))
    return errors


def structure_errors(spec: Any) -> tuple[Errors, dict[str, str]]:
    """Check everything except the examples; return errors and expanded word lists."""
    errors: Errors = []
    if not isinstance(spec, dict):
        return [("", "the file must be a mapping with the sections " + ", ".join(KINDS))], {}
    errors += _unknown_keys(spec, TOP_KEYS, "")
    lists = word_lists(spec, errors)
    seen_ids: dict[str, str] = {}
    for kind in KINDS:
        section = spec.get(kind)
        if section is None:
            errors.append((kind, "missing section"))
            continue
        if not isinstance(section, dict):
            errors.append((kind, "must be a mapping with: " + ", ".join(SECTION_KEYS)))
            continue
        errors += _unknown_keys(section, SECTION_KEYS, kind)
        if not isinstance(section.get("description", ""), str):
            errors.append((f"{kind}.description", "must be text"))
        default_msg = section.get("message")
        if default_msg is not None:
            errors += check_message(default_msg, f"{kind}.message", kind)
        cats = section.get("categories")
        if not isinstance(cats, list) or not cats:
            errors.append((f"{kind}.categories", "must be a non-empty list"))
            continue
        for ci, cat in enumerate(cats):
            errors += _category_errors(cat, f"{kind}.categories[{ci}]", kind, default_msg, lists, seen_ids)
    return errors, lists
