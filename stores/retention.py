"""Retention: erase conversations that have been idle for longer than N days.

    python -m stores.retention [--db var/tracker.db] [--days 30] [--dry-run]

A conversation is erased whole (every event of its sender) once its newest
event is older than the limit, so no half-conversations remain. As with
"forget me", deleted content is overwritten (secure_delete) and the WAL is
checkpointed, so no copy of the text stays in the database's files. Run it daily
(cron, systemd timer); `make run` also runs it at start. The default comes from
RETENTION_DAYS (30).
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import time
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = os.environ.get("TRACKER_DB", str(ROOT / "var" / "tracker.db"))
DEFAULT_DAYS = float(os.environ.get("RETENTION_DAYS", "30"))


def purge(db_path: str, days: float, now: Optional[float] = None, dry_run: bool = False) -> int:
    """Erase idle conversations; returns the number of conversations erased."""
    if days <= 0:
        raise ValueError("days must be positive")
    if not Path(db_path).exists():
        return 0
    cutoff = (now if now is not None else time.time()) - days * 86400
    con = sqlite3.connect(db_path)
    try:
        has_events = con.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='events'"
        ).fetchone()
        if not has_events:
            return 0
        stale = [
            row[0]
            for row in con.execute(
                "SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < ?", (cutoff,)
            )
        ]
        if not dry_run and stale:
            con.execute("PRAGMA secure_delete=ON")
            con.executemany("DELETE FROM events WHERE sender_id = ?", [(s,) for s in stale])
            con.commit()
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return len(stale)
    finally:
        con.close()


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=DEFAULT_DB)
    parser.add_argument("--days", type=float, default=DEFAULT_DAYS)
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    n = purge(args.db, args.days, dry_run=args.dry_run)
    verb = "would erase" if args.dry_run else "erased"
    print(f"retention: {verb} {n} conversation(s) idle for more than {args.days:g} days")
    return 0


if __name__ == "__main__":
    sys.exit(main())
