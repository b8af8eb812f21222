"""scripts/report.py on a tracker database written by Rasa's own SQLTrackerStore (real schema)."""
from __future__ import annotations

import asyncio
import csv
import datetime as dt
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any, List, Tuple

import pytest

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "report.py"


from scripts import report as report  # noqa: E402  (scripts/ is a package)

DAY = dt.datetime(2025, 3, 10, 12, 0)
OLD = dt.datetime(2025, 1, 5, 9, 0)
# Personal details that must never appear in the output.
SECRETS = ["John", "Smith", "Sarah", "bob@example.com", "555-123-4567", "7.2", "67", "Maria", "90210",
           "https://mysite.example.org"]

# (sender, when, text, intent, confidence, next action)
TURNS: List[Tuple[str, dt.datetime, str, str, float, str]] = [
    ("visitor-a", DAY, "my name is John Smith, does medicare cover this?", "nlu_fallback", 0.2,
     "action_reply"),
    ("visitor-a", DAY, "/faq_timeline", "faq_timeline", 1.0, "action_answer_faq"),
    ("visitor-b", DAY, "Does Medicare cover this? I'm Sarah", "nlu_fallback", 0.1, "action_reply"),
    ("visitor-b", DAY, "whats the weather in paris", "out_of_scope", 0.8, "action_reply"),
    ("visitor-b", DAY, "how long until it works", "faq_timeline", 0.9, "action_answer_faq"),
    ("visitor-c", DAY, "medicare cover this? email bob@example.com or 555-123-4567", "faq_cost", 0.5,
     "action_default_fallback"),
    ("visitor-c", DAY, "my A1c is 7.2 and I am 67, zip 90210, see https://mysite.example.org", "nlu_fallback", 0.1,
     "action_reply"),
    ("visitor-c", DAY, "how much is it", "faq_cost", 0.9, "action_answer_faq"),
    ("visitor-d", OLD, "this is Maria, where do I park", "nlu_fallback", 0.1, "action_reply"),
]


def _build_db(path: Path) -> None:
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    store = SQLTrackerStore(dialect="sqlite", db=str(path))
    by_sender: dict = {}
    for i, (sender, when, text, intent, conf, action) in enumerate(TURNS):
        ts = when.timestamp() + i
        by_sender.setdefault(sender, []).extend([
            ActionExecuted("action_listen", timestamp=ts - 0.5),
            UserUttered(text, intent={"name": intent, "confidence": conf}, timestamp=ts),
            ActionExecuted(action, timestamp=ts + 0.1),
            ActionExecuted("action_listen", timestamp=ts + 0.2),
        ])
    for sender, events in by_sender.items():
        asyncio.run(store.save(DialogueStateTracker.from_events(sender, events)))
    store.engine.dispose()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tracker") / "tracker.db"
    _build_db(path)
    return path


def test_database_has_the_real_events_schema(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(events)")]
        user_rows = conn.execute("SELECT COUNT(*) FROM events WHERE type_name = 'user'").fetchone()[0]
    assert columns == ["id", "sender_id", "type_name", "timestamp", "intent_name", "action_name", "data"]
    assert user_rows == len(TURNS)


@pytest.mark.parametrize("raw,masked", [
    ("my name is John Smith, does it hurt", "my name is [name], does it hurt"),
    ("I'm called bob. born 1950", "I'm called [name]. born [number]"),
    ("Hi, this is Maria Lopez, my A1c is 7.2", "Hi, this is [name], my A1c is [number]"),
    ("this is painful", "this is painful"),
    ("email me at jo.doe@gmail.com or call (555) 010-0199", "email me at [email] or call [phone]"),
    ("I am 67, diagnosed 3/4/2019, zip 90210-1234", "I am [number], diagnosed [number], zip [number]"),
    ("see https://example.org/x?id=5 or www.example.org", "see [url] or [url]"),
    ("phone +1 555 010 0199 after 5", "phone [phone] after [number]"),
])
def test_mask(raw: str, masked: str) -> None:
    assert report.mask(raw) == masked


def test_mask_removes_terminal_control_characters() -> None:
    assert report.mask("hi\x1b[2Jthere\u202eevil") == "hi [[number]Jthere evil"


def test_csv_cells_cannot_start_a_formula(tmp_path: Path) -> None:
    scan = report.Scan()
    items = [report.Unanswered("s", 1.0, report.mask("=HYPERLINK(1)"), "nlu_fallback")]
    out = tmp_path / "x.csv"
    report.write_csv(out, scan, report.group_messages(items))
    row = list(csv.DictReader(out.open(encoding="utf-8")))[0]
    assert row["label"].startswith("'=")


def test_grouping_joins_similar_wordings_after_masking() -> None:
    items = [report.Unanswered(f"s{i}", float(i), report.mask(t), "nlu_fallback") for i, t in enumerate([
        "does medicare cover this, my name is John", "Does Medicare cover this? I'm Sarah",
        "is it covered by medicare", "what is the weather", "whats the weather today"])]
    groups = report.group_messages(items, 0.6)
    assert [g.count for g in groups] == [3, 2]
    assert all("John" not in v and "Sarah" not in v for g in groups for v in g.variants)


def test_scan_finds_fallbacks_out_of_scope_and_fallback_actions(db: Path) -> None:
    scan = report.scan_events(db, since=dt.date(2025, 3, 1), until=dt.date(2025, 3, 31))
    assert scan.user_messages == 8
    reasons = sorted(u.reason for u in scan.unanswered)
    assert reasons == ["action_default_fallback", "nlu_fallback", "nlu_fallback", "nlu_fallback", "out_of_scope"]
    assert scan.topics == {"timeline": 2, "cost": 2}
    everything = report.scan_events(db)
    assert len(everything.unanswered) == 6  # visitor-d's January question is outside March


def test_cli_prints_masked_groups_topics_and_writes_csv(db: Path, tmp_path: Path) -> None:
    out_csv = tmp_path / "out.csv"
    env = {k: v for k, v in os.environ.items() if k != "TRACKER_DB"}
    result = subprocess.run([sys.executable, str(SCRIPT), "--db", str(db), "--since", "2025-03-01", "--until",
                             "2025-03-10", "--csv", str(out_csv)], capture_output=True, text=True, env=env,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    # the output names the CSV file; its temporary path may contain digits of a secret ("pytest-167")
    out = result.stdout.replace(str(out_csv), "<csv>")
    for secret in SECRETS:
        assert secret not in out
    assert "Unanswered questions: 5 (62% of 8) in 3 groups" in out
    medicare = next(ln for ln in out.splitlines() if "medicare" in ln.lower())
    assert medicare.split()[:3] == ["1", "3", "3"]  # rank, times, visitors
    assert "[name]" in out and "[number]" in out
    assert "timeline" in out and "cost" in out

    rows = list(csv.DictReader(out_csv.open(encoding="utf-8")))
    text = out_csv.read_text(encoding="utf-8")
    for secret in SECRETS:
        assert secret not in text
    kinds = [r["kind"] for r in rows]
    assert kinds.count("unanswered") == 3 and kinds.count("topic") == 2
    assert rows[0]["count"] == "3" and rows[0]["visitors"] == "3"
    assert rows[0]["first_seen"] == "2025-03-10"


def test_cli_until_is_inclusive_and_range_can_be_empty(db: Path) -> None:
    empty = subprocess.run([sys.executable, str(SCRIPT), "--db", str(db), "--until", "2025-01-04"],
                           capture_output=True, text=True, timeout=120)
    assert empty.returncode == 0
    assert "0 visitor messages" in empty.stdout
    january = subprocess.run([sys.executable, str(SCRIPT), "--db", str(db), "--since", "2025-01-05", "--until",
                              "2025-01-05"], capture_output=True, text=True, timeout=120)
    assert "Unanswered questions: 1 " in january.stdout and "Maria" not in january.stdout


def test_cli_missing_database_exits_2(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(SCRIPT), "--db", str(tmp_path / "none.db")], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2
    assert "no conversation database" in result.stderr
    assert not (tmp_path / "none.db").exists()


def test_spanish_messages_are_counted_as_spanish(tmp_path: Path) -> None:
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    db = tmp_path / "t.db"
    store = SQLTrackerStore(dialect="sqlite", db=str(db))
    ts = DAY.timestamp()
    events = [
        ActionExecuted("action_listen", timestamp=ts),
        UserUttered("cuánto cuesta", intent={"name": "faq_cost", "confidence": 0.9}, timestamp=ts + 1,
                    parse_data={"intent": {"name": "faq_cost", "confidence": 0.9}, "language": {"code": "es"}}),
        ActionExecuted("action_answer_faq", timestamp=ts + 2),
        ActionExecuted("action_listen", timestamp=ts + 3),
        UserUttered("how much is it", intent={"name": "faq_cost", "confidence": 0.9}, timestamp=ts + 4),
        ActionExecuted("action_answer_faq", timestamp=ts + 5),
    ]
    asyncio.run(store.save(DialogueStateTracker.from_events("visitor-es", events)))
    scan = report.scan_events(str(db), exclude_prefixes=())
    assert scan.languages["Spanish"] == 1 and scan.languages["English"] == 1
