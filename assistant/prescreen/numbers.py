"""Numbers in a reply: how long (durations and dates) and an A1c result.

Both readers take numberized text (`text.numberize`: lower case, number words
as digits). `find_duration` reads "3 years", "since March 2019", "more than
7 years" or "last spring" against `today`, with months, seasons and time units
from lexicon/numbers.yml; `find_a1c_number` reads "9.8", "under 7%" or "about
8 to 9" and skips years, durations and doses. Pure; nothing is logged.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from assistant.prescreen import lexicon
from assistant.prescreen.answer import Answer, invalid, ok

__all__ = ["A1C_HIGH", "A1C_LOW", "NUM", "UNIT_RE", "duration_value", "find_a1c_number", "find_duration"]

UNIT_RE = r"(years?|yrs?|y|months?|mos?|weeks?|wks?|days?|decades?)"
NUM = r"(\d+(?:\.\d+)?)"
A1C_LOW, A1C_HIGH = 3.0, 20.0  # a plausible A1c result, in percent


def _unit_factor(unit: str) -> float:
    """Years in one `unit` (lexicon/numbers.yml)."""
    unit_years = lexicon.get().unit_years
    u = unit.rstrip("s") if unit not in ("mos",) else "mo"
    return unit_years.get(u, unit_years.get(unit, 1.0))


def _years_since(year: int, month: int | None, today: date) -> float:
    if month is None:
        return float(today.year - year)
    return (today.year - year) + (today.month - month) / 12


def duration_value(years: float) -> Any:
    """A duration answer: years as a float (2 decimals); under a month is "lt1"."""
    if years < 1 / 12:
        return "lt1"
    return round(years, 2)


def find_duration(t: str, today: date, bare_number: bool) -> Answer | None:
    """Duration in numberized text `t`, or None when none is stated."""
    words = lexicon.get()
    month_of, season_of = words.months, words.seasons
    # "1-7 years", "between 2 and 3 years", "5 to 6 years"
    m = re.search(rf"(?:between\s+)?{NUM}\s*(?:-|to|or)\s*{NUM}\s*\+?\s*{UNIT_RE}\b", t) or re.search(
        rf"between\s+{NUM}\s*and\s*{NUM}\s*{UNIT_RE}\b", t
    )
    if m:
        a, b = float(m.group(1)), float(m.group(2))
        f = _unit_factor(m.group(3))
        if (a * f, b * f) == (1.0, 7.0):
            return ok("1to7")
        return ok(duration_value((a + b) / 2 * f))
    m = re.search(
        rf"\b(more than|over|longer than|at least|upwards of|past|beyond|greater than)\s+{NUM}"
        rf"\s*\+?\s*{UNIT_RE}",
        t,
    )
    if m:
        years = float(m.group(2)) * _unit_factor(m.group(3))
        return ok("gt7" if years >= 7 else duration_value(years))
    m = re.search(rf"\b(less than|under|within|not even|below|shorter than)\s+{NUM}\s*{UNIT_RE}", t)
    if m:
        years = float(m.group(2)) * _unit_factor(m.group(3))
        return ok("lt1" if years <= 1 else duration_value(years))
    if re.search(r"\b(less than|under|not even|within)\s+(?:a|1)\s+year\b", t):
        return ok("lt1")
    if re.search(r"-\s*\d", t) and not re.search(r"\d\s*-\s*\d", t):
        return invalid("negative")
    # "3 years and 6 months", "18 months", "6 months ago"
    parts = re.findall(rf"{NUM}\s*\+?\s*{UNIT_RE}\b", t)
    if parts:
        years = sum(float(n) * _unit_factor(u) for n, u in parts)
        if re.search(rf"{NUM}\s*\+\s*{UNIT_RE}", t) and years >= 7:
            return ok("gt7")
        return ok(duration_value(years))
    # "since March 2019", "in 2019", "since 2019", "2019"
    m = re.search(
        r"\b(?:(january|february|march|april|may|june|july|august|september|october|november|"
        r"december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec|spring|summer|fall|autumn|"
        r"winter)\s+(?:of\s+)?)?((?:19|20)\d\d)\b",
        t,
    )
    if m:
        year = int(m.group(2))
        word = m.group(1)
        month = month_of.get(word) if word in month_of else season_of.get(word) if word else None
        if year > today.year or (year == today.year and month and month > today.month):
            return invalid("out_of_range")
        years = _years_since(year, month, today)
        return ok("lt1" if years < 1 and month is None else duration_value(max(years, 0.0)))
    m = re.search(
        r"\bsince\s+(january|february|march|april|may|june|july|august|september|october|november|"
        r"december|spring|summer|fall|autumn|winter)\b",
        t,
    )
    if m:
        word = m.group(1)
        month = month_of.get(word) or season_of[word]
        months = (today.month - month) % 12 or 12
        return ok(duration_value(months / 12))
    m = re.search(
        r"\b(?:since\s+)?last\s+(spring|summer|fall|autumn|winter|"
        + "|".join(k for k in month_of if len(k) > 3)
        + r")\b",
        t,
    )
    if m:  # the latest one that has passed
        month = season_of.get(m.group(1)) or month_of[m.group(1)]
        months = (today.month - month) % 12 or 12
        return ok(duration_value(months / 12))
    if re.search(r"\b(since\s+)?last\s+year\b", t):
        return ok(1.0)
    if re.search(
        r"\b(this year|earlier this year|few months|several months|couple months|few weeks|"
        r"several weeks|few days|recently|just started|last month|weeks|months)\b",
        t,
    ):
        return ok("lt1")
    if re.search(r"\b(decades|most of my life|all my life|my whole life|since i was a (kid|child))\b", t):
        return ok("gt7")
    if re.search(r"\b(few|several|couple of|couple|some)\s+years\b", t):
        return ok("1to7")
    if re.search(r"\bsince\s+(i was|age|my)\b", t):
        return invalid("vague")
    if bare_number:
        m = re.fullmatch(
            r"(?:about|around|roughly|approximately|approx|maybe|~|almost|nearly|like|for)?\s*"
            rf"{NUM}\s*\+?\s*[.!]?",
            t,
        )
        if m:
            return ok(duration_value(float(m.group(1))))
    return None


def find_a1c_number(t: str) -> tuple[str, Any] | None:
    """(kind, value) from numberized text; kind is ok | negative | out_of_range | bound."""
    t = re.sub(r"\btype\s*[12]\b|\bt[12]d?m?\b", " ", t)
    m = re.search(r"\b(not over|not above|no more than|no higher than|at most)\s*" + NUM, t)
    if m:
        return ("bound", f"lte{float(m.group(2)):g}")
    m = re.search(r"\b(under|below|less than|lower than|<)\s*" + NUM + r"\s*%?", t) or re.search(r"(<)\s*" + NUM, t)
    if m:
        return ("bound", f"lt{float(m.group(2)):g}")
    m = re.search(r"\b(over|above|more than|higher than|greater than|>)\s*" + NUM + r"\s*%?", t) or re.search(
        r"(>)\s*" + NUM, t
    )
    if m:
        return ("bound", f"gt{float(m.group(2)):g}")
    m = re.search(NUM + r"\s*%?\s*or\s*(less|lower|below|under)\b", t)
    if m:
        return ("bound", f"lte{float(m.group(1)):g}")
    m = re.search(NUM + r"\s*%?\s*or\s*(more|higher|above|over)\b", t)
    if m:
        return ("bound", f"gte{float(m.group(1)):g}")
    numbers = []
    for mm in re.finditer(r"(?<![\w.])(-\s?)?(\d+(?:\.\d+)?)(\s*%)?", t):
        value, after = float(mm.group(2)), t[mm.end() :]
        if mm.group(3) is None and (
            ("." not in mm.group(2) and 1900 <= value <= 2100)
            or re.match(r"\s*(years?|months?|weeks?|days?|ago|mg|units?|times|x)\b", after)
        ):
            continue  # a year, a duration or a dose is not the result
        numbers.append((bool(mm.group(1)), value, mm.start(), bool(mm.group(3))))
    if not numbers:
        return None
    range_m = re.search(r"(?<![\w.])" + NUM + r"\s*%?\s*(?:-|to)\s*" + NUM, t) or re.search(
        r"between\s+" + NUM + r"\s*%?\s*and\s+" + NUM, t
    )
    if range_m and len(numbers) == 2 and not numbers[1][0]:
        a, b = float(range_m.group(1)), float(range_m.group(2))
        return _check_a1c((a + b) / 2)
    # prefer a plausible result; with several, the one with "%" or right after "a1c"
    plausible = [n for n in numbers if not n[0] and A1C_LOW <= n[1] <= A1C_HIGH] or numbers
    with_pct = [n for n in plausible if n[3]]
    pick = with_pct[0] if with_pct else plausible[0]
    a1c_at = t.find("a1c")
    if not with_pct and a1c_at >= 0:
        later = [n for n in plausible if n[2] > a1c_at]
        pick = later[0] if later else pick
    if pick[0]:
        return ("negative", None)
    return _check_a1c(pick[1])


def _check_a1c(v: float) -> tuple[str, Any]:
    if not A1C_LOW <= v <= A1C_HIGH:
        return ("out_of_range", None)
    return ("ok", round(v, 1))
