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


def why(parse: Dict[str, Any]) -> str:
    """What decided a safety reply: the layer, the pattern category or the clause, and the model scores."""
    safety = parse.get("safety") or {}
    if not safety.get("kind"):
        return ""
    scores = ",".join(f"{k[:3]}={v:.2f}" for k, v in (safety.get("scores") or {}).items())
    return f" <{safety.get('source')}:{safety.get('category') or 'clause ' + str(safety.get('clause'))} {scores}>"


def reply_kind(parse: Dict[str, Any]) -> Tuple[str, List[str]]:
    intent = (parse.get("intent") or {}).get("name") or "nlu_fallback"
    if intent.startswith("faq_"):
        topics = list(parse.get("topics") or [intent[4:]])
        if (parse.get("safety") or {}).get("kind") == "medical_advice":
            # the page's facts with the line that the decision (or reading their results) is their
            # doctor's or the team's: an answer and a redirect in one reply (actions/faq.py)
            return "faq+advice", topics
        return "faq", topics
    kind = REPLY_BY_INTENT.get(intent, intent)
    if kind == "checkin" and intent == "safety_checkin" and parse.get("topics"):
        # the answers to the questions asked, then the check-in question with 988 (actions/checkin.py)
        return "checkin+faq", list(parse["topics"])
    return kind, []


def score(items: List[Dict[str, Any]], results: List[Tuple[str, List[str]]],
          whys: List[str] | None = None) -> Tuple[Dict[str, Tuple[int, int]], List[str]]:
    """Per-metric (hits, total) and the failures as printable lines (with what decided each, if given)."""
    counts: Dict[str, List[int]] = defaultdict(lambda: [0, 0])
    failures: List[str] = []

    def count(metric: str, ok: bool, item: Dict[str, Any], got: Tuple[str, List[str]]) -> None:
        counts[metric][0] += int(ok)
        counts[metric][1] += 1
        if (metric.endswith("false_alarms") and ok) or (not metric.endswith("false_alarms") and not ok):
            topics = " " + ",".join(got[1]) if got[1] else ""
            failures.append(f"  [{metric}] got {got[0]}{topics}{reason}: {item['text']!r}")

    for n, (item, got) in enumerate(zip(items, results)):
        reason = whys[n] if whys else ""
        kind, topics = got
        label = item.get("label") or item.get("expect")
        if label == "crisis":
            count("crisis_recall", kind in ("crisis", "checkin", "checkin+faq"), item, got)
            counts["crisis_direct"][1] += 1
            counts["crisis_direct"][0] += int(kind == "crisis")
        elif label == "emergency":
            count("emergency_recall", kind in ("emergency", "crisis"), item, got)  # both replies give 911
        elif label == "ordinary":
            count("false_alarms", kind in ("crisis", "emergency"), item, got)
            counts["checkins_on_ordinary"][1] += 1
            counts["checkins_on_ordinary"][0] += int(kind in ("checkin", "checkin+faq"))
        elif label == "faq":
            answered = kind in ("faq", "faq+advice", "checkin+faq")
            ok = answered and all(t in topics or any(a in topics for a in item.get("also") or [])
                                  for t in item["topics"])
            count("faq_accuracy", ok, item, got)
            # stricter: every topic listed under `topics` answered (an `also` topic does not stand in)
            counts["faq_main_topics"][1] += 1
            counts["faq_main_topics"][0] += int(answered and all(t in topics for t in item["topics"]))
            count("faq_safety_false_alarms", kind in ("crisis", "emergency"), item, got)
            # answered, but followed by the check-in question (a cost to the visitor, shown, not a failure)
            counts["faq_with_checkin"][1] += 1
            counts["faq_with_checkin"][0] += int(kind in ("checkin", "checkin+faq"))
        elif label == "advice":
            count("advice_redirected", kind in ("advice", "faq+advice"), item, got)
        elif label == "prescreen":
            count("prescreen_started", kind == "prescreen", item, got)
    return {k: (v[0], v[1]) for k, v in counts.items()}, failures


async def parse_all(model: str, texts: List[str]) -> List[Dict[str, Any]]:
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # Rasa's debug lines would print every message

    agent = Agent.load(model)
    return [await agent.parse_message(t) for t in texts]


def report(name: str, items: List[Dict[str, Any]], results: List[Tuple[str, List[str]]],
           mins: Dict[str, float], maxs: Dict[str, float], show_failures: bool,
           whys: List[str] | None = None) -> List[str]:
    """Print one set's figures; return the targets it missed."""
    counts, failures = score(items, results, whys)
    print(f"== realistic set(s): {name} ({len(items)} messages)")
    for metric, (hits, total) in sorted(counts.items()):
        print(f"  {metric:26s} {hits / total:6.1%}  ({hits}/{total})" if total else f"  {metric}: no messages")
    print("  replies given:", dict(Counter(k for k, _ in results).most_common()))
    if show_failures and failures:
        print("  failures:")
        print("\n".join(failures))
    missed = []
    for metric, value, better in [(m, v, "min") for m, v in mins.items()] + [(m, v, "max") for m, v in maxs.items()]:
        hits, total = counts.get(metric, (0, 0))
        rate = hits / total if total else 0.0
        if (better == "min" and rate < value) or (better == "max" and rate > value):
            missed.append(f"{name}: {metric} {rate:.1%} ({'<' if better == 'min' else '>'} {value:.0%})")
    if missed:
        print("  TARGET MISSED: " + "; ".join(missed))
    return missed


def _specs(specs: List[str]) -> Dict[str, float]:
    return {k: float(v) for k, v in (spec.split("=") for spec in specs)}


def load_items(path: Path) -> List[Dict[str, Any]]:
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("messages") or []


def main(argv: List[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sets", nargs="*", type=Path, help="scored together as one set")
    ap.add_argument("--model", required=True)
    ap.add_argument("--gates", type=Path,
                    help="a YAML file of sets, each scored on its own with its own floors (one model load)")
    ap.add_argument("--min", action="append", default=[], help="metric=value, e.g. crisis_recall=0.97")
    ap.add_argument("--max", action="append", default=[], help="metric=value, e.g. false_alarms=0.02")
    ap.add_argument("--show-failures", action="store_true")
    args = ap.parse_args(argv)
    if not args.sets and not args.gates:
        ap.error("give sets to score, or --gates FILE")
    logging.disable(logging.WARNING)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

    # (name, items, mins, maxs) per scored group
    groups: List[Tuple[str, List[Dict[str, Any]], Dict[str, float], Dict[str, float]]] = []
    if args.sets:
        items = [i for path in args.sets for i in load_items(path)]
        groups.append((", ".join(p.name for p in args.sets), items, _specs(args.min), _specs(args.max)))
    if args.gates:
        spec = yaml.safe_load(args.gates.read_text(encoding="utf-8")) or {}
        for entry in spec.get("sets") or []:
            path = args.gates.parent / entry["file"]
            groups.append((f"{entry['file']} ({entry.get('kind', 'dev')})", load_items(path),
                           {k: float(v) for k, v in (entry.get("min") or {}).items()},
                           {k: float(v) for k, v in (entry.get("max") or {}).items()}))

    texts = [i["text"] for _, items, _, _ in groups for i in items]
    parses = asyncio.run(parse_all(args.model, texts))
    results = [reply_kind(p) for p in parses]
    whys = [why(p) for p in parses]
    missed: List[str] = []
    start = 0
    for name, items, mins, maxs in groups:
        missed += report(name, items, results[start:start + len(items)], mins, maxs, args.show_failures,
                         whys[start:start + len(items)])
        start += len(items)
    if missed and len(groups) > 1:
        print("TARGETS MISSED:\n  " + "\n  ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
