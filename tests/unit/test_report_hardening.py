"""`make report` (scripts/report.py) and issue 12: a lone surrogate in a stored message
does not crash it, long stored texts are masked in bounded time, the CSV is private."""
from __future__ import annotations

import asyncio
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from stores.erasable import ErasableSQLTrackerStore

ROOT = Path(__file__).resolve().parents[2]


def _db(tmp_path: Path, texts: list) -> Path:
    db = tmp_path / "tracker.db"
    store = ErasableSQLTrackerStore(db=str(db))
    for i, text in enumerate(texts):
        events = [ActionExecuted("action_listen"),
                  UserUttered(text, {"name": "nlu_fallback", "confidence": 0.1}),
                  ActionExecuted("action_default_fallback")]
        asyncio.run(store.save(DialogueStateTracker.from_events(f"visitor-{i:08d}abcdef", events)))
    store.engine.dispose()
    return db


def test_a_lone_surrogate_does_not_crash_the_report(tmp_path) -> None:
    db = _db(tmp_path, ["hello \udc80 what is this thing", "\ud83d alone", "normal question about socks"])
    out = tmp_path / "unanswered.csv"
    for encoding in ("utf-8", "ascii"):
        result = subprocess.run([sys.executable, str(ROOT / "scripts" / "report.py"), "--db", str(db),
                                 "--csv", str(out)], capture_output=True, text=True, cwd=ROOT,
                                env={**os.environ, "PYTHONIOENCODING": encoding, "PYTHONPATH": str(ROOT)},
                                timeout=120)
        assert result.returncode == 0, result.stderr[-2000:]
        assert "Traceback" not in result.stderr
    csv_text = out.read_text(encoding="utf-8")
    assert "\ufffd" in csv_text and "\udc80" not in csv_text
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600


def test_masking_is_bounded_for_long_stored_texts() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    import report

    for text in ("my name is " + "A" * 200_000, "1" * 200_000, "a@" * 100_000, "http://" + "x/" * 100_000):
        started = time.perf_counter()
        masked = report.mask(text)
        assert time.perf_counter() - started < 0.5
        assert len(masked) <= report.MASK_MAX_CHARS + 100
