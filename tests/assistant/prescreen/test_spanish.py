"""Spanish pre-screen replies: the same reading as English ones (issue 14).

The reply is rewritten into the reader's English words (lexicon/es.yml), then read by the
same rules: negation, the past, family, hedges and numbers.
"""
from __future__ import annotations

import pytest

from assistant.content import get_content
from assistant.prescreen.spanish import to_english
from assistant.prescreen.turn import read_facts, read_turn


@pytest.fixture(scope="module")
def spec():
    return get_content().in_language("es").prescreen


@pytest.mark.parametrize("asked, text, expected", [
    # the examples
    ("ps_chemo_active", "terminé la quimio en marzo", "no"),
    ("ps_a1c", "mi A1c es 9,8", 9.8),
    ("ps_duration", "desde 2019", None),  # years since 2019: depends on today, checked below
    # yes / no / not sure, negation, hedges
    ("ps_infection", "no", "no"),
    ("ps_infection", "no tengo ninguna infección", "no"),
    ("ps_cancer", "no sé", "unsure"),
    ("ps_chemo_active", "creo que no", "no"),
    ("ps_chemo_active", "todavía estoy en quimio", "yes"),
    ("ps_cancer", "tuve cáncer de mama pero estoy en remisión", "no"),
    ("ps_diagnosis", "me hicieron una EMG el año pasado", "yes"),
    ("ps_diabetes", "sí, diabetes tipo 2", "yes"),
    ("ps_a1c_plan", "sí, mi médico me controla la diabetes", "yes"),
    ("ps_compressive", "no, no tengo un nervio pinzado", "no"),
    # numbers
    ("ps_duration", "hace como 3 años", 3.0),
    ("ps_duration", "dos años y medio", 2.5),
    ("ps_a1c", "como 8", 8.0),
    # cause
    ("ps_type", "es por la diabetes", "diabetic"),
    ("ps_type", "por la quimio", "chemo"),
])
def test_spanish_answers_read_like_english_ones(spec, asked, text, expected) -> None:
    turn = read_turn(asked, text, {}, spec=spec, language="es")
    if expected is None:
        assert isinstance(turn.record.get(asked), float)
    else:
        assert turn.record.get(asked) == expected, (text, to_english(text), turn)


def test_a_relatives_cancer_is_not_the_visitors(spec) -> None:
    turn = read_turn("ps_cancer", "mi mamá tuvo cáncer", {}, spec=spec, language="es")
    assert "ps_cancer" not in turn.record


@pytest.mark.parametrize("title, value", [
    ("Sí, empecemos", "yes"), ("No, gracias", "no"),
])
def test_spanish_buttons_are_their_values(spec, title, value) -> None:
    assert read_turn("ps_consent", title, {}, spec=spec, language="es").record == {"ps_consent": value}


@pytest.mark.parametrize("asked, title, value", [
    ("ps_duration", "De 1 a 7 años", "1to7"), ("ps_duration", "Menos de 1 año", "lt1"),
    ("ps_a1c", "No lo sé", "unsure"), ("ps_type", "Sin causa conocida", "idiopathic"),
])
def test_answer_buttons_in_spanish(spec, asked, title, value) -> None:
    assert read_turn(asked, title, {}, spec=spec, language="es").record.get(asked) == value


def test_facts_before_consent_in_spanish() -> None:
    facts = read_facts(["hola, tengo neuropatia diabetica desde 2019, quiero saber si califico"], {},
                       language="es")
    assert facts["ps_type"] == "diabetic" and facts["ps_diabetes"] == "yes"
    assert isinstance(facts["ps_duration"], float)


def test_the_rewrite_keeps_unknown_words_and_fixes_word_order() -> None:
    assert to_english("mi A1c es 9,8") == "my a1c it is 9.8"
    assert to_english("hace 2 años") == "2 years ago"
    assert to_english("tomo gabapentina") == "i take gabapentina"
    assert to_english("") == ""
