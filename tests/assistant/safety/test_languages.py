"""Crisis and emergency words in the ten languages most spoken at home in the US after English
and Spanish (and Spanish): every listed language's tests pass, ordinary messages stay calm."""

from __future__ import annotations

import pytest
import yaml

from assistant.safety import languages

LANGS = ("zh", "tl", "vi", "ar", "fr", "ko", "ru", "ht", "pt", "hi", "es")
DATA = yaml.safe_load(languages.LANGUAGES_FILE.read_text(encoding="utf-8"))["languages"]


def test_the_file_checks_clean() -> None:
    assert languages.check_file() == []


@pytest.mark.parametrize("lang", LANGS)
def test_every_language_is_covered(lang: str) -> None:
    spec = DATA[lang]
    assert len(spec["crisis"]) >= 15 and len(spec["emergency"]) >= 12
    assert len(spec["crisis_tests"]) >= 8 and len(spec["emergency_tests"]) >= 6


@pytest.mark.parametrize("lang", LANGS)
def test_crisis_and_emergency_tests_in_each_language(lang: str) -> None:
    found = languages.load()
    for text in DATA[lang]["crisis_tests"]:
        assert found.detect(text).kind == "crisis", text
    for text in DATA[lang]["emergency_tests"]:
        assert found.detect(text).kind == "emergency", text
    for text in DATA[lang]["ordinary"]:
        assert found.detect(text) is None, text


def test_the_issue_examples() -> None:
    found = languages.load()
    assert found.detect("mi papá dice que se quiere quitar la vida por el dolor").kind == "crisis"
    assert found.detect("tengo un dolor muy fuerte en el pecho y no puedo respirar").kind == "emergency"
    assert found.detect("我不想活了").kind == "crisis"


@pytest.mark.parametrize("broken, error", [
    ({}, "languages"),
    ({"languages": {"fr": {"name": "Français", "crisis": ["x"], "emergency": "y",
                           "reply": {"crisis": "988 911", "emergency": "911"}}}}, "fr.emergency"),
    ({"languages": {"fr": {"crisis": ["x"], "emergency": ["y"], "reply": {"crisis": "988 911"}}}},
     "fr.reply.emergency"),
])
def test_a_malformed_file_names_the_problem(broken, error) -> None:
    with pytest.raises(ValueError, match=error):
        languages.parse(broken)


def test_folding_makes_accents_optional() -> None:
    assert languages.fold("JE VEUX MOURIR") == languages.fold("je veux mourir")
    assert languages.fold("suicídio") == "suicidio"


@pytest.mark.parametrize("text", [
    "does duloxetine make you suicidal?",
    "overdosed on info reading about stem cells all night lol",
    "we lost our son to an overdose 3 years ago",
    "Had a heart attack in 2015, stents, doing fine now.",
])
def test_english_messages_are_left_to_the_english_layers(text: str) -> None:
    assert languages.load().detect(text) is None


def test_spanish_figures_of_speech_raise_no_alarm_but_the_words_alone_do() -> None:
    from assistant.safety import languages

    found = languages.load()
    assert found.detect("ya tengo una sobredosis de información, ¿cuántas sesiones son?", True) is None
    assert found.detect("mi hija dice que me voy a matar en la escalera un día de estos", True) is None
    assert found.detect("me quiero morir de la pena, mandé el formulario mal", True) is None
    assert found.detect("me voy a matar, ya no aguanto", True).kind == "crisis"
    assert found.detect("creo que tomó una sobredosis de pastillas", True).kind == "emergency"
