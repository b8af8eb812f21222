"""Clinic details and the {placeholders} that fill them into content text.

One definition for the content store (what visitors see) and the content
check (what `make check` measures). Text may use `{clinic_name}`,
`{team_name}`, `{phone}`, `{email}`, `{hours}` and `{intake_url}`; the
CLINIC_* environment variables override clinic.yml.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

CLINIC_FIELDS = ("name", "team_name", "intake_url", "phone", "email", "hours")
# {placeholder} in a text -> clinic field that fills it
PLACEHOLDERS: dict[str, str] = {
    "clinic_name": "name",
    "team_name": "team_name",
    "phone": "phone",
    "email": "email",
    "hours": "hours",
    "intake_url": "intake_url",
}
# what is filled: exactly {name}, lower case, no spaces
FILL_RE = re.compile(r"\{([a-z_]+)\}")


def fill(text: str, clinic: Mapping[str, str]) -> str:
    """Fill {clinic_name}-style placeholders; unknown braces stay as they are."""

    def one(match: re.Match[str]) -> str:
        field = PLACEHOLDERS.get(match.group(1))
        return clinic.get(field, match.group(0)) if field else match.group(0)

    return FILL_RE.sub(one, text).strip()


def render(text: Any, clinic: Mapping[str, str]) -> str:
    """`fill` for a value read from YAML: anything but text renders as ""."""
    if not isinstance(text, str):
        return ""
    return fill(text, clinic)


def clinic_from(data: Mapping[str, Any], env: Mapping[str, str] = os.environ) -> dict[str, str]:
    """Clinic details of a checked snapshot (clinic.yml) with CLINIC_* environment overrides applied."""
    clinic = dict((data.get("clinic") or {}).get("clinic") or {})
    for field in CLINIC_FIELDS:
        value = env.get(f"CLINIC_{field.upper()}")
        if value:
            clinic[field] = value
    return {k: str(v) for k, v in clinic.items()}


def clinic_values(clinic_file: Any, env: Mapping[str, str] = os.environ) -> dict[str, str]:
    """Clinic fields of an unchecked clinic.yml (parsed) with CLINIC_* overrides.

    Unlike `clinic_from`, anything that is not a plain value is left out, so the
    content check can measure texts of a file that still has mistakes.
    """
    values: dict[str, str] = {}
    clinic = clinic_file.get("clinic") if isinstance(clinic_file, dict) else None
    if isinstance(clinic, dict):
        for field in CLINIC_FIELDS:
            value = clinic.get(field)
            if isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip():
                values[field] = str(value).strip()
    for field in CLINIC_FIELDS:
        override = env.get(f"CLINIC_{field.upper()}")
        if override:
            values[field] = override
    return values
