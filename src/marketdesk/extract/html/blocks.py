"""HTML to blocks: one walk over the parsed tree, in document order.

Parsing is lexbor (selectolax). The walk is iterative, so 10,000 levels of nesting cost no
recursion; it emits one block per block-level element with direct text, with its link
density, a furniture hint from the markup (landmarks, roles, class and id names), the
element that gave the hint, content marks, and the path of element ids from the root.
"""

from __future__ import annotations

import re
from functools import lru_cache

from selectolax.lexbor import LexborNode

from marketdesk.extract.ticker import RECORD_MAX_CHARS
from marketdesk.model import Block, BlockKind

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
        r"about-?(?:the-?)?author|entry-author(?=$|\s)|post-author-bio|bio|biography|"
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


class BlockWalk:
    """The blocks of a page as the walk emits them, with what the markup says about each."""

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


def walk_blocks(root: LexborNode) -> BlockWalk:
    """Blocks in document order, walking the tree by its sibling and parent links.

    Each open element saves the walk's state (hint, its source, link, block tag, marks)
    and its exit restores it; no recursion, and no list of children is built.
    """
    b = BlockWalk()
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


_IN_ARTICLE, _IN_CONTENT, IN_COMMENTS = 1, 2, 4
# Readers' comments: an element named for them ("comments", "commentlist", "comment-body",
# "commtree", Disqus, a reply form) holds what readers wrote, never the article. Opinion
# sections ("commentary", "comment is free") are articles.
_COMMENT_NAMES = re.compile(
    r"comment(?!ary|isfree|ator)|kommentar|commtree|disqus|"
    r"(?:^|[\s_-])(?:respond|replies|reply-form|talkback)(?:$|[\s_-])",
    re.I,
)
_CONTENT_NAMES = re.compile(
    r"(?:^|[\s_-])(?:article|content|entry|post|story|body|text|main|blog|news|"
    r"artikel|inhalt|beitrag|contenu)(?:$|[\s_-])",
    re.I,
)


def _markup_signals(node: LexborNode, tag: str) -> tuple[BlockKind | None, int]:
    """What an element's tag and attributes say: a furniture hint, and content marks.

    Content marks: <article>, <main> or itemprop=articleBody (_IN_ARTICLE), a class or id
    named like content (_IN_CONTENT); an element named for readers' comments (IN_COMMENTS,
    not on <body> or <html>, whose classes describe the page).
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
    mark = 0
    if usable and tag not in ("body", "html") and _COMMENT_NAMES.search(names):
        mark = IN_COMMENTS
    if tag in ("article", "main") or itemprop == "articleBody":
        return hint, mark | _IN_ARTICLE
    if usable and _CONTENT_NAMES.search(names):
        return hint, mark | _IN_CONTENT
    return hint, mark
