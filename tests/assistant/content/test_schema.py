"""The structure schemas of clinic.yml, faq.yml and messages.yml: plain JSON Schema, worded for staff."""
from __future__ import annotations

import json
from typing import Any, Callable

from jsonschema import Draft202012Validator

from assistant.content.check import schema

FAQ = "content/faq.yml"


def test_every_schema_is_valid_json_schema() -> None:
    for item in schema.schemas():
        Draft202012Validator.check_schema(item)
        json.dumps(item)


def test_keys_that_are_numbers_are_reported_not_crashing(ws: Any, find: Callable) -> None:
    ws.edit(FAQ, "    title: How many sessions are needed\n",
            "    title: How many sessions are needed\n    7: seven\n    anwser: more\n")
    report = ws.check()
    assert find(report, file=FAQ, contains="unknown key '7'")
    assert find(report, file=FAQ, field="topics[1].anwser", contains="did you mean 'answer'?")
    assert not [p for p in report.problems if "could not be checked" in p.message]


def test_an_impossible_review_date_is_worded_for_staff(ws: Any, find: Callable) -> None:
    ws.edit(FAQ, "last_reviewed: 2025-04-15", "last_reviewed: [2025]")
    assert find(ws.check(), file=FAQ, field="topics[2].last_reviewed",
                contains="last_reviewed should be a date (YYYY-MM-DD), found a list")
