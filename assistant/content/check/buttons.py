"""Reply buttons: a title and exactly one of topic / intent / url, each pointing somewhere real.

The button's shape (a group of fields, its keys, a text title) is checked
by the schema (`schema.BUTTON`, `schema.ANSWER_BUTTONS`); this module checks
what it points to. Pre-screen answer buttons (`free_answer`) may have only a
title: the title is the answer.
"""

from __future__ import annotations

from typing import Any

from assistant.content.check import schema, wording
from assistant.content.check.context import Context
from assistant.content.check.report import is_blank, is_text, suggest, type_name
from assistant.content.check.yamldoc import join_path


def check_button(ctx: Context, stem: str, path: str, button: Any, free_answer: bool = False) -> None:
    """Title wording, the one target and what it names (topic in faq.yml, intent in data/nlu, https link)."""
    if not isinstance(button, dict):
        return  # reported by the schema
    if is_text(button.get("title")):
        wording.check_title(ctx, stem, join_path(path, "title"), button["title"])
    targets = [k for k in schema.BUTTON_TARGETS if k in button]
    if len(targets) > 1:
        ctx.add(
            stem,
            path,
            f"{ctx.rel(stem, path)}: a button can have only ONE of topic, intent or url; this one "
            f"has {' and '.join(targets)}",
        )
        return
    if not targets:
        if not free_answer:
            ctx.add(stem, path, f"{ctx.rel(stem, path)}: a button needs one of topic, intent or url")
        return
    target = targets[0]
    value = button[target]
    field = join_path(path, target)
    name = ctx.rel(stem, field)
    if is_blank(value):
        ctx.add(stem, field, f"{name} is empty")
        return
    if not isinstance(value, str):
        ctx.add(stem, field, f"{name} should be text, found {type_name(value)}")
        return
    if target == "url":
        wording.check_url(ctx, stem, field, value)
    elif target == "language":
        if value not in ("en", "es"):
            ctx.add(stem, field, f"{name} '{value}': the languages are en (English) and es (Spanish)")
    elif target == "topic":
        if ctx.topic_ids is not None and value not in ctx.topic_ids:
            ctx.add(stem, field, f"{name} '{value}' does not exist in faq.yml{suggest(value, sorted(ctx.topic_ids))}")
    elif value.startswith("/"):
        ctx.add(stem, field, f"{name}: write the intent without the slash: {value[1:]}")
    elif ctx.nlu is not None and value not in ctx.nlu:
        ctx.add(
            stem, field, f"{name} '{value}' is not in the training data (data/nlu){suggest(value, sorted(ctx.nlu))}"
        )


def check_buttons(ctx: Context, stem: str, path: str, buttons: Any, free_answer: bool = False) -> None:
    """Every button of a list (the list itself is checked by the schema)."""
    if isinstance(buttons, list):
        for j, button in enumerate(buttons):
            check_button(ctx, stem, f"{path}[{j}]", button, free_answer)
