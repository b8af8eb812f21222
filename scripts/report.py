#!/usr/bin/env python3
"""Unanswered-questions report from the conversation store (`make report`).

    python scripts/report.py [--db var/tracker.db] [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--csv out.csv]

Reads the SQLite tracker store directly (table `events`, see
docs/ARCHITECTURE.md) and lists:
  * visitor messages the assistant could not answer: NLU intent nlu_fallback
    or out_of_scope, or the next action was action_default_fallback; similar
    ones are grouped (token Jaccard / difflib ratio >= --similarity);
  * the FAQ topics asked most (faq_* intents).
Personal details are masked BEFORE grouping, printing or writing the CSV:
emails, phone numbers, digit runs (dates, A1c, ages, ZIP codes), links and
names after "my name is / I'm called / this is ..." become [email], [phone],
[number], [url], [name]. Raw message text is never printed. Dates are the
machine's local time; --until is inclusive.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import difflib
import json
import os
import re
import sqlite3
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence

ROOT = Path(__file__).resolve().parent.parent
UNANSWERED_INTENTS = ("nlu_fallback", "out_of_scope")
FALLBACK_ACTIONS = ("action_default_fallback",)
# Actions Rasa runs around every turn; they are not the reply to the message.
HOUSEKEEPING_ACTIONS = frozenset({
    "action_listen", "action_session_start", "action_extract_slots", "action_unlikely_intent",
    "action_back",
})

# --------------------------------------------------------------------------
# Masking

_URL = re.compile(r"(?i)\b(?:https?://|www\.)\S+")
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w])(?:\+?\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)|\d{2,4})[\s.-]?\d{3}[\s.-]?\d{3,4}(?![\w])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_ZIP_PLUS4 = re.compile(r"\b\d{5}-\d{4}\b")
_NUMBER = re.compile(r"\d+(?:[.,/:-]\d+)*(?:st|nd|rd|th)?")
_NAME_STOP = (
    r"and|but|or|i|im|i'm|i’m|my|from|with|have|has|had|was|is|am|are|the|a|an|here|age|aged|years|year|yrs|"
    r"so|because|who|currently|also|living|live|in|at|on|of|to|for|not|just|and|it|its|it's|this|that|me|we|"
    r"do|does|did|can|could|would|will|want|wanted|need|looking|calling|asking|about|please|thanks|thank|hi|hello|hey"
)
# After these words the next one to three words are a name, whatever their case.
_W_ANY = rf"(?!(?:{_NAME_STOP})\b)[a-z][\w'’-]*"
_NAME_ANY_CASE = re.compile(
    r"(?i)\b(?:my\s+name\s+is\s*:?|my\s+name['’]s|i['’]?m\s+called|i\s+am\s+called|call\s+me|name\s*:)\s*"
    rf"({_W_ANY}(?:\s+{_W_ANY}){{0,2}})"
)
# After these only capitalised words count ("this is Maria" but not "this is painful").
_W_CAP = (
    r"(?!(?:I|Not|So|Very|Just|Really|Also|Still|Currently|Interested|Diabetic|Here|In|On|At|A|An|The|"
    r"Sorry|Curious|Looking|Wondering|Trying|Asking|Calling|Writing|Having|Getting|Worried|Scared|New|Over|"
    r"Under|About|Type|Stage|And|But|My|From|With)\b)[A-Z][\w'’-]*"
)
_NAME_CAPITALISED = re.compile(
    rf"\b(?:[Tt]his\s+is|THIS\s+IS|I['’]m|Im|I\s+am)\s+({_W_CAP}(?:\s+{_W_CAP}){{0,2}})"
)
# Lab-test names with digits are not personal details: keep them readable.
_KEEP = re.compile(r"(?i)\b(?:hb)?a1c\b|\bb12\b|\bcovid-?19\b")


def _name_sub(match: "re.Match[str]") -> str:
    return match.group(0)[: match.start(1) - match.start(0)] + "[name]"


def mask(text: str) -> str:
    """Replace personal details with [email], [url], [name], [phone], [number]."""
    if not text:
        return ""
    text = _CONTROL.sub(" ", text)  # no terminal escape sequences from visitors
    text = _EMAIL.sub("[email]", text)
    text = _URL.sub("[url]", text)
    text = _NAME_ANY_CASE.sub(_name_sub, text)
    text = _NAME_CAPITALISED.sub(_name_sub, text)
    kept: List[str] = []

    def keep(m: "re.Match[str]") -> str:
        kept.append(m.group(0))
        return "\x00" + "k" * len(kept) + "\x00"  # no digits: survives the number masking

    text = _KEEP.sub(keep, text)
    text = _ZIP_PLUS4.sub("[number]", text)
    text = _PHONE.sub("[phone]", text)
    text = _NUMBER.sub("[number]", text)
    text = re.sub("\x00(k+)\x00", lambda m: kept[len(m.group(1)) - 1], text)
    return re.sub(r"\s+", " ", text).strip()


# --------------------------------------------------------------------------
# Grouping

_STOPWORDS = frozenset(
    "a an the is are was were be been am i im i'm me my we you your it its it's this that these those of to in on "
    "at for with and or but do does did can could would will should how what when where why who which there here "
    "please hi hello hey thanks thank so just about any some if by from whats what's hows how's wheres where's "
    "whos who's thats that's theres there's".split()
)


def tokens(masked: str) -> List[str]:
    words = re.findall(r"\[[a-z]+\]|[a-z0-9']+", masked.lower())
    content = [w for w in words if w not in _STOPWORDS]
    words = content or words
    return [_stem(w) for w in words]


def _stem(word: str) -> str:
    """Crude suffix stripping so 'covered', 'covers' and 'cover' match."""
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix) and not word.endswith("ss"):
            return word[: -len(suffix)]
    return word


def similarity(a: Sequence[str], b: Sequence[str]) -> float:
    sa, sb = set(a), set(b)
    if not sa and not sb:
        return 1.0
    jaccard = len(sa & sb) / len(sa | sb) if sa | sb else 0.0
    ratio = difflib.SequenceMatcher(None, " ".join(a), " ".join(b)).ratio()
    return max(jaccard, ratio)


@dataclass
class Group:
    example: str  # the most frequent masked wording
    tokens: List[str]
    count: int = 0
    senders: set = field(default_factory=set)
    reasons: Counter = field(default_factory=Counter)
    variants: Counter = field(default_factory=Counter)
    first: float = 0.0
    last: float = 0.0


@dataclass
class Unanswered:
    sender: str
    timestamp: float
    masked: str
    reason: str


def group_messages(items: Iterable[Unanswered], threshold: float = 0.6) -> List[Group]:
    """Greedy grouping: each wording joins the most similar group's first wording if >= threshold."""
    by_text: Dict[str, List[Unanswered]] = {}
    for item in items:
        by_text.setdefault(item.masked, []).append(item)
    groups: List[Group] = []
    for text, members in sorted(by_text.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        toks = tokens(text)
        best, best_score = None, threshold
        for g in groups:
            score = similarity(toks, g.tokens)
            if score >= best_score:
                best, best_score = g, score
        if best is None:
            best = Group(example=text, tokens=toks, first=members[0].timestamp, last=members[0].timestamp)
            groups.append(best)
        for m in members:
            best.count += 1
            best.senders.add(m.sender)
            best.reasons[m.reason] += 1
            best.variants[text] += 1
            best.first = min(best.first, m.timestamp)
            best.last = max(best.last, m.timestamp)
    groups.sort(key=lambda g: (-g.count, -len(g.senders), g.example))
    return groups


# --------------------------------------------------------------------------
# Reading the tracker store


@dataclass
class Scan:
    user_messages: int = 0
    senders: set = field(default_factory=set)
    unanswered: List[Unanswered] = field(default_factory=list)
    topics: Counter = field(default_factory=Counter)
    topic_senders: Dict[str, set] = field(default_factory=dict)


def _day_start(day: dt.date) -> float:
    return dt.datetime.combine(day, dt.time.min).timestamp()


def scan_events(db: Path, since: Optional[dt.date] = None, until: Optional[dt.date] = None) -> Scan:
    """Read the events table; only masked text leaves this function."""
    lo = _day_start(since) if since else float("-inf")
    hi = _day_start(until + dt.timedelta(days=1)) if until else float("inf")
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT sender_id, type_name, timestamp, intent_name, action_name, data FROM events "
            "WHERE type_name IN ('user', 'action') ORDER BY sender_id, timestamp, id"
        )
        scan = Scan()
        pending: Optional[dict] = None  # the last user message still waiting for its reply
        current_sender = None

        def close(p: Optional[dict]) -> None:
            if p is None or not p["in_range"]:
                return
            reason = None
            if p["intent"] in UNANSWERED_INTENTS:
                reason = p["intent"]
            elif p["next_action"] in FALLBACK_ACTIONS:
                reason = p["next_action"]
            if reason and p["text"] and not p["text"].startswith("/"):
                scan.unanswered.append(Unanswered(p["sender"], p["ts"], mask(p["text"]), reason))

        for sender, type_name, ts, intent_name, action_name, data in rows:
            if sender != current_sender:
                close(pending)
                pending, current_sender = None, sender
            if type_name == "user":
                close(pending)
                try:
                    event = json.loads(data or "{}")
                except ValueError:
                    event = {}
                intent = intent_name or (((event.get("parse_data") or {}).get("intent") or {}).get("name"))
                ts = ts if ts is not None else event.get("timestamp") or 0.0
                in_range = lo <= float(ts) < hi
                pending = {"sender": sender, "ts": float(ts), "intent": intent, "text": event.get("text") or "",
                           "next_action": None, "in_range": in_range}
                if in_range:
                    scan.user_messages += 1
                    scan.senders.add(sender)
                    if intent and intent.startswith("faq_"):
                        topic = intent[4:]
                        scan.topics[topic] += 1
                        scan.topic_senders.setdefault(topic, set()).add(sender)
            elif type_name == "action" and pending is not None and pending["next_action"] is None:
                if action_name and action_name not in HOUSEKEEPING_ACTIONS:
                    pending["next_action"] = action_name
        close(pending)
        return scan
    finally:
        conn.close()


# --------------------------------------------------------------------------
# Output


def _when(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d") if ts else ""


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]], right: Sequence[int] = ()) -> List[str]:
    cells = [[str(c) for c in r] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]

    def fmt(r: Sequence[str]) -> str:
        return "  ".join(c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(r)).rstrip()

    return [fmt(headers), fmt(["-" * w for w in widths])] + [fmt(r) for r in cells]


def _reasons(counter: Counter) -> str:
    short = {"nlu_fallback": "not understood", "out_of_scope": "out of scope",
             "action_default_fallback": "no reply"}
    return ", ".join(f"{short.get(k, k)} {v}" for k, v in counter.most_common())


def render_report(scan: Scan, groups: List[Group], period: str, top: int) -> List[str]:
    n_un = len(scan.unanswered)
    share = f" ({100 * n_un / scan.user_messages:.0f}% of {scan.user_messages})" if scan.user_messages else ""
    lines = [f"Conversations {period}: {scan.user_messages} visitor messages from {len(scan.senders)} visitors", ""]
    lines.append(f"Unanswered questions: {n_un}{share} in {len(groups)} groups (personal details masked)")
    if groups:
        rows = [(i, g.count, len(g.senders), _reasons(g.reasons), _clip(g.example, 70))
                for i, g in enumerate(groups[:top], 1)]
        lines += _table(("#", "times", "visitors", "why", "example"), rows, right=(0, 1, 2))
        if len(groups) > top:
            lines.append(f"... and {len(groups) - top} more groups (all are in the CSV)")
    lines.append("")
    lines.append(f"Most asked topics: {sum(scan.topics.values())} questions")
    if scan.topics:
        rows = [(t, c, len(scan.topic_senders.get(t, ()))) for t, c in scan.topics.most_common(top)]
        lines += _table(("topic", "times", "visitors"), rows, right=(1, 2))
    return lines


def _cell(value: object) -> object:
    """Spreadsheets run a cell that starts with = + - @ as a formula: visitor text must not."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_csv(path: Path, scan: Scan, groups: List[Group]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["kind", "rank", "label", "count", "visitors", "reasons", "other_wordings", "first_seen",
                    "last_seen"])
        for i, g in enumerate(groups, 1):
            others = [t for t, _ in g.variants.most_common() if t != g.example][:5]
            w.writerow(["unanswered", i, _cell(g.example), g.count, len(g.senders), _reasons(g.reasons),
                        _cell(" | ".join(others)), _when(g.first), _when(g.last)])
        for i, (topic, count) in enumerate(scan.topics.most_common(), 1):
            w.writerow(["topic", i, _cell(topic), count, len(scan.topic_senders.get(topic, ())), "", "", "", ""])


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date like 2025-01-31")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Questions the assistant could not answer, and the top topics.")
    parser.add_argument("--db", type=Path, default=Path(os.environ.get("TRACKER_DB", ROOT / "var" / "tracker.db")))
    parser.add_argument("--since", type=_date, help="first day, YYYY-MM-DD (default: everything)")
    parser.add_argument("--until", type=_date, help="last day, YYYY-MM-DD, inclusive (default: today)")
    parser.add_argument("--csv", type=Path, help="also write the full tables to this CSV file")
    parser.add_argument("--similarity", type=float, default=0.6, help="how alike two questions must be to group "
                                                                       "(0-1, default 0.6)")
    parser.add_argument("--top", type=int, default=20, help="rows shown per table (default 20)")
    args = parser.parse_args(argv)

    if not args.db.is_file():
        print(f"report: no conversation database at {args.db} (is the assistant running with the SQL tracker "
              "store? set --db or TRACKER_DB)", file=sys.stderr)
        return 2
    if args.since and args.until and args.since > args.until:
        print("report: --since is after --until", file=sys.stderr)
        return 2
    try:
        scan = scan_events(args.db, args.since, args.until)
    except sqlite3.Error as exc:
        print(f"report: cannot read {args.db}: {exc}", file=sys.stderr)
        return 2
    groups = group_messages(scan.unanswered, args.similarity)
    period = f"{args.since or 'start'} to {args.until or 'today'}"
    print("\n".join(render_report(scan, groups, period, args.top)))
    if args.csv:
        write_csv(args.csv, scan, groups)
        print(f"\nCSV written to {args.csv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
