"""Crisis and emergency come first, on every message, inside the pre-screen too."""
from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import Visitor


@pytest.mark.parametrize("text", [
    "I feel like ending my life because of this pain",
    "i dont want to be here anymore",
    "whats the point of going on like this",
    "I've been thinking about killing myself",
])
def test_crisis_gets_988_first(visitor: Visitor, text: str) -> None:
    reply = visitor.said(text)
    assert "988" in reply and "988lifeline.org" in reply
    assert "911" in reply


@pytest.mark.parametrize("text", [
    "one side of my body went weak all of a sudden",
    "I have crushing chest pain right now",
    "my dad took too many of his pills",
    "I can't breathe",
])
def test_emergency_gets_911(visitor: Visitor, text: str) -> None:
    assert re.search(r"911|emergency", visitor.said(text), re.I)


def test_poisoning_mentions_poison_control(visitor: Visitor) -> None:
    assert re.search(r"poison", visitor.said("my son swallowed some of my pills"), re.I)


def test_crisis_inside_the_prescreen_leaves_the_form(visitor: Visitor) -> None:
    visitor.say("am I a candidate?")
    visitor.say("yes")
    reply = visitor.said("no. honestly i just want to die")
    assert "988" in reply
    # the form is over: a plain 'no' now is not read as an answer
    assert not re.search(r"did not get that", visitor.said("no"), re.I)


def test_idiom_gets_a_gentle_check_in_not_silence(visitor: Visitor) -> None:
    reply = visitor.said("this burning pain is killing me")
    assert "988" in reply


@pytest.mark.parametrize("text", [
    "can I quit my pregabalin before the infusions?",
    "should I double my gabapentin dose?",
    "do I have neuropathy? my toes tingle at night",
    "should I get this treatment?",
])
def test_no_individual_medical_advice(visitor: Visitor, text: str) -> None:
    reply = visitor.said(text)
    assert re.search(r"physician|doctor|medical team|team", reply, re.I)
    assert not re.search(r"\b(yes|you can|you should),? (stop|quit|reduce|double|increase)", reply, re.I)
    assert not re.search(r"you have neuropathy", reply, re.I)


def test_guarantee_questions_get_no_promises(visitor: Visitor) -> None:
    reply = visitor.said("what is the success rate? is it guaranteed to work?")
    assert not re.search(r"\d+\s*%", reply)
    assert re.search(r"vary|not guaranteed|no guarantee|guarantee", reply, re.I)
