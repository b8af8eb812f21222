"""Score the assistant on realistic message sets (tests/realistic/), per category.

Each message is read by the trained model exactly as the Rasa server reads it
(the whole NLU pipeline: clause classifier, fallback, MessageGuard), and the
result is mapped to the reply the visitor gets: the crisis reply, the
emergency reply, the check-in (988), an FAQ answer for given topics, the
medical-advice redirect, the pre-screen, or another reply. Prints recall,
false alarms and accuracy per category; exits 1 if a --min target is missed.

    python scripts/eval_realistic.py --model models/x.tar.gz tests/realistic/safety_dev.yml ...
    --min crisis_recall=0.97 --max false_alarms=0.02 --show-failures
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Dict, List, Tuple

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

REPLY_BY_INTENT = {
    "crisis": "crisis", "emergency": "emergency", "safety_checkin": "checkin", "pain_idiom": "checkin",
    "ask_medical_advice": "advice", "start_prescreen": "prescreen", "inform": "prescreen",
}


def reply_kind(parse: Dict[str, Any]) -> Tuple[str, List[str]]:
    intent = (parse.get("intent") or {}).get("name") or "nlu_fallback"
    if intent.startswith("faq_"):
        return "faq", list(parse.get("topics") or [intent[4:]])
    return REPLY_BY_INTENT.get(intent, intent), []


def score(items: List[Dict[str, Any]], results: List[Tuple[str, List[str]]]) -> Tuple[Dict[str, Tuple[int, int]], List[str]]:
    """Per-metric (hits, total) and the failures as printable lines."""
    counts: Dict[str, List[int]] = defaultdict(lambda: [0, 0])
    failures: List[str] = []

    def count(metric: str, ok: bool, item: Dict[str, Any], got: Tuple[str, List[str]]) -> None:
        counts[metric][0] += int(ok)
        counts[metric][1] += 1
        if (metric.endswith("false_alarms") and ok) or (not metric.endswith("false_alarms") and not ok):
            failures.append(f"  [{metric}] got {got[0]}{' ' + ','.join(got[1]) if got[1] else ''}: {item['text']!r}")

    for item, got in zip(items, results):
        kind, topics = got
        label = item.get("label") or item.get("expect")
        if label == "crisis":
            count("crisis_recall", kind in ("crisis", "checkin"), item, got)
            counts["crisis_direct"][1] += 1
            counts["crisis_direct"][0] += int(kind == "crisis")
        elif label == "emergency":
            count("emergency_recall", kind in ("emergency", "crisis"), item, got)  # both replies give 911
        elif label == "ordinary":
            count("false_alarms", kind in ("crisis", "emergency"), item, got)
            counts["checkins_on_ordinary"][1] += 1
            counts["checkins_on_ordinary"][0] += int(kind == "checkin")
        elif label == "faq":
            ok = kind == "faq" and all(t in topics or any(a in topics for a in item.get("also") or [])
                                       for t in item["topics"])
            count("faq_accuracy", ok, item, got)
            count("faq_safety_false_alarms", kind in ("crisis", "emergency"), item, got)
        elif label == "advice":
            count("advice_redirected", kind == "advice", item, got)
        elif label == "prescreen":
            count("prescreen_started", kind == "prescreen", item, got)
    return {k: (v[0], v[1]) for k, v in counts.items()}, failures


async def parse_all(model: str, texts: List[str]) -> List[Dict[str, Any]]:
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # Rasa's debug lines would print every message

    agent = Agent.load(model)
    return [await agent.parse_message(t) for t in texts]


def main(argv: List[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sets", nargs="+", type=Path)
    ap.add_argument("--model", required=True)
    ap.add_argument("--min", action="append", default=[], help="metric=value, e.g. crisis_recall=0.97")
    ap.add_argument("--max", action="append", default=[], help="metric=value, e.g. false_alarms=0.02")
    ap.add_argument("--show-failures", action="store_true")
    args = ap.parse_args(argv)
    logging.disable(logging.WARNING)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

    items: List[Dict[str, Any]] = []
    for path in args.sets:
        items += (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("messages") or []
    parses = asyncio.run(parse_all(args.model, [i["text"] for i in items]))
    results = [reply_kind(p) for p in parses]
    counts, failures = score(items, results)

    names = ", ".join(p.name for p in args.sets)
    print(f"== realistic set(s): {names} ({len(items)} messages)")
    for metric, (hits, total) in sorted(counts.items()):
        print(f"  {metric:26s} {hits / total:6.1%}  ({hits}/{total})" if total else f"  {metric}: no messages")
    print("  replies given:", dict(Counter(k for k, _ in results).most_common()))
    if args.show_failures and failures:
        print("  failures:")
        print("\n".join(failures))

    missed = []
    for spec, better in [(s, "min") for s in args.min] + [(s, "max") for s in args.max]:
        metric, value = spec.split("=")
        hits, total = counts.get(metric, (0, 0))
        rate = hits / total if total else 0.0
        if (better == "min" and rate < float(value)) or (better == "max" and rate > float(value)):
            missed.append(f"{metric} {rate:.1%} ({'<' if better == 'min' else '>'} {float(value):.0%})")
    if missed:
        print("  TARGET MISSED: " + "; ".join(missed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
