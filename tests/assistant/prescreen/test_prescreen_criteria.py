"""criteria.py, spec.py and content/prescreen.yml: questions, exclusions, notes, wording."""
from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path
from typing import Any, Dict

import pytest
import yaml

from tests.assistant.prescreen import driver_rules  # how the sample test driver reads the bot
from assistant.prescreen import criteria as C
from assistant.prescreen.criteria import condition_holds, evaluate, questions_to_ask, summary_lines
from assistant.prescreen.spec import validate_spec

ROOT = Path(__file__).resolve().parents[3]

# `spec`: content/prescreen.yml as a dict (conftest.py)


@pytest.fixture
def fresh(spec) -> Dict[str, Any]:
    """A private copy a test may change."""
    return copy.deepcopy(spec)


def done(**answers: Any) -> Dict[str, Any]:
    """A finished, harmless set of answers (consent given, nothing that excludes)."""
    base = {"ps_consent": "yes", "ps_type": "idiopathic", "ps_diagnosis": "yes", "ps_duration": 3.0,
            "ps_chemo_active": "no", "ps_infection": "no", "ps_cancer": "no", "ps_diabetes": "no"}
    base.update(answers)
    return {k: v for k, v in base.items() if v is not None}


def diabetic(a1c: Any, plan: Any, **more: Any) -> Dict[str, Any]:
    return done(ps_type="diabetic", ps_diabetes=None, ps_a1c=a1c, ps_a1c_plan=plan, **more)


def ids(outcome: C.Outcome) -> list:
    return [e["id"] for e in outcome.exclusions]


def note_ids(outcome: C.Outcome) -> list:
    return [n["id"] for n in outcome.notes]


# ---------------------------------------------------------------------------
# The shipped file


def test_shipped_spec_is_valid(spec):
    assert validate_spec(spec) == []


def test_criteria_match_the_clinic_page(spec):
    crit = spec["criteria"]
    assert crit["hba1c_threshold"] == 10.0
    assert (crit["duration_min"], crit["duration_max"]) == (1, 7)
    assert [e["id"] for e in crit["exclusions"]] == [
        "active_chemotherapy", "active_infection", "uncontrolled_diabetes", "compressive_neuropathy",
        "active_cancer"]


def test_questions_are_in_contract_order(spec):
    assert [q["slot"] for q in spec["questions"]] == [
        "ps_consent", "ps_type", "ps_diagnosis", "ps_duration", "ps_chemo_active", "ps_infection", "ps_cancer",
        "ps_diabetes", "ps_a1c", "ps_a1c_plan", "ps_compressive"]


# ---------------------------------------------------------------------------
# Uncontrolled diabetes: HbA1c above the threshold AND no plan


@pytest.mark.parametrize("a1c, plan, kind", [
    (10.0, "no", "possible"),        # at the threshold is not above it
    (10.1, "no", "excluded"),
    (10.1, "yes", "possible"),
    (10.1, "unsure", "review"),
    (9.9, "unsure", "possible"),     # cannot be above 10, so the plan does not matter
    (14.0, "no", "excluded"),
    ("unsure", "no", "review"),
    ("unsure", "yes", "possible"),
    ("unsure", "unsure", "review"),
    ("lt10", "no", "possible"),      # the "Under 10%" button
    ("gt10", "no", "excluded"),      # the "Over 10%" button
    ("gt10", "unsure", "review"),
    ("lte10", "no", "possible"),
    ("gte10", "no", "review"),       # 10 itself is fine, above is not: unknown
])
def test_hba1c_boundaries(spec, a1c, plan, kind):
    outcome = evaluate(diabetic(a1c, plan), spec)
    assert outcome.kind == kind
    assert ids(outcome) == (["uncontrolled_diabetes"] if kind == "excluded" else [])


def test_unknowns_name_only_the_answers_that_matter(spec):
    assert evaluate(diabetic(10.1, "unsure"), spec).unknowns == ["ps_a1c_plan"]
    assert evaluate(diabetic("unsure", "no"), spec).unknowns == ["ps_a1c"]
    assert evaluate(diabetic("unsure", "unsure"), spec).unknowns == ["ps_a1c", "ps_a1c_plan"]
    assert evaluate(diabetic("unsure", "yes"), spec).unknowns == []


def test_threshold_is_data(fresh):
    fresh["criteria"]["hba1c_threshold"] = 9.0
    assert evaluate(diabetic(9.5, "no"), fresh).kind == "excluded"
    assert evaluate(diabetic(9.0, "no"), fresh).kind == "possible"
    # "Under 10%" no longer settles it: the team reviews
    outcome = evaluate(diabetic("lt10", "no"), fresh)
    assert (outcome.kind, outcome.unknowns) == ("review", ["ps_a1c"])


def test_diabetes_not_asked_for_non_diabetic_never_excludes(spec):
    assert evaluate(done(ps_diabetes="no"), spec).kind == "possible"
    assert evaluate(done(ps_diabetes="unsure"), spec).kind == "possible"


def test_diabetic_type_implies_diabetes(spec):
    answers = done(ps_type="diabetic", ps_diabetes=None, ps_a1c=11.0, ps_a1c_plan="no")
    assert "ps_diabetes" not in answers
    assert ids(evaluate(answers, spec)) == ["uncontrolled_diabetes"]


# ---------------------------------------------------------------------------
# The other exclusions


@pytest.mark.parametrize("answers, exclusion", [
    (done(ps_chemo_active="yes"), "active_chemotherapy"),
    (done(ps_infection="yes"), "active_infection"),
    (done(ps_cancer="yes"), "active_cancer"),
    (done(ps_type="compressive", ps_compressive="yes"), "compressive_neuropathy"),
    (done(ps_type="other", ps_compressive="yes"), "compressive_neuropathy"),
    (done(ps_type="unsure", ps_compressive="yes"), "compressive_neuropathy"),
])
def test_each_exclusion(spec, answers, exclusion):
    outcome = evaluate(answers, spec)
    assert outcome.kind == "excluded"
    assert ids(outcome) == [exclusion]


@pytest.mark.parametrize("slot, extra", [
    ("ps_chemo_active", {}),
    ("ps_infection", {}),
    ("ps_cancer", {}),
    ("ps_compressive", {"ps_type": "other"}),
])
def test_unsure_on_an_exclusion_means_review(spec, slot, extra):
    outcome = evaluate(done(**{slot: "unsure"}, **extra), spec)
    assert (outcome.kind, outcome.exclusions, outcome.unknowns) == ("review", [], [slot])


def test_no_exclusion_is_possible(spec):
    outcome = evaluate(done(), spec)
    assert (outcome.kind, outcome.exclusions, outcome.unknowns) == ("possible", [], [])


def test_compressive_not_asked_is_not_unknown(spec):
    # diabetic / chemo / autoimmune / idiopathic types never get the pinched-nerve question
    for kind in ("chemo", "autoimmune", "idiopathic"):
        assert evaluate(done(ps_type=kind), spec).kind == "possible"


def test_several_exclusions_are_all_named_in_order(spec):
    outcome = evaluate(done(ps_cancer="yes", ps_chemo_active="yes", ps_infection="unsure"), spec)
    assert outcome.kind == "excluded"
    assert ids(outcome) == ["active_chemotherapy", "active_cancer"]
    assert outcome.unknowns == ["ps_infection"]


def test_unanswered_applicable_question_is_unknown(spec):
    answers = done()
    del answers["ps_cancer"]
    outcome = evaluate(answers, spec)
    assert (outcome.kind, outcome.unknowns) == ("review", ["ps_cancer"])


def test_partial_facts_can_already_name_an_exclusion(spec):
    # form.py explains an exclusion named in the opening message before consent
    assert ids(evaluate({"ps_chemo_active": "yes"}, spec)) == ["active_chemotherapy"]
    assert evaluate({}, spec).exclusions == []


# ---------------------------------------------------------------------------
# Notes


@pytest.mark.parametrize("duration, in_range, long", [
    (0.5, False, False), (0.99, False, False), (1, True, False), (1.0, True, False), (4.5, True, False),
    (7, True, False), (7.0, True, False), (7.01, False, True), (8, False, True), (25.0, False, True),
    ("lt1", False, False), ("1to7", True, False), ("gt7", False, True), ("unsure", False, False),
])
def test_duration_notes(spec, duration, in_range, long):
    notes = note_ids(evaluate(done(ps_duration=duration), spec))
    assert ("duration_in_range" in notes) is in_range
    assert ("duration_long" in notes) is long


def test_duration_never_excludes(spec):
    for duration in (0.1, 8, 40.0, "gt7", "lt1", "unsure"):
        assert evaluate(done(ps_duration=duration), spec).kind == "possible"


def test_strongest_candidate_notes(spec):
    assert "strong_diabetic" in note_ids(evaluate(diabetic(7.0, "yes"), spec))
    assert "strong_diabetic" not in note_ids(evaluate(diabetic(7.0, "no"), spec))
    assert "strong_diabetic" not in note_ids(evaluate(diabetic(7.0, "yes", ps_diagnosis="unsure"), spec))
    assert "strong_chemo" in note_ids(evaluate(done(ps_type="chemo"), spec))
    assert "strong_chemo" not in note_ids(evaluate(done(ps_type="chemo", ps_chemo_active="yes"), spec))
    assert "strong_inflammatory" in note_ids(evaluate(done(ps_type="autoimmune"), spec))
    assert "idiopathic" in note_ids(evaluate(done(ps_type="idiopathic"), spec))


def test_glycemic_note_for_anyone_with_diabetes(spec):
    assert "glycemic_control" in note_ids(evaluate(diabetic(7.0, "yes"), spec))  # implied by the type
    assert "glycemic_control" in note_ids(evaluate(done(ps_type="chemo", ps_diabetes="yes"), spec))
    assert "glycemic_control" not in note_ids(evaluate(done(), spec))


@pytest.mark.parametrize("diagnosis, shown", [("yes", False), ("no", True), ("unsure", True)])
def test_unconfirmed_diagnosis_note(spec, diagnosis, shown):
    assert ("unconfirmed_diagnosis" in note_ids(evaluate(done(ps_diagnosis=diagnosis), spec))) is shown


# ---------------------------------------------------------------------------
# Which questions are asked


def test_questions_from_the_start(spec):
    assert questions_to_ask({}, spec) == [
        "ps_consent", "ps_type", "ps_diagnosis", "ps_duration", "ps_chemo_active", "ps_infection", "ps_cancer",
        "ps_diabetes"]


def test_no_consent_asks_nothing(spec):
    assert questions_to_ask({"ps_consent": "no"}, spec) == []
    assert questions_to_ask({"ps_consent": "no", "ps_type": "diabetic"}, spec) == []


def test_diabetic_type_skips_diabetes_and_asks_a1c_and_plan(spec):
    remaining = questions_to_ask({"ps_consent": "yes", "ps_type": "diabetic"}, spec)
    assert remaining == ["ps_diagnosis", "ps_duration", "ps_chemo_active", "ps_infection", "ps_cancer", "ps_a1c",
                         "ps_a1c_plan"]


@pytest.mark.parametrize("diabetes, asked", [("yes", True), ("no", False), ("unsure", False)])
def test_a1c_and_plan_only_with_diabetes(spec, diabetes, asked):
    remaining = questions_to_ask({"ps_consent": "yes", "ps_type": "chemo", "ps_diabetes": diabetes}, spec)
    assert ("ps_a1c" in remaining) is asked
    assert ("ps_a1c_plan" in remaining) is asked


@pytest.mark.parametrize("kind, asked", [
    ("compressive", True), ("other", True), ("unsure", True),
    ("diabetic", False), ("chemo", False), ("autoimmune", False), ("idiopathic", False),
])
def test_pinched_nerve_question_depends_on_type(spec, kind, asked):
    assert ("ps_compressive" in questions_to_ask({"ps_consent": "yes", "ps_type": kind}, spec)) is asked


def test_known_answers_are_skipped(spec):
    answers = {"ps_consent": "yes", "ps_type": "chemo", "ps_chemo_active": "no", "ps_duration": 5.0}
    assert questions_to_ask(answers, spec) == ["ps_diagnosis", "ps_infection", "ps_cancer", "ps_diabetes"]
    # "not sure" is an answer too
    answers.update(ps_diagnosis="unsure", ps_infection="unsure", ps_cancer="no", ps_diabetes="no")
    assert questions_to_ask(answers, spec) == []


def test_facts_before_consent_still_ask_consent_first(spec):
    assert questions_to_ask({"ps_chemo_active": "yes"}, spec)[0] == "ps_consent"


# ---------------------------------------------------------------------------
# Conditions


@pytest.mark.parametrize("cond, answers, holds", [
    ({"slot": "ps_type", "equals": "chemo"}, {"ps_type": "chemo"}, True),
    ({"slot": "ps_type", "equals": "chemo"}, {}, False),
    ({"slot": "ps_type", "equals": "chemo"}, {"ps_type": "unsure"}, False),
    ({"slot": "ps_type", "equals": "unsure"}, {"ps_type": "unsure"}, True),
    ({"slot": "ps_type", "in": ["other", "unsure"]}, {"ps_type": "unsure"}, True),
    ({"slot": "ps_a1c", "known": True}, {"ps_a1c": 7.0}, True),
    ({"slot": "ps_a1c", "known": True}, {"ps_a1c": "unsure"}, False),
    ({"slot": "ps_a1c", "known": False}, {}, True),
    ({"slot": "ps_a1c", "gt": "$hba1c_threshold"}, {"ps_a1c": 10.5}, True),
    ({"slot": "ps_a1c", "gte": 10}, {"ps_a1c": 10}, True),
    ({"slot": "ps_a1c", "lt": 10}, {"ps_a1c": "lt10"}, True),
    ({"slot": "ps_a1c", "lte": 9}, {"ps_a1c": "lt10"}, False),   # unknown reads as "does not hold"
    ({"slot": "ps_duration", "gte": "$duration_min"}, {"ps_duration": "1to7"}, True),
    ({"not": {"slot": "ps_type", "equals": "diabetic"}}, {}, True),
    ({"all": [{"slot": "ps_type", "equals": "chemo"}, {"slot": "ps_cancer", "equals": "no"}]},
     {"ps_type": "chemo", "ps_cancer": "no"}, True),
    ({"any": [{"slot": "ps_type", "equals": "chemo"}, {"slot": "ps_cancer", "equals": "yes"}]},
     {"ps_type": "other", "ps_cancer": "no"}, False),
])
def test_condition_holds(spec, cond, answers, holds):
    assert condition_holds(cond, answers, spec) is holds


# ---------------------------------------------------------------------------
# Summary for the visitor


def test_summary_lines(spec):
    lines = summary_lines(diabetic(9.8, "yes", ps_duration=5.0), spec)
    assert lines == [
        "Cause of neuropathy: Diabetes", "Confirmed by a nerve test: Yes", "How long you have had symptoms: 5 years",
        "Chemo right now: No", "Infection right now: No", "Active cancer right now: No", "Diabetes: Yes",
        "Latest A1c: 9.8%", "Diabetes plan with a doctor: Yes"]


@pytest.mark.parametrize("slot, value, shown", [
    ("ps_duration", 1.0, "1 year"), ("ps_duration", 2.5, "2.5 years"), ("ps_duration", "1to7", "1 to 7 years"),
    ("ps_duration", "gt7", "More than 7 years"), ("ps_duration", "unsure", "Not sure"),
    ("ps_a1c", "lt10", "Under 10%"), ("ps_a1c", "lt8", "Under 8%"), ("ps_a1c", "gte9.5", "At or over 9.5%"),
    ("ps_a1c", 10.0, "10%"), ("ps_a1c", "unsure", "I don't know"),
    ("ps_type", "compressive", "A pinched or squeezed nerve"), ("ps_type", "idiopathic", "No known cause"),
])
def test_summary_values(spec, slot, value, shown):
    assert C.display_value(slot, value, spec) == shown


def test_summary_leaves_out_consent_and_unasked(spec):
    lines = summary_lines({"ps_consent": "yes", "ps_type": "chemo"}, spec)
    assert lines == ["Cause of neuropathy: Chemo treatment"]


# ---------------------------------------------------------------------------
# Wording: safe, plain, and readable by the test drivers


def wording(spec):
    """(path, text) of every sentence a visitor can read."""
    skip = re.compile(r"\.(slot|value|id|equals|gt|gte|lt|lte|in)\b|\.in\[|^\.criteria\.\w+$")

    def walk(node, path=""):
        if isinstance(node, str):
            if not skip.search(path):
                yield path, node
        elif isinstance(node, dict):
            for k, v in node.items():
                yield from walk(v, f"{path}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                yield from walk(v, f"{path}[{i}]")

    return list(walk(spec))


FORBIDDEN = re.compile(r"eligib|approved|\bqualif|unfortunately|\bdiagnosed with\b|\byou have (neuropathy|cipn)",
                       re.I)


def test_wording_never_decides(spec):
    for path, text in wording(spec):
        assert not FORBIDDEN.search(text), path
    possible = spec["outcomes"]["possible"]["text"]
    assert "you may be a candidate" in possible and "{team_name} decides after reviewing your intake" in possible


def test_outcomes_send_people_onward(spec):
    excluded = spec["outcomes"]["excluded"]["text"]
    assert "{phone}" in excluded and re.search(r"doctor|physician", excluded)
    assert "{team_name}" in spec["outcomes"]["review"]["text"]
    for e in spec["criteria"]["exclusions"]:
        assert e["what_could_change"].startswith("It can be looked at again")
    handoff = spec["handoff"]
    assert "NCS" in handoff["what_to_bring"] and "EMG" in handoff["what_to_bring"]
    assert handoff["summary_intro"].startswith("Here is a summary of your answers to copy into the form")


def test_consent_explains_itself(spec):
    consent = spec["questions"][0]
    text = consent["text"].lower()
    for words in ("few", "couple of minutes", "not a medical decision", "only in this chat", "marketing",
                  "shall we start?"):
        assert words in text
    assert [b["title"] for b in consent["buttons"]] == ["Yes, let's start", "No, thanks"]


def test_only_clinic_placeholders(spec):
    allowed = {"clinic_name", "team_name", "phone", "email", "hours", "intake_url"}
    for path, text in wording(spec):
        assert set(re.findall(r"\{([^}]*)\}", text)) <= allowed, path


def test_plain_language(spec):
    content_check = pytest.importorskip("assistant.content.check.wording")
    stand_ins = {"clinic_name": "the clinic", "team_name": "our team", "phone": "555 0100",
                 "email": "team@example.org", "hours": "on weekdays", "intake_url": "https://example.org"}
    too_hard = []
    for path, text in wording(spec):
        filled = re.sub(r"\{(\w+)\}", lambda m: stand_ins.get(m.group(1), m.group(0)), text)
        if len(re.findall(r"[A-Za-z0-9']+", filled)) < 10:
            continue
        grade = content_check.reading_grade(filled)
        if grade is not None and grade > 8.0:
            too_hard.append((path, grade))
    assert too_hard == []


def driver_key(message: str):
    return next((key for key, rx in driver_rules.QUESTIONS if re.search(rx, message, re.I)), None)


@pytest.mark.parametrize("field", ["text", "reask", "explanation", "replies.noted", "replies.changed",
                                   "replies.result", "confirm.fix"])
def test_each_question_is_recognisable(spec, field):
    """A driver that finds the question by keywords answers the right one, whatever is said before it
    (a re-ask is said instead of the question; the others come first, in the same message)."""
    for q in spec["questions"]:
        if field in ("text", "reask"):
            said = q[field]
        elif field == "explanation":
            said = q["explanation"] + "\n\n" + q["text"]
        else:
            group, key = field.split(".")
            said = spec[group][key]["text"] + "\n\n" + q["text"]
        titles = [b["title"] for b in q.get("buttons") or []]
        message = "\n".join([said] + [t for title in titles for t in (title, title)])  # title + payload
        assert driver_key(message) == driver_rules.KEY_OF_SLOT[q["slot"]], (q["slot"], field)


SUMMARY_LINE = re.compile(r"^[ \t]*(?:[-•*·]|\d+[.)])?[ \t]*[*_]{0,2}[A-Za-z(][^:\n]{1,70}:[ \t]*\S[^\n]{0,79}$")
SUMMARY_MARKER = re.compile(r"summary|intake|copy|your answers", re.I)


def looks_like_summary(message: str) -> bool:
    """How shared/eval/run_dialogs.py spots the summary: 3+ "Label: value" lines and a marker word."""
    return sum(1 for ln in message.split("\n") if SUMMARY_LINE.search(ln)) >= 3 and bool(SUMMARY_MARKER.search(message))


def test_the_check_before_the_result_is_answered_yes_by_a_driver_and_is_not_the_summary(spec):
    answers = done(ps_infection="unsure", ps_duration="2-3")
    confirm = spec["confirm"]
    listed = confirm["intro"] + "\n" + "\n".join(f"- {line}" for line in summary_lines(answers, spec))
    titles = [confirm["yes_title"]] + [confirm["change_prefix"] + q["short_label"] for q in spec["questions"]
                                       if q.get("short_label")]
    message = "\n".join([listed, confirm["text"]] + [t for title in titles for t in (title, title)])
    assert driver_key(message) == "consent"  # "... to continue": a driver says yes
    assert re.search(driver_rules.DEFAULTS["consent"]["button"], confirm["yes_title"], re.I)
    assert not looks_like_summary(message)
    final = spec["handoff"]["summary_intro"] + "\n" + "\n".join(f"- {line}" for line in summary_lines(answers, spec))
    assert looks_like_summary(final)
    assert all(len(t) <= 40 for t in titles)


def test_hedges_and_guesses_are_shown_as_said(spec):
    assert C.display_value("ps_infection", "unsure", spec, {"hedge": "yes"}) == "Probably yes, not sure"
    assert C.display_value("ps_infection", "unsure", spec, {"hedge": "no"}) == "Probably not, not sure"
    assert C.display_value("ps_infection", "unsure", spec, {"hedge": ""}) == "Not sure"
    assert C.display_value("ps_duration", 4.0, spec, {"approx": True}) == "About 4 years"
    assert C.display_value("ps_a1c", "9-10", spec) == "9–10%"
    assert C.display_value("ps_duration", "2-3", spec) == "2–3 years"
    notes = {"ps_diagnosis": {"hedge": "yes"}}
    assert "Confirmed by a nerve test: Probably yes, not sure" in summary_lines(done(ps_diagnosis="unsure"), spec,
                                                                                notes)


def test_a_typed_range_is_compared_honestly(spec):
    assert evaluate(diabetic("9-10", "no"), spec).kind == "possible"
    assert evaluate(diabetic("10-11", "no"), spec).kind == "review"  # straddles the limit: the team reviews
    assert evaluate(diabetic("11-12", "no"), spec).kind == "excluded"
    assert "duration_in_range" in note_ids(evaluate(done(ps_duration="2-3"), spec))


def test_answer_buttons_look_like_answers(spec):
    for q in spec["questions"]:
        titles = [b["title"] for b in q.get("buttons") or []]
        if {b["value"] for b in q["buttons"]} == {"yes", "no", "unsure"}:
            assert titles == ["Yes", "No", "Not sure"], q["slot"]
        assert all(len(t) <= 40 for t in titles)
    durations = next(q for q in spec["questions"] if q["slot"] == "ps_duration")
    assert [b["title"] for b in durations["buttons"]] == ["Less than 1 year", "1 to 7 years", "More than 7 years",
                                                           "Not sure"]


# ---------------------------------------------------------------------------
# Staff edits without code


def test_staff_can_add_an_exclusion(fresh):
    fresh["criteria"]["long_standing_years"] = 30
    fresh["criteria"]["exclusions"].append({
        "id": "very_long_standing", "name": "Very long-standing neuropathy",
        "when": {"slot": "ps_duration", "gt": "$long_standing_years"},
        "explanation": "Example.", "what_could_change": "It can be looked at again later."})
    assert validate_spec(fresh) == []
    assert ids(evaluate(done(ps_duration=31.0), fresh)) == ["very_long_standing"]
    assert evaluate(done(ps_duration="gt7"), fresh).kind == "review"


def test_threshold_change_needs_matching_wording(fresh):
    fresh["criteria"]["hba1c_threshold"] = 9.0
    paths = {p for p, _ in validate_spec(fresh)}
    assert "questions[8].buttons[0].title" in paths and "criteria.exclusions[2].explanation" in paths
    fresh["questions"][8]["buttons"][0]["title"] = "Under 9%"
    fresh["questions"][8]["buttons"][0]["value"] = "lt9"
    fresh["questions"][8]["buttons"][1]["title"] = "Over 9%"
    fresh["questions"][8]["buttons"][1]["value"] = "gt9"
    fresh["criteria"]["exclusions"][2]["explanation"] = "An A1c above 9% with no plan is a reason to wait."
    assert validate_spec(fresh) == []


# ---------------------------------------------------------------------------
# validate_spec catches mistakes


def problems_at(spec, path):
    return [m for p, m in validate_spec(spec) if p == path]


def test_unknown_slot(fresh):
    fresh["criteria"]["exclusions"][2]["when"]["all"][0]["slot"] = "ps_foo"
    (msg,) = problems_at(fresh, "criteria.exclusions[2].when.all[0].slot")
    assert "unknown slot 'ps_foo'" in msg and "ps_diabetes" in msg


def test_unknown_key_names_the_allowed_ones(fresh):
    fresh["criteria"]["exclusions"][0]["explain"] = "typo"
    (msg,) = problems_at(fresh, "criteria.exclusions[0].explain")
    assert "unknown key 'explain'" in msg and "what_could_change" in msg


def test_bad_operator(fresh):
    fresh["criteria"]["exclusions"][0]["when"] = {"slot": "ps_chemo_active", "is": "yes"}
    found = validate_spec(fresh)
    assert any(p == "criteria.exclusions[0].when.is" and "allowed: slot, equals, in" in m for p, m in found)
    assert any(p == "criteria.exclusions[0].when" and "exactly one operator" in m for p, m in found)


@pytest.mark.parametrize("threshold", ["ten", None, True, "10%"])
def test_non_numeric_threshold(fresh, threshold):
    fresh["criteria"]["hba1c_threshold"] = threshold
    assert problems_at(fresh, "criteria.hba1c_threshold")


def test_unknown_threshold_reference(fresh):
    fresh["criteria"]["exclusions"][2]["when"]["all"][1]["gt"] = "$a1c_limit"
    (msg,) = problems_at(fresh, "criteria.exclusions[2].when.all[1].gt")
    assert "unknown threshold '$a1c_limit'" in msg and "$hba1c_threshold" in msg


def test_number_comparison_on_a_yes_no_slot(fresh):
    fresh["criteria"]["exclusions"][0]["when"] = {"slot": "ps_chemo_active", "gt": 3}
    assert "compares numbers" in problems_at(fresh, "criteria.exclusions[0].when.gt")[0]


def test_comparison_needs_a_number(fresh):
    fresh["criteria"]["exclusions"][2]["when"]["all"][1]["gt"] = "high"
    assert problems_at(fresh, "criteria.exclusions[2].when.all[1].gt")


def test_missing_wording(fresh):
    del fresh["criteria"]["exclusions"][1]["explanation"]
    fresh["criteria"]["exclusions"][3]["what_could_change"] = "  "
    fresh["outcomes"]["possible"]["text"] = ""
    del fresh["questions"][4]["reask"]
    found = validate_spec(fresh)
    assert ("criteria.exclusions[1]", "missing 'explanation'") in found
    assert ("criteria.exclusions[3].what_could_change", "wording is empty") in found
    assert ("outcomes.possible.text", "wording is empty") in found
    assert ("questions[4]", "missing 'reask'") in found


def test_duplicate_ids(fresh):
    fresh["criteria"]["exclusions"][4]["id"] = "active_chemotherapy"
    fresh["criteria"]["notes"][1]["id"] = "idiopathic"
    assert "duplicate id 'active_chemotherapy'" in problems_at(fresh, "criteria.exclusions[4].id")[0]
    assert "duplicate id 'idiopathic'" in problems_at(fresh, "criteria.notes[3].id")[0]  # the later one


def test_bare_yes_in_yaml(fresh):
    fresh["criteria"]["exclusions"][0]["when"]["equals"] = True  # what YAML makes of `equals: yes`
    assert "in quotes" in problems_at(fresh, "criteria.exclusions[0].when.equals")[0]


def test_unknown_value(fresh):
    fresh["questions"][10]["ask_if"]["in"][0] = "pinched"
    assert "unknown value 'pinched' for ps_type" in problems_at(fresh, "questions[10].ask_if.in[0]")[0]


def test_question_problems(fresh):
    fresh["questions"][3]["slot"] = "ps_type"          # asked twice, ps_duration never
    fresh["questions"][2]["buttons"][0]["value"] = "maybe"
    fresh["questions"][1]["colour"] = "red"
    found = validate_spec(fresh)
    assert any(p == "questions[3].slot" and "asked twice" in m for p, m in found)
    assert ("questions", "no question for ps_duration") in found
    assert any(p == "questions[2].buttons[0].value" and "unknown value 'maybe'" in m for p, m in found)
    assert any(p == "questions[1].colour" and "unknown key" in m for p, m in found)


def test_group_conditions(fresh):
    fresh["criteria"]["notes"][0]["when"] = {"all": []}
    fresh["criteria"]["notes"][1]["when"] = {"not": {"slot": "ps_type", "equals": "chemo"}, "slot": "ps_type"}
    assert problems_at(fresh, "criteria.notes[0].when.all")
    assert problems_at(fresh, "criteria.notes[1].when")


def test_summary_words_for_every_answer(fresh):
    del fresh["questions"][1]["value_labels"]["compressive"]
    assert any("'compressive' has no words" in m for m in problems_at(fresh, "questions[1]"))


def test_not_a_mapping():
    assert validate_spec(["questions"]) and validate_spec(None)


def test_new_wording_is_required_and_checked(fresh):
    broken = copy.deepcopy(fresh)
    del broken["replies"]
    del broken["questions"][2]["explanation"]
    broken["questions"][3]["short_label"] = "How long you have had your symptoms"
    broken["confirm"]["yes_title"] = "Yes, every single one of these answers is right"
    broken["confirm"]["intro"] = "Here is a summary of your answers:"
    broken["summary"]["hedge_labels"] = {True: "Probably yes", False: "Probably not"}
    paths = {p for p, _ in validate_spec(broken)}
    assert {"", "questions[2]", "questions[3].short_label", "confirm.yes_title", "confirm.intro",
            "summary.hedge_labels"} <= paths
    broken = copy.deepcopy(fresh)
    broken["replies"]["oops"] = {"text": "Oops."}
    del broken["confirm"]["which"]
    del broken["questions"][4]["short_label"]
    msgs = dict(validate_spec(broken))
    assert "unknown key 'oops'" in msgs["replies.oops"] and "missing 'which'" in msgs["confirm"]
    assert "questions[4].short_label" in msgs


def test_wording_that_sounds_like_a_decision_is_refused(fresh):
    fresh["replies"]["result"]["text"] = "You are eligible! Let's go on."
    fresh["outcomes"]["possible"]["text"] = "You qualify."
    paths = {p for p, _ in validate_spec(fresh)}
    assert {"replies.result.text", "outcomes.possible.text"} <= paths


def test_unknown_top_level_key(fresh):
    fresh["exclusions"] = []
    (msg,) = problems_at(fresh, "exclusions")
    assert "allowed: questions, criteria" in msg


# ---------------------------------------------------------------------------
# Loading: the content store is the one place prescreen.yml is read, through the
# content check, which runs spec.validate_spec (assistant/content/check/owned.py).


def test_the_content_check_refuses_a_broken_file(tmp_path, spec):
    content_check = pytest.importorskip("assistant.content.check")
    folder = tmp_path / "content"
    shutil.copytree(ROOT / "content", folder)
    bad = copy.deepcopy(spec)
    bad["criteria"]["hba1c_threshold"] = "ten"
    (folder / "prescreen.yml").write_text(yaml.safe_dump(bad))
    report = content_check.validate_dir(folder)
    assert any(p.file.endswith("prescreen.yml") and p.field == "criteria.hba1c_threshold" and p.severity == "error"
               for p in report.problems), [str(p) for p in report.problems]


def test_modules_stay_pure():
    for path in sorted((ROOT / "assistant" / "prescreen").rglob("*.py")):
        name = str(path.relative_to(ROOT))
        source = path.read_text()
        assert not re.search(r"^\s*(import|from)\s+rasa", source, re.M), name
        assert not re.search(r"import logging|\blogging\.|getLogger|loguru|\bprint\(", source), name
