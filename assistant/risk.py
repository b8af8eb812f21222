"""The layered safety decision: patterns as a floor, a learned risk model, a check-in band.

Every message is judged as a whole and clause by clause (``assistant.clauses``),
so a crisis sentence is never outvoted by the question beside it.

Layers, first match wins, crisis before emergency:

1. **Patterns** (content/safety.yml, ``SafetyDetector``): precise and tested;
   they keep working whatever the model says.
2. **Risk model** (``RiskModel``): a classifier trained apart from the FAQ
   intents on ``data/risk/*.yml`` (crisis / emergency / none, with many hard
   negatives), for wording nobody listed. Above ``crisis_threshold`` it is a
   crisis; above ``emergency_threshold`` an emergency.
   An emergency with a crisis signal above ``crisis_with_emergency`` beside
   it is answered as a crisis: the crisis reply gives 911 too.
   A crisis told as history that is over, with nothing saying it is back,
   gets the check-in instead (``told_as_resolved_past``), and so does one that
   names suicide or self-harm as a topic (a leaflet's warning, a hotline:
   ``told_as_mention``). An emergency told as a past event that ended well
   ("fainted once in my 30s, never since") raises no alarm (``emergency_is_over``);
   anything saying it is happening now keeps every alarm. When only the model
   (no crisis pattern) hears a crisis in a message that a pain-idiom pattern
   reads as a figure of speech, the idiom path answers.
3. **Check-in band**: a real but uncertain crisis signal (``checkin_threshold``
   up to ``crisis_threshold``), or a pain idiom from the patterns ("my feet are
   killing me"), gets a short, warm, direct question that also gives 988.

Thresholds are chosen for recall on the dev sets and their false alarms are
measured (README, "How well it understands"). Nothing here logs text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant import yamlload
from assistant.clauses import parts, split_clauses
from assistant.normalise import normalise
from assistant.textmodel import TextModel, train

RISK_LABELS = ("crisis", "emergency", "none")

#: Chosen on the dev sets (tests/realistic/*_dev.yml) for recall, with false alarms measured.
DEFAULT_THRESHOLDS: dict[str, float] = {
    "crisis": 0.75,
    "checkin": 0.4,
    "emergency": 0.6,
    # an emergency with a real crisis signal beside it ("swallowed some bleach, I just wanted the
    # pain to stop") gets the crisis reply, which gives 911 as well as 988
    "crisis_with_emergency": 0.35,
    # a figure of speech ("worried to death") read as a crisis by the model alone keeps the crisis
    # reply only when the model is this sure
    "crisis_over_idiom": 0.9,
    # a request to change a medicine ("can I stop my gabapentin now that I feel better?") shares words
    # with stopping medicine to die: below this crisis score the medical-advice reply answers it
    "advice_over_checkin": 0.6,
}


#: Medical-advice categories that answer a request to change a medicine or dose when the model's crisis signal
#: is weak (under ``advice_over_checkin``); any other request ("what should I do?") still gets the check-in.
ADVICE_OVER_CHECKIN = frozenset({"medication", "dosage"})

#: Crisis pattern categories (content/safety.yml) that say distress but not a wish to die ("I can't take
#: this anymore", "I'm a burden"). They come last in the file, so a message matching one of them matched no
#: other crisis category; alone, with the model not sure of a crisis, they get the check-in.
CHECKIN_CATEGORIES = frozenset({"distress"})


# A crisis told as history that is over ("years ago I thought about ending my life, I got help and
# I'm doing fine now") gets the check-in, which still gives 988, instead of the crisis reply, but
# only when nothing in the message says it is happening now or again.
_PAST = re.compile(
    r"\b(?:(?:\d+|a few|few|many|several|two|three|four|five|six|seven|eight|nine|ten|twenty) (?:years|yrs|yr) ago|"
    r"years ago|decades ago|a long time ago|long ago|years back|(?:a )?(?:few|couple of|couple) years back|"
    r"back in (?:19|20)\d\d|back in the day|in (?:19|20)\d\d|"
    r"when i was (?:a |in |young|younger|\d+)|at (?:age )?\d\d\b|a los \d+|past suicidal|history of|"
    r"havent had (?:those|these|any) thoughts|no recurrence|as a (?:teen|teenager|kid|child|"
    r"young)|in my (?:teens|twenties|thirties|forties|20s|30s|40s|50s)|"
    r"during (?:my |the |a )?(?:chemo|divorce|treatment|deployment|pregnancy)|at one point|once in my life|last year|"
    r"used to (?:say|feel|think|talk|tell)|that was before|"
    r"(?:two|three|four|five|a few|few|several|\d+) (?:winters|summers|springs|falls|christmases) ago|"
    r"went through a (?:time|period|stretch|patch|spell|season|dark \w+|bad \w+|rough \w+|hard \w+)|"
    r"en (?:la|su|mi) adolescencia|de adolescente|"
    r"hace (?:como |casi |mas de |unos |unas )?(?:\d+|unos|unas|varios|varias|muchos|muchas|dos|tres|cuatro|cinco|seis|"
    r"siete|ocho|nueve|diez|once|doce|quince|veinte|treinta) (?:anos|decadas)|hace anos|hace mucho|el ano pasado|"
    r"en mi juventud|de joven|cuando (?:era|tenia|estaba) (?:joven|nin[oa]|adolescente|"
    r"chic[oa]|\d+)|durante (?:la|mi) (?:quimio|quimioterapia|divorcio|tratamiento))\b"
)
_RESOLVED = re.compile(
    r"\b(?:got help|get help|gotten help|no recurrence|(?:treated|managed) successfully|successfully treated|"
    r"got (?:treatment|treated)|(?:fully|completely) recovered|recovered (?:fully|completely)|"
    r"(?:been )?well ever since|"
    r"(?:had|got|went to|in|did|through) therapy|therapist|counsel+ing|counselor|"
    r"havent had (?:those|these|any) thoughts|"
    r"psychiatrist|worked through|"
    r"(?:im|i am) (?:fine|ok|okay|good|well|stable|happy|safe|in a (?:good|better) place)|"
    r"(?:im|i am|been) (?:doing|feeling) (?:fine|ok|okay|good|"
    r"well|better|great)|doing (?:fine|well|good) now|been well|"
    r"in a (?:good|better) place|none since|not since|nothing since|no longer|behind me|long past|"
    r"(?:genuinely|really) (?:good|fine|okay|ok)|i used to|used to (?:self ?harm|cut|hurt)|"
    r"(?:recibi|busque|tuve|consegui|buscamos|recibio) ayuda|terapia|psicolog[oa]|"
    r"psiquiatra|consejer[oa]|(?:ya )?(?:estoy|esta|estamos) (?:bien|mejor|feliz|contenta?|"
    r"estable)|(?:is|shes|hes|she is|he is) (?:happy|doing (?:great|well|fine)|thriving)|"
    r"me siento bien|(?:hoy )?tengo paz|doing (?:much |a lot |so |way )better|"
    r"ya no (?:tengo|pienso) (?:esos|en eso)|no longer have (?:those|these) thoughts|"
    r"ya (?:lo )?supere|ya paso|nunca mas|"
    r"desde entonces (?:nada|bien|estoy bien)|me recupere|se recupero|en tratamiento|"
    r"(?:its|it is|its been|pain is) (?:\w+ )?manageable|manageable now|"
    r"antes (?:pensaba|queria|sentia|creia)|me salvaron|(?:tengo|llevo) una (?:vida|buena vida)|"
    r"vida (?:buena|tranquila|feliz)|(?:hoy |ahora )?es (?:un hombre|una mujer|una persona|muy) feliz|"
    r"(?:hoy|ahora) es feliz)\b"
)
_NOW_AGAIN = re.compile(
    r"\b(?:again|lately|these days|recently|right now|tonight|this week|this month|anymore|any more|"
    r"starting to|started to|coming back|come back|came back|its back|back again|creeping|"
    r"feel(?:ing)? (?:that way|like that)|now i (?:want|feel|think|am thinking|keep)|"
    r"(?:want|wanna|going|plan|planning) to (?:die|end|kill)|(?:been|am|im) having|"
    r"(?:have|ive|i have|has|hes|shes) been (?:having|thinking|"
    r"feeling|planning|wanting|saving|cutting|hurting|talking)|"
    r"last (?:week|night|month)|yesterday|(?:for|over) (?:the past|the last) (?:few |couple of )?(?:days|weeks|months)|"
    r"(?:a|my) plan|still (?:think|thinking)(?! about (?:him|her|them|it))|still (?:feel|feeling|have|want)|"
    r"otra vez|de nuevo|ultimamente|estos dias|ahora mismo|ahora (?:quiero|pienso|siento) (?:morir|matarme|"
    r"quitarme|hacerme|que)|esta (?:semana|noche)|anoche|"
    r"(?:volvi|volvio) a (?:pensar|sentir|querer|intentar|cortar\w*|lastimar\w*|tomar (?:pastillas|de mas))|han vuelto|"
    r"sigo (?:pensando|queriendo|sintiendo)|(?:quiero|voy a|pienso) (?:morir|"
    r"matarme|quitarme)|tengo un plan|he estado (?:pensando|sintiendo|queriendo))\b"
)


# Suicide or self-harm named as a topic, not as the writer's state: a leaflet's warning, a
# hotline someone volunteers at. Also answered with the check-in (988 and a direct question).
_MENTION = re.compile(
    r"\b(?:side effects?|leaflet|label|warning|warns|package insert|insert|info sheet|sheet|pamphlet|"
    r"lists|listed|hotline|prevention|volunteers?|awareness|training|lecture|article|documentary|podcast|"
    r"novel|a (?:book|story|screenplay|play) (?:where|about)|(?:a|my|the) character|paper (?:on|about)|thesis|"
    r"(?:writing|write|wrote) (?:a|an|my) (?:paper|novel|book|story|essay|report|article)|medical student|"
    r"(?:nursing|psychology|social work|grad|graduate|college) student|statistics|stats|studies|"
    r"(?:web ?)?sites|risk assessment|screen(?:s|ing)? for|resource list|asking professionally|"
    r"(?:im|i am) an? (?:\w+ )?(?:counselor|therapist|social worker|psychologist|chaplain|researcher)|"
    r"movie|film|tv show|pelicula|personaje|novela|serie|documental|riesgo suicida|evaluaciones? de riesgo|"
    r"prevencion|platicas?|charlas?|taller|riesgo de suicidio|para un trabajo|escuela de|tarea|grupo de apoyo|"
    r"noticias|news|on tv|en la tele|universidad|estadisticas|police officer|cop|on the job|firefighter|speaker|"
    r"nypd|lapd|homicide|detective|worked (?:patrol|the er|ems|hospice|a (?:beat|crisis line))|"
    r"(?:im|i am) an? (?:\w+ )?(?:nurse|aide|paramedic|emt|physician|psychiatrist|chaplain)|"
    r"psych (?:unit|ward|floor|nurse)|"
    r"every (?:single )?shift|suicide checks|"
    r"trabajo (?:de noche )?en (?:un |el )?(?:hospital|emergencias|urgencias|er)|"
    r"tecnic[oa] de (?:er|emergencias)|veo (?:sobredosis|infartos|suicidios)|"
    r"support group|"
    r"(?:me )?pregunt\w* si (?:tenia|tengo|he tenido)|asked (?:me )?(?:if|whether) i (?:had|have|was|ever)|"
    r"soy (?:consejer[oa]|psicolog[oa]|terapeuta|trabajadora? social|capellan|investigador[a]?|estudiante)|"
    r"efectos? secundarios?|prospecto|la caja|etiqueta|advertencia|linea de (?:crisis|prevencion)|voluntari[oa])\b"
)

# The writer says plainly that they are not thinking of dying ("I'm not trying to take my life, I'm
# trying to take my life BACK", "I hate the burning, I don't hate my life"): the check-in asks.
_DENIAL = re.compile(
    r"\b(?:(?:not|never|aint) (?:gonna|going to|about to) (?:kill|hurt|harm) (?:myself|me)|"
    r"(?:not|never) (?:trying|going|planning|wanting|gonna|about|looking) to (?:take|end|kill|hurt|harm) "
    r"(?:my|myself|my own)|not (?:done|finished) with (?:life|living)|"
    r"(?:dont|do not) hate (?:my|this) life|not suicidal|no pienso en (?:hacerme dano|matarme|suicidarme)|"
    r"(?:dont|do not|never) want to die|"
    r"(?:would|will) never (?:hurt|kill|harm|do anything to) (?:myself|me)|"
    r"no (?:thoughts|plans|intention) (?:of|to) (?:suicide|hurt|harm|kill|end)|"
    r"no (?:quiero|pienso|voy a) (?:morirme|matarme|quitarme la vida|hacerme dano)|no soy suicida|"
    r"no me (?:quiero|voy a) (?:morir|matar)|"
    r"no (?:tengo|he tenido) (?:pensamientos|ideas) de (?:hacerme dano|matarme|suicidarme|quitarme la vida|morir))\b"
)
# Laughter or "kidding" beside the words ("I'm killing myself with sugar lol"), unless the writer
# says it is not a joke: the check-in asks.
_JOKE = re.compile(
    r"\b(?:lol|lmao|lmfao|rofl|haha\w*|hehe\w*|jaja\w*|jeje\w*|jk|just kidding|kidding|es broma|"
    r"es (?:un|su) (?:decir|dicho|manera de hablar|forma de hablar)|manera de decir|(?:just )?a figure of speech|"
    r"just an expression|just venting|only venting|(?:im|i am) just venting|"
    r"(?:lo )?dice riendo(?:se)?|siempre lo dice riendose|says it laughing|(?:he|she) jokes about it)\b"
)
_NOT_JOKING = re.compile(
    r"\b(?:not|nt|no) (?:really |even |totally |entirely |just |only )?(?:joking|kidding)|serious|no es broma|"
    r"(?:joking|kidding) mostly|mostly (?:joking|kidding)|(?:only |just )?half (?:joking|kidding)|"
    r"(?:sort of|kind of|kinda) (?:joking|kidding)|"
    r"no es (?:un )?chiste|"
    r"no (?:estoy|ando) bromeando|en serio\b"
)
# A plan or the means named beside the laughter: never read as a joke.
_MEANS_OR_PLAN = re.compile(
    r"\b(?:plan|planned|planning|tonight|pills|bottle|gun|pistol|rope|noose|razor|blade|note|letters?|goodbye|"
    r"pastillas|pistola|soga|navaja|carta|esta noche)\b"
)
# Someone else's suicide, told as done ("my father's suicide when I was a teenager"): grief and family
# history; the check-in asks how the writer is and gives 988.
_OTHERS_SUICIDE = re.compile(
    r"\b(?:(?:my|his|her|our|a) (?:late |own )?(?:\w+ )?(?:father|dad|mother|mom|brother|sister|son|daughter|uncle|"
    r"aunt|grandfather|grandpa|grandmother|grandma|cousin|friend|husband|wife|nephew|niece|neighbou?r|coworker|buddy|"
    r"parent)s? (?:suicide|killed (?:himself|herself)|took (?:his|her) (?:own )?life|committed suicide|"
    r"died by suicide|died by (?:his|her|their) own hand|ended (?:his|her) (?:own )?life)|"
    r"(?:lost|losing) (?:\w+ ){1,4}to suicide|"
    # told in the third person and the past tense, whoever it was ("our family doctor took his own life")
    r"(?<!almost )(?<!nearly )(?:took (?:his|her|their) own life|(?:killed|hanged|shot) (?:himself|herself|themselves)|"
    r"(?:died|passed) by suicide|committed suicide)|"
    r"(?:mi|su) (?:papa|padre|mama|madre|hermano|hermana|hijo|hija|tio|tia|abuelo|abuela|primo|prima|amigo|amiga|"
    r"esposo|esposa|marido|cunado|cunada|suegro|suegra|sobrino|sobrina|nieto|nieta|vecino|vecina|novio|novia|"
    r"companero|companera) se (?:quito la vida|suicido|mato))\b"
)

# An emergency told as a past event that ended well ("I fainted once in my 30s, never since",
# "an overdose scare last year, all sorted now") raises no alarm unless something says it is
# happening now.
_OVER = re.compile(
    r"\b(?:never since|none since|not since|nothing since|all sorted|sorted now|all fine now|all good now|"
    r"(?:and|but) i was (?:fine|ok|okay)|turned out (?:fine|ok|okay|to be nothing)|fully recovered|recovered fully|"
    r"no (?:problems|issues|trouble) since|been fine since|fine ever since|and survived|survived it|"
    r"(?:seizure|symptom|episode|trouble|problem) free|(?:havent|have not|"
    r"never) had (?:any|one|another|an?)(?: \w+)? (?:since|again)|"
    r"(?:said|says|told me) (?:it was|i was|id be|i would be|it would be|"
    r"hed be|shed be|she was|he was) (?:fine|ok|okay|alright)|"
    r"(?:i|he|she) (?:feel|felt|feels) (?:totally |completely |perfectly |just )?(?:normal|fine)|that was it|"
    r"clean (?:a long time|for years|ever since|since)|"
    r"(?:ahora |ya )?estoy (?:bien|estable)|ya paso|esta estable|"
    r"me recupere|se recupero|nunca mas|salio bien|quedo bien|"
    r"resulto (?:ser )?(?:nada|gastritis|ansiedad|un susto)|"
    r"era (?:gastritis|ansiedad|un susto)|(?:murio|fallecio) (?:hace|el ano pasado|en (?:19|20)\d\d)|de hace anos|"
    r"healed (?:fine|up|well|nicely|over)|(?:went|goes) away (?:on its own|by itself)|cleared up|slept it off|"
    r"never happened again|(?:is|are|was|its|been) under control|back to normal|controlled now|got it controlled|"
    r"doing (?:much )?better|home (?:the )?same day|recovered (?:well|nicely|completely|fine)|"
    r"(?:hasnt|has not|havent|have not|never) happened since|(?:and|but) (?:he|she) was (?:fine|ok|okay)\b(?! until)|"
    r"(?:hes|shes|he is|she is|theyre|they are|were|we are) (?:fully )?recovered|"
    r"(?:estoy|esta|estamos) controlad[oa]s?|controlad[oa]s? con|bien controlad[oa]s?|bajo control|"
    r"(?:epilepsia|diabetes|presion|convulsiones|arritmia) (?:bien )?controlad[oa]s?|"
    r"no he tenido \w+ (?:en|desde hace) |"
    r"esta (?:bien|perfect[oa]|estable|mejor) ahora|(?:ya|gracias a dios) esta (?:bien|perfect[oa])|"
    r"(?:hes|shes|he is|she is|im|i am) (?:totally |completely |perfectly |doing )?(?:fine|ok|okay|good|well) now|"
    r"ya (?:sano|se curo|se me quito)|(?:murio|fallecio|se murio) de (?:un|una) \w+ (?:hace|a los|en (?:19|20))|"
    r"(?:murio|fallecio|se murio) de (?:un|una) (?:infarto|derrame|ataque|paro|sobredosis|embolia)|"
    r"(?:died|passed away|passed) (?:of|from) (?:a|an) (?:heart attack|stroke|overdose|aneurysm)|"
    r"de vez en cuando|from time to time|every now and then|once in a while|since then|ever since|wake ?up call|"
    r"(?:on top of|control of) my (?:sugars?|diabetes|blood sugar)|(?:well|tightly|better) controlled|"
    r"(?:sugars?|a1c|blood sugar)s? (?:have been|has been|been|is|are|was) (?:\w+ )?"
    r"(?:controlled|good|great|fine|stable)|"
    r"ya no (?:ha vuelto|le ha vuelto|me ha vuelto) a (?:pasar|dar)|no se ha repetido)\b"
)
# Checked and found harmless ("the ER ran every test, it was acid reflux, my heart is fine", "it's panic,
# I've been checked many times"): no alarm unless a time word or a present sign says it is happening now
# (a bare "chest" does not: the story is about the chest).
_CLEARED = re.compile(
    r"\b(?:(?:my )?(?:heart|tests?|ct|mri|scans?|ekg|ecg|results?|everything|workup|er|doctors?|cardiologist) "
    r"(?:is|was|were|are|came back|said (?:it was|i was|im)?) ?(?:totally |completely |perfectly )?"
    r"(?:fine|normal|clear|ok|okay|negative|good)|all clear|"
    r"(?:it was|turned out to be|it turned out to be|they said it was|(?:er|doctor) said it was) (?:just |only )?"
    r"(?:acid reflux|reflux|heartburn|anxiety|"
    r"panic|a panic attack|gas|a (?:complicated |bad )?migraine|nothing|dehydration|a pulled muscle)|"
    r"(?:had it|been|got it|was|ive been|i have been) checked(?: out)?|came back up|"
    r"turned out (?:he|she|i|it) (?:was|had) (?:just )?\w+|(?:was|were) just (?:bruised|shaken|dehydrated|scared)|"
    r"(?:im|i am|i was|was|he was|she was) (?:totally |completely )?(?:fine|ok|okay|back to normal) "
    r"(?:this morning|in \d+ (?:minutes|min|mins)|within \d+ (?:minutes|min|mins)|after (?:that|a few minutes))|"
    r"(?:resulto|era) (?:ser )?(?:ansiedad|reflujo|gastritis|nada|una migrana)|"
    r"(?:salio|salieron) (?:todo )?(?:bien|normal)|"
    r"(?:pruebas|estudios|examenes|analisis|electro)\b.{0,20}\btodo (?:normal|bien)|"
    r"todo (?:salio|estaba|esta) (?:bien|normal)|"
    r"no era nada|nada grave|pense que era (?:un |una )?(?:infarto|derrame|ataque)|"
    r"(?:fui|fuimos|lo llevamos|la llevamos|me llevaron) (?:al|a la) (?:er|emergencia|hospital|doctor|cardiologo)\b"
    r".{0,30}\btodo bien)\b"
)

# An emergency told as a distant past event ("an allergic reaction to penicillin as a kid", "my last DKA
# was in 2019") or asked about as a risk of the therapy or in general ("do patients ever faint during
# the IV?", "what is your protocol if a patient has chest pain?"): no alarm unless something says it is
# happening now.
_PAST_EVENT = re.compile(
    r"\b(?:(?:\d+|a few|few|many|several|two|three|four|five|six|seven|eight|nine|ten|twenty|some|a couple of?) "
    r"(?:years|yrs|months) ago|years ago|decades ago|as a (?:kid|child|teen|teenager|baby|young \w+)|"
    r"when i was (?:a |in |young|younger|little|\d+)|in (?:19|20)\d\d|back in|last year|a while back|"
    r"once (?:in|at|when|before|as|years)|(?<!no )history of|in the past|"
    r"in my (?:teens|twenties|thirties|forties|fifties|"
    r"20s|30s|40s|50s)|(?:last|latest|most recent) (?:episode|one|time|attack|reaction) was|that was (?:\d+|a few|some|"
    r"years|months|ages|a long time)|"
    r"hace (?:mas de )?(?:\d+|unos|unas|varios|varias|muchos|muchas|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|"
    r"once|doce|quince|veinte|treinta) (?:anos|meses|decadas)|hace (?:un|una) (?:ano|decada)|"
    r"el ano pasado|cuando (?:era|tenia|estaba)|de (?:nino|nina|joven|chic[oa])|en (?:19|20)\d\d|"
    r"antecedentes? de|historial de|historia de|hace anos|hace mucho|last (?:summer|winter|spring|fall|christmas|"
    r"thanksgiving)|(?:two|three|four|\d+|a few|few) (?:summers|winters|christmases) ago|"
    r"despues del (?:infarto|derrame)|after (?:my|the|his|her) (?:heart attack|stroke)|last month|"
    r"(?:a|one|two|three|four|\d+|a few|few|couple of|a couple of) weeks ago|"
    r"hace (?:un|una|dos|tres|cuatro|\d+) (?:mes|meses)|cuando (?:me|le) dio (?:el|la|un|una))\b"
)
_HYPOTHETICAL = re.compile(
    r"\b(?:if (?:a|the|one of your|your) (?:patient|person|client)|if someone|in case (?:of|a|someone)|"
    r"what (?:would|will|could|might) happen if|is it true|read (?:something|somewhere|online|that)|i heard that|"
    r"(?:your|the) website|tell people|(?:a|the) number for emergencies|crash cart|if something (?:went|goes) wrong|"
    r"(?:if|what happens if) (?:i|we|someone) (?:have|has) (?:a|an) (?:medical )?emergency|"
    r"(?:is|was|am|im|retired) (?:a |an )?(?:volunteer )?(?:firefighter|emt|paramedic|police officer|cop)|"
    r"during (?:the|an|your|my|each|a) (?:infusion|iv|treatment|procedure|session|injection|evaluation|visit)|"
    r"(?:do|does) (?:patients|people|anyone) (?:ever|often|usually|sometimes|get)|"
    r"(?:is there|are there|any) (?:a |any )?(?:risk|chance|danger)s?|risk of|likely to (?:cause|give)|"
    r"(?:could|can|would|will|does|do|might) (?:the |this |these |stem cells?|msc|it|they|the infusion|the iv|"
    r"the treatment|the therapy)(?: \w+)? (?:cause|trigger|give|lead to)|how would i (?:know|tell)|"
    r"what are the (?:signs|symptoms)|warning signs|protocol (?:if|for|when|in case)|"
    r"monitor(?:ing)?|asking (?:professionally|in general|"
    r"hypothetically)|just asking|in general|(?:im|i am) an? (?:\w+ )?(?:nurse|physician|paramedic|"
    r"emt|pharmacist)|nurse here|"
    r"que pasa si|durante (?:la|el|cada) (?:infusion|tratamiento|procedimiento|sesion)|riesgo de|"
    r"trabajo en (?:emergencias|urgencias|un hospital|una clinica|una farmacia)|vemos (?:muchas|muchos|mucho)|"
    r"soy (?:enfermer[oa]|medic[oa]|doctora?|paramedico|farmaceutic[oa])|me preocupa que|"
    r"puede (?:causar|provocar|dar)|por si acaso|si (?:me|le|nos) (?:llega a dar|llegara a dar|diera|da) (?:un|una))\b"
)
# Happening now, for the rules above: time words, a symptom told in the present, a call for help.
_NOW_TIME = re.compile(
    r"\b(?:right now|just now|at the moment|today|tonight|this (?:morning|afternoon|"
    r"evening)|(?:minutes|an hour|hours|\d+ min\w*) ago|since (?:yesterday|this morning|last night)|"
    r"sudden|suddenly|all of a sudden|out of nowhere|getting worse|worse now|again|still|keeps? (?:happening|getting)|"
    r"for (?:about |around |almost |nearly |over |like |maybe )?(?:\d+|a few|several|the (?:last|past)) "
    r"(?:minutes|min|mins|hours)|constant|droop\w*|jumbled|"
    r"cant (?:lift|raise|grip)|(?:says|said) (?:hes|shes|he is|she is|its|im) (?:fine|ok|okay) but|"
    r"(?:its|it is|the pain is|it has|its come) (?:back|come back|coming back)|"
    r"(?:face|arm|leg|side|mouth|smile|speech) (?:is|are|went|has gone|feels|looks) (?:\w+ )?(?:droop\w*|weak|limp|"
    r"slurr\w*|dead|heavy)|(?:cant|can not|cannot|couldnt|unable to) (?:breathe|talk|speak|see|move|wake|stand|walk|"
    r"swallow)|"
    r"(?:is|are|im|hes|shes|keeps?) (?:\w+ )?(?:bleeding|spreading|seizing|choking|gasping|"
    r"passing out|vomiting|throwing up)|wont wake|not (?:waking|breathing)|"
    r"(?:should|do|can|must) (?:i|we) call 911|calling 911|"
    r"call 911 (?:now|right now)|unresponsive|"
    r"shallow|pinpoint|turning blue|blue lips|now (?:im|i am|hes|shes|he is|she is|i|he|she|my|his|her|its|they|we)|"
    r"since (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|last \w+)|"
    r"ahora mismo|ahorita|de repente|de golpe|de pronto|en este momento|hace (?:un )?rato|"
    r"hace (?:unos |como )?(?:\d+ )?(?:minutos|min|una hora|horas)|"
    r"hoy|desde ayer|ahora (?:tiene|tengo) (?:fiebre|dolor|la cara|el brazo|problemas para|dificultad)|"
    r"(?:ahora )?no (?:puede|puedo) (?:respirar|hablar|mover\w*|caminar|ver)|desorientad[oa]|inconsciente|no responde|"
    r"(?:me|se|le) (?:esta|estoy|estan) \w+(?:ando|iendo)|"
    r"and now|"
    r"esta (?:manana|noche|tarde)|todavia|no (?:puede|puedo) (?:respirar|hablar|moverse)|"
    r"(?:llam\w*|necesit\w*|manden|mande|pidan|pedir|pido) (?:a )?(?:una |la )?ambulancia)\b"
)
# Phrases that look current but say it is not ("never happened again", "I'm fine today").
_NOT_NOW = re.compile(
    r"\b(?:never|not|hasnt|has not|havent|have not)(?: \w+)? (?:happened )?again|(?:im|i am|i feel|feel|feeling|"
    r"doing|hes|shes|he is|she is) (?:fine|ok|okay|good|great|well|totally fine|perfectly fine) "
    r"(?:today|now|right now|these days|this morning)|"
    r"(?:now|today) (?:im|i am|hes|shes|he is|she is) (?:\d+|fine|ok|okay|good|well)|"
    r"(?:feel|feels|felt|feeling) (?:totally |completely |perfectly |just )?(?:fine|ok|okay|good|normal) "
    r"(?:today|now|right now|these days)|"
    r"hoy (?:estoy|esta|estamos|me siento) (?:bien|mejor|feliz|estable|perfect[oa]|tranquil[oa])|hoy tengo paz|"
    r"todavia (?:lo|la|los) extrano|still miss (?:him|her|them)|"
    r"(?:would|does|will|could|can|is|do) (?:that|it|this|they) still|"
    r"(?:for|in) (?:years|months|a long time|ages) now\b|(?:walking|driving|working|golfing|dancing) again\b|"
    r"(?:i|he|she|we|they|mom|dad) had (?:a |some )?sudden\b"
)
_EMERGENCY_NOW = re.compile(
    r"\b(?:right now|just now|at the moment|today|tonight|this (?:morning|afternoon|evening)|again|still|"
    r"getting worse|keeps? (?:happening|getting)|(?:minutes|an hour|"
    r"hours) ago|since (?:yesterday|this morning|last night)|"
    r"but (?:now|then)|but (?:im|hes|shes|its|i am|it is|he is|she is) (?:now|still|getting)|"
    r"dizzy|shak(?:y|ing)|sweat(?:y|ing)|confus\w*|vomit\w*|throwing up|"
    r"pass(?:ing)? out|cant breathe|short of breath|out of breath|clammy|sick to (?:my|her|his) stomach|nause\w*|"
    r"chest|worse|sleepy|drowsy|slurr\w*|"
    r"(?:tiene|tengo|tienen) (?:un |mucho )?dolor|(?:le|me|les) duele|ahora mismo|ahorita|"
    r"esta (?:manana|noche|tarde)|hace (?:\d+ )?(?:minutos|una hora|horas)|otra vez|de nuevo|"
    r"todavia|sigue|mareado|mareada|temblando|sudando|confundid[oa]|vomitando|no (?:puede|puedo) respirar)\b"
)


def refine_alarm(kind: str | None, text: str) -> str | None:
    """The reply kind for an alarm raised by any layer, after the history/mention/over rules:
    a crisis told as resolved history or named as a topic -> "checkin"; an emergency that is
    over -> None; anything else unchanged."""
    if kind == "crisis":
        norm = normalise(text)
        return "checkin" if _resolved_past(norm) or _mention(norm) or _not_meant(norm) else kind
    if kind == "emergency":
        norm = normalise(text)
        return None if _over(norm) or _past_or_hypothetical(norm) or _joked(norm) else kind
    return kind


# Someone else's death told as past ("my father-in-law passed away last year", "sitting shiva for my
# brother"): grief. A crisis heard by the model alone in such a message gets the check-in.
_OTHERS_DEATH = re.compile(
    r"\b(?:(?:my|his|her|our) (?:late |own )?(?:\w+ )?(?:father|dad|mother|mom|brother|sister|son|daughter|uncle|aunt|"
    r"grandfather|grandpa|grandmother|grandma|cousin|friend|husband|wife|partner|father in law|mother in law|"
    r"neighbou?r)s? (?:passed away|passed on|passed|died|went home to (?:the lord|jesus|god))|sitting shiva|"
    r"(?:lost|losing) (?:my|our|his|her) (?:\w+ )?(?:son|daughter|husband|wife|brother|sister|father|mother|dad|mom|"
    r"boy|girl|child|friend) to (?:an? )?\w+|(?:hes|shes|he has|she has) been gone|made my peace|widow(?:ed|er)?|"
    r"se nos fue|ya descansa|descansa en paz|que en paz descanse|"
    r"(?:funeral|wake|memorial|burial|rosary|velorio|novenario|entierro) (?:for|of|de) "
    r"(?:my|mi|su|our|nuestro|nuestra)|"
    r"(?:mi|su|nuestro|nuestra) (?:\w+ )?(?:papa|padre|mama|madre|hermano|hermana|hijo|hija|tio|tia|abuelo|abuela|"
    r"abuelita|abuelito|primo|prima|amigo|amiga|esposo|esposa|marido|cunado|cunada|suegro|suegra|vecino|vecina) "
    r"(?:paso a mejor vida|fallecio|murio|se murio|se nos fue|descansa en paz|en paz descanse))\b"
)


def grief_only(text: str) -> bool:
    """Someone else's death told as past, with nothing saying the writer wants to die now."""
    norm = normalise(text)
    return bool(_OTHERS_DEATH.search(norm) and not _SELF_NOW.search(norm))


def _not_meant(norm: str) -> bool:
    """Denied, joked about, or someone else's suicide in the past, with nothing saying it is current."""
    if _JOKE.search(norm) and not _NOT_JOKING.search(norm) and not _MEANS_OR_PLAN.search(norm):
        return True
    return bool(not _NOW_AGAIN.search(norm) and (_DENIAL.search(norm) or _OTHERS_SUICIDE.search(norm)))


_NEARLY = re.compile(
    r"\b(?:(?:casi|almost|nearly|about|practically) (?:me da|le da|me dio|le dio|had|have|gave me|died)|"
    r"de (?:la )?risa|from laughing|laughing so hard|me va a dar (?:un infarto|algo)|gonna give me a heart attack)\b"
)


def emergency_with_crisis(crisis_score: float, thresholds: dict[str, float] | None = None) -> str:
    """The reply to an emergency: "crisis" when a crisis signal of the model stands beside it (the crisis
    reply gives 911 as well as 988), else "emergency". For every layer that finds an emergency."""
    th = dict(DEFAULT_THRESHOLDS, **(thresholds or {}))
    return "crisis" if crisis_score >= th["crisis_with_emergency"] else "emergency"


def _happening_now(norm: str) -> bool:
    """A time word, a present sign or a call for help says the emergency is happening now."""
    return bool(_EMERGENCY_NOW.search(norm) or _NOW_TIME.search(norm))


def _joked(norm: str) -> bool:
    """ "Nearly had a heart attack at the bill lol": a "nearly" and laughter, nothing happening now."""
    if not (_JOKE.search(norm) and _NEARLY.search(norm)) or _NOT_JOKING.search(norm):
        return False
    return not _happening_now(_NOT_NOW.sub(" ", norm))


def _past_or_hypothetical(norm: str) -> bool:
    """A distant past event, or a question about a risk in general, with nothing saying it is happening now."""
    now = _NOT_NOW.sub(" ", norm)
    return not _happening_now(now) and bool(_PAST_EVENT.search(now) or _HYPOTHETICAL.search(now))


# "I don't think about it anymore": the "anymore" of something over, not of "I can't take it anymore"
_NO_MORE = re.compile(
    r"\b(?:dont|do not|never|no longer|rarely) (?:think|feel|talk|dwell) (?:about it|about that|that way|like that)"
    r"(?: anymore| any more)?\b"
)


def _resolved_past(norm: str) -> bool:
    now = _NO_MORE.sub(" ", norm)
    return bool(_PAST.search(norm) and _RESOLVED.search(norm) and not _NOW_AGAIN.search(now))


# The writer's own current thoughts or plans: a mention beside them is not only a mention.
_SELF_NOW = re.compile(
    r"\b(?:(?:i|im|i am|ive|i have|ive been|i have been) (?:\w+ ){0,2}"
    r"(?:thinking (?:about|of) (?:it|dying|ending|killing)|having (?:thoughts|them)|planning|want to (?:die|end|kill)|"
    r"wanting to)|(?:a|my) plan|tonight|right now|again|lately|"
    r"ahora mismo|esta noche|otra vez|ultimamente|(?:quiero|pienso|voy a) (?:morir|matarme|quitarme))\b"
)


def _mention(norm: str) -> bool:
    return bool(_MENTION.search(norm) and not _SELF_NOW.search(norm))


# Said to be happening at this moment: for a story told as past and over, only these make it current
# ("my wife still brings it up" or "A1c is 7.0 now" do not).
_IMMEDIATE = re.compile(
    r"\b(?:right now|just now|at the moment|today|tonight|this (?:morning|afternoon|evening)|"
    r"(?:minutes|an hour|hours|\d+ min\w*) ago|since (?:yesterday|this morning|last night)|sudden|suddenly|"
    r"getting worse|worse now|happening again|(?:its|it is) back|again (?:today|now|tonight)|"
    r"ahora mismo|ahorita|hoy|de repente|de pronto|en este momento|hace (?:un )?rato|esta (?:manana|noche|tarde)|"
    r"desde (?:ayer|anoche)|otra vez)\b"
)


def _over(norm: str) -> bool:
    current = _NOT_NOW.sub(" ", norm)  # without the phrases that look current but say it is not
    if _CLEARED.search(norm) and not _NOW_TIME.search(current):
        return True
    if _OVER.search(norm) and _PAST_EVENT.search(norm) and not _IMMEDIATE.search(current):
        # told as a past event that ended ("a double dose last month, felt dizzy for a few hours, my doctor
        # said it was fine"): its symptom words are the story's, only a time word makes it current
        return True
    return bool(_OVER.search(norm) and not _happening_now(current))


def told_as_resolved_past(text: str) -> bool:
    """A crisis mentioned as history that is over, with nothing saying it is back."""
    return _resolved_past(normalise(text))


def told_as_mention(text: str) -> bool:
    """Suicide or self-harm named as a topic (a leaflet, a hotline), with nothing saying it is current."""
    return _mention(normalise(text))


def emergency_is_over(text: str) -> bool:
    """An emergency told as a past event that ended well, with nothing saying it is happening now."""
    return _over(normalise(text))


@dataclass(frozen=True)
class Assessment:
    """The safety decision for one message.

    kind: "crisis", "emergency", "checkin", "pain_idiom", "medical_advice" or None.
    source: "pattern", "model" or "" (what decided it).
    category: the pattern category (safety.yml) or "" for the model.
    clause: index of the clause that decided it (-1: the whole message).
    scores: the highest model probability of each risk label over the clauses.
    """

    kind: str | None
    source: str = ""
    category: str = ""
    clause: int = -1
    scores: tuple[tuple[str, float], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "source": self.source,
            "category": self.category,
            "clause": self.clause,
            "scores": dict(self.scores),
        }


NO_RISK = Assessment(None)


def load_corpus(paths: Iterable[Path]) -> list[tuple[str, str]]:
    """(text, label) pairs from risk corpus files: top-level keys are labels, values lists of texts."""
    pairs: list[tuple[str, str]] = []
    for path in sorted(paths):
        data = yamlload.load(Path(path).read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected a mapping of label -> list of texts")
        for label, texts in data.items():
            if label not in RISK_LABELS:
                raise ValueError(f"{path}: unknown label {label!r}; allowed: {', '.join(RISK_LABELS)}")
            for i, text in enumerate(texts or []):
                if not isinstance(text, str) or not text.strip():
                    raise ValueError(f"{path}: {label}[{i}] is not a non-empty text")
                pairs.append((text.strip(), label))
    return pairs


def corpus_files(directory: Path) -> list[Path]:
    return sorted(Path(directory).glob("*.yml"))


def with_clause_negatives(pairs: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Add each clause of every ``none`` example as a ``none`` example of its own.

    The model judges clauses, and most risk examples are short while ordinary
    messages are long: without short ordinary clauses ("I live in Texas",
    "I want to book") it learns that short means risky.
    """
    out = list(pairs)
    seen = {t for t, _ in pairs}
    for text, label in pairs:
        if label != "none":
            continue
        for clause in split_clauses(text):
            if clause not in seen:
                seen.add(clause)
                out.append((clause, "none"))
    return out


def train_risk_model(pairs: Sequence[tuple[str, str]], ordinary: Sequence[str] = (), c: float = 10.0) -> TextModel:
    """Train the risk model on the corpus plus ``ordinary`` texts (e.g. the FAQ training
    phrasings) as negatives, with clause-level negatives; each label weighs the same."""
    labels = {label for _, label in pairs}
    missing = set(RISK_LABELS) - labels
    if missing:
        raise ValueError(f"risk corpus has no examples of: {', '.join(sorted(missing))}")
    items = with_clause_negatives(list(pairs) + [(t, "none") for t in ordinary])
    return train(
        [t for t, _ in items], [label for _, label in items], c=c, class_weight="balanced", meta={"kind": "risk"}
    )


class RiskModel:
    """Crisis / emergency probabilities for a message and each of its clauses."""

    def __init__(self, model: TextModel) -> None:
        if set(model.classes) != set(RISK_LABELS):
            raise ValueError(f"not a risk model: classes {model.classes}")
        self.model = model
        self._index = {c: i for i, c in enumerate(model.classes)}

    def clause_scores(self, clauses: Sequence[str], features: Any = None) -> list[dict[str, float]]:
        if not clauses:
            return []
        probs = self.model.predict_proba(list(clauses), features)
        return [{label: float(row[self._index[label]]) for label in RISK_LABELS} for row in probs]


def assess(
    text: str,
    detector: Any = None,
    model: RiskModel | None = None,
    thresholds: dict[str, float] | None = None,
    clauses: Sequence[str] | None = None,
    features: Any = None,
) -> Assessment:
    """The layered decision for ``text`` (see the module docstring).

    ``features``: ``featurize(parts(text, clauses))`` when shared with the intent classifier.
    """
    th = dict(DEFAULT_THRESHOLDS, **(thresholds or {}))
    if clauses is None:
        clauses = split_clauses(text)
    judged = parts(text, list(clauses))

    # 1. patterns, on the whole message (a clause is a part of it: the same
    #    patterns match there, and some need the words around the clause)
    found: dict[str, tuple[str, int]] = {}
    if detector is not None:
        result = detector.detect(text)
        for kind, category in result.matches if result is not None else ():
            found.setdefault(kind, (category, -1))  # the first matching category of each kind

    # 2. the model, on the whole message and on every clause
    best = {label: (0.0, -1) for label in RISK_LABELS if label != "none"}
    if model is not None:
        for i, row in enumerate(model.clause_scores(judged, features)):
            for label in best:
                if row[label] > best[label][0]:
                    best[label] = (row[label], i - 1)
    scores = tuple((label, round(p, 4)) for label, (p, _) in best.items())

    def decided(kind: str) -> Assessment | None:
        if kind in found:
            category, clause = found[kind]
            return Assessment(kind, "pattern", category, clause, scores)
        if kind in best and best[kind][0] >= th[kind]:
            return Assessment(kind, "model", "", best[kind][1], scores)
        return None

    crisis = decided("crisis")
    if (
        crisis is not None
        and crisis.source == "model"
        and "pain_idiom" in found
        and best["crisis"][0] < th["crisis_over_idiom"]
    ):
        # the model heard death words that a pattern reads as a figure of speech: the idiom path
        # (a gentle check-in with 988, or the answer asked for with a 988 line)
        category, clause = found["pain_idiom"]
        return Assessment("pain_idiom", "pattern", category, clause, scores)
    if crisis is not None:
        if refine_alarm("crisis", text) == "checkin":
            return Assessment("checkin", crisis.source, "", crisis.clause, scores)
        if crisis.source == "model" and grief_only(text):
            # grief for someone who died, and only the model hears a crisis: ask
            return Assessment("checkin", "model", "", crisis.clause, scores)
        if crisis.category in CHECKIN_CATEGORIES and best["crisis"][0] < th["crisis"]:
            # distress without a wish to die, and the model not sure of a crisis: ask
            return Assessment("checkin", "pattern", crisis.category, crisis.clause, scores)
        return crisis
    emergency = decided("emergency")
    if emergency is not None and refine_alarm("emergency", text) is not None:
        if emergency_with_crisis(best["crisis"][0], th) == "crisis":
            return Assessment("crisis", "model", "", best["crisis"][1], scores)
        return emergency
    if best["crisis"][0] >= th["checkin"] and not (
        found.get("medical_advice", ("", -1))[0] in ADVICE_OVER_CHECKIN
        and best["crisis"][0] < th["advice_over_checkin"]
    ):
        return Assessment("checkin", "model", "", best["crisis"][1], scores)
    for kind in ("pain_idiom", "medical_advice"):
        if kind in found:
            category, clause = found[kind]
            return Assessment(kind, "pattern", category, clause, scores)
    return Assessment(None, "", "", -1, scores)
