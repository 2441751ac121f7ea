"""Furniture kinds of text dumps: teaser cards, tag lines, comment widgets, linked comments,
headlines run together, kept blocks standing alone after the article."""

from __future__ import annotations

import pytest

from marketdesk.extract import extract
from marketdesk.extract.boilerplate import classify_text
from marketdesk.extract.comments import is_entry_start
from marketdesk.extract.segment import (
    _drop_above_headline,
    _drop_strays,
    _Header,
    comment_widget,
    form_message,
    headline_twice,
    invites_reader,
    reads_as_titles,
    said_twice,
    titled_twice,
)
from marketdesk.model import Block, BlockKind, RawDocument

PROSE = (
    "The central bank held its main rate at 4.5 percent on Thursday, saying inflation had "
    "eased faster than expected over the summer while wages kept rising."
)


@pytest.mark.parametrize(
    "text",
    [
        "Reviews \u25bc REVIEW: A Quiet Film Is By Turns Moving and Ridiculous REVIEW: A Quiet "
        "Film Is By Turns Moving and\u2026 As in every festival year, the critics gathered",
        "A List Of The Worst Jobs I've Had (From Worst To Worse) A List Of The Worst Jobs "
        "I\u2019ve Had (From Worst To Worse) So I would stand on the street all day",
    ],
)
def test_teaser_cards_that_say_their_headline_twice_before_a_blurb(text: str) -> None:
    assert headline_twice(text)


@pytest.mark.parametrize(
    "text",
    [
        PROSE,
        # The same opening twice, then another ending, is prose, not a card.
        "The bank said rates would rise. The bank said rates would fall next year, analysts "
        "said on Monday.",
        "Short line",
        # A sentence said over and over is odd prose, not a card.
        "Shares of Toyota rose in Tokyo as the yen weakened again today. " * 3,
    ],
)
def test_prose_is_no_teaser_card(text: str) -> None:
    assert not headline_twice(text)


@pytest.mark.parametrize(
    "text",
    [
        "Labels: central banks, inflation, rates",
        "Tags: Apple, HTC, litigation, smartphones",
        "Filed under: Markets",
        "Categories: Law, Politics, Society",
        "Tagged as: History, Science",
    ],
)
def test_tag_and_category_lines_are_furniture(text: str) -> None:
    assert classify_text(text) is BlockKind.FOOTER


def test_a_sentence_about_tags_is_not_a_tag_line() -> None:
    assert classify_text("Tags on the cattle were checked by inspectors on Friday.") is None


def test_comment_widget_credit_is_comments() -> None:
    assert classify_text("blog comments powered by Disqus") is BlockKind.COMMENTS


def test_a_comment_opened_by_its_writers_link_is_an_entry() -> None:
    assert is_entry_start(
        "http://example.com/ jdoe That is a good point, and I would add that the rules have "
        "changed twice since then."
    )
    assert not is_entry_start(PROSE)


def test_linked_comments_after_an_article_are_removed() -> None:
    article = "\n".join([PROSE] * 3)
    comments = "\n".join(
        f"http://example{i}.com/ reader{i} I disagree with the bank here, and I think the "
        f"next meeting will show that rates have to come down sooner than it says."
        for i in range(3)
    )
    page = extract(
        RawDocument(source="t.txt", content=f"Bank holds rates\n{article}\n{comments}\n".encode()),
        kind="text",
    )
    assert not any(p.startswith("http://") for p in page.article.paragraphs)
    assert any(r.kind is BlockKind.COMMENTS for r in page.removed)


STRAY_PAGE = """Home
Markets
Port of Harwick widens its channel as freight volumes climb
By Jane Tarrow
March 3, 2026
The harbour authority in Harwick said on Tuesday it would deepen and widen the main shipping \
channel, after container traffic rose for a sixth straight quarter.
Work on the channel is due to start in the autumn and to last two years, during which the \
largest ships will be guided in at high tide only, the authority said.
Freight operators welcomed the plan, saying the narrow approach had forced them to split \
cargoes between smaller vessels, which raised their costs.
The project will be paid for partly by a levy on each container landed, which the port \
expects to raise about forty million over a decade.
Local fishing crews asked for the dredged sand to be kept away from the breeding grounds \
north of the breakwater, and the authority said it would publish a map.
Photo galleries
Events this week
Letters to the editor
Harbour Notes is a weekly blog about shipping, ports and the people who work in them, \
written by a small team of reporters on the coast.
Contact us
Privacy
"""


def test_a_blurb_standing_alone_after_the_article_is_dropped() -> None:
    page = extract(RawDocument(source="t.txt", content=STRAY_PAGE.encode()), kind="text")
    paragraphs = page.article.paragraphs
    assert len(paragraphs) == 5
    assert paragraphs[0].startswith("The harbour authority")
    assert not any(p.startswith("Harbour Notes") for p in paragraphs)


def _blocks(lengths: list[int]) -> list[Block]:
    return [Block(text="x" * n, position=i, tag="p") for i, n in enumerate(lengths)]


def test_strays_are_single_kept_blocks_after_the_longest_run() -> None:
    # Kept: a lead apart (0), the body (3-5), a stray (8), a run of two (11-12), a last
    # stray (15), and one as long as half the body (18).
    lengths = [200, 5, 5, 300, 300, 300, 5, 5, 150, 5, 5, 100, 100, 5, 5, 100, 5, 5, 450]
    kept = {0, 3, 4, 5, 8, 11, 12, 15, 18}
    chosen = [i in kept for i in range(len(lengths))]
    _drop_strays(_blocks(lengths), [None] * len(lengths), chosen, text=False)
    assert {i for i, c in enumerate(chosen) if c} == {0, 3, 4, 5, 11, 12, 18}


def test_a_block_one_line_from_the_article_is_no_stray() -> None:
    chosen = [True, True, False, True, False, False, True]
    _drop_strays(_blocks([300, 300, 5, 100, 5, 5, 100]), [None] * 7, chosen, text=False)
    assert chosen == [True, True, False, True, False, False, False]


def test_headlines_kept_before_the_article_are_dropped_in_dumps() -> None:
    """A run before the article of short lines that read as no sentence is a sidebar's list
    of headlines; a lead before the body (a sentence) and a table's rows stay."""
    body = [PROSE] * 4
    lines = [
        "Ultra-fast release cycles and the new plane",  # a sidebar's headlines
        "When only the few win, we all lose",
        "Free range posts for the weekend",
        "menu",
        "Markets",
        "Savers were told on Monday that the rate would stay where it is.",  # a lead
        "A picture of the bank",
        "Share this",
        "Cars tested\t\tPrice\t\tScore",  # a table's rows
        "Small hatchback\t\t350\t\t1.7",
        "Photo: the bank",
        "Print",
        *body,
    ]
    blocks = [Block(text=t, position=i, tag="p") for i, t in enumerate(lines)]
    chosen = [i not in (3, 4, 6, 7, 10, 11) for i in range(len(lines))]
    _drop_strays(blocks, [None] * len(lines), chosen, text=True)
    assert [i for i, c in enumerate(chosen) if c] == [5, 8, 9, *range(12, 16)]
    # HTML keeps them: its container already chose.
    chosen = [i not in (3, 4, 6, 7, 10, 11) for i in range(len(lines))]
    _drop_strays(blocks, [None] * len(lines), chosen, text=False)
    assert chosen[0] and chosen[1] and chosen[2]


def test_a_standfirst_without_its_full_stop_just_above_the_article_stays() -> None:
    """A line of ten words or more alone just above the body is the standfirst, though it
    ends without a full stop; a short headline there is a sidebar's."""
    dek = "The bank will hold its main rate for a year to bring prices back under control"
    lines = ["Markets closed higher", "menu", "Share", dek, "Photo: the bank", "Print", PROSE]
    lines += [PROSE] * 3
    blocks = [Block(text=t, position=i, tag="p") for i, t in enumerate(lines)]
    kept = [True, False, False, True, False, False, True, True, True, True]
    chosen = kept[:]
    _drop_strays(blocks, [None] * len(lines), chosen, text=True)
    assert not chosen[0] and chosen[3]


def test_furniture_between_paragraphs_does_not_set_one_apart() -> None:
    # The last paragraph after an in-article box of related links (kinds set) stays.
    chosen = [True, True, False, False, False, True]
    kinds = [None, None, BlockKind.RELATED, BlockKind.RELATED, BlockKind.RELATED, None]
    _drop_strays(_blocks([300, 300, 10, 30, 30, 100]), kinds, chosen, text=False)
    assert chosen[5]


@pytest.mark.parametrize(
    "text",
    [
        "Markets Video: Copper Traders Brace For A Long Winter Latest on Desk TV Morning Call "
        "Market Movers The Week Ahead Earnings Season Explained",
        "Business & Finance Dealing with Clients Finding Work Freebies Home Office Freelance "
        "Design Freelance Marketing Freelance Writing Tax Tips",
        "2024 Outlook 10 Stocks For A Rainy Day Why Bond Funds Fell 5 Charts On Housing "
        "Gold Slips As Dollar Firms",
    ],
)
def test_headlines_run_together_read_as_titles(text: str) -> None:
    assert reads_as_titles(text)


@pytest.mark.parametrize(
    "text",
    [
        PROSE,
        # Names and places all through, but a sentence: it ends with its full stop.
        "The board, which meets on May 5, also named Anna Berg, Tomas Lind, Jon Ek, Sara "
        "Holm and Per Ahl of Uppsala Capital Partners as directors.",
        "Weekly Market Roundup",  # a short heading
        "central banks rates inflation bonds equities currencies commodities credit "
        "emerging markets",
    ],
)
def test_prose_and_headings_do_not_read_as_titles(text: str) -> None:
    assert not reads_as_titles(text)


def test_video_list_entries_are_related_links() -> None:
    """Three lines or more opening with the same media verb ('3. Play Title', 'Watch Title
    caption') are a list of clips, not the article; one 'Watch ...' sentence stays."""
    article = (
        "Ferry crossings to the islands were cancelled on Tuesday as gales swept the coast, and "
        "the operator said services would resume once the wind dropped below forty knots.",
        "Watch the harbour wall at high tide, the coastguard told walkers, as waves broke over "
        "the promenade and the lifeboat crew stood by through the night.",
        "Engineers will inspect the pier at Brackwater before the first sailing on Thursday.",
    )
    clips = (
        "1. Play Storm closes the mountain pass",
        "2. Play Lifeboat crew rescues stranded kayaker",
        "3. Play Record tide floods the old quay",
        "Watch Gales bring down power lines across the valley Workers repair a pylon",
        "Watch Ferry passengers stranded overnight A queue at the terminal",
        "Watch Coastal road to reopen after repairs Diggers on the cliff road",
    )
    dump = "\n".join(("Gales cancel island ferries", *article, *clips))
    page = extract(RawDocument(source="t.txt", content=dump.encode()), kind="text")
    assert page.article.paragraphs == article
    removed = {r.text: r.kind for r in page.removed}
    assert all(removed[c] is BlockKind.RELATED for c in clips)


def test_registration_form_above_a_short_article_is_not_article() -> None:
    """A sign-up form's messages shown as text (short lines about the reader's account, close
    together) are furniture; a paragraph that names an account or a password stays."""
    form = (
        "Thanks for registering with the Harbour Gazette.",
        "Check your inbox to confirm the registration.",
        "That username is taken: please choose another one",
        "We could not reach the server just now.",
        "Your password must hold eight characters or more.",
        "Already have an account? Sign in here",
    )
    article = (
        "Savers at the building society were told on Monday to change the password of their "
        "online account after the lender found that a supplier had exposed customer records.",
        "The society said no money had left any account and that it had written to every member "
        "affected, offering a year of free credit monitoring.",
    )
    dump = "\n".join(("Lender tells savers to reset passwords", *form, *article))
    page = extract(RawDocument(source="t.txt", content=dump.encode()), kind="text")
    assert page.article.paragraphs == article
    removed = {r.text: r.kind for r in page.removed}
    assert all(removed[line] is BlockKind.OTHER for line in form)


def test_labels_with_counts_are_navigation() -> None:
    """A sidebar's categories, archive months or most-read headlines each with a count in
    brackets, three in a row or run together in one block, are navigation; a list of films with
    their years, and a single line with a count, stay."""
    article = (
        "The harbour board approved the new ferry terminal on Tuesday after three years of "
        "argument, and building work is to start in the spring once the last permits arrive.",
        "Films shot on the quay over the years:",
        "The Long Tide - a drama about the fishing fleet (1998)",
        "Salt and Stone - a documentary on the sea wall (2004)",
        "Harbour Lights - a comedy about the old ferry (2011)",
        "Local traders said the work would bring visitors back to the quay, which has been quiet "
        "since the old terminal closed, and the board voted nine to two (2) in favour.",
    )
    sidebar = (
        "Categories",
        "harbour news (48)",
        "ferries (17)",
        "town council (9)",
        "\u25ba  2012 (311)",
        "\u25ba  November (21)",
        "\u25ba  October (34)",
        "Most read",
        "Storm closes the coast road for a second night (1093)",
        "Lifeboat crew rescues stranded kayaker off the point (214)",
        "New bakery opens in the old customs house (89)",
        "Boats (84), Ferries (56), Harbour (120), Piers (12), Weather (43)",
    )
    dump = "\n".join(("Ferry terminal approved", *article, *sidebar))
    page = extract(RawDocument(source="t.txt", content=dump.encode()), kind="text")
    assert page.article.paragraphs == article
    removed = {r.text: r.kind for r in page.removed}
    for line in sidebar:
        if line not in ("Categories", "Most read"):
            assert removed[line] is BlockKind.NAVIGATION, line


def test_a_headline_glued_to_itself_is_a_teaser_in_dumps() -> None:
    """A teaser's link text and its picture's text with no space between ('Using a flash with
    your phoneUsing a flash with your phone') is a related link in a text dump."""
    glued = "Using an external flash with your phoneUsing an external flash with your phone"
    assert said_twice(glued, glued=True)
    assert not said_twice(glued)  # HTML: the two are blocks of their own
    assert not said_twice("NetzwerkNetzwerk", glued=True)  # one word is no headline
    assert not said_twice(PROSE + PROSE[:-1], glued=True)
    dump = "\n".join(("Bank holds rates", PROSE, PROSE.replace("Thursday", "Friday"), glued))
    page = extract(RawDocument(source="t.txt", content=dump.encode()), kind="text")
    assert {r.text: r.kind for r in page.removed}[glued] is BlockKind.RELATED


@pytest.mark.parametrize(
    ("text", "label", "run"),
    [
        ("creative ads (48)", True, False),
        ("\u25ba  2011 (434)", True, False),
        ("x" * 80 + " (3)", True, False),
        ("x" * 81 + " (3)", False, False),  # a label is 80 characters at most
        ("Puzzle Quest (2007)", False, False),  # a year
        ("The bank (BoE) said (3)", False, False),  # another bracket
        ("ferries(17)", False, False),  # no space before the count
        ("Boats (84), Ferries (56), Harbour (120)", False, True),
        ("Boats (84), Ferries (56), Harbour (120) and more", False, False),
        ("Boats (84), Ferries (1998), Harbour (120)", False, False),
    ],
)
def test_labels_with_counts_read_from_the_end(text: str, label: bool, run: bool) -> None:
    from marketdesk.extract.segment import _counted_label, _counted_run

    assert _counted_label(text) is label
    assert _counted_run(text) is run


@pytest.mark.parametrize(
    "text",
    [
        "If you enjoyed this post, please consider leaving a comment or subscribing to the feed.",
        "If you\u2019re new here, you may want to subscribe to this blog by e-mail.",
        "Did you like it? Then subscribe to our feed!",
        "Hat Ihnen dieser Artikel gefallen? Dann teilen Sie ihn doch mit anderen.",
    ],
)
def test_prompts_about_the_post_are_promos(text: str) -> None:
    assert invites_reader(text)
    dump = "\n".join(("Bank holds rates", PROSE, PROSE.replace("Thursday", "Friday"), text))
    page = extract(RawDocument(source="t.txt", content=dump.encode()), kind="text")
    assert text not in page.article.paragraphs


@pytest.mark.parametrize(
    "text",
    [
        PROSE,
        "If you like the idea of a lower rate, the bank said, you will have to wait a year.",
        "Did you like the old branch? Most savers did, according to the survey.",
    ],
)
def test_sentences_about_liking_are_no_prompts(text: str) -> None:
    assert not invites_reader(text)


@pytest.mark.parametrize(
    ("text", "teaser"),
    [
        (
            "Ferry crossings cancelled as gales sweep coast Weather Ferry crossings cancelled as "
            "gales sweep coast 3 of 9",
            True,
        ),
        (
            "Harbour board approves new ferry terminal Harbour board approves new ferry terminal",
            True,
        ),
        # An anaphora repeats its opening, not the whole phrase; a sentence ends as one.
        (
            "It means you have to be willing to ask. It means you have to be willing to try "
            "something new and fail at it for a while",
            False,
        ),
        ("The bank held rates at 4.5 percent. The bank held rates at 4.5 percent.", False),
        (PROSE, False),
    ],
)
def test_a_headline_said_twice_about_a_label_is_a_teaser(text: str, teaser: bool) -> None:
    assert titled_twice(text) is teaser


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Please enter a valid email address.", True),
        ("Please check your inbox for a confirmation email.", True),
        ("An error occured, please try again later.", True),
        ("This field is required", True),
        ("Please enter the branch by the side door, the bank said on Monday.", False),
        ("Something went wrong at the bank on Monday, and savers were told to wait.", False),
        (PROSE, False),
    ],
)
def test_form_messages(text: str, message: bool) -> None:
    assert form_message(text) is message


@pytest.mark.parametrize(
    ("text", "widget"),
    [
        ("No comments yet.", True),
        ("RSS feed for comments on this post. TrackBack URI", True),
        ("TrackBack URL for this entry:", True),
        ("87 of 136 comments loaded", True),
        ("The poll received 202 responses and no comments from the bank.", False),
        ("Officials said there were no comments yet from the central bank on Monday.", False),
        (PROSE, False),
    ],
)
def test_comment_section_lines(text: str, widget: bool) -> None:
    assert comment_widget(text) is widget


def _header(title_at: int, roles: dict[int, BlockKind]) -> _Header:
    return _Header(title_at, "Bridge to close to lorries", (), None, roles)


def test_prose_kept_well_above_a_dated_headline_is_the_sites() -> None:
    """A blog's dump: the sidebar (the site's welcome blurb, a book's plug) comes before the
    post and reads as prose, which the block model keeps; the post opens with its headline
    and date line. What is kept well above them is the site's; a kicker just above stays."""
    blurb = "Welcome to Harbour Notes, where we bring you the analysis you will not find elsewhere."
    lines = [
        blurb,
        "We published our guide to the port in May 2009 and it has had good reviews since.",
        "Recent posts",
        "Archive",
        "City hall",  # a kicker just above the headline
        "Bridge to close to lorries",
        "Tuesday, October 9, 2012",
        *[PROSE] * 3,
    ]
    blocks = [Block(text=t, position=i, tag="p") for i, t in enumerate(lines)]
    kinds: list[BlockKind | None] = [None] * len(lines)
    chosen = [i not in (2, 3, 5, 6) for i in range(len(lines))]
    _drop_above_headline(blocks, kinds, chosen, _header(5, {6: BlockKind.DATELINE}))
    assert [i for i, c in enumerate(chosen) if c] == [4, 7, 8, 9]
    # Without a byline or a date line by it, a short line is no sure headline: nothing drops.
    chosen = [i not in (2, 3, 5, 6) for i in range(len(lines))]
    _drop_above_headline(blocks, kinds, chosen, _header(5, {}))
    assert chosen[0] and chosen[1]


def test_a_dated_headline_under_the_article_drops_nothing_above_it() -> None:
    """A gallery's headline and date under the article: what is kept below them (captions, a
    thread's entries as list items) is less than the article above, which stays."""
    lines = [*[PROSE] * 3, "Bridge", "Tuesday", "News in pictures", "October 9, 2012"]
    lines += ["A ferry leaves the harbour at Dover in the early morning fog."] * 2
    lines += [PROSE] * 3
    blocks = [Block(text=t, position=i, tag="li" if i >= 9 else "p") for i, t in enumerate(lines)]
    kinds: list[BlockKind | None] = [None] * len(lines)
    chosen = [i not in (3, 4, 5, 6) for i in range(len(lines))]
    _drop_above_headline(blocks, kinds, chosen, _header(5, {6: BlockKind.DATELINE}))
    assert chosen[0] and chosen[1] and chosen[2]
