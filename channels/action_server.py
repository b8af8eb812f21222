"""Start the rasa-sdk action server with log redaction (channels/redact.py).

    python -m channels.action_server --actions actions --port 5055

The same arguments as `python -m rasa_sdk`. Before anything runs, every log
record and warning of this process goes through the redaction, and each
incoming action call registers the visitor texts it carries (latest message,
earlier messages, slot values), so no visitor text reaches this server's logs
at any level, also not inside an exception's message.
"""
from __future__ import annotations

import functools
from typing import Any


def install() -> None:
    from rasa_sdk.executor import ActionExecutor

    from channels import redact

    redact.install()
    if getattr(ActionExecutor.run, "_redacting", False):
        return
    original = ActionExecutor.run

    @functools.wraps(original)
    async def run(self: Any, action_call: Any) -> Any:
        handles = redact.remember_action_call(action_call)
        try:
            return await original(self, action_call)
        finally:
            for handle in handles:
                redact.done(handle)

    run._redacting = True  # type: ignore[attr-defined]
    ActionExecutor.run = run  # type: ignore[assignment]


def main() -> None:
    install()
    from rasa_sdk.__main__ import main as sdk_main

    sdk_main()


if __name__ == "__main__":
    main()
