"""Measured fixes for Rasa 3.6.21 hot paths on these 2-core machines.

One module per fix, each with `install()` and `uninstall()` (which puts back
exactly the objects Rasa had); each module's docstring says what it fixes
and what was measured:

* `response_schema`: action-server responses validated by a schema compiled once.
* `event_lookup`: event classes looked up by name in a dict.
* `keepalive`: one keep-alive connection to the action server (only that endpoint).
* `graph_runner`: the prediction graph run in a fixed order without dask.
* `gc_freeze`: objects loaded at start-up frozen out of the garbage collector.
* `rule_states`: RulePolicy builds the conversation's states once per prediction, not twice.

Importing this package patches nothing. The Rasa server's channels call
`install_all()` before the server starts (channels/guard.py), so `rasa train`,
tools and tests run Rasa's own code unless they install the fixes themselves.
The fixes replace Rasa internals, so they are installed only on the Rasa
version they were written and tested for (`SUPPORTED_RASA`); on any other
version a warning is logged and Rasa's own code runs. `RASA_SPEEDUPS=off`
(or `0`, `false`) turns them all off. See README, Benchmarks, for the numbers
before and after.
"""
from __future__ import annotations

import logging
import os
from typing import List, Optional

from components.speedups import event_lookup, gc_freeze, graph_runner, keepalive, response_schema, rule_states

logger = logging.getLogger(__name__)

SUPPORTED_RASA = "3.6.21"
SWITCH = "RASA_SPEEDUPS"
_OFF_VALUES = {"off", "0", "false"}

FIXES = (
    ("response_schema", response_schema),
    ("event_lookup", event_lookup),
    ("keepalive", keepalive),
    ("graph_runner", graph_runner),
    ("gc_freeze", gc_freeze),
    ("rule_states", rule_states),
)

_active: List[str] = []
_last_report: Optional[str] = None  # both channels call install_all(): say each thing once


def _report(level: int, message: str) -> None:
    global _last_report
    if message != _last_report:
        logger.log(level, message)
        _last_report = message


def active() -> List[str]:
    """Names of the fixes installed now."""
    return list(_active)


def install_all() -> List[str]:
    """Install every fix on the supported Rasa version unless switched off; return their names.

    Idempotent: a second call changes nothing and returns the same names.
    """
    setting = os.environ.get(SWITCH, "").strip()
    if setting.lower() in _OFF_VALUES:
        if _active:
            uninstall_all()
        _report(logging.INFO, f"Rasa speed fixes are off ({SWITCH}={setting}); Rasa's own code runs.")
        return []

    import rasa

    version = getattr(rasa, "__version__", None)
    if version != SUPPORTED_RASA:
        if _active:
            uninstall_all()
        _report(
            logging.WARNING,
            f"Rasa speed fixes skipped: they replace internals of Rasa {SUPPORTED_RASA} and this is "
            f"Rasa {version}; Rasa's own code runs. Check components/speedups against this version "
            f"(tests/unit/test_speedups.py, make bench) before changing SUPPORTED_RASA.",
        )
        return []

    if not _active:
        for name, module in FIXES:
            try:
                module.install()
            except Exception:  # one fix that cannot be installed must not stop the server
                module.uninstall()
                logger.warning("Rasa speed fix %s not installed; Rasa's own code runs for it.", name, exc_info=True)
                continue
            _active.append(name)
        _report(logging.INFO, "Rasa speed fixes active: " + (", ".join(_active) or "none"))
    return list(_active)


def uninstall_all() -> None:
    """Undo every fix: Rasa's own attributes are back, the collector freeze is undone."""
    global _last_report
    for _, module in reversed(FIXES):
        module.uninstall()
    _active.clear()
    _last_report = None
