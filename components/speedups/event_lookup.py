"""Look up event classes by name in a dict.

Rasa walks every subclass of Event for each stored event it deserialises
(`Event.resolve_by_type`), which made loading a conversation from the tracker
store grow to tens of milliseconds. The lookup gives the same class; unknown
names (and Rasa's default for them, or its error) still go through Rasa's own
code.

Replaces: `Event.resolve_by_type`.
"""
from __future__ import annotations

from typing import Any, Dict, Text

from components.speedups._patching import Patches

_patches = Patches()


def install() -> None:
    if _patches.active:
        return
    from rasa.shared.core.events import Event

    original = Event.resolve_by_type
    by_name: Dict[Text, Any] = {}

    def resolve_by_type(type_name: Text, default: Any = None) -> Any:
        cls = by_name.get(type_name)
        if cls is not None:
            return cls
        cls = original(type_name, default)  # unknown names: Rasa's own default or error
        if cls is not None and getattr(cls, "type_name", None) == type_name:
            by_name[type_name] = cls
        return cls

    _patches.replace(Event, "resolve_by_type", staticmethod(resolve_by_type))


def uninstall() -> None:
    _patches.restore()
