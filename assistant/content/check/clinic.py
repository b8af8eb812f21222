"""clinic.yml: the clinic's details (after CLINIC_* overrides) and the placeholders list.

Sets `ctx.clinic`, the values every other check fills into texts.
"""

from __future__ import annotations

import re

from assistant.content.check import schema, wording
from assistant.content.check.context import Context
from assistant.content.check.report import short
from assistant.content.placeholders import CLINIC_FIELDS, clinic_values

EMAIL_RE = re.compile(r"^[^@\s]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def check_clinic(ctx: Context) -> None:
    doc = ctx.docs.get("clinic")
    data = doc.data if doc is not None else None
    if data is not None:
        schema.check(ctx, "clinic", "clinic", data)
    ctx.clinic = clinic_values(data if isinstance(data, dict) else {}, ctx.env)
    if not isinstance(data, dict):
        return
    for field in CLINIC_FIELDS:
        value = ctx.clinic.get(field)
        if value is None:
            continue
        overridden = bool(ctx.env.get(f"CLINIC_{field.upper()}"))
        source = f" (from CLINIC_{field.upper()})" if overridden else ""
        path = f"clinic.{field}"
        if field == "intake_url":
            problem = wording.url_problem(value)
            if problem:
                ctx.add("clinic", path, f"intake_url{source} {problem}")
        elif field == "email" and not EMAIL_RE.match(value):
            ctx.add("clinic", path, f"email{source} '{short(value)}' is not an email address")
        if "{" in value or "}" in value:
            ctx.add("clinic", path, f"{field}{source} cannot contain braces")
    placeholders = data.get("placeholders")
    if "placeholders" not in data or not schema.check(ctx, "clinic", "placeholders", placeholders, "placeholders"):
        return
    for i, name in enumerate(placeholders or []):
        path = f"placeholders[{i}]"
        if not schema.check(ctx, "clinic", "placeholder", name, path) or ctx.env.get(f"CLINIC_{name.upper()}"):
            continue  # not a clinic field, or set for real by the environment
        if ctx.production:
            ctx.add(
                "clinic",
                path,
                f"{name} still holds an example value; put in the real one and take "
                f"'{name}' off the placeholders list before going live",
            )
        else:
            ctx.add("clinic", path, f"{name} still holds an example value (listed in placeholders)", "warning")
