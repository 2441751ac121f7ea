"""What the page declares about its article: meta tags, JSON-LD, the canonical URL.

The title, the authors and the dates each have their module; this one reads the <meta> tags
once and puts the declared values together as the page's Metadata.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from marketdesk.extract.html.authors import page_authors
from marketdesk.extract.html.jsonld import article_object, declared_body, first_str, ld_names
from marketdesk.extract.html.published import markup_date, parse_dt, url_date
from marketdesk.extract.html.title import choose_title, is_masthead
from marketdesk.extract.segment import Metadata


def read_metadata(tree: LexborHTMLParser, url: str | None) -> Metadata:
    """What the page declares about its article, `url` the address it was read from."""
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

    ld = article_object(tree)
    site_name = meta("og:site_name", "application-name")
    ld_publishers = ld_names(ld.get("publisher"))
    title_node = tree.css_first("title")
    headings: list[str] = []
    mastheads: list[str] = []
    for h in tree.css("h1")[:5]:
        (mastheads if is_masthead(h) else headings).append(" ".join(h.text().split()))
    declared = (
        first_str(ld.get("headline")),
        meta("og:title", "twitter:title"),
        " ".join(title_node.text().split()) if title_node is not None else None,
    )
    title = choose_title(
        headline=declared[0],
        social=declared[1],
        document=declared[2],
        headings=headings,
        site=site_name or next(iter(mastheads), None),
    )
    # Bylines, not the publisher's legal or web name (see authors.people).
    brands = [b for b in (site_name, *ld_publishers) if b]
    authors = page_authors(
        ld_names(ld.get("author")),
        meta("author", "article:author", "parsely-author", "dc.creator", "sailthru.author"),
        tree,
        brands,
    )
    canonical = tree.css_first('link[rel="canonical"]')
    canonical_url = canonical.attributes.get("href") if canonical is not None else None
    published = (
        parse_dt(first_str(ld.get("datePublished")))
        or parse_dt(
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
        or markup_date(tree)
        or url_date(url)
        or url_date(canonical_url)
    )
    modified = parse_dt(first_str(ld.get("dateModified"))) or parse_dt(
        meta("article:modified_time", "og:updated_time", "dateModified", "last-modified")
    )
    publisher = site_name or next(iter(ld_publishers), None)
    # A partner's story: structured data names where it came from.
    based_on = ld.get("isBasedOn")
    sources = (
        *ld_names(ld.get("sourceOrganization")),
        *ld_names(ld.get("provider")),
        *(ld_names(based_on.get("publisher")) if isinstance(based_on, dict) else ()),
    )
    html_node = tree.css_first("html")
    lang = (
        (html_node.attributes.get("lang") or "").split("-")[0].lower() or None
        if html_node
        else None
    )
    return Metadata(
        body=declared_body(ld.get("articleBody")),
        title=title or None,
        declared_titles=tuple(dict.fromkeys(t for t in (title, *declared) if t)),
        authors=authors,
        published=published,
        publisher=publisher,
        language=lang,
        url=canonical_url or meta("og:url") or url,
        description=meta("description", "og:description"),
        image=meta("og:image", "twitter:image"),
        modified=modified,
        source=next(iter(sources), None),
    )
