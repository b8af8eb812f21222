"""Benchmark the safety detector with and without its prefilter.

    python scripts/bench_safety.py [--repeat 5] [--json FILE]

Times ``SafetyDetector.detect`` (CPU time, best of --repeat) over every message
of data/safety/ordinary.yml, data/safety/must_detect.yml and
tests/assistant/safety/medical_advice.yml, and over long messages: 1,000
characters (the guard's limit) and 40,000 characters of ordinary text and of
near-miss text (messages that share words with the crisis and emergency
patterns but raise no alarm). Each text is timed three ways:

    prefilter    detect(text): the default path (assistant/safety/prefilter.py)
    plain        detect(text, use_prefilter=False): regex.search of each
                 compiled pattern over the normalised text, nothing else
    alternation  plain, with each category's patterns joined into one regex
                 (long texts only; an alternative that needs no parse tree)

The prefilter is worth its complexity only if the plain scan misses either
bound: a typical (median) corpus message under 1 ms, a 1,000-character message
under 5 ms. The script prints the verdict; it exits 0 either way.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from assistant.safety import (  # noqa: E402
    KINDS,
    MUST_DETECT_CORPUS,
    ORDINARY_CORPUS,
    SafetyDetector,
    load_spec,
    normalise,
)

MEDICAL_ADVICE_CORPUS = ROOT / "tests" / "assistant" / "safety" / "medical_advice.yml"
TYPICAL_MS = 1.0  # median corpus message, plain scan
LONG_MS = 5.0  # 1,000-character message, plain scan
ALARM_KINDS = ("crisis", "emergency", "pain_idiom")

#: Near misses named in the brief and the tests: alarm words, harmless meaning.
NEAR_MISSES = [
    "my feet feel dead", "does the treatment kill nerve cells?", "chemo killed my nerves",
    "I had a heart attack 10 years ago, can I still do it?", "what happens if I stop treatment",
    "can I die from neuropathy?", "i'm dying to know the cost", "is it a shot in the arm",
    "my A1c is 11", "my feet burn so I can't sleep",
]
_STOP = frozenset("that this with what your have from will when does there about into".split())


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def corpus_messages() -> List[str]:
    """Every message of the three corpora."""
    must, ordinary, advice = _load(MUST_DETECT_CORPUS), _load(ORDINARY_CORPUS), _load(MEDICAL_ADVICE_CORPUS)
    texts = list(must.get("crisis") or []) + list(must.get("pain_idiom") or [])
    texts += [t for group in (must.get("emergency") or {}).values() for t in group]
    texts += [t for group in advice.values() for t in group]
    texts += list(ordinary.get("messages") or []) + list(ordinary.get("medical_advice_questions") or [])
    return texts


def alarm_words(spec: Dict[str, Any]) -> set:
    """Words written out in the crisis, emergency and pain-idiom patterns and in the word lists."""
    words: set = set()
    raw = [e for entries in (spec.get("words") or {}).values() for e in entries]
    raw += [p for kind in ALARM_KINDS for cat in spec[kind]["categories"] for p in cat["patterns"]]
    for text in raw:
        words |= set(re.sub(r"\{[a-z_]+\}|\\[a-zA-Z]|[^a-z ]", " ", text).split())
    return {w for w in words if len(w) >= 4 and w not in _STOP}


def near_miss_sentences(detector: SafetyDetector, spec: Dict[str, Any]) -> List[str]:
    """Ordinary messages sharing a word with the alarm patterns, plus NEAR_MISSES; none raises an alarm."""
    words = alarm_words(spec)
    ordinary = _load(ORDINARY_CORPUS)
    pool = NEAR_MISSES + list(ordinary.get("messages") or [])
    out = []
    for text in pool:
        res = detector.detect(text)
        if set(normalise(text).split()) & words and (res is None or res.kind not in ALARM_KINDS):
            out.append(text)
    return out


def filler(sentences: List[str], length: int, seed: int) -> str:
    rng = random.Random(seed)
    parts: List[str] = []
    while sum(len(p) + 1 for p in parts) < length:
        parts.append(rng.choice(sentences))
    return " ".join(parts)[:length]


def cpu_ms(fn: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best * 1000


def alternation_detector(detector: SafetyDetector) -> Callable[[str], Any]:
    """Plain scan with one regex per category (its patterns joined with |)."""
    rules = [(kind, re.compile("|".join(f"(?:{p.pattern})" for p in detector.compiled_patterns(kind, category))))
             for kind, category in detector.categories]

    def detect(text: str) -> List[str]:
        norm, kinds = normalise(text), []
        for kind, regex in rules:
            if kind not in kinds and regex.search(norm):
                kinds.append(kind)
        return kinds

    return detect


def main(argv: List[str] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--repeat", type=int, default=5, help="runs per text; the best counts (default 5)")
    ap.add_argument("--json", type=Path, help="also write the numbers to this file")
    args = ap.parse_args(argv)

    spec = load_spec()
    detector = SafetyDetector(spec)
    ways: Dict[str, Callable[[str], Any]] = {
        "prefilter": detector.detect,
        "plain": lambda t: detector.detect(t, use_prefilter=False),
    }
    alternation = alternation_detector(detector)
    results: Dict[str, Any] = {"patterns": detector.pattern_count, "repeat": args.repeat}

    messages = corpus_messages()
    mismatched = [t for t in messages if detector.detect(t) != detector.detect(t, use_prefilter=False)]
    print(f"{detector.pattern_count} patterns in {len(KINDS)} kinds; {len(messages)} corpus messages "
          f"(results differ on {len(mismatched)})")
    print(f"\n{'input':<40} {'prefilter':>10} {'plain':>10} {'alternation':>12}   (CPU ms)")
    for way, fn in ways.items():
        per = sorted(cpu_ms(lambda: fn(t), args.repeat) for t in messages)
        results[f"messages_{way}"] = {"p50": statistics.median(per), "p99": per[int(len(per) * 0.99)],
                                      "max": per[-1]}
    for stat in ("p50", "p99", "max"):
        row = [results[f"messages_{w}"][stat] for w in ways]
        print(f"{'corpus messages, ' + stat:<40} {row[0]:>10.3f} {row[1]:>10.3f} {'':>12}")

    ordinary = _load(ORDINARY_CORPUS)
    calm = list(ordinary.get("messages") or [])
    near = near_miss_sentences(detector, spec)
    results["near_miss_sentences"] = len(near)
    for length in (1000, 40000):
        for label, pool in (("ordinary", calm), ("near-miss", near)):
            text = filler(pool, length, seed=length)
            name = f"{length:,} chars {label}"
            row = {w: cpu_ms(lambda: fn(text), args.repeat) for w, fn in ways.items()}
            row["alternation"] = cpu_ms(lambda: alternation(text), args.repeat)
            found = detector.detect(text)
            row["found"] = found.kind if found else None
            results[name] = row
            print(f"{name:<40} {row['prefilter']:>10.2f} {row['plain']:>10.2f} {row['alternation']:>12.2f}"
                  f"   -> {row['found'] or 'nothing'}")
    print(f"(near-miss text: {len(near)} sentences sharing a word with the alarm patterns)")

    typical = results["messages_plain"]["p50"]
    long_ = max(results["1,000 chars ordinary"]["plain"], results["1,000 chars near-miss"]["plain"])
    ok = typical < TYPICAL_MS and long_ < LONG_MS
    results["plain_meets_bounds"] = ok
    print(f"\nplain scan: typical message {typical:.3f} ms (bound {TYPICAL_MS} ms), "
          f"1,000 characters {long_:.2f} ms (bound {LONG_MS} ms) -> "
          + ("within both bounds: the prefilter is not needed" if ok else "over a bound: keep the prefilter"))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
