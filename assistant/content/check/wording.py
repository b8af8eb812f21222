"""Checks of the words a visitor reads: placeholders, links, length and reading grade.

The reading grade is US school grade (Flesch-Kincaid) from textstat,
imported on first use (it imports nltk) and cached by text.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from typing import Any

from assistant.content.check.context import Context
from assistant.content.check.report import short
from assistant.content.placeholders import FILL_RE, PLACEHOLDERS, render

ANSWER_MAX_CHARS = 700
ANSWER_WARN_CHARS = 500
TITLE_MAX_CHARS = 40
GRADE_WARN = 8.0
GRADE_MAX_DEFAULT = 10.0
# Flesch-Kincaid is meaningless on a line or two ("Information unavailable."
# scores grade 30), so texts shorter than this are not graded.
GRADE_MIN_WORDS = 10

# Stand-ins used to measure length/grade when a clinic value is unknown.
_STAND_INS = {
    "name": "the clinic",
    "team_name": "our team",
    "phone": "555 0100",
    "email": "team@example.org",
    "hours": "on weekdays",
    "intake_url": "https://example.org/intake",
}

_PLACEHOLDER_RE = re.compile(r"\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}")  # anything that looks like one
URL_IN_TEXT_RE = re.compile(
    r"(?i)(?<![\w/])(?:https?://[^\s<>\"')\]]+|www\.[^\s<>\"')\]]+|javascript:\S*|vbscript:\S*|data:[a-z]+/[^\s]*)"
)

# --------------------------------------------------------------------------
# Readability (textstat, cached by text)

_GRADE_CACHE: dict[str, float | None] = {}
_GRADE_CACHE_MAX = 5000
_fk: bool | Callable[[str], float] | None = None  # None = not tried yet, False = unavailable


def _load_fk() -> bool | Callable[[str], float]:
    """textstat's Flesch-Kincaid grade, without network access.

    textstat <= 0.7.4 (pinned in requirements.in) counts syllables with pyphen:
    its public function is used as is. Newer releases look words up in nltk's
    cmudict and download it at run time when missing (blocked here, unwanted on
    a server); for them the same formula is built from textstat's own word,
    sentence and pyphen counters so the grade is the same on every machine.
    """
    try:
        import textstat
    except Exception:
        return False
    try:
        from textstat.backend.utils import get_cmudict  # noqa: F401 - only present in 0.7.5+
    except ImportError:
        return textstat.flesch_kincaid_grade
    try:
        from textstat.backend.counts import count_sentences, count_words
        from textstat.backend.selections import list_words
        from textstat.backend.utils import get_pyphen

        pyphen = get_pyphen("en_US")

        def fk(text: str) -> float:
            words = count_words(text)
            sentences = count_sentences(text)
            if not words or not sentences:
                return 0.0
            syllables = sum(len(pyphen.positions(w)) + 1 for w in list_words(text, lowercase=True))
            return 0.39 * words / sentences + 11.8 * syllables / words - 15.59

        return fk
    except Exception:
        return False


def _prepare_for_grade(text: str) -> str:
    text = URL_IN_TEXT_RE.sub("the link", text)
    text = re.sub(r"\S+@\S+\.\w+", "email", text)
    # a list line or heading without a full stop is still its own sentence
    lines = [ln.strip(" \t-*•") for ln in text.splitlines()]
    return " ".join(ln if ln.endswith((".", "!", "?", ":")) else f"{ln}." for ln in lines if ln)


def word_count(text: str) -> int:
    return len(re.findall(r"[A-Za-z0-9']+", text))


def reading_grade(text: str) -> float | None:
    """US school grade (Flesch-Kincaid) of `text`, None if textstat cannot run."""
    global _fk
    if text in _GRADE_CACHE:
        return _GRADE_CACHE[text]
    if _fk is None:
        _fk = _load_fk()
    grade: float | None = None
    if callable(_fk):
        grade = round(float(_fk(_prepare_for_grade(text))), 1)
    if len(_GRADE_CACHE) >= _GRADE_CACHE_MAX:
        _GRADE_CACHE.clear()
    _GRADE_CACHE[text] = grade
    return grade


# --------------------------------------------------------------------------
# Placeholders and links


def check_placeholders(ctx: Context, stem: str, path: str, text: str) -> None:
    """Only the known {placeholders}, spelt exactly; a lone brace is a warning."""
    for m in _PLACEHOLDER_RE.finditer(text):
        name = m.group(1)
        if name in PLACEHOLDERS and m.group(0) == "{" + name + "}":
            continue
        if name.lower() in PLACEHOLDERS:
            ctx.add(
                stem,
                path,
                f"write the placeholder as {{{name.lower()}}} exactly (lower case, no spaces), not {m.group(0)}",
            )
        else:
            close = difflib.get_close_matches(name, list(PLACEHOLDERS), n=1, cutoff=0.6)
            hint = f"; did you mean {{{close[0]}}}?" if close else ""
            ctx.add(
                stem,
                path,
                f"unknown placeholder {m.group(0)} (allowed: {', '.join('{' + p + '}' for p in PLACEHOLDERS)}){hint}",
            )
    leftover = _PLACEHOLDER_RE.sub("", text)
    if "{" in leftover or "}" in leftover:
        ctx.add(stem, path, "has a lone { or }: braces are only for placeholders like {phone}", "warning")


def check_links_in_text(ctx: Context, stem: str, path: str, text: str) -> None:
    """Links written in a text must be https:// (www. is a warning)."""
    for m in URL_IN_TEXT_RE.finditer(text):
        url = m.group(0)
        if url.lower().startswith("https://"):
            continue
        if url.lower().startswith("www."):
            ctx.add(stem, path, f"link '{short(url)}' should start with https://", "warning")
        else:
            ctx.add(stem, path, f"link '{short(url)}' is not allowed: links must start with https://")


def url_problem(url: str) -> str | None:
    """What is wrong with a link value (https only, a real host), or None."""
    u = url.strip()
    low = u.lower()
    if not low.startswith("https://"):
        scheme = low.split(":", 1)[0] if ":" in low else ""
        if scheme in ("http", "javascript", "data", "vbscript", "file", "ftp"):
            return f"'{short(u)}' is not allowed: links must start with https://"
        return f"'{short(u)}' is not a web link: it must start with https://"
    rest = u[len("https://") :]
    host = re.split(r"[/?#]", rest, maxsplit=1)[0]
    if not host or "." not in host or re.search(r"\s", u) or "@" in host:
        return f"'{short(u)}' is not a valid web address"
    return None


def check_url(ctx: Context, stem: str, path: str, value: str) -> None:
    """A link field (text already checked): placeholders, then the link as visitors get it."""
    key = ctx.rel(stem, path)
    check_placeholders(ctx, stem, path, value)
    filled = render(value, ctx.clinic)
    if FILL_RE.search(filled):
        return  # an unknown/unfilled placeholder, reported above
    problem = url_problem(filled)
    if problem:
        prefix = f"{key} after filling placeholders:" if filled != value.strip() else key
        problem = f"{prefix} {problem}"
        ctx.add(stem, path, problem)


# --------------------------------------------------------------------------
# Texts and titles


def shown(ctx: Context, text: Any) -> str:
    """The text as a visitor would read it (stand-ins for unknown clinic values)."""
    return render(text, {**_STAND_INS, **ctx.clinic})


def check_wording(ctx: Context, stem: str, path: str, text: str, *, what: str, length: bool = False) -> None:
    """Checks for any sentence a visitor reads: placeholders, links, length, grade."""
    check_placeholders(ctx, stem, path, text)
    check_links_in_text(ctx, stem, path, text)
    rendered = shown(ctx, text)
    if length:
        n = len(rendered)
        if n > ANSWER_MAX_CHARS:
            ctx.add(stem, path, f"{what} is {n} characters; at most {ANSWER_MAX_CHARS} are allowed")
        elif n > ANSWER_WARN_CHARS:
            ctx.add(stem, path, f"{what} is {n} characters; aim for {ANSWER_WARN_CHARS} or fewer", "warning")
    if word_count(rendered) < GRADE_MIN_WORDS:
        return
    grade = reading_grade(rendered)
    if grade is None:
        ctx.graded_unavailable = True
        return
    if grade > ctx.max_grade:
        ctx.add(
            stem,
            path,
            f"{what} reads at US grade {grade:g}, above the limit of {ctx.max_grade:g}: "
            "use shorter sentences and simpler words",
        )
    elif grade > GRADE_WARN:
        ctx.add(stem, path, f"{what} reads at US grade {grade:g}; aim for grade {GRADE_WARN:g} or lower", "warning")


def check_title(ctx: Context, stem: str, path: str, title: str) -> None:
    """A button label or topic title (text already checked): placeholders and length."""
    check_placeholders(ctx, stem, path, title)
    label = shown(ctx, title)
    if len(label) > TITLE_MAX_CHARS:
        ctx.add(
            stem,
            path,
            f"{ctx.rel(stem, path)} is {len(label)} characters; a button label can have at most {TITLE_MAX_CHARS}",
        )
