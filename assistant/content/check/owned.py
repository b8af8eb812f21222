"""prescreen.yml and safety.yml: checked by the modules that own them, then like any text.

Their structure and meaning are checked by their owners' `validate_spec`
(`assistant.prescreen.spec`, `assistant.safety`), whose (field path,
message) results are placed on file lines here. Then every visitor-facing
string gets the wording checks and every `buttons` list the button checks;
patterns, word lists, examples and conditions get none.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from assistant.content.check import buttons, schema, wording
from assistant.content.check.context import Context
from assistant.content.check.report import short
from assistant.content.check.yamldoc import YamlDoc, join_path

Validator = Callable[[Any], Iterable[Any]]

OWNED_FILES = ("prescreen", "safety")
# In prescreen.yml / safety.yml: strings under these keys are visitor-facing
# wording (graded for readability); strings under the SKIP keys are regular
# expressions, word lists, test examples, conditions or staff notes and get no
# text checks at all.
WORDING_KEYS = frozenset(
    [
        "text",
        "message",
        "answer",
        "reask",
        "explanation",
        "what_could_change",
        "intro",
        "summary_intro",
        "what_to_bring",
    ]
)
SKIP_KEYS = frozenset(
    [
        "patterns",
        "pattern",
        "regex",
        "regexes",
        "words",
        "terms",
        "keywords",
        "phrases",
        "lexicon",
        "examples",
        "description",
        "when",
        "ask_if",
        "implied",
        "notes_for_staff",
    ]
)


def _prescreen_validator() -> Validator:
    from assistant.prescreen.spec import validate_spec  # deferred: keeps `make check` start-up light

    return validate_spec


def _safety_validator() -> Validator:
    from assistant.safety import validate_spec

    return validate_spec


# owned file -> how to get its owner's validate_spec; the name is shown in messages
VALIDATORS: dict[str, Callable[[], Validator]] = {"prescreen": _prescreen_validator, "safety": _safety_validator}
OWNER_NAMES = {"prescreen": "assistant.prescreen.spec", "safety": "assistant.safety"}

_SEMANTIC_CACHE: dict[tuple[str, Any, str], list[Any]] = {}


def semantic_validator(stem: str) -> Validator | str:
    """The owner's validate_spec, or a string saying why it is not available."""
    owner = OWNER_NAMES[stem]
    try:
        found: Validator | str = VALIDATORS[stem]()
    except ModuleNotFoundError as exc:
        missing = exc.name or "?"
        found = f"{owner} not found" if owner.startswith(missing) else f"{owner} needs missing module {missing}"
    except Exception as exc:  # a broken module must not break the check
        found = f"{owner} failed to import: {type(exc).__name__}"
    if not isinstance(found, str) and not callable(found):
        found = f"{owner} has no validate_spec"
    return found


def check_owned_file(ctx: Context, stem: str) -> None:
    doc = ctx.docs.get(stem)
    if doc is None or doc.data is None:
        return
    if not schema.check(ctx, stem, "owned_file", doc.data):
        return
    validated = run_semantic_validator(ctx, stem, doc)
    before = len(ctx.problems)
    for path, key, value in walk_strings(doc.data):
        if not skipped(path):
            ctx.guarded(stem, check_owned_string, ctx, stem, path, key, value, validated)
    for path, found in walk_key(doc.data, "buttons"):
        if not skipped(path):
            ctx.guarded(stem, _check_answer_buttons, ctx, stem, path, found)
    # the owner's validator already reports placeholders in its wording: say it once
    theirs = {p.field for p in ctx.problems[:before] if "placeholder" in p.message}
    ctx.problems[before:] = [p for p in ctx.problems[before:] if not (p.field in theirs and "placeholder" in p.message)]


def _check_answer_buttons(ctx: Context, stem: str, path: str, found: Any) -> None:
    schema.check(ctx, stem, "answer_buttons", found, path)
    buttons.check_buttons(ctx, stem, path, found, free_answer=True)


def check_owned_string(ctx: Context, stem: str, path: str, key: Any, value: str, validated: bool) -> None:
    if key == "url":
        if not value.strip():
            ctx.add(stem, path, f"{ctx.rel(stem, path)} is empty")
        else:
            wording.check_url(ctx, stem, path, value)
    elif key in WORDING_KEYS:
        if not value.strip():
            if not validated:  # otherwise the owner's validator says so
                ctx.add(stem, path, f"{key} is empty")
        else:
            wording.check_wording(ctx, stem, path, value, what=str(key))
    elif re.search(r"\.buttons\[\d+\]\.title$", path):
        pass  # checked with the buttons
    else:
        wording.check_placeholders(ctx, stem, path, value)
        wording.check_links_in_text(ctx, stem, path, value)


def run_semantic_validator(ctx: Context, stem: str, doc: YamlDoc) -> bool:
    """Run the owner's validate_spec; False when it is not available."""
    validate = semantic_validator(stem)
    if isinstance(validate, str):
        ctx.add(stem, "", f"validator not available ({validate}); only the general checks ran", "warning")
        return False
    # validate_spec is a pure function of the file: skip it when the file is unchanged
    # (the safety validator compiles every pattern, ~100 ms, on each live reload)
    key = (stem, validate, ctx.hashes.get(stem, ""))
    try:
        results = _SEMANTIC_CACHE.get(key)
        if results is None:
            results = list(validate(copy.deepcopy(doc.data)) or [])
            if len(_SEMANTIC_CACHE) > 32:
                _SEMANTIC_CACHE.clear()
            _SEMANTIC_CACHE[key] = results
    except Exception as exc:
        ctx.add(
            stem,
            "",
            f"{OWNER_NAMES[stem]}.validate_spec failed ({type(exc).__name__}: {short(exc, 120)}); "
            "the file could not be fully checked",
        )
        return True
    for item in results or []:
        severity = "error"
        if isinstance(item, str):
            path, message = "", item
        elif isinstance(item, (tuple, list)) and len(item) >= 2:
            path, message = str(item[0] or ""), str(item[1])
            if len(item) >= 3 and item[2] in ("error", "warning"):
                severity = item[2]
        else:
            path, message = "", str(item)
        path = re.sub(rf"^{stem}(\.yml)?[.:]", "", path.strip())
        ctx.add(stem, path, message, severity)
    return True


@functools.lru_cache(maxsize=4096)
def skipped(path: str) -> bool:
    """Under a SKIP key (patterns, word lists, examples, conditions, notes)."""
    return any(re.sub(r"\[\d+\]", "", seg) in SKIP_KEYS for seg in path.split("."))


def walk_strings(data: Any, path: str = "", key: Any = None, _depth: int = 0) -> Iterator[tuple[str, Any, str]]:
    """(path, key, text) of every string, depth-limited (YAML aliases can loop)."""
    if _depth > 50:
        return
    if isinstance(data, str):
        yield path, key, data
    elif isinstance(data, dict):
        for k, v in data.items():
            yield from walk_strings(v, join_path(path, k), k, _depth + 1)
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from walk_strings(v, join_path(path, i), key, _depth + 1)


def walk_key(data: Any, wanted: str, path: str = "", _depth: int = 0) -> Iterator[tuple[str, Any]]:
    """(path, value) of every `wanted` key, not looking inside the values found."""
    if _depth > 50:
        return
    if isinstance(data, dict):
        for k, v in data.items():
            child = join_path(path, k)
            if k == wanted:
                yield child, v
            else:
                yield from walk_key(v, wanted, child, _depth + 1)
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from walk_key(v, wanted, join_path(path, i), _depth + 1)
