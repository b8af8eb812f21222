"""How the sample pre-screen driver (shared/eval/run_dialogs.py with
sample_personas.yml) reads the assistant: it matches these regexes in order
against the bot's last message (button titles and payloads included) to decide
which question it is answering, then presses the first button whose title
matches the answer's `button` regex, or types `text`."""

QUESTIONS = [
    ("consent", r"(okay|ok|agree|consent|continue|proceed|ready|shall we|would you like to (start|begin|continue|"
                r"go ahead)|is that (ok|alright|fine))"),
    ("chemo", r"chemo"), ("infection", r"infection"), ("cancer", r"cancer|malignan|tumou?r"),
    ("a1c", r"a1c|hba1c|blood sugar|glucose|glyc"), ("plan", r"plan|manag"),
    ("compress", r"compress|decompress|carpal|pinched|structural|entrap|surgery"),
    ("diagnosis", r"diagnos|nerve conduction|\bncs\b|\bemg\b|biopsy|confirm"), ("diabetes", r"diabet"),
    ("type", r"type|kind|cause|caused|which of"),
    ("duration", r"how long|how many years|years|when did|duration|since when"),
]

# The answers of a patient who says nothing special (the driver's defaults).
DEFAULTS = {
    "consent": {"text": "yes", "button": r"^(yes|ok|okay|start|continue|agree|i agree|sure|let.s (go|start|begin))"},
    "diagnosis": {"text": "yes, my EMG showed it", "button": r"^yes"},
    "infection": {"text": "no", "button": r"^no"},
    "cancer": {"text": "no", "button": r"^no"},
    "compress": {"text": "no", "button": r"^no"},
    "chemo": {"text": "no", "button": r"^(no|never|not)"},
    "plan": {"text": "yes", "button": r"^yes"},
    "a1c": {"text": "6.8", "button": r"(below|under|less than|<)\s*(10|ten)|controlled|^no"},
    "diabetes": {"text": "no", "button": r"^no"},
    "duration": {"text": "2 years", "button": r"(1\s*(–|-|to)\s*7|2|less than 7|under 7)"},
    "type": {"text": "chemotherapy-induced", "button": r"chemo|cipn"},
}

# Which driver question each pre-screen slot must be recognised as.
KEY_OF_SLOT = {"ps_consent": "consent", "ps_type": "type", "ps_diagnosis": "diagnosis", "ps_duration": "duration",
               "ps_chemo_active": "chemo", "ps_infection": "infection", "ps_cancer": "cancer",
               "ps_diabetes": "diabetes", "ps_a1c": "a1c", "ps_a1c_plan": "plan", "ps_compressive": "compress"}
