"""HTML pages to blocks and metadata, then the shared segmentation.

Parsing is lexbor (selectolax). The walk is iterative, so 10,000 levels of
nesting cost no recursion; it emits one block per block-level element with
direct text, with its link density and a furniture hint from the markup.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from marketdesk.extract import htmlmodel
from marketdesk.extract.boilerplate import classify
from marketdesk.extract.dates import find_date
from marketdesk.extract.decode import decode_text
from marketdesk.extract.segment import FIRM_HINTS, Metadata, assemble
from marketdesk.extract.text import sentence_like, words
from marketdesk.extract.ticker import RECORD_MAX_CHARS
from marketdesk.model import Block, BlockKind, Page, RawDocument

_SKIP = frozenset(
    {
        "script",
        "style",
        "template",
        "svg",
        "iframe",
        "object",
        "embed",
        "canvas",
        "button",
        "select",
        "textarea",
        "input",
        "head",
        "title",
        "meta",
        "link",
        "math",
        "video",
        "audio",
        "picture",
        "source",
        "dialog",
        "rt",  # ruby readings (furigana) above the text they gloss
        "rp",
    }
)
_BLOCK = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "main",
        "li",
        "ul",
        "ol",
        "dl",
        "dd",
        "dt",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "table",
        "tr",
        "td",
        "th",
        "caption",
        "figcaption",
        "figure",
        "header",
        "footer",
        "nav",
        "aside",
        "address",
        "hr",
        "br",
        "center",
        "details",
        "summary",
        "body",
        "html",
    }
)
_TAG_HINT = {
    "nav": BlockKind.NAVIGATION,
    "footer": BlockKind.FOOTER,
    "aside": BlockKind.RELATED,
    "figcaption": BlockKind.CAPTION,  # captions and photo credits are not article text
}
# Class and id words that hint at furniture, a kind per group of alternatives; each must be
# a whole word of the names (between start, end, spaces, '_' and '-').
_CLASS_HINTS: tuple[tuple[str, BlockKind], ...] = (
    (
        r"(?:nav|navbar|navigation|menu|breadcrumbs?|masthead|topbar|pagination|pager|"
        r"skip-?link|sitemap)",
        BlockKind.NAVIGATION,
    ),
    (r"(?:footer|site-footer|colophon|copyright)", BlockKind.FOOTER),
    (r"(?:share|sharing|social|sharebar|sharedaddy|socials|shariff)", BlockKind.SHARE),
    (r"(?:comments?|disqus|discussion|respond|comment-respond)", BlockKind.COMMENTS),
    (
        r"(?:related|recommended|more-stories|read-more|outbrain|taboola|jp-relatedposts|"
        r"widget|widgets|sidebar|side-bar|tags|tag-list|"
        r"post-tags|categories|rating|ratings)",
        BlockKind.RELATED,
    ),
    (
        r"(?:caption|wp-caption-text|credit|credits|image-credit|photo-credit)",
        BlockKind.CAPTION,
    ),
    (
        r"(?:author-?(?:bio|box|info|infos|description|details|profile|card|about)|"
        r"about-?(?:the-?)?author|entry-author|post-author-bio|bio|biography|"
        r"shortBiography|autor(?:en)?-?(?:box|info|bio))",
        BlockKind.BYLINE,  # a box about the author, after or beside the article
    ),
    (r"(?:newsletter|subscribe|signup)", BlockKind.NEWSLETTER),
    (r"(?:promo|sponsored|teaser)", BlockKind.PROMO),
    (r"(?:ad|ads|advert|advertisement|dfp|gpt-ad|ad-slot)", BlockKind.AD),
    (r"(?:cookie|consent|gdpr|cmp)", BlockKind.COOKIE),
    (r"(?:ticker|quotes?-strip|market-data)", BlockKind.TICKER),
)
# One pass over class and id names: the leftmost word that matches, and of the groups that
# match there the first, names the kind. The word boundary is written once, outside the
# groups, so the engine tests it once a position instead of once a group.
_CLASS_HINT_RX = re.compile(
    r"(?:^|(?<=[\s_-]))(?:"
    + "|".join(f"(?P<k{i}>{p})" for i, (p, _) in enumerate(_CLASS_HINTS))
    + r")(?=$|[\s_-])",
    re.I,
)
_ROLE_HINT = {
    "navigation": BlockKind.NAVIGATION,
    "contentinfo": BlockKind.FOOTER,
    "complementary": BlockKind.RELATED,
    "banner": BlockKind.NAVIGATION,
}
_MAX_NODES = 2_000_000
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_TITLE_PUNCT = " |-\u2013\u2014\u203a\u00bb~\u00b7\u2022:/"
_TITLE_SEPARATORS = re.compile(r"\s+(?:[|\u2013\u2014\u203a\u00bb~\u00b7\u2022]|-|::|/)\s+")


def extract_html(raw: RawDocument) -> Page:
    declared = _declared_charset(raw.content[:4096], raw.media_type)
    html = decode_text(raw.content, declared)
    tree = LexborHTMLParser(html)
    meta = _metadata(tree, raw.url)
    body = tree.body or tree.root
    if body is None:
        return assemble([], source=raw.source, kind="html", meta=meta)
    built = _blocks(body)
    blocks = built.blocks
    # The container is chosen on text evidence alone: a class name on a page-wide wrapper
    # ("has-sidebar", "widget-area") must not condemn the article inside it.
    plain = [html_block_score(b, classify(b)) for b in blocks]
    best, container = main_container(blocks, built.paths, plain)
    if best and container:
        blocks = [
            replace(b, hint=None)
            if b.hint is not None
            and (
                _hinted_from_above(path, src, best)
                or (i in container and b.hint not in FIRM_HINTS and _prose(b))
            )
            else b
            for i, (b, path, src) in enumerate(
                zip(blocks, built.paths, built.hint_srcs, strict=True)
            )
        ]
    scores = [html_block_score(b, _kind(b)) for b in blocks]
    if meta.published is None:
        found = _visible_date(blocks, container, meta.language) or _htmldate(html, raw.url)
        meta = replace(meta, published=found)
    depths = [
        len(path) - path.index(best) if best and best in path else len(path) for path in built.paths
    ]
    markup = htmlmodel.evidence(
        blocks, [b.hint for b in blocks], container, scores, depths, built.marks, built.paths
    )
    return assemble(
        blocks,
        source=raw.source,
        kind="html",
        meta=replace(meta, container=container, scores=tuple(scores), evidence=markup),
    )


def _prose(block: Block) -> bool:
    """Sentence text with few links: inside the article, stronger than a class name."""
    return block.link_density < 0.1 and words(block.text) >= 25 and sentence_like(block.text)


# htmldate reads the whole page again; an article's date sits near its top, so it reads the
# first part, which bounds its cost on long pages. Its "extensive" mode is not used: on the
# dev set it found no date that _visible_date misses, gave wrong ones to pages without a
# date, and its fallback (dateparser over every locale) costs up to a second on first use.
_HTMLDATE_MAX_CHARS = 120_000


def _htmldate(html: str, url: str | None) -> datetime | None:
    """htmldate's reading of the page, for pages that declare and print no date we can see."""
    try:
        from htmldate import find_date as htmldate_find

        found = htmldate_find(
            html[:_HTMLDATE_MAX_CHARS], url=url, extensive_search=False, original_date=True
        )
    except Exception:  # a third-party heuristic must not fail the extraction
        return None
    if not found:
        return None
    try:
        return datetime.fromisoformat(found)
    except ValueError:
        return None


def _visible_date(
    blocks: list[Block], container: frozenset[int] | None, language: str | None
) -> datetime | None:
    """A date printed near the top of the article, when the markup declares none.

    In order of trust: a short line next to the article's start (its dateline); a paragraph
    that opens with a date ("27.1.2022 - Bei der ..."); a line that is little more than a
    date ("Datum: 03.11.2021") anywhere from just above the article to its end, nearest the
    start first.
    """
    day_first = not (language or "").startswith("en")

    def dated(text: str) -> datetime | None:
        return find_date(text, slashed=True, day_first=day_first)

    if not container:
        for block in blocks[:40]:
            if words(block.text) <= 15 and (found := dated(block.text)) is not None:
                return found
        return None
    first, last = min(container), max(container)
    for block in blocks[max(0, first - 8) : first + 6]:
        if words(block.text) <= 15 and (found := dated(block.text)) is not None:
            return found
    for block in blocks[max(0, first - 8) : first + 16]:
        if (found := dated(block.text[:_OPENING_CHARS])) is not None:
            return found
    around = range(max(0, first - _DATE_REACH), min(len(blocks), last + _DATE_REACH))
    for i in sorted(around, key=lambda i: abs(i - first)):
        text = blocks[i].text
        if words(text) <= 5 and (found := dated(text)) is not None:
            return found
    return None


_OPENING_CHARS = 48  # a date this close to a paragraph's start is its dateline
_DATE_REACH = 15  # blocks above the article (and below its end) where a date line may sit


def _hinted_from_above(path: tuple[int, ...], src: int, container: int) -> bool:
    """True when a block's hint comes from the container itself or an element around it."""
    if not src or container not in path:
        return False
    return path.index(src) <= path.index(container)


def _kind(block: Block) -> BlockKind | None:
    kind = classify(block)
    hint = block.hint
    if kind is None and hint is not None and (hint in FIRM_HINTS or words(block.text) < 30):
        return hint
    return kind


def html_block_score(block: Block, kind: BlockKind | None) -> float:
    """Article score of an HTML block: text rules plus link density and tag evidence."""
    if kind is BlockKind.AD:
        return -0.5
    n = words(block.text)
    if kind is not None:
        return -max(2.0, n * 0.5)
    ld = block.link_density
    if ld >= 0.5 and n < 40:
        return -2.0 - 3.0 * ld  # menus and link lists
    text = block.text.rstrip()
    sentence = sentence_like(text) or text.endswith(",")
    if n >= 10 and sentence:
        score = float(n)
    elif n >= 5 and sentence:
        score = n * 0.5
    elif block.tag in _HEADINGS:
        return -0.5  # subheadings sit between paragraphs
    elif n >= 15:
        score = n * 0.3
    else:
        return -0.3
    if block.tag == "li":
        score *= 0.6
    return score * (1.0 - 1.5 * ld)


def main_container(
    blocks: list[Block], paths: list[tuple[int, ...]], scores: list[float], penalty: float = 0.5
) -> tuple[int, frozenset[int] | None]:
    """The blocks of the element whose subtree holds the most article-like text.

    Each element scores the positive block scores under it plus `penalty` times the
    negative ones, so a wrapper that adds menus and footers to the article loses to
    the article's own container. Returns None when no element holds real prose.
    """
    gain: dict[int, float] = {}
    for path, score in zip(paths, scores, strict=True):
        s = score if score > 0 else score * penalty
        for eid in path:
            gain[eid] = gain.get(eid, 0.0) + s
    if not gain:
        return 0, None
    best, best_gain = max(gain.items(), key=lambda item: (item[1], -item[0]))
    if best_gain < 15:
        return 0, None
    inside = {i for i, path in enumerate(paths) if best in path}
    # Articles split over sibling elements (a section per subheading, an element per page
    # part): take the siblings that hold real prose of their own, as readability does.
    some_path = paths[min(inside)]
    depth = some_path.index(best)
    if depth > 0:
        parent = some_path[depth - 1]
        groups: dict[int, list[int]] = {}
        for i, path in enumerate(paths):
            if len(path) > depth and path[depth - 1] == parent and path[depth] != best:
                groups.setdefault(path[depth], []).append(i)
        threshold = max(10.0, 0.2 * best_gain)
        for sibling, members in groups.items():
            if gain.get(sibling, 0.0) >= threshold:
                inside.update(members)
    return best, frozenset(inside) or None


def choose_title(
    *,
    headline: str | None,
    social: str | None,
    document: str | None,
    headings: list[str],
    site: str | None,
) -> str | None:
    """The article's headline from the page's candidates, without the site's name.

    A visible h1 that the declared titles contain is the headline as the page shows
    it; otherwise the declared title loses a trailing (or leading) site-name segment.
    """
    declared = [t for t in (headline, social, document) if t]
    for h in headings:
        nh = _norm_title(h)
        if len(nh) >= 4 and any(nh in _norm_title(t) for t in declared):
            return h
    if headline:
        return headline
    for t in (social, document):
        if t:
            return _strip_site(t, site)
    return headings[0] if headings and headings[0] else None


_MASTHEAD_NAMES = re.compile(
    r"(?:^|[\s_-])(?:site-?title|site-?name|site-?branding|branding|logo|masthead|blog-?title|"
    r"blog-?name)(?:$|[\s_-])",
    re.I,
)


def _is_masthead(heading: LexborNode) -> bool:
    """An h1 that carries the site's name (a blog's masthead), not the article's headline:
    named like a site title or logo, or a link to the site's home page."""
    parent = heading.parent
    names = [heading.attributes.get("class"), heading.attributes.get("id")]
    if parent is not None:
        names += [parent.attributes.get("class"), parent.attributes.get("id")]
    if _MASTHEAD_NAMES.search(" ".join(n for n in names if n)):
        return True
    for link in heading.css("a"):
        if "home" in (link.attributes.get("rel") or "").lower():
            return True
        href = urlsplit(link.attributes.get("href") or "")
        if (href.netloc or href.path) and href.path in ("", "/") and not href.query:
            return True
    return False


def _norm_title(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def _strip_site(title: str, site: str | None) -> str:
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    first, last = parts[0], parts[-1]
    site_n = _norm_title(site or "")
    if site_n:
        # The whole site name, whatever separators it holds itself ("Figures - Club in Berlin").
        for m in _TITLE_SEPARATORS.finditer(title):
            if _norm_title(title[m.end() :]) == site_n:
                return title[: m.start()]
            if _norm_title(title[: m.start()]) == site_n:
                return title[m.end() :]

    def is_site(segment: str) -> bool:
        seg = _norm_title(segment)
        return bool(site_n) and bool(seg) and (seg in site_n or site_n in seg)

    if is_site(last):
        return title[: title.rfind(last)].rstrip(_TITLE_PUNCT)  # "Headline | Site"
    if is_site(first):
        return title[len(first) :].lstrip(_TITLE_PUNCT)  # "Site - Headline"
    if not site_n and len(last.split()) <= 4 <= len(title.split()):
        return title[: title.rfind(last)].rstrip(_TITLE_PUNCT)  # a short trailing brand
    return title


def _declared_charset(head: bytes, media_type: str | None) -> str | None:
    m = re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", head, re.I)
    if m:
        return m.group(1).decode("ascii", "replace")
    if media_type:
        m2 = re.search(r"charset=([\w-]+)", media_type, re.I)
        if m2:
            return m2.group(1)
    return None


class _Builder:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.paths: list[tuple[int, ...]] = []  # element ids from the root, one per block
        self.parts: list[str] = []
        self.link_chars = 0
        self.tag = "p"
        self.hint: BlockKind | None = None
        self.hint_srcs: list[int] = []  # element id that gave each block its hint (0: none)
        self.hint_src = 0
        self.marks: list[int] = []  # per block: _IN_ARTICLE | _IN_CONTENT bits
        self.mark = 0
        self.path: tuple[int, ...] = ()

    def flush(self) -> None:
        if not self.parts:
            return
        text = " ".join("".join(self.parts).split())
        if text:
            lines: tuple[str, ...] = ()
            if len(self.parts) > 1 and len(text) <= RECORD_MAX_CHARS:
                # Short blocks keep their text nodes apart: a quote's fields often sit in
                # adjacent elements with no space between them ("22,095.93-148.09(-0.67%)").
                lines = tuple(t for t in (" ".join(p.split()) for p in self.parts) if t)
            self.blocks.append(
                Block(
                    text=text,
                    position=len(self.blocks),
                    tag=self.tag,
                    link_density=min(1.0, self.link_chars / max(1, len(text))),
                    lines=lines,
                    hint=self.hint,
                )
            )
            self.paths.append(self.path)
            self.hint_srcs.append(self.hint_src)
            self.marks.append(self.mark)
        self.parts = []
        self.link_chars = 0


def _blocks(root: LexborNode) -> _Builder:
    """Blocks in document order, walking the tree by its sibling and parent links.

    Each open element saves the walk's state (hint, its source, link, block tag, marks)
    and its exit restores it; no recursion, and no list of children is built.
    """
    b = _Builder()
    path: list[int] = []
    saved: list[tuple[str, BlockKind | None, int, bool, str, int]] = []
    hint: BlockKind | None = None
    src, in_link, btag, mark = 0, False, "p", 0
    seen = 0
    node: LexborNode | None = root
    while node is not None:
        seen += 1
        if seen > _MAX_NODES:
            break
        tag = node.tag or ""
        if tag == "-text":
            text = node.text_content
            if text:
                if not b.parts:
                    b.tag, b.hint, b.hint_src, b.path = btag, hint, src, tuple(path)
                    b.mark = mark
                b.parts.append(text)
                if in_link:
                    b.link_chars += len(text.strip())
        elif tag not in _SKIP and not tag.startswith("-"):
            saved.append((tag, hint, src, in_link, btag, mark))
            if tag in _BLOCK:
                b.flush()
                if tag not in _CONTAINER_TAGS:
                    btag = tag
                elif tag in _DIVISIONS:
                    btag = "p"
                own, own_mark = _markup_signals(node, tag)
                if own is not None:
                    hint, src = own, seen
                mark |= own_mark
            if tag == "a":
                in_link = True
            path.append(seen)
            child = node.first_child
            if child is not None:
                node = child
                continue
            # An element without children is entered and left at once.
            if tag in _BLOCK:
                b.flush()
            path.pop()
            _, hint, src, in_link, btag, mark = saved.pop()
        # On to the next node in document order, leaving every element that ends here.
        while True:
            if not path:  # the root is done
                node = None
                break
            following = node.next
            if following is not None:
                node = following
                break
            node = node.parent
            if node is None:
                break
            tag, hint, src, in_link, btag, mark = saved.pop()
            if tag in _BLOCK:
                b.flush()
            path.pop()
    b.flush()
    return b


# Block elements that group others: they end a block but do not name the next one's tag.
_CONTAINER_TAGS = frozenset(
    {
        "br",
        "hr",
        "div",
        "section",
        "article",
        "main",
        "body",
        "html",
        "ul",
        "ol",
        "dl",
        "table",
        "figure",
        "center",
        "details",
    }
)
_DIVISIONS = frozenset({"div", "section", "article", "main"})


_IN_ARTICLE, _IN_CONTENT = 1, 2
_CONTENT_NAMES = re.compile(
    r"(?:^|[\s_-])(?:article|content|entry|post|story|body|text|main|blog|news|"
    r"artikel|inhalt|beitrag|contenu)(?:$|[\s_-])",
    re.I,
)


def _markup_signals(node: LexborNode, tag: str) -> tuple[BlockKind | None, int]:
    """What an element's tag and attributes say: a furniture hint, and content marks.

    Content marks: <article>, <main> or itemprop=articleBody (_IN_ARTICLE), a class or id
    named like content (_IN_CONTENT).
    """
    attrs = node.attributes
    if not attrs:
        return _signals(tag, "", None, None)
    names = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
    return _signals(tag, names, attrs.get("role"), attrs.get("itemprop"))


@lru_cache(maxsize=8192)
def _signals(
    tag: str, names: str, role: str | None, itemprop: str | None
) -> tuple[BlockKind | None, int]:
    # Cached: a page repeats its class names on every card and menu item, and across pages
    # of a site; the answer depends on these four strings alone.
    usable = 1 < len(names) <= 300
    hint = _TAG_HINT.get(tag)
    if hint is None:
        if role and role in _ROLE_HINT:
            hint = _ROLE_HINT[role]
        elif usable:
            m = _CLASS_HINT_RX.search(names)
            if m is not None:
                hint = _CLASS_HINTS[int((m.lastgroup or "k0")[1:])][1]
    if tag in ("article", "main") or itemprop == "articleBody":
        return hint, _IN_ARTICLE
    if usable and _CONTENT_NAMES.search(names):
        return hint, _IN_CONTENT
    return hint, 0


def _metadata(tree: LexborHTMLParser, url: str | None) -> Metadata:
    # One pass over the <meta> tags, not a tree search per name; property= before name=.
    by_property: dict[str, str] = {}
    by_name: dict[str, str] = {}
    for node in tree.css("meta"):
        attrs = node.attributes
        content = (attrs.get("content") or "").strip()
        if not content:
            continue
        if label := attrs.get("property"):
            by_property.setdefault(label, content)
        if label := attrs.get("name"):
            by_name.setdefault(label, content)

    def meta(*names: str) -> str | None:
        for name in names:
            found = by_property.get(name) or by_name.get(name)
            if found:
                return found
        return None

    ld = _json_ld(tree)
    site_name = meta("og:site_name", "application-name")
    ld_publishers = _ld_names(ld.get("publisher"))
    title_node = tree.css_first("title")
    headings: list[str] = []
    mastheads: list[str] = []
    for h in tree.css("h1")[:5]:
        (mastheads if _is_masthead(h) else headings).append(" ".join(h.text().split()))
    title = choose_title(
        headline=_first_str(ld.get("headline")),
        social=meta("og:title", "twitter:title"),
        document=" ".join(title_node.text().split()) if title_node is not None else None,
        headings=headings,
        site=site_name or next(iter(mastheads), None),
    )
    # Bylines, not the publisher's legal or web name (see _people).
    brands = [b for b in (site_name, *ld_publishers) if b]
    authors = _people(_ld_names(ld.get("author")), brands)
    if not authors:
        author = meta("author", "article:author", "parsely-author", "dc.creator", "sailthru.author")
        if author and not author.startswith("http"):
            authors = _people(_split_authors(author), brands)
    if not authors:
        authors = _people(_markup_authors(tree), brands)
    canonical = tree.css_first('link[rel="canonical"]')
    canonical_url = canonical.attributes.get("href") if canonical is not None else None
    published = (
        _parse_dt(_first_str(ld.get("datePublished")))
        or _parse_dt(
            meta(
                "article:published_time",
                "og:published_time",
                "datePublished",
                "date",
                "pubdate",
                "publishdate",
                "dc.date",
                "dc.date.issued",
                "dcterms.created",
                "sailthru.date",
                "parsely-pub-date",
            )
        )
        or _markup_date(tree)
        or _url_date(url)
        or _url_date(canonical_url)
    )
    modified = _parse_dt(_first_str(ld.get("dateModified"))) or _parse_dt(
        meta("article:modified_time", "og:updated_time", "dateModified", "last-modified")
    )
    publisher = site_name or next(iter(ld_publishers), None)
    html_node = tree.css_first("html")
    lang = (
        (html_node.attributes.get("lang") or "").split("-")[0].lower() or None
        if html_node
        else None
    )
    return Metadata(
        body=_declared_body(ld.get("articleBody")),
        title=title or None,
        authors=authors,
        published=published,
        publisher=publisher,
        language=lang,
        url=canonical_url or meta("og:url") or url,
        description=meta("description", "og:description"),
        image=meta("og:image", "twitter:image"),
        modified=modified,
    )


_AUTHOR_SELECTORS = (
    '[itemprop="author"] [itemprop="name"]',
    '[itemprop="author"]',
    'a[rel="author"]',
    ".byline .author",
    ".author .fn",
    ".vcard .fn",
    ".author-name",
    ".post-author a",
    ".entry-author a",
    ".byline a",
    "span.author",
    ".author a",
)
_AUTHOR_CLASS_SELECTOR = '[class*="author" i], [class*="byline" i], [class*="autor" i]'
_AUTHOR_CANDIDATES = 12
_NOT_A_NAME_CLASS = re.compile(
    r"bio|box|about|avatar|image|img|photo|picture|description|desc|info|title|date|"
    r"comment|more|list|link-to|social|follow",
    re.I,
)
# One to four capitalised words (initials, particles and hyphenated names allowed): a person.
_PERSON_NAME = re.compile(
    r"(?:[A-ZÀ-ÖØ-Þ][\w'’.-]*\s+(?:(?:van|von|de|der|den|da|di|del|la|le|du|dos|das|y)\s+)*){0,3}"
    r"[A-ZÀ-ÖØ-Þ][\w'’-]+"
)
_BYLINE_WORDS = frozenset(
    [
        "by",
        "von",
        "par",
        "por",
        "di",
        "door",
        "av",
        "autor",
        "autorin",
        "author",
        "authors",
        "autoren",
        "redaktion",
    ]
)
_AUTHOR_PREFIX = re.compile(
    r"^(?:by|von|par|por|di|door|av|posted by|geschrieben von|autor(?:in)?:?|author:?)\s+",
    re.IGNORECASE,
)
_DATE_SELECTORS = (
    '[itemprop="datePublished"]',
    "time[pubdate]",
    "time.published",
    "time.entry-date",
    ".entry-date",
    ".published",
    ".post-date",
    ".date",
    "time[datetime]",
)
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|[^\d]|$)")
_URL_DATE_DMY = re.compile(r"/(\d{2})-(\d{2})-((?:19|20)\d{2})(?:/|[^\d]|$)")


def _split_authors(text: str) -> tuple[str, ...]:
    text = _AUTHOR_PREFIX.sub("", " ".join(text.split())).strip(" ,|:-")
    parts = re.split(r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b)\s*", text)
    return tuple(p.strip() for p in parts if p.strip())


def _markup_authors(tree: LexborHTMLParser) -> tuple[str, ...]:
    for selector in _AUTHOR_SELECTORS:
        node = tree.css_first(selector)
        if node is None:
            continue
        text = node.attributes.get("content") or node.text(separator=" ")
        name = _AUTHOR_PREFIX.sub("", " ".join((text or "").split())).strip(" ,|:-")
        if name and len(name.split()) <= 6 and not name.startswith("http") and "@" not in name:
            return _split_authors(name)
    return _author_by_class(tree)


def _author_by_class(tree: LexborHTMLParser) -> tuple[str, ...]:
    """A name in an element whose class names an author ("byline__author", "td-post-author-name"),
    for themes the usual selectors miss; boxes about the author and their pictures are passed
    over, and the text must read as a person's name."""
    for node in tree.css(_AUTHOR_CLASS_SELECTOR)[:_AUTHOR_CANDIDATES]:
        names = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"
        if _NOT_A_NAME_CLASS.search(names):
            continue
        text = _AUTHOR_PREFIX.sub("", " ".join(node.text(separator=" ").split())).strip(" ,|:-")
        if _PERSON_NAME.fullmatch(text) and text.casefold() not in _BYLINE_WORDS:
            return _split_authors(text)
    return ()


def _markup_date(tree: LexborHTMLParser) -> datetime | None:
    for selector in _DATE_SELECTORS:
        node = tree.css_first(selector)
        if node is None:
            continue
        attrs = node.attributes
        value = attrs.get("datetime") or attrs.get("content") or attrs.get("title")
        found = _parse_dt(value) if value else None
        if found is None:
            text = " ".join(node.text(separator=" ").split())
            found = find_date(text) if len(text) < 80 else None
        if found is not None:
            return found
    return None


_BLOCK_EDGE = re.compile(r"<br\s*/?>|</?(?:p|div|h[1-6]|li|blockquote|tr|section)\b[^>]*>", re.I)


def _declared_body(value: Any) -> tuple[str, ...]:
    """JSON-LD articleBody as paragraphs; markup inside it is read as text, never kept."""
    text = _first_str(value)
    if not text:
        return ()
    if "<" in text:
        # Block tags end lines; inline ones (<b>, <a>) stay inside them.
        parsed = LexborHTMLParser(_BLOCK_EDGE.sub("\n", text))
        parsed.strip_tags(["script", "style", "template"])
        root = parsed.body
        text = root.text(separator="") if root is not None else ""
    return tuple(line for line in (" ".join(part.split()) for part in text.splitlines()) if line)


def _url_date(url: str | None) -> datetime | None:
    """A date in the URL's path: /2024/05/29/, /2024-05-29-slug, or /29-05-2024."""
    if not url:
        return None
    m = _URL_DATE.search(url)
    if m:
        y, mo, d = m.groups()
    elif m := _URL_DATE_DMY.search(url):
        d, mo, y = m.groups()
    else:
        return None
    try:
        return datetime(int(y), int(mo), int(d))
    except ValueError:
        return None


def _json_ld(tree: LexborHTMLParser) -> dict[str, Any]:
    """The first JSON-LD object that describes an article."""
    for node in tree.css('script[type="application/ld+json"]'):
        try:
            data = json.loads(node.text() or "")
        except ValueError:
            continue
        for item in _ld_items(data):
            kind = item.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(
                isinstance(k, str) and k.endswith(("Article", "BlogPosting", "Report"))
                for k in kinds
            ):
                return item
    return {}


def _ld_items(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for d in data:
            yield from _ld_items(d)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _ld_items(data["@graph"])


def _ld_names(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("name")
        if isinstance(item, str) and item.strip() and not item.startswith("http"):
            names.append(" ".join(item.split()))
    return tuple(names)


# A web address or a company's legal form: a publisher's name, not a person's.
_NOT_A_PERSON = re.compile(
    r"www\.|https?:|\w\.(?:com|de|net|org|fr|es|it|at|ch|co\.uk)\b|"
    r"\b(?:GmbH|AG|e\.\s?V\.|Ltd|Inc|LLC|S\.A\.|SE)\b",
    re.I,
)


def _people(names: tuple[str, ...], brands: list[str]) -> tuple[str, ...]:
    """The names fit for a byline: never a web address or a company's legal name; the site's
    own name only when it is the byline's only name ("Rob Picheta, CNN" is Rob Picheta)."""
    named = tuple(n for n in names if not _NOT_A_PERSON.search(n))
    brand_names = {_norm_title(b) for b in brands}
    people = tuple(n for n in named if _norm_title(n) not in brand_names)
    return people or named


def _first_str(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def _parse_dt(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return find_date(value)
