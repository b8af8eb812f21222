#!/usr/bin/env python3
"""What visitors ask, from the conversation store (`make report`).

    python scripts/report.py [--db var/tracker.db] [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--csv out.csv]

Reads the SQLite tracker store directly (table `events`, see
docs/ARCHITECTURE.md) and lists:
  * visitor messages the assistant could not answer: NLU intent nlu_fallback
    or out_of_scope, or the next action was action_default_fallback; similar
    ones are grouped (token Jaccard / difflib ratio >= --similarity). Button
    presses (a "/" payload, or a message equal to a button the assistant had
    just offered), answers to the pre-screen form and crisis / emergency /
    safety messages are never counted as unanswered;
  * the FAQ topics asked most, by title, and per week;
  * the pre-screen funnel (started, consented, finished, each outcome, the
    intake link shown), the language split and the number of crisis,
    emergency and other safety replies (counts only, never text).
Test and benchmark traffic is left out: sender ids starting with one of
TEST_SENDER_PREFIXES (probe-, persona-, bench-, e2e-, ...; add more with
REPORT_EXCLUDE_PREFIXES="a- b-").
Personal details are masked BEFORE grouping, printing or writing the CSV:
emails, phone numbers, digit runs (dates, A1c, ages, ZIP codes), links and
names after "my name is / I'm called / this is ..." become [email], [phone],
[number], [url], [name]. Raw message text is never printed. Dates are the
machine's local time; --until is inclusive. The staff console (console/)
shows the same figures from `scan_events()` and `figures()`.
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
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
UNANSWERED_INTENTS = ("nlu_fallback", "out_of_scope")
FALLBACK_ACTIONS = ("action_default_fallback",)
# Actions Rasa runs around every turn; they are not the reply to the message.
HOUSEKEEPING_ACTIONS = frozenset({
    "action_listen", "action_session_start", "action_extract_slots", "action_unlikely_intent",
    "action_back",
})
# Senders of test suites and benchmarks: ../shared/eval (probe-, persona-, bench-), tests/e2e (e2e-),
# scripts/bench.py (bench-), unit tests (unit-test-), the console's tests (console-).
TEST_SENDER_PREFIXES = ("probe-", "persona-", "bench-", "e2e-", "unit-test-", "console-", "test-")
# A message handled by a form is an answer to its question, not a question of its own.
FORM_ACTIONS_SUFFIX = "_form"
PRESCREEN_FORM = "prescreen_form"
# Safety kinds (MessageGuard's parse_data["safety"]["kind"], or the intent it sets): counted, never shown.
SAFETY_KINDS = ("crisis", "emergency", "checkin", "pain_idiom", "medical_advice")
SAFETY_INTENTS = {"crisis": "crisis", "emergency": "emergency", "safety_checkin": "checkin",
                  "pain_idiom": "pain_idiom", "ask_medical_advice": "medical_advice"}
SAFETY_LABELS = {"crisis": "Crisis replies (988)", "emergency": "Emergency replies (911)",
                 "checkin": "Safety check-ins (uncertain signs)", "pain_idiom": "Pain figure of speech check-ins",
                 "medical_advice": "Medical-advice redirects"}
OUTCOME_LABELS = {"possible": "May be a candidate", "review": "Team will review", "excluded": "Reason to wait",
                  "unknown": "Outcome not known"}


def test_prefixes(env: Optional[Dict[str, str]] = None) -> Tuple[str, ...]:
    env = os.environ if env is None else env
    extra = tuple(p for p in (env.get("REPORT_EXCLUDE_PREFIXES") or "").replace(",", " ").split() if p)
    return TEST_SENDER_PREFIXES + extra


def is_test_sender(sender: str, prefixes: Sequence[str] = TEST_SENDER_PREFIXES) -> bool:
    return str(sender or "").startswith(tuple(prefixes))

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


MASK_MAX_CHARS = 2000


def mask(text: str) -> str:
    """Replace personal details with [email], [url], [name], [phone], [number]."""
    if not text:
        return ""
    # bounded work (a message is at most 1,000 characters since issue 12; older rows may be longer),
    # and a lone surrogate (invalid UTF-16 sent by a client) becomes U+FFFD instead of crashing the CSV
    text = str(text)[:MASK_MAX_CHARS].encode("utf-16", "surrogatepass").decode("utf-16", "replace")
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
class Funnel:
    """The pre-screen, counted per start (a visitor may start more than once)."""

    started: int = 0
    consented: int = 0
    declined: int = 0
    finished: int = 0
    cancelled: int = 0
    outcomes: Counter = field(default_factory=Counter)
    intake_shown: int = 0  # the hand-off with the intake form button was sent
    # Clicks on the intake link open the clinic's form in a new tab and never reach the assistant:
    # the widget does not report them, so they cannot be counted from the conversation store.
    intake_clicks: Optional[int] = None


@dataclass
class Scan:
    user_messages: int = 0  # every visitor message in range, button presses included
    senders: set = field(default_factory=set)
    unanswered: List[Unanswered] = field(default_factory=list)
    topics: Counter = field(default_factory=Counter)
    topic_senders: Dict[str, set] = field(default_factory=dict)
    typed_messages: int = 0  # typed by the visitor (not a button, not a form answer)
    button_presses: int = 0
    form_answers: int = 0
    topic_weeks: Counter = field(default_factory=Counter)  # (week start "YYYY-MM-DD", topic) -> questions
    weeks: set = field(default_factory=set)
    languages: Counter = field(default_factory=Counter)  # "English" / "Other languages" -> typed messages
    language_senders: Dict[str, set] = field(default_factory=dict)
    safety: Counter = field(default_factory=Counter)  # kind -> replies (counts only)
    funnel: Funnel = field(default_factory=Funnel)
    test_senders: set = field(default_factory=set)  # left out (ids are not shown)


def _day_start(day: dt.date) -> float:
    return dt.datetime.combine(day, dt.time.min).timestamp()


def week_of(ts: float) -> str:
    """The Monday of the (local) week of `ts`, as YYYY-MM-DD."""
    day = dt.datetime.fromtimestamp(ts).date()
    return (day - dt.timedelta(days=day.weekday())).isoformat()


def _button_payloads(event: Dict[str, Any]) -> List[str]:
    data = event.get("data") or {}
    out = []
    for b in (data.get("buttons") if isinstance(data, dict) else None) or []:
        if isinstance(b, dict):
            for key in ("payload", "title"):
                if isinstance(b.get(key), str):
                    out.append(b[key].strip())
    return out


def _outcome_kind(answers: Dict[str, Any]) -> str:
    """The pre-screen outcome for the answers given, with the criteria of content/prescreen.yml."""
    try:
        spec = _prescreen_spec()
        if spec is None:
            return "unknown"
        from assistant.prescreen import criteria  # pure: no Rasa import

        return str(criteria.evaluate(answers, spec).kind)
    except Exception:  # noqa: BLE001 - a figure, never a crash
        return "unknown"


_SPEC_CACHE: Dict[str, Any] = {}


def content_dir() -> Path:
    return Path(os.environ.get("CONTENT_DIR") or ROOT / "content")


def _load_content_file(name: str) -> Any:
    path = content_dir() / name
    try:
        key = f"{path}:{path.stat().st_mtime_ns}"
    except OSError:
        return None
    if key not in _SPEC_CACHE:
        try:
            import yaml

            _SPEC_CACHE[key] = yaml.safe_load(path.read_text(encoding="utf-8"))
        except Exception:  # noqa: BLE001
            _SPEC_CACHE[key] = None
    return _SPEC_CACHE[key]


def _prescreen_spec() -> Any:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    spec = _load_content_file("prescreen.yml")
    return spec if isinstance(spec, dict) else None


def topic_titles() -> Dict[str, str]:
    """Topic id -> title from content/faq.yml (empty if it cannot be read)."""
    data = _load_content_file("faq.yml")
    titles: Dict[str, str] = {}
    for t in (data.get("topics") if isinstance(data, dict) else None) or []:
        if isinstance(t, dict) and isinstance(t.get("id"), str):
            titles[t["id"]] = str(t.get("title") or t["id"])
    return titles


def _is_postgres(db: Any) -> bool:
    return str(db).startswith(("postgresql://", "postgresql+psycopg2://", "postgres://"))


def _connect(db: Any) -> Any:
    """A read-only connection: the SQLite file, or PostgreSQL (the cluster; TRACKER_STORE_URL)."""
    if not _is_postgres(db):
        return sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    import psycopg2
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(str(db))
    conn = psycopg2.connect(host=parts.hostname, port=parts.port or 5432, user=unquote(parts.username or ""),
                            password=unquote(parts.password) if parts.password
                            else os.environ.get("TRACKER_STORE_PASSWORD") or None,
                            dbname=parts.path.lstrip("/"), connect_timeout=10)
    conn.set_session(readonly=True)
    return conn


def _execute(conn: Any, query: str) -> Any:
    if isinstance(conn, sqlite3.Connection):
        return conn.execute(query)
    cursor = conn.cursor(name="report_scan")  # server-side: rows are streamed, not all held at once
    cursor.itersize = 2000
    cursor.execute(query)
    return cursor


def db_errors() -> tuple:
    errors: tuple = (sqlite3.Error,)
    try:
        import psycopg2

        errors += (psycopg2.Error,)
    except ImportError:
        pass
    return errors


def scan_events(db: Any, since: Optional[dt.date] = None, until: Optional[dt.date] = None,
                exclude_prefixes: Optional[Sequence[str]] = None) -> Scan:
    """Read the events table; only masked text and counts leave this function."""
    lo = _day_start(since) if since else float("-inf")
    hi = _day_start(until + dt.timedelta(days=1)) if until else float("inf")
    prefixes = tuple(exclude_prefixes) if exclude_prefixes is not None else test_prefixes()
    conn = _connect(db)
    try:
        rows = _execute(
            conn,
            "SELECT sender_id, type_name, timestamp, intent_name, action_name, data FROM events "
            "WHERE type_name IN ('user', 'action', 'bot', 'slot', 'active_loop') ORDER BY sender_id, timestamp, id"
        )
        scan = Scan()
        funnel = scan.funnel
        state: Dict[str, Any] = {}

        def reset_sender() -> None:
            state.clear()
            state.update(pending=None, offered=set(), active_loop=None, episode=None)

        def close(p: Optional[dict]) -> None:
            """A user message is complete once the action that handled it is known."""
            if p is None or not p["in_range"]:
                return
            action = p["next_action"] or ""
            if action.endswith(FORM_ACTIONS_SUFFIX) or (p["loop"] and not action):
                scan.form_answers += 1  # typed or tapped: an answer to the form's question
                return
            if p["button"]:
                scan.button_presses += 1
            else:
                scan.typed_messages += 1
                lang = ("Other languages" if p["intent"] == "non_english"
                        else "Spanish" if p.get("language") == "es" else "English")
                scan.languages[lang] += 1
                scan.language_senders.setdefault(lang, set()).add(p["sender"])
            if p["safety"]:
                scan.safety[p["safety"]] += 1
                return
            if p["intent"] != "non_english" and not p["button"]:
                reason = None
                if p["intent"] in UNANSWERED_INTENTS:
                    reason = p["intent"]
                elif action in FALLBACK_ACTIONS:
                    reason = action
                if reason and p["text"]:
                    scan.unanswered.append(Unanswered(p["sender"], p["ts"], mask(p["text"]), reason))
            for topic in p["topics"]:
                scan.topics[topic] += 1
                scan.topic_senders.setdefault(topic, set()).add(p["sender"])
                week = week_of(p["ts"])
                scan.weeks.add(week)
                scan.topic_weeks[(week, topic)] += 1

        current_sender = None
        reset_sender()
        for sender, type_name, ts, intent_name, action_name, data in rows:
            if sender != current_sender:
                close(state.get("pending"))
                current_sender = sender
                reset_sender()
            if prefixes and is_test_sender(sender, prefixes):
                scan.test_senders.add(sender)
                continue
            try:
                event = json.loads(data or "{}")
            except ValueError:
                event = {}
            if not isinstance(event, dict):
                event = {}
            ts = float(ts if ts is not None else event.get("timestamp") or 0.0)
            in_range = lo <= ts < hi
            if type_name == "user":
                close(state["pending"])
                parse = event.get("parse_data") or {}
                intent = intent_name or ((parse.get("intent") or {}).get("name"))
                text = event.get("text") or ""
                safety = ((parse.get("safety") or {}).get("kind") if isinstance(parse.get("safety"), dict) else None)
                safety = safety if safety in SAFETY_KINDS else SAFETY_INTENTS.get(intent or "")
                button = text.startswith("/") or text.strip() in state["offered"]
                topics = [t for t in parse.get("topics") or [] if isinstance(t, str)]
                if not topics and intent and intent.startswith("faq_"):
                    topics = [intent[4:]]
                detected = parse.get("language") if isinstance(parse.get("language"), dict) else {}
                state["pending"] = {"sender": sender, "ts": ts, "intent": intent, "text": text,
                                    "next_action": None, "in_range": in_range, "button": button,
                                    "safety": safety, "topics": topics, "loop": state["active_loop"],
                                    "language": detected.get("code")}
                state["offered"] = set()
                if in_range:
                    scan.user_messages += 1
                    scan.senders.add(sender)
            elif type_name == "bot":
                state["offered"].update(_button_payloads(event))
            elif type_name == "action":
                pending = state["pending"]
                if pending is not None and pending["next_action"] is None and action_name \
                        and action_name not in HOUSEKEEPING_ACTIONS:
                    pending["next_action"] = action_name
                episode = state["episode"]
                if action_name == "action_submit_prescreen" and episode is not None:
                    if in_range:
                        if episode["answers"].get("ps_consent") == "yes":
                            funnel.finished += 1
                            funnel.outcomes[_outcome_kind(episode["answers"])] += 1
                            funnel.intake_shown += 1
                        else:
                            funnel.declined += 1
                    state["episode"] = None
                elif action_name in ("action_stop", "action_start_over", "action_forget_me") \
                        and episode is not None and state["active_loop"] == PRESCREEN_FORM:
                    if in_range and action_name == "action_stop":
                        funnel.cancelled += 1
                    state["episode"] = None
            elif type_name == "active_loop":
                state["active_loop"] = event.get("name")
            elif type_name == "slot":
                name, value = event.get("name"), event.get("value")
                if name == "requested_slot" and value == "ps_consent" and state["episode"] is None:
                    state["episode"] = {"answers": {}, "consented": False}
                    if in_range:
                        funnel.started += 1
                elif isinstance(name, str) and name.startswith("ps_") and state["episode"] is not None \
                        and value is not None:
                    state["episode"]["answers"][name] = value
                    if name == "ps_consent" and value == "yes" and not state["episode"]["consented"]:
                        state["episode"]["consented"] = True
                        if in_range:
                            funnel.consented += 1
        close(state.get("pending"))
        return scan
    finally:
        conn.close()


def figures(scan: Scan, titles: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
    """The figures shown by `make report` and the staff console, as plain data (no message text)."""
    titles = topic_titles() if titles is None else titles
    weeks = sorted(scan.weeks)
    topics = [t for t, _ in scan.topics.most_common()]
    f = scan.funnel
    return {
        "messages": scan.user_messages,
        "visitors": len(scan.senders),
        "typed": scan.typed_messages,
        "button_presses": scan.button_presses,
        "form_answers": scan.form_answers,
        "unanswered": len(scan.unanswered),
        "test_senders_excluded": len(scan.test_senders),
        "weeks": weeks,
        "topics": [{"id": t, "title": titles.get(t, t), "count": scan.topics[t],
                    "visitors": len(scan.topic_senders.get(t, ())),
                    "per_week": [scan.topic_weeks.get((w, t), 0) for w in weeks]} for t in topics],
        "funnel": [
            {"step": "started", "label": "Started the pre-screen", "count": f.started},
            {"step": "consented", "label": "Agreed to the questions", "count": f.consented},
            {"step": "finished", "label": "Finished", "count": f.finished},
            {"step": "intake_shown", "label": "Shown the intake form button", "count": f.intake_shown},
        ],
        "funnel_other": [
            {"step": "declined", "label": "Said no to starting", "count": f.declined},
            {"step": "cancelled", "label": "Stopped part way", "count": f.cancelled},
        ],
        "intake_clicks": f.intake_clicks,
        "outcomes": [{"kind": k, "label": OUTCOME_LABELS.get(k, k), "count": f.outcomes.get(k, 0)}
                     for k in ("possible", "review", "excluded", "unknown")
                     if k != "unknown" or f.outcomes.get(k)],
        "languages": [{"label": lang, "count": scan.languages.get(lang, 0),
                       "visitors": len(scan.language_senders.get(lang, ()))}
                      for lang in ("English", "Spanish", "Other languages")],
        "safety": [{"kind": k, "label": SAFETY_LABELS[k], "count": scan.safety.get(k, 0)} for k in SAFETY_KINDS],
    }


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


def render_report(scan: Scan, groups: List[Group], period: str, top: int,
                  titles: Optional[Dict[str, str]] = None) -> List[str]:
    figs = figures(scan, titles)
    n_un = len(scan.unanswered)
    share = f" ({100 * n_un / scan.user_messages:.0f}% of {scan.user_messages})" if scan.user_messages else ""
    lines = [f"Conversations {period}: {scan.user_messages} visitor messages from {len(scan.senders)} visitors"]
    lines.append(f"  typed {scan.typed_messages}, button presses {scan.button_presses}, "
                 f"pre-screen answers {scan.form_answers}; test and benchmark conversations left out: "
                 f"{len(scan.test_senders)}")
    lines.append("")
    lines.append(f"Unanswered questions: {n_un}{share} in {len(groups)} groups (personal details masked; "
                 "button presses and pre-screen answers are not counted)")
    if groups:
        rows = [(i, g.count, len(g.senders), _reasons(g.reasons), _clip(g.example, 70))
                for i, g in enumerate(groups[:top], 1)]
        lines += _table(("#", "times", "visitors", "why", "example"), rows, right=(0, 1, 2))
        if len(groups) > top:
            lines.append(f"... and {len(groups) - top} more groups (all are in the CSV)")
    lines.append("")
    lines.append(f"Most asked topics: {sum(scan.topics.values())} questions")
    if figs["topics"]:
        rows = [(_clip(t["title"], 40), t["id"], t["count"], t["visitors"]) for t in figs["topics"][:top]]
        lines += _table(("topic", "id", "times", "visitors"), rows, right=(2, 3))
    if figs["weeks"] and figs["topics"]:
        weeks = figs["weeks"][-8:]
        lines.append("")
        lines.append("Questions per topic per week (week starting)")
        offset = len(figs["weeks"]) - len(weeks)
        rows = [[_clip(t["title"], 32)] + t["per_week"][offset:] for t in figs["topics"][:top]]
        lines += _table(["topic"] + [w[5:] for w in weeks], rows, right=tuple(range(1, len(weeks) + 1)))
    lines.append("")
    lines.append("Pre-screen")
    steps = figs["funnel"] + figs["funnel_other"]
    rows = [(s["label"], s["count"]) for s in steps]
    rows += [(f"Outcome: {o['label']}", o["count"]) for o in figs["outcomes"]]
    lines += _table(("step", "count"), rows, right=(1,))
    lines.append("Intake button clicks: not recorded (the widget opens the form in a new tab and does not report it)")
    lines.append("")
    lines.append("Languages (typed messages)")
    lines += _table(("language", "messages", "visitors"),
                    [(x["label"], x["count"], x["visitors"]) for x in figs["languages"]], right=(1, 2))
    lines.append("")
    lines.append("Safety replies (counts only)")
    lines += _table(("reply", "count"), [(x["label"], x["count"]) for x in figs["safety"]], right=(1,))
    return lines


def _cell(value: object) -> object:
    """Spreadsheets run a cell that starts with = + - @ as a formula: visitor text must not."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


CSV_HEADER = ["kind", "rank", "label", "count", "visitors", "reasons", "other_wordings", "first_seen",
              "last_seen", "topic_id", "week"]


def csv_rows(scan: Scan, groups: List[Group], titles: Optional[Dict[str, str]] = None) -> List[List[object]]:
    """Every table of the report as CSV rows (masked text and counts only)."""
    figs = figures(scan, titles)
    rows: List[List[object]] = []
    for i, g in enumerate(groups, 1):
        others = [t for t, _ in g.variants.most_common() if t != g.example][:5]
        rows.append(["unanswered", i, _cell(g.example), g.count, len(g.senders), _reasons(g.reasons),
                     _cell(" | ".join(others)), _when(g.first), _when(g.last), "", ""])
    for i, t in enumerate(figs["topics"], 1):
        rows.append(["topic", i, _cell(t["title"]), t["count"], t["visitors"], "", "", "", "", t["id"], ""])
    for t in figs["topics"]:
        for week, count in zip(figs["weeks"], t["per_week"]):
            if count:
                rows.append(["topic_week", "", _cell(t["title"]), count, "", "", "", "", "", t["id"], week])
    for i, step in enumerate(figs["funnel"] + figs["funnel_other"], 1):
        rows.append(["prescreen", i, step["label"], step["count"], "", "", "", "", "", "", ""])
    for i, o in enumerate(figs["outcomes"], 1):
        rows.append(["prescreen_outcome", i, o["label"], o["count"], "", "", "", "", "", "", ""])
    for i, x in enumerate(figs["languages"], 1):
        rows.append(["language", i, x["label"], x["count"], x["visitors"], "", "", "", "", "", ""])
    for i, x in enumerate(figs["safety"], 1):
        rows.append(["safety", i, x["label"], x["count"], "", "", "", "", "", "", ""])
    return rows


def write_csv(path: Path, scan: Scan, groups: List[Group], titles: Optional[Dict[str, str]] = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # visitors' questions: private
    os.fchmod(fd, 0o600)
    with open(fd, "w", newline="", encoding="utf-8", errors="replace") as f:
        w = csv.writer(f)
        w.writerow(CSV_HEADER)
        w.writerows(csv_rows(scan, groups, titles))


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date like 2025-01-31")


def main(argv: Optional[List[str]] = None) -> int:
    if hasattr(sys.stdout, "reconfigure"):  # any terminal encoding: never crash on a visitor's character
        sys.stdout.reconfigure(errors="replace")
    parser = argparse.ArgumentParser(description="Questions the assistant could not answer, and the top topics.")
    parser.add_argument("--db", type=Path, default=Path(os.environ.get("TRACKER_DB", ROOT / "var" / "tracker.db")))
    parser.add_argument("--since", type=_date, help="first day, YYYY-MM-DD (default: everything)")
    parser.add_argument("--until", type=_date, help="last day, YYYY-MM-DD, inclusive (default: today)")
    parser.add_argument("--csv", type=Path, help="also write the full tables to this CSV file")
    parser.add_argument("--similarity", type=float, default=0.6, help="how alike two questions must be to group "
                                                                       "(0-1, default 0.6)")
    parser.add_argument("--top", type=int, default=20, help="rows shown per table (default 20)")
    parser.add_argument("--include-test-traffic", action="store_true",
                        default=os.environ.get("REPORT_INCLUDE_TEST_TRAFFIC", "") == "1",
                        help="also count test and benchmark conversations (sender ids starting with "
                             + ", ".join(TEST_SENDER_PREFIXES) + ")")
    parser.add_argument("--url", default=os.environ.get("TRACKER_STORE_URL", ""),
                        help="the cluster's PostgreSQL, postgresql://user@host:port/db (default: TRACKER_STORE_URL; "
                             "password from TRACKER_STORE_PASSWORD); wins over --db")
    args = parser.parse_args(argv)
    source = args.url or args.db

    if not args.url and not args.db.is_file():
        print(f"report: no conversation database at {args.db} (is the assistant running with the SQL tracker "
              "store? set --db or TRACKER_DB)", file=sys.stderr)
        return 2
    if args.since and args.until and args.since > args.until:
        print("report: --since is after --until", file=sys.stderr)
        return 2
    try:
        scan = scan_events(source, args.since, args.until,
                           exclude_prefixes=() if args.include_test_traffic else None)
    except db_errors() as exc:
        where = "PostgreSQL (TRACKER_STORE_URL)" if args.url else args.db
        print(f"report: cannot read {where}: {type(exc).__name__}: {str(exc).strip()[:200]}", file=sys.stderr)
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
