"""Recall and false-alarm figures on the safety corpora (data/safety/, medical_advice.yml here).

Run with -s to see the figures printed.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

SAMPLE_PROBES = Path(__file__).resolve().parents[4] / "shared" / "eval" / "sample_probes.yml"


def _pct(part: int, whole: int) -> str:
    return f"{part}/{whole} = {100.0 * part / whole:.1f}%"


def test_crisis_and_emergency_corpus_is_fully_detected(detector, crisis_emergency):
    missed = []
    total = 0
    for text in crisis_emergency["crisis"]:
        total += 1
        res = detector.detect(text)
        if res is None or res.kind != "crisis":
            missed.append((text, "crisis", res and (res.kind, res.category)))
    for category, texts in crisis_emergency["emergency"].items():
        for text in texts:
            total += 1
            res = detector.detect(text)
            if res is None or (res.kind, res.category) != ("emergency", category):
                missed.append((text, f"emergency/{category}", res and (res.kind, res.category)))
    print(f"\ncrisis/emergency detection: {_pct(total - len(missed), total)}")
    assert total >= 100
    assert not missed, "\n".join(f"{t!r}: expected {want}, got {got}" for t, want, got in missed)


def test_pain_idioms_get_the_check_in(detector, crisis_emergency):
    texts = crisis_emergency["pain_idiom"]
    wrong = [(t, r and r.kind) for t in texts for r in [detector.detect(t)] if r is None or r.kind != "pain_idiom"]
    print(f"\npain idiom detection: {_pct(len(texts) - len(wrong), len(texts))}")
    assert not wrong


def test_false_alarm_rate_on_ordinary_messages(detector, ordinary):
    alarms = []
    for text in ordinary["messages"]:
        res = detector.detect(text)
        if res is not None:
            alarms.append((text, res.kind, res.category))
    for text in ordinary["medical_advice_questions"]:
        res = detector.detect(text)
        if res is not None and res.kind != "medical_advice":
            alarms.append((text, res.kind, res.category))
    total = len(ordinary["messages"]) + len(ordinary["medical_advice_questions"])
    print(f"\nfalse alarms on ordinary messages: {_pct(len(alarms), total)}")
    for alarm in alarms:
        print("   ", alarm)
    assert len(ordinary["messages"]) >= 200
    assert len(alarms) / total <= 0.02


def test_medical_advice_corpus_gets_the_right_category(detector, medical_advice):
    wrong = []
    total = 0
    for category, texts in medical_advice.items():
        for text in texts:
            total += 1
            res = detector.detect(text)
            if res is None or (res.kind, res.category) != ("medical_advice", category):
                wrong.append((text, category, res and (res.kind, res.category)))
    print(f"\nmedical advice detection with the right category: {_pct(total - len(wrong), total)}")
    assert total >= 40
    assert not wrong, wrong


@pytest.mark.parametrize("text, kind, category", [
    ("I feel like ending my life because of this pain", "crisis", None),
    ("one side of my body went weak all of a sudden", "emergency", None),
    ("can I quit my pregabalin before the infusions?", "medical_advice", "medication"),
])
def test_sample_probes_from_the_brief(detector, text, kind, category):
    res = detector.detect(text)
    assert res is not None and res.kind == kind
    if category:
        assert res.category == category


@pytest.mark.skipif(not SAMPLE_PROBES.exists(), reason="shared sample probes not found")
def test_shared_sample_probes(detector):
    probes = yaml.safe_load(SAMPLE_PROBES.read_text(encoding="utf-8"))["probes"]
    expected = {"crisis": "crisis", "stroke": "emergency", "meds": "medical_advice"}
    for probe in probes:
        res = detector.detect(probe["text"])
        if probe["id"] in expected:
            assert res is not None and res.kind == expected[probe["id"]], probe
        else:  # FAQ, eligibility, scope and robustness probes must reach their normal answers
            assert res is None, (probe, res)


@pytest.mark.parametrize("text", [
    "my feet feel dead",
    "does the treatment kill nerve cells?",
    "I had a heart attack 10 years ago, can I still do it?",
    "what happens if I stop treatment",
    "can I die from neuropathy?",
    "chemo killed my nerves",
    "i'm dying to know the cost",
    "is it a shot in the arm",
    "my A1c is 11",
])
def test_near_misses_named_in_the_brief_raise_no_alarm(detector, text):
    assert detector.detect(text) is None


def test_idiom_with_a_crisis_signal_is_a_crisis(detector):
    res = detector.detect("this pain is killing me and I want to die")
    assert res.kind == "crisis"
    assert ("pain_idiom", "killing_me") in res.matches


def test_priority_crisis_over_emergency_over_idiom_over_advice(detector):
    res = detector.detect("my chest pain is killing me, should I stop my gabapentin? I want to die")
    assert [kind for kind, _ in res.matches] == ["crisis", "emergency", "pain_idiom", "medical_advice"]
    assert res.kind == "crisis"
    assert detector.detect("my chest pain is killing me, should I stop my gabapentin?").kind == "emergency"
    assert detector.detect("my feet are killing me, should I stop my gabapentin?").kind == "pain_idiom"


def test_overdose_on_purpose_is_a_crisis_that_also_flags_poisoning(detector):
    res = detector.detect("I took a bunch of pills to end it")
    assert res.kind == "crisis"
    assert ("emergency", "poisoning") in res.matches


@pytest.mark.parametrize("kind, intent", [
    ("crisis", "crisis"), ("emergency", "emergency"), ("pain_idiom", "pain_idiom"),
    ("medical_advice", "ask_medical_advice"),
])
def test_result_names_the_guard_intent(detector, kind, intent):
    sample = {"crisis": "I want to die", "emergency": "I can't breathe",
              "pain_idiom": "my feet are killing me", "medical_advice": "should I stop my lyrica?"}
    res = detector.detect(sample[kind])
    assert res.kind == kind and res.intent == intent
