"""Custom actions of the clinic assistant (rasa-sdk action server).

When the action server starts (ACTIONS_WARMUP=1, set by scripts/servers.py)
the content and the pre-screen's spaCy pipeline are built in a background
thread, so the first visitor does not wait ~5 s for them. Importing this
package elsewhere (tests, tools) does no such work.
"""
import logging
import os
import threading


def _warm_up() -> None:
    try:
        from assistant.content import get_content
        from assistant.prescreen import extract

        get_content()
        extract.get_nlp()
    except Exception as exc:  # warm-up is an optimisation; the real call reports problems
        logging.getLogger(__name__).warning("warm-up skipped: %s", type(exc).__name__)


if os.environ.get("ACTIONS_WARMUP") == "1":
    threading.Thread(target=_warm_up, name="actions-warm-up", daemon=True).start()
