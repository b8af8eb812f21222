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

__all__ = [
    "A1C_HIGH",
    "A1C_LOW",
    "NUM",
    "UNIT_RE",
    "duration_value",
    "find_a1c_number",
    "find_duration",
    "is_range",
    "range_value",
]

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


# Not how long: how often ("every 3 months", "3 times a day"), and ages ("I'm 67 years old").
_FREQUENCY = re.compile(
    r"\bevery\s+(?:other\s+|single\s+)?(?:\d+(?:\.\d+)?\s+|few\s+|couple\s+(?:of\s+)?)?"
    r"(?:days?|weeks?|months?|years?|nights?|mornings?|evenings?|hours?|minutes?)\b"
    r"|\b(?:\d+|once|twice)\s*(?:x|times)?\s*(?:a|1|per|each|every)\s+(?:day|week|month|year|night)\b"
    r"|\b(?:quarterly|monthly|weekly|daily|yearly|annually|nightly|hourly)\b|\b\d+\s*(?:x|times)\b"
    r"|\bfor\s+(?:\d+\s+)?(?:hours?|minutes?)\b"
)
_AGE = re.compile(
    r"\b(?:i'?m|i am|age|aged|turned|turning)\s+\d+(?:\s*(?:years?|yrs?|y)\s*old)?\b"
    r"|\b\d+\s*(?:years?|yrs?|y)\s*old\b|\b\d+\s*(?:yo|y/o)\b"
)
_AGE_SINCE = re.compile(r"\bsince\s+(?:i\s+was|i\s+turned|age|the age of)\s+(\d+)\b")
_AGE_NOW = re.compile(r"\b(?:i'?m|i am|now)\s+(\d+)\b")
_RANGE_UNIT = re.compile(rf"(?:between\s+{NUM}\s*(?:-|to|and)\s*{NUM}|{NUM}\s*(?:-|to|or)\s*{NUM})\s*\+?\s*{UNIT_RE}\b")
_RANGE_UNIT_FIRST = re.compile(rf"{NUM}\s*{UNIT_RE}\s*(?:-|to|or)\s*{NUM}(?:\s*{UNIT_RE})?\b")
_RANGE_YEARS = re.compile(r"\b((?:19|20)\d\d)\s*(?:-|to|or|and)\s*((?:19|20)\d\d)\b")
_RANGE_BARE = re.compile(
    rf"^(?:about|around|roughly|like|maybe|approx\w*|~|somewhere|between|probably)?\s*{NUM}\s*(?:-|to|or|and)\s*"
    rf"{NUM}\s*\+?\s*[.!]?$"
)


def _fmt(years: float) -> str:
    return f"{round(years, 2):g}"


def range_value(low: float, high: float) -> Any:
    """A duration said as a range, in years: "2-3" (kept as said, never averaged).

    Both ends under a year is "lt1"; exactly 1 to 7 is the "1 to 7 years" button (1to7)."""
    low, high = min(low, high), max(low, high)
    if high < 1:
        return "lt1"
    if low == high:
        return duration_value(low)
    if (low, high) == (1.0, 7.0):
        return "1to7"
    return f"{_fmt(low)}-{_fmt(high)}"


def is_range(value: Any) -> bool:
    """A value written as "a-b" (a typed range)."""
    return isinstance(value, str) and bool(re.fullmatch(r"\d+(?:\.\d+)?-\d+(?:\.\d+)?", value))


def find_duration(t: str, today: date, bare_number: bool) -> Answer | None:
    """Duration in numberized text `t`, or None when none is stated."""
    words = lexicon.get()
    month_of, season_of = words.months, words.seasons
    # "since I was 50, I'm 58 now": the difference of two ages
    since_age, now_age = _AGE_SINCE.search(t), None
    if since_age:
        now_age = next((m for m in _AGE_NOW.finditer(t) if m.start() > since_age.end()), None)
        if now_age and 0 <= int(now_age.group(1)) - int(since_age.group(1)) <= 90:
            return ok(duration_value(float(int(now_age.group(1)) - int(since_age.group(1)))))
    t = _FREQUENCY.sub(" ", t)
    t = _AGE.sub(" ", t)
    # ranges, kept as said: "2 or 3 years", "between 3 and 4 years", "a year or two", "2018 or 2019"
    m = _RANGE_YEARS.search(t)
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        if max(a, b) <= today.year and a != b:
            return ok(range_value(float(today.year - a), float(today.year - b)))
    m = _RANGE_UNIT.search(t)
    if m:
        low, high = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        f = _unit_factor(m.group(5))
        return ok(range_value(float(low) * f, float(high) * f))
    m = _RANGE_UNIT_FIRST.search(t)
    if m:
        f = _unit_factor(m.group(2))
        return ok(range_value(float(m.group(1)) * f, float(m.group(3)) * _unit_factor(m.group(4) or m.group(2))))
    if bare_number:
        m = _RANGE_BARE.match(t.strip())
        if m:
            return ok(range_value(float(m.group(1)), float(m.group(2))))
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
    if re.search(r"(?<![\w\d])-\s*\d", t) and not re.search(r"\d\s*-\s*\d", t):
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
            r"(?:about|around|roughly|approximately|approx|maybe|~|almost|nearly|like|for|it'?s|it is)?\s*"
            rf"{NUM}\s*\+?\s*(?:now|or so|ish)?\s*[.!]?",
            t.strip(),
        )
        if m:
            return ok(duration_value(float(m.group(1))))
    return None


_NOT_A1C_UNIT = re.compile(
    r"\s*(?:years?|months?|weeks?|days?|ago|mg|units?|times|x|pounds?|lbs?|kgs?|kilos?|am|pm|hours?|minutes?|"
    r"mmol|mg/dl|points?|o'?clock|yrs?|cups?|steps|miles?)\b"
)
_RECENT = re.compile(
    r"\b(?:last (?:one|time|month|week|check|test|visit|result)|latest|most recent|newest|recent|now|currently|"
    r"this (?:month|week|time)|came back|these days|today)\b"
)


def find_a1c_number(t: str) -> tuple[str, Any] | None:
    """(kind, value) from numberized text; kind is ok | negative | out_of_range | bound | range."""
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
    # "in the 7s": from 7 up to 8
    m = re.search(r"\b(?:in )?the (\d+)'?s\b", t)
    if m and A1C_LOW <= float(m.group(1)) < A1C_HIGH:
        return ("range", f"{float(m.group(1)):g}-{float(m.group(1)) + 1:g}")
    numbers = []
    for mm in re.finditer(r"(?<![\w.])(-\s?)?(\d+(?:\.\d+)?)(\s*%)?", t):
        value, after = float(mm.group(2)), t[mm.end() :]
        if mm.group(3) is None and (("." not in mm.group(2) and 1900 <= value <= 2100) or _NOT_A1C_UNIT.match(after)):
            continue  # a year, a duration, a dose or a weight is not the result
        numbers.append((bool(mm.group(1)), value, mm.start(), bool(mm.group(3)), mm.end()))
    if not numbers:
        return None
    # a range, kept as said: "7-8%", "between 7 and 8", "around 9 or 10", "6.5 to 7"
    range_m = re.search(r"(?<![\w.])" + NUM + r"\s*%?\s*(?:-|to|or)\s*" + NUM, t) or re.search(
        r"between\s+" + NUM + r"\s*%?\s*and\s+" + NUM, t
    )
    if range_m and len(numbers) == 2 and not numbers[1][0]:
        a, b = sorted((float(range_m.group(1)), float(range_m.group(2))))
        if not (a >= A1C_LOW and b <= A1C_HIGH):
            return ("out_of_range", None)
        return ("range", f"{a:g}-{b:g}") if a != b else _check_a1c(a)
    # prefer a plausible result; with several, the latest one ("12 in january but 8.4 last month"),
    # else the one with "%" or right after "a1c", else the first
    plausible = [n for n in numbers if not n[0] and A1C_LOW <= n[1] <= A1C_HIGH] or numbers
    pick = plausible[0]
    if len(plausible) > 1:
        recent = [r.start() for r in _RECENT.finditer(t)]
        with_pct = [n for n in plausible if n[3]]
        a1c_at = t.find("a1c")
        later = [n for n in plausible if a1c_at >= 0 and n[2] > a1c_at]
        if recent:
            pick = min(plausible, key=lambda n: min(abs(r - n[4]) for r in recent))
        else:
            pick = (with_pct or later or plausible)[0]
    if pick[0]:
        return ("negative", None)
    return _check_a1c(pick[1])


def _check_a1c(v: float) -> tuple[str, Any]:
    if not A1C_LOW <= v <= A1C_HIGH:
        return ("out_of_range", None)
    return ("ok", round(v, 1))
