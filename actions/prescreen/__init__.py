"""Pre-screen ("Am I a candidate?") for the neuropathy program.

- `form`: the Rasa glue (the form validator, the question and submit actions).
- The rules and the reading of free text live in the core package,
  `assistant/prescreen/` (criteria, spec checks, extraction and its word
  tables), with no Rasa import.

Nothing here decides eligibility: the clinic's team does, after the intake.
"""
