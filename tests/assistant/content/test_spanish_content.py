"""content/es/ laid over the English files, and its checks (issue 14)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.content import ContentStore
from assistant.content.check import validate_dir
from assistant.content.translation import overlay, reading_ease_es

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def content_copy(tmp_path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    return target


def test_the_spanish_tree_checks_clean() -> None:
    report = validate_dir(ROOT / "content", ROOT / "data")
    spanish = [p for p in report.problems if "/es/" in p.file]
    assert report.ok
    assert not [p for p in spanish if p.severity == "error"], spanish


def test_every_reply_is_served_in_spanish() -> None:
    content = ContentStore(ROOT / "content", ROOT / "data").get()
    es = content.in_language("es")
    assert es.language == "es" and content.in_language("en") is content
    assert es.topic("cost")["answer"] != content.topic("cost")["answer"]
    assert es.message("greeting")["text"].startswith("¡Hola!")
    assert es.prescreen["questions"][0]["buttons"][0]["value"] == "yes"  # values stay in English
    crisis = es.render(es.safety_detector.message_for("crisis", "suicide"))
    assert "988" in crisis and "AYUDA" in crisis and "911" in crisis
    assert "911" in es.render(es.safety_detector.message_for("emergency", "chest_pain"))
    # the patterns are the English file's, compiled once
    assert es.safety_detector.detect("I want to kill myself").kind == "crisis"


def test_the_language_buttons() -> None:
    content = ContentStore(ROOT / "content", ROOT / "data").get()
    assert {"title": "Español", "payload": "Español"} in content.buttons(content.message("greeting")["buttons"])
    es = content.in_language("es")
    assert {"title": "English", "payload": "English"} in es.buttons(es.message("greeting")["buttons"])


def test_team_name_reads_right_in_spanish() -> None:
    es = ContentStore(ROOT / "content", ROOT / "data").get().in_language("es")
    assert es.render("Llame a {team_name}. {team_name} decide.") == (
        "Llame al equipo del Dr. Moreno. El equipo del Dr. Moreno decide.")
    assert es.render("{intake_url}").startswith("https://")  # a link is never capitalised


def test_a_missing_spanish_text_is_reported_and_english_is_served(content_copy) -> None:
    path = content_copy / "es" / "messages.yml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  thanks:")
    end = text.index("  goodbye:")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    report = validate_dir(content_copy, ROOT / "data")
    assert any("messages.thanks.text" in p.field and "no Spanish text" in p.message for p in report.problems)
    es = ContentStore(content_copy, ROOT / "data").get().in_language("es")
    assert es.message("thanks")["text"] == ContentStore(content_copy, ROOT / "data").get().message("thanks")["text"]


def test_placeholders_that_differ_are_reported(content_copy) -> None:
    path = content_copy / "es" / "faq.yml"
    text = path.read_text(encoding="utf-8")
    head, body = text.split("\ntopics:", 1)  # not the comments above
    assert "{team_name}" in body
    path.write_text(head + "\ntopics:" + body.replace("{team_name}", "{phone}", 1), encoding="utf-8")
    report = validate_dir(content_copy, ROOT / "data")
    # a warning: an English edit that drops a placeholder is not held up by its Spanish twin
    assert any("placeholders differ" in p.message for p in report.problems)


def test_a_spanish_crisis_reply_without_988_is_refused(content_copy) -> None:
    path = content_copy / "es" / "safety.yml"
    text = path.read_text(encoding="utf-8")
    head, body = text.split("\ncrisis:", 1)  # not the comments above
    crisis, rest = body.split("\nemergency:", 1)
    path.write_text(head + "\ncrisis:" + crisis.replace("988", "la línea") + "\nemergency:" + rest, encoding="utf-8")
    report = validate_dir(content_copy, ROOT / "data")
    assert any("must include 988" in p.message for p in report.errors)


def test_hard_spanish_is_reported() -> None:
    easy = "Es una terapia. Se da por la vena. Toma poco tiempo. Usted puede irse a casa el mismo día. " * 2
    hard = ("La administración intravenosa de células estromales mesenquimales alogénicas "
            "proporciona modulación inmunológica multifactorial y neurorregeneración periférica "
            "mediante mecanismos paracrinos extraordinariamente complejos e interdependientes.")
    assert reading_ease_es(easy) > 70 > reading_ease_es(hard)


def test_overlay_keeps_what_is_not_words() -> None:
    en = {"topics": [{"id": "a", "answer": "Hi", "follow_ups": ["b"]}, {"id": "b", "answer": "Bye"}]}
    es = {"topics": [{"id": "b", "answer": "Adiós", "follow_ups": ["zzz"]}]}
    assert overlay(en, es) == {"topics": [{"id": "a", "answer": "Hi", "follow_ups": ["b"]},
                                          {"id": "b", "answer": "Adiós"}]}
