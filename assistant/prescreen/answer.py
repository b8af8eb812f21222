"""What reading one reply gives: `Answer` (status, value, reason)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Answer", "invalid", "ok"]


@dataclass(frozen=True)
class Answer:
    """How a reply answers one question.

    status: "ok" (value holds the slot value), "invalid" (the reply tried to
        answer but could not be read; re-ask), or "none" (the reply is not an
        answer at all: empty, or a question back).
    reason: a short code for "invalid"/"none", for the caller, never shown:
        empty, question, unclear, conflict, unsure, no_number, out_of_range,
        negative, vague, other_person.
    """

    status: str
    value: Any = None
    reason: str = ""


def ok(value: Any) -> Answer:
    return Answer("ok", value)


def invalid(reason: str) -> Answer:
    return Answer("invalid", None, reason)
