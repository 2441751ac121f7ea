"""Topics: what a story is about, from a documented taxonomy (docs/topics.md), by cue phrases.

Each topic has cue phrases, matched as whole words in the case-folded headline and text. A cue
in the headline counts three times, in the first two paragraphs twice, elsewhere once. A topic
is kept when it reaches MIN_SCORE from at least two different cues, or from one cue that says
more than a word can ("quarterly profit", "rate cut": several words) in the headline or the
lead; its relevance is its share of the best topic's score, so the main topic is 1.0. At most
MAX_TOPICS are kept, best first. Rules, not a model: each decision can be read off the cues it
lists, and the taxonomy can be extended by editing TAXONOMY.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from marketdesk.model import Article, TopicTag

__all__ = ["MAX_TOPICS", "MIN_SCORE", "TAXONOMY", "TopicDef", "topics"]

MIN_SCORE = 2.0
MAX_TOPICS = 5
_HEAD, _LEAD, _BODY = 3.0, 2.0, 1.0


@dataclass(frozen=True, slots=True)
class TopicDef:
    code: str
    label: str
    cues: tuple[str, ...]  # lower-case phrases; "s?" style plurals written out


def _t(code: str, label: str, cues: str) -> TopicDef:
    return TopicDef(code, label, tuple(c.strip() for c in cues.split("|") if c.strip()))


TAXONOMY: tuple[TopicDef, ...] = (
    _t(
        "trade",
        "Trade and tariffs",
        "tariff|tariffs|trade war|trade deal|trade talks|trade deficit|trade surplus|"
        "import duties|import duty|anti-dumping|customs duties|free trade|"
        "world trade organization|wto|trade dispute|trade tensions|exports|imports|quotas",
    ),
    _t(
        "sanctions",
        "Sanctions and export controls",
        "sanction|sanctions|export control|export controls|export curbs|"
        "export restrictions|export ban|entity list|blacklist|blacklisted|embargo|"
        "asset freeze|ofac|chip curbs|restrictions on exports",
    ),
    _t(
        "security",
        "Security and defence",
        "military|defence|defense|missile|missiles|troops|navy|army|warship|warships|nato|"
        "weapons|drills|coast guard|national security|espionage|invasion|ceasefire|"
        "air force|security alliance",
    ),
    _t(
        "diplomacy",
        "Diplomacy",
        "summit|foreign minister|foreign ministry|ambassador|embassy|bilateral|diplomatic|"
        "diplomacy|state visit|talks with|met with|meeting with|dialogue|envoy|delegation|"
        "counterpart|relations between|ties between|visited",
    ),
    _t(
        "monetary",
        "Monetary policy",
        "central bank|interest rate|interest rates|policy rate|rate hike|rate hikes|"
        "rate cut|rate cuts|cut rates|cuts rates|raise rates|raises rates|raised rates|"
        "hold rates|holds rates|held rates|key rate|benchmark rate|rate rise|rate rises|"
        "inflation|price pressures|central banks|reserve bank|"
        "basis points|monetary policy|quantitative easing|inflation target|deposit rate|"
        "loan prime rate|federal reserve|fed|ecb|bank of japan|boj|bank of england|"
        "rate decision|hawkish|dovish",
    ),
    _t(
        "fiscal",
        "Fiscal policy and budgets",
        "budget|fiscal|deficit|spending cuts|tax cuts|tax cut|income tax|"
        "capital gains tax|capital gains taxes|stimulus package|government spending|"
        "debt ceiling|treasury secretary|finance minister|chancellor",
    ),
    _t(
        "economy",
        "Economic data and outlook",
        "gdp|gross domestic product|economic growth|economy grew|economy|recession|"
        "unemployment|jobless|payrolls|jobs report|inflation|consumer prices|cpi|"
        "retail sales|industrial output|factory activity|pmi|growth forecast|"
        "outlook for growth|wage growth|wages",
    ),
    _t(
        "energy",
        "Energy",
        "oil|crude|brent|west texas intermediate|wti|opec|natural gas|lng|refinery|"
        "refineries|barrel|barrels|pipeline|gasoline|diesel|coal|power grid|electricity|"
        "renewable|renewables|solar|wind power|nuclear power|output cuts",
    ),
    _t(
        "commodities",
        "Metals and farm goods",
        "gold|silver|copper|aluminium|aluminum|nickel|lithium|iron ore|steel|wheat|corn|"
        "soybeans|coffee|cocoa|sugar|metals|commodities|commodity",
    ),
    _t(
        "food",
        "Food, fisheries and farming",
        "seafood|fisheries|fishery|fish|food safety|food imports|agriculture|agricultural|"
        "farmers|farm|crops|harvest|livestock|beef|pork|rice|seafood ban|import ban",
    ),
    _t(
        "earnings",
        "Earnings",
        "earnings|quarterly profit|quarterly results|net income|net profit|"
        "operating profit|profit|revenue|revenues|sales rose|sales fell|"
        "earnings per share|guidance|forecast|beat estimates|missed estimates|quarter|"
        "fiscal year|dividend|buyback|buy back",
    ),
    _t(
        "mergers",
        "Mergers and acquisitions",
        "merger|mergers|acquisition|acquisitions|acquire|acquired|takeover|taking over|"
        "buyout|bid for|deal valued|stake in|stake|spin off|spin-off|combine with|"
        "antitrust approval|agrees to buy|agreed to buy|offered to buy|offer to buy|buy rival|"
        "combined company|merged company",
    ),
    _t(
        "markets",
        "Stock markets",
        "shares|stocks|stock market|equities|index|indexes|composite|rallied|rally|"
        "sell-off|selloff|tumbled|slumped|record high|bull market|bear market|traders|"
        "investors|exchange-traded|nasdaq|dow jones|s&p 500|nikkei|hang seng|topix|kospi|"
        "stoxx|ftse|dax|cac",
    ),
    _t(
        "bonds",
        "Bonds and yields",
        "bond|bonds|yield|yields|treasuries|treasury yields|gilt|gilts|bund|bunds|jgb|"
        "jgbs|credit spreads|debt sale|bond sale|bond market|curve",
    ),
    _t(
        "currencies",
        "Currencies",
        "currency|currencies|exchange rate|yen|dollar|euro|yuan|renminbi|sterling|pound|"
        "peso|rupee|franc|loonie|won|forex|foreign exchange|intervention|devaluation",
    ),
    _t(
        "crypto",
        "Crypto assets",
        "bitcoin|ether|ethereum|crypto|cryptocurrency|cryptocurrencies|stablecoin|"
        "blockchain|token|tokens|crypto exchange",
    ),
    _t(
        "politics",
        "Elections and politics",
        "election|elections|vote|voters|ballot|campaign|parliament|lawmakers|opposition|"
        "party leader|leadership vote|coalition|approval rating|prime minister|president|"
        "presidential|cabinet|ruling party|referendum",
    ),
    _t(
        "regulation",
        "Regulation and law",
        "regulator|regulators|regulation|regulations|antitrust|competition authority|"
        "lawsuit|sued|court|fine|fined|settlement|investigation|probe|"
        "securities and exchange commission|sec|compliance|judicial",
    ),
    _t(
        "technology",
        "Technology and semiconductors",
        "chip|chips|chipmaker|chipmakers|semiconductor|semiconductors|chipmaking|"
        "artificial intelligence|ai|software|cloud|data center|data centre|smartphone|"
        "smartphones|electric vehicle|electric vehicles|ev|evs|lithography",
    ),
)


def _pattern(cues: Sequence[str]) -> re.Pattern[str]:
    # Longest first, so "rate cuts" is one cue, not "rate" and "cuts"; whole words only.
    alts = "|".join(re.escape(c) for c in sorted(cues, key=len, reverse=True))
    return re.compile(rf"(?<![\w&])(?:{alts})(?![\w&])")


_PATTERNS = tuple((t, _pattern(t.cues)) for t in TAXONOMY)
_RUN = re.compile(r"[\w&]+")


def _first_runs(cues: Sequence[str]) -> frozenset[str]:
    """The first run of word characters of each cue ("anti" of "anti-dumping"). A match of
    a cue begins where no word character stands before it, so the text holds that run as a
    whole run of its own: a topic none of whose first runs the text holds has no match."""
    return frozenset(m.group() for c in cues if (m := _RUN.match(c)) is not None)


_FIRST_RUNS = tuple(_first_runs(t.cues) for t in TAXONOMY)


def topics(article: Article) -> tuple[TopicTag, ...]:
    """The article's topics, best first (see the module docstring)."""
    parts = [
        ((article.title or "").casefold(), _HEAD),
        ("\n".join(article.paragraphs[:2]).casefold(), _LEAD),
        ("\n".join(article.paragraphs[2:]).casefold(), _BODY),
    ]
    found: list[tuple[float, TopicDef, tuple[str, ...]]] = []
    runs = {m for text, _ in parts for m in _RUN.findall(text)}
    for (topic, pattern), firsts in zip(_PATTERNS, _FIRST_RUNS, strict=True):
        if runs.isdisjoint(firsts):
            continue  # no cue of it can match: most topics, most articles
        score = 0.0
        cues: dict[str, None] = {}
        telling = False  # a phrase of several words in the headline or the lead
        for text, weight in parts:
            for m in pattern.finditer(text):
                score += weight
                cues.setdefault(m.group(0))
                telling = telling or (weight > _BODY and " " in m.group(0))
        if score >= MIN_SCORE and (len(cues) >= 2 or telling):
            found.append((score, topic, tuple(cues)[:5]))
    if not found:
        return ()
    found.sort(key=lambda f: (-f[0], f[1].code))
    best = found[0][0]
    return tuple(
        TopicTag(t.code, t.label, round(score / best, 3), cues)
        for score, t, cues in found[:MAX_TOPICS]
    )
