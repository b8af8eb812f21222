"""The conversation store: SQLite by default, erasable, fast on long conversations.

Three jobs on top of Rasa's `SQLTrackerStore`:

* **Erasure that tells the truth.** `action_forget_me` sets the
  `erase_conversation` slot. When the turn is saved this store deletes every
  stored event of that sender (and its cached copy) instead of writing the
  turn, in a worker thread (a locked database never stalls other visitors),
  then checks that no row is left and, on SQLite, checkpoints the WAL so no
  copy of the text stays in the -wal file (`secure_delete` is on, so deleted
  content is overwritten with zeros in the database file). The outcome is
  kept for the channel (`take_erase_result`), which tells the visitor "erased"
  only when all of that succeeded, and says so when it did not; a failed
  erase leaves the stored conversation as it was before the request. The
  next message after an erase starts a new, empty conversation. On
  PostgreSQL the rows are deleted and the table is VACUUMed; older copies in
  PostgreSQL's WAL and backups remain until those are recycled.
* **Private files.** A SQLite database is created 0600 (its -wal and -shm
  files inherit that), its folder 0700 when this store creates it.
* **A write-through cache.** Rasa re-reads and replays a conversation's whole
  event history from the database on every message, which grows with every
  turn (~30 ms at 60 turns here). This store keeps recently active
  conversations in memory (LRU, idle entries expire) and appends only the new
  events to the database. The database stays the record; the cache is only a
  faster way to read it. With one Rasa process per database (the default
  `make run`) it is trusted as is. With several replicas (PostgreSQL, see
  docs/CLUSTER.md) each read first asks the database for the id of the
  conversation's newest row (one indexed query); a copy another replica or
  a retention run has changed since is dropped and re-read. `TRACKER_CACHE`
  chooses: `on` (trust, the SQLite default), `validate` (the PostgreSQL
  default) or `off` (always re-read and replay everything).
* **PostgreSQL from the environment.** With `TRACKER_STORE_URL`
  (`postgresql://user@host:port/db`) set, the same store keeps conversations
  in PostgreSQL instead of the `db` of endpoints.yml; the password comes from
  `TRACKER_STORE_PASSWORD` or libpq's `PGPASSWORD`, never from a file in the
  repository. The table is created on first start (Rasa's schema). Pool:
  `SQL_POOL_SIZE` (default 4), `SQL_MAX_OVERFLOW` (8); a connection found
  dead (the database restarted) is replaced and the query tried once more,
  so a restart costs no visitor an error once the database is back.
* **No silent amnesia on PostgreSQL.** Rasa wraps every tracker store in a
  `FailSafeTrackerStore` that, when the database fails, starts the visitor
  over in an empty in-memory conversation and keeps that turn only in this
  process. With several replicas that would answer out of context and lose
  what the visitor said. On PostgreSQL this store's errors pass through
  instead (`fail_loudly`), so the channel's safety net (channels/guard.py)
  answers with the clinic's apology and phone number, and the conversation
  continues where it was once the database is back. SQLite (`make run`)
  keeps Rasa's behaviour.
* **Compaction of the in-memory copy.** Dialogue prediction looks at the whole
  event list, so a long conversation slowed every turn down. When a cached
  conversation grows past `compact_at` events, its in-memory copy is rebuilt
  from a snapshot of the current slots and form plus the most recent turns.
  Nothing is removed from the database.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any, List, Optional, Tuple

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

ERASE_SLOT = "erase_conversation"

# sender id -> did the erase requested in its latest turn succeed (read once by the channel)
_ERASE_RESULTS: "OrderedDict[str, bool]" = OrderedDict()
_RESULTS_LOCK = threading.Lock()
_RESULTS_MAX = 10_000
CACHE_MODES = ("on", "validate", "off")


def _record_erase_result(sender_id: str, ok: bool) -> None:
    with _RESULTS_LOCK:
        _ERASE_RESULTS[sender_id] = ok
        _ERASE_RESULTS.move_to_end(sender_id)
        while len(_ERASE_RESULTS) > _RESULTS_MAX:
            _ERASE_RESULTS.popitem(last=False)


def take_erase_result(sender_id: str) -> Optional[bool]:
    """True/False if an erase of this conversation was attempted since the last call, else None."""
    with _RESULTS_LOCK:
        return _ERASE_RESULTS.pop(sender_id, None)


def prepare_sqlite_file(db: Any) -> None:
    """Create the database file 0600 (and its folder 0700) before SQLite does, tighten existing ones."""
    if not db or not isinstance(db, str) or db == ":memory:" or db.startswith("file:"):
        return
    path = Path(db)
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
    if not path.exists():
        os.close(os.open(str(path), os.O_WRONLY | os.O_CREAT, 0o600))
    for candidate in (path, Path(str(path) + "-wal"), Path(str(path) + "-shm"), Path(str(path) + "-journal")):
        try:
            if candidate.exists():
                os.chmod(candidate, 0o600)
        except OSError as exc:
            logger.warning("could not restrict the permissions of the database files: %s", type(exc).__name__)


def postgres_settings(url: str) -> dict:
    """SQLTrackerStore arguments from TRACKER_STORE_URL (postgresql://user@host:port/db).

    The password may be in the URL (from the environment) or, better, in
    TRACKER_STORE_PASSWORD or libpq's PGPASSWORD.
    """
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise ValueError("TRACKER_STORE_URL must be a postgresql:// URL")
    password = parsed.password or os.environ.get("TRACKER_STORE_PASSWORD") or None
    engine_url = parsed.set(drivername="postgresql+psycopg2", password=password)
    # Rasa's SQLTrackerStore takes a complete URL in `host`
    return {"dialect": "postgresql", "host": engine_url.render_as_string(hide_password=False), "db": parsed.database}


def redacted(url: str) -> str:
    """The URL without its password (for messages and logs)."""
    return repr(sa.engine.make_url(url))


def _inner_store(store: Any) -> Any:
    """The store inside Rasa's wrappers (FailSafeTrackerStore -> AwaitableTrackerStore -> store)."""
    for _ in range(4):
        inner = getattr(store, "_tracker_store", None)
        if inner is None:
            return store
        store = inner
    return store


def install_fail_loudly() -> None:
    """Let a store with `fail_loudly` raise through Rasa's FailSafeTrackerStore (idempotent)."""
    from rasa.core import tracker_store as rasa_stores

    cls = rasa_stores.FailSafeTrackerStore
    if getattr(cls, "_erasable_fail_loudly", False):
        return
    originals = {name: getattr(cls, name) for name in ("retrieve", "retrieve_full_tracker", "save")}

    def passthrough(name: str) -> Any:
        original = originals[name]

        async def method(self: Any, arg: Any) -> Any:
            if getattr(_inner_store(self), "fail_loudly", False):
                return await getattr(self._tracker_store, name)(arg)
            return await original(self, arg)

        method.__name__ = name
        return method

    for name in originals:
        setattr(cls, name, passthrough(name))
    cls._erasable_fail_loudly = True


class ErasableSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` with erasure on request, a tracker cache and compaction."""

    fail_loudly = False  # True on PostgreSQL: errors reach the channel's apology (see module doc)

    def __init__(
        self,
        *args: Any,
        host: Any = None,
        cache_size: int = 2000,
        cache_idle_seconds: float = 1800,
        compact_at: int = 36,
        keep_events: int = 14,
        cache_mode: Optional[str] = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("dialect", "sqlite")
        url = os.environ.get("TRACKER_STORE_URL", "").strip()
        if url:
            kwargs.update(postgres_settings(url))
            host = kwargs.pop("host")
        if kwargs["dialect"] == "sqlite":
            prepare_sqlite_file(kwargs.get("db", "rasa.db"))
        super().__init__(*args, host=host, **kwargs)
        if self.engine.dialect.name == "sqlite":
            self._tune_sqlite()
        elif self.engine.dialect.name == "postgresql":
            self._tune_postgres()
            self.fail_loudly = True
            install_fail_loudly()
        self.cache_size = int(cache_size)
        self.cache_idle_seconds = float(cache_idle_seconds)
        self.compact_at = int(compact_at)
        self.keep_events = int(keep_events)
        default_mode = "on" if self.engine.dialect.name == "sqlite" else "validate"
        mode = (os.environ.get("TRACKER_CACHE") or cache_mode or default_mode).strip().lower()
        if mode not in CACHE_MODES:
            raise ValueError(f"TRACKER_CACHE must be one of {', '.join(CACHE_MODES)}, not {mode!r}")
        self.cache_mode = mode
        if mode == "off":
            self.cache_size = 0
        # sender_id -> (tracker, last stored event object, last use, id of the newest stored row)
        self._cache: "OrderedDict[str, Tuple[DialogueStateTracker, Optional[Event], float, Optional[int]]]" = (
            OrderedDict()
        )
        events = self.SQLEvent.__table__
        self._last_id_query = sa.select(sa.func.max(events.c.id)).where(events.c.sender_id == sa.bindparam("s"))

    # ------------------------------------------------------------------ postgresql
    def _tune_postgres(self) -> None:
        """A small pool whose connections are checked before use (a restarted database costs no error)."""
        from sqlalchemy.orm import sessionmaker

        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(
            url,
            pool_size=int(os.environ.get("SQL_POOL_SIZE", "4")),
            max_overflow=int(os.environ.get("SQL_MAX_OVERFLOW", "8")),
            # no ping before each use (a round trip per query); a connection found dead is
            # retried once in _last_id, the first query of every message (see there)
            pool_pre_ping=False,
            pool_recycle=1800,
            pool_timeout=5,
            connect_args={"connect_timeout": 5, "application_name": "rasa-tracker-store"},
        )
        self.sessionmaker = sessionmaker(bind=self.engine)

    # ------------------------------------------------------------------ sqlite
    def _tune_sqlite(self) -> None:
        """Keep one open connection in WAL mode without an fsync per turn.

        SQLAlchemy opens and closes a SQLite connection for every session by
        default, and each close checkpoints the journal; with the default
        journal every commit also waits for the disk. Together that was
        ~30-50 ms per message here; this makes it a few milliseconds. With
        synchronous=NORMAL in WAL mode a power cut can lose the last turns but
        never corrupts the database.
        """
        import sqlalchemy as sa
        from sqlalchemy.orm import sessionmaker

        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(
            url, poolclass=sa.pool.QueuePool, pool_size=2, max_overflow=4,
            connect_args={"check_same_thread": False},
        )

        def on_connect(dbapi_connection: Any, _: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            # deleted content (an erased conversation) is overwritten with zeros
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.close()

        sa.event.listen(self.engine, "connect", on_connect)
        self.sessionmaker = sessionmaker(bind=self.engine)

    # ------------------------------------------------------------------ cache
    def _cached(self, sender_id: str) -> Optional[Tuple[DialogueStateTracker, Optional[Event], float, Optional[int]]]:
        entry = self._cache.get(sender_id)
        if entry is None:
            return None
        if time.monotonic() - entry[2] > self.cache_idle_seconds:
            del self._cache[sender_id]
            return None
        self._cache.move_to_end(sender_id)
        return entry

    def _remember(self, tracker: DialogueStateTracker, last_id: Optional[int] = None) -> None:
        if self.cache_size <= 0:
            return
        if self.cache_mode == "validate" and last_id is None:
            self._cache.pop(tracker.sender_id, None)  # nothing to check a later read against
            return
        last = tracker.events[-1] if tracker.events else None
        self._cache[tracker.sender_id] = (tracker, last, time.monotonic(), last_id)
        self._cache.move_to_end(tracker.sender_id)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    def _last_id(self, sender_id: str) -> Optional[int]:
        """Id of the newest stored row of this conversation (None: nothing stored).

        The first query of every message. If its pooled connection turns out dead (the database
        restarted), SQLAlchemy empties the pool and the query is tried once more on a new one.
        """
        for attempt in (1, 2):
            try:
                with self.engine.connect() as connection:
                    value = connection.execute(self._last_id_query, {"s": sender_id}).scalar()
                return int(value) if value is not None else None
            except sa.exc.DBAPIError as exc:
                if attempt == 2 or not exc.connection_invalidated:
                    raise
        return None

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        entry = self._cached(sender_id)
        last_id = None
        if self.cache_mode == "validate" and self.cache_size > 0:
            # another replica (or a retention run) may have changed the conversation since
            last_id = self._last_id(sender_id)
            if entry is not None and (last_id is None or entry[3] != last_id):
                self._cache.pop(sender_id, None)
                entry = None
        if entry is not None:
            return entry[0]
        tracker = await super().retrieve(sender_id)
        if tracker is not None:
            self._remember(tracker, last_id)
        return tracker

    # ------------------------------------------------------------------ save
    async def save(self, tracker: DialogueStateTracker) -> None:
        if tracker.get_slot(ERASE_SLOT):
            self._cache.pop(tracker.sender_id, None)
            loop = asyncio.get_running_loop()
            ok = await loop.run_in_executor(None, self.erase_verified, tracker.sender_id)
            _record_erase_result(tracker.sender_id, ok)
            self._cache.pop(tracker.sender_id, None)
            if ok:
                logger.info("conversation erased on the visitor's request")
            else:
                # the request turn is not stored: the next message starts from the stored state
                logger.error("erasing a conversation on the visitor's request FAILED")
            return
        new_events = self._new_events(tracker)
        last_id = None
        if new_events is None:
            # not read through this store's cache: Rasa's own bookkeeping applies
            await super().save(tracker)
            if self.cache_mode == "validate" and self.cache_size > 0:
                last_id = self._last_id(tracker.sender_id)
        else:
            last_id = self._insert(tracker.sender_id, new_events)
            if self.event_broker is not None:  # as Rasa's save does (none is configured by default)
                await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)
            if not new_events and tracker.sender_id in self._cache:
                last_id = self._cache[tracker.sender_id][3]  # no new row: the cached id still names the newest
        self._remember(self._compacted(tracker), last_id)

    def _new_events(self, tracker: DialogueStateTracker) -> Optional[List[Event]]:
        """Events appended since this store last read or wrote the tracker."""
        entry = self._cache.get(tracker.sender_id)
        if entry is None or entry[0] is not tracker:
            return None
        marker = entry[1]
        if marker is None:
            return list(tracker.events)
        events = list(tracker.events)
        for index in range(len(events) - 1, -1, -1):
            if events[index] is marker:
                return events[index + 1:]
        return None

    def _insert(self, sender_id: str, events: List[Event]) -> Optional[int]:
        """Append events with one multi-row INSERT (the same columns Rasa writes).

        A plain Core insert costs about a third of adding ORM objects one by one
        (0.25 vs 0.65 ms per turn here). In `validate` cache mode it returns the
        id of the newest row written (PostgreSQL: INSERT ... RETURNING, no extra
        round trip); else None.
        """
        if not events:
            return None
        rows = []
        for event in events:
            data = event.as_dict()
            rows.append({
                "sender_id": sender_id,
                "type_name": event.type_name,
                "timestamp": data.get("timestamp"),
                "intent_name": data.get("parse_data", {}).get("intent", {}).get("name"),
                "action_name": data.get("name"),
                "data": json.dumps(data),
            })
        table = self.SQLEvent.__table__
        columns = ("sender_id", "type_name", "timestamp", "intent_name", "action_name", "data")
        if self.cache_mode != "validate":
            if self.engine.dialect.name == "sqlite":
                # one plain executemany: no statement compilation or ORM session per turn
                with self.engine.begin() as connection:
                    connection.exec_driver_sql(
                        f"INSERT INTO {table.name} ({','.join(columns)}) VALUES (?,?,?,?,?,?)",
                        [tuple(row[c] for c in columns) for row in rows])
                return None
            with self.session_scope() as session:
                session.execute(table.insert(), rows)
                session.commit()
            return None
        with self.engine.begin() as connection:
            if self.engine.dialect.name == "postgresql":
                # one plain statement (no SQLAlchemy compilation per turn: ~0.4 ms less here)
                values = ",".join(["(%s,%s,%s,%s,%s,%s)"] * len(rows))
                params = tuple(row[c] for row in rows for c in columns)
                result = connection.exec_driver_sql(
                    f"INSERT INTO {table.name} ({','.join(columns)}) VALUES {values} RETURNING id", params)
                return max(r[0] for r in result.fetchall())
            connection.execute(table.insert(), rows)
            return connection.execute(self._last_id_query, {"s": sender_id}).scalar()

    def _compacted(self, tracker: DialogueStateTracker) -> DialogueStateTracker:
        """A shorter in-memory copy once a conversation is long (see module doc)."""
        events = list(tracker.events)
        if len(events) <= self.compact_at:
            return tracker
        start = len(events) - self.keep_events
        while start < len(events) and not isinstance(events[start], UserUttered):
            start += 1
        if start >= len(events):
            return tracker
        if start > 0 and isinstance(events[start - 1], ActionExecuted):
            start -= 1  # keep the action_listen that precedes the user turn
        snapshot: List[Event] = [
            SlotSet(name, slot.value) for name, slot in tracker.slots.items() if slot.value is not None
        ]
        if tracker.active_loop_name:
            snapshot.append(ActiveLoop(tracker.active_loop_name))
        compact = DialogueStateTracker.from_events(
            tracker.sender_id, snapshot + events[start:], slots=list(tracker.slots.values()),
            sender_source=tracker.sender_source,
        )
        return compact

    # ------------------------------------------------------------------ erase
    def erase(self, sender_id: str) -> int:
        """Delete every stored event of one conversation; returns how many."""
        self._cache.pop(sender_id, None)
        return self._delete(sender_id)

    def _delete(self, sender_id: str) -> int:
        with self.session_scope() as session:
            deleted = session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete()
            session.commit()
        return int(deleted or 0)

    def stored_events(self, sender_id: str) -> int:
        with self.session_scope() as session:
            return int(session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).count())

    def erase_verified(self, sender_id: str) -> bool:
        """Erase, then verify: committed, no row left, no copy in the SQLite WAL. Never raises."""
        try:
            self._delete(sender_id)
            if self.stored_events(sender_id) != 0:
                return False
            dialect = self.engine.dialect.name
            if dialect == "sqlite":
                return self._checkpoint()
            if dialect == "postgresql":
                with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                    connection.exec_driver_sql(f"VACUUM {self.SQLEvent.__tablename__}")
            return True
        except Exception as exc:  # locked, disk full, gone: the visitor is told it failed
            logger.error("erase failed: %s", type(exc).__name__)
            return False

    def _checkpoint(self, attempts: int = 10) -> bool:
        """Copy the WAL into the database and truncate it (no deleted text left in the -wal file)."""
        for attempt in range(attempts):
            with self.engine.connect() as connection:
                busy, _, _ = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if busy == 0:
                return True
            time.sleep(0.05 * (attempt + 1))
        return False
