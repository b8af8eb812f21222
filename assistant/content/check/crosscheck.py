"""FAQ topics against the Rasa project: NLU intents (data/nlu), domain.yml and the FAQ rule.

Every topic needs an intent faq_<id> with example phrasings, listed in
domain.yml and answered by a rule; every faq_* intent needs a topic. The NLU
files are read with line numbers and cached by file signature (they can be
large and the content store runs this check on every reload).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import yaml

from assistant.content.check.context import Context
from assistant.content.check.report import Problem, suggest
from assistant.content.check.yamldoc import load_yaml

_NLU_CACHE: dict[tuple[str, int, int], list[NluIntent | Problem]] = {}


@dataclasses.dataclass
class NluIntent:
    name: str
    file: str
    line: int
    examples: int


def load_nlu(ctx: Context) -> None:
    """`ctx.nlu`: every intent of data/nlu (or data/) with its example count."""
    if ctx.data_dir is None:
        return
    base = ctx.data_dir / "nlu"
    root = base if base.is_dir() else ctx.data_dir
    if not root.is_dir():
        ctx.add_raw(str(ctx.data_dir), None, "", "NLU data folder not found; intent checks skipped", "warning")
        return
    files = sorted(p for p in root.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file())
    try:
        label_root = ctx.data_dir.resolve().parent
    except Exception:
        label_root = ctx.data_dir.parent
    intents: dict[str, NluIntent] = {}
    for path in files:
        try:
            label = str(path.resolve().relative_to(label_root))
        except ValueError:
            label = str(path)
        for item in nlu_intents(path, label):
            if isinstance(item, Problem):
                ctx.problems.append(item)
                continue
            if item.name in intents:
                intents[item.name].examples += item.examples
            else:
                intents[item.name] = item
    ctx.nlu = intents


def check_nlu_links(ctx: Context) -> None:
    """Each topic has training phrasings; each faq_* intent has a topic."""
    if ctx.nlu is None or ctx.topic_ids is None:
        return
    reported = set()
    for i, topic_id in sorted(ctx.topic_index.items()):
        if topic_id in reported:
            continue
        reported.add(topic_id)
        intent = ctx.nlu.get(f"faq_{topic_id}")
        if intent is None or intent.examples == 0:
            ctx.add(
                "faq",
                f"topics[{i}].id",
                f"no training phrasings: add intent faq_{topic_id} with example "
                "questions to data/nlu/faq.yml, then run make train",
            )
    for name, intent in sorted(ctx.nlu.items()):
        if name.startswith("faq_") and name[4:] not in ctx.topic_ids:
            ctx.add_raw(
                intent.file,
                intent.line,
                name,
                f"has no topic in {ctx.file_label('faq')} (no topic with id '{name[4:]}')"
                f"{suggest(name[4:], sorted(ctx.topic_ids))}",
                where=f"intent {name}",
            )


def check_dialogue_links(ctx: Context) -> None:
    """Every topic's intent must be in domain.yml and answered by a rule."""
    if ctx.topic_ids is None or ctx.data_dir is None or ctx.nlu is None:
        return
    domain = intent_names(ctx.data_dir.parent / "domain.yml", "intents")
    rules: set[str] = set()
    for path in sorted((ctx.data_dir / "rules").glob("*.yml")) if (ctx.data_dir / "rules").is_dir() else []:
        rules |= intent_names(path, "rules") or set()
    for i, topic_id in sorted(ctx.topic_index.items()):
        name = f"faq_{topic_id}"
        if domain is not None and name not in domain:
            ctx.add(
                "faq",
                f"topics[{i}].id",
                f"intent {name} is not listed under intents in domain.yml; add it, then run make train",
            )
        if rules and name not in rules:
            ctx.add(
                "faq",
                f"topics[{i}].id",
                f"no rule answers {name}: add '- intent: {name}' to the FAQ "
                "rule in data/rules/faq.yml, then run make train",
            )


def intent_names(path: Path, section: str) -> set[str] | None:
    """Intent names listed in domain.yml (`intents`) or used in a rules file (`rules`)."""
    try:
        data = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    if section == "intents":
        names = set()
        for item in data.get("intents") or []:
            names.add(next(iter(item)) if isinstance(item, dict) and item else str(item))
        return names
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("intent"), str):
                found.add(node["intent"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data.get("rules") or [])
    return found


def nlu_intents(path: Path, label: str) -> list[NluIntent | Problem]:
    """Intents (with example counts) of one Rasa NLU file, cached by file signature."""
    try:
        st = path.stat()
    except OSError:
        return []
    key = (str(path), st.st_mtime_ns, st.st_size)
    if key not in _NLU_CACHE:
        if len(_NLU_CACHE) > 200:
            _NLU_CACHE.clear()
        _NLU_CACHE[key] = _read_nlu(path, label)
    # copies: the caller adds up example counts of an intent found in several files
    return [dataclasses.replace(x) if isinstance(x, NluIntent) else x for x in _NLU_CACHE[key]]


def _read_nlu(path: Path, label: str) -> list[NluIntent | Problem]:
    out: list[NluIntent | Problem] = []
    try:
        doc = load_yaml(path)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        out.append(
            Problem(label, mark.line + 1 if mark else None, "", f"YAML syntax error: {exc.problem or exc.context}")
        )
        doc = None
    except (yaml.YAMLError, OSError, UnicodeDecodeError) as exc:
        out.append(Problem(label, None, "", f"cannot be read ({type(exc).__name__})"))
        doc = None
    if doc is not None and isinstance(doc.data, dict) and isinstance(doc.data.get("nlu"), list):
        for i, item in enumerate(doc.data["nlu"]):
            if not isinstance(item, dict) or not isinstance(item.get("intent"), str):
                continue
            examples = item.get("examples")
            count = 0
            if isinstance(examples, str):
                count = sum(1 for ln in examples.splitlines() if ln.strip().startswith("-") and ln.strip()[1:].strip())
            elif isinstance(examples, list):
                count = len(examples)
            out.append(NluIntent(item["intent"], label, doc.line_of(f"nlu[{i}].intent") or 0, count))
    return out
