"""Replace Rasa attributes and put exactly the same objects back (used by every fix)."""
from __future__ import annotations

from typing import Any, List, Tuple

_MISSING = object()


class Patches:
    """The Rasa attributes one fix replaced, with the objects they held before."""

    def __init__(self) -> None:
        self._saved: List[Tuple[Any, str, Any]] = []

    @property
    def active(self) -> bool:
        return bool(self._saved)

    def replace(self, owner: Any, name: str, value: Any) -> None:
        # the entry in the class's own __dict__ (a staticmethod stays a staticmethod),
        # or a marker if it was inherited, so restore() can delete ours again
        self._saved.append((owner, name, vars(owner).get(name, _MISSING)))
        setattr(owner, name, value)

    def restore(self) -> None:
        while self._saved:
            owner, name, value = self._saved.pop()
            if value is _MISSING:
                delattr(owner, name)
            else:
                setattr(owner, name, value)
