"""The lock store, chosen from the environment.

endpoints.yml names `stores.locks.EnvLockStore`. Without `LOCK_STORE_URL` it is
Rasa's in-memory lock store, exactly as before (one Rasa process: `make run`).
With `LOCK_STORE_URL=redis://host:port/db` it is `AtomicRedisLockStore`, shared
by every replica, so one visitor's messages are handled one at a time and in
the order they reached Redis, whichever replica gets them. The password comes
from `LOCK_STORE_PASSWORD` (or the URL, itself from the environment); never
from a file in the repository.

Why not Rasa's own `RedisLockStore`: it keeps each conversation's tickets in
one JSON value that every process reads, changes and writes back (GET, then
SET). Two messages of one visitor arriving at two replicas within a few
milliseconds can overwrite each other's ticket; the loser then finds no lock
and fails with LockError (the visitor gets an apology, the message is lost),
or both run at once. Measured here: it happened in the "two messages at once"
test. This store takes a ticket and checks its turn in one Lua script (atomic
in Redis), and releases with one round trip:

* `seq:<id>` a counter (INCR: ticket numbers in arrival order),
* `queue:<id>` a sorted set of the waiting and serving tickets,
* `ticket:<id>:<n>` one key per ticket that expires after the lock lifetime
  (TICKET_LOCK_LIFETIME, 20 s in the cluster), so a replica that died while
  holding or waiting for a turn blocks nobody for longer than that.

A message's turn comes when its ticket is the lowest live one; a waiting
message polls every 20 ms (and keeps its own ticket alive). If Redis is down,
taking the lock raises and the channel's safety net (channels/guard.py) answers
with the clinic's apology and phone number.
"""
from __future__ import annotations

import asyncio
import os
import time
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Optional
from urllib.parse import unquote, urlsplit

from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockError, LockStore, TicketLock

PREFIX = "assistant:lock:"
IDLE_EXPIRY_MS = 86_400_000  # a conversation's counter and queue vanish a day after its last message

# KEYS: seq, queue. ARGV: ticket key prefix, lifetime ms, idle expiry ms, ticket (0: take a new one).
# Returns {ticket, 1 if it is this ticket's turn else 0}.
_TAKE_TURN = """
local n = tonumber(ARGV[4])
if n == 0 then
  n = redis.call('INCR', KEYS[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  redis.call('ZADD', KEYS[2], n, n)
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
end
redis.call('SET', ARGV[1] .. n, '1', 'PX', ARGV[2])
while true do
  local first = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
  if first == nil then
    redis.call('ZADD', KEYS[2], n, n)
    return {n, 1}
  end
  if tonumber(first) == n then return {n, 1} end
  if redis.call('EXISTS', ARGV[1] .. first) == 1 then return {n, 0} end
  redis.call('ZREM', KEYS[2], first)
end
"""


def redis_settings(url: str) -> dict:
    """Connection arguments from a redis:// URL."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss"):
        raise ValueError("LOCK_STORE_URL must be a redis:// or rediss:// URL")
    db = parts.path.lstrip("/") or "1"
    password = unquote(parts.password) if parts.password else os.environ.get("LOCK_STORE_PASSWORD") or None
    return {
        "host": parts.hostname or "localhost",
        "port": parts.port or 6379,
        "db": int(db),
        "password": password,
        "ssl": parts.scheme == "rediss",
        "socket_timeout": float(os.environ.get("LOCK_STORE_SOCKET_TIMEOUT", "5")),
        "socket_connect_timeout": 3,
    }


class AtomicRedisLockStore(LockStore):
    """A FIFO ticket lock per conversation in Redis, taken atomically (see the module doc)."""

    def __init__(self, poll_seconds: float = 0.02, max_wait_seconds: float = 60.0, **connection: Any) -> None:
        import redis

        self.red = redis.StrictRedis(**connection)
        self._take_turn = self.red.register_script(_TAKE_TURN)
        self.poll_seconds = poll_seconds
        self.max_wait_seconds = max_wait_seconds

    def _keys(self, conversation_id: str) -> tuple:
        return (f"{PREFIX}seq:{conversation_id}", f"{PREFIX}queue:{conversation_id}",
                f"{PREFIX}ticket:{conversation_id}:")

    def take_turn(self, conversation_id: str, ticket: int = 0, lifetime: float = LOCK_LIFETIME) -> tuple:
        """(ticket, is it its turn): a new ticket when `ticket` is 0, else check (and keep alive) that one."""
        seq, queue, prefix = self._keys(conversation_id)
        n, turn = self._take_turn(keys=[seq, queue], args=[prefix, int(lifetime * 1000), IDLE_EXPIRY_MS, ticket])
        return int(n), bool(turn)

    def release(self, conversation_id: str, ticket: int) -> None:
        _, queue, prefix = self._keys(conversation_id)
        pipe = self.red.pipeline(transaction=True)
        pipe.delete(f"{prefix}{ticket}")
        pipe.zrem(queue, ticket)
        pipe.execute()

    @asynccontextmanager
    async def lock(
        self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME, wait_time_in_seconds: float = 1
    ) -> AsyncGenerator[TicketLock, None]:
        ticket, turn = self.take_turn(conversation_id, 0, lock_lifetime)
        try:
            deadline = time.monotonic() + self.max_wait_seconds
            while not turn:
                if time.monotonic() > deadline:
                    raise LockError(f"waited {self.max_wait_seconds:.0f} s for a conversation's turn")
                await asyncio.sleep(min(self.poll_seconds, wait_time_in_seconds))
                _, turn = self.take_turn(conversation_id, ticket, lock_lifetime)
            yield TicketLock(conversation_id)
        finally:
            self.release(conversation_id, ticket)

    # Rasa's LockStore interface (unused by `lock` above; kept for tools that call it)
    def get_lock(self, conversation_id: str) -> Optional[TicketLock]:
        return None

    def delete_lock(self, conversation_id: str) -> None:
        seq, queue, _ = self._keys(conversation_id)
        self.red.delete(seq, queue)

    def save_lock(self, lock: TicketLock) -> None:
        pass


class EnvLockStore(LockStore):
    """A factory: `EnvLockStore(...)` returns an AtomicRedisLockStore or an InMemoryLockStore."""

    def __new__(cls, endpoint_config: Optional[Any] = None, **_: Any) -> LockStore:  # type: ignore[misc]
        url = os.environ.get("LOCK_STORE_URL", "").strip()
        if not url:
            return InMemoryLockStore()
        return AtomicRedisLockStore(**redis_settings(url))
