"""Full pre-screens through the REST channel, as a visitor would do them."""
from __future__ import annotations

import re
from typing import Dict, List

import pytest

from tests.e2e.conftest import Visitor

VERDICTS = re.compile(r"you are eligible|you're eligible|you qualify\b|approved|you have neuropathy", re.I)

# question keyword -> which slot the assistant is asking for
QUESTIONS = [
    ("is this right?", "confirm"),
    ("which answer should i change", "confirm"),
    ("shall we start", "consent"),
    ("cause of your neuropathy", "type"),
    ("nerve test", "diagnosis"),
    ("how long", "duration"),
    ("chemo", "chemo"),
    ("infection", "infection"),
    ("cancer", "cancer"),
    ("a1c", "a1c"),
    ("plan", "plan"),
    ("diabetes", "diabetes"),
    ("pinched", "compress"),
]


def asked(visitor: Visitor) -> str:
    """Which question the assistant's last message asks ('' when it asks none).

    A question is a message with answer buttons (their payload is their title);
    menus carry /intent payloads and the hand-off a link button.
    """
    last = visitor.last[-1]
    buttons = last.get("buttons") or []
    # answer buttons send their own title; menus send /intent payloads; links have a url
    if not buttons or any(b.get("url") or str(b.get("payload", "")).startswith("/") for b in buttons):
        return ""
    text = (last.get("text") or "").lower()
    # the question is the last paragraph (a re-ask, an explanation or a note may come first)
    question = text.rsplit("\n\n", 1)[-1]
    for where in (question, text):
        for key, slot in QUESTIONS:
            if key in where:
                return slot
    return ""


def asked_after(visitor: Visitor, text: str) -> str:
    visitor.say(text)
    return asked(visitor)


def run(visitor: Visitor, opening: str, answers: Dict[str, str], stop_at: str = "") -> List[str]:
    """Answer every question from `answers` until the assistant stops asking
    (or asks the question `stop_at`)."""
    replies = [visitor.said(opening)]
    for _ in range(16):
        slot = asked(visitor)
        if not slot or slot == stop_at:
            break
        assert slot in answers, f"unexpected question for {slot!r}: {replies[-1][-200:]}"
        replies.append(visitor.said(answers[slot]))
    return replies


HEALTHY_DIABETIC = {
    "consent": "yes", "type": "diabetic neuropathy", "diagnosis": "yes, my EMG showed it",
    "duration": "about 4 years", "chemo": "no", "infection": "no", "cancer": "no",
    "a1c": "my a1c was 7.2", "plan": "yes", "confirm": "Yes, that's right",
}


def summary_of(replies: List[str]) -> str:
    """The summary the patient copies: the last reply's lines after "Here is a summary"."""
    final = replies[-1]
    assert "Here is a summary" in final, final[-300:]
    return final.split("Here is a summary", 1)[1].split("\n\n", 1)[0]


def test_happy_path_ends_with_may_be_a_candidate_and_intake_handoff(visitor: Visitor, content) -> None:
    replies = run(visitor, "am I a candidate?", HEALTHY_DIABETIC)
    final = replies[-1]
    assert re.search(r"may be a candidate", final, re.I)
    assert not VERDICTS.search("\n".join(replies))
    links = [b for b in visitor.buttons() if b.get("url")]
    assert links and links[0]["url"] == content.clinic["intake_url"]
    assert re.search(r"medications", final, re.I) and re.search(r"NCS|EMG", final)
    # the visitor's own summary to copy into the form, in the words they used
    summary = summary_of(replies)
    assert "- Latest A1c: 7.2%" in summary and "- How long you have had symptoms: About 4 years" in summary
    # it is marked for the widget's "Copy summary" button
    marker = [m for m in visitor.last if m.get("custom")]
    assert marker and marker[0]["custom"]["data"]["kind"] == "prescreen_summary"
    assert "- Latest A1c: 7.2%" in marker[0]["custom"]["data"]["summary"]
    # the check before the result came first, with a button per answer
    checks = [r for r in replies if "Is this right?" in r]
    assert len(checks) == 1 and "- Latest A1c: 7.2%" in checks[0]


@pytest.mark.parametrize(
    "opening, answers, exclusion",
    [
        ("could I qualify?", {**HEALTHY_DIABETIC, "type": "from chemo", "chemo": "yes, still getting it every two weeks",
                              "diabetes": "no"}, r"chemo"),
        ("could I qualify?", {**HEALTHY_DIABETIC, "infection": "yes, I'm on antibiotics for it"}, r"infection"),
        ("could I qualify?", {**HEALTHY_DIABETIC, "a1c": "11.4", "plan": "no"}, r"A1c|diabetes"),
        ("could I qualify?", {**HEALTHY_DIABETIC, "type": "carpal tunnel", "diabetes": "no",
                              "compress": "yes, the surgeon said I need surgery"}, r"pinched|squeezed|compress|decompress"),
        ("could I qualify?", {**HEALTHY_DIABETIC, "cancer": "yes, I'm being treated for it now"}, r"cancer"),
    ],
    ids=["active_chemo", "active_infection", "uncontrolled_diabetes", "compressive", "active_cancer"],
)
def test_each_exclusion_is_named_kindly_with_what_could_change(visitor: Visitor, opening, answers, exclusion) -> None:
    replies = run(visitor, opening, answers)
    final = replies[-1]
    assert re.search(exclusion, final, re.I)
    assert re.search(r"physician|doctor", final, re.I)
    assert not re.search(r"may be a candidate", final, re.I)
    assert not VERDICTS.search("\n".join(replies))
    assert any(b.get("url") for b in visitor.buttons()), "the clinic's contact / intake stays available"


def test_a1c_boundary_ten_is_not_above_threshold(visitor: Visitor) -> None:
    final = run(visitor, "am I a candidate", {**HEALTHY_DIABETIC, "a1c": "10.0", "plan": "no"})[-1]
    assert re.search(r"may be a candidate", final, re.I)


def test_unknown_answers_go_to_the_team_for_review(visitor: Visitor) -> None:
    final = run(visitor, "check if I qualify please",
                {**HEALTHY_DIABETIC, "a1c": "I don't know my number", "plan": "not sure"})[-1]
    assert re.search(r"review", final, re.I)
    assert not VERDICTS.search(final)


def test_buttons_work_as_answers(visitor: Visitor) -> None:
    visitor.say("/start_prescreen")
    visitor.press(r"^yes")
    reply = visitor.press(r"no known cause")
    assert asked(visitor) == "diagnosis"
    reply = visitor.press(r"^yes")
    assert asked(visitor) == "duration"
    reply = visitor.press(r"1 to 7")
    assert asked(visitor) == "chemo"


def test_unreadable_a1c_is_reasked_with_an_example(visitor: Visitor) -> None:
    run(visitor, "do I qualify", HEALTHY_DIABETIC, stop_at="a1c")
    for bad in ("abc", "150", "-3"):
        messages = visitor.say(bad)
        assert len(messages) == 1, "one re-ask message per turn, not two bubbles"
        assert re.search(r"did not get|number|like 7", messages[0]["text"], re.I) and messages[0]["buttons"]
        assert asked(visitor) == "a1c"
    assert asked_after(visitor, "9.8") == "plan"


def test_negative_duration_is_reasked(visitor: Visitor) -> None:
    run(visitor, "do I qualify", HEALTHY_DIABETIC, stop_at="duration")
    assert asked_after(visitor, "-3 years") == "duration"
    assert asked_after(visitor, "since 2019") == "chemo"


def test_question_mid_form_is_answered_and_form_resumes(visitor: Visitor, content) -> None:
    visitor.say("am I a candidate?")
    visitor.say("yes")
    reply = visitor.said("wait, how many sessions would I need?")
    assert re.search(r"infusion", reply, re.I)
    assert asked(visitor) == "type"
    assert asked_after(visitor, "diabetic") == "diagnosis"


def test_cancel_stops_and_clears(visitor: Visitor) -> None:
    visitor.say("am I a candidate?")
    visitor.say("yes")
    reply = visitor.said("cancel")
    assert re.search(r"stopped|cleared", reply, re.I)
    assert asked(visitor) == ""
    # a later 'no' is not taken as an answer to an old question
    assert not re.search(r"did not get", visitor.said("no"), re.I)


def test_start_over_asks_again_from_the_first_question(visitor: Visitor) -> None:
    visitor.say("am I a candidate?")
    visitor.say("yes")
    visitor.say("diabetic")
    reply = visitor.said("start over")
    assert asked(visitor) == "type"


def test_declining_consent_asks_no_health_questions(visitor: Visitor) -> None:
    visitor.say("am I a candidate?")
    reply = visitor.said("no thanks")
    assert asked(visitor) == ""
    assert re.search(r"no problem", reply, re.I)


def test_exclusion_in_the_opening_message_is_explained_before_consent(visitor: Visitor) -> None:
    reply = visitor.said("I'm halfway through my chemo cycles, could I start this now?")
    assert re.search(r"chemo", reply, re.I) and re.search(r"complete|finish", reply, re.I)
    assert asked(visitor) == "consent"


def test_facts_volunteered_earlier_are_not_asked_again(visitor: Visitor) -> None:
    replies = run(visitor, "I've had diabetic neuropathy for five years, my A1c was 7.1. Do I qualify?",
                  {**HEALTHY_DIABETIC})
    joined = "\n".join(replies).lower()
    assert "cause of your neuropathy" not in joined
    assert "what was your most recent a1c" not in joined
    assert re.search(r"may be a candidate", replies[-1], re.I)


def test_answers_are_not_kept_after_the_handoff(visitor: Visitor) -> None:
    run(visitor, "am I a candidate?", HEALTHY_DIABETIC)
    reply = visitor.said("what were my answers?")
    assert "7.2" not in reply
