"""validate_dir: one seeded mistake per test, each found at the right file, line and field."""
from __future__ import annotations

import datetime as dt
import time
from importlib import import_module
from pathlib import Path
from typing import Any, Callable, Dict

import pytest

from assistant.content.check import clinic, owned, validate_dir
from assistant.content.check.yamldoc import parse_yaml

ROOT = Path(__file__).resolve().parents[3]
FAQ = "content/faq.yml"
MSG = "content/messages.yml"
CLINIC = "content/clinic.yml"

COST_ANSWER = ">-\n      The cost depends on your plan of care. Call us at {phone} and we will\n      go over the price with you."


def _long_answer() -> str:
    sentence = "The team will look at your health and talk with you about what may help. "
    return '"' + sentence * 10 + '"'  # 750 characters, easy words


HARD_ANSWER = (
    '"Mesenchymal regenerative interventions potentially facilitate neurological restoration through '
    'immunomodulatory mechanisms, simultaneously influencing microvascular perfusion, demyelination '
    'characteristics and inflammatory cytokine concentrations throughout peripheral neurological architecture."'
)

# name -> (seed the mistake, expected file, expected field, text in the message, needle for the line)
CASES: Dict[str, Any] = {
    "yaml_syntax": (
        lambda ws: ws.edit(FAQ, "title: What does it cost", "title: What: does it cost"),
        FAQ, "", "YAML syntax error", "What: does it cost"),
    "unknown_key": (
        lambda ws: ws.edit(FAQ, "    title: How many sessions are needed\n",
                           "    title: How many sessions are needed\n    anwser: more\n"),
        FAQ, "topics[1].anwser", "unknown key 'anwser' (allowed: id, title, answer", "anwser:"),
    "missing_key": (
        lambda ws: ws.edit(FAQ, "    follow_ups: []\n    source: Frequently Asked Questions\n", "    follow_ups: []\n"),
        FAQ, "topics[2]", "missing key 'source'", "- id: cost"),
    "wrong_type": (
        lambda ws: ws.edit(FAQ, "follow_ups: [timeline]", "follow_ups: {timeline: yes}"),
        FAQ, "topics[1].follow_ups", "should be a list", "follow_ups: {timeline"),
    "empty_answer": (
        lambda ws: ws.edit(FAQ, COST_ANSWER, '""'),
        FAQ, "topics[2].answer", "answer is empty", 'answer: ""'),
    "duplicate_id": (
        lambda ws: ws.edit(FAQ, "  - id: cost", "  - id: timeline"),
        FAQ, "topics[2].id", "'timeline' is used twice (first on line 2)", ("- id: timeline", 2)),
    "bad_id_format": (
        lambda ws: ws.edit(FAQ, "  - id: sessions", "  - id: Sessions-2"),
        FAQ, "topics[1].id", "may only use lower-case letters", "- id: Sessions-2"),
    "follow_up_unknown_topic": (
        lambda ws: ws.edit(FAQ, "follow_ups: [sessions, cost]", "follow_ups: [sesions, cost]"),
        FAQ, "topics[0].follow_ups[0]", "'sesions', which does not exist; did you mean 'sessions'?",
        "follow_ups: [sesions"),
    "topic_without_phrasings": (
        lambda ws: ws.write(FAQ, ws.read(FAQ) + (
            "\n  - id: insurance\n    title: Does insurance pay\n    answer: Ask the team about your plan and what it"
            " pays for when you call us.\n    follow_ups: []\n    source: FAQ\n    last_reviewed: 2025-05-01\n")),
        FAQ, "topics[3].id", "no training phrasings: add intent faq_insurance", "- id: insurance"),
    "phrasings_without_topic": (
        lambda ws: ws.write("data/nlu/faq.yml", ws.read("data/nlu/faq.yml")
                            + "- intent: faq_parking\n  examples: |\n    - where do I park\n"),
        "data/nlu/faq.yml", "faq_parking", "has no topic in content/faq.yml", "- intent: faq_parking"),
    "http_url": (
        lambda ws: ws.edit(FAQ, "https://clinic.example.com/msc", "http://clinic.example.com/msc"),
        FAQ, "topics[1].links[0].url", "must start with https://", "http://clinic.example.com/msc"),
    "unknown_placeholder": (
        lambda ws: ws.edit(FAQ, "Ask {team_name} what", "Ask {doctor_name} what"),
        FAQ, "topics[0].answer", "unknown placeholder {doctor_name}", "answer: >-"),
    "answer_too_long": (
        lambda ws: ws.edit(FAQ, COST_ANSWER, _long_answer()),
        FAQ, "topics[2].answer", "characters; at most 700 are allowed", "The team will look at your health"),
    "grade_too_high": (
        lambda ws: ws.edit(FAQ, COST_ANSWER, HARD_ANSWER),
        FAQ, "topics[2].answer", "above the limit of 10", "Mesenchymal"),
    "future_last_reviewed": (
        lambda ws: ws.edit(FAQ, "last_reviewed: 2025-04-15", "last_reviewed: 2025-09-01"),
        FAQ, "topics[2].last_reviewed", "2025-09-01 is in the future", "2025-09-01"),
    "invalid_last_reviewed": (
        lambda ws: ws.edit(FAQ, "last_reviewed: 2025-04-15", "last_reviewed: 2025-02-30"),
        FAQ, "topics[2].last_reviewed", "is not a real date; write it as YYYY-MM-DD", "2025-02-30"),
    "missing_required_message": (
        lambda ws: ws.edit(MSG, "  goodbye:\n    text: This is the goodbye message.\n", ""),
        MSG, "messages", "required message 'goodbye' is missing", "messages:"),
    "button_two_targets": (
        lambda ws: ws.edit(MSG, "{title: How long until it helps, topic: timeline}",
                           '{title: How long until it helps, topic: timeline, url: "https://x.example.com"}'),
        MSG, "messages.greeting.buttons[0]", "only ONE of topic, intent or url; this one has topic and url",
        "x.example.com"),
    "button_title_too_long": (
        lambda ws: ws.edit(MSG, "title: Am I a candidate?", "title: Am I a good candidate for this new kind of care?"),
        MSG, "messages.greeting.buttons[1].title", "at most 40", "good candidate"),
    "button_unknown_intent": (
        lambda ws: ws.edit(MSG, "intent: start_prescreen", "intent: start_prescren"),
        MSG, "messages.greeting.buttons[1].intent", "not in the training data (data/nlu); did you mean "
                                                   "'start_prescreen'?", "start_prescren"),
    "javascript_url": (
        lambda ws: ws.edit(MSG, 'url: "{intake_url}"', 'url: "javascript:alert(1)"'),
        MSG, "messages.greeting.buttons[2].url", "is not allowed: links must start with https://", "javascript:"),
    "duplicate_yaml_key": (
        lambda ws: ws.edit(FAQ, "    title: How long until it helps\n",
                           "    title: How long until it helps\n    title: Timeline\n"),
        FAQ, "topics[0].title", "key 'title' appears twice", "title: Timeline"),
    "clinic_unknown_key": (
        lambda ws: ws.edit(CLINIC, "  hours:", "  opening_hours: 9 to 5\n  hours:"),
        CLINIC, "clinic.opening_hours", "unknown key 'opening_hours'", "opening_hours"),
    "clinic_bad_email": (
        lambda ws: ws.edit(CLINIC, "email: intake@clinic.example.com", "email: intake at clinic"),
        CLINIC, "clinic.email", "is not an email address", "email:"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_seeded_mistake_is_found_at_file_line_field(name: str, ws: Any, find: Callable) -> None:
    seed, file, field, contains, needle = CASES[name]
    seed(ws)
    report = ws.check()
    assert not report.ok
    hits = find(report, file=file, field=field, contains=contains)
    assert hits, f"{name}: no error {contains!r} on {field!r}; got:\n" + "\n".join(map(str, report.problems))
    needle, nth = needle if isinstance(needle, tuple) else (needle, 1)
    assert hits[0].line == ws.line(file, needle, nth), str(hits[0])
    assert str(hits[0]).startswith(f"{file}:{hits[0].line}")


def test_at_least_fifteen_distinct_kinds_are_seeded() -> None:
    assert len(CASES) >= 15


def test_valid_fixture_has_no_problems(ws: Any) -> None:
    report = ws.check()
    assert report.ok
    assert report.problems == []
    assert set(report.data) == {"clinic", "faq", "messages", "prescreen", "safety"}
    assert [t["id"] for t in report.data["faq"]["topics"]] == ["timeline", "sessions", "cost"]


def test_problem_str_names_file_line_record_and_message(ws: Any, find: Callable) -> None:
    ws.edit(FAQ, COST_ANSWER, '""')
    problem = find(ws.check(), file=FAQ, field="topics[2].answer")[0]
    line = ws.line(FAQ, 'answer: ""')
    assert str(problem) == f"content/faq.yml:{line} topic 'cost': answer is empty"
    assert problem.severity == "error" and problem.where == "topic 'cost'"


def test_stale_topic_is_due_for_review_warning(ws: Any, find: Callable) -> None:
    ws.edit(FAQ, "last_reviewed: 2025-04-15", "last_reviewed: 2024-05-31")
    report = ws.check()
    assert report.ok  # a warning only
    hits = find(report, file=FAQ, field="topics[2].last_reviewed", contains="due for review", severity="warning")
    assert hits and hits[0].line == ws.line(FAQ, "2024-05-31")
    ws.edit(FAQ, "last_reviewed: 2024-05-31", "last_reviewed: 2024-06-01")  # exactly 12 months: not yet
    assert not find(ws.check(), file=FAQ, contains="due for review", severity="warning")


def test_placeholders_warn_and_fail_in_production(ws: Any, find: Callable) -> None:
    ws.edit(CLINIC, "placeholders: []", "placeholders: [phone, hours]")
    relaxed = ws.check()
    assert relaxed.ok
    assert len(find(relaxed, file=CLINIC, contains="still holds an example value", severity="warning")) == 2
    strict = ws.check(production=True)
    hits = find(strict, file=CLINIC, field="placeholders[0]", contains="phone still holds an example value")
    assert hits and hits[0].line == ws.line(CLINIC, "placeholders:")
    # a value set by the environment is real
    env_set = ws.check(production=True, env={"CLINIC_PHONE": "(555) 123-0000", "CLINIC_HOURS": "9 to 5"})
    assert env_set.ok


def test_placeholder_unknown_name_and_wrong_spelling(ws: Any, find: Callable) -> None:
    ws.edit(MSG, "care we offer at {clinic_name}", "care we offer at { Clinic_Name } and {clinic}")
    report = ws.check()
    assert find(report, file=MSG, field="messages.greeting.text", contains="write the placeholder as {clinic_name}")
    assert find(report, file=MSG, field="messages.greeting.text", contains="unknown placeholder {clinic}")


def test_intake_url_is_checked_after_substitution(ws: Any, find: Callable) -> None:
    report = ws.check(env={"CLINIC_INTAKE_URL": "http://clinic.example.com/intake"})
    assert find(report, file=CLINIC, field="clinic.intake_url", contains="(from CLINIC_INTAKE_URL)")
    hit = find(report, file=MSG, field="messages.greeting.buttons[2].url", contains="after filling placeholders")
    assert hit and hit[0].line == ws.line(MSG, "{intake_url}")


def test_http_link_inside_answer_text(ws: Any, find: Callable) -> None:
    ws.edit(FAQ, "go over the price with you.", "go over the price with you at http://clinic.example.com/price.")
    assert find(ws.check(), file=FAQ, field="topics[2].answer", contains="'http://clinic.example.com/price.'")


def test_answer_between_500_and_700_characters_warns(ws: Any, find: Callable) -> None:
    ws.edit(FAQ, COST_ANSWER, '"' + "We will talk with you about what to expect. " * 13 + '"')
    report = ws.check()
    assert report.ok
    assert find(report, file=FAQ, field="topics[2].answer", contains="aim for 500 or fewer", severity="warning")


def test_reading_grade_limit_is_configurable(ws: Any, find: Callable, monkeypatch: pytest.MonkeyPatch) -> None:
    ws.edit(FAQ, COST_ANSWER, HARD_ANSWER)
    assert ws.check(max_grade=40).ok  # still a warning above grade 8
    assert find(ws.check(max_grade=40), file=FAQ, field="topics[2].answer", contains="aim for grade 8",
                severity="warning")
    assert not ws.check(env={"CONTENT_MAX_GRADE": "12"}).ok
    assert ws.check(env={"CONTENT_MAX_GRADE": "40"}).ok


def test_follow_ups_limit_and_self_reference(ws: Any, find: Callable) -> None:
    ws.edit(FAQ, "follow_ups: [sessions, cost]", "follow_ups: [sessions, cost, timeline, sessions]")
    report = ws.check()
    assert find(report, file=FAQ, field="topics[0].follow_ups", contains="at most 3")
    assert find(report, file=FAQ, field="topics[0].follow_ups[2]", contains="same topic", severity="warning")
    assert find(report, file=FAQ, field="topics[0].follow_ups[3]", contains="repeats", severity="warning")


def test_button_without_target_and_unknown_topic(ws: Any, find: Callable) -> None:
    ws.edit(MSG, "{title: How long until it helps, topic: timeline}", "{title: How long until it helps}")
    ws.edit(MSG, "{title: Am I a candidate?, intent: start_prescreen}", "{title: Prices, topic: price}")
    report = ws.check()
    assert find(report, file=MSG, field="messages.greeting.buttons[0]", contains="needs one of topic, intent or url")
    assert find(report, file=MSG, field="messages.greeting.buttons[1].topic", contains="'price' does not exist")


def test_semantic_validator_problems_are_mapped_to_lines(ws: Any, find: Callable,
                                                         semantic_results: Dict[str, Any]) -> None:
    semantic_results["prescreen"] = [("criteria.exclusions[0].when", "unknown slot 'ps_foo'"),
                                     ("criteria.exclusions[0].not_a_key", "falls back to the record")]
    semantic_results["safety"] = [("crisis.categories[0].patterns[1]", "pattern can backtrack")]
    report = ws.check()
    when = find(report, file="content/prescreen.yml", field="criteria.exclusions[0].when", contains="ps_foo")
    assert when and when[0].line == ws.line("content/prescreen.yml", "when:")
    parent = find(report, file="content/prescreen.yml", contains="falls back")
    assert parent[0].line == ws.line("content/prescreen.yml", "- id: active_cancer")
    pattern = find(report, file="content/safety.yml", field="crisis.categories[0].patterns[1]")
    assert pattern[0].line == ws.line("content/safety.yml", "patterns:")
    assert str(when[0]).startswith(f"content/prescreen.yml:{when[0].line} criteria.exclusions[0].when: ")


def test_owned_files_get_text_checks_but_patterns_are_skipped(ws: Any, find: Callable) -> None:
    ws.edit("content/prescreen.yml", "May I ask you a few short questions?", "May I ask {your_name} a few questions?")
    report = ws.check()
    assert find(report, file="content/prescreen.yml", field="questions[0].text", contains="{your_name}")
    # {harm} in a safety pattern is a word-list reference, not a placeholder
    assert not find(report, file="content/safety.yml")


def test_missing_validator_is_a_warning(ws_real: Any, find: Callable, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(owned.VALIDATORS, "prescreen", lambda: import_module("assistant.prescreen.not_written_yet"))
    report = ws_real.check()
    hits = find(report, file="content/prescreen.yml", contains="validator not available", severity="warning")
    assert hits


def test_crashing_validator_becomes_an_error(ws: Any, find: Callable, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(data: Any) -> Any:
        raise KeyError("questions")

    monkeypatch.setattr(owned, "semantic_validator", lambda stem: boom)
    report = ws.check()
    assert find(report, file="content/safety.yml", contains="validate_spec failed (KeyError")


def test_missing_files_are_errors(ws: Any, find: Callable) -> None:
    ws.path("content/messages.yml").unlink()
    report = ws.check()
    assert find(report, file=MSG, contains="file is missing")
    assert "messages" not in report.data


@pytest.mark.parametrize("rel,text", [
    (FAQ, "- just\n- a list\n"),
    (FAQ, "topics: 5\n"),
    (FAQ, "topics:\n  - 42\n  - [a, b]\n  - id: {x: 1}\n    title: [1]\n    answer: 7\n    follow_ups: [1]\n"
          "    links: [5, {url: 3}]\n    source: null\n    last_reviewed: yes\n"),
    (FAQ, "topics: &a\n  - *a\n"),
    (MSG, "messages:\n  greeting: hello\n  help: [1]\n  fallback: {text: {a: b}, buttons: [1, {topic: []}]}\n"),
    (CLINIC, "clinic: [1, 2]\nplaceholders: nope\n"),
    (CLINIC, ""),
    ("content/safety.yml", "\t- tab\n"),
    ("content/prescreen.yml", "[1, 2, 3]\n"),
])
def test_never_raises_on_bad_input(ws: Any, rel: str, text: str) -> None:
    ws.write(rel, text)
    report = ws.check()
    assert not report.ok
    assert all(p.file for p in report.problems)


def test_undecodable_file_and_exception_in_a_check(ws: Any, find: Callable, monkeypatch: pytest.MonkeyPatch) -> None:
    ws.path(MSG).write_bytes(b"messages:\n  greeting: {text: \xff\xfe}\n")

    def broken(self: Any) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(clinic, "check_clinic", broken)
    report = ws.check()
    assert find(report, file=MSG, contains="not UTF-8")
    assert find(report, file=CLINIC, contains="could not be checked (RuntimeError")


def test_without_data_dir_nlu_checks_are_skipped(ws: Any) -> None:
    ws.write("data/nlu/faq.yml", "version: '3.1'\nnlu: []\n")
    assert not ws.check().ok
    assert ws.check(data_dir=None).ok


def test_line_map_falls_back_to_nearest_parent() -> None:
    doc = parse_yaml("topics:\n  - id: a\n    answer: >-\n      text\n  - id: b\n")
    assert doc.line_of("topics[0].answer") == 3
    assert doc.line_of("topics[1]") == 5
    assert doc.line_of("topics[1].answer") == 5
    assert doc.line_of("topics[7].x") == 1
    assert doc.line_of("") == 1


def test_impossible_date_stays_text_instead_of_crashing_the_loader() -> None:
    assert parse_yaml("d: 2025-13-45\n").data == {"d": "2025-13-45"}
    assert parse_yaml("d: 2025-01-31\n").data == {"d": dt.date(2025, 1, 31)}


def test_real_content_check_is_fast_when_warm() -> None:
    validate_dir(ROOT / "content", ROOT / "data")  # first run imports textstat and the validators
    best = min(_timed(lambda: validate_dir(ROOT / "content", ROOT / "data")) for _ in range(3))
    assert best < 0.3, f"validate_dir took {best:.3f}s"


def _timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def test_a_topic_missing_from_the_domain_or_the_faq_rule_is_reported(tmp_path) -> None:
    """Runs on a copy of the real project: drop one FAQ intent from domain.yml and the rule."""
    import shutil

    from assistant.content.check import validate_dir

    root = Path(__file__).resolve().parents[3]
    for name in ("content", "data"):
        shutil.copytree(root / name, tmp_path / name)
    domain = (root / "domain.yml").read_text().replace("  - faq_cost\n", "")
    (tmp_path / "domain.yml").write_text(domain)
    rules = tmp_path / "data" / "rules" / "faq.yml"
    rules.write_text(rules.read_text().replace("    - intent: faq_cost\n", ""))
    report = validate_dir(tmp_path / "content", tmp_path / "data")
    messages = [str(p) for p in report.problems if p.severity == "error"]
    assert any("faq_cost is not listed under intents in domain.yml" in m for m in messages)
    assert any("no rule answers faq_cost" in m for m in messages)
    assert all("faq.yml:" in m for m in messages if "faq_cost" in m)
