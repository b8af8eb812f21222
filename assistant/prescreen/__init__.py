"""Pre-screen ("Am I a candidate?") for the neuropathy program: the logic.

No Rasa or rasa_sdk import (actions/prescreen/form.py is the Rasa glue).
The spec (content/prescreen.yml) is loaded and checked by the content store
(actions/content.py); everything here takes it as an argument.

- `criteria`: which questions apply (`questions_to_ask`), what the answers add
  up to (`evaluate` -> `Outcome`), the visitor's own summary (`summary_lines`).
- `spec`: the checks of prescreen.yml (`validate_spec`), run by the content check.
- `values`: the slot contract (every slot and its values) and numeric ranges.
- `extract`: reads answers (`parse_answer`) and volunteered facts
  (`extract_facts`) from free text, with `text`, `context`, `numbers`,
  `parsers` and `facts`, and the word tables in `lexicon/` (YAML).

Nothing here decides eligibility: the clinic's team does, after the intake.
Importing this package loads nothing (no spaCy, no word tables).
"""
