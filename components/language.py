"""A small, deterministic 'is this English?' check for chat messages.

No model download is possible here, so this counts function words and
scripts: enough to notice a question typed in Spanish, French, German,
Portuguese, Italian or a non-Latin script, and reply kindly that only
English is supported. Short or mixed messages are treated as English.
"""
from __future__ import annotations

import re
import unicodedata

ENGLISH = set(
    """a about after all am an and any are as at be been but by can could did do does don't
    for from had has have he her his how i i'm if in is it it's its just like me my no not of
    on or our she so some than that the their them then there they this to too up was we
    what when where which who why will with would you your yes please thanks thank hi hello""".split()
)
FOREIGN = set(
    """el la los las un una unos es son está estoy tengo tiene qué que cómo como cuánto cuándo por
    para con sin pero muy mi mis su sus yo usted ustedes puedo puede hola gracias dolor pies
    neuropatía tratamiento células madre cuesta quiero necesito ayuda
    le les des une est sont je tu vous nous avec pour mais très mon ma mes bonjour merci combien
    comment pourquoi traitement cellules souches douleur
    der die das ein eine ist sind ich du sie wir mit für aber sehr mein meine hallo danke wie
    wieviel warum behandlung stammzellen schmerzen nicht und
    o os uma é são eu você com mas muito meu minha olá obrigado quanto tratamento células tronco
    il lo gli della sono io con per ma molto mio ciao grazie quanto trattamento cellule staminali""".split()
)
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)


def _script(ch: str) -> str:
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return "other"
    return "latin" if name.startswith("LATIN") else name.split(" ")[0]


def is_probably_not_english(text: str) -> bool:
    """True when the message is most likely written in another language."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 2:
        return False
    non_latin = sum(1 for c in letters if _script(c) != "latin")
    if non_latin / len(letters) > 0.5:
        return True
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < 2:
        return False
    english = sum(1 for w in words if w in ENGLISH)
    foreign = sum(1 for w in words if w in FOREIGN and w not in ENGLISH)
    accented = any(c in "ñ¿¡ãõçœßäöüàèìòùáéíóú" for c in text.lower())
    return (foreign >= 2 and foreign > english) or (accented and foreign >= 1 and english == 0)
