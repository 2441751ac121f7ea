"""Events: who did what to whom, where and when, as PLOVER records, by rules over a cue lexicon.

    events(article_text, annotations.entities, anchor=date(2024, 5, 29))

Pure: it reads the article text and the resolved entities' mention offsets (no spaCy, no
parse), so events can be computed again from stored data. The types and modes are PLOVER's
(Open Event Data Alliance, manual draft 0.7): CONSULT, AGREE, SUPPORT, CONCEDE, COOPERATE,
AID, RETREAT, DEMAND, ACCUSE, REJECT, THREATEN, PROTEST, SANCTION, MOBILIZE, COERCE, ASSAULT.

The rules, in order (docs/events.md says the same, with examples):

1. Sentences: the text split at sentence ends (abbreviations and initials aside) and at
   paragraph breaks; the headline is not read. Cues inside quotation marks (what someone
   said), after a negation ("did not meet") or as a bare infinitive ("keen for Beijing to
   lift") are not events; "is due to meet" is.
2. Cues: verbs and nominal phrases of the lexicon (``_LEXICON``), as whole words.
3. Actor of a verb: the nearest entity before the cue in its clause that is not the object
   of a preposition; "he"/"she" is the first person named in the sentence, else in the
   nearest sentence before that names one; a clause with no subject of its own ("Liu, head of
   ..., met") takes the sentence's subject; "... and signed" the actor of the event before it.
   Passive ("was met by X", "were sanctioned by X"): the actor follows "by", the recipient is
   the subject.
4. Actor of a nominal cue: a possessive before it ("Kishida's bilateral meeting with Li"); in
   a sentence that opens with it ("At Sunday's meeting with Kishida, Premier Li ...") the
   subject of the main clause; after a preposition ("..., during talks with X") the sentence's
   subject. "A meeting between X and Y": X and Y. "The X-Y dialogue", "the Xi-Kishida
   meeting": a meeting of X and Y (names of the article's entities or the gazetteer's
   countries joined by a hyphen before a meeting word).
5. Recipients: the entities right after the cue (or after the preposition the cue takes:
   "with", "on", "against", "to"), a list "X and Y", "X, Y, and Z" making one record each.
   A demonym or possessive before a person ("Chinese President Xi", "Japan's opposition
   leaders, X") qualifies that person and is not a recipient; "of the Y Party" after a person
   is an affiliation. "X and Y met" (a meeting, an agreement, cooperation): X meets Y. "X
   met a senior Chinese diplomat" with no name: the person who opens the next sentence.
6. Who needs a recipient: CONSULT (a meeting with nobody named is not recorded), and, as
   PLOVER says, COOPERATE, AID and SANCTION. "X hosted Y": PLOVER codes the visitor as the
   actor, so Y visits X (mode "visit").
7. Country of a party: a place's ISO code from the gazetteer; a person's from a demonym or
   country before their title ("Japanese Prime Minister"), an apposition or affiliation naming
   a country ("head of ... for China's ruling party", "of the ... Party of Japan"), or the
   qualifier of their list, or the description that stood for them ("a Chinese diplomat"); an
   organisation's from a country in its name or before it.
8. Location: a place named with "in"/"at" in the event's clause (or the sentence's opening
   phrase), not a party; else the location of an earlier event that shares a party and the date.
9. Date: the time expression (enrich/dates.py) in the event's clause, the first after the cue
   else the last before it; else one in the sentence's opening phrase ("On Monday, ..."). No
   expression: no date, except where the sentence is plainly about the present ("is currently
   leading", a present progressive "is visiting"): then the story's date.
10. Modes from the cue and its object ("phone call" -> phone; "visited" -> visit; "on the
    sidelines of", "summit" -> multilateral; a meeting in a known third country ->
    third-party; "threatened ... sanctions" -> restrict; "called for talks" -> meet; ...).
11. One meeting, one record: a later CONSULT between the same two parties with no date or the
    same date is the same meeting (it adds the place or date the first lacked); other repeats
    of one type, actor, recipient and date are dropped.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

from marketdesk.enrich.dates import TimeExpression, find_dates
from marketdesk.enrich.vocab import gazetteer, is_title_word
from marketdesk.model import Entity, EntityKind, Event, EventParty

__all__ = ["LEXICON_TYPES", "events", "sentences"]

PERSON, ORGANISATION, PLACE = EntityKind.PERSON, EntityKind.ORGANISATION, EntityKind.PLACE


@dataclass(frozen=True, slots=True)
class _Cue:
    type: str
    pattern: str
    form: str = "verb"  # verb, noun (a meeting with / between), visit, host
    reach: tuple[str, ...] = ()  # prepositions that introduce the recipient further on
    mode: str | None = None  # a fixed mode; else read from the cue and its object
    first: str = ""  # the words a match may begin with, where the pattern does not say plainly


_V = "verb"
_N = "noun"
# The cue lexicon, written for marketdesk. Each pattern is matched as whole words, case aside;
# the first alternative that matches at a position wins, so longer phrases come first.
_MEET_NOUNS = "talks meetings meeting discussions consultations negotiations summit call dialogue"
_MEET_ADJS = (
    "bilateral trilateral three-way two-way face-to-face closed-door high-level separate summit "
    "phone telephone video virtual formal informal brief rare first lengthy annual"
)
_MEET_NOUN = "(?:" + "|".join(_MEET_NOUNS.split()) + ")"
_MEET_ADJ = "(?:(?:" + "|".join(_MEET_ADJS.split()) + r")\s+)*"
_LEXICON: tuple[_Cue, ...] = (
    # CONSULT
    _Cue(
        "CONSULT",
        r"(?:held|holds|hold|holding|had|has|have)\s+(?:a\s+|an\s+|their\s+|his\s+|her\s+)?"
        + _MEET_ADJ
        + _MEET_NOUN,
        reach=("with",),
    ),
    _Cue("CONSULT", r"spoke\s+(?:by|on\s+the)\s+(?:tele)?phone\s+(?:with|to)", mode="phone"),
    _Cue("CONSULT", r"(?:phoned|telephoned|rang)", mode="phone"),
    _Cue(
        "CONSULT",
        r"(?:met|meets|meet|(?:is|are|was|were)\s+meeting|negotiated|conferred|sat\s+down)"
        r"(?:\s+with)?",
    ),
    _Cue(
        "CONSULT",
        r"(?:led|leads|leading|lead)\s+an?\s+(?:[\w-]+\s+)?delegation\s+to",
        form="visit",
        mode="visit",
    ),
    _Cue(
        "CONSULT",
        r"(?:on|during)\s+an?\s+(?:[\w-]+\s+){0,2}?(?:visit|trip)\s+to",
        form="visit",
        mode="visit",
    ),
    _Cue("CONSULT", r"(?:visited|visits|visiting|visit)", form="visit", mode="visit"),
    _Cue("CONSULT", r"(?:hosted|hosts|hosting|host)", form="host", mode="visit"),
    _Cue(
        "CONSULT",
        _MEET_ADJ + _MEET_NOUN + r"\s+(?:with|between)",
        form=_N,
        first=_MEET_ADJS + " " + _MEET_NOUNS,
    ),
    # AGREE (PLOVER puts signing under SUPPORT; marketdesk's lexicon keeps it with AGREE)
    _Cue(
        "AGREE",
        r"(?:signed|signs|sign|inked|struck|strike|reached|reach|sealed|clinched)\s+"
        r"(?:an?\s+|the\s+|a\s+new\s+)?(?:[\w-]+\s+){0,3}?"
        r"(?:agreement|deal|accord|pact|treaty|memorandum|contract|declaration|consensus|"
        r"settlement|truce)s?",
        reach=("with",),
    ),
    _Cue("AGREE", r"(?:agreed|agrees|agree)(?:\s+with)?", reach=("with",)),
    _Cue("AGREE", r"(?:signed|pledged|vowed|promised)", reach=("with",)),
    # COOPERATE
    _Cue(
        "COOPERATE",
        r"(?:launched|launches|launch|hold|held|holds|conducted|conducts|conduct|staged|stages|"
        r"stage|started|starts|start)"
        r"\s+joint\s+(?:[\w-]+\s+){0,2}?(?:drills|exercises|patrols|ventures?|projects?|research|"
        r"development|operations?|production|investigations?)",
        reach=("with",),
    ),
    _Cue(
        "COOPERATE",
        r"(?:cooperated|cooperates|cooperate|co-operated|co-operate|collaborated|collaborates|"
        r"collaborate|partnered|partners|teamed\s+up|joined\s+forces)\s+with",
    ),
    _Cue("COOPERATE", r"(?:shared|shares)\s+intelligence\s+with"),
    _Cue("COOPERATE", r"(?:extradited|extradites)"),
    # DEMAND
    _Cue("DEMAND", r"(?:called|calls|calling)\s+on"),
    _Cue("DEMAND", r"(?:called|calls|calling)\s+for", reach=("from",)),
    _Cue("DEMAND", r"(?:urged|urges|urging|demanded|demands|requested|requests|pressed|presses)"),
    # ACCUSE
    _Cue(
        "ACCUSE",
        r"(?:expressed|expresses|voiced|voices|raised|raises)\s+[\"\u201c]?(?:serious\s+|grave\s+|"
        r"deep\s+|strong\s+)?concerns?[\"\u201d]?\s+(?:about|over|with|at)",
    ),
    _Cue(
        "ACCUSE",
        r"(?:lodged|lodges|filed|files|launched|launches|opened|opens)\s+(?:an?\s+)?(?:formal\s+|"
        r"strong\s+|solemn\s+|official\s+)?(?:protests?|complaints?|lawsuits?|suits?|"
        r"investigations?|probes?|representations)\s+(?:with|against|into)",
    ),
    _Cue(
        "ACCUSE",
        r"(?:accused|accuses|accusing|blamed|blames|criticised|criticized|criticises|criticizes|"
        r"condemned|condemns|denounced|denounces|rebuked|rebukes|slammed|slams|sued|sues|"
        r"investigated|investigates|censured)",
    ),
    # SANCTION
    _Cue(
        "SANCTION",
        r"(?:imposed|imposes|impose|slapped|slaps|announced|announces|introduced|tightened|"
        r"expanded|widened)\s+(?:new\s+|fresh\s+|further\s+|more\s+|sweeping\s+|the\s+|an?\s+|"
        r"its\s+)*(?:[\w-]+\s+){0,2}?(?:sanctions|tariffs|curbs|restrictions|controls|bans?|"
        r"embargo|penalties)(?:\s+(?:on|against))?",
        reach=("on", "against", "to"),
    ),
    _Cue(
        "SANCTION",
        r"export\s+(?:curbs|controls|restrictions|bans?)\s+(?:on|against)",
        form=_N,
    ),
    _Cue(
        "SANCTION",
        r"(?:cut|cuts|severed|severs|broke|breaks)\s+(?:off\s+)?(?:diplomatic\s+|all\s+)?"
        r"(?:ties|relations)\s+with",
        mode="sever",
    ),
    _Cue(
        "SANCTION",
        r"(?:cancelled|canceled|cancels|called\s+off|calls\s+off|postponed|postpones|"
        r"suspended|suspends)\s+(?:the\s+|a\s+|its\s+|their\s+|planned\s+)*(?:[\w-]+\s+){0,2}?"
        r"(?:talks|meeting|summit|visit|dialogue|negotiations)s?",
        reach=("with", "to"),
        mode="cancel",
    ),
    _Cue(
        "SANCTION",
        r"(?:recalled|recalls|withdrew|withdraws)\s+(?:its\s+|their\s+)?(?:ambassador|envoy|"
        r"diplomats)(?:\s+(?:from|to))?",
        mode="withdraw",
    ),
    _Cue("SANCTION", r"(?:expelled|expels)", mode="expel"),
    _Cue(
        "SANCTION",
        r"(?:sanctioned|sanctions|sanction|banned|bans|blacklisted|blacklists|boycotted)"
        r"(?!\s+(?:on|against|relief|list|regime))",
        reach=("on", "against"),
    ),
    # THREATEN
    _Cue("THREATEN", r"(?:threatened|threatens|threatening|threaten)", reach=("on", "against")),
    _Cue("THREATEN", r"(?:warned|warns|warning)(?=\s+(?:the\s+)?(?-i:[A-Z]))"),
    # PROTEST
    _Cue(
        "PROTEST",
        r"(?:staged|stages|held|holds|organised|organized|joined)\s+(?:an?\s+|mass\s+|"
        r"large\s+)?(?:[\w-]+\s+)?(?:protests?|demonstrations?|rall(?:y|ies)|marches|sit-ins?|"
        r"strikes?|walkouts?)(?:\s+(?:against|outside))?",
        reach=("against",),
    ),
    _Cue(
        "PROTEST",
        r"(?:protested|protests|demonstrated|demonstrate|rallied|marched)\s+(?:against|outside)",
    ),
    _Cue("PROTEST", r"(?:went|go|goes|going)\s+on\s+(?:an?\s+)?(?:[\w-]+\s+)?strike"),
    # REJECT
    _Cue(
        "REJECT",
        r"(?:rejected|rejects|reject|refused\s+to|refuses\s+to|declined\s+to|declines\s+to|"
        r"vetoed|vetoes|turned\s+down|rebuffed|rebuffs|snubbed|dismissed)",
    ),
    # SUPPORT
    _Cue(
        "SUPPORT",
        r"(?:expressed|expresses|voiced|reaffirmed|reaffirms|pledged)\s+(?:its\s+|his\s+|her\s+|"
        r"their\s+)?(?:full\s+|strong\s+|firm\s+|continued\s+)?support\s+for",
    ),
    _Cue(
        "SUPPORT",
        r"(?:established|restored|restores|normalised|normalized|resumed)\s+(?:full\s+)?"
        r"(?:diplomatic\s+)?(?:ties|relations)\s+with",
    ),
    _Cue(
        "SUPPORT", r"(?:praised|praises|endorsed|endorses|welcomed|welcomes|recognised|recognized)"
    ),
    # CONCEDE
    _Cue("CONCEDE", r"(?:apologised|apologized|apologises|apologizes)(?:\s+to)?"),
    _Cue("CONCEDE", r"(?:pardoned|pardons)"),
    # AID
    _Cue(
        "AID",
        r"(?:provided|provides|sent|sends|delivered|delivers|granted|grants|gave|gives|"
        r"approved|extended|donated)\s+(?:an?\s+)?(?:[$\u20ac\u00a3]?[\d.,]+\s*(?:billion|"
        r"million|bn|m)?\s+)?(?:(?:in|of|worth)\s+)?(?:[\w-]+\s+){0,2}?(?:aid|assistance|loans?|"
        r"grants?|funding|weapons|arms|ammunition|relief|asylum)(?:\s+(?:to|for))?",
        reach=("to", "for"),
    ),
    # RETREAT
    _Cue(
        "RETREAT",
        r"(?:withdrew|withdraws|pulled|pulls)\s+(?:out\s+)?(?:its\s+|their\s+|all\s+|some\s+)?"
        r"(?:troops|forces|soldiers|personnel)(?:\s+from)?",
        mode="withdraw",
    ),
    _Cue(
        "RETREAT",
        r"(?:released|releases|freed|frees)\s+(?:the\s+|two\s+|three\s+|\d+\s+)?(?:[\w-]+\s+)?"
        r"(?:prisoners?|hostages?|detainees?|captives?|nationals|citizens|activists?|"
        r"journalists?)",
        mode="release",
    ),
    _Cue(
        "RETREAT",
        r"(?:lifted|lifts|eased|eases|relaxed|relaxes|scrapped|scraps|removed|rolled\s+back)\s+"
        r"(?:the\s+|its\s+|a\s+|some\s+)?(?:[\w-]+\s+){0,2}?(?:sanctions|ban|curbs|restrictions|"
        r"tariffs|embargo)(?:\s+on)?",
    ),
    _Cue("RETREAT", r"(?:resigned|resigns|stepped\s+down)", mode="resign"),
    # MOBILIZE
    _Cue(
        "MOBILIZE",
        r"(?:deployed|deploys|mobilised|mobilized|mobilises|mobilizes|massed|amassed|sent|sends)"
        r"\s+(?:more\s+|additional\s+|its\s+|extra\s+|thousands\s+of\s+|[\d,]+\s+)?(?:[\w-]+\s+)?"
        r"(?:troops|soldiers|warships|forces|ships|jets|aircraft|missiles|police|reservists|tanks)",
        reach=("to", "near", "around", "against"),
    ),
    _Cue(
        "MOBILIZE",
        r"(?:staged|stages|held|holds|launched|launches|conducted|conducts|began|begins)\s+"
        r"(?:large-scale\s+|live-fire\s+|military\s+|naval\s+|air\s+)*(?:drills|exercises|"
        r"war\s+games)",
        reach=("around", "near", "off"),
        mode="troops",
    ),
    # COERCE
    _Cue(
        "COERCE",
        r"(?:imposed|imposes|declared|declares)\s+(?:an?\s+)?(?:curfew|martial\s+law|state\s+of\s+"
        r"emergency)",
    ),
    _Cue(
        "COERCE",
        r"(?:arrested|arrests|detained|detains|jailed|jails|indicted|deported|deports|seized|"
        r"seizes|confiscated|confiscates|raided|raids|censored|censors)"
        r"(?!\s+(?:on|upon))",
    ),
    # ASSAULT
    _Cue(
        "ASSAULT",
        r"(?:launched|launches|carried\s+out|carries\s+out)\s+(?:an?\s+)?(?:[\w-]+\s+)?"
        r"(?:air\s*strikes?|missile\s+strikes?|drone\s+strikes?|attacks?|strikes?|raids?)"
        r"(?:\s+(?:on|against))?",
        reach=("on", "against"),
    ),
    _Cue(
        "ASSAULT",
        r"(?:bombed|bombs|shelled|shells|assassinated|kidnapped|abducted|hijacked|tortured|"
        r"executed|shot\s+dead|invaded|invades)",
    ),
)
LEXICON_TYPES = tuple(dict.fromkeys(c.type for c in _LEXICON))

# Modes read from a cue and the words after it, per type (PLOVER's mode tables).
_MODES: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    "CONSULT": (("phone", re.compile(r"\b(?:tele)?phone|\bvideo\b|\bcall\b|\bvirtual")),),
    "THREATEN": (
        ("restrict", re.compile(r"sanction|tariff|embargo|boycott|curbs|restrict|blockade")),
        ("expel", re.compile(r"expel")),
        ("relations", re.compile(r"ties|relations|talks|sever|walk out")),
        ("arrest", re.compile(r"arrest|detain|jail|prosecut")),
        ("ban", re.compile(r"\bban")),
        ("territory", re.compile(r"occupy|annex|seize|territor")),
        ("violence", re.compile(r"militar|force|attack|strike|war\b|invade|retaliat|nuclear")),
    ),
    "DEMAND": (
        ("meet", re.compile(r"talks|negotiat|dialogue|meeting|summit")),
        ("yield", re.compile(r"release|lift|eas(?:e|ing)|withdraw|ceasefire|halt|stop|end\b")),
        ("assist", re.compile(r"\baid\b|assist|support|help|cooperat|exchanges")),
        ("change", re.compile(r"reform|resign|step down|election|change")),
    ),
    "REJECT": (
        ("meet", re.compile(r"talks|negotiat|dialogue|meeting|summit|mediat")),
        ("yield", re.compile(r"release|lift|eas(?:e|ing)|withdraw|ceasefire")),
        ("assist", re.compile(r"\baid\b|assist|support|help|cooperat")),
        ("change", re.compile(r"reform|resign|step down|election|change|polic")),
    ),
    "PROTEST": (
        ("strike-hun", re.compile(r"hunger")),
        ("strike-gen", re.compile(r"general strike")),
        ("strike-lim", re.compile(r"strike|walkout")),
        ("boycott", re.compile(r"boycott")),
        ("obstruct", re.compile(r"block")),
        ("riot", re.compile(r"riot")),
        ("demo", re.compile(r"protest|demonstrat|rall|march|sit-in")),
    ),
    "AID": (
        ("asylum", re.compile(r"asylum")),
        ("military", re.compile(r"weapon|arms|ammunition|military")),
        ("humanitarian", re.compile(r"humanitarian|relief|food|medical")),
        ("economic", re.compile(r"loan|grant|fund|financ|[$\u20ac\u00a3]|billion|million")),
    ),
    "MOBILIZE": (
        ("police", re.compile(r"police")),
        ("weapons", re.compile(r"missile")),
        ("troops", re.compile(r"")),
    ),
    "COERCE": (
        ("arrest", re.compile(r"arrest|detain|jail|indict")),
        ("deport", re.compile(r"deport")),
        ("confiscate", re.compile(r"seiz|confiscat|raid")),
        ("censor", re.compile(r"censor")),
        ("curfew", re.compile(r"curfew")),
        ("martial-law", re.compile(r"martial|emergency")),
    ),
    "ASSAULT": (
        ("assassinate", re.compile(r"assassinat")),
        ("abduct", re.compile(r"kidnap|abduct|hijack")),
        ("torture", re.compile(r"tortur")),
        ("execute", re.compile(r"execut")),
        ("explosives", re.compile(r"bomb")),
        ("firearms", re.compile(r"\bshot\b")),
        ("heavy-weapons", re.compile(r"shell|air\s*strike|missile|drone")),
    ),
    "SANCTION": (("expel", re.compile(r"expel")),),
}
_MULTILATERAL = re.compile(r"\bon\s+the\s+sidelines\s+of\b|\bsummit\b", re.IGNORECASE)
_REQUIRE_RECIPIENT = frozenset({"CONSULT", "COOPERATE", "AID", "SANCTION"})
_SYMMETRIC = frozenset({"CONSULT", "AGREE", "COOPERATE"})
# Types whose cue said with "will", "would" or "agreed to" is an intent: PLOVER's AGREE.
_INTENT_TYPES = frozenset({"COOPERATE"})


def _prefixes(pattern: str) -> tuple[str, ...]:
    """The words a match of a cue pattern may begin with: the alternatives of its leading
    group ("(?:launched|held)\\s+joint" -> launched, held). An alternative that does not
    begin with a whole plain word ("launch(?:ed)?") comes back as written, for _index to
    refuse."""
    depth = 0
    body = pattern
    while body.startswith("(?:"):
        body = body[3:]
        depth += 1
    alternatives: list[str] = []
    if not depth:
        alternatives.append(body)
    else:
        level, current = depth, list[str]()
        for ch in body:
            if ch == "(":
                level += 1
            elif ch == ")":
                level -= 1
                if level < depth:
                    break
            if ch == "|" and level == depth:
                alternatives.append("".join(current))
                current = []
            else:
                current.append(ch)
        alternatives.append("".join(current))
    words: list[str] = []
    for alt in alternatives:
        if alt.startswith("(?:"):
            words.extend(_prefixes(alt))
            continue
        word = re.match(r"[a-z]+(?:-[a-z]+)*", alt)
        rest = alt[word.end() :] if word else alt
        plain = word is not None and (not rest or rest.startswith(("\\s", "(?:\\s", "(?!", "(?=")))
        words.append(word.group() if word is not None and plain else alt)
    return tuple(words)


def _index(lexicon: tuple[_Cue, ...]) -> dict[str, tuple[int, ...]]:
    """Cue numbers by the words they may begin with, so that a text is matched word by word
    against the few cues that may start there, not against all of them."""
    index: dict[str, list[int]] = {}
    for n, cue in enumerate(lexicon):
        starts = tuple(cue.first.split()) if cue.first else _prefixes(cue.pattern)
        if not all(re.fullmatch(r"[a-z]+(?:-[a-z]+)*", w) for w in starts):
            raise ValueError(f"cue {cue.pattern[:40]!r}: begins with no plain word to index")
        for start in starts:
            index.setdefault(start, []).append(n)
    return {k: tuple(sorted(set(v))) for k, v in index.items()}


_CUE_PATTERNS = tuple(
    re.compile(r"(?:" + c.pattern + r")(?![\w-])", re.IGNORECASE) for c in _LEXICON
)
_CUE_INDEX = _index(_LEXICON)
_TEXT_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")
# "the X-Y dialogue mechanism", "the Xi-Kishida meeting", "US-China trade talks".
_PAIR = re.compile(
    r"(?<![\w-])(?P<a>[A-Z][\w.]*(?:\s[A-Z][\w.]*)?)[-\u2013](?P<b>[A-Z][\w.]*(?:\s[A-Z][\w.]*)?)"
    r"(?P<rest>\s+(?:[\w-]+\s+){0,3}?(?:talks|meetings?|summit|dialogue|consultations|"
    r"negotiations|strategic\s+dialogue))\b"
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Sentence ends: punctuation, closing quotes, then space and a capital, a digit or a quote.
_SENT_END = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*(?=\s+[\"'\u201c\u2018(\[]?[A-Z0-9])")
_ABBREVIATIONS = _words(
    """mr mrs ms dr prof sen rep gov gen lt col capt sgt st mt jr sr inc corp co ltd no vs jan
    feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.u fig approx est dept
    """
)
_CLAUSE_BREAK = re.compile(r"[,;:()\u2014]|\s[-\u2013]\s|[\"\u201c\u201d]")
_PREPOSITION_BEFORE = re.compile(
    r"\b(?:in|at|on|from|to|with|for|by|near|into|over|against|about|after|before|during|"
    r"between|among|under|toward|towards|across|through|like|than|including|via)\s+"
    r"(?:the\s+|a\s+|an\s+)?$",
    re.IGNORECASE,
)
_LOCATIVE = re.compile(r"\b(?:in|at)\s+(?:the\s+)?$", re.IGNORECASE)
_POSSESSIVE = re.compile(r"^['\u2019]s?\b")
_PRONOUN = re.compile(r"\b(?:he|she)\b", re.IGNORECASE)
_POSSESSIVE_PRONOUN = re.compile(r"\b(?:his|her)\s+(?:[\w-]+\s+){0,3}$", re.IGNORECASE)
_NEGATED = re.compile(
    r"\b(?:not|never|no\s+longer|n't|failed\s+to|yet\s+to)\s+(?:\w+\s+){0,1}$", re.IGNORECASE
)
_DETERMINER_BEFORE = re.compile(
    r"(?:\b(?:the|a|an|its|their|his|her|our|these|those|such|new|fresh)|\w['\u2019]s?)\s+$",
    re.IGNORECASE,
)
_INFINITIVE = re.compile(r"\bto\s+(?:\w+ly\s+)?$", re.IGNORECASE)
_SCHEDULED = re.compile(
    r"\b(?:is|are|was|were|am)\s+(?:\w+ly\s+)?(?:due\s+|set\s+|scheduled\s+|expected\s+|"
    r"slated\s+|going\s+)?to\s+(?:\w+ly\s+)?$",
    re.IGNORECASE,
)
_PASSIVE = re.compile(
    r"\b(?:was|were|is|are|been|being|be|get|got)\s+(?:\w+ly\s+)?$", re.IGNORECASE
)
_INTENT = re.compile(
    r"\b(?:will|would|shall|'ll|agreed\s+to|agree\s+to|pledged\s+to|vowed\s+to|promised\s+to|"
    r"plans?\s+to|intends?\s+to|seeks?\s+to|aims?\s+to)\b",
    re.IGNORECASE,
)
_PRESENT = re.compile(r"\b(?:currently|now|right\s+now|at\s+present)\b", re.IGNORECASE)
_PROGRESSIVE_BEFORE = re.compile(r"\b(?:is|are|am)\s+(?:\w+ly\s+)?$", re.IGNORECASE)
# What may stand between a clause's start and its verb when the clause has no subject of its
# own ("Liu, head of ..., met"; "..., and on Monday sanctioned"): the subject is the sentence's.
_NO_SUBJECT = re.compile(
    r"^(?:\s|\b(?:and|but|then|also|who|which|has|have|had|is|are|was|were|will|would|could|"
    r"may|might|must|should|shall|already|later|earlier|separately|jointly|again|\w+ly)\b)*$",
    re.IGNORECASE,
)
_COORDINATED = re.compile(r"^\s*(?:,\s*)?(?:and|but|then)\s+(?:\w+ly\s+|also\s+|later\s+)*$")
_SENTENCE_OPENER = re.compile(
    r"^\s*[\"\u201c]?(?:at|during|in|after|before|following|on|ahead\s+of|since|amid|over)\b",
    re.IGNORECASE,
)
# Between a cue (or a possessive qualifier) and a recipient: articles, titles, roles.
_GAP_WORDS = _words(
    """the a an his her their its our both all also separately jointly then top senior visiting
    new former fellow counterpart counterparts officials official leaders leader opposition
    main ruling chief outgoing incoming acting deputy envoy envoys delegation delegations
    lawmakers lawmaker politicians politician representatives representative negotiators
    negotiator diplomats diplomat executives executive members member heads ministers
    presidents premiers with writer writers journalist journalists activist activists
    businessman businesswoman scientist scientists citizen citizens national nationals
    dissident dissidents lawyer lawyers author artist tycoon billionaire reporter reporters
    """
)
_NUMBERS = _words("two three four five six seven eight nine ten several some dozens")
# A demonym the gazetteer lacks ("Tanzanian", "Maltese"), by its shape: capitalised, with a
# demonym's ending.
_DEMONYM_SHAPE = re.compile(r"[A-Z][a-z]+(?:an|ese|ish|ian|i|ch)")
_INDEFINITE = re.compile(
    r"\s*(?:with\s+)?(?:an?|another|one)\s+(?P<desc>(?:[\w-]+\s+){0,4}?(?:diplomat|official|"
    r"envoy|minister|leader|delegation|executive|lawmaker|politician|representative|"
    r"counterpart|negotiator|ambassador|officer|figure|dignitary|adviser|advisor))s?\b"
)
_SEPARATOR = re.compile(
    r"^(?:\s*,\s*(?:and\s+|as\s+well\s+as\s+)?|\s+and\s+|\s+as\s+well\s+as\s+|\s*&\s*)"
)
_AFFILIATION = re.compile(r"^\s+(?:of|from|at)\s+(?:the\s+)?", re.IGNORECASE)
_APPOSITION = re.compile(r"^,\s+(?!who\b|which\b|that\b)(?P<body>[^,.;:]{1,120}?)[,.;:]")
_AFFILIATION_TEXT = re.compile(r"^\s+(?:of|from)\s+(?:the\s+)?(?P<body>[^,.;:]{1,90})")
_WORD = re.compile(r"[\w'\u2019.-]+|[^\w\s]")


@dataclass(frozen=True, slots=True)
class _Mention:
    start: int
    end: int
    entity: Entity


@dataclass(slots=True)
class _Found:
    """An event as it is being read (mutable until the end)."""

    type: str
    mode: str | None
    actor: Entity | EventParty
    recipient: Entity | EventParty | None
    sentence: int
    cue: str
    cue_start: int
    location: Entity | None = None
    when: TimeExpression | None = None
    present: bool = False
    country_hint: str | None = None  # the recipient's, from the description that named it


def sentences(text: str) -> list[tuple[int, int]]:
    """The spans of the text's sentences: split at paragraph breaks and at sentence ends that
    are not an abbreviation ("Mr.", "U.S.", "Sept.") or an initial ("H.")."""
    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]*)*", text):
        start = para.start()
        for m in _SENT_END.finditer(text, para.start(), para.end()):
            word = re.search(
                r"([\w.]+)\.*$", text[max(para.start(), m.start() - 12) : m.start() + 1]
            )
            last = word.group(1).rstrip(".").casefold() if word else ""
            if text[m.start()] == "." and (last in _ABBREVIATIONS or len(last) == 1):
                continue
            spans.append(_trim(text, start, m.end()))
            start = m.end()
        if text[start : para.end()].strip():
            spans.append(_trim(text, start, para.end()))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def events(text: str, entities: Sequence[Entity], anchor: date | None = None) -> tuple[Event, ...]:
    """The events of an article: ``text`` is Article.text, ``entities`` its resolved entities
    (Annotations.entities; only mentions in the text are read), ``anchor`` the story's date
    (None: time expressions are kept, their dates None)."""
    if not text or not entities:
        return ()
    reader = _Reader(text, entities, anchor)
    return reader.read()


class _Reader:
    def __init__(self, text: str, entities: Sequence[Entity], anchor: date | None) -> None:
        self.text = text
        self.anchor = anchor
        self.entities = {e.id: e for e in entities}
        mentions = [
            _Mention(m.start, m.end, e)
            for e in entities
            for m in e.mentions
            if m.part == "text" and 0 <= m.start < m.end <= len(text)
        ]
        mentions.sort(key=lambda m: (m.start, -m.end))
        kept: list[_Mention] = []
        for m in mentions:  # nested spans: the outer one
            if not kept or m.start >= kept[-1].end:
                kept.append(m)
        self.mentions = kept
        self.starts = [m.start for m in kept]
        self.sentences = sentences(text)
        # Cues are found once in the whole text, then read by sentence.
        self.dates = [find_dates(text[a:b], anchor, offset=a) for a, b in self.sentences]
        starts = [start for start, _ in self.sentences]
        self.cues: dict[int, list[tuple[_Cue, re.Match[str]]]] = {}
        for cue, match in _cue_matches(text):
            n = bisect_left(starts, match.start() + 1) - 1
            if n >= 0 and match.end() <= self.sentences[n][1]:
                self.cues.setdefault(n, []).append((cue, match))
        self.countries = _countries(text, kept, entities)

    # ----- lookups

    def in_span(self, start: int, end: int) -> list[_Mention]:
        i = bisect_left(self.starts, start)
        out = []
        while i < len(self.mentions) and self.mentions[i].start < end:
            if self.mentions[i].end <= end:
                out.append(self.mentions[i])
            i += 1
        return out

    def times(self, s: int) -> tuple[TimeExpression, ...]:
        return self.dates[s]

    def blank_times(self, s: int, start: int, end: int) -> str:
        """The text from start to end with its time expressions blanked out."""
        piece = list(self.text[start:end])
        for t in self.times(s):
            for i in range(max(t.start, start), min(t.end, end)):
                piece[i - start] = " "
        return "".join(piece)

    # ----- reading

    def read(self) -> tuple[Event, ...]:
        found: list[_Found] = []
        for n, (start, _end) in enumerate(self.sentences):
            here: list[_Found] = []
            for cue, m in self.cues.get(n, ()):
                if not self._not_an_event(start, m.start(), cue):
                    here.extend(self._cue_events(n, cue, m, here))
            here.extend(self._pair_events(n))
            here.sort(key=lambda f: f.cue_start)
            found.extend(here)
        return tuple(self._finish(found))

    def _not_an_event(self, s_start: int, at: int, cue: _Cue) -> bool:
        before = self.text[max(s_start, at - 40) : at]
        if cue.form == _V and _DETERMINER_BEFORE.search(before):
            return True  # "the unions' demands", "its sanctions": a noun, not a verb
        if _inside_quote(self.text[s_start:at]):
            return True
        if _NEGATED.search(before):
            return True
        return bool(_INFINITIVE.search(before) and not _SCHEDULED.search(before))

    def _clause_start(self, s: int, at: int) -> int:
        start = self.sentences[s][0]
        for b in _CLAUSE_BREAK.finditer(self.text, start, at):
            start = b.end()
        return start

    def _clause_end(self, s: int, at: int) -> int:
        end = self.sentences[s][1]
        b = _CLAUSE_BREAK.search(self.text, at, end)
        return b.start() if b else end

    def _cue_events(self, s: int, cue: _Cue, m: re.Match[str], here: list[_Found]) -> list[_Found]:
        s_start, _s_end = self.sentences[s]
        cue_start, cue_end = m.start(), m.end()
        before = self.text[max(s_start, cue_start - 40) : cue_start]
        passive = cue.form == _V and bool(_PASSIVE.search(before)) and _participle(m.group())
        kind = cue.type
        if kind in _INTENT_TYPES and _INTENT.search(
            self.text, self._clause_start(s, cue_start), cue_start
        ):
            kind = "AGREE"
        recipients: list[Entity | EventParty]
        named = self._named_next(s, cue_end) if cue.type == "CONSULT" else None
        if named is not None:  # "met a senior Chinese diplomat": named in the next sentence
            recipients, list_end, hint = [named[0]], cue_end, named[1]
        else:
            recipients, list_end, hint = self._recipients(s, cue, cue_end)
        actor: Entity | EventParty | None
        if cue.form == _N:
            if cue.pattern.endswith("between)") and m.group().lower().endswith("between"):
                if len(recipients) < 2:
                    return []
                actor, recipients = recipients[0], recipients[1:]
            else:
                actor = self._noun_actor(s, cue_start, list_end)
        elif passive:
            actor = self._by_agent(s, cue_end)
            subject = self._actor(s, cue_start, here)
            recipients = [subject] if subject is not None else []
        else:
            actor = self._actor(s, cue_start, here)
        if actor is None:
            return []
        if not recipients and not passive and cue.form != _N and kind in _SYMMETRIC:
            partner = self._coordinated_subject(s, actor)
            if partner is not None:
                actor, recipients = partner, [actor]
        recipients = [r for r in recipients if _ident(r) != _ident(actor)]
        if not recipients and kind in _REQUIRE_RECIPIENT:
            return []
        if cue.form == "host":
            if len(recipients) != 1 or _kind(recipients[0]) is ORGANISATION:
                return []  # "hosted the summit" names no guest
            actor, recipients = recipients[0], [actor]
        frame_start = self._clause_start(s, cue_start)
        frame_end = self._clause_end(s, max(cue_end, list_end))
        when = self._when(s, cue_start, cue_end, frame_start, frame_end)
        location = self._location(s, cue_start, frame_start, frame_end, (actor, *recipients))
        mode = self._mode(s, kind, cue, m, frame_end)
        # "is currently leading", "are holding talks": the story's own day (rule 9).
        present = when is None and (
            _PRESENT.search(self.text, frame_start, cue_end) is not None
            or (
                _PROGRESSIVE_BEFORE.search(before) is not None
                and m.group().split()[0].lower().endswith("ing")
            )
        )
        out: list[_Found] = []
        each: list[Entity | EventParty | None] = list(recipients) or [None]
        for r in each:
            out.append(
                _Found(
                    kind,
                    mode,
                    actor,
                    r,
                    s,
                    m.group(),
                    cue_start,
                    location,
                    when,
                    present,
                    hint,
                )
            )
        return out

    def _pair_events(self, s: int) -> list[_Found]:
        start, end = self.sentences[s]
        out: list[_Found] = []
        if "-" not in self.text[start:end] and "\u2013" not in self.text[start:end]:
            return out  # no "X-Y" in it
        for m in _PAIR.finditer(self.text, start, end):
            if _inside_quote(self.text[start : m.start()]):
                continue
            a = self._side(m.start("a"), m["a"], last=True)
            # "The US-China talks": the cue begins at the side that names a party.
            first = (
                m["a"].split()[-1]
                if a is not None and self._party_named(m.start("a"), m.end("a"), m["a"]) is None
                else m["a"]
            )
            cue_start = m.end("a") - len(first)
            b = self._side(m.start("b"), m["b"], last=False)
            if a is None or b is None or _ident(a) == _ident(b):
                continue
            frame_start = self._clause_start(s, m.start())
            frame_end = self._clause_end(s, m.end())
            when = self._when(s, m.start(), m.end(), frame_start, frame_end)
            location = self._location(s, m.start(), frame_start, frame_end, (a, b))
            mode = "multilateral" if _MULTILATERAL.search(m["rest"]) else None
            cue = self.text[cue_start : m.end()]
            out.append(_Found("CONSULT", mode, a, b, s, cue, cue_start, location, when))
        return out

    def _side(self, start: int, name: str, *, last: bool) -> Entity | EventParty | None:
        """A side of "X-Y talks": its whole name, else the word next to the hyphen ("The
        China-Japan" is China)."""
        found = self._party_named(start, start + len(name), name)
        words = name.split()
        if found is None and len(words) > 1:
            word = words[-1] if last else words[0]
            at = start + len(name) - len(word) if last else start
            found = self._party_named(at, at + len(word), word)
        return found

    def _party_named(self, start: int, end: int, name: str) -> Entity | EventParty | None:
        """The entity a side of "X-Y talks" names: a mention there, a person by a word of
        their name, or a country of the gazetteer."""
        for mention in self.in_span(start, end):
            if mention.start == start and mention.end == end:
                return mention.entity
        words = name.split()
        for e in self.entities.values():
            if e.kind is PERSON and words[-1] in e.name.split():
                return e
        known = gazetteer().by_name.get(name)
        if known is not None and known.kind == "place":
            for e in self.entities.values():
                if e.key == known.key:
                    return e
            return EventParty(None, known.name, PLACE, known.alpha3)
        return None

    # ----- parties

    def _subject_like(self, m: _Mention, s_start: int) -> bool:
        before = self.text[max(s_start, m.start - 20) : m.start]
        return not _PREPOSITION_BEFORE.search(before)

    def _actor(self, s: int, cue_start: int, here: list[_Found]) -> Entity | EventParty | None:
        s_start = self.sentences[s][0]
        clause = self._clause_start(s, cue_start)
        candidates = [m for m in self.in_span(clause, cue_start) if self._subject_like(m, s_start)]
        last_end = candidates[-1].end if candidates else clause
        if _PRONOUN.search(self.text, last_end, cue_start):
            return self._pronoun(s, cue_start)
        if candidates:
            return candidates[-1].entity
        gap = self.blank_times(s, clause, cue_start)
        if here and _COORDINATED.match(gap):
            return here[-1].actor
        if clause > s_start and _NO_SUBJECT.match(gap):
            return self._sentence_subject(s, cue_start)
        return None

    def _sentence_subject(self, s: int, before: int) -> Entity | None:
        s_start = self.sentences[s][0]
        for m in self.in_span(s_start, before):
            if self._subject_like(m, s_start):
                if _POSSESSIVE.match(self.text[m.end : m.end + 2]):
                    continue  # "Japan's prime minister": the minister, if anyone
                return m.entity
        return None

    def _pronoun(self, s: int, at: int) -> Entity | None:
        """He or she: the first person named in the sentence before it, else in the nearest
        sentence before that names one (the subject, most often)."""
        s_start = self.sentences[s][0]
        for m in self.in_span(s_start, at):
            if m.entity.kind is PERSON:
                return m.entity
        for back in range(s - 1, max(-1, s - 4), -1):
            start, end = self.sentences[back]
            for m in self.in_span(start, end):
                if m.entity.kind is PERSON:
                    return m.entity
        return None

    def _noun_actor(self, s: int, cue_start: int, list_end: int) -> Entity | EventParty | None:
        s_start, s_end = self.sentences[s]
        before = self.text[max(s_start, cue_start - 60) : cue_start]
        owner = re.search(r"['\u2019]s?\s+(?:[\w-]+\s+){0,3}$", before)
        if owner:
            at = cue_start - len(before) + owner.start()
            for m in self.in_span(s_start, at + 1):
                if m.end == at:
                    return m.entity
        if _POSSESSIVE_PRONOUN.search(before):
            return self._pronoun(s, cue_start)
        if re.search(r"\b(?:their|its|our)\s+(?:[\w-]+\s+){0,3}$", before, re.IGNORECASE):
            return None
        clause = self._clause_start(s, cue_start)
        if clause == s_start and _SENTENCE_OPENER.match(self.text[s_start:cue_start]):
            # "At Sunday's meeting with Kishida, Premier Li ...": the main clause's subject.
            after = self._clause_end(s, list_end)
            found = self.in_span(after, s_end)
            for n, m in enumerate(found):
                if n + 1 < len(found) and self._qualifies(m, found[n + 1]):
                    continue  # "..., Australian Prime Minister Anthony Albanese urged"
                if self._subject_like(m, s_start):
                    return m.entity
            return None
        if _PREPOSITION_BEFORE.search(before) or re.search(
            r"\b(?:in|during|at|after|following|before|ahead\s+of)\s+(?:[\w-]+\s+){0,2}$",
            before,
            re.IGNORECASE,
        ):
            return self._sentence_subject(s, cue_start)
        return None

    def _by_agent(self, s: int, cue_end: int) -> Entity | None:
        end = self._clause_end(s, cue_end)
        by = re.compile(r"\bby\s+(?:the\s+)?", re.IGNORECASE).search(self.text, cue_end, end)
        if by is None:
            return None
        found = self.in_span(by.end(), end)
        for n, m in enumerate(found):
            if n + 1 < len(found) and self._qualifies(m, found[n + 1]):
                continue  # "by French President Emmanuel Macron"
            if m.start - by.end() <= 40:
                return m.entity
        return None

    def _coordinated_subject(self, s: int, actor: Entity | EventParty) -> Entity | None:
        """ "X and Y met": the X before the actor Y, joined by "and"."""
        s_start = self.sentences[s][0]
        mine = [m for m in self.in_span(s_start, self.sentences[s][1]) if m.entity is actor]
        if not mine:
            return None
        first = mine[0]
        for m in self.in_span(s_start, first.start):
            gap = self.text[m.end : first.start]
            if re.fullmatch(r"\s*(?:,\s*)?and\s+(?:[\w-]+\s+){0,3}", gap) and all(
                is_title_word(w) or w.lower() in _GAP_WORDS for w in gap.split()[1:]
            ):
                return m.entity
        return None

    def _recipients(
        self, s: int, cue: _Cue, cue_end: int
    ) -> tuple[list[Entity | EventParty], int, str | None]:
        """The entities the cue is done to, where the list of them ends, and a country that
        qualified them ("Japan's opposition leaders, X and Y")."""
        s_end = self.sentences[s][1]
        following = self.in_span(cue_end, s_end)
        if not following:
            return [], cue_end, None
        first = self._first_recipient(s, cue, cue_end, following)
        if first is None and cue.reach:
            # "controls on chipmaking equipment to China": each preposition the cue takes, in
            # turn, until one leads to a recipient.
            end = self._clause_end(s, cue_end)
            for r in _reach(cue.reach).finditer(self.text, cue_end, end):
                first = self._first_recipient(s, cue, r.end(), following)
                if first is not None:
                    break
        if first is None:
            return [], cue_end, None
        index, hint = first
        out: list[Entity | EventParty] = [following[index].entity]
        ends = [following[index].end]
        bare: int | None = None  # where the list first went on after a bare comma
        i = index
        while i + 1 < len(following):
            here, nxt = following[i], following[i + 1]
            after = self.text[here.end : nxt.start]
            if _AFFILIATION.match(after) and "," not in after and len(after) < 80:
                # "Kenta Izumi of the ... Party": an affiliation, then maybe the list goes on.
                i += 1
                ends[-1] = following[i].end
                continue
            sep = _SEPARATOR.match(after)
            if sep is None:
                break
            rest = after[sep.end() :]
            if not self._gap_ok(rest, cue):
                break
            j = i + 1
            # "and Chinese President Xi": a qualifier before the next recipient.
            while j + 1 < len(following) and self._qualifies(following[j], following[j + 1]):
                j += 1
            kind = following[j].entity.kind
            if kind is not following[index].entity.kind and kind is PLACE:
                break
            if "and" not in sep.group() and "&" not in sep.group() and bare is None:
                bare = len(out)
            out.append(following[j].entity)
            ends.append(following[j].end)
            i = j
        if bare is not None and not re.search(
            r"\b(?:and|as\s+well\s+as)\b|&", self.text[ends[bare - 1] : ends[-1]]
        ):
            # "with X, Australian Prime Minister Y ...": no "and" closes it, so no list.
            out, ends = out[:bare], ends[:bare]
        return out, ends[-1], hint

    def _first_recipient(
        self, s: int, cue: _Cue, at: int, following: list[_Mention]
    ) -> tuple[int, str | None] | None:
        hint = None
        for i, m in enumerate(following):
            if m.start < at:
                continue
            gap = self.blank_times(s, at, m.start)
            if not self._gap_ok(gap, cue):
                return None
            if i + 1 < len(following) and self._qualifies(m, following[i + 1]):
                hint = self.countries.get(m.entity.id) or hint
                at = m.end
                after = self.text[m.end : following[i + 1].start]
                if _POSSESSIVE.match(after):
                    at = m.end + len(after)  # past "'s opposition leaders, "
                continue
            return i, hint
        return None

    def _gap_ok(self, gap: str, cue: _Cue) -> bool:
        words = _WORD.findall(gap)
        if len(words) > 8:
            return False
        for w in words:
            low = w.casefold()
            if low in _GAP_WORDS or low in cue.reach or is_title_word(low):
                continue
            if low in _NUMBERS or w.isdigit() or _DEMONYM_SHAPE.fullmatch(w):
                continue  # "three Iranian banks", "Tanzanian President"
            if low.endswith("s") and (low[:-1] in _GAP_WORDS or is_title_word(low[:-1])):
                continue
            return False
        return True

    def _qualifies(self, m: _Mention, nxt: _Mention) -> bool:
        """A place or organisation that qualifies the person after it: "Chinese President
        Xi", "Japan's opposition leaders, Kenta Izumi", "IBM chief executive Arvind Krishna"."""
        if nxt.entity.kind is not PERSON or m.entity.kind is PERSON:
            return False
        between = self.text[m.end : nxt.start]
        possessive = _POSSESSIVE.match(between)
        if possessive:
            between = between[possessive.end() :]
            between = between.rstrip().removesuffix(",")
        words = between.split()
        if len(words) > 5:
            return False
        return all(
            is_title_word(w) or w.casefold() in _GAP_WORDS or w.casefold().rstrip("s") in _GAP_WORDS
            for w in words
        )

    def _named_next(self, s: int, cue_end: int) -> tuple[Entity, str | None] | None:
        """ "X met a senior Chinese diplomat": the person named at the start of the next
        sentence, with the country the description gave."""
        described = _INDEFINITE.match(self.text, cue_end, self.sentences[s][1])
        if described is None or s + 1 >= len(self.sentences):
            return None
        start, end = self.sentences[s + 1]
        opening = self.in_span(start, end)
        if not opening or opening[0].start - start > 4 or opening[0].entity.kind is not PERSON:
            return None
        hint = None
        for known in _country_names().finditer(described["desc"]):
            hint = _country_code(known.group())
            break
        return opening[0].entity, hint

    # ----- where, when, how

    def _location(
        self,
        s: int,
        cue_start: int,
        frame_start: int,
        frame_end: int,
        parties: tuple[Entity | EventParty, ...],
    ) -> Entity | None:
        s_start, _s_end = self.sentences[s]
        taken = {_ident(p) for p in parties}
        spans = [(cue_start, frame_end), (frame_start, cue_start)]
        opener = self._clause_end(s, s_start)
        if _SENTENCE_OPENER.match(self.text[s_start:opener]):
            spans.append((s_start, opener))
        for start, end in spans:
            for m in self.in_span(start, end):
                if m.entity.kind is not PLACE or _ident(m.entity) in taken:
                    continue
                if _LOCATIVE.search(self.text[max(s_start, m.start - 8) : m.start]):
                    return m.entity
        return None

    def _when(
        self, s: int, cue_start: int, cue_end: int, frame_start: int, frame_end: int
    ) -> TimeExpression | None:
        times = self.times(s)
        after = [t for t in times if cue_end <= t.start < frame_end]
        if after:
            return after[0]
        before = [t for t in times if frame_start <= t.start and t.end <= cue_start]
        if before:
            return before[-1]
        inside = [t for t in times if cue_start <= t.start < cue_end]
        if inside:
            return inside[0]
        s_start = self.sentences[s][0]
        opener = self._clause_end(s, s_start)
        if opener < cue_start and _SENTENCE_OPENER.match(self.text[s_start:opener]):
            fronted = [t for t in times if t.end <= opener]
            if fronted:
                return fronted[-1]
        return None

    def _mode(self, s: int, kind: str, cue: _Cue, m: re.Match[str], frame_end: int) -> str | None:
        if cue.mode is not None and kind == cue.type:
            return cue.mode
        window = (m.group() + " " + self.text[m.end() : min(frame_end + 40, m.end() + 90)]).lower()
        for mode, pattern in _MODES.get(kind, ()):
            if pattern.search(m.group().lower() if kind == "CONSULT" else window):
                return mode
        s_start, s_end = self.sentences[s]
        if kind == "CONSULT" and _MULTILATERAL.search(self.text, s_start, s_end):
            return "multilateral"
        return None

    # ----- the end

    def _party(self, p: Entity | EventParty, hint: str | None = None) -> EventParty:
        if isinstance(p, EventParty):
            return p
        return EventParty(p.id, p.name, p.kind, self.countries.get(p.id) or hint)

    def _finish(self, found: list[_Found]) -> list[Event]:
        kept: list[_Found] = []
        for f in found:
            if not self._merged(f, kept):
                kept.append(f)
        out: list[Event] = []
        for f in kept:
            if f.location is None and f.when is not None and f.when.date is not None:
                f.location = self._carried(f, kept)
            actor = self._party(f.actor)
            recipient = None if f.recipient is None else self._party(f.recipient, f.country_hint)
            mode = f.mode
            location = None if f.location is None else self._party(f.location)
            if f.type == "CONSULT" and mode is None and location is not None:
                mode = _place_mode(actor, recipient, location)
            date_iso = f.when.date if f.when is not None else None
            if f.when is None and f.present and self.anchor is not None:
                date_iso = self.anchor.isoformat()
            start, end = self.sentences[f.sentence]
            out.append(
                Event(
                    type=f.type,
                    actor=actor,
                    recipient=recipient,
                    sentence=f.sentence,
                    text=self.text[start:end],
                    cue=f.cue,
                    mode=mode,
                    location=location,
                    date=date_iso,
                    date_text=f.when.text if f.when is not None else None,
                )
            )
        return out

    def _merged(self, f: _Found, kept: list[_Found]) -> bool:
        """Whether f repeats an event already kept (rule 11); the kept one takes what f adds."""
        pair = {_ident(f.actor), _ident(f.recipient)}
        for k in kept:
            if k.type != f.type:
                continue
            same_date = (
                f.when is None
                or k.when is None
                or (f.when.date is not None and f.when.date == k.when.date)
            )
            if f.type == "CONSULT" and {_ident(k.actor), _ident(k.recipient)} == pair and same_date:
                if k.location is None and f.location is not None:
                    k.location = f.location
                if k.when is None and f.when is not None:
                    k.when = f.when
                return True
            if (
                _ident(k.actor) == _ident(f.actor)
                and _ident(k.recipient) == _ident(f.recipient)
                and (k.when.date if k.when else None) == (f.when.date if f.when else None)
            ):
                return True
        return False

    def _carried(self, f: _Found, kept: list[_Found]) -> Entity | None:
        """The place of an earlier event on the same date that shares a party (rule 8)."""
        mine = {_ident(f.actor), _ident(f.recipient)} - {None}
        for k in kept:
            if k is f:
                break
            if k.location is None or k.when is None or f.when is None:
                continue
            if k.when.date == f.when.date and mine & {_ident(k.actor), _ident(k.recipient)}:
                return k.location
        return None


@cache
def _reach(prepositions: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(prepositions) + r")\s+", re.IGNORECASE)


def _cue_matches(text: str) -> list[tuple[_Cue, re.Match[str]]]:
    """The cues in a text, leftmost first, none overlapping; at one word the first cue of the
    lexicon that matches wins. Only the words that may begin a cue are visited: the set of the
    text's words meets the index first."""
    low = text.lower()
    if len(low) != len(text):  # "İ" lowers to two characters: keep the offsets
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    starts: list[tuple[int, str]] = []
    for word in _CUE_INDEX.keys() & set(_TEXT_WORD.findall(low)):
        at = low.find(word)
        while at >= 0:
            end = at + len(word)
            if (at == 0 or not _in_word(low[at - 1])) and (
                end == len(low) or not _in_word(low[end])
            ):
                starts.append((at, word))
            at = low.find(word, end)
    starts.sort()
    out: list[tuple[_Cue, re.Match[str]]] = []
    after = 0
    for at, word in starts:
        if at < after:
            continue
        for n in _CUE_INDEX[word]:
            m = _CUE_PATTERNS[n].match(text, at)
            if m is not None:
                out.append((_LEXICON[n], m))
                after = m.end()
                break
    return out


def _in_word(ch: str) -> bool:
    return ch.isalnum() or ch == "-"


def _place_mode(
    actor: EventParty, recipient: EventParty | None, location: EventParty
) -> str | None:
    """A meeting in the recipient's country is the actor's visit; in a country neither
    party is from, a third party's."""
    here = location.country
    if here is None or recipient is None or actor.country is None or recipient.country is None:
        return None
    if here == recipient.country and here != actor.country:
        return "visit"
    if here not in (actor.country, recipient.country):
        return "third-party"
    return None


def _kind(p: Entity | EventParty) -> EntityKind:
    return p.kind


def _ident(p: Entity | EventParty | None) -> object:
    if p is None:
        return None
    if isinstance(p, Entity):
        return p.id
    return p.id if p.id is not None else p.name


def _participle(cue_text: str) -> bool:
    first = cue_text.split()[0].lower()
    return first.endswith("ed") or first in {"met", "held", "hit", "shot", "seized", "sent"}


def _inside_quote(before: str) -> bool:
    """Whether a position follows an opened, unclosed quotation in its sentence."""
    curly = before.count("\u201c") - before.count("\u201d")
    return curly > 0 or before.count('"') % 2 == 1


# ----- countries


@cache
def _country_names() -> re.Pattern[str]:
    """Every name, alias and demonym of a gazetteer country, as whole words."""
    names = sorted(
        (name for name, known in gazetteer().by_name.items() if known.alpha3),
        key=len,
        reverse=True,
    )
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w-])")


def _country_code(name: str) -> str | None:
    known = gazetteer().by_name.get(name)
    return known.alpha3 if known is not None else None


_TITLE_RUN = re.compile(r"(?:['\u2019]s)?\s+(?:[\w.-]+\s+){0,5}$")


def _countries(text: str, mentions: list[_Mention], entities: Sequence[Entity]) -> dict[int, str]:
    """Each entity's country where the article or the gazetteer says (rule 7)."""
    out: dict[int, str] = {}
    names = _country_names()
    by_key = gazetteer().by_key
    for e in entities:
        if e.key and (known := by_key.get(e.key)) is not None and known.alpha3:
            out[e.id] = known.alpha3
        elif e.country:
            out[e.id] = e.country  # linked: a city's, a person's or a listed company's country
        elif e.kind is ORGANISATION:
            hit = names.search(e.name)
            if hit and (code := _country_code(hit.group())):
                out[e.id] = code
    country_at = {m.start: m for m in mentions if m.entity.id in out and m.entity.kind is PLACE}
    for i, m in enumerate(mentions):
        e = m.entity
        if e.id in out or e.kind is PLACE:
            continue
        code = None
        # "Japanese Prime Minister Fumio Kishida", "China's foreign minister Wang Yi".
        for j in range(i - 1, max(-1, i - 3), -1):
            q = mentions[j]
            if q.start not in country_at:
                continue
            between = text[q.end : m.start]
            run = _TITLE_RUN.fullmatch(between)
            if run and all(
                is_title_word(w)
                or w.casefold() in _GAP_WORDS
                or w.casefold().rstrip("s") in _GAP_WORDS
                for w in between.replace("\u2019", "'").removeprefix("'s").split()
            ):
                code = out[q.entity.id]
            break
        if code is None and e.kind is PERSON:
            after = text[m.end : m.end + 130]
            body = _APPOSITION.match(after) or _AFFILIATION_TEXT.match(after)
            named = body is not None and any(
                n.entity.kind is PERSON
                for n in mentions[i + 1 : i + 4]
                if n.start < m.end + body.end()
            )
            if body is not None and not named:  # ", Australian Prime Minister Y" is not X
                hit = names.search(body["body"])
                if hit:
                    code = _country_code(hit.group())
        if code is not None:
            out[e.id] = code
    return out
