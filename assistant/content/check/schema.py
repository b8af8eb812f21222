"""The structure of clinic.yml, faq.yml and messages.yml, as JSON Schema (draft 2020-12).

The schemas say which keys a record has, which are required and what type
each value is; the checker modules add what a schema cannot say (links,
reading grade, cross-references, review dates). `check` validates a value
and records each schema error as a problem in words staff understand, at
the path of the field, so its file line can be shown.

Two additions to standard JSON Schema:
- ``x-messages``: the wording for staff of a failing keyword of that node
  (``$name`` the field's name in its record, ``$found`` what was written
  instead, ``$value`` the value, ``$count``/``$limit``, ``$key``, ``$suggest``);
  ``type-text`` is used instead of ``type`` when a text was written.
- ``x-date``: a YAML date, or text that is one (YYYY-MM-DD). YAML has dates,
  JSON does not.
``x-key`` marks a `propertyNames` schema: the failing value is a key.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from string import Template
from typing import Any

from assistant.content.check.context import Context
from assistant.content.check.report import is_blank, short, suggest, type_name
from assistant.content.check.yamldoc import join_path
from assistant.content.placeholders import CLINIC_FIELDS

Schema = dict[str, Any]

ID_PATTERN = r"^[a-z0-9_]+$"
FOLLOW_UPS_MAX = 3
REQUIRED_MESSAGES = (
    "greeting",
    "help",
    "fallback",
    "out_of_scope",
    "thanks",
    "goodbye",
    "bot_challenge",
    "contact",
    "non_english",
    "empty_message",
    "message_too_long",
    "recall_refusal",
    "forget_me_done",
    "action_error",
    "start_over_done",
    "disclaimer",
)
BUTTON_TARGETS = ("topic", "intent", "url", "language")

TEXT: Schema = {"type": "string", "pattern": r"\S"}  # non-blank text

# --------------------------------------------------------------------------
# clinic.yml

CLINIC: Schema = {
    "type": "object",
    "x-messages": {"type": "should be a group of fields (clinic, placeholders), found $found"},
    "additionalProperties": False,
    "required": ["clinic"],
    "properties": {
        "clinic": {
            "type": "object",
            "x-messages": {"type": f"clinic should be a group of fields ({', '.join(CLINIC_FIELDS)}), found $found"},
            "additionalProperties": False,
            "required": list(CLINIC_FIELDS),
            "properties": {
                field: ({"type": ["string", "number"], "pattern": r"\S"} if field == "phone" else TEXT)
                for field in CLINIC_FIELDS
            },
        },
        "placeholders": {},  # PLACEHOLDERS, checked after the values
    },
}

PLACEHOLDERS: Schema = {
    "type": ["array", "null"],
    "x-messages": {"type": "placeholders should be a list like [phone, email], found $found"},
}

PLACEHOLDER: Schema = {  # one item, checked in turn with what it means
    "enum": list(CLINIC_FIELDS),
    "x-messages": {"enum": f"'$value' is not a clinic field (fields: {', '.join(CLINIC_FIELDS)})$suggest"},
}

# --------------------------------------------------------------------------
# faq.yml: the file, then each topic on its own (so each topic is checked whole, in turn)

FAQ: Schema = {
    "type": "object",
    "x-messages": {"type": "should be a group of fields (topics), found $found"},
    "additionalProperties": False,
    "required": ["topics"],
    "properties": {
        "topics": {
            "type": "array",
            "x-messages": {"type": "topics should be a list of topics (each starting with '- id:'), found $found"},
        },
    },
}

FOLLOW_UP: Schema = {  # one item of follow_ups, checked in turn with what it names
    "type": "string",
    "x-messages": {"type": "$name should be a topic id, found $found"},
}

LINK: Schema = {
    "type": "object",
    "x-messages": {"type": "a link should be {title: ..., url: https://...}, found $found"},
    "additionalProperties": False,
    "required": ["title", "url"],
    "properties": {"title": TEXT, "url": TEXT},
}

TOPIC: Schema = {
    "type": "object",
    "x-messages": {"type": "each topic should be a group of fields starting with '- id:', found $found"},
    "additionalProperties": False,
    "required": ["id", "title", "answer", "follow_ups", "source", "last_reviewed"],
    "properties": {
        "id": {
            "type": "string",
            "pattern": ID_PATTERN,
            "x-messages": {"pattern": "id '$value' may only use lower-case letters, digits and _ (like how_msc_works)"},
        },
        "title": TEXT,
        "answer": TEXT,
        "follow_ups": {
            "type": ["array", "null"],
            "maxItems": FOLLOW_UPS_MAX,
            "x-messages": {
                "type": "follow_ups should be a list of topic ids, found $found",
                "type-text": "follow_ups should be a list like [$value], found text",
                "maxItems": "has $count follow_ups; at most $limit are allowed",
            },
        },
        "links": {
            "type": ["array", "null"],
            "x-messages": {"type": "links should be a list of {title, url}, found $found"},
            "items": LINK,
        },
        "source": TEXT,
        "last_reviewed": {
            "x-date": True,
            "x-messages": {
                "date-type": "last_reviewed should be a date (YYYY-MM-DD), found $found",
                "date-format": "last_reviewed '$value' is not a real date; write it as YYYY-MM-DD",
            },
        },
    },
}

# --------------------------------------------------------------------------
# messages.yml: the file, then each message on its own

MESSAGES: Schema = {
    "type": "object",
    "x-messages": {"type": "should be a group of fields (messages), found $found"},
    "additionalProperties": False,
    "required": ["messages"],
    "properties": {
        "messages": {
            "type": "object",
            "x-messages": {
                "type": "messages should be a group of named messages (greeting:, help:, ...), found $found",
                "required": "required message '$key' is missing",
            },
            "required": list(REQUIRED_MESSAGES),
            "propertyNames": {
                "pattern": ID_PATTERN,
                "x-key": True,
                "x-messages": {"pattern": "message name '$value' may only use lower-case letters, digits and _"},
            },
        },
    },
}

BUTTON: Schema = {
    "type": "object",
    "x-messages": {
        "type": "a button should be a group of fields like {title: ..., topic: ...}, found $found",
        "required": "${prefix}missing key '$key' (the label on the button)",
    },
    "additionalProperties": False,
    "required": ["title"],
    "properties": {"title": TEXT, "topic": {}, "intent": {}, "url": {}, "language": {}},  # targets: see buttons.py
}

BUTTONS: Schema = {
    "type": ["array", "null"],
    "x-messages": {"type": "buttons should be a list, found $found"},
    "items": BUTTON,
}

MESSAGE: Schema = {
    "type": "object",
    "x-messages": {
        "type": "a message should be a group of fields (text, buttons), found $found",
        "type-text": "write the message under text: (greeting:\\n  text: ...)",
    },
    "additionalProperties": False,
    "required": ["text"],
    "properties": {"text": TEXT, "buttons": BUTTONS},
}

# --------------------------------------------------------------------------
# prescreen.yml / safety.yml: their owners' validators check the structure; answer
# buttons (a title is the answer; a target is optional) get the button checks

OWNED_FILE: Schema = {"type": "object", "x-messages": {"type": "should be a group of fields, found $found"}}

ANSWER_BUTTONS: Schema = {
    "type": ["array", "null"],
    "x-messages": {"type": "buttons should be a list, found $found"},
    "items": {
        "type": "object",
        "x-messages": {"type": BUTTON["x-messages"]["type"]},
        "properties": {"title": TEXT},
    },
}

ALL: dict[str, Schema] = {
    "clinic": CLINIC,
    "placeholders": PLACEHOLDERS,
    "placeholder": PLACEHOLDER,
    "faq": FAQ,
    "topic": TOPIC,
    "follow_up": FOLLOW_UP,
    "messages": MESSAGES,
    "message": MESSAGE,
    "answer_buttons": ANSWER_BUTTONS,
    "owned_file": OWNED_FILE,
}


# --------------------------------------------------------------------------
# Validation


def _x_date(validator: Any, wanted: Any, instance: Any, schema: Schema) -> Iterator[Any]:
    from jsonschema.exceptions import ValidationError

    if not wanted or isinstance(instance, dt.date):
        return
    if not isinstance(instance, str):
        yield ValidationError("type")
        return
    try:
        dt.date.fromisoformat(instance.strip())
    except ValueError:
        yield ValidationError("format")


def _no_other_keys(validator: Any, allowed: Any, instance: Any, schema: Schema) -> Iterator[Any]:
    """additionalProperties (only `false` is used here), also for keys that are not text.

    jsonschema's own sorts the extra keys for its message, which fails on a
    mix of text and number keys (`7:` in YAML); the wording is `_keys`'s anyway.
    """
    from jsonschema.exceptions import ValidationError

    if allowed is not False or not isinstance(instance, dict):
        return
    if any(key not in schema.get("properties", {}) for key in instance):
        yield ValidationError("unknown keys")


@functools.cache
def _validator_class() -> Any:
    from jsonschema import validators  # deferred: ~0.1 s to import

    return validators.extend(
        validators.Draft202012Validator, {"x-date": _x_date, "additionalProperties": _no_other_keys}
    )


@functools.cache
def _validator(name: str) -> Any:
    return _validator_class()(ALL[name])


def check(ctx: Context, stem: str, name: str, instance: Any, path: str = "") -> bool:
    """Validate `instance` (at `path` in content/<stem>.yml) against schema `name`; False on any problem."""
    found = list(problems(ctx, stem, name, instance, path))
    for field, message in found:
        ctx.add(stem, field, message)
    return not found


def problems(ctx: Context, stem: str, name: str, instance: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(field path, message) of every schema error, in the order of the schema's keywords."""
    done: set[tuple[int, str, str]] = set()
    for error in _validator(name).iter_errors(instance):
        field = path
        for part in error.absolute_path:
            field = join_path(field, part)
        node: Schema = error.schema if isinstance(error.schema, dict) else {}
        if node.get("x-key"):
            field = f"{field}.{error.instance}"
        kw = error.validator
        if kw in ("additionalProperties", "required"):
            if (id(node), field, kw) in done:  # jsonschema reports each missing key on its own
                continue
            done.add((id(node), field, kw))
            yield from _keys(ctx, stem, node, error.instance, field, kw)
        else:
            yield field, _message(ctx, stem, node, kw, error, field)


def _keys(ctx: Context, stem: str, node: Schema, record: Any, path: str, kw: str) -> Iterator[tuple[str, str]]:
    inside = ctx.rel(stem, path)
    prefix = f"{inside}: " if inside else ""
    if kw == "additionalProperties":
        allowed = list(node.get("properties", ()))
        for key in record:
            if key not in allowed:
                yield (
                    join_path(path, key),
                    f"{prefix}unknown key '{key}' (allowed: {', '.join(allowed)}){suggest(str(key), allowed)}",
                )
        return
    template = node.get("x-messages", {}).get("required", "${prefix}missing key '$key'")
    for key in node["required"]:
        if key not in record:
            yield path, Template(template).safe_substitute(prefix=prefix, key=key)


def _message(ctx: Context, stem: str, node: Schema, kw: str, error: Any, field: str) -> str:
    wording: dict[str, str] = node.get("x-messages", {})
    value = error.instance
    name = ctx.rel(stem, field)
    if kw == "x-date":
        template = wording["date-" + error.message]
    elif kw == "type":
        types = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        if isinstance(value, str) and "type-text" in wording:
            template = wording["type-text"]
        elif "type" in wording:
            template = wording["type"]
        elif value is None and "string" in types:
            template = "$name is empty"
        else:
            template = "$name should be text, found $found"
    elif kw == "pattern" and is_blank(value) and not node.get("x-key"):
        template = "$name is empty"
    else:
        template = wording.get(kw, f"$name does not match the schema ({kw})")
    limit = error.validator_value if kw in ("maxItems", "minItems") else ""
    options = error.validator_value if kw == "enum" else ()
    return Template(template).safe_substitute(
        name=name,
        found=type_name(value),
        value=short(value) if kw != "type" else value,
        count=len(value) if isinstance(value, list) else "",
        limit=limit,
        suggest=suggest(str(value), list(options)) if kw == "enum" else "",
    )


def schemas() -> list[Schema]:
    """Every schema, for tests (each must itself be valid JSON Schema)."""
    return list(ALL.values())
