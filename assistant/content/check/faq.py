"""faq.yml: topics (ids, titles, answers, follow-ups, links, review dates).

Two passes: `check_shape` learns the topic ids first (buttons and NLU
intents elsewhere are checked against them), `check_topics` checks each
topic in turn.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from assistant.content.check import schema, wording
from assistant.content.check.context import Context
from assistant.content.check.report import is_text, short, suggest

REVIEW_AFTER_MONTHS = 12


def check_shape(ctx: Context) -> None:
    """The file's shape and the topic ids (`ctx.topic_ids`, labels and positions)."""
    doc = ctx.docs.get("faq")
    if doc is None or doc.data is None:
        return
    schema.check(ctx, "faq", "faq", doc.data)
    topics = doc.data.get("topics") if isinstance(doc.data, dict) else None
    if not isinstance(topics, list):
        return
    ids: set[str] = set()
    for i, topic in enumerate(topics):
        if isinstance(topic, dict) and isinstance(topic.get("id"), str) and topic["id"].strip():
            ids.add(topic["id"])
            ctx.topic_index[i] = topic["id"]
            ctx.topic_labels[i] = f"topic '{topic['id']}'"
    ctx.topic_ids = ids


def check_topics(ctx: Context) -> None:
    doc = ctx.docs.get("faq")
    if doc is None or ctx.topic_ids is None:
        return
    first_seen: dict[str, int] = {}
    for i, topic in enumerate(doc.data["topics"]):
        path = f"topics[{i}]"
        ctx.guarded("faq", check_topic, ctx, path, topic, first_seen)


def check_topic(ctx: Context, path: str, topic: Any, first_seen: dict[str, int]) -> None:
    schema.check(ctx, "faq", "topic", topic, path)
    if not isinstance(topic, dict):
        return
    topic_id = topic.get("id") if is_text(topic.get("id")) else None
    if topic_id is not None:
        if topic_id in first_seen:
            ctx.add("faq", f"{path}.id", f"id '{topic_id}' is used twice (first on line {first_seen[topic_id]})")
        else:
            first_seen[topic_id] = ctx.docs["faq"].line_of(f"{path}.id") or 0
    if is_text(topic.get("title")):
        wording.check_title(ctx, "faq", f"{path}.title", topic["title"])
    if is_text(topic.get("answer")):
        wording.check_wording(ctx, "faq", f"{path}.answer", topic["answer"], what="answer", length=True)
    check_follow_ups(ctx, path, topic.get("follow_ups"), topic_id)
    links = topic.get("links")
    for j, link in enumerate(links if isinstance(links, list) else []):
        lpath = f"{path}.links[{j}]"
        if isinstance(link, dict) and is_text(link.get("title")):
            wording.check_title(ctx, "faq", f"{lpath}.title", link["title"])
        if isinstance(link, dict) and is_text(link.get("url")):
            wording.check_url(ctx, "faq", f"{lpath}.url", link["url"])
    check_review_date(ctx, path, topic.get("last_reviewed"))


def check_follow_ups(ctx: Context, path: str, follow_ups: Any, topic_id: str | None) -> None:
    """Each follow-up names another topic, once (the list's shape is the schema's)."""
    if not isinstance(follow_ups, list):
        return
    fpath = f"{path}.follow_ups"
    seen = set()
    for j, ref in enumerate(follow_ups):
        rpath = f"{fpath}[{j}]"
        if not schema.check(ctx, "faq", "follow_up", ref, rpath):
            continue
        if ref not in ctx.topic_ids:  # type: ignore[operator]
            ctx.add(
                "faq",
                rpath,
                f"follow_ups[{j}] names topic '{short(ref)}', which does not exist"
                f"{suggest(ref, sorted(ctx.topic_ids or ()))}",
            )
        elif ref == topic_id:
            ctx.add("faq", rpath, f"follow_ups[{j}] points to this same topic", "warning")
        if ref in seen:
            ctx.add("faq", rpath, f"follow_ups[{j}] repeats '{ref}'", "warning")
        seen.add(ref)


def check_review_date(ctx: Context, path: str, value: Any) -> None:
    """last_reviewed (a real date, checked by the schema) is not in the future nor over a year old."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            return  # reported by the schema
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        return
    field = f"{path}.last_reviewed"
    if value > ctx.today:
        ctx.add("faq", field, f"last_reviewed {value.isoformat()} is in the future")
    elif value < months_ago(ctx.today, REVIEW_AFTER_MONTHS):
        ctx.add(
            "faq",
            field,
            f"due for review: last reviewed {value.isoformat()}, more than {REVIEW_AFTER_MONTHS} months ago",
            "warning",
        )


def months_ago(today: dt.date, months: int) -> dt.date:
    year, month = divmod(today.month - 1 - months, 12)
    year += today.year
    month += 1
    day = min(
        today.day,
        [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][
            month - 1
        ],
    )
    return dt.date(year, month, day)
