"""SQL tracker store that can erase a visitor's whole conversation.

`action_forget_me` sets the `erase_conversation` slot. When the turn is saved,
this store deletes every stored event of that sender instead of writing the
turn, so nothing of the conversation remains in the database. The next
message from the same sender starts a new, empty conversation.
"""
from __future__ import annotations

import logging
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

ERASE_SLOT = "erase_conversation"


class ErasableSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` plus erasure on request."""

    def __init__(self, *args: Any, host: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("dialect", "sqlite")
        super().__init__(*args, host=host, **kwargs)

    async def save(self, tracker: DialogueStateTracker) -> None:
        if tracker.get_slot(ERASE_SLOT):
            deleted = self.erase(tracker.sender_id)
            logger.info("conversation erased on the visitor's request (%d events)", deleted)
            return
        await super().save(tracker)

    def erase(self, sender_id: str) -> int:
        """Delete every stored event of one conversation; returns how many."""
        with self.session_scope() as session:
            deleted = session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete()
            session.commit()
        return int(deleted or 0)
