#!/usr/bin/env python3
"""See what the assistant would say, without chatting with it.

    python scripts/preview.py topic <id>                 # make preview-topic ID=timeline
    python scripts/preview.py message <id>               # a message from messages.yml
    python scripts/preview.py ask "<question>" [--model models/]   # make ask Q="..."

`topic` and `message` read content/ directly (placeholders filled from
clinic.yml or the CLINIC_* environment variables), so they show an edit at
once. `ask` runs the latest trained model in models/ to show which topic a
question reaches: it needs `make train` after new topics or phrasings.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
import textwrap
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant.content.check import Report, validate_dir  # noqa: E402
from assistant.content.check.wording import GRADE_MIN_WORDS, reading_grade, word_count  # noqa: E402
from assistant.content.placeholders import CLINIC_FIELDS, clinic_values, render  # noqa: E402

GUARD_INTENTS = {"crisis", "emergency", "pain_idiom", "ask_medical_advice"}
DEFAULT_FALLBACK_THRESHOLD = 0.3  # Rasa's FallbackClassifier default


# --------------------------------------------------------------------------
# Rendering (mirrors actions/content.py: links first, then follow-up topics)


def _topic(data: Mapping[str, Any], topic_id: str) -> Optional[Dict[str, Any]]:
    topics = (data.get("faq") or {}).get("topics") or []
    return next((t for t in topics if isinstance(t, dict) and t.get("id") == topic_id), None)


def _buttons(specs: Any, data: Mapping[str, Any], clinic: Mapping[str, str]) -> List[str]:
    lines = []
    for spec in specs or []:
        if not isinstance(spec, dict):
            continue
        title = render(spec.get("title"), clinic)
        if spec.get("topic"):
            target = _topic(data, spec["topic"])
            title = title or render((target or {}).get("title"), clinic)
            lines.append(f"[{title}]  -> answer '{spec['topic']}'" + ("" if target else "  (unknown topic: not shown)"))
        elif spec.get("intent"):
            lines.append(f"[{title}]  -> /{spec['intent']}")
        elif spec.get("url"):
            lines.append(f"[{title}]  -> opens {render(spec['url'], clinic)}")
        else:
            lines.append(f"[{title}]")
    return lines


def _wrap(text: str) -> str:
    return "\n".join(textwrap.fill(p, 78) if p.strip() else "" for p in text.split("\n"))


def _placeholder_note(data: Mapping[str, Any]) -> Optional[str]:
    listed = (data.get("clinic") or {}).get("placeholders") or []
    remaining = [f for f in listed if f in CLINIC_FIELDS and not os.environ.get(f"CLINIC_{f.upper()}")]
    if remaining:
        return f"note: still example values in clinic.yml: {', '.join(remaining)}"
    return None


def _problems_for(report: Report, file_stem: str, path_prefix: str) -> List[str]:
    out = []
    for p in report.problems:
        if p.file.endswith(f"/{file_stem}.yml") and (p.field == path_prefix or p.field.startswith(path_prefix + ".")
                                                     or p.field.startswith(path_prefix + "[")):
            out.append(f"  {p.severity}: {p}")
    return out


def topic_lines(report: Report, topic_id: str) -> List[str]:
    data = report.data
    if not isinstance(data.get("faq"), dict):
        return ["faq.yml could not be read; run make check to see why"]
    topics = data["faq"].get("topics") or []
    index = next((i for i, t in enumerate(topics) if isinstance(t, dict) and t.get("id") == topic_id), None)
    if index is None:
        import difflib

        ids = [t.get("id") for t in topics if isinstance(t, dict) and isinstance(t.get("id"), str)]
        close = difflib.get_close_matches(topic_id, ids, n=3)
        return [f"no topic '{topic_id}' in faq.yml" + (f"; did you mean: {', '.join(close)}?" if close else "")]
    topic = topics[index]
    clinic = clinic_values(data.get("clinic") or {})
    answer = render(topic.get("answer"), clinic)
    facts = [f"{len(answer)} characters"]
    if word_count(answer) >= GRADE_MIN_WORDS:
        grade = reading_grade(answer)
        if grade is not None:
            facts.append(f"reading grade {grade:g}")
    if topic.get("last_reviewed"):
        facts.append(f"last reviewed {topic['last_reviewed']}")
    lines = [f"Topic '{topic_id}': {render(topic.get('title'), clinic)}", f"({', '.join(facts)})", "",
             _wrap(answer), ""]
    buttons = _buttons(topic.get("links"), data, clinic)
    buttons += _buttons([{"topic": t} for t in topic.get("follow_ups") or [] if isinstance(t, str)], data, clinic)
    lines += ["Buttons:"] + [f"  {b}" for b in buttons] if buttons else ["Buttons: none"]
    problems = _problems_for(report, "faq", f"topics[{index}]")
    if problems:
        lines += ["", "make check says:"] + problems
    note = _placeholder_note(data)
    if note:
        lines += ["", note]
    return lines


def message_lines(report: Report, message_id: str) -> List[str]:
    data = report.data
    messages = (data.get("messages") or {}).get("messages")
    if not isinstance(messages, dict):
        return ["messages.yml could not be read; run make check to see why"]
    record = messages.get(message_id)
    if not isinstance(record, dict):
        return [f"no message '{message_id}' in messages.yml (there are: {', '.join(map(str, messages))})"]
    clinic = clinic_values(data.get("clinic") or {})
    lines = [f"Message '{message_id}':", "", _wrap(render(record.get("text"), clinic)), ""]
    buttons = _buttons(record.get("buttons"), data, clinic)
    lines += ["Buttons:"] + [f"  {b}" for b in buttons] if buttons else ["Buttons: none"]
    problems = _problems_for(report, "messages", f"messages.{message_id}")
    if problems:
        lines += ["", "make check says:"] + problems
    return lines


# --------------------------------------------------------------------------
# ask: run the trained model


def fallback_threshold(config_path: Path) -> float:
    """FallbackClassifier threshold from config.yml (Rasa's default when absent)."""
    import yaml

    try:
        config = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
        for component in config.get("pipeline") or []:
            if isinstance(component, dict) and str(component.get("name", "")).endswith("FallbackClassifier"):
                return float(component.get("threshold", DEFAULT_FALLBACK_THRESHOLD))
    except Exception:  # noqa: BLE001
        pass
    return DEFAULT_FALLBACK_THRESHOLD


def _intent_messages() -> Dict[str, str]:
    try:  # the action server's own table, so this never drifts from what it sends
        from actions.replies import INTENT_MESSAGES

        return dict(INTENT_MESSAGES)
    except Exception:  # noqa: BLE001
        return {"nlu_fallback": "fallback", "out_of_scope": "out_of_scope"}


def describe_parse(parse: Mapping[str, Any], threshold: float, data: Mapping[str, Any]) -> List[str]:
    """Human summary of a parse_message result: intent, alternatives, what would be answered."""
    intent = parse.get("intent") or {}
    name = intent.get("name") or "none"
    confidence = float(intent.get("confidence") or 0.0)
    ranking = [r for r in parse.get("intent_ranking") or [] if r.get("name") != name]
    lines = [f"Intent: {name}  (confidence {confidence:.2f}; fallback below {threshold:.2f})"]
    if ranking:
        lines.append("Next best:")
        lines += [f"  {r.get('name')}  {float(r.get('confidence') or 0):.2f}" for r in ranking[:3]]
    clinic = clinic_values(data.get("clinic") or {})
    messages = (data.get("messages") or {}).get("messages") or {}

    def message(mid: str) -> List[str]:
        record = messages.get(mid) if isinstance(messages, dict) else None
        text = render(record.get("text"), clinic) if isinstance(record, dict) else "(message missing)"
        return [f"Answer: message '{mid}'", "", _wrap(text)]

    lines.append("")
    if name == "nlu_fallback" or confidence < threshold:
        lines.append("Result: fallback (the assistant is not sure what was asked)")
        return lines + message("fallback")
    if name.startswith("faq_"):
        topic_id = name[4:]
        topic = _topic(data, topic_id)
        if topic is None:
            lines.append(f"Result: topic '{topic_id}', which is not in faq.yml: the fallback message is sent")
            return lines + message("fallback")
        lines.append(f"Result: topic '{topic_id}' ({render(topic.get('title'), clinic)})")
        return lines + ["", _wrap(render(topic.get("answer"), clinic))]
    if name in GUARD_INTENTS:
        return lines + [f"Result: safety reply for '{name}' (wording in safety.yml)"]
    if name == "start_prescreen":
        return lines + ["Result: starts the pre-screen (wording in prescreen.yml)"]
    mid = _intent_messages().get(name)
    if mid:
        return lines + message(mid)
    return lines + [f"Result: handled by the '{name}' conversation rule"]


def find_model(model: Path) -> Optional[str]:
    if model.is_file():
        return str(model)
    from rasa.model import get_latest_model

    return get_latest_model(str(model)) if model.is_dir() else None


def ask(question: str, model: Path, config: Path, content: Path) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    import logging
    import warnings

    warnings.simplefilter("ignore")  # library deprecation noise is not for staff;
    warnings.showwarning = lambda *args, **kwargs: None  # Rasa/TF reset the filters on import

    logging.basicConfig(level=logging.ERROR)
    for name in ("rasa", "tensorflow", "absl", "sanic", "matplotlib"):
        logging.getLogger(name).setLevel(logging.ERROR)
    try:  # Rasa's structlog prints the parsed text at debug level unless configured
        from rasa.utils.log_utils import configure_structlog

        configure_structlog(logging.ERROR)
    except Exception:  # noqa: BLE001
        pass
    try:
        model_path = find_model(model)
    except ImportError:
        print("Rasa is not installed in this Python; use .venv/bin/python (or make ask).", file=sys.stderr)
        return 2
    if not model_path:
        print(f"No trained model in {model}/. Run `make train` first (it takes a few minutes), then ask again.",
              file=sys.stderr)
        return 2
    from rasa.core.agent import Agent

    os.chdir(ROOT)  # custom components find their files from the project root
    print(f"Loading {Path(model_path).name} ...", file=sys.stderr)
    try:
        agent = Agent.load(model_path)
        parse = asyncio.run(agent.parse_message(question))
    except Exception as exc:  # noqa: BLE001 - say what failed, not a 60-line traceback
        cause = exc.__cause__ or exc
        print(f"The model could not read the question ({type(cause).__name__}: {str(cause)[:200]}).\n"
              "Run `make check`; if it passes, run `make train` and try again.", file=sys.stderr)
        return 1
    report = validate_dir(content, None)
    for line in describe_parse(parse, fallback_threshold(config), report.data):
        print(line)
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Preview answers and test questions.")
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    sub = parser.add_subparsers(dest="command", required=True)
    p_topic = sub.add_parser("topic", help="show a topic's answer and buttons")
    p_topic.add_argument("id")
    p_msg = sub.add_parser("message", help="show a message from messages.yml")
    p_msg.add_argument("id")
    p_ask = sub.add_parser("ask", help="which answer would a question get (needs a trained model)")
    p_ask.add_argument("question")
    p_ask.add_argument("--model", type=Path, default=ROOT / "models")
    p_ask.add_argument("--config", type=Path, default=ROOT / "config.yml")
    args = parser.parse_args(argv)

    if args.command == "ask":
        return ask(args.question, args.model, args.config, args.content)
    report = validate_dir(args.content, None)
    lines = topic_lines(report, args.id) if args.command == "topic" else message_lines(report, args.id)
    print("\n".join(lines))
    return 1 if lines and lines[0].startswith(("no ", "faq.yml could", "messages.yml could")) else 0


if __name__ == "__main__":
    sys.exit(main())
