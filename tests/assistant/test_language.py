"""Which language a message is in (assistant/language.py, issue 14)."""
from __future__ import annotations

import pytest

from assistant import language


@pytest.mark.parametrize("text", [
    "cuanto cuesta la terapia con celulas madre?",
    "mi mamá tiene neuropatía en los pies y no puede dormir",
    "que es la neuropatia periferica",
    "tengo diabetes desde hace 10 años, me pueden ayudar?",
])
def test_clear_spanish(text) -> None:
    found = language.detect(text)
    assert (found.language, found.confident) == ("es", True)


@pytest.mark.parametrize("text", [
    "how many sessions are needed", "my feet burn at night, does this help?", "is it FDA approved?",
])
def test_clear_english(text) -> None:
    assert language.detect(text).language == "en"


@pytest.mark.parametrize("text", ["ok", "si", "no", "A1c 9.8", "CIDP", "gracias", "hi", "👍"])
def test_short_messages_do_not_switch(text) -> None:
    assert not language.detect(text).confident


@pytest.mark.parametrize("text, code", [
    ("Bonjour, combien coûte le traitement pour les nerfs ?", "fr"),
    ("神经病变是什么", "zh"),
    ("Tôi muốn đặt lịch hẹn với bác sĩ", "vi"),
    ("meu marido está com dor no peito e suando frio", "pt"),
])
def test_other_languages(text, code) -> None:
    found = language.detect(text)
    assert found.language == code and found.confident


@pytest.mark.parametrize("text, code", [
    ("Español", "es"), ("en español por favor", "es"), ("Sí, en español", "es"), ("¿Habla español?", "es"),
    ("English", "en"), ("in English please", "en"), ("Continue in English", "en"),
])
def test_requests(text, code) -> None:
    assert language.requested_language(text) == code


def test_a_question_about_spanish_is_not_a_request() -> None:
    assert language.requested_language("is the treatment available in Spain?") is None


@pytest.mark.parametrize("current, text, expected", [
    ("en", "ok", "en"), ("es", "ok", "es"), ("es", "how many sessions are needed", "en"),
    (None, "cuanto cuesta", "es"), (None, "ok", "en"),
])
def test_turn_language(current, text, expected) -> None:
    assert language.turn_language(current, language.detect(text)) == expected


def test_a_stray_spanglish_phrasing_does_not_take_english_words_off_the_english_list(tmp_path):
    from assistant.language import vocabularies

    (tmp_path / "faq.yml").write_text(
        'nlu:\n- intent: faq_best_responders\n  examples: |\n'
        '    - which types respond best\n    - which types of neuropathy respond well\n', encoding="utf-8")
    spanish = ["which types respond the best"] + [f"qué tipos responden mejor {n}" for n in range(19)]
    (tmp_path / "es.yml").write_text(
        'nlu:\n- intent: faq_best_responders\n  examples: |\n'
        + "".join(f"    - {line}\n" for line in spanish), encoding="utf-8")
    only_es, only_en = vocabularies(tmp_path)
    assert {"which", "types", "respond"} <= only_en  # one Spanish phrasing in 20 uses them: still English
    assert {"tipos", "responden"} <= only_es


def test_a_word_both_languages_use_alike_is_on_neither_list(tmp_path):
    from assistant.language import vocabularies

    (tmp_path / "faq.yml").write_text(
        'nlu:\n- intent: faq_cost\n  examples: |\n    - does medicare pay\n    - is it expensive\n'
        '    - too expensive for me\n    - bonjour, how much\n', encoding="utf-8")
    (tmp_path / "es.yml").write_text(
        'nlu:\n- intent: faq_cost\n  examples: |\n    - lo cubre medicare\n    - es caro\n    - muy caro\n',
        encoding="utf-8")
    only_es, only_en = vocabularies(tmp_path)
    assert "medicare" not in only_en and "medicare" not in only_es
    assert "expensive" in only_en and "caro" in only_es
    assert "bonjour" not in only_en  # one phrasing only: not evidence of English
