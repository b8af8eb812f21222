"""Pre-screen ("Am I a candidate?") for the neuropathy program.

- `criteria`: pure rules read from content/prescreen.yml: which questions
  apply (`questions_to_ask`), what the answers add up to (`evaluate`), the
  visitor's own summary (`summary_lines`) and the file's checks (`validate_spec`).
- `extract`: reads answers and volunteered facts from free text (spaCy blank
  English + medspaCy rules; built on first use).
- `form`: the Rasa glue.

Nothing here decides eligibility: the clinic's team does, after the intake.
"""
