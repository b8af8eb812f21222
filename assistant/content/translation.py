"""The Spanish content (`content/es/`): how it is laid over the English files, and its check.

Why a parallel tree and not both languages in each record: staff (and the
clinical lead for safety.yml) review one language at a time, each file keeps
the shape and comments of its English twin, a translator never touches the
English wording or the safety patterns, and the English files, the console
and their checks stay as they were.

`content/es/<file>.yml` has the same structure and the same ids as
`content/<file>.yml` and holds only the words: texts, titles, labels.
Everything else (buttons' targets, ask_if conditions, criteria, the safety
patterns, clinic details) comes from the English file. `overlay(en, es)`
lays the Spanish words over a copy of the English data, record by record
(topics by id, questions by slot, categories by id); a key that has no
Spanish text keeps its English text, and `check_translation` reports it.

`check_translation(ctx)` (part of `validate_dir`, so `make check` and every
live reload run it): each text the English files have and the Spanish ones
lack, placeholders that differ between the two languages, Spanish files
that do not parse, and the reading ease of Spanish answers
(Szigriszt-Pazos / INFLESZ, with pyphen's Spanish syllables; 55-65 is
"normal", about US grade 8; 65 and above "fairly easy").
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assistant.content.check.yamldoc import parse_yaml

LANGUAGE_DIRS = {"es": "es"}
FILES = ("clinic", "faq", "messages", "prescreen", "safety")
#: list items are matched by the first of these keys they have
RECORD_KEYS = ("id", "slot")
#: keys whose values are not words for the visitor (taken from the English file)
NOT_WORDS = {
    "id",
    "slot",
    "topic",
    "intent",
    "url",
    "source",
    "last_reviewed",
    "follow_ups",
    "ask_if",
    "when",
    "patterns",
    "examples",
    "description",
    "placeholders",
    "intake_url",
    "phone",
    "email",
    "field",
    "value",
    "equals",
    "gt",
    "lt",
    "gte",
    "lte",
    "all",
    "any",
}
# Szigriszt-Pazos (INFLESZ): below WARN "normal" turns "somewhat hard"; below MAX it is an error.
EASE_WARN = 60.0
EASE_MIN = 50.0
EASE_MIN_WORDS = 20
_PLACEHOLDER = re.compile(r"\{([A-Za-z_ ]+)\}")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_SENTENCE = re.compile(r"[.!?¿¡:;]+")


def _key(item: Any) -> str | None:
    if isinstance(item, dict):
        for k in RECORD_KEYS:
            if k in item:
                return f"{k}={item[k]}"
    return None


def overlay(en: Any, es: Any) -> Any:
    """A copy of ``en`` with the Spanish words of ``es`` laid over it."""
    if isinstance(en, dict) and isinstance(es, dict):
        out = {}
        for k, v in en.items():
            if k in es and k not in NOT_WORDS:
                out[k] = overlay(v, es[k])
            else:
                out[k] = copy.deepcopy(v)
        return out
    if isinstance(en, list) and isinstance(es, list):
        keyed = {_key(i): i for i in es if _key(i)}
        if keyed or any(_key(i) for i in en):
            return [overlay(i, keyed[_key(i)]) if _key(i) in keyed else copy.deepcopy(i) for i in en]
        if len(en) == len(es):
            return [overlay(a, b) for a, b in zip(en, es)]
        return copy.deepcopy(es) if all(isinstance(b, dict) and "title" in b for b in es) else copy.deepcopy(en)
    if isinstance(en, str) and isinstance(es, str) and es.strip():
        return es
    if isinstance(en, str) and isinstance(es, (int, float)):
        return str(es)
    return copy.deepcopy(en) if es is None or isinstance(es, (dict, list)) else es


def texts(data: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(dotted path, text) of every visitor-facing text in a content file's data."""
    if isinstance(data, dict):
        for k, v in data.items():
            if k in NOT_WORDS or k == "language":  # a language button points at the other language
                continue
            yield from texts(v, f"{path}.{k}" if path else str(k))
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from texts(item, f"{path}[{_key(item) or i}]")
    elif isinstance(data, str) and data.strip():
        yield path, data


def placeholders(text: str) -> set[str]:
    return {m.group(1) for m in _PLACEHOLDER.finditer(text)}


def reading_ease_es(text: str) -> float | None:
    """Szigriszt-Pazos reading ease of Spanish text (pyphen syllables), None if pyphen is missing."""
    try:
        import pyphen  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - a textstat dependency
        return None
    dic = _pyphen(pyphen)
    text = _PLACEHOLDER.sub("x", text)
    words = _WORD.findall(text)
    if not words:
        return None
    syllables = sum(max(1, len(dic.positions(w.lower())) + 1) for w in words)
    sentences = max(1, len([s for s in _SENTENCE.split(text) if _WORD.search(s)]))
    return round(206.835 - 62.3 * syllables / len(words) - len(words) / sentences, 1)


_PYPHEN: list[Any] = []


def _pyphen(module: Any) -> Any:
    if not _PYPHEN:
        _PYPHEN.append(module.Pyphen(lang="es"))
    return _PYPHEN[0]


def spanish_dir(content_dir: Path, language: str = "es") -> Path:
    return Path(content_dir) / LANGUAGE_DIRS[language]


def check_translation(ctx: Any, english: dict[str, Any], language: str = "es") -> dict[str, Any] | None:
    """Check content/es/ against the English data; returns the Spanish data per file (None: no folder)."""
    folder = spanish_dir(ctx.content_dir, language)
    if not folder.is_dir():
        return None
    label = f"{ctx.content_label}/{language}"
    out: dict[str, Any] = {}
    for stem in FILES:
        path = folder / f"{stem}.yml"
        file = f"{label}/{stem}.yml"
        if not path.is_file():
            ctx.add_raw(file, None, "", f"the Spanish {stem}.yml is missing: the English text is served", "warning")
            out[stem] = {}
            continue
        try:
            doc = parse_yaml(path.read_text(encoding="utf-8"))
        except Exception as exc:
            ctx.add_raw(file, None, "", f"cannot be read ({type(exc).__name__}): fix the YAML")
            out[stem] = {}
            continue
        data = doc.data if isinstance(doc.data, dict) else {}
        out[stem] = data
        en_texts = dict(texts(english.get(stem) or {}))
        if stem == "safety":  # only the replies are translated; the patterns are the English file's
            en_texts = {k: v for k, v in en_texts.items() if k.endswith("message")}
            _check_safety_numbers(ctx, file, overlay(english.get(stem) or {}, data))
        es_texts = dict(texts(overlay(english.get(stem) or {}, data)))
        own = dict(texts(data))
        for field, en_text in en_texts.items():
            line = _line(doc, field)
            es_text = es_texts.get(field, en_text)
            if field not in own:
                if stem == "clinic":
                    continue  # the clinic's name, phone, email and links are the same in both languages
                ctx.add_raw(file, line, field, "no Spanish text: the English text is served", "warning")
                continue
            if placeholders(es_text) != placeholders(en_text):
                ctx.add_raw(
                    file,
                    line,
                    field,
                    f"placeholders differ from the English text: {sorted(placeholders(es_text))} "
                    f"here, {sorted(placeholders(en_text))} in English",
                    "warning",  # reported; an English edit is not held up by its Spanish twin
                )
            if stem in ("faq", "messages") and len(_WORD.findall(es_text)) >= EASE_MIN_WORDS:
                ease = reading_ease_es(es_text)
                if ease is not None and ease < EASE_MIN:
                    ctx.add_raw(
                        file,
                        line,
                        field,
                        f"Spanish reading ease {ease:g} (Szigriszt-Pazos) is below "
                        f"{EASE_MIN:g}: use shorter sentences and simpler words",
                    )
                elif ease is not None and ease < EASE_WARN:
                    ctx.add_raw(
                        file,
                        line,
                        field,
                        f"Spanish reading ease {ease:g} (Szigriszt-Pazos); aim for "
                        f"{EASE_WARN:g} or more (about US grade 8)",
                        "warning",
                    )
    return out


def _check_safety_numbers(ctx: Any, file: str, safety: Any) -> None:
    """Spanish crisis replies give 988 (call, text AYUDA) and 911; emergency replies give 911."""
    for kind, section in (safety or {}).items():
        if kind not in ("crisis", "emergency") or not isinstance(section, dict):
            continue
        replies = [("message", section.get("message"))] + [
            (f"categories[id={c.get('id')}].message", c.get("message"))
            for c in section.get("categories") or []
            if isinstance(c, dict)
        ]
        for field, text in replies:
            if not isinstance(text, str):
                continue
            needed = ["911"] + (["988", "AYUDA"] if kind == "crisis" else [])
            for word in needed:
                if word not in text:
                    ctx.add_raw(file, None, f"{kind}.{field}", f"a Spanish {kind} reply must include {word}")


def _line(doc: Any, field: str) -> int | None:
    dotted = re.sub(r"\[(?:id|slot)=([^\]]+)\]", r".\1", field)
    try:
        return doc.line_of(field) or doc.line_of(dotted)
    except Exception:
        return None
