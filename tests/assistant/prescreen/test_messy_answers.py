"""The messy-answer corpus (messy_answers.yml, written by someone who did not write the reader).

Each case goes through `assistant.prescreen.turn.read_turn`, the function the form
validator (actions/prescreen/form.py) calls on every reply: the question on screen
(`asked`), the answers already recorded (`before`) and the text. The case passes when
exactly `expect.record` is recorded or changed (nothing more, nothing less) and the
reply kind is `expect.kind`. The pass rate and every failure are printed; the test
requires >= 97%. The corpus file is never edited to make a case pass.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

from assistant.prescreen.turn import KINDS, read_turn
from assistant.prescreen.values import interval

HERE = Path(__file__).resolve().parent
CORPUS_FILE = HERE / "messy_answers.yml"
MIN_PASS_RATE = 0.97
# The corpus counts years to the day it was written ("since 2019" -> 7): Nov 30, 2026,
# unless the file says otherwise (`today:` at the top).
WRITTEN = date(2026, 11, 30)


def load() -> Dict[str, Any]:
    if not CORPUS_FILE.exists():
        pytest.skip("messy_answers.yml is not there yet")
    return yaml.safe_load(CORPUS_FILE.read_text(encoding="utf-8")) or {}


def same_value(got: Any, want: Any) -> bool:
    """7 == 7.0, "2-3" == "2-3"; strings compare exactly, numbers as numbers."""
    if isinstance(want, bool) or isinstance(got, bool):
        return got == want
    if isinstance(want, (int, float)) and isinstance(got, (int, float)):
        return abs(float(got) - float(want)) < 1e-6
    if isinstance(want, str) and isinstance(got, str):
        if want == got:
            return True
        a, b = interval(want), interval(got)  # "9-10" and "9to10" are the same range
        return a is not None and a == b and "-" in want + got and not want.isalpha()
    return got == want


def same_record(got: Dict[str, Any], want: Dict[str, Any]) -> bool:
    return set(got) == set(want) and all(same_value(got[k], want[k]) for k in want)


def run_case(case: Dict[str, Any], today: date, spec: Dict[str, Any]) -> List[str]:
    """Why the case fails ([] when it passes)."""
    before = dict(case.get("before") or {})
    turn = read_turn(case["asked"], case["text"], before, today=today, spec=spec)
    expect = case.get("expect") or {}
    want_record = dict(expect.get("record") or {})
    why = []
    if turn.kind != expect.get("kind"):
        why.append(f"kind {turn.kind} (want {expect.get('kind')})")
    if not same_record(turn.record, want_record):
        why.append(f"record {turn.record} (want {want_record})")
    return why


def test_messy_answers_pass_rate(spec):
    corpus = load()
    cases = corpus.get("cases") or []
    assert cases, "the corpus has no cases"
    today = corpus.get("today") or WRITTEN
    failures = []
    for case in cases:
        why = run_case(case, today, spec)
        if why:
            failures.append(f"  {case.get('id')}: asked {case['asked']}, {case['text']!r}: " + "; ".join(why))
    passed = len(cases) - len(failures)
    rate = passed / len(cases)
    print(f"\nmessy-answer corpus: {passed}/{len(cases)} = {rate:.1%} passed (need {MIN_PASS_RATE:.0%})")
    for line in failures:
        print(line)
    assert rate >= MIN_PASS_RATE, f"{len(failures)} of {len(cases)} messy answers read wrong"


def test_every_expected_kind_is_one_the_reader_gives():
    corpus = load()
    kinds = {(c.get("expect") or {}).get("kind") for c in corpus.get("cases") or []}
    assert kinds <= set(KINDS), kinds - set(KINDS)
