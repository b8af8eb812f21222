"""turn.py: one reply in the pre-screen (what it records, what kind of reply it is).

The messy-answer corpus (test_messy_answers.py) was written by someone else; these are the
reader's own cases: the issue's examples in other words, corrections, the check before the
result, the facts of the opening message, and the engineering constraints."""
from __future__ import annotations

import logging
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any, Dict

import pytest

from assistant.prescreen.turn import CONFIRM, how_said, read_facts, read_turn

ROOT = Path(__file__).resolve().parents[3]
TODAY = date(2026, 11, 30)
BEFORE = {"ps_consent": "yes", "ps_type": "idiopathic", "ps_diagnosis": "yes", "ps_duration": 3.0,
          "ps_chemo_active": "no", "ps_infection": "no", "ps_cancer": "no"}
DIABETIC = {**BEFORE, "ps_type": "diabetic", "ps_diabetes": "yes"}


def turn(asked: str, text: str, before: Dict[str, Any], **kw: Any):
    return read_turn(asked, text, before, today=TODAY, **kw)


# (asked, before, text, kind, record): phrasings written for this file, in other words than the corpus
CASES = [
    ("ps_diagnosis", {"ps_consent": "yes"}, "hang on, I've got a bladder infection right now, on cipro",
     "other_fact", {"ps_infection": "yes"}),
    ("ps_diagnosis", {"ps_consent": "yes"}, "what's an NCS?", "question_back", {}),
    ("ps_diagnosis", {"ps_consent": "yes"}, "yeah i think so", "hedge", {"ps_diagnosis": "unsure"}),
    ("ps_diagnosis", {"ps_consent": "yes"}, "nope never had one done", "answer", {"ps_diagnosis": "no"}),
    ("ps_duration", {"ps_consent": "yes"}, "maybe 4 or 5 years", "range", {"ps_duration": "4-5"}),
    ("ps_duration", {"ps_consent": "yes"}, "my neurologist sees me every 6 months", "unrelated", {}),
    ("ps_duration", {"ps_consent": "yes"}, "since around 2016 or 2017", "range", {"ps_duration": "9-10"}),
    ("ps_duration", {"ps_consent": "yes"}, "about eight years", "answer", {"ps_duration": 8.0}),
    ("ps_chemo_active", {**BEFORE, "ps_duration": 2.0}, "sorry I meant 20 years, not 2", "correction",
     {"ps_duration": 20.0}),
    ("ps_chemo_active", {**BEFORE, "ps_duration": 2.0}, "no. oh and it's been more like 9 years", "answer",
     {"ps_chemo_active": "no", "ps_duration": 9.0}),
    ("ps_cancer", BEFORE, "actually I do have an infection, my toe", "correction", {"ps_infection": "yes"}),
    ("ps_cancer", BEFORE, "hmm I meant yes for the infection question", "correction", {"ps_infection": "yes"}),
    ("ps_diabetes", BEFORE, "type 2, diagnosed 2015", "answer", {"ps_diabetes": "yes"}),
    ("ps_diabetes", BEFORE, "am I a candidate or not?", "question_back", {}),
    ("ps_diabetes", BEFORE, "I'd say probably yes", "hedge", {"ps_diabetes": "unsure"}),
    ("ps_a1c", DIABETIC, "it was like 9 or 10 last time", "range", {"ps_a1c": "9-10"}),
    ("ps_a1c", DIABETIC, "my fasting sugar is usually 180", "unrelated", {}),
    ("ps_a1c", DIABETIC, "8 point 1", "answer", {"ps_a1c": 8.1}),
    ("ps_a1c_plan", {**DIABETIC, "ps_a1c": 8.0}, "not really no", "answer", {"ps_a1c_plan": "no"}),
    ("ps_a1c_plan", {**DIABETIC, "ps_a1c": 8.0}, "I take ozempic and see my PCP", "answer", {"ps_a1c_plan": "yes"}),
    ("ps_compressive", {**BEFORE, "ps_type": "compressive", "ps_diabetes": "no"},
     "already had the release done last year, it's fixed", "answer", {"ps_compressive": "no"}),
    ("ps_infection", {k: v for k, v in BEFORE.items() if k != "ps_infection"}, "nope, all clear", "answer",
     {"ps_infection": "no"}),
    ("ps_consent", {}, "yesss lets go", "answer", {"ps_consent": "yes"}),
    ("ps_consent", {}, "sure, I have CIDP for about 6 years btw", "answer",
     {"ps_consent": "yes", "ps_type": "autoimmune", "ps_duration": 6.0}),
    ("ps_consent", {}, "I have CIDP", "unrelated", {}),  # no consent: nothing about health is recorded
    ("ps_type", {"ps_consent": "yes"}, "is FDA approved?", "question_back", {}),
    ("ps_type", {"ps_consent": "yes"}, "how much does it cost", "question_back", {}),
]


@pytest.mark.parametrize("asked, before, text, kind, record", CASES, ids=[c[2][:40] for c in CASES])
def test_replies_in_other_words(spec, asked, before, text, kind, record):
    got = turn(asked, text, before, spec=spec)
    assert (got.kind, got.record) == (kind, record)


def test_the_issue_examples(spec):
    uti = turn("ps_diagnosis", "actually wait, I had a UTI last week, I'm still on antibiotics", {"ps_consent": "yes"})
    assert (uti.kind, uti.record) == ("other_fact", {"ps_infection": "yes"})
    carpal = turn("ps_diabetes", "I had carpal tunnel surgery in 2019", {**BEFORE, "ps_type": "other"})
    assert (carpal.kind, carpal.record) == ("unrelated", {})
    assert turn("ps_diagnosis", "what is an EMG?", {}).kind == "question_back"
    oops = turn("ps_chemo_active", "oops I meant 12 years not 2", {**BEFORE, "ps_duration": 2.0})
    assert (oops.kind, oops.record, oops.corrected) == ("correction", {"ps_duration": 12.0}, ("ps_duration",))
    assert turn("ps_duration", "I see my endo every 3 months", BEFORE).record == {}
    assert turn("ps_a1c", "around 9 or 10", DIABETIC).record == {"ps_a1c": "9-10"}
    assert turn("ps_consent", "yess", {}).record == {"ps_consent": "yes"}
    assert read_facts(["I'm type 2 diabetic, had an EMG, about 5 years"], {}, TODAY) == {
        "ps_diabetes": "yes", "ps_diagnosis": "yes", "ps_duration": 5.0}
    result = turn("ps_duration", "so am I eligible?", BEFORE)
    assert (result.kind, result.question) == ("question_back", "result")


def test_what_question_back_is_about(spec):
    assert turn("ps_infection", "does a cold count?", BEFORE).question == "about"
    assert turn("ps_diagnosis", "what is an EMG?", BEFORE).question == "about"
    assert turn("ps_infection", "how many sessions will I need?", BEFORE).question == "other"


def test_hedges_say_what_they_lean_to():
    assert turn("ps_diagnosis", "I think so?", BEFORE).notes == {"ps_diagnosis": {"hedge": "yes"}}
    assert turn("ps_infection", "probably not", BEFORE).notes == {"ps_infection": {"hedge": "no"}}
    assert turn("ps_infection", "maybe? my toe is red", BEFORE).notes == {"ps_infection": {"hedge": ""}}
    assert turn("ps_infection", "not that I know of", BEFORE).record == {"ps_infection": "no"}
    assert turn("ps_infection", "not sure", BEFORE).kind == "answer"  # plain "not sure" is no hedge
    assert turn("ps_duration", "about 4 years", BEFORE).notes == {"ps_duration": {"approx": True}}
    assert how_said(["it's been about 5 years"], {"ps_duration": 5.0}) == {"ps_duration": {"approx": True}}
    assert how_said(["5 years"], {"ps_duration": 5.0}) == {}


def test_i_meant_no_is_about_the_question_answered_last():
    before = {**BEFORE, "ps_chemo_active": "yes", "ps_cancer": "no"}
    assert turn("ps_diabetes", "I meant no", before, last_answered="ps_chemo_active").record == {
        "ps_chemo_active": "no"}
    # without being told, the last question before the one on screen
    assert turn("ps_infection", "I meant no", {k: v for k, v in before.items() if k not in (
        "ps_infection", "ps_cancer")}).record == {"ps_chemo_active": "no"}


def test_the_check_before_the_result_reads_corrections():
    assert turn(CONFIRM, "it's 12 years not 3", BEFORE).record == {"ps_duration": 12.0}
    assert turn(CONFIRM, "the infection one should be yes", BEFORE).record == {"ps_infection": "yes"}
    assert turn(CONFIRM, "am I eligible?", BEFORE).question == "result"


def test_a_cause_named_in_passing_does_not_replace_the_given_cause():
    got = turn("ps_infection", "my carpal tunnel is acting up", {**BEFORE, "ps_type": "diabetic"})
    assert "ps_type" not in got.record
    corrected = turn("ps_infection", "about the cause, it turned out to be my diabetes", {**BEFORE, "ps_type": "unsure"})
    assert corrected.record == {"ps_type": "diabetic", "ps_diabetes": "yes"}


def test_nothing_recorded_before_consent_and_nothing_logged(caplog):
    caplog.set_level(logging.DEBUG)
    assert turn("ps_consent", "I'm on chemo and my a1c is 12.3", {}).record == {}
    turn("ps_a1c", "canary-5521 my a1c is 12.3", DIABETIC)
    assert not [r for r in caplog.records if "canary-5521" in r.getMessage() or "12.3" in r.getMessage()]


def test_import_builds_nothing():
    code = ("import sys; sys.path.insert(0, %r); import assistant.prescreen.turn; "
            "from assistant.prescreen import context as c; print('spacy' in sys.modules, bool(c._nlp_cache))"
            % str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["False", "False"], out.stderr[-500:]


def test_speed(spec):
    turn("ps_type", "warm up", {})
    texts = [c[2] for c in CASES] * 4
    start = time.perf_counter()
    for text in texts:
        turn("ps_infection", text, BEFORE, spec=spec)
    per_reply = (time.perf_counter() - start) / len(texts)
    print(f"\nread_turn: {per_reply * 1000:.2f} ms per reply")
    assert per_reply < 0.025
