"""HTML pages to blocks and metadata, then the shared segmentation.

One job a module: `blocks` walks the tree into blocks with their markup hints, `container`
finds the article's element, `metadata` reads what the page declares (with `title`,
`authors`, `published` and `jsonld`); this module decodes the page and puts them together.
"""

from __future__ import annotations

import re
from dataclasses import replace

from selectolax.lexbor import LexborHTMLParser

from marketdesk.extract import htmlmodel
from marketdesk.extract.boilerplate import classify
from marketdesk.extract.dates import is_dateline
from marketdesk.extract.decode import decode_text
from marketdesk.extract.html.blocks import IN_COMMENTS, walk_blocks
from marketdesk.extract.html.container import (
    block_kind,
    clear_hints,
    depths_below,
    html_block_score,
    main_container,
)
from marketdesk.extract.html.metadata import read_metadata
from marketdesk.extract.html.published import htmldate_date, visible_date
from marketdesk.extract.segment import FIRM_HINTS, MarkupEvidence, Metadata, assemble
from marketdesk.extract.text import casefolded_words, sentence_like, words
from marketdesk.model import Block, BlockKind, Page, RawDocument, RemovedBlock


def extract_html(raw: RawDocument) -> Page:
    """Decode and parse the page, read its metadata and blocks, and segment them."""
    declared = _declared_charset(raw.content[:4096], raw.media_type)
    html = decode_text(raw.content, declared)
    tree = LexborHTMLParser(html)
    meta = read_metadata(tree, raw.url)
    body = tree.body or tree.root
    if body is None:
        return assemble([], source=raw.source, kind="html", meta=meta)
    built = walk_blocks(body)
    blocks = built.blocks
    # The container is chosen on text evidence alone: a class name on a page-wide wrapper
    # ("has-sidebar", "widget-area") must not condemn the article inside it.
    # Readers' comments count against any element that holds them, so the container is the
    # article's, not the article with its comment thread.
    in_comments = [bool(m & IN_COMMENTS) for m in built.marks]
    plain = [
        html_block_score(b, BlockKind.COMMENTS if c else classify(b))
        for b, c in zip(blocks, in_comments, strict=True)
    ]
    anchors = _headline_blocks(blocks, meta)
    best, container = main_container(blocks, built.paths, plain, anchors=anchors)
    if best and container:
        blocks = clear_hints(blocks, built.paths, built.hint_srcs, best, container)
    # A block in a comment section is a comment whatever its prose, unless every block of the
    # article's element is in one (the name then comes from around the article).
    scope = container if container else range(len(blocks))
    if any(in_comments) and not all(in_comments[i] for i in scope):
        blocks = [
            replace(b, hint=BlockKind.COMMENTS) if c else b
            for b, c in zip(blocks, in_comments, strict=True)
        ]
    scores = [html_block_score(b, block_kind(b)) for b in blocks]
    if meta.published is None:
        found = visible_date(blocks, container, meta.language) or htmldate_date(html, raw.url)
        meta = replace(meta, published=found)
    depths = depths_below(built.paths, best)
    features = htmlmodel.evidence(
        blocks, [b.hint for b in blocks], container, scores, depths, built.marks, built.paths
    )
    page = assemble(
        blocks,
        source=raw.source,
        kind="html",
        meta=meta,
        markup=MarkupEvidence(container=container, scores=tuple(scores), features=features),
    )
    if page.article.paragraphs:
        page = _post_over_blurb(page, blocks, built.paths, anchors) or page
        return _outside_post(page, blocks, built.paths, anchors) or page
    # No article in the element the text chose: the element the hint-aware scores choose
    # (a sidebar of offers written in sentences, named as such, loses to the article there).
    best2, container2 = main_container(blocks, built.paths, scores)
    if (
        container2
        and container2 != container
        and sum(max(scores[i], 0.0) for i in container2) >= _SECOND_TRY_GAIN
    ):
        depths = depths_below(built.paths, best2)
        features = htmlmodel.evidence(
            blocks, [b.hint for b in blocks], container2, scores, depths, built.marks, built.paths
        )
        evidence = MarkupEvidence(container=container2, scores=tuple(scores), features=features)
        again = assemble(blocks, source=raw.source, kind="html", meta=meta, markup=evidence)
        if again.article.paragraphs:
            return again
    return _second_try(blocks, raw.source, meta) or _after_headline(page, blocks, anchors)


# The least article score a re-chosen container must hold, and the fewest words a second try's
# article must have: on a page where the first try found nothing, a sentence or two is more
# often a sidebar's blurb than the article (chosen on the body set's training half).
_SECOND_TRY_GAIN = 40.0
_SECOND_TRY_MIN_WORDS = 40


# A page where the first try found no article (a short post, an article whose paragraphs a
# class name calls captions or a byline, a container won by a sidebar of offers): the text
# rules alone, over blocks whose soft hints are dropped where the block reads as prose.


def _second_try(blocks: list[Block], source: str, meta: Metadata) -> Page | None:
    relaxed = [
        replace(b, hint=None)
        if b.hint is not None
        and b.hint is not BlockKind.COMMENTS
        and b.link_density < 0.5
        and words(b.text) >= 8
        and sentence_like(b.text)
        else b
        for b in blocks
    ]
    page = assemble(relaxed, source=source, kind="html", meta=meta)
    return page if sum(map(words, page.article.paragraphs)) >= _SECOND_TRY_MIN_WORDS else None


def _headline_blocks(blocks: list[Block], meta: Metadata) -> list[int]:
    """The blocks that show a declared title word for word, or the headline as the part of
    it before or after the site's name ('Blog name: Post title'); not the site's name."""
    if not meta.declared_titles:
        return []
    exact = {casefolded_words(t) for t in meta.declared_titles}
    headline = casefolded_words(meta.title or "")
    longest = max(map(len, meta.declared_titles)) + _TITLE_SLACK
    folded = " ".join(t.casefold() for t in meta.declared_titles)
    found: list[int] = []
    parts: dict[str, list[int]] = {}  # blocks that show a part of the title, by that part
    for i, b in enumerate(blocks):
        # Cheap tests first: a block that shows a title is no longer than it, and it starts
        # as some part of it does.
        if not _MIN_HEADLINE_CHARS <= len(b.text) <= longest or b.text[:3].casefold() not in folded:
            continue
        got = casefolded_words(b.text)
        if got.count(" ") + 1 < _MIN_HEADLINE_WORDS:
            continue
        if got in exact:
            found.append(i)
        elif headline.startswith(got + " ") or headline.endswith(" " + got):
            parts.setdefault(got, []).append(i)
    if len(parts) > 1:
        # Both parts of 'Blog name: Post title' are shown: the one shown first is the site's
        # masthead (above the post on a blog, above the headline on a news site).
        del parts[min(parts, key=lambda part: parts[part][0])]
    return sorted(found + [i for shown in parts.values() for i in shown])


# A headline of one or two words is as often the site's name or a menu's.
_MIN_HEADLINE_WORDS = 3
_MIN_HEADLINE_CHARS = 8
_TITLE_SLACK = 10  # spaces and punctuation the block may have beyond the title's


def _after_headline(page: Page, blocks: list[Block], anchors: list[int]) -> Page:
    """A page where every try found nothing: a post of a sentence or two under its headline
    (the text between the declared headline and the next heading), if there is one."""
    if not anchors:
        return page
    taken: list[int] = []
    for i in range(anchors[0] + 1, min(len(blocks), anchors[0] + 1 + _POST_REACH)):
        b = blocks[i]
        if b.tag in _HEADINGS or b.hint is BlockKind.COMMENTS:
            break
        if (
            (b.hint is None or b.hint not in FIRM_HINTS)
            and b.link_density < 0.5
            and words(b.text) >= _POST_LINE_WORDS
            and (sentence_like(b.text) or words(b.text) >= 2 * _POST_LINE_WORDS)
            and classify(b) is None
        ):
            taken.append(i)
    if sum(words(blocks[i].text) for i in taken) < _POST_MIN_WORDS:
        return page
    texts = [blocks[i].text for i in taken]
    kept = set(texts)
    article = replace(page.article, paragraphs=tuple(texts))
    removed = tuple(r for r in page.removed if r.text not in kept)
    return replace(page, article=article, removed=removed, reason=None)


def _post_over_blurb(
    page: Page, blocks: list[Block], paths: list[tuple[int, ...]], anchors: list[int]
) -> Page | None:
    """The article without the site's blurb above its headline, or the post under the headline
    where the article chosen is only such a blurb.

    What is kept above the first headline block and outside the headline's element is the
    site's (a welcome note, a notice about the browser, a search form, the blog's 'about me')
    where at least as much is kept under the headline. Where all that is kept lies there and
    is short (a blog's page of a one-line post: the 'about me' near the top is the page's only
    prose, so it wins the container and the block model keeps it), the text under the
    headline, in its element up to the next heading, is the post, however short.
    """
    if not anchors:
        return None
    first = anchors[0]
    taken = _kept_blocks(page, blocks)
    if taken is None:
        return None
    post_element = paths[first][max(0, len(paths[first]) - _POST_ELEMENT_UP)]
    above = [i for i in taken if i < first and post_element not in paths[i]]
    below = sum(words(blocks[i].text) for i in taken if i > first)
    if not above:
        return None
    if below:
        if below < max(_UNDER_MIN_WORDS, sum(words(blocks[i].text) for i in above)):
            return None
        # The headline itself, kept as the span began above it, is the header's.
        gone = {blocks[i].text for i in above} | {blocks[first].text}
        texts = tuple(p for p in page.article.paragraphs if p not in gone)
        return _with_article(page, texts, [blocks[i].text for i in above])
    if (
        len(above) < len(taken)
        or len(taken) > _BLURB_MAX_PARAGRAPHS
        or sum(words(blocks[i].text) for i in taken) > _BLURB_MAX_WORDS
    ):
        return None
    post: list[int] = []
    for i in range(first + 1, min(len(blocks), first + 1 + _POST_REACH)):
        b = blocks[i]
        if b.tag in _HEADINGS or post_element not in paths[i]:
            break
        if b.link_density >= _LINKED:
            continue  # a link under the headline ('Comments »', a tag) is no end of the post
        if b.hint is BlockKind.COMMENTS:
            break
        if (
            (b.hint is None or b.hint not in FIRM_HINTS)
            and words(b.text) >= _BLURB_POST_LINE_WORDS
            and classify(b) is None
            and not is_dateline(b.text)
        ):
            post.append(i)
    if sum(words(blocks[i].text) for i in post) < _BLURB_POST_MIN_WORDS:
        return None
    return _with_article(page, tuple(blocks[i].text for i in post), [blocks[i].text for i in taken])


def _outside_post(
    page: Page, blocks: list[Block], paths: list[tuple[int, ...]], anchors: list[int]
) -> Page | None:
    """The article without what is kept outside the post's element.

    The post's element is the smallest ancestor of the headline block that holds at least
    half the words kept (the headline aside) and every run of prose kept (five
    paragraphs or more in one element: an article part in an element of its own, a section
    after a picture, not furniture). What is kept outside it is the site's: an 'about this
    blog' box, a newsletter or cookie notice, a sidebar's teasers, an author's box, tweets.
    The element must hold at least as much under the headline as above it (a headline block
    shown late on the page, in a reviews box under a shop's item, is no post's start).
    """
    if not anchors:
        return None
    kept = _kept_blocks(page, blocks)
    if kept is None:
        return None
    # The headline: the first block that shows the title, or a heading that shows it later
    # with nothing kept in between (the first was a title bar's or a menu's), whichever has
    # the deeper post's element (the one nearer the kept text).
    found: tuple[int, int, int] | None = None  # the element's depth, the headline, the element
    for a in anchors:
        if a != anchors[0] and (
            blocks[a].tag not in _HEADINGS or any(anchors[0] < i < a for i in kept)
        ):
            continue
        element = _post_element(blocks, paths, a, [i for i in kept if i != a])
        if element is not None and (found is None or paths[a].index(element) > found[0]):
            found = (paths[a].index(element), a, element)
    if found is None:
        return None
    _, first, element = found
    taken = [i for i in kept if i != first]
    inside = [i for i in taken if element in paths[i]]
    under = sum(words(blocks[i].text) for i in inside if i > first)
    if under < _UNDER_MIN_WORDS or 2 * under < sum(words(blocks[i].text) for i in inside):
        return None
    outside = [blocks[i].text for i in taken if element not in paths[i]]
    if not outside:
        return None
    gone = set(outside)
    texts = tuple(p for p in page.article.paragraphs if p not in gone)
    return _with_article(page, texts, outside)


def _post_element(
    blocks: list[Block], paths: list[tuple[int, ...]], first: int, taken: list[int]
) -> int | None:
    """The smallest ancestor of the headline block `first` that holds half the words of the
    kept blocks `taken` and all their runs of prose; None where there is nothing kept."""
    total = sum(words(blocks[i].text) for i in taken)
    if not total:
        return None
    runs: dict[tuple[int, ...], list[int]] = {}
    for i in taken:
        if words(blocks[i].text) >= _RUN_WORDS and sentence_like(blocks[i].text):
            runs.setdefault(paths[i][:-1], []).append(i)
    in_runs = [members[0] for members in runs.values() if len(members) >= _RUN_PARAGRAPHS]
    for eid in reversed(paths[first]):
        held = sum(words(blocks[i].text) for i in taken if eid in paths[i])
        if 2 * held >= total and all(eid in paths[i] for i in in_runs):
            return eid
    return None


def _kept_blocks(page: Page, blocks: list[Block]) -> list[int] | None:
    """The block of each kept paragraph (a text's first block: a comment or a teaser that
    quotes the lede comes later), or None where a paragraph is no block's text."""
    at: dict[str, int] = {}
    for i, b in enumerate(blocks):
        at.setdefault(b.text, i)
    kept = [at.get(p) for p in page.article.paragraphs]
    return None if any(i is None for i in kept) else [i for i in kept if i is not None]


# A run of prose: this many paragraphs of this many words at least, in one element (the
# training half's furniture kept outside a post has runs of one to four; the article parts
# in an element of their own on the dev pages, of twelve and more).
_RUN_PARAGRAPHS = 5
_RUN_WORDS = 20


def _with_article(page: Page, texts: tuple[str, ...], blurbs: list[str]) -> Page:
    """The page with these paragraphs, the blurbs among the removed blocks."""
    removed = tuple(r for r in page.removed if r.text not in set(texts))
    removed += tuple(RemovedBlock(BlockKind.PROMO, t) for t in blurbs)
    return replace(page, article=replace(page.article, paragraphs=texts), removed=removed)


# The fewest words kept under the headline for what is kept above it to be the site's (5 to
# 20 alike on the body set's training half); it must also outweigh what is above (asking twice
# as much gave back three pages' gains, no cap on what is above lost none).
_UNDER_MIN_WORDS = 20
# A blurb: at most two paragraphs and this many words; the headline's element: the headline's
# ancestor this many levels up; the post's lines: this many words at least, in all this many.
_BLURB_MAX_PARAGRAPHS = 2
_BLURB_MAX_WORDS = 60
_POST_ELEMENT_UP = 4
_BLURB_POST_LINE_WORDS = 3
_BLURB_POST_MIN_WORDS = 5
_LINKED = 0.5


_POST_REACH = 6
_POST_LINE_WORDS = 6
_POST_MIN_WORDS = 8
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def _declared_charset(head: bytes, media_type: str | None) -> str | None:
    m = re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", head, re.I)
    if m:
        return m.group(1).decode("ascii", "replace")
    if media_type:
        m2 = re.search(r"charset=([\w-]+)", media_type, re.I)
        if m2:
            return m2.group(1)
    return None
