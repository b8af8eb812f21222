"""messages.yml: every other sentence the assistant says, with its buttons."""

from __future__ import annotations

from typing import Any

from assistant.content.check import buttons, schema, wording
from assistant.content.check.context import Context
from assistant.content.check.report import is_text

REQUIRED_MESSAGES = schema.REQUIRED_MESSAGES


def check_messages(ctx: Context) -> None:
    doc = ctx.docs.get("messages")
    if doc is None or doc.data is None:
        return
    schema.check(ctx, "messages", "messages", doc.data)
    messages = doc.data.get("messages") if isinstance(doc.data, dict) else None
    if not isinstance(messages, dict):
        return
    for mid, record in messages.items():
        path = f"messages.{mid}"
        ctx.guarded("messages", check_message, ctx, path, record)


def check_message(ctx: Context, path: str, record: Any) -> None:
    schema.check(ctx, "messages", "message", record, path)
    if not isinstance(record, dict):
        return
    if is_text(record.get("text")):
        wording.check_wording(ctx, "messages", f"{path}.text", record["text"], what="text")
    buttons.check_buttons(ctx, "messages", f"{path}.buttons", record.get("buttons"))
