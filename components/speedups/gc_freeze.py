"""Keep the loaded model out of the garbage collector's way.

Rasa, its libraries and the model leave millions of long-lived objects; every
full collection walked all of them and stalled the server for 300-400 ms,
which showed up as the slowest 1% of replies. After start-up they are moved to
the permanent generation (`gc.freeze()`); new objects are collected as usual.

Patches nothing in Rasa: `install()` arms `freeze_loaded_objects()`, which the
channels call once the server has started; without it (fixes off, or another
Rasa version) that call does nothing.
"""
from __future__ import annotations

import gc

_enabled = False
_frozen = False


def install() -> None:
    global _enabled
    _enabled = True


def uninstall() -> None:
    """Disarm the freeze; objects frozen by it go back to the collector."""
    global _enabled, _frozen
    _enabled = False
    if _frozen:
        gc.unfreeze()
        _frozen = False


def freeze_loaded_objects() -> None:
    """Collect once, then leave everything loaded so far out of later collections.

    Runs once per process (both channels ask for it), and only when installed.
    Frozen objects are never freed, so a model swapped in while the server
    runs (PUT /model, only with the HTTP API on) would leave the old one in
    memory: restart the server to load a new model, which is what `make run`
    does.
    """
    global _frozen
    if not _enabled or _frozen:
        return
    gc.collect()
    gc.freeze()
    _frozen = True
