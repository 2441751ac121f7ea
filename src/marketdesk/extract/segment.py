"""From blocks to a Page: find the article, name everything around it.

The decision is pure: blocks in, Page out. Text dumps and HTML share it; HTML adds what its
markup says (`MarkupEvidence`) and what the page declares (`Metadata`). `assemble` runs the
steps in order:

1. Ticker strips become quotes (`_strip_quotes`).
2. Furniture is classified by its wording, markup hints where the text says nothing
   (`_furniture_kinds`); in text dumps also a clip list ('3. Play Title', 'Watch Title', three
   or more: `_mark_media_lists`), a registration form's messages (`_mark_account_forms`) and
   labels with counts, three in a row ('ferries (17)', 'Oct 2006 (21)': `_mark_count_lists`).
3. The article span (`_article_span`): each block gets a score (long sentence-like text
   positive; short lines, link lists and furniture negative) and the span is the run of blocks
   with the largest total (maximum-sum subarray), so short furniture inside an article (an ad
   marker, a promo) does not split it; text dumps then step past a headline caught inside.
   In text dumps a comment thread announced above the span ('13 comments:', then 'NAME
   said...' entries) is comments and the span is looked for again (`_mark_thread_above`; a
   post of a few words is then its longest prose above the thread, `_short_post`).
4. Short lines after a 'Related' heading are related links (`_mark_related_lists`).
5. A block model refines the span block by block (`_model_choice`): blockmodel.py for text
   dumps, htmlmodel.py with markup evidence for HTML; in dumps a kept teaser card (its
   headline twice, then a blurb) is dropped after it, and so is a kept block that reads
   as headlines or menu entries run together and a prompt about the post ('If you enjoyed
   this post, ...': `invites_reader`) and a teaser's headline said twice about its section's
   name (`titled_twice`) and a form's message ('Please enter a valid email address.':
   `form_message`) and a comment section's line about itself ('No comments yet.':
   `comment_widget`) (all `_drop_kept`); in both, a kept block
   standing alone after the article, and in dumps a run of short lines kept before it that
   reads as no sentence, a sidebar's headlines (`_drop_strays`).
6. The header (`_read_header`): the headline is the declared title or the nearest
   headline-like block above the article; bylines and datelines near it become metadata.
   6a. In dumps, prose kept well above a headline that has its byline or date line by it
   (a blog's welcome blurb, a bio, a sidebar's teasers) is dropped (`_drop_above_headline`).
   6b. An article block that repeats an earlier paragraph's opening and says nothing new is a
   link to the story; one that opens with the writer's full name is a bio (`_mark_echoes`).
7. Every block is article text or a removed block of a kind (`_sort_blocks`).
8. Credits give origin and copyright (`_credits`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime
from urllib.parse import urlsplit

from marketdesk.extract import blockmodel, htmlmodel
from marketdesk.extract.boilerplate import classify_text, names_its_link
from marketdesk.extract.byline import parse_byline
from marketdesk.extract.comments import announced_thread, thread_start
from marketdesk.extract.credits import (
    copyright_owner,
    copyright_wire,
    is_organisation,
    is_source_line,
    is_weak_source_name,
    same_organisation,
    syndication_origin,
    wire_dateline_origin,
)
from marketdesk.extract.dates import find_date, is_dateline
from marketdesk.extract.language import detect_language
from marketdesk.extract.text import casefolded_words, folded_tokens, sentence_like, words
from marketdesk.extract.ticker import find_strips, spaced_text
from marketdesk.model import Article, Block, BlockKind, Page, QuoteObservation, RemovedBlock

_MIN_ARTICLE_WORDS = 15
_TITLE_LOOKBACK = 8
_OPENING_BLOCKS = 6  # how far into the article a byline or date line may open it


@dataclass(frozen=True, slots=True)
class Metadata:
    """What the page says about its article outside the visible blocks (HTML head, structured
    data, the caller): the values an Article takes when the blocks do not say otherwise."""

    title: str | None = None
    # Every title the page declares (the headline chosen, structured data's, the social and
    # the document title, some with the site's name): where the blocks show the headline.
    declared_titles: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    published: datetime | None = None
    modified: datetime | None = None
    publisher: str | None = None
    language: str | None = None
    url: str | None = None
    description: str | None = None
    image: str | None = None
    # The article's paragraphs as structured data declares them (JSON-LD articleBody): the
    # text of pages that render their article with scripts, used when no block is article.
    body: tuple[str, ...] = ()
    # The organisation structured data names as the article's source (JSON-LD
    # sourceOrganization, provider, isBasedOn): a syndication credit in markup.
    source: str | None = None


@dataclass(frozen=True, slots=True)
class MarkupEvidence:
    """What the markup says about each block, for the article decision (HTML).

    With it the span is scored by markup-aware scores and held to the container, and the HTML
    block model decides; without it (text dumps) the text rules and the text model do.
    """

    # Block positions inside the page's main container; None: no element holds the article.
    container: frozenset[int] | None
    # Per-block article scores with markup evidence (link density, tag, hints).
    scores: tuple[float, ...]
    # The HTML block model's extra columns (htmlmodel.EXTRA_FEATURES), a row per block.
    features: blockmodel.Matrix


# Markup hints that decide a block's kind even where the block model weighs the others:
# captions, boxes about the author and readers' comments are written in sentences, but are
# never the article.
FIRM_HINTS = frozenset({BlockKind.CAPTION, BlockKind.BYLINE, BlockKind.COMMENTS})


def assemble(
    blocks: list[Block],
    *,
    source: str,
    kind: str,
    meta: Metadata | None = None,
    markup: MarkupEvidence | None = None,
) -> Page:
    """The Page of a document's blocks: its article, quotes and removed furniture."""
    meta = meta or Metadata()
    kinds, quotes = _strip_quotes(blocks)
    # With markup evidence the block model weighs hints itself; text rules take them as kinds.
    _furniture_kinds(blocks, kinds, take_hints=markup is None)
    # Text dumps: the page's characters are counted once, for the span and the block model.
    page_text = blockmodel.read_page(blocks) if kind == "text" and blocks else None
    if page_text is not None and markup is None:
        # Each rule runs only on a page that holds its words at all (one substring search).
        doc = page_text.doc
        if "Play " in doc or "Watch " in doc or "Listen " in doc:
            _mark_media_lists(blocks, kinds)
        if "assword" in doc or "sername" in doc:
            _mark_account_forms(blocks, kinds)
        if ")\n" in doc or doc.endswith(")"):
            _mark_count_lists(blocks, kinds)
    start, end = _article_span(blocks, kinds, markup, page_text)
    short_post = False
    if markup is None:
        opened = _mark_thread_above(blocks, kinds, start)
        if opened is not None:
            start, end = _article_span(blocks, kinds, markup, page_text)
            if start > end:
                start = end = _short_post(blocks, kinds, opened)
                short_post = start < len(blocks)
    end = _mark_comment_thread(blocks, kinds, start, end, posts=markup is None)
    _mark_related_lists(blocks, kinds, start, end)
    _mark_author_boxes(blocks, kinds)
    chosen = _model_choice(blocks, kinds, start, end, page_text, markup)
    if short_post and chosen is not None:
        chosen[start] = True  # the post above its thread, found by the thread: no model's call
    if markup is None and chosen is not None:
        _drop_kept(blocks, kinds, chosen)
    if chosen is not None:
        _drop_strays(blocks, kinds, chosen, text=markup is None)
    header = _read_header(blocks, kinds, start, end, meta, chosen)
    if markup is None and chosen is not None:
        _drop_above_headline(blocks, kinds, chosen, header)
    container = markup.container if markup is not None else None
    _mark_echoes(blocks, kinds, _article_test(start, end, chosen, header, container), header)
    paragraphs, removed, credits, copyright_text, copyright_gap = _sort_blocks(
        blocks, kinds, start, end, chosen, header, container
    )
    if not paragraphs and sum(map(words, meta.body)) >= _MIN_ARTICLE_WORDS:
        paragraphs = list(meta.body)
    origin, copyright_text = _credits(
        paragraphs, removed, credits, copyright_text, meta, copyright_gap
    )

    text = "\n\n".join(paragraphs)
    language = meta.language or detect_language(text or (header.title or ""))
    return Page(
        source=source,
        kind=kind,
        article=Article(
            title=header.title,
            paragraphs=tuple(paragraphs),
            authors=header.authors,
            published=header.published,
            publisher=meta.publisher,
            origin=origin,
            copyright=copyright_text,
            language=language,
            url=meta.url,
            description=meta.description,
            image=meta.image,
            modified=meta.modified,
        ),
        market_status=next((r.text for r in removed if r.kind is BlockKind.MARKET_STATUS), None),
        quotes=tuple(quotes),
        removed=tuple(removed),
        reason=None if paragraphs else "no article text found on the page",
    )


def _strip_quotes(blocks: list[Block]) -> tuple[list[BlockKind | None], list[QuoteObservation]]:
    """Step 1: every block's kind so far (ticker strips marked, the rest None), and the quotes."""
    kinds: list[BlockKind | None] = [None] * len(blocks)
    quotes: list[QuoteObservation] = []
    for strip in find_strips(blocks):
        quotes.extend(strip.quotes)
        for i in range(strip.start, strip.end + 1):
            kinds[i] = BlockKind.TICKER
    return kinds, quotes


def _furniture_kinds(
    blocks: list[Block], kinds: list[BlockKind | None], *, take_hints: bool
) -> None:
    """Step 2: furniture by its wording; a hint where the wording says nothing, if it is firm
    or (`take_hints`: text dumps) the block is not strong prose; a teaser's headline said
    twice (in dumps glued to itself too)."""
    for i, block in enumerate(blocks):
        if kinds[i] is None:
            k = classify_text(block.text)
            hint = block.hint
            if (
                k is None
                and hint is not None
                and (hint in FIRM_HINTS or (take_hints and not _strong_prose(block)))
            ):
                k = hint
            if (
                k is None
                and len(block.text) <= _TWICE_MAX_CHARS
                and said_twice(block.text, glued=take_hints)
            ):
                k = BlockKind.RELATED
            kinds[i] = k


# A list of videos or clips, each entry its media verb then its title ('1. Play Stewart
# destroyed by Snow White', 'Watch Record drugs haul seized in Australia ...', 'Listen US
# reaction to ...'): one such line can be a sentence ('Watch the markets closely.'), three on a
# page opening with the same verb are a list.
_MEDIA_FIRST = frozenset("PWL0123456789")  # the first characters such an entry can have
_MEDIA_ENTRY = re.compile(r"(?:\d{1,2}\.\s+)?(Play|Watch|Listen)\s+[\"'\u2018\u201c]?[A-Z0-9]")
_MEDIA_MAX_WORDS = 30
_MEDIA_REPEATS = 3


def _mark_media_lists(blocks: list[Block], kinds: list[BlockKind | None]) -> None:
    """Step 2b (text dumps): entries of a video or clip list are related links."""
    found: dict[str, list[int]] = {}
    for i, block in enumerate(blocks):
        text = block.text
        if text[:1] not in _MEDIA_FIRST or kinds[i] is not None:
            continue
        m = _MEDIA_ENTRY.match(text)
        if m is not None and words(text) <= _MEDIA_MAX_WORDS:
            found.setdefault(m.group(1), []).append(i)
    for at in found.values():
        if len(at) >= _MEDIA_REPEATS:
            for i in at:
                kinds[i] = BlockKind.RELATED


# A sign-up or registration form's messages, shown as text in a dump ('Thank you for
# registering.', 'An account already exists for the email address entered.', 'Forgot your
# username or password?'): short lines about the reader's account, four or more close together.
_ACCOUNT_CUE = re.compile(
    r"\b(?:regist(?:er|ered|ering|ration)|username|password|account|e-?mail address"
    r"|sign(?:ed)? in|log(?:ged)? ?in|profile)\b"
)
_ACCOUNT_MAX_CHARS = 160  # about 25 words
_ACCOUNT_GAP = 2  # lines without a cue between two with one
_ACCOUNT_LINES = 4
_ACCOUNT_REACH = 12  # lines either side of the first and last that name a password


def _mark_account_forms(blocks: list[Block], kinds: list[BlockKind | None]) -> None:
    """Step 2c (text dumps): a registration form's run of short lines is furniture (other)."""
    # A form asks for a username or a password (the caller skips pages that name neither);
    # its lines lie around the short ones that name a username, a password or registering.
    strong = [
        i
        for i, block in enumerate(blocks)
        if len(block.text) <= _ACCOUNT_MAX_CHARS
        and ("assword" in block.text or "sername" in block.text or "egist" in block.text)
    ]
    if not strong:
        return
    lo = max(0, strong[0] - _ACCOUNT_REACH)
    hi = min(len(blocks), strong[-1] + _ACCOUNT_REACH + 1)
    run: list[int] = []  # the cue lines of the run so far
    for i in range(lo, hi):
        text = blocks[i].text
        short = len(text) <= _ACCOUNT_MAX_CHARS
        if short and _ACCOUNT_CUE.search(text.lower()):
            if run and i - run[-1] > _ACCOUNT_GAP + 1:
                _close_account_run(kinds, run)
                run = []
            run.append(i)
        elif not short:
            _close_account_run(kinds, run)
            run = []
    _close_account_run(kinds, run)


def _close_account_run(kinds: list[BlockKind | None], run: list[int]) -> None:
    if len(run) >= _ACCOUNT_LINES:
        for i in range(run[0], run[-1] + 1):
            if kinds[i] is None:
                kinds[i] = BlockKind.OTHER


# A sidebar's list of labels each with a count: categories and tags ('creative ads (48)'),
# the archive ('Oct 2006 (21)', '► 2011 (434)'), most-read stories with their comment counts
# ('Storm closes the mountain pass (1093)'), a line each or run together ('Houses (84),
# Offices (85), Parks (80)'). One such line can be an article's ('Apple shares rose (2)'),
# three in a row are a list. A year in the brackets is no count: a list of games or films
# with their years ('Puzzle Quest - a strategy game (2007)') is an article's, and so is a
# table's row (its cells a tab apart: 'Points (place)	15 (29)	7 (95)').
# A count in brackets and what separates it from the next label: the labels lie between.
_COUNT_SPLIT = re.compile(r"\s\((\d{1,7})\)[,;|\s]*")
_COUNTED_LABEL_CHARS = 80
_COUNTED_LEAD = 3  # a bullet or an arrow before the first label ('►  2011 (434)')
_COUNTED_WORDS = 16  # a label, a headline at most
_COUNTED_REPEATS = 3
_COUNTED_GAP = 1  # blocks between two of the list's lines (an ad, a heading)


def _counted_label(text: str) -> bool:
    """'creative ads (48)': a short line that ends with a count in brackets, not a year."""
    # Read from the end without a regex: many lines end with ')', few hold a count.
    t = text.rstrip()
    if t[-1:] != ")":
        return False
    head, bracket, number = t[:-1].rpartition("(")
    if not bracket or not number.isdigit() or len(number) > 7 or _is_year(number):
        return False
    # A space before the bracket, then the label (up to 80 characters, behind a bullet or an
    # arrow of up to three marks), no other bracket.
    label = head[:-1]
    extra = len(label) - _COUNTED_LABEL_CHARS
    return (
        head[-1:].isspace()
        and 0 < len(label) <= _COUNTED_LABEL_CHARS + _COUNTED_LEAD
        and (extra <= 0 or not any(c.isalnum() or c == "_" for c in label[:extra]))
        and "(" not in label
        and ")" not in label
        and words(t) <= _COUNTED_WORDS
    )


def _counted_run(text: str) -> bool:
    """'Houses (84), Offices (85), Parks (80)': three labels or more with counts, one block."""
    if text.count("(") < _COUNTED_REPEATS:
        return False
    parts = _COUNT_SPLIT.split(text)
    labels, numbers = parts[0::2], parts[1::2]
    return (
        len(numbers) >= _COUNTED_REPEATS
        and labels[-1] == ""
        and all(
            0 < len(label) <= _COUNTED_LABEL_CHARS and "(" not in label and ")" not in label
            for label in labels[:-1]
        )
        and not any(_is_year(n) for n in numbers)
    )


def _is_year(number: str) -> bool:
    return len(number) == 4 and number[:2] in ("18", "19", "20")


def _mark_count_lists(blocks: list[Block], kinds: list[BlockKind | None]) -> None:
    """Step 2d (text dumps): three labels with counts in a row ('urban (538)', 'Oct 2006
    (21)'), or run together in one block, are navigation."""
    run: list[int] = []
    for i, block in enumerate(blocks):
        text = block.text
        if text[-1:] != ")" or kinds[i] is not None or "\t" in text:
            continue
        if _counted_label(text):
            if run and i - run[-1] > _COUNTED_GAP + 1:
                _close_count_run(kinds, run)
                run = []
            run.append(i)
        elif len(text) > 40 and _counted_run(text):
            kinds[i] = BlockKind.NAVIGATION
    _close_count_run(kinds, run)


def _close_count_run(kinds: list[BlockKind | None], run: list[int]) -> None:
    if len(run) >= _COUNTED_REPEATS:
        for i in run:
            kinds[i] = BlockKind.NAVIGATION


# A teaser card's headline comes twice in its text (the link's and the picture's: 'Bike
# Sharing Takes Over America Bike Sharing Takes Over America', the second often cut short);
# no article sentence repeats its own opening words straight after them.
_TWICE_MAX_CHARS = 400
_TWICE_MIN_WORDS = 3


def said_twice(text: str, *, glued: bool = False) -> bool:
    """The text is a phrase of three words or more, then the same phrase again (or its start),
    after a space or glued to it."""
    first = text.split(None, 1)
    # The phrase's first word must come again: counted in C, that rules out most blocks
    # before they are split into words.
    if len(first) < 2 or text.count(first[0]) < 2:
        return False
    # The link's text and the picture's glued with no space between ('Art with the iPhone:
    # a case studyArt with the iPhone: a case study').
    # Asked in text dumps only: HTML has the two as blocks of their own.
    half = len(text) // 2
    if glued and len(text) % 2 == 0 and text[:half] == text[half:]:
        return len(text[:half].split()) >= _TWICE_MIN_WORDS
    tokens = text.split()
    n = len(tokens)
    if n < 2 * _TWICE_MIN_WORDS:
        return False
    head = tokens[:_TWICE_MIN_WORDS]
    for k in range(_TWICE_MIN_WORDS, n - _TWICE_MIN_WORDS + 1):
        if tokens[k : k + _TWICE_MIN_WORDS] == head:
            rest = tokens[k:]
            return len(rest) <= k and tokens[: len(rest) - 1] == rest[:-1]
    return False


# A teaser card in a dump: its headline twice (the link's and the picture's), the second
# often cut short, then the start of the story ('REVIEW: Ambitious ... Moving and Ridiculous
# REVIEW: Ambitious ... Moving and... As in ...'), behind a section word or two at most.
_CARD_MIN_WORDS = 5
_CARD_MAX_WORDS = 30
_CARD_LEAD_WORDS = 3
_CARD_READ_WORDS = _CARD_LEAD_WORDS + 2 * _CARD_MAX_WORDS


def headline_twice(text: str) -> bool:
    """The text opens (after a word or three) with a phrase of five words or more said twice
    in a row, the second time in full or cut short by a few words and an ellipsis."""
    if len(text) < 40:
        return False
    head = text[: 12 * _CARD_READ_WORDS]
    tokens = folded_tokens(head)[:_CARD_READ_WORDS]
    n = len(tokens)
    cut = "\u2026" in head or "..." in head
    for i in range(min(_CARD_LEAD_WORDS + 1, n)):
        first = tokens[i]
        j = i + _CARD_MIN_WORDS
        end = min(n, i + _CARD_MAX_WORDS + 1)
        # Tested with `in` before index() is asked: most first words do not come again, and
        # a ValueError for each cost more than the rest of the test.
        while first in tokens[j:end]:
            j = tokens.index(first, j, end)
            k = j - i
            m = 0
            while j + m < n and m < k and tokens[i + m] == tokens[j + m]:
                m += 1
            # Said in full, or cut short where the page marks the cut ('Moving and…'); not
            # a third time, as far as the words read go (a sentence said over and over is
            # no card).
            if m == k or (m >= max(_CARD_MIN_WORDS, k - 3) and cut):
                third = tokens[j + k : j + 2 * k]
                return not third or third != tokens[i : i + len(third)]
            j += 1
    return False


# A slideshow's or a sidebar's teaser: its headline, its section's name, the headline again,
# a counter ('Phelps wins record medal Olympics 2012 Phelps wins record medal 4 of 9').
_LABEL_MAX_WORDS = 3
_TAIL_MAX_WORDS = 4
_TITLED_MAX_WORDS = 60


def titled_twice(text: str) -> bool:
    """The text is a headline of five words or more, a label of up to three, the same headline
    again and a few words at most; not a sentence (an anaphora repeats only its opening)."""
    if text.rstrip()[-1:] in _SENTENCE_CLOSE or len(text) < 40:
        return False
    tokens = folded_tokens(text)
    n = len(tokens)
    if not 2 * _CARD_MIN_WORDS <= n <= _TITLED_MAX_WORDS:
        return False
    head = tokens[:_CARD_MIN_WORDS]
    first = head[0]
    for i in range(_CARD_MIN_WORDS, n - _CARD_MIN_WORDS + 1):
        if tokens[i] != first or tokens[i : i + _CARD_MIN_WORDS] != head:
            continue
        for gap in range(_LABEL_MAX_WORDS + 1):
            size = i - gap
            if size < _CARD_MIN_WORDS:
                break
            if n - (i + size) <= _TAIL_MAX_WORDS and tokens[i : i + size] == tokens[:size]:
                return True
    return False


def _drop_kept(blocks: list[Block], kinds: list[BlockKind | None], chosen: list[bool]) -> None:
    """Steps 5b and 5c (text dumps): a kept block whose text passes one of _KEPT_FURNITURE's
    tests is furniture of that test's kind, the first that passes. Asked of the kept blocks
    only, a few a page, in one pass: the tests read words, and most blocks are gone."""
    for i, keep in enumerate(chosen):
        if keep:
            text = blocks[i].text
            for test, kind in _KEPT_FURNITURE:
                if test(text):
                    chosen[i] = False
                    kinds[i] = kind
                    break


# Headlines and menu entries run together in one block ('Celebrity Video: A Star Shares Her
# Moment Latest on Video Fashion Week Specials The Buzz ...'): ten words or more, six in ten
# of them capitalised (or numbers), under one sentence end in twenty words, and not ending as
# a sentence does (a caption or a sentence full of names ends with its full stop).
_TITLES_MIN_WORDS = 10
_TITLES_CAPITALISED = 0.6
_TITLES_WORDS_PER_END = 20
_SENTENCE_CLOSE = frozenset('.!?"\u201d)')


def reads_as_titles(text: str) -> bool:
    """The block is headlines or menu entries run together, not prose."""
    # The last word's last character, read before the split: most kept blocks end as a
    # sentence does, and are ruled out without one.
    if text.rstrip()[-1:] in _SENTENCE_CLOSE:
        return False
    tokens = text.split()
    n = len(tokens)
    if n < _TITLES_MIN_WORDS:
        return False
    capitalised = sum(1 for t in tokens if t[0].isupper() or t[0].isdigit())
    if capitalised < n * _TITLES_CAPITALISED:
        return False
    ends = sum(1 for t in tokens if t[-1] in ".!?")
    return ends * _TITLES_WORDS_PER_END < n


# A line that turns to the reader about the post itself ('If you enjoyed this post, please
# consider subscribing to the RSS feed', 'If you're new here, you may want to subscribe',
# 'Hat Ihnen dieser Artikel gefallen?'): the site's prompt under or above every post.
_INVITATION = re.compile(
    r"(?:if you(?:['\u2019]re| are) new here"
    r"|(?:if|did) you (?:enjoy(?:ed)?|liked?) (?:this|the|our|my) (?:post|article|story|blog)"
    r"|did you (?:enjoy|like) (?:it|this)\s*\?"
    r"|hat (?:dir|ihnen|euch) (?:dieser|der) (?:artikel|beitrag) gefallen)",
    re.I,
)
_INVITATION_FIRST = frozenset("IiDdHh")
_INVITATION_MAX_CHARS = 600


# A sign-up form's messages shown as text ('Please enter a valid email address.', 'Please
# check your inbox for a confirmation email.', 'An error occurred, please try again later.'):
# a line or two where the registration rule (_mark_account_forms) wants four.
_FORM_MESSAGE = re.compile(
    r"(?:please (?:enter|check|provide|fill in|select|type) (?:a |an |your |the )?(?:valid )?"
    r"(?:e-?mail|inbox|name|first|last|address|password|code|field|zip|postal|phone)"
    r"|(?:an error (?:has )?occur+ed|something went wrong)\W.*try again"
    r"|(?:this|the) (?:field|e-?mail(?: address)?) is (?:required|invalid))",
    re.I,
)
_FORM_FIRST = frozenset("PpAaSsTt")
_FORM_MAX_WORDS = 20


# The comment section's own lines, shown where it has no entries or around them ('No comments
# yet.', 'RSS feed for comments on this post. TrackBack URI', 'TrackBack URL for this entry:',
# '87 of 136 comments loaded'): short lines a thread's rules cannot tell without entries.
_COMMENT_WIDGET = re.compile(
    r"\b(?:trackback ur[il]|rss feed for (?:the )?comments|comments? feed for this"
    r"|of \d+ comments loaded|leave a trackback)\b"
    r"|^\W*(?:\d+ )?(?:no comments yet|comments so far)",  # the line's start: not a quote's
    re.I,
)
_WIDGET_MAX_WORDS = 20


def comment_widget(text: str) -> bool:
    """A comment section's line about itself: its feed, its trackback address, its count."""
    return (
        len(text) <= 12 * _WIDGET_MAX_WORDS
        and ("omment" in text or "rack" in text)
        and _COMMENT_WIDGET.search(text) is not None
        and words(text) <= _WIDGET_MAX_WORDS
    )


def form_message(text: str) -> bool:
    """A form's prompt or error message: a short line asking for a field or to try again."""
    return (
        text[:1] in _FORM_FIRST
        and len(text) <= 12 * _FORM_MAX_WORDS
        and _FORM_MESSAGE.match(text) is not None
        and words(text) <= _FORM_MAX_WORDS
    )


def invites_reader(text: str) -> bool:
    """The block opens by asking the reader about the post: a prompt to subscribe or share."""
    return (
        text[:1] in _INVITATION_FIRST
        and len(text) <= _INVITATION_MAX_CHARS
        and _INVITATION.match(text) is not None
    )


# _drop_kept's tests, in order: a teaser card (`headline_twice`) is a related link; headlines
# or menu entries run together (`reads_as_titles`: a mega-menu's items, a sidebar of teasers
# on one line) are navigation; then a prompt about the post, a teaser's headline said twice
# about its section, a form's message, a comment section's line about itself.
_KEPT_FURNITURE: tuple[tuple[Callable[[str], bool], BlockKind], ...] = (
    (headline_twice, BlockKind.RELATED),
    (reads_as_titles, BlockKind.NAVIGATION),
    (invites_reader, BlockKind.PROMO),
    (titled_twice, BlockKind.RELATED),
    (form_message, BlockKind.OTHER),
    (comment_widget, BlockKind.COMMENTS),
)


# Kept blocks with this many blocks or more between them, furniture not counted, are in
# separate runs; a run of one block after the longest run, much shorter than it, is a stray
# (_drop_strays).
_STRAY_GAP = 2
_STRAY_SHARE = 0.5


def _drop_strays(
    blocks: list[Block], kinds: list[BlockKind | None], chosen: list[bool], *, text: bool
) -> None:
    """Step 5d (dumps and HTML): after the article, a kept block standing alone is no article
    text: a blurb about the site or its writer in a sidebar, a teaser, a comment the thread
    scan missed. The kept blocks fall into runs, _STRAY_GAP blocks or more between two runs
    (blocks of a furniture kind not counted: an ad marker or a 'Read more' box inside the
    article does not split it); the article is the longest run (in characters). A run of one
    block after it, under half its length, is dropped. Runs before the article are asked
    only in text dumps (`text`), and only whether they are short lines that read as no
    sentence (a sidebar's headlines): a lead or a standfirst stands apart from the body above
    a picture, its caption and share buttons, and is a sentence. On HTML (the body set's
    training half) precision 0.939 -> 0.946 for recall 0.888 -> 0.887; on the dev set's news
    pages kept 0.931 -> 0.925 for removed 0.930 -> 0.937: the sidebars' blurbs and bios the
    container did not cut."""
    kept = [i for i, keep in enumerate(chosen) if keep]
    if len(kept) < 3:
        return
    runs, sizes, main = _kept_runs(blocks, kinds, kept)
    most = sizes[main]
    for run, size in zip(runs[main + 1 :], sizes[main + 1 :], strict=True):
        if len(run) == 1 and size < most * _STRAY_SHARE:
            chosen[run[0]] = False
    if text:
        # Text dumps: a run before the article of short lines none of which reads as a
        # sentence is a sidebar's or a menu's headlines ('Ultra-fast release cycles and the
        # new plane', 'XPS 15 (2012)'), not a lead or a standfirst, which are sentences, nor
        # a table's rows (their cells a tab apart). A line of ten words or more alone just
        # above the article stays: a standfirst printed without its full stop.
        for j, run in enumerate(runs[:main]):
            if j == main - 1 and len(run) == 1 and words(blocks[run[0]].text) >= _DEK_WORDS:
                continue
            if all(_title_line(blocks[i].text) for i in run):
                for i in run:
                    chosen[i] = False


_TITLES_RUN_WORDS = 20
_DEK_WORDS = 10


def _title_line(text: str) -> bool:
    """A short line that does not read as a sentence, outside a table."""
    return words(text) <= _TITLES_RUN_WORDS and "\t" not in text and not sentence_like(text)


def _kept_runs(
    blocks: list[Block], kinds: list[BlockKind | None], kept: list[int]
) -> tuple[list[list[int]], list[int], int]:
    """The kept blocks in runs (_STRAY_GAP plain blocks or more between two), each run's
    length in characters and the longest run's index."""
    # plain[i]: the blocks without a furniture kind before block i.
    plain = [0] * len(blocks)
    count = 0
    for i, kind in enumerate(kinds):
        plain[i] = count
        count += kind is None
    runs: list[list[int]] = [[kept[0]]]
    for i in kept[1:]:
        if plain[i] - plain[runs[-1][-1]] > _STRAY_GAP:
            runs.append([i])
        else:
            runs[-1].append(i)
    sizes = [sum(len(blocks[i].text) for i in run) for run in runs]
    return runs, sizes, sizes.index(max(sizes))


def _article_span(
    blocks: list[Block],
    kinds: list[BlockKind | None],
    markup: MarkupEvidence | None,
    page_text: blockmodel.PageText | None,
) -> tuple[int, int]:
    """Step 3: the first and last block of the article span (start > end: no article)."""
    scores = markup.scores if markup is not None else None
    if scores is None and page_text is not None:
        scores = page_text.span_scores(blocks)
    container = markup.container if markup is not None else None
    start, end, total = _best_span(blocks, kinds, container, scores)
    if total < _MIN_ARTICLE_WORDS:
        start, end = len(blocks), len(blocks) - 1  # empty span
    if markup is None:  # HTML knows its headline from markup; text dumps must guess
        start = _skip_header_zone(blocks, kinds, start, end)
    return start, end


def _mark_thread_above(
    blocks: list[Block], kinds: list[BlockKind | None], start: int
) -> int | None:
    """Step 3a (text dumps): a comment thread announced above the span ('13 comments:', then
    'NAME said...' entry after entry) is comments, and the span is looked for again. Under a
    post of a few words (a picture and its caption) the thread is the page's longest prose, so
    the span can open inside it. The thread's first block where one was marked."""
    opened = announced_thread(blocks, 1, min(start, len(blocks)))
    if opened >= len(blocks):
        return None
    for i in range(opened, len(blocks)):
        if kinds[i] is None:
            kinds[i] = BlockKind.COMMENTS
    return opened


_SHORT_POST_WORDS = 12  # or fewer that end as a sentence ends
_SHORT_POST_MIN_WORDS = 3
_SENTENCE_STOPS = frozenset(".!?…")


def _short_post(blocks: list[Block], kinds: list[BlockKind | None], opened: int) -> int:
    """Where no span is left above a thread: the post is its longest block of prose above the
    thread (a dozen words, or a sentence of three or more: not a share row or a link to the
    previous post); len(blocks) where there is none."""
    best, most = len(blocks), 0
    for i in range(opened):
        if kinds[i] is None and blocks[i].tag != "li":
            text = blocks[i].text
            n = words(text)
            if n > most and (
                n >= _SHORT_POST_WORDS
                or (n >= _SHORT_POST_MIN_WORDS and text.rstrip()[-1:] in _SENTENCE_STOPS)
            ):
                best, most = i, n
    return best


def _mark_comment_thread(
    blocks: list[Block], kinds: list[BlockKind | None], start: int, end: int, *, posts: bool
) -> int:
    """Step 3b: readers' comments after the article (comments.py) are comments, whatever their
    prose; the span ends before them. Returns the span's end. `posts` (text dumps): a blog's
    posts stamped alike by one writer are no thread (HTML has its markup for that)."""
    if start > end:
        return end
    cut = thread_start(blocks, kinds, start, posts=posts)
    for i in range(cut, len(blocks)):
        if kinds[i] is None:
            kinds[i] = BlockKind.COMMENTS
    end = min(end, cut - 1)
    while end >= start and kinds[end] is not None:
        end -= 1
    return end


def _model_choice(
    blocks: list[Block],
    kinds: list[BlockKind | None],
    start: int,
    end: int,
    page_text: blockmodel.PageText | None,
    markup: MarkupEvidence | None,
) -> list[bool] | None:
    """Step 5: which blocks a learned block classifier keeps as article text (None: no model
    spoke, the span decides)."""
    # Called through the modules: the trainers in benchmarks/ put their own `choose` there.
    chosen = None
    if page_text is not None:  # text dumps: the text model (blockmodel.py)
        chosen = blockmodel.choose(blocks, kinds, start, end, page_text)
    if markup is not None:  # HTML: the same kind of model, with markup evidence
        chosen = htmlmodel.choose(blocks, kinds, start, end, markup.features)
        if chosen is not None:
            _keep_subheadings(blocks, kinds, chosen)
    return chosen


@dataclass(frozen=True, slots=True)
class _Header:
    title_at: int | None  # the block that is the headline, if one is
    title: str | None
    authors: tuple[str, ...]
    published: datetime | None
    roles: dict[int, BlockKind]  # bylines and datelines above the article, by position


def _read_header(
    blocks: list[Block],
    kinds: list[BlockKind | None],
    start: int,
    end: int,
    meta: Metadata,
    chosen: list[bool] | None = None,
) -> _Header:
    """Step 6: the headline, and the bylines and datelines between it and the article, or
    opening it ('Updated July 23, 2012, 11:27 p.m. ET' kept as a first paragraph)."""
    title_at = _find_title(blocks, kinds, start, meta) if start <= end or meta.title else None
    title = meta.title or (blocks[title_at].text if title_at is not None else None)
    authors = meta.authors
    published = meta.published
    roles: dict[int, BlockKind] = {}
    for i in range(
        max(0, (title_at if title_at is not None else start) - 3), min(start + 1, len(blocks))
    ):
        if i == title_at or kinds[i] is not None or i >= start:
            continue
        names = parse_byline(blocks[i].text)
        if names:
            roles[i] = BlockKind.BYLINE
            authors = authors or names
            continue
        if len(blocks[i].text.split()) <= 14:
            when = find_date(blocks[i].text)
            if when is not None:
                roles[i] = BlockKind.DATELINE
                published = published or when
    # The article's first blocks: a byline or a date line among them (after a kicker, a lead)
    # opens the article, it is not its text.
    first = start
    if chosen is not None:
        first = next((i for i, c in enumerate(chosen) if c), start)
    seen = 0
    for i in range(first, len(blocks)):
        if seen >= _OPENING_BLOCKS or (chosen is None and i > end):
            break
        if i == title_at or kinds[i] is not None or (chosen is not None and not chosen[i]):
            continue
        seen += 1
        if i in roles:
            continue
        text = blocks[i].text
        if names := parse_byline(text):
            roles[i] = BlockKind.BYLINE
            authors = authors or names
        elif is_dateline(text):
            roles[i] = BlockKind.DATELINE
            published = published or find_date(text)
    return _Header(title_at, title, authors, published, roles)


_HEADER_NEAR = 3  # a kicker, a standfirst or a date this close above the headline stays


def _drop_above_headline(
    blocks: list[Block], kinds: list[BlockKind | None], chosen: list[bool], header: _Header
) -> None:
    """Step 6a (text dumps): an article starts at its headline. Where the headline comes with
    its byline or date line, prose kept well above it (a blog's welcome blurb, the writer's
    bio, a sidebar's teasers) is the page's, not the article's: the model weighs each block
    alone and keeps any prose. Only where the article under the headline (its list items not
    counted: a thread's entries) holds more text than what is kept above it, so that a
    headline found under the article (a gallery's, a comment's) drops nothing. On the body
    set's training half precision 0.875 -> 0.883 for recall 0.877 -> 0.877; on the dev
    set's dumps kept 0.877 -> 0.877 for removed 0.896 -> 0.897."""
    at = header.title_at
    # The date line right above it ('Wednesday, October 10, 2012', then the headline) or under
    # it: one further above is a caption's or a teaser's, the headline a guess.
    if at is None or not any(r == at - 1 or at < r <= at + _HEADER_NEAR for r in header.roles):
        return
    above = sum(len(blocks[i].text) for i in range(at) if chosen[i])
    if not above:
        return
    below = sum(
        len(blocks[i].text)
        for i in range(at + 1, len(blocks))
        if chosen[i] and kinds[i] is None and blocks[i].tag != "li"
    )
    if below < above:
        return
    for i in range(at - _HEADER_NEAR):
        chosen[i] = False


def _sort_blocks(
    blocks: list[Block],
    kinds: list[BlockKind | None],
    start: int,
    end: int,
    chosen: list[bool] | None,
    header: _Header,
    container: frozenset[int] | None,
) -> tuple[list[str], list[RemovedBlock], list[_Credit], str | None, int | None]:
    """Step 7: the article's paragraphs and the removed blocks, each with its kind; with them
    the names the syndication credits give, in page order, the first copyright line and the
    words removed between the article's last paragraph and it (None: no line, or none after
    a paragraph)."""
    paragraphs: list[str] = []
    removed: list[RemovedBlock] = []
    strip_lines: dict[int, list[str]] = {}
    credits: list[_Credit] = []
    copyright_text: str | None = None
    copyright_gap: int | None = None
    after_paragraph: int | None = None  # len(removed) at the last paragraph
    title_at, roles = header.title_at, header.roles
    in_article = _article_test(start, end, chosen, header, container)
    for i, block in enumerate(blocks):
        k = kinds[i]
        if in_article(i) and k is None:
            paragraphs.append(block.text)
            after_paragraph = len(removed)
            continue
        if i == title_at:
            continue
        if k is None:
            k = roles.get(i) or block.hint
            if k is None:  # by shape: short lines and list items are navigation or other
                if block.tag == "li" or words(block.text) <= 4:
                    k = BlockKind.NAVIGATION if i < start else BlockKind.OTHER
                elif i > end:
                    k = BlockKind.FOOTER if words(block.text) <= 20 else BlockKind.OTHER
                else:
                    k = BlockKind.OTHER
        if (
            k is BlockKind.TICKER
            and removed
            and removed[-1].kind is BlockKind.TICKER
            and (kinds[i - 1] is BlockKind.TICKER)
        ):
            # A strip is one piece of furniture: keep its instruments together, a line each
            # (joined once at the end: a long strip must not cost quadratic time).
            strip_lines.setdefault(len(removed) - 1, [removed[-1].text]).append(spaced_text(block))
            continue
        removed.append(_removed(k, spaced_text(block) if k is BlockKind.TICKER else block.text))
        # A portal's credit may be its copyright line: '© Provided by The Guardian'.
        if k in _CREDITING and (credited := syndication_origin(block.text)):
            credits.append(_Credit(credited, len(paragraphs), is_source_line(block.text)))
        if k is BlockKind.COPYRIGHT and copyright_text is None:
            copyright_text = block.text
            if after_paragraph is not None:
                copyright_gap = sum(words(r.text) for r in removed[after_paragraph:-1])

    for at, lines in strip_lines.items():
        removed[at] = RemovedBlock(kind=BlockKind.TICKER, text="\n".join(lines))
    return paragraphs, removed, credits, copyright_text, copyright_gap


def _article_test(
    start: int,
    end: int,
    chosen: list[bool] | None,
    header: _Header,
    container: frozenset[int] | None,
) -> Callable[[int], bool]:
    """Whether block i is article text, unless its kind says otherwise: the model's choice
    where one spoke, else the span (within the container, for HTML)."""
    if chosen is not None:
        roles, title_at = header.roles, header.title_at
        return lambda i: chosen[i] and i != title_at and i not in roles
    return lambda i: start <= i <= end and (container is None or i in container)


def _mark_echoes(
    blocks: list[Block],
    kinds: list[BlockKind | None],
    in_article: Callable[[int], bool],
    header: _Header,
) -> None:
    """Step 6b: article blocks that say again what the article has said, and the writer's bio.

    A block that opens as an earlier paragraph does and says nothing the article has not
    said (a teaser of the story itself under it, its end cut; the lead and what follows it
    joined as a summary) is a link to the story: an article does not say a paragraph twice.
    One that goes on to say more (the body's paragraph after a standfirst that was its first
    sentence) stays. A paragraph after the first that opens with the writer's full name
    ('Jane Doe covers media for ...') is the box about the writer.
    """
    openings: set[str] = set()  # the opening words of the article's paragraphs so far
    said: list[str] = []  # their words, a paragraph's an item
    names = [casefolded_words(a) for a in header.authors if len(a.split()) >= 2]
    for i, block in enumerate(blocks):
        if kinds[i] is not None or not in_article(i):
            continue
        # casefolded_words(block.text), through the byte tables: the same words, faster.
        tokens = folded_tokens(block.text)
        folded = " ".join(tokens)
        opening = " ".join(tokens[:_ECHO_WORDS]) if len(tokens) >= _ECHO_WORDS else None
        # The last words may be cut mid-word ('But, at the en...'): they need not match.
        # Joined only where an opening repeats: most pages never pay for it.
        if opening in openings and f" {' '.join(tokens[:-_ECHO_CUT])} " in f" {' '.join(said)} ":
            kinds[i] = BlockKind.RELATED
            continue
        if said and names and len(tokens) <= _BIO_LONG_WORDS and _opens_bio(folded, names, tokens):
            kinds[i] = BlockKind.BYLINE
            continue
        if opening is not None:
            openings.add(opening)
        said.append(folded)


def _opens_bio(folded: str, names: list[str], tokens: list[str]) -> bool:
    """Whether a paragraph opens with the writer's full name as a bio does: any such paragraph
    of up to _BIO_MAX_WORDS, a longer one where the name is followed by what a bio says next
    ('Jane Doe is the founder of ...', 'Jane Doe has written for ...')."""
    for name in names:
        if folded.startswith(name + " "):
            if len(tokens) <= _BIO_MAX_WORDS:
                return True
            after = tokens[name.count(" ") + 1]
            if after in _BIO_VERBS:
                return True
    return False


_ECHO_WORDS = 10  # the opening words two paragraphs must share to be one said twice
_BIO_MAX_WORDS = 80
_BIO_LONG_WORDS = 250
_BIO_VERBS = frozenset({"is", "was", "has", "writes", "covers", "joined", "founded", "lives"})
_ECHO_CUT = 2  # the last words of a repeat, which a teaser may cut short


@dataclass(frozen=True, slots=True)
class _Credit:
    name: str  # the organisation the credit names
    after: int  # how many article paragraphs come before it
    source_line: bool  # 'Source: X'


def _credits(
    paragraphs: list[str],
    removed: list[RemovedBlock],
    credits: list[_Credit],
    copyright_text: str | None,
    meta: Metadata,
    copyright_gap: int | None = None,
) -> tuple[str | None, str | None]:
    """Step 8: origin and copyright. The origin is the first name that reads like an
    organisation other than the page's own (its publisher, its host), from: the syndication
    credits found while sorting, the wire dateline, the structured data's source, and a wire
    named in the copyright line where the page says who it is. The page's own copyright holder
    is never the origin: most sites hold the copyright of what they carry."""
    if copyright_text is None:
        copyright_text = _copyright_sentence(removed)
    own = (meta.publisher, _host(meta.url), *_about_names(removed))
    # 'Source: X' between paragraphs, or on several lines, credits pictures and charts; one
    # after the article's last paragraph credits the story.
    sources = sum(c.source_line for c in credits)
    # The holder of the page's own copyright line is the page (a 'Source: Harbour Media' or a
    # structured-data source over a page '© 2026 Harbour Media'): not the origin. A credit in
    # words ('originally appeared in X', often over X's own copyright line) and a wire's
    # dateline ('(AP) -', under the wire's copyright too) name the origin all the same.
    holder = copyright_owner(copyright_text) if copyright_text else None
    candidates = [
        (c.name, holder if c.source_line else None)
        for c in credits
        if not c.source_line
        or (sources == 1 and c.after == len(paragraphs) and not is_weak_source_name(c.name))
    ]
    if paragraphs and (dateline := wire_dateline_origin(paragraphs[0])):
        candidates.append((dateline, None))
    if meta.source:
        candidates.append((meta.source, holder))
    origin = next(
        (
            n
            for n, mine in candidates
            if is_organisation(n) and not same_organisation(n, *own, mine)
        ),
        None,
    )
    # 'Copyright 2024 The Associated Press' on a page that does not say whose it is may be
    # the agency's own site: the wire is the origin only where the page names itself. A
    # wire's notice follows its story; one far below it, in the site's footer, names the
    # site's owner ('© 2005-2012 Dow Jones & Company' under a blog that company owns).
    near = copyright_gap is None or copyright_gap <= _WIRE_NOTICE_GAP
    wire = copyright_wire(copyright_text) if copyright_text and any(own) and near else None
    if origin is None and wire and is_organisation(wire) and not same_organisation(wire, *own):
        origin = wire
    return origin, copyright_text


def _about_names(removed: list[RemovedBlock]) -> list[str]:
    """The names a page gives itself in its menus and footer ('About Dow Jones', 'About The
    Example Times'): a site links to its own 'About' page, so a credit or a wire's copyright
    naming one of them names the page's own publisher (a paper's parent company)."""
    return [
        m.group(1)
        for r in removed
        if r.kind in _SITE_FURNITURE
        and len(r.text) <= _ABOUT_MAX_CHARS
        and (m := _ABOUT.fullmatch(r.text.strip()))
    ]


_SITE_FURNITURE = frozenset({BlockKind.FOOTER, BlockKind.NAVIGATION})
_WIRE_NOTICE_GAP = 80  # words removed between a story and its wire's copyright notice, at most
_CREDITING = frozenset({BlockKind.SYNDICATION, BlockKind.COPYRIGHT})
_ABOUT_MAX_CHARS = 60
# 'About' and a capitalised name of at most five words; not 'About us', 'About this site'.
_ABOUT = re.compile(r"About\s+((?:The\s+)?[A-Z][\w&.'-]*(?:\s+[A-Z&][\w&.'-]*){0,4})")


def _host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


# RemovedBlock is a frozen dataclass, whose __init__ sets fields through object.__setattr__; most
# of a page's blocks are removed ones, so they are built through the slot descriptors instead.
_SET_REMOVED_KIND, _SET_REMOVED_TEXT = (
    getattr(RemovedBlock, name).__set__ for name in ("kind", "text")
)
_new = object.__new__
# A field added to RemovedBlock must be set below too; fail at import, not on first use.
assert {f.name for f in fields(RemovedBlock)} == {"kind", "text"}


def _removed(kind: BlockKind, text: str) -> RemovedBlock:
    """RemovedBlock(kind=kind, text=text), built faster."""
    removed: RemovedBlock = _new(RemovedBlock)
    _SET_REMOVED_KIND(removed, kind)
    _SET_REMOVED_TEXT(removed, text)
    return removed


def _strong_prose(block: Block) -> bool:
    """Long sentence text with few links outweighs a class-name hint."""
    return words(block.text) >= 30 and block.link_density < 0.3 and sentence_like(block.text)


def block_score(block: Block, kind: BlockKind | None) -> float:
    """Positive for article-like text, negative for furniture and short fragments."""
    n = words(block.text)
    if kind is BlockKind.AD:
        return -0.5  # markers sit inside articles; they must not split one
    if kind is not None:
        return -max(2.0, n * 0.5)
    if n >= 10 and sentence_like(block.text):
        score = float(n)
    elif n >= 5 and sentence_like(block.text):
        score = n * 0.5
    else:
        return -3.0
    if block.tag == "li":
        score *= 0.4  # lists are more often menus than article text
    if block.link_density > 0.0:
        score *= max(-1.0, 1.0 - 2.5 * block.link_density)
    return score


def _best_span(
    blocks: list[Block],
    kinds: list[BlockKind | None],
    allowed: frozenset[int] | None = None,
    scores: tuple[float, ...] | None = None,
) -> tuple[int, int, float]:
    best = (0, -1, 0.0)
    run_start, run_total = 0, 0.0
    for i, block in enumerate(blocks):
        if allowed is not None and i not in allowed:
            s = -1e9
        elif scores is not None and kinds[i] is None:
            s = scores[i]
        else:
            s = block_score(block, kinds[i])
        if run_total <= 0:
            run_start, run_total = i, s
        else:
            run_total += s
        if run_total > best[2]:
            best = (run_start, i, run_total)
    start, end, total = best
    # Trim furniture from the edges: the span starts and ends on article text.
    while start <= end and kinds[start] is not None:
        start += 1
    while end >= start and kinds[end] is not None:
        end -= 1
    return start, end, total


def _title_like(block: Block) -> bool:
    n = words(block.text)
    return 3 <= n <= 40 and not block.text.rstrip().endswith((".", ",", ";")) and block.tag != "li"


_SUBHEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})


def _keep_subheadings(
    blocks: list[Block], kinds: list[BlockKind | None], chosen: list[bool]
) -> None:
    """Between two kept paragraphs, a short heading is the article's subheading, and a short
    plain sentence ('We are thrilled.', 'He declined to comment.') is one of its paragraphs:
    the model, weighing each block alone, drops short ones, which the article's own run of
    prose around them vouches for."""
    for i in range(1, len(blocks) - 1):
        b = blocks[i]
        if chosen[i] or kinds[i] is not None or not (chosen[i - 1] and chosen[i + 1]):
            continue
        if b.tag in _SUBHEADINGS:
            chosen[i] = (
                1 <= words(b.text) <= 15
                and _strong_prose(blocks[i - 1])
                and _strong_prose(blocks[i + 1])
            )
        elif b.tag == "p" and b.hint is None:
            chosen[i] = (
                2 <= words(b.text) <= 30
                and b.link_density < 0.3
                and sentence_like(b.text)
                and _plain_prose(blocks[i - 1])
                and _plain_prose(blocks[i + 1])
            )


def _plain_prose(block: Block) -> bool:
    return words(block.text) >= 10 and block.link_density < 0.3 and sentence_like(block.text)


def _header_line(block: Block) -> bool:
    text = block.text
    return bool(parse_byline(text)) or (words(text) <= 14 and find_date(text) is not None)


def _skip_header_zone(
    blocks: list[Block], kinds: list[BlockKind | None], start: int, end: int
) -> int:
    """Move the start past a headline (and its byline/dateline) caught inside the span.

    A short sentence above the headline (a notice, a kicker) can pull the headline
    into the best-scoring run; the article proper starts after the header block.
    """
    limit = min(end, start + 6)
    prefix_words = 0
    new_start = start
    for h in range(start, limit):
        b = blocks[h]
        if kinds[h] is None and _title_like(b) and not sentence_like(b.text) and prefix_words < 60:
            after = h + 1
            while after <= end and (kinds[after] is not None or _header_line(blocks[after])):
                after += 1
            has_header = any(_header_line(blocks[k]) for k in range(h + 1, after))
            if after <= end and (has_header or h > start):
                new_start = after
        prefix_words += words(b.text)
    return new_start


def _mark_related_lists(
    blocks: list[Block], kinds: list[BlockKind | None], start: int, end: int
) -> None:
    """After a 'Related' heading, the short link-like lines that follow are related links.

    From the article's start to the end of the page: related lists mostly follow the article.
    A 'Read more: <headline>' line inside an article is one link, not such a heading: the
    subheading after it is the article's.
    """
    i = start
    last = len(blocks) - 1
    while i <= last:
        if kinds[i] is BlockKind.RELATED and not names_its_link(blocks[i].text):
            j = i + 1
            while (
                j <= last
                and kinds[j] is None
                and not sentence_like(blocks[j].text)
                and words(blocks[j].text) <= 20
            ):
                kinds[j] = BlockKind.RELATED
                j += 1
            i = j
        else:
            i += 1


_ABOUT_HEADING = re.compile(
    r"(?:about|über|à propos|acerca|sobre) (?:the |this )?(?:author|authors|writer|blogger|"
    r"blog|site|autor|autorin|auteur|me)\W*|about:",
    re.I,
)
_ABOUT_REACH = 4  # the name lines and the bio after the heading


def _mark_author_boxes(blocks: list[Block], kinds: list[BlockKind | None]) -> None:
    """'About the author' ('About this blog', 'About:') and what follows it, up to and with
    the first paragraph (the bio, behind a line or two with the name): a box about the writer
    or the site, not the article."""
    for i, block in enumerate(blocks):
        if (
            kinds[i] is not None
            or len(block.text) > 30
            or not _ABOUT_HEADING.fullmatch(block.text.strip())
        ):
            continue
        kinds[i] = BlockKind.BYLINE
        for j in range(i + 1, min(len(blocks), i + 1 + _ABOUT_REACH)):
            if kinds[j] is not None:
                break
            kinds[j] = BlockKind.BYLINE
            if words(blocks[j].text) > _NAME_LINE_WORDS:
                break


_NAME_LINE_WORDS = 5


def _find_title(
    blocks: list[Block], kinds: list[BlockKind | None], start: int, meta: Metadata
) -> int | None:
    if meta.title:
        wanted = casefolded_words(meta.title)
        for i in range(min(start, len(blocks)) - 1, max(-1, start - 30), -1):
            if casefolded_words(blocks[i].text) == wanted:
                return i
        return None
    best: tuple[float, int] | None = None
    for dist, i in enumerate(range(start - 1, max(-1, start - 1 - _TITLE_LOOKBACK), -1)):
        if i >= len(blocks) or kinds[i] is not None:
            continue
        b = blocks[i]
        n = words(b.text)
        if not 3 <= n <= 40 or b.text.rstrip().endswith((".", ",")):
            continue
        if parse_byline(b.text) or (n <= 14 and find_date(b.text)):
            continue
        score = min(n, 15) - dist * 2.0 + (4.0 if b.tag.startswith("h") else 0.0)
        if b.tag == "li":
            score -= 6
        if best is None or score > best[0]:
            best = (score, i)
    return best[1] if best else None


def _copyright_sentence(removed: list[RemovedBlock]) -> str | None:
    for r in removed:
        if r.kind is BlockKind.SYNDICATION:
            m = re.search(r"(?:Copyright|©)[^.]*(?:\.[^.]*)?All rights reserved\.?", r.text, re.I)
            if m:
                return m.group(0)
    return None
