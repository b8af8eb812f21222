"""The assistant's own logic, with no Rasa import.

Both servers (Rasa and the rasa-sdk action server) import this package;
nothing in it imports them. Modules:

- ``clauses``: split a visitor message into sentences and clauses.
- ``textmodel``: a small n-gram linear classifier (trained with scikit-learn,
  stored as plain numpy arrays, no pickle) shared by the two models below.
- ``risk``: the learned crisis / emergency risk model and the layered safety
  decision (patterns as a floor, the model for new wording, a check-in band).
- ``intents``: the intent classifier, run on the whole message and on each
  clause, so a long message is read clause by clause.
- ``safety/``: the safety patterns of content/safety.yml: checks (like code:
  against data/safety/ corpora), compiling and matching.
- ``prescreen/``: the pre-screen's rules (criteria, spec checks) and the
  reading of free-text answers (spaCy + medspaCy, word tables as data files).
"""
