"""Sample stories for a desk at scale: ``marketdesk demo --stories N``.

Each story is written here from templates, with made-up people and companies beside real
countries, central banks and currencies, and says that it is sample content (its last
paragraph, and publishers and hosts that are plainly not real: ``*.sample.invalid``, RFC 2606).
Some stories have copies: the same text on other sample publishers (syndicated, some retitled),
which the store groups into one story. Stories are spread evenly over ``years`` up to ``end``.

The entities of a sample story are known from its writing (where each name was put), so they
are stored as written rather than found by the recogniser: a desk of 100,000 stories is built
in minutes, not hours. Topics and tone are worked out from the text by enrichment's own pure
functions, and instrument links from the registry, as for any article. The same ``seed`` writes
the same stories: running it again adds nothing twice.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from marketdesk.app.desk import Desk
from marketdesk.app.ingest import store_document
from marketdesk.model import (
    Annotations,
    Article,
    Entity,
    EntityKind,
    Mention,
    Page,
    RawDocument,
)
from marketdesk.store.dedup import Plan, article_fingerprint, site_of
from marketdesk.stories.signature import Signature, band_keys, signature, to_bytes

__all__ = ["SAMPLE_NOTE", "SampleReport", "build_sample_stories", "sample_pages"]

SAMPLE_NOTE = (
    "Sample content: written by marketdesk's demo generator for trying the desk; the people, "
    "companies and events in it are made up."
)
MODEL = "marketdesk sample generator 1"
REPLAN_FIRST = 1000  # pages, at which the statistics are first renewed; then at each doubling
PUBLISHERS = ("Sample Wire", "Demo Daily", "Example Ledger", "Placeholder Post", "Specimen Times")

# (country, demonym, central bank, currency, city): names as the gazetteer writes them.
COUNTRIES = (
    ("Japan", "Japanese", "Bank of Japan", "yen", "Tokyo"),
    ("China", "Chinese", "People's Bank of China", "yuan", "Beijing"),
    ("United States", "U.S.", "Federal Reserve", "dollar", "Washington"),
    ("United Kingdom", "British", "Bank of England", "pound", "London"),
    ("Canada", "Canadian", "Bank of Canada", "Canadian dollar", "Ottawa"),
    ("Australia", "Australian", "Reserve Bank of Australia", "Australian dollar", "Sydney"),
    ("India", "Indian", "Reserve Bank of India", "rupee", "Mumbai"),
    ("South Korea", "South Korean", "Bank of Korea", "won", "Seoul"),
    ("Switzerland", "Swiss", "Swiss National Bank", "franc", "Zurich"),
    ("Mexico", "Mexican", "Bank of Mexico", "peso", "Mexico City"),
    ("Brazil", "Brazilian", "Central Bank of Brazil", "real", "Brasilia"),
    ("Germany", "German", "Deutsche Bundesbank", "euro", "Frankfurt"),
)
FIRST = (
    "Ana", "Marcus", "Priya", "Kenji", "Elena", "Tomas", "Grace", "Omar", "Lena", "Rafael",
    "Mei", "Jonas", "Farah", "Diego", "Ingrid", "Samuel", "Aiko", "Noor", "Viktor", "Clara",
)  # fmt: skip
LAST = (
    "Halvorsen", "Okafor", "Brandt", "Castellano", "Moreau", "Lindqvist", "Tanaka", "Reyes",
    "Novak", "Ferreira", "Osei", "Kowalski", "Whitfield", "Aldana", "Sorensen", "Marlow",
    "Iverson", "Quintero", "Achterberg", "Delacroix",
)  # fmt: skip
COMPANY_HEADS = (
    "Northwind", "Harborline", "Bluepeak", "Silverfern", "Ironbridge", "Clearwater", "Redstone",
    "Larkspur", "Granite Bay", "Oakhurst", "Brightwell", "Stonegate",
)  # fmt: skip
COMPANY_TRADES = (
    ("Robotics", "factory robots"), ("Shipping", "container shipping"), ("Semiconductor",
    "chip-making equipment"), ("Energy", "liquefied natural gas"), ("Foods", "packaged foods"),
    ("Motors", "electric vehicles"), ("Pharma", "generic drugs"), ("Mining", "copper"),
)  # fmt: skip
ANALYST_BANKS = ("Goldman Sachs", "Morgan Stanley", "HSBC", "UBS", "Nomura", "Barclays")

# A template: a title and paragraphs. Slots in braces are words ({a|b|c}: one of them, chosen
# afresh at each place); slots in double brackets are entities, written where they stand and
# recorded as mentions: [[country]] [[rival_country]] [[bank]] [[city]] [[person]] [[surname]]
# [[company]] [[rival]] [[analyst_bank]]. The choices are dense on purpose: two sample stories
# of one template must share few runs of five words, or the store would group them as copies.
TEMPLATES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "[[bank]] {holds} rates as the {currency} {moves}",
        (
            "The [[bank]] {holds} its {policy|benchmark|key} rate {on {weekday}|this week}, "
            "{as|while} the {currency} {moves} {to its {extreme} level|{pct2}%} against the "
            "{dollar|euro} {in {months} months|since {month}}.",
            "Governor [[person]] {told reporters|said|told lawmakers} in [[city]] {that|} the "
            "{central bank|bank} {wanted|needed|would wait for} {more|fresh|clearer} evidence "
            "that inflation {of|near|above} {pct}% would {ease|cool|slow} {before|until} it "
            "{moved|acted} again.",
            '"We {will|would|are ready to} act if {price pressures|wages|prices} {persist|stay '
            'high|climb}," [[surname]] {said|added}. {Economists|Strategists|Analysts} at '
            "[[analyst_bank]] {expect|see|forecast} {count} more {moves|changes} {this|next} "
            "year.",
        ),
    ),
    (
        "[[company]] profit {rises} {pct}% on {demand|orders} for {product}",
        (
            "[[company]] {said|reported} {on {weekday}|in {month}} that {quarterly|"
            "second-quarter|third-quarter|annual} {net profit|operating profit|earnings} {rises} "
            "{pct}% {from a year earlier|on the year}, as {orders|sales|demand} for {product} "
            "from [[country]] and [[rival_country]] {grew|rose|picked up}.",
            "{Chief executive|CEO} [[person]] said the {company|group} would {raise its "
            "dividend|buy back shares} {worth|of} {count} billion dollars, {sending|lifting} its "
            "shares {up|higher by} {pct2}% {in [[city]]|at the open}.",
            "{Analysts|Brokers} at [[analyst_bank]] said the {results|earnings} {beat|topped|"
            "missed} {forecasts|estimates}; [[surname]] said margins would {hold|improve|stay "
            "firm} {through|into} the {next|coming} {quarter|half}.",
        ),
    ),
    (
        "[[country]] {tightens} export controls on {product}",
        (
            "[[country]] said {on {weekday}|in {month}} it would {tighten|widen|extend} export "
            "controls on {product}, {in a move|a step} that {trade officials|diplomats} in "
            "[[city]] said was {aimed at|directed at|meant for} [[rival_country]].",
            "{Trade minister|Commerce minister} [[person]] said the {curbs|rules|controls}, "
            "which {take effect|start} in {months} months, would {protect|guard} national "
            "security and were not a {tariff|sanction} {or|nor} a {ban|quota}.",
            "[[company]], a {maker|supplier} of {product}, said it was {studying|reviewing} the "
            "{rules|curbs}; its shares {fell|slid|dropped} {pct2}% in [[city]] {trading|"
            "on {weekday}}.",
        ),
    ),
    (
        "Oil {rises} as [[country]] supply {worries|fears} {grow|build}",
        (
            "Oil prices {rises} {pct}% {on {weekday}|in {month}} after {output cuts|outages|"
            "strikes} in [[country]] {tightened|squeezed} supply, with {Brent|WTI} crude "
            "{near|around|above} {count}{count} dollars a barrel.",
            "[[person]], an energy analyst at [[analyst_bank]], said {refinery|industrial} "
            "demand in [[rival_country]] would keep {crude|oil} and natural gas {prices|"
            "markets} {firm|tight|supported} {for {months} months|this {season|quarter}}.",
            "[[company]] said it would {raise|lift|increase} {output|production} of {product} "
            "{by {pct2}%|to meet demand}.",
        ),
    ),
    (
        "[[company]] {agrees|moves} to buy rival [[rival]] in {count} billion dollar deal",
        (
            "[[company]] {agreed|offered} {on {weekday}|in {month}} to buy [[rival]] for "
            "{count} billion dollars in {cash|cash and shares|stock}, a {merger|deal|takeover} "
            "that would create the {largest|second-largest|biggest} {maker|seller} of "
            "{product} in [[country]].",
            "{Chief executive|CEO} [[person]] said the acquisition would {close|be completed} "
            "{within|in} {months} months, subject to {approval|review} by {regulators|"
            "competition authorities} in [[country]] and [[rival_country]].",
            "Shares of [[rival]] {jumped|rose|climbed} {pct2}% {on the news|in [[city]]}, "
            "{while|and} [[surname]] said the {combined|merged} company would {keep|retain} "
            "{both brands|its {count} plants}.",
        ),
    ),
    (
        "[[country]] and [[rival_country]] {hold|resume} talks on {trade|tariffs}",
        (
            "{Officials|Negotiators|Ministers} from [[country]] and [[rival_country]] held "
            "talks in [[city]] {on {weekday}|in {month}} on {tariffs|quotas|market access} and "
            "{investment|supply chains}, the first such {dialogue|round} in {months} months.",
            "Foreign minister [[person]] said both sides {agreed|promised} to {keep talking|"
            "meet again} and to ease {curbs|duties} on {product}, while [[surname]] "
            "{warned|cautioned} that {differences|gaps} {remained|persisted}.",
            "The [[bank]] said the {currency} {moves} {pct2}% after the {meeting|talks}.",
        ),
    ),
)
# Background sentences, two a story in a random order: more words that two stories seldom share.
CONTEXT = (
    "{Stocks|Shares|Equities} in [[city]] {rose|fell|gained|lost} {pct2}% {by the close|at "
    "midday|in early trade}, with {count} of {count}{count} {sectors|industries} {higher|lower}.",
    "The {currency} {traded|stood|changed hands} at {count}.{count}{count} per dollar {late on "
    "{weekday}|after the news|in {month}}.",
    "{Bond|Government bond} yields {rose|fell|edged up|slipped} {count} basis points, "
    "{as|while} {investors|traders|funds} {weighed|priced} {the outlook|growth|rates} for "
    "{month}.",
    "{Earlier|Last month|In {month}}, [[analyst_bank]] {cut|raised|kept} its {growth|inflation|"
    "earnings} forecast for [[country]] {to|at} {pct}%.",
    "{Exports|Imports|Factory orders} from [[country]] {grew|shrank|held steady} {pct}% in "
    "{month}, {official data|a survey|customs figures} {showed|said}.",
    "{Some|Several|A few} {investors|economists|lawmakers} in [[rival_country]] {said|argued|"
    "warned} the {move|decision|plan} could {weigh on|help|hurt} {growth|trade|jobs} {next year|"
    "for {months} months}.",
)
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class SampleReport:
    stories: int  # sample stories written
    pages: int  # pages stored that were new (a story's copies included)


@dataclass(frozen=True, slots=True)
class SamplePage:
    raw: RawDocument
    page: Page
    annotations: Annotations
    plan: Plan  # how the store groups it (see _plan)


def build_sample_stories(
    desk: Desk,
    count: int,
    *,
    seed: int = 1,
    years: int = 8,
    end: datetime | None = None,
    progress: Callable[[int], None] = lambda n: None,
) -> SampleReport:
    """Write ``count`` sample stories (and their copies) into the desk's store, page by page
    as ingest stores them, many pages a transaction (``Storage.write_batch``: a commit a page
    was most of the time of a large desk); ``progress`` hears of each story once written."""
    stories = pages = 0
    planned_at = REPLAN_FIRST // 2  # the pages stored when the planner's statistics were renewed
    last = None
    with desk.storage.write_batch():
        for n, sample in sample_pages(count, seed=seed, years=years, end=end):
            outcome = store_document(
                desk,
                sample.raw,
                kind="text",
                page=sample.page,
                plan=sample.plan,
                annotations=sample.annotations,  # store_document adds the instruments
                fetched_at=sample.raw.fetched_at,
            )
            if outcome.result is not None and outcome.result.document_created:
                pages += 1
                if pages >= planned_at * 2:
                    # The reads of storing a page (story candidates above all) were planned
                    # on a desk half this size or less: plan them on this one.
                    desk.storage.optimize()
                    planned_at = pages
            if n != last:
                if last is not None:
                    progress(1)
                stories += 1
                last = n
        if last is not None:
            progress(1)
    desk.storage.optimize()  # the desk is many times larger than when its reads were planned
    return SampleReport(stories, pages)


def sample_pages(
    count: int,
    *,
    seed: int = 1,
    years: int = 8,
    end: datetime | None = None,
    start_at: int = 0,
) -> Iterator[tuple[int, SamplePage]]:
    """Each sample story's pages (its first copy, then the others), with the story's number,
    from story ``start_at`` on."""
    from marketdesk.enrich.tone import tone  # pure; the desk loads spaCy anyway
    from marketdesk.enrich.topics import topics

    end = end or datetime(2026, 11, 30, 21, 0, tzinfo=UTC)
    start = end - timedelta(days=365 * years)
    step = (end - start) / max(count, 1)
    for n in range(start_at, count):
        rng = random.Random(f"{seed}:{n}")
        when = start + step * n + timedelta(minutes=rng.randrange(0, 120))
        title, paragraphs, entities = _write(rng)
        copies = rng.choices((1, 1, 1, 2, 2, 3, 4), k=1)[0]
        origin = rng.choice(PUBLISHERS)
        others = [p for p in PUBLISHERS if p != origin]
        rng.shuffle(others)
        # Topics and tone from the text (copies differ only in a headline's tail).
        first = Article(title=title, paragraphs=paragraphs)
        annotations = Annotations(
            entities=entities, model=MODEL, topics=topics(first), tone=tone(first)
        )
        identity = signature(None, [" ".join(f"s{seed}n{n}w{i}" for i in range(40))])
        assert identity is not None  # 36 shingles: above MIN_SHINGLES
        story = (paragraphs, annotations, identity)
        for c, publisher in enumerate([origin, *others[: copies - 1]]):
            fetched = when + timedelta(minutes=37 * c)
            # A retitled copy's headline begins with the title: the title's mentions hold.
            headline = title if c == 0 or rng.random() < 0.6 else f"{title}, sources say"
            yield n, _page(n, c, publisher, origin, headline, story, fetched)


def _page(
    n: int,
    c: int,
    publisher: str,
    origin: str,
    headline: str,
    story: tuple[tuple[str, ...], Annotations, Signature],
    fetched: datetime,
) -> SamplePage:
    paragraphs, annotations, identity = story
    host = publisher.casefold().replace(" ", "-")
    url = f"https://{host}.sample.invalid/{fetched:%Y/%m/%d}/story-{n}"
    article = Article(
        title=headline,
        paragraphs=paragraphs,
        authors=(),
        published=fetched,
        publisher=publisher,
        origin=None if publisher == origin else origin,
        language="en",
        url=url,
    )
    content = (headline + "\n\n" + article.text).encode()
    raw = RawDocument(source=f"sample:{n}/{c}", content=content, fetched_at=fetched, url=url)
    site = site_of(raw, article)
    # The store groups a sample story's copies by a signature drawn from the story's number,
    # not from its text: text written from a few templates shares so many runs of five words
    # that every sample story would be a candidate copy of every other (real news does not),
    # and a desk of 100,000 would take hours to build. Copies share the signature, so the
    # store's own grouping (band keys, then choose_story) puts them in one story.
    plan = Plan(
        site, article_fingerprint(article, site), to_bytes(identity), tuple(band_keys(identity)),
        headline,
    )  # fmt: skip
    return SamplePage(raw, Page(source=url, kind="text", article=article), annotations, plan)


def _shares(entities: list[Entity]) -> tuple[Entity, ...]:
    """Salience as each entity's share of the weighted mentions, as enrichment gives it."""
    total = sum(e.salience for e in entities) or 1.0
    return tuple(replace(e, salience=round(e.salience / total, 4)) for e in entities)


_ALT = r"(?:[^{}|]|\{\w+\})*"  # a choice: words, and word slots such as {count}
_CHOICE = re.compile(r"\{(" + _ALT + r"(?:\|" + _ALT + r")+)\}")


def _choose(template: str, rng: random.Random) -> str:
    """Each {a|b|c} as one of its choices, innermost first ({on {weekday}|in {month}})."""
    while True:
        chosen = _CHOICE.sub(lambda m: rng.choice(m.group(1).split("|")), template)
        if chosen == template:
            return re.sub(r" {2,}", " ", chosen)  # an empty choice: "said {that|} the"
        template = chosen


_THE = frozenset({"United States", "United Kingdom"})
_SLOT = re.compile(r"\[\[(\w+)\]\]|\{(\w+)\}")
_SENTENCE_END = re.compile(r"[.!?][\"']?\s")


def _write(rng: random.Random) -> tuple[str, tuple[str, ...], tuple[Entity, ...]]:
    """A story from a template: its title, paragraphs (the last says it is a sample) and
    entities with their mentions."""
    from marketdesk.enrich.vocab import gazetteer

    by_name = gazetteer().by_name
    title_t, paras_t = rng.choice(TEMPLATES)
    home, rival = rng.sample(COUNTRIES, 2)
    person = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    head, (trade, product) = rng.choice(COMPANY_HEADS), rng.choice(COMPANY_TRADES)
    other_head = rng.choice([h for h in COMPANY_HEADS if h != head])
    names: dict[str, tuple[str, EntityKind]] = {
        "country": (home[0], EntityKind.PLACE),
        "rival_country": (rival[0], EntityKind.PLACE),
        "bank": (home[2], EntityKind.ORGANISATION),
        "city": (home[4], EntityKind.PLACE),
        "person": (person, EntityKind.PERSON),
        "surname": (person.split()[-1], EntityKind.PERSON),
        "company": (f"{head} {trade}", EntityKind.ORGANISATION),
        "rival": (f"{other_head} {trade}", EntityKind.ORGANISATION),
        "analyst_bank": (rng.choice(ANALYST_BANKS), EntityKind.ORGANISATION),
    }
    up = rng.random() < 0.5
    words = {
        "holds": rng.choice(("holds", "raises", "cuts")),
        "currency": home[3],
        "moves": "rises" if up else "slides",
        "rises": "rises" if up else "falls",
        "extreme": "strongest" if up else "weakest",
        "tightens": rng.choice(("tightens", "widens")),
        "tighten": rng.choice(("tighten", "widen")),
        "weekday": rng.choice(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")),
        "months": str(rng.randrange(2, 19)),
        "pct": f"{rng.uniform(0.5, 9.5):.1f}",
        "pct2": f"{rng.uniform(0.5, 12):.1f}",
        "count": str(rng.randrange(2, 9)),
        "product": product,
        "month": rng.choice(MONTHS),
    }
    mentions: dict[str, list[Mention]] = {}

    def fill(template: str, part: str, offset: int, sentence_base: int) -> str:
        template = _choose(template, rng)
        out: list[str] = []
        at = 0
        for m in _SLOT.finditer(template):
            out.append(template[at : m.start()])
            at = m.end()
            if m.group(2):
                out.append(words[m.group(2)])
                continue
            name, _ = names[m.group(1)]
            written = "".join(out)
            if name in _THE:  # "the United States", "The United Kingdom said"
                opens = not written.strip() or _SENTENCE_END.search(written[-3:] + " ") is not None
                out.append("The " if opens and not written.endswith(" ") else "the ")
                written = "".join(out)
            start = offset + len(written)
            sentence = sentence_base + len(_SENTENCE_END.findall(written))
            entity = "person" if m.group(1) == "surname" else m.group(1)
            mentions.setdefault(entity, []).append(
                Mention(name, start, start + len(name), sentence, part)
            )
            out.append(name)
        out.append(template[at:])
        return "".join(out)

    title = fill(title_t, "title", 0, 0)
    paragraphs: list[str] = []
    offset = sentences = 0
    for t in paras_t:
        text = fill(t, "text", offset, sentences)
        paragraphs.append(text)
        offset += len(text) + 2  # Article.text joins paragraphs with a blank line
        sentences += len(_SENTENCE_END.findall(text + " "))
    background = " ".join(rng.sample(CONTEXT, 2))
    paragraphs.append(fill(background, "text", offset, sentences))
    paragraphs.append(SAMPLE_NOTE)
    entities: list[Entity] = []
    for slot, found in sorted(mentions.items(), key=lambda kv: _first(kv[1])):
        name, kind = names[slot]
        known = by_name.get(name)
        titles = _role(paras_t) if kind is EntityKind.PERSON else ()
        ordered = tuple(sorted(found, key=lambda m: (m.part != "title", m.start)))
        entities.append(
            _entity(len(entities), kind, name, ordered, known.key if known else None, titles)
        )
    return title, tuple(paragraphs), _shares(entities)


def _first(mentions: list[Mention]) -> tuple[bool, int]:
    m = min(mentions, key=lambda m: (m.part != "title", m.start))
    return (m.part != "title", m.start)


def _role(paragraphs: tuple[str, ...]) -> tuple[str, ...]:
    for p in paragraphs:
        for role in ("Governor", "Chief executive", "Trade minister", "Foreign minister"):
            if f"{role} [[person]]" in p:
                return (role.casefold(),)
        if "[[person]], an energy analyst" in p:
            return ("energy analyst",)
    return ()


def _entity(
    n: int,
    kind: EntityKind,
    name: str,
    mentions: tuple[Mention, ...],
    key: str | None,
    titles: tuple[str, ...],
) -> Entity:
    weight = sum(2.0 if m.part == "title" else 1.0 for m in mentions)
    return Entity(
        id=n, kind=kind, name=name, mentions=mentions, salience=weight, titles=titles, key=key
    )
