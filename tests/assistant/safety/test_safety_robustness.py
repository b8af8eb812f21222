"""Any input is safe and fast; the prefilter never changes a result.

The prefilter (assistant/safety/prefilter.py) is compared with two plain
scans: ``explain`` (every pattern over the whole text) and
``detect(text, use_prefilter=False)``. Each pattern is also timed on its own,
without the prefilter, on 40,000-character inputs, so a pattern that
backtracks badly cannot hide behind it. scripts/bench_safety.py has the
numbers that justify keeping the prefilter.

Timings use CPU time (time.process_time) so that other work on a shared
machine does not make them flaky; run with -s to see them.
"""
from __future__ import annotations

import logging
import random
import re
import statistics
import time
from pathlib import Path

import pytest

from assistant.safety import KINDS, normalise

SOURCE_PAGE = Path(__file__).resolve().parents[4] / "shared" / "source" / "clinic-neuropathy-page.txt"


def _cpu_ms(fn, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best * 1000


def _brute_force(detector, text):
    """(kind, category) per kind by a plain full scan of every pattern, no prefilter."""
    found, kinds = [], set()
    for kind, category, _ in detector.explain(text):
        if kind not in kinds:
            found.append((kind, category))
            kinds.add(kind)
    return tuple(found)


def _all_texts(crisis_emergency, ordinary, medical_advice):
    alarm = list(crisis_emergency["crisis"]) + list(crisis_emergency["pain_idiom"])
    alarm += [t for texts in crisis_emergency["emergency"].values() for t in texts]
    alarm += [t for texts in medical_advice.values() for t in texts]
    calm = list(ordinary["messages"]) + list(ordinary["medical_advice_questions"])
    return alarm, calm


@pytest.mark.parametrize("text", [
    "", "   ", "\n\t", None, 42, "\x00" * 100, "😀" * 5000, "<script>alert(1)</script>" * 50,
    "&#x0;&amp;&lt;" * 100, "\u200b" * 1000, "<" * 20000, "a" * 20000, "1234567890" * 2000,
])
def test_odd_input_is_handled(detector, text):
    assert detector.detect(text) is None


def test_first_category_of_the_first_kind_is_reported(detector):
    res = detector.detect("<p>I <i>want</i> to&nbsp;die</p>")
    assert (res.kind, res.category) == ("crisis", "suicide")


def test_crisis_deep_inside_a_long_message_is_found(detector, ordinary):
    rng = random.Random(7)
    filler = " ".join(rng.choice(ordinary["messages"]) for _ in range(600))[:19000]
    middle = len(filler) // 2
    text = filler[:middle] + " honestly i just want to die. " + filler[middle:]
    assert detector.detect(text).kind == "crisis"


def test_prefilter_never_changes_a_result(detector, crisis_emergency, ordinary, medical_advice):
    """Long, mixed texts: detect() (prefilter, windows) equals a plain full scan."""
    alarm, calm = _all_texts(crisis_emergency, ordinary, medical_advice)
    page = SOURCE_PAGE.read_text(encoding="utf-8") if SOURCE_PAGE.exists() else " ".join(calm)
    rng = random.Random(20261123)
    checked = 0
    for _ in range(150):
        roll = rng.random()
        if roll < 0.35:
            parts = [rng.choice(calm) for _ in range(rng.randint(20, 400))]
        elif roll < 0.6:
            parts = [page[rng.randint(0, len(page) - 300):][:rng.randint(50, 2000)] for _ in range(rng.randint(2, 12))]
        else:
            parts = [rng.choice(calm + alarm) for _ in range(rng.randint(1, 300))]
        for _ in range(rng.randint(0, 3)):
            parts.insert(rng.randint(0, len(parts)), rng.choice(alarm))
        text = rng.choice([" ", ". ", "\n", ""]).join(parts)
        res = detector.detect(text)
        assert (res.matches if res else ()) == _brute_force(detector, text), text[:200]
        assert res == detector.detect(text, use_prefilter=False), text[:200]
        checked += 1
    for text in alarm + calm:
        res = detector.detect(text)
        assert (res.matches if res else ()) == _brute_force(detector, text), text
        assert res == detector.detect(text, use_prefilter=False), text
        checked += 1
    print(f"\nprefilter equivalence: {checked} texts, no difference from a full scan")


def _pieces(spec):
    """The literal words of the spec's word lists and patterns."""
    pieces = set()
    for entries in spec["words"].values():
        for entry in entries:
            pieces.add(re.sub(r"[^a-z0-9 ]", "", entry.replace("\\b", "")))
    for kind in KINDS:
        for cat in spec[kind]["categories"]:
            for pattern in cat["patterns"]:
                literal = re.sub(r"\{[a-z_]+\}|\\[a-z]|[^a-z0-9 ]", " ", pattern)
                pieces.add(" ".join(literal.split()))
    return sorted(p for p in pieces if p.strip())


_REPEATED = ("a" * 40000, "ab" * 20000, "a " * 20000, "i want to " * 4000, "should i " * 4500,
             "is it ok to " * 3400, "one side of my body " * 2000, "k1l" * 13334, "sus" * 13334)


def _adversarial_inputs(spec):
    """20,000-character strings built from the spec's own words and patterns."""
    pieces = _pieces(spec)
    yield "all pieces", (" ".join(pieces) * 20)[:20000]
    yield "all pieces, no spaces", ("".join(pieces).replace(" ", "") * 20)[:20000]
    for piece in pieces[::7]:
        yield f"{piece[:20]!r} repeated", ((piece + " ") * (20000 // (len(piece) + 1) + 1))[:20000]
        yield f"{piece[:20]!r} glued", ((piece.replace(' ', '') or 'x') * (20000 // max(1, len(piece)) + 1))[:20000]
    for text in _REPEATED:
        yield text[:12] + "...", text[:20000]


def test_no_pattern_backtracks_badly_on_long_adversarial_input(detector, spec):
    timings = []
    for name, text in _adversarial_inputs(spec):
        timings.append((_cpu_ms(lambda: detector.detect(text), repeat=1), name))
    timings.sort(reverse=True)
    print(f"\nadversarial 20k-character inputs: {len(timings)}, median {statistics.median(t for t, _ in timings):.2f} ms, "
          f"worst {timings[0][0]:.2f} ms ({timings[0][1]})")
    assert timings[0][0] < 250, timings[:5]  # linear-time patterns stay far below this


def test_no_pattern_takes_long_on_a_40000_character_input(detector, spec):
    """Each compiled pattern on its own, plain regex.search, no prefilter to skip it."""
    pieces = _pieces(spec)
    texts = {"all pieces": (" ".join(pieces) * 40)[:40000],
             "all pieces, no spaces": ("".join(pieces).replace(" ", "") * 40)[:40000]}
    texts.update((text[:12] + "...", text[:40000]) for text in _REPEATED)
    texts = {name: normalise(text) for name, text in texts.items()}
    timings = []
    for kind, category in detector.categories:
        for index, regex in enumerate(detector.compiled_patterns(kind, category)):
            for name, text in texts.items():
                timings.append((_cpu_ms(lambda: regex.search(text), repeat=1), f"{kind}/{category}[{index}]", name))
    timings.sort(reverse=True)
    print(f"\n{len(timings)} pattern runs on 40,000 characters: median "
          f"{statistics.median(t for t, _, _ in timings):.2f} ms, worst {timings[0][0]:.2f} ms {timings[0][1:]}")
    assert timings[0][0] < 100, timings[:5]  # linear-time patterns take a few ms; backtracking takes seconds


def test_typical_messages_take_well_under_5_ms(detector, crisis_emergency, ordinary, medical_advice):
    alarm, calm = _all_texts(crisis_emergency, ordinary, medical_advice)
    texts = alarm + calm
    per_message = [_cpu_ms(lambda: detector.detect(t), repeat=3) for t in texts]
    per_message.sort()
    p50 = per_message[len(per_message) // 2]
    p99 = per_message[int(len(per_message) * 0.99)]
    print(f"\nper message ({len(texts)} corpus messages): p50 {p50:.3f} ms, p99 {p99:.3f} ms, max {per_message[-1]:.3f} ms")
    assert p50 < 1 and p99 < 5


def test_long_natural_text_timing(detector, ordinary):
    rng = random.Random(3)
    texts = {"1,000 chars (guard limit)": " ".join(rng.choice(ordinary["messages"]) for _ in range(60))[:1000],
             "20,000 chars of ordinary questions": " ".join(rng.choice(ordinary["messages"]) for _ in range(900))[:20000]}
    if SOURCE_PAGE.exists():
        texts["20,000 chars of the clinic page"] = (SOURCE_PAGE.read_text(encoding="utf-8") * 3)[:20000]
    for name, text in texts.items():
        ms = _cpu_ms(lambda: detector.detect(text))
        print(f"\n{name}: {ms:.2f} ms")
        assert ms < 100


def test_message_text_is_never_logged(detector, caplog):
    secret = "zebra-lantern I want to die"
    with caplog.at_level(logging.DEBUG):
        detector.detect(secret)
        detector.detect(secret * 500)
    assert "zebra" not in caplog.text
