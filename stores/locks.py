"""The lock store, chosen from the environment.

endpoints.yml names `stores.locks.EnvLockStore`. Without `LOCK_STORE_URL` it is
Rasa's in-memory lock store, exactly as before (one Rasa process: `make run`).
With `LOCK_STORE_URL=redis://[:password@]host:port/db` it is Rasa's
`RedisLockStore`, shared by every replica, so one visitor's messages are
handled one at a time and in the order they arrived, whichever replica gets
them. The password may also come from `LOCK_STORE_PASSWORD`; never from a file
in the repository.

A ticket held by a replica that died expires after TICKET_LOCK_LIFETIME
seconds (Rasa's variable; the cluster sets 20 s instead of Rasa's 60).
If Redis is down, taking the lock raises and the channel's safety net
(channels/guard.py) answers with the clinic's apology and phone number.
"""
from __future__ import annotations

import os
from typing import Any, Optional
from urllib.parse import unquote, urlsplit

from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore


def redis_settings(url: str) -> dict:
    """RedisLockStore arguments from a redis:// URL."""
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
        "use_ssl": parts.scheme == "rediss",
        "key_prefix": os.environ.get("LOCK_STORE_PREFIX") or None,
        "socket_timeout": float(os.environ.get("LOCK_STORE_SOCKET_TIMEOUT", "5")),
    }


class EnvLockStore(LockStore):
    """A factory: `EnvLockStore(...)` returns a RedisLockStore or an InMemoryLockStore."""

    def __new__(cls, endpoint_config: Optional[Any] = None, **_: Any) -> LockStore:  # type: ignore[misc]
        url = os.environ.get("LOCK_STORE_URL", "").strip()
        if not url:
            return InMemoryLockStore()
        return RedisLockStore(**redis_settings(url))
