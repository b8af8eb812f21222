"""What a safety pattern may look like: compile it and say what is wrong with it.

``analyse(pattern)`` compiles a pattern and checks it against the rules staff
see in content/safety.yml: it must be a valid regex in small letters, must not
match empty text, and must avoid shapes that can backtrack badly on long input
(an unbounded repeat of anything but one letter or a [set] without a space, a
bounded repeat over 100, a repeat inside a repeat, back-references).

The shape rules need the pattern's parse tree, which only CPython's private
regex parser (``sre_parse``, ``re._parser`` from 3.11) gives. This module and
the prefilter (prefilter.py, anchors.py) are the only users of it; everything
it touches is re-exported from here so the private import stays in one place.
"""

from __future__ import annotations

import functools
import re
import warnings
from typing import Any

try:  # Python >= 3.11
    from re import _constants as sre_c  # type: ignore[attr-defined,unused-ignore]
    from re import _parser as sre_parse  # type: ignore[attr-defined,unused-ignore]
except ImportError:  # Python 3.10
    import sre_constants as sre_c  # type: ignore[no-redef,unused-ignore]
    import sre_parse  # type: ignore[no-redef,unused-ignore]

MAX_BOUNDED_REPEAT = 100

#: The repeat opcodes (POSSESSIVE_REPEAT exists from Python 3.11).
REPEATS = frozenset(
    {sre_c.MAX_REPEAT, sre_c.MIN_REPEAT} | ({sre_c.POSSESSIVE_REPEAT} if hasattr(sre_c, "POSSESSIVE_REPEAT") else set())
)

_SPACE_CATEGORIES = (
    sre_c.CATEGORY_SPACE,
    sre_c.CATEGORY_NOT_WORD,
    sre_c.CATEGORY_NOT_DIGIT,
    sre_c.CATEGORY_UNI_SPACE,
    sre_c.CATEGORY_UNI_NOT_WORD,
    sre_c.CATEGORY_UNI_NOT_DIGIT,
)


def space_in_set(items: Any) -> bool:
    """True when a parsed [...] set (sre IN items) can match a space."""
    negate = False
    hit = False
    for op, av in items:
        if op is sre_c.NEGATE:
            negate = True
        elif op is sre_c.LITERAL:
            hit = hit or av == 32
        elif op is sre_c.RANGE:
            hit = hit or av[0] <= 32 <= av[1]
        elif op is sre_c.CATEGORY:
            hit = hit or av in _SPACE_CATEGORIES
        else:  # unknown construct: be conservative
            hit = True
    return hit != negate


def simple_non_space(sub: Any) -> bool:
    """True when ``sub`` is one character (or set) that cannot match a space."""
    if len(sub) != 1:
        return False
    op, av = sub[0]
    if op is sre_c.LITERAL:
        return av != 32
    if op is sre_c.IN:
        return not space_in_set(av)
    return False


def _shape_problems(items: Any, outer_max: int = 1) -> list[str]:
    """Find constructs that can backtrack badly on long input."""
    problems: list[str] = []
    for op, av in items:
        if op in REPEATS:
            _lo, hi, sub = av
            unbounded = hi == sre_c.MAXREPEAT
            if unbounded and not simple_non_space(sub):
                problems.append(
                    "'+', '*' or '{n,}' may only follow one letter or a [set] without "
                    "a space; for a gap between words use a bounded one such as .{0,40}"
                )
            elif not unbounded and hi > MAX_BOUNDED_REPEAT:
                problems.append(f"a repeat may allow at most {MAX_BOUNDED_REPEAT} characters")
            if outer_max > 1 and hi > 1:
                problems.append("a repeat inside another repeat can be very slow; rewrite it")
            problems += _shape_problems(sub, hi if hi > 1 else outer_max)
        elif op is sre_c.SUBPATTERN:
            problems += _shape_problems(av[-1], outer_max)
        elif op is sre_c.BRANCH:
            for branch in av[1]:
                problems += _shape_problems(branch, outer_max)
        elif op in (sre_c.ASSERT, sre_c.ASSERT_NOT):
            problems += _shape_problems(av[1], outer_max)
        elif op in (sre_c.GROUPREF, sre_c.GROUPREF_EXISTS) or str(op).startswith("GROUPREF"):
            problems.append("back-references (\\1, (?P=name)) are not supported")
    return problems


def _has_capital(items: Any) -> bool:
    for op, av in items:
        if op is sre_c.LITERAL and chr(av) != chr(av).lower():
            return True
        if op is sre_c.RANGE and any(chr(c) != chr(c).lower() for c in av):
            return True
        if op is sre_c.IN and _has_capital(av):
            return True
        if op in REPEATS and _has_capital(av[2]):
            return True
        if op is sre_c.SUBPATTERN and _has_capital(av[-1]):
            return True
        if op is sre_c.BRANCH and any(_has_capital(b) for b in av[1]):
            return True
        if op in (sre_c.ASSERT, sre_c.ASSERT_NOT) and _has_capital(av[1]):
            return True
    return False


@functools.lru_cache(maxsize=4096)
def analyse(pattern: str) -> tuple[str | None, Any, re.Pattern[str] | None]:
    """(problem or None, parse tree, compiled), cached: a reload after a small
    edit then only recompiles the patterns that changed."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            parsed = sre_parse.parse(pattern)
            compiled = re.compile(pattern)
    except (re.error, Warning, RecursionError, OverflowError) as exc:
        return f"bad regex: {exc}", None, None
    if _has_capital(parsed):
        return "write patterns in small letters: text is lowercased before matching", None, None
    problems = _shape_problems(parsed)
    if problems:
        return problems[0], None, None
    if parsed.getwidth()[0] == 0:
        return "pattern can match empty text, so it would flag every message", None, None
    return None, parsed, compiled


def compile_problem(pattern: str) -> str | None:
    """Return a plain description of what is wrong with ``pattern`` (or None)."""
    return analyse(pattern)[0]
