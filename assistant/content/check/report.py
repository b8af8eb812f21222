"""What a content check finds (`Problem`, `Report`) and how values are named in its messages."""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from collections.abc import Sequence
from typing import Any


@dataclasses.dataclass(frozen=True)
class Problem:
    """One finding. `field` is the dotted path inside the file ("topics[3].answer")."""

    file: str
    line: int | None
    field: str
    message: str
    severity: str = "error"  # "error" | "warning"
    where: str = ""  # human label of the record: "topic 'timeline'", "message 'greeting'"

    def __str__(self) -> str:
        loc = f"{self.file}:{self.line}" if self.line else self.file
        label = self.where or self.field
        return f"{loc} {label}: {self.message}" if label else f"{loc}: {self.message}"


@dataclasses.dataclass
class Report:
    problems: list[Problem]
    data: dict[str, Any]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "error"]

    @property
    def ok(self) -> bool:
        return not self.errors


# --------------------------------------------------------------------------
# Wording of values in messages (for staff, not programmers)


def type_name(value: Any) -> str:
    """'text', 'a list', 'a group of fields', ...: what staff wrote instead."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (dt.date, dt.datetime)):
        return "a date"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a group of fields"
    return type(value).__name__


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def is_text(value: Any) -> bool:
    """A non-blank string (what every text field must hold)."""
    return isinstance(value, str) and bool(value.strip())


def short(value: Any, limit: int = 60) -> str:
    s = str(value)
    return s if len(s) <= limit else s[: limit - 1] + "…"


def suggest(word: str, options: Sequence[str]) -> str:
    """ "; did you mean 'x'?" for a close option, else ""."""
    close = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""
