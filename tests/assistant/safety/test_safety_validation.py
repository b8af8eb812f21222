"""validate_spec: each kind of mistake a staff edit can make is reported with its field path."""
from __future__ import annotations

import pytest

from assistant.safety import SafetyDetector, SafetySpecError, validate_spec


def _paths(errors):
    return [path for path, _ in errors]


def _find(errors, path):
    found = [msg for p, msg in errors if p == path]
    assert found, f"no error at {path}; got {errors}"
    return found[0]


def test_the_real_spec_is_valid(spec):
    assert validate_spec(spec) == []


def test_bad_regex_is_reported_at_its_path(spec_copy):
    spec_copy["emergency"]["categories"][2]["patterns"][0] = r"\bcant (breathe"
    msg = _find(validate_spec(spec_copy), "emergency.categories[2].patterns[0]")
    assert "bad regex" in msg


def test_unknown_key_names_the_allowed_keys(spec_copy):
    spec_copy["crisis"]["categories"][0]["pattern"] = ["oops"]
    msg = _find(validate_spec(spec_copy), "crisis.categories[0].pattern")
    assert "unknown key" in msg and "patterns" in msg and "examples" in msg


def test_unknown_top_level_key(spec_copy):
    spec_copy["crisis_words"] = []
    assert "unknown key" in _find(validate_spec(spec_copy), "crisis_words")


def test_missing_message(spec_copy):
    del spec_copy["medical_advice"]["categories"][0]["message"]
    assert "missing message" in _find(validate_spec(spec_copy), "medical_advice.categories[0].message")


def test_duplicate_ids(spec_copy):
    spec_copy["emergency"]["categories"][1]["id"] = spec_copy["emergency"]["categories"][0]["id"]
    assert "duplicate id" in _find(validate_spec(spec_copy), "emergency.categories[1].id")


def test_missing_section(spec_copy):
    del spec_copy["pain_idiom"]
    assert _find(validate_spec(spec_copy), "pain_idiom") == "missing section"


def test_not_a_mapping():
    assert validate_spec(["crisis"]) and validate_spec(None)


@pytest.mark.parametrize("pattern, words", [
    (r"(?:help)?", "empty text"),
    (r"\b(?:a+)+b", "may only follow one letter"),
    (r"\bwant.*die", "bounded"),
    (r"\b(?:\w+ ){0,4}die", "repeat inside another repeat"),
    (r"\bwant.{0,500}die", "at most 100"),
    (r"\bKill me", "small letters"),
    (r"\b(die)\1", "back-references"),
])
def test_risky_or_useless_patterns_are_rejected(spec_copy, pattern, words):
    spec_copy["crisis"]["categories"][0]["patterns"].append(pattern)
    index = len(spec_copy["crisis"]["categories"][0]["patterns"]) - 1
    assert words in _find(validate_spec(spec_copy), f"crisis.categories[0].patterns[{index}]")


def test_unknown_word_list(spec_copy):
    spec_copy["emergency"]["categories"][0]["patterns"][0] = r"\b{nope} pain\b"
    msg = _find(validate_spec(spec_copy), "emergency.categories[0].patterns[0]")
    assert "unknown word list {nope}" in msg


def test_word_list_cannot_include_itself(spec_copy):
    spec_copy["words"]["loop"] = ["{loop}", "x"]
    assert "itself" in " ".join(m for p, m in validate_spec(spec_copy) if p.startswith("words.loop"))


def test_example_that_is_not_detected(spec_copy):
    spec_copy["emergency"]["categories"][0]["examples"] = ["what is neuropathy"]
    msg = _find(validate_spec(spec_copy), "emergency.categories[0].examples[0]")
    assert "not detected" in msg


def test_example_detected_as_another_category(spec_copy):
    spec_copy["pain_idiom"]["categories"][0]["examples"] = ["this pain is killing me, I want to die"]
    msg = _find(validate_spec(spec_copy), "pain_idiom.categories[0].examples[0]")
    assert "crisis/" in msg


def test_crisis_message_must_keep_988(spec_copy):
    spec_copy["crisis"]["message"] = "Please call your doctor."
    assert "988" in _find(validate_spec(spec_copy), "crisis.message")


def test_emergency_message_must_keep_911(spec_copy):
    spec_copy["emergency"]["categories"][3]["message"] = "Call Poison Control."
    assert "911" in _find(validate_spec(spec_copy), "emergency.categories[3].message")


def test_unknown_placeholder(spec_copy):
    spec_copy["medical_advice"]["categories"][0]["message"] += " Visit us at {address}."
    msg = _find(validate_spec(spec_copy), "medical_advice.categories[0].message")
    assert "{address}" in msg and "{phone}" in msg


def test_detector_refuses_an_invalid_spec(spec_copy):
    spec_copy["crisis"]["categories"][0]["patterns"][0] = "(unclosed"
    with pytest.raises(SafetySpecError) as info:
        SafetyDetector(spec_copy)
    assert "crisis.categories[0].patterns[0]" in _paths(info.value.errors)
