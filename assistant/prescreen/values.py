"""The pre-screen's answer contract: every slot, its values, and numeric answers.

Answer values follow docs/ARCHITECTURE.md. Numeric slots (ps_duration, ps_a1c)
also accept range words, read as intervals so that comparisons stay honest:

    9.8        exactly 9.8           lt10 / lte10   below / at or below 10
    gt7 / gte7 above / at or above   1to7           from 1 to 7 (inclusive)
    9-10       a typed range, kept as said ("around 9 or 10"), from 9 to 10 (inclusive)

Comparisons are three-valued: an interval that straddles the threshold gives
None (unknown). Pure: no I/O, no Rasa import.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, TypeGuard

UNSURE = "unsure"
YES_NO_UNSURE = ("yes", "no", UNSURE)

# The contract (docs/ARCHITECTURE.md): every pre-screen slot and its values.
# `numeric` slots also take numbers and range words (see module docstring).
SLOTS: dict[str, dict[str, Any]] = {
    "ps_consent": {"values": ("yes", "no"), "numeric": False},
    "ps_type": {
        "values": ("diabetic", "chemo", "autoimmune", "idiopathic", "compressive", "other", UNSURE),
        "numeric": False,
    },
    "ps_diagnosis": {"values": YES_NO_UNSURE, "numeric": False},
    "ps_duration": {"values": ("lt1", "1to7", "gt7", UNSURE), "numeric": True},
    "ps_chemo_active": {"values": YES_NO_UNSURE, "numeric": False},
    "ps_infection": {"values": YES_NO_UNSURE, "numeric": False},
    "ps_cancer": {"values": YES_NO_UNSURE, "numeric": False},
    "ps_diabetes": {"values": YES_NO_UNSURE, "numeric": False},
    "ps_a1c": {"values": (UNSURE,), "numeric": True},
    "ps_a1c_plan": {"values": YES_NO_UNSURE, "numeric": False},
    "ps_compressive": {"values": YES_NO_UNSURE, "numeric": False},
}

# The questions answered yes / no / not sure.
YES_NO_SLOTS = tuple(slot for slot, info in SLOTS.items() if info["values"] == YES_NO_UNSURE)

COMPARISONS = ("gt", "gte", "lt", "lte")

BOUND_RE = re.compile(r"^(lte|lt|gte|gt)(\d+(?:\.\d+)?)$")
_RANGE_RE = re.compile(r"^(\d+(?:\.\d+)?)(?:to|-)(\d+(?:\.\d+)?)$")
_INF = float("inf")

Interval = tuple[float, bool, float, bool]


def is_number(x: Any) -> TypeGuard[int | float]:
    """An int or float, not a bool (YAML reads `yes` as True)."""
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def interval(value: Any) -> Interval | None:
    """(low, low_included, high, high_included) of a numeric answer, else None."""
    if is_number(value):
        v = float(value)
        return (v, True, v, True)
    if not isinstance(value, str):
        return None
    s = value.strip().lower()
    m = BOUND_RE.match(s)
    if m:
        op, n = m.group(1), float(m.group(2))
        return {
            "lt": (-_INF, False, n, False),
            "lte": (-_INF, False, n, True),
            "gt": (n, False, _INF, False),
            "gte": (n, True, _INF, False),
        }[op]
    m = _RANGE_RE.match(s)
    if m:
        a, b = float(m.group(1)), float(m.group(2))
        return (min(a, b), True, max(a, b), True)
    try:
        v = float(s)
    except ValueError:
        return None
    return (v, True, v, True)


def compare(iv: Interval, op: str, t: float) -> bool | None:
    """Three-valued comparison of an interval with a threshold."""
    lo, lo_in, hi, hi_in = iv
    if op == "gt":
        if lo > t or (lo == t and not lo_in):
            return True
        if hi <= t:
            return False
    elif op == "gte":
        if lo >= t:
            return True
        if hi < t or (hi == t and not hi_in):
            return False
    elif op == "lt":
        if hi < t or (hi == t and not hi_in):
            return True
        if lo >= t:
            return False
    elif op == "lte":
        if hi <= t:
            return True
        if lo > t or (lo == t and not lo_in):
            return False
    return None


def is_valid_value(slot: str, value: Any) -> bool:
    """Whether `value` is an allowed answer for `slot` (see ARCHITECTURE.md)."""
    info = SLOTS.get(slot)
    if info is None:
        return False
    if isinstance(value, str) and value in info["values"]:
        return True
    return bool(info["numeric"]) and interval(value) is not None


def threshold(ref: Any, spec: Mapping[str, Any]) -> float | None:
    """A number, or a "$name" looked up in the spec's criteria; None when neither."""
    if is_number(ref):
        return float(ref)
    if isinstance(ref, str) and ref.startswith("$"):
        v = (spec.get("criteria") or {}).get(ref[1:])
        if is_number(v):
            return float(v)
    return None
