"""Staff-editable content (`content/*.yml`): the checked snapshot and its check.

No Rasa or rasa_sdk import: both servers read content through this package.

- ``store``: `Content` (one checked snapshot of every content file: FAQ
  answers, messages, pre-screen rules, safety patterns via
  `Content.safety_detector`), `ContentStore` (swaps in a changed folder only
  when the whole check passes; the last good snapshot keeps serving) and the
  process-wide `get_content()`.
- ``placeholders``: clinic fields and the {placeholders} that fill them.
- ``check/``: `validate_dir(content_dir, data_dir) -> Report` (`make check`,
  scripts/preview.py and every live reload of the store).

Importing this package reads nothing and imports nothing heavy.
"""

from assistant.content.store import Content, ContentStore, get_content

__all__ = ["Content", "ContentStore", "get_content"]
