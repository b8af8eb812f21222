"""Erasure and retention, read back from SQLite directly."""
from __future__ import annotations

import sqlite3
import time

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from stores.erasable import ErasableSQLTrackerStore
from stores.retention import main as retention_main
from stores.retention import purge

DOMAIN = Domain.from_yaml("""
version: "3.1"
slots:
  erase_conversation:
    type: bool
    influence_conversation: false
    mappings: [{type: custom}]
""")


def count(db, sender: str) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT COUNT(*) FROM events WHERE sender_id=?", (sender,)).fetchone()[0]
    finally:
        con.close()


async def test_erase_slot_deletes_every_event_of_that_sender_only(tmp_path) -> None:
    db = tmp_path / "t.db"
    store = ErasableSQLTrackerStore(domain=DOMAIN, db=str(db))
    for sender in ("visitor-aaaa1111", "visitor-bbbb2222"):
        events = [ActionExecuted("action_listen"), UserUttered("my a1c is 9")]
        tracker = DialogueStateTracker.from_events(sender, events, slots=DOMAIN.slots)
        await store.save(tracker)
    assert count(db, "visitor-aaaa1111") > 0
    tracker = await store.retrieve("visitor-aaaa1111")
    tracker.update(SlotSet("erase_conversation", True))
    await store.save(tracker)
    assert count(db, "visitor-aaaa1111") == 0
    assert count(db, "visitor-bbbb2222") > 0
    assert await store.retrieve("visitor-aaaa1111") is None


def _db_with(tmp_path, rows):
    db = tmp_path / "r.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, timestamp REAL, "
                "intent_name TEXT, action_name TEXT, data TEXT)")
    con.executemany("INSERT INTO events (sender_id, type_name, timestamp) VALUES (?, 'user', ?)", rows)
    con.commit()
    con.close()
    return db


def test_retention_erases_whole_idle_conversations_only(tmp_path) -> None:
    now = time.time()
    db = _db_with(tmp_path, [("old", now - 40 * 86400), ("old", now - 31 * 86400),
                             ("mixed", now - 90 * 86400), ("mixed", now - 86400), ("new", now)])
    assert purge(str(db), days=30, now=now) == 1
    assert count(db, "old") == 0 and count(db, "mixed") == 2 and count(db, "new") == 1


def test_retention_boundary_and_dry_run(tmp_path) -> None:
    now = time.time()
    db = _db_with(tmp_path, [("edge", now - 30 * 86400 + 5)])
    assert purge(str(db), days=30, now=now) == 0
    db2 = _db_with(tmp_path / "..", [("gone", now - 31 * 86400)]) if False else db
    assert purge(str(db2), days=29, now=now, dry_run=True) == 1
    assert count(db2, "edge") == 1


def test_retention_rejects_non_positive_days_and_missing_db(tmp_path) -> None:
    with pytest.raises(ValueError):
        purge(str(tmp_path / "x.db"), days=0)
    assert purge(str(tmp_path / "missing.db"), days=30) == 0


def test_retention_cli_reports(tmp_path, capsys) -> None:
    db = _db_with(tmp_path, [("old", time.time() - 100 * 86400)])
    assert retention_main(["--db", str(db), "--days", "30"]) == 0
    assert "erased 1 conversation" in capsys.readouterr().out


DOMAIN_FORM = Domain.from_yaml("""
version: "3.1"
intents: [greet]
slots:
  erase_conversation: {type: bool, influence_conversation: false, mappings: [{type: custom}]}
  ps_type: {type: any, influence_conversation: false, mappings: [{type: custom}]}
forms:
  prescreen_form: {required_slots: [ps_type]}
""")


async def _turn(store, sender: str, n: int) -> DialogueStateTracker:
    tracker = await store.retrieve(sender)
    if tracker is None:
        tracker = store.init_tracker(sender)
    tracker.update(UserUttered(f"message {n}", {"name": "greet", "confidence": 1.0}))
    tracker.update(ActionExecuted("action_reply"))
    tracker.update(ActionExecuted("action_listen"))
    await store.save(tracker)
    return tracker


async def test_cached_store_writes_every_event_once_and_compacts_only_in_memory(tmp_path) -> None:
    db = tmp_path / "c.db"
    store = ErasableSQLTrackerStore(domain=DOMAIN_FORM, db=str(db), compact_at=60, keep_events=20)
    sender = "visitor-cccc3333"
    tracker = store.init_tracker(sender)
    tracker.update(SlotSet("ps_type", "diabetic"))
    from rasa.shared.core.events import ActiveLoop
    tracker.update(ActiveLoop("prescreen_form"))
    await store.save(tracker)
    for n in range(40):
        await _turn(store, sender, n)
    assert count(db, sender) == 2 + 40 * 3  # the database keeps everything
    cached = await store.retrieve(sender)
    assert len(cached.events) < 60  # the in-memory copy is short
    assert cached.get_slot("ps_type") == "diabetic" and cached.active_loop_name == "prescreen_form"
    assert cached.latest_message.text == "message 39"
    # a fresh store (e.g. after a restart) reads the full history back from the database
    fresh = ErasableSQLTrackerStore(domain=DOMAIN_FORM, db=str(db))
    full = await fresh.retrieve(sender)
    assert len(full.events) == 2 + 40 * 3 and full.get_slot("ps_type") == "diabetic"


async def test_cache_can_be_switched_off(tmp_path) -> None:
    db = tmp_path / "n.db"
    store = ErasableSQLTrackerStore(domain=DOMAIN_FORM, db=str(db), cache_size=0)
    for n in range(5):
        await _turn(store, "visitor-dddd4444", n)
    assert count(db, "visitor-dddd4444") == 15


async def test_appended_rows_are_the_rows_rasa_itself_writes(tmp_path) -> None:
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.events import BotUttered

    def rows(db) -> list:
        con = sqlite3.connect(db)
        try:
            return con.execute("SELECT sender_id, type_name, timestamp, intent_name, action_name, data "
                               "FROM events ORDER BY id").fetchall()
        finally:
            con.close()

    ours = ErasableSQLTrackerStore(domain=DOMAIN, db=str(tmp_path / "ours.db"))
    rasa = SQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "rasa.db"))
    sender = "visitor-eeee5555"
    for store in (ours, rasa):
        tracker = store.init_tracker(sender)
        for n in range(3):
            tracker.update(UserUttered(f"how many sessions {n}", {"name": "faq_sessions", "confidence": 0.9},
                                       parse_data={"intent": {"name": "faq_sessions", "confidence": 0.9}},
                                       timestamp=1000.0 + n))
            tracker.update(ActionExecuted("action_answer_faq", timestamp=1000.5 + n))
            tracker.update(BotUttered("An answer.", {"buttons": [{"title": "More", "payload": "/x"}]},
                                      timestamp=1000.6 + n))
            tracker.update(ActionExecuted("action_listen", timestamp=1000.7 + n))
            await store.save(tracker)
            tracker = await store.retrieve(sender)
    assert rows(tmp_path / "ours.db") == rows(tmp_path / "rasa.db")
    assert len(rows(tmp_path / "ours.db")) == 3 * 4


async def test_an_event_broker_gets_each_new_event_once(tmp_path) -> None:
    class Broker:
        def __init__(self) -> None:
            self.published: list = []

        def publish(self, event: dict) -> None:
            self.published.append(event)

    store = ErasableSQLTrackerStore(domain=DOMAIN, db=str(tmp_path / "b.db"))
    store.event_broker = Broker()
    sender = "visitor-ffff6666"
    for n in range(3):
        await _turn(store, sender, n)
    published = store.event_broker.published
    assert [e["event"] for e in published] == ["user", "action", "action"] * 3
    assert all(e["sender_id"] == sender for e in published)
    assert [e["text"] for e in published if e["event"] == "user"] == ["message 0", "message 1", "message 2"]


# ---- issue 12: erasure that tells the truth, private files -----------------------------------
import os  # noqa: E402
import stat  # noqa: E402
import uuid  # noqa: E402

from stores.erasable import take_erase_result  # noqa: E402


def _files_containing(folder, needle: bytes) -> list:
    return [p.name for p in folder.iterdir() if p.is_file() and needle in p.read_bytes()]


async def _conversation(store, sender: str, text: str) -> None:
    tracker = DialogueStateTracker.from_events(sender, [ActionExecuted("action_listen"), UserUttered(text)],
                                               slots=DOMAIN.slots)
    await store.save(tracker)


async def _request_erase(store, sender: str) -> None:
    tracker = await store.retrieve(sender)
    tracker.update(SlotSet("erase_conversation", True))
    await store.save(tracker)


async def test_erase_leaves_no_text_in_any_file_and_is_reported(tmp_path) -> None:
    db = tmp_path / "var" / "t.db"
    store = ErasableSQLTrackerStore(domain=DOMAIN, db=str(db))
    canary = "canary" + uuid.uuid4().hex
    await _conversation(store, "visitor-erase", f"my a1c is 9.9 {canary} " * 20)
    await _conversation(store, "visitor-keep", "what is neuropathy")
    assert _files_containing(db.parent, canary.encode())  # it is stored (WAL or database)
    await _request_erase(store, "visitor-erase")
    assert take_erase_result("visitor-erase") is True
    assert take_erase_result("visitor-erase") is None  # read once
    assert count(db, "visitor-erase") == 0 and count(db, "visitor-keep") > 0
    # secure_delete overwrote the rows; the WAL was checkpointed and truncated
    assert _files_containing(db.parent, canary.encode()) == []
    wal = db.parent / "t.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0


async def test_erase_with_a_locked_database_reports_failure_and_keeps_the_state(tmp_path) -> None:
    db = tmp_path / "t.db"
    store = ErasableSQLTrackerStore(domain=DOMAIN, db=str(db))
    await _conversation(store, "visitor-locked", "my a1c is 9.9")
    before = count(db, "visitor-locked")
    blocker = sqlite3.connect(db, timeout=0.1, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")  # another writer holds the lock
    try:
        started = time.monotonic()
        await _request_erase(store, "visitor-locked")
        assert time.monotonic() - started < 15
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert take_erase_result("visitor-locked") is False
    assert count(db, "visitor-locked") == before  # nothing half-done, nothing claimed
    tracker = await store.retrieve("visitor-locked")  # the stored state, without the erase request
    assert tracker is not None and not tracker.get_slot("erase_conversation")


async def test_erase_does_not_block_the_event_loop(tmp_path) -> None:
    """A locked database must not stall other visitors: the erase runs in a worker thread."""
    import asyncio

    db = tmp_path / "t.db"
    store = ErasableSQLTrackerStore(domain=DOMAIN, db=str(db))
    await _conversation(store, "visitor-slow", "hello")
    blocker = sqlite3.connect(db, timeout=0.1, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.05)
            ticks += 1

    task = asyncio.create_task(ticker())
    try:
        await _request_erase(store, "visitor-slow")
    finally:
        task.cancel()
        blocker.execute("ROLLBACK")
        blocker.close()
    assert ticks >= 10


def test_database_and_folder_are_private(tmp_path) -> None:
    db = tmp_path / "new" / "t.db"
    ErasableSQLTrackerStore(domain=DOMAIN, db=str(db))
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(db.parent).st_mode) == 0o700
    loose = tmp_path / "loose.db"
    loose.write_bytes(b"")
    os.chmod(loose, 0o644)
    ErasableSQLTrackerStore(domain=DOMAIN, db=str(loose))
    assert stat.S_IMODE(os.stat(loose).st_mode) == 0o600


def test_secure_delete_is_on(tmp_path) -> None:
    store = ErasableSQLTrackerStore(domain=DOMAIN, db=str(tmp_path / "t.db"))
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA secure_delete").fetchone()[0] == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_retention_leaves_no_text_in_the_files(tmp_path) -> None:
    db = tmp_path / "t.db"
    store = ErasableSQLTrackerStore(domain=DOMAIN, db=str(db))
    canary = "canary" + uuid.uuid4().hex
    await _conversation(store, "visitor-old", f"my a1c is 9.9 {canary}")
    store.engine.dispose()
    assert purge(str(db), days=30, now=time.time() + 40 * 86400) == 1
    assert _files_containing(tmp_path, canary.encode()) == []


# ---- issue 15: several replicas (validated cache), stores chosen from the environment ----------
async def test_validated_cache_never_serves_a_copy_another_replica_changed(tmp_path, monkeypatch) -> None:
    """Two stores on one database stand for two replicas: each sees what the other wrote."""
    monkeypatch.setenv("TRACKER_CACHE", "validate")
    db = str(tmp_path / "shared.db")
    one = ErasableSQLTrackerStore(domain=DOMAIN_FORM, db=db)
    two = ErasableSQLTrackerStore(domain=DOMAIN_FORM, db=db)
    assert one.cache_mode == two.cache_mode == "validate"
    sender = "visitor-abab1212"
    await _turn(one, sender, 0)
    await _turn(one, sender, 1)
    await _turn(two, sender, 2)  # the second replica reads the first one's turns, then adds one
    await _turn(one, sender, 3)  # the first replica's cached copy is old: it must read again
    tracker = await two.retrieve(sender)
    assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == [f"message {n}" for n in range(4)]
    assert count(db, sender) == 4 * 3  # every event written once
    # an erase (or a retention run) elsewhere: the other replica's copy is not served either
    assert two.erase(sender) == 12
    assert await one.retrieve(sender) is None


async def test_validated_cache_reads_only_the_newest_id_when_nothing_changed(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TRACKER_CACHE", "validate")
    store = ErasableSQLTrackerStore(domain=DOMAIN_FORM, db=str(tmp_path / "v.db"))
    sender = "visitor-cdcd3434"
    await _turn(store, sender, 0)
    first = await store.retrieve(sender)
    second = await store.retrieve(sender)
    assert first is second  # the cached object: no replay from the database


def test_cache_mode_from_the_environment(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("TRACKER_CACHE", raising=False)
    assert ErasableSQLTrackerStore(domain=DOMAIN, db=str(tmp_path / "a.db")).cache_mode == "on"  # make run
    monkeypatch.setenv("TRACKER_CACHE", "off")
    store = ErasableSQLTrackerStore(domain=DOMAIN, db=str(tmp_path / "b.db"))
    assert store.cache_mode == "off" and store.cache_size == 0
    monkeypatch.setenv("TRACKER_CACHE", "sometimes")
    with pytest.raises(ValueError):
        ErasableSQLTrackerStore(domain=DOMAIN, db=str(tmp_path / "c.db"))


def test_postgres_settings_from_the_url(monkeypatch) -> None:
    from stores.erasable import postgres_settings

    monkeypatch.setenv("TRACKER_STORE_PASSWORD", "s3cret")
    settings = postgres_settings("postgresql://rasa@db.internal:5433/rasa")
    assert settings["dialect"] == "postgresql" and settings["db"] == "rasa"
    assert settings["host"] == "postgresql+psycopg2://rasa:s3cret@db.internal:5433/rasa"
    with pytest.raises(ValueError):
        postgres_settings("mysql://rasa@db/rasa")


def test_lock_store_from_the_environment(monkeypatch) -> None:
    from rasa.core.lock_store import InMemoryLockStore, LockStore
    from rasa.utils.endpoints import EndpointConfig

    from stores.locks import AtomicRedisLockStore, redis_settings

    config = EndpointConfig(type="stores.locks.EnvLockStore")
    monkeypatch.delenv("LOCK_STORE_URL", raising=False)
    assert isinstance(LockStore.create(config), InMemoryLockStore)  # make run: as before
    monkeypatch.setenv("LOCK_STORE_URL", "redis://127.0.0.1:6390/2")
    monkeypatch.setenv("LOCK_STORE_PASSWORD", "pw")
    store = LockStore.create(config)
    assert isinstance(store, AtomicRedisLockStore)  # no connection is made before the first message
    kwargs = store.red.connection_pool.connection_kwargs
    assert (kwargs["host"], kwargs["port"], kwargs["db"], kwargs["password"]) == ("127.0.0.1", 6390, 2, "pw")
    assert redis_settings("rediss://:p%40ss@h:1/0")["password"] == "p@ss"
    with pytest.raises(ValueError):
        redis_settings("http://h:1/0")


@pytest.fixture
def redis_url(tmp_path):
    """A throw-away redis-server on a free loopback port (skipped when Redis is not installed)."""
    import shutil
    import socket
    import subprocess

    exe = shutil.which("redis-server")
    if not exe:
        pytest.skip("redis-server is not installed (make cluster installs it)")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert time.monotonic() < deadline and proc.poll() is None, "redis-server did not start"
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/1"
    finally:
        proc.terminate()
        proc.wait(10)


async def test_redis_lock_serves_one_message_at_a_time_in_arrival_order(redis_url) -> None:
    """Two replicas (two lock stores), messages of one visitor arriving together: one at a time, FIFO."""
    import asyncio

    from stores.locks import AtomicRedisLockStore, redis_settings

    one, two = (AtomicRedisLockStore(**redis_settings(redis_url)) for _ in range(2))
    log: list = []

    async def handle(store, name: str, delay: float) -> None:
        await asyncio.sleep(delay)
        async with store.lock("visitor-lock0001"):
            log.append(("start", name))
            await asyncio.sleep(0.05)
            log.append(("end", name))

    await asyncio.gather(*(handle(store, f"m{i}", i * 0.005) for i, store in enumerate([one, two, one, two, one])))
    assert log == [(edge, f"m{i}") for i in range(5) for edge in ("start", "end")]


async def test_redis_lock_of_a_dead_replica_expires(redis_url) -> None:
    from stores.locks import AtomicRedisLockStore, redis_settings

    dead, alive = (AtomicRedisLockStore(**redis_settings(redis_url)) for _ in range(2))
    _, turn = dead.take_turn("visitor-lock0002", 0, lifetime=0.3)  # taken, never released: a crash
    assert turn
    t0 = time.monotonic()
    async with alive.lock("visitor-lock0002", lock_lifetime=5):
        waited = time.monotonic() - t0
    assert 0.2 < waited < 2
    assert alive.take_turn("visitor-lock0002")[1]  # and the queue is usable afterwards


def test_endpoints_keep_sqlite_and_the_in_memory_lock_without_the_variables() -> None:
    from pathlib import Path

    import yaml

    endpoints = yaml.safe_load((Path(__file__).resolve().parents[2] / "endpoints.yml").read_text())
    assert endpoints["tracker_store"]["type"] == "stores.erasable.ErasableSQLTrackerStore"
    assert endpoints["tracker_store"]["dialect"] == "sqlite"
    assert endpoints["lock_store"]["type"] == "stores.locks.EnvLockStore"
