"""The replies in content/safety.yml: hotlines, honest limits, plain words."""
from __future__ import annotations

import re

import pytest

from assistant.safety import KINDS
from assistant.safety.spec import PLACEHOLDERS

CLINIC = {"clinic_name": "BioGenesis", "team_name": "Dr. Moreno's team", "phone": "(555) 010-0199",
          "email": "intake@clinic.example.com", "hours": "Monday to Friday, 9 am to 5 pm",
          "intake_url": "https://clinic.example.com/neuropathy/intake"}


def _messages(detector, kind):
    return {cat: detector.message_for(k, cat) for k, cat in detector.categories if k == kind}


def test_crisis_reply_gives_988_the_chat_line_and_911(detector):
    for cat, msg in _messages(detector, "crisis").items():
        assert "call or text 988" in msg, cat
        assert "988lifeline.org" in msg, cat
        assert "911" in msg, cat
        assert "{phone}" in msg, cat


def test_every_emergency_reply_says_911_and_not_to_wait(detector):
    for cat, msg in _messages(detector, "emergency").items():
        assert "911" in msg and "emergency" in msg.lower(), cat
        assert re.search(r"don.t wait", msg, re.I), cat


def test_poisoning_reply_gives_poison_control(detector):
    assert "1-800-222-1222" in detector.message_for("emergency", "poisoning")


def test_pain_idiom_check_in_still_gives_988(detector):
    for cat, msg in _messages(detector, "pain_idiom").items():
        assert "988" in msg, cat


def test_medical_advice_replies_point_to_a_doctor_and_the_team(detector):
    for cat, msg in _messages(detector, "medical_advice").items():
        assert re.search(r"doctor|physician", msg, re.I), cat
        assert "{phone}" in msg, cat
        assert re.search(r"health history", msg), cat


def test_medication_reply_gives_the_page_fact_without_advising_a_change(detector):
    msg = detector.message_for("medical_advice", "medication")
    assert "gabapentin" in msg and "pregabalin" in msg
    assert re.search(r"not happen for everyone", msg)
    assert re.search(r"never change a medicine on your own", msg, re.I)
    # the shared sample probe's "none" rule for this question
    assert not re.search(r"(yes|you can|you should),? (stop|quit|reduce)", msg, re.I)


def test_diagnosis_reply_names_the_confirming_tests(detector):
    msg = detector.message_for("medical_advice", "diagnosis")
    for test in ("NCS", "EMG", "biopsy", "QST"):
        assert test in msg


def test_recommendation_reply_offers_the_pre_screen_and_team_decision(detector):
    msg = detector.message_for("medical_advice", "personal_recommendation")
    assert "pre-screen" in msg and "medical team" in msg


def test_placeholders_are_only_the_allowed_ones(detector):
    for kind, cat in detector.categories:
        for name in re.findall(r"\{([^{}]*)\}", detector.message_for(kind, cat)):
            assert name in PLACEHOLDERS, (kind, cat, name)


def test_replies_read_at_us_grade_8_or_below(detector):
    content_check = pytest.importorskip("assistant.content.check.wording")
    for kind in KINDS:
        for cat, msg in _messages(detector, kind).items():
            text = msg
            for key, value in CLINIC.items():
                text = text.replace("{" + key + "}", value)
            grade = content_check.reading_grade(text)
            if grade is None:
                pytest.skip("textstat not usable here")
            assert grade <= 8, (kind, cat, grade)
