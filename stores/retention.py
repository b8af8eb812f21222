"""Retention: erase conversations that have been idle for longer than N days.

    python -m stores.retention [--db var/tracker.db] [--days 30] [--dry-run]
    TRACKER_STORE_URL=postgresql://... python -m stores.retention [--days 30]   (the cluster)

A conversation is erased whole (every event of its sender) once its newest
event is older than the limit, so no half-conversations remain. As with
"forget me", deleted content is overwritten (secure_delete) and the WAL is
checkpointed, so no copy of the text stays in the database's files. Run it daily
(cron, systemd timer); `make run` also runs it at start. The default comes from
RETENTION_DAYS (30).

On PostgreSQL (TRACKER_STORE_URL set, password from TRACKER_STORE_PASSWORD or
PGPASSWORD; `make cluster-retention`) the idle conversations are deleted in one
transaction and the table is VACUUMed, as "forget me" does there; older copies
in PostgreSQL's WAL and backups remain until those are recycled.
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


def purge_postgres(url: str, days: float, now: Optional[float] = None, dry_run: bool = False) -> int:
    """`purge` on PostgreSQL: erase conversations whose newest event is older than `days`."""
    if days <= 0:
        raise ValueError("days must be positive")
    import psycopg2
    import sqlalchemy as sa

    parsed = sa.engine.make_url(url)
    cutoff = (now if now is not None else time.time()) - days * 86400
    con = psycopg2.connect(host=parsed.host, port=parsed.port or 5432, user=parsed.username,
                           password=parsed.password or os.environ.get("TRACKER_STORE_PASSWORD") or None,
                           dbname=parsed.database, connect_timeout=10)
    try:
        with con:
            cur = con.cursor()
            cur.execute("SELECT to_regclass('public.events')")
            if cur.fetchone()[0] is None:
                return 0
            cur.execute("SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < %s", (cutoff,))
            stale = [row[0] for row in cur.fetchall()]
            if not dry_run and stale:
                cur.execute("DELETE FROM events WHERE sender_id = ANY(%s)", (stale,))
        if not dry_run and stale:
            con.autocommit = True
            con.cursor().execute("VACUUM events")
        return len(stale)
    finally:
        con.close()


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=DEFAULT_DB)
    parser.add_argument("--url", default=os.environ.get("TRACKER_STORE_URL", ""),
                        help="postgresql://user@host:port/db (default: TRACKER_STORE_URL); wins over --db")
    parser.add_argument("--days", type=float, default=DEFAULT_DAYS)
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    if args.url:
        n = purge_postgres(args.url, args.days, dry_run=args.dry_run)
    else:
        n = purge(args.db, args.days, dry_run=args.dry_run)
    verb = "would erase" if args.dry_run else "erased"
    print(f"retention: {verb} {n} conversation(s) idle for more than {args.days:g} days")
    return 0


if __name__ == "__main__":
    sys.exit(main())
