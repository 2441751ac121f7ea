"""Furniture by its shape: readers' comments (text and HTML), datelines and prompts opening an article."""

from __future__ import annotations

import pytest

from marketdesk.extract import extract
from marketdesk.extract.boilerplate import classify_text
from marketdesk.extract.comments import is_entry_header, is_entry_start, is_opener
from marketdesk.extract.dates import is_dateline
from marketdesk.model import BlockKind, RawDocument

_ARTICLE = (
    "The central bank held its main rate at 4.5 percent on Thursday, as economists had "
    "expected, and said inflation would ease over the coming year.",
    "Officials pointed to slower wage growth and cheaper energy, but warned that the housing "
    "market remained a risk to the outlook for prices.",
    "Markets barely moved after the decision, with the currency trading flat against the dollar "
    "in the afternoon.",
)
_THREAD = (
    "12 comments",
    "Elaine July 26, 2012 at 4:01 pm",
    "I read this this morning and thought the bank was far too slow to act on prices again.",
    "Mark July 26, 2012 at 5:12 pm",
    "They will cut rates before the end of the year, you can be sure of that, whatever they say.",
)


@pytest.mark.parametrize(
    "text",
    [
        "Elaine July 26, 2012 at 4:01 pm",
        "Posted by: Ann Lee | Mar 26, 2007 2:00:18 PM",
        "by vlm (69642) writes: on Tuesday July 24, @09:32AM (#40748479)",
        "jackienoriega July 7, 2012 at 12:27 am",
        "Jack says:",
    ],
)
def test_entry_headers(text: str) -> None:
    assert is_entry_header(text)


@pytest.mark.parametrize(
    "text",
    [
        "Updated July 23, 2012, 11:27 p.m. ET",  # the article's own dateline
        "Publiziert: 03.04.2020, 12:35",
        "A post shared by Jane (@jane) on Jun 16, 2019 at 7:30am PDT",  # an embed's credit
        "The meeting ran from July 26 to July 28, and the vote came at 4:01 pm on the last day, "
        "long after the markets had closed for the week.",
    ],
)
def test_not_entry_headers(text: str) -> None:
    assert not is_entry_header(text)


def test_openers() -> None:
    assert is_opener("{ 34 comments… read them below or add one }")
    assert is_opener("Leave a Reply")
    assert not is_opener("Comments from the governor came later in the day.")


def test_text_dump_thread_is_not_article() -> None:
    dump = "\n".join(("Rates on hold as inflation eases", *_ARTICLE, *_THREAD)).encode()
    page = extract(RawDocument(source="t.txt", content=dump), kind="text")
    assert page.article.paragraphs == _ARTICLE
    kinds = {r.text: r.kind for r in page.removed}
    assert kinds[_THREAD[2]] is BlockKind.COMMENTS


def test_one_stamped_line_is_not_a_thread() -> None:
    lines = (*_ARTICLE[:2], "Elaine July 26, 2012 at 4:01 pm", _ARTICLE[2])
    page = extract(RawDocument(source="t.txt", content="\n".join(lines).encode()), kind="text")
    assert _ARTICLE[2] in page.article.paragraphs


def test_html_comment_section_is_not_article() -> None:
    body = "".join(f"<p>{p}</p>" for p in _ARTICLE)
    comments = "".join(
        f'<li class="comment"><div class="comment-body"><p>{p} {p}</p></div></li>' for p in _ARTICLE
    )
    html = (
        "<html><head><title>Rates on hold</title></head><body><div id='page'>"
        f"<div class='entry-content'>{body}</div>"
        f"<div id='comments'><ol class='commentlist'>{comments}</ol></div>"
        "</div></body></html>"
    ).encode()
    page = extract(RawDocument(source="t.html", content=html), kind="html")
    assert page.article.paragraphs == _ARTICLE
    assert any(r.kind is BlockKind.COMMENTS for r in page.removed)


@pytest.mark.parametrize(
    "text",
    [
        "Updated July 23, 2012, 11:27 p.m. ET",
        "19.10.2019, 05:00 Uhr",
        "Veröffentlicht am: 5. Juni 2023",
        "Bettina Kugler 19.10.2019",
    ],
)
def test_datelines(text: str) -> None:
    assert is_dateline(text)


def test_not_datelines() -> None:
    assert not is_dateline("On July 4, 2012 the committee voted to raise its main rate again.")
    assert not is_dateline("The shares closed higher.")


def test_dateline_and_notification_prompt_opening_the_article_are_removed() -> None:
    prompt = (
        "Allow notifications Would you like us to tell you about the most important news in "
        "your browser? You will get two to five alerts a day."
    )
    dateline = "Updated July 23, 2012, 11:27 p.m. ET"
    body = "".join(f"<p>{p}</p>" for p in _ARTICLE)
    html = (
        "<html><head><title>Rates on hold</title></head><body><article><h1>Rates on hold</h1>"
        f"<p>{prompt}</p><p>{dateline}</p>{body}</article></body></html>"
    ).encode()
    page = extract(RawDocument(source="t.html", content=html), kind="html")
    assert page.article.paragraphs == _ARTICLE
    kinds = {r.text: r.kind for r in page.removed}
    assert kinds[prompt] is BlockKind.PROMO
    assert kinds[dateline] is BlockKind.DATELINE
    assert page.article.published is not None and page.article.published.day == 23


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Your email address will not be published. Required fields are marked *", "comments"),
        ("This is only a preview. Your comment has not yet been posted.", "comments"),
        (
            "NHL, the NHL Shield and the word mark are registered trademarks of the League.",
            "footer",
        ),
        ("This copy is for your personal, non-commercial use only.", "footer"),
    ],
)
def test_comment_forms_and_rights_notices(text: str, kind: str) -> None:
    assert classify_text(text) == BlockKind(kind)


def test_blogger_and_short_stamps_are_entry_headers() -> None:
    assert is_entry_header("Jim Thompson MD said...")
    assert is_entry_header("Jermaine 07 Nov 12")
    assert not is_entry_header("Friday, November 2, 2012")
    assert is_opener("Seen by Jason Fried on November 7 2012. There are 12 comments.")


def test_entry_header_and_text_in_one_block() -> None:
    assert is_entry_start(
        "Barry Joseph September 27th, 2012 at 11:01 pm That was brilliant, and an exciting call "
        "to think again about what we say online."
    )
    assert not is_entry_start(
        "On September 27th, 2012 at 11:01 pm the storm reached the coast and the power went out "
        "across the whole of the city."
    )
    assert not is_entry_header("Von Jörg Staff am 16.11.2022")  # a teaser's byline
    assert not is_entry_header("example.com/2017/01/21/a-story")


def test_thread_of_repeated_stamp_lines_under_names() -> None:
    """'1. Ann' then 'Posted 10/18/2012 at 12:18 pm | Permalink', entry after entry: the stamp
    names no one, but it comes back in the same words before every entry's text."""
    thread = []
    for n, (name, clock, text) in enumerate(
        [
            ("Ann Lee", "12:18 pm", "Thank you for writing this, it was good to read it today."),
            ("Bo", "12:29 pm", "We saw the same thing at our branch and nobody explained it."),
            ("Kathy", "12:40 pm", "I hope they think again before the next meeting comes round."),
            ("Kelly", "1:02 pm", "This is the clearest account of the decision I have seen."),
        ],
        start=1,
    ):
        thread += [f"{n}. {name}", f"Posted 10/18/2012 at {clock} | Permalink", text]
    dump = "\n".join(("Rates on hold as inflation eases", *_ARTICLE, "29 Comments", *thread))
    page = extract(RawDocument(source="t.txt", content=dump.encode()), kind="text")
    assert page.article.paragraphs == _ARTICLE


def test_dated_schedule_in_an_article_is_no_thread() -> None:
    """A schedule's dates repeat too, but with nothing besides them."""
    schedule = (
        "November 9th & 10th",
        "Austin, the south side cinema, for the whole week of screenings.",
        "Dallas, the old theatre on the corner, on both nights this weekend.",
        "November 16th & 17th",
        "Tulsa, the cinema by the river, with a talk after the Friday show.",
        "November 23rd & 24th",
        "Portland, the hall on the hill, where the film opened last year.",
    )
    dump = "\n".join(("Screenings", *_ARTICLE, *schedule))
    page = extract(RawDocument(source="t.txt", content=dump.encode()), kind="text")
    assert schedule[4] in page.article.paragraphs


def test_entries_with_writes_colon_in_one_block() -> None:
    assert is_entry_start(
        "Re: Rates (Score:3) by vlm (69642) writes: I make my own forecasts, and they were no "
        "better than the bank's this year, so I would not be too hard on them."
    )
    assert not is_entry_start(
        'Jane Roe writes "Say that you are leaving a job, either on your own or because they '
        'decided it was time for you to go: what should you say on the way out?"'
    )


def test_comment_count_after_the_article_ends_it() -> None:
    """'Reader Comments (3)' after the text: what follows is the thread, even where its entries'
    headers have no shape the rules know ('HOLY!', 'October 11, 2012 | Eve')."""
    thread = (
        "Reader Comments (3)",
        "What a decision, and what a way to tell the markets about it on a quiet afternoon.",
        "October 11, 2012 | Eve",
        "We are expecting the next cut in the spring, whatever the governor says about it now.",
    )
    dump = "\n".join(("Rates on hold as inflation eases", *_ARTICLE, *thread))
    page = extract(RawDocument(source="t.txt", content=dump.encode()), kind="text")
    assert page.article.paragraphs == _ARTICLE


def test_comment_count_in_the_share_row_above_the_text_is_no_thread() -> None:
    lines = ("Rates on hold as inflation eases", "Tweet", "Comments (0)", *_ARTICLE)
    page = extract(RawDocument(source="t.txt", content="\n".join(lines).encode()), kind="text")
    assert page.article.paragraphs == _ARTICLE


@pytest.mark.parametrize("heading", ["About the author", "About this blog", "About:"])
def test_about_the_author_box_is_not_article(heading: str) -> None:
    box = (
        heading,
        "Jane Roe",
        "Jane Roe has covered central banks for twenty years and writes a weekly column on the "
        "bond market for this site.",
    )
    dump = "\n".join(("Rates on hold as inflation eases", *_ARTICLE, *box))
    page = extract(RawDocument(source="t.txt", content=dump.encode()), kind="text")
    assert page.article.paragraphs == _ARTICLE
    assert {r.text: r.kind for r in page.removed}[box[2]] is BlockKind.BYLINE


def test_opener_and_entries_after_a_short_post() -> None:
    """Ten words of a post are enough before a thread that an opener announces."""
    from marketdesk.extract.comments import thread_start
    from marketdesk.extract.textdump import split_blocks

    post = ("The reading room opens again on Monday, all day.", "Bring your card.")
    blocks = split_blocks("\n".join(("Reading room", *post, *_THREAD)))
    assert thread_start(blocks, [None] * len(blocks), 1) == 3
    # Without the opener, two entries need thirty words of article first.
    blocks = split_blocks("\n".join(("Reading room", *post, *_THREAD[1:])))
    assert thread_start(blocks, [None] * len(blocks), 1) == len(blocks)


def test_thread_under_a_picture_post_of_a_few_words() -> None:
    """A picture post of a caption and a line, then '3 comments:' and 'NAME said...' entries
    whose prose outweighs the post: the thread is comments, the post is the article."""
    thread = (
        "3 comments:",
        "Marguerite Olsen said...",
        "What a lovely colour for the harbour in the morning, I would love to see it in person "
        "one day when we travel north again next summer with the children and the dog.",
        "October 3, 2012 6:14 AM",
        "Tomas said...",
        "We walked along that quay last year and the fishing boats were painted just like this, "
        "bright and cheerful against the grey water and the old stone sheds beside them.",
        "October 3, 2012 9:40 AM",
        "Post a Comment",
    )
    lines = ("Harbour notes", "Wednesday, October 3", "Boats at dawn, the harbour.", *thread)
    page = extract(RawDocument(source="t.txt", content="\n".join(lines).encode()), kind="text")
    assert page.article.paragraphs == ("Boats at dawn, the harbour.",)
    removed = {r.text: r.kind for r in page.removed}
    assert removed[thread[2]] is BlockKind.COMMENTS
    assert removed[thread[5]] is BlockKind.COMMENTS


def test_opener_without_entries_under_it_marks_nothing_above_the_span() -> None:
    """'3 comments' with no entry headers after it (a teaser's count) is no thread."""
    lines = ("Rates on hold as inflation eases", "3 comments", *_ARTICLE)
    page = extract(RawDocument(source="t.txt", content="\n".join(lines).encode()), kind="text")
    assert page.article.paragraphs == _ARTICLE


def test_stamp_lines_a_dozen_blocks_apart_open_the_thread() -> None:
    """'29 seconds ago (2:25 PM)' entry after entry, each entry a dozen short lines (the reply,
    the parent quoted, the writer's name): the stamps still repeat close enough."""
    people = ("ranger", "okapi", "tulip", "marsh")
    thread: list[str] = []
    for n, who in enumerate(people):
        thread.append(f"{n + 2} seconds ago ({n + 1}:2{n} PM)")
        thread.extend(f"{who} line {k} on the rate call, part {n}." for k in range(11))
    dump = "\n".join(("Rates on hold as inflation eases", *_ARTICLE, *thread))
    page = extract(RawDocument(source="t.txt", content=dump.encode()), kind="text")
    assert page.article.paragraphs == _ARTICLE


_DISHES = (
    ("Lemon bars for a cold week", "lemon", "flour", "the oven"),
    ("Slow roasted tomatoes", "tomato", "garlic", "a low grill"),
    ("A pot of bean soup", "bean", "onion", "the big pot"),
    ("Sunday pancakes", "pancake", "milk", "a hot pan"),
)


def _recipe_post(n: int, main: str, second: str, heat: str) -> list[str]:
    return [
        f"Posted by Marta on February {16 - n} 2012",
        f"The {main} recipe came out of a cold kitchen and a long afternoon, and it is one of "
        "the best things I made all winter.",
        "You will need:",
        f"2 cups {second}",
        f"1 {main}",
        f"Mix the {second} with your fingers until it looks right to you, then put the {main} "
        "in and leave it to rest for a while.",
        f"Put it all on {heat} and wait until the edges turn golden, which takes about twenty "
        "minutes in my kitchen at least.",
        f"Let the {main} cool before you serve it, or the children will burn their fingers and "
        "blame you for it all week.",
        "Print this recipe",
        "Filed under: Baking",
        f"{n + 3} comments",
    ]


def test_one_writers_posts_stamped_alike_are_no_thread() -> None:
    """A blog's page of several posts, each under 'Posted by Marta on February 16 2012' a dozen
    blocks apart: the stamp repeats as a thread's does, but names the same writer every time,
    with a post's prose under each and nothing dated between: the later posts are article."""
    lines = ["Marta's kitchen", "Home", "Recipes"]
    for n, (title, main, second, heat) in enumerate(_DISHES):
        lines += [title, *_recipe_post(n, main, second, heat)]
    page = extract(RawDocument(source="t.txt", content="\n".join(lines).encode()), kind="text")
    kept = "\n".join(page.article.paragraphs)
    for _title, main, _second, heat in _DISHES:
        assert f"Put it all on {heat} and wait" in kept
        assert f"Let the {main} cool before you serve it" in kept


def test_the_writers_replies_among_readers_stamps_are_a_thread() -> None:
    """The writer answering reader after reader: her stamps repeat with other stamps between
    them, so the thread is still a thread."""
    thread: list[str] = []
    for n, reader in enumerate(("Ann Lee", "Bo Park", "Kathy Moss")):
        thread += [
            f"{reader} on February {10 + n}, 2012 at 9:0{n} am",
            f"I tried this with {reader.split()[0]}'s old recipe and it came out far too sweet "
            "for the children, so next time I will use less sugar and more of the lemon.",
            f"Marta on February {10 + n}, 2012 at 11:1{n} am",
            "Thank you, that is a good idea, and I will try it with less sugar next week too, "
            "then tell you all how it went in the kitchen.",
        ]
    dump = "\n".join(("Rates on hold as inflation eases", *_ARTICLE, "6 comments", *thread))
    page = extract(RawDocument(source="t.txt", content=dump.encode()), kind="text")
    assert page.article.paragraphs == _ARTICLE


def test_credit_stamps_of_longer_names_head_a_thread() -> None:
    """'written by Eco Friendly Guy, October 22, 2012' entry after entry, each comment under
    its stamp with vote buttons between: a thread, though the names run to three words. An
    edit note, an event listing's line and a sentence with 'by' and a date are no headers."""
    assert is_entry_header("written by Eco Friendly Guy, October 22, 2012")
    assert not is_entry_header("Last edited by a moderator Oct 6, 2020")
    assert not is_entry_header("It was signed by the governor on June 5, 2012.")
    assert not is_entry_header("People, National Theatre, until 9 February, 2013")
    thread: list[str] = []
    for n, (who, text) in enumerate(
        [
            ("Best Man", "I remember the bank trying this once before and it did not last."),
            ("Eco Friendly Guy", "Rates are only half of it, the housing market is the rest."),
            ("Worried Old Saver", "My savings earn nothing whatever the bank decides to do."),
        ]
    ):
        thread += [f"written by {who}, October {20 + n}, 2012", text, "report abuse", "vote up"]
    dump = "\n".join(("Rates on hold as inflation eases", *_ARTICLE, *thread))
    page = extract(RawDocument(source="t.txt", content=dump.encode()), kind="text")
    assert page.article.paragraphs == _ARTICLE


def test_stamps_with_the_date_first_and_the_name_after_a_bar() -> None:
    """'October 11, 2012 | Unregistered CommenterEve' under each comment, a count above them:
    a thread under a picture post of a line, though each stamp opens with its date."""
    assert is_entry_header("October 11, 2012 | Unregistered CommenterEve")
    assert not is_entry_header("October 17, 2012 | Permalink")
    assert not is_entry_header("Nov 5, 2012 | By Jo Lee")
    thread = ["Reader Comments (4)"]
    for n, (who, text) in enumerate(
        [
            ("Eve", "we are expecting you in the north next spring then, do come and stay!!!"),
            (
                "Kate Lee",
                "Very nice photos of the harbour, my favourite is the one with the boats.",
            ),
            ("Tina", "So excited to see you will be coming our way, you will love the old town."),
            ("Rebecca", "I want to be you! What a trip that will be for the whole family!"),
        ]
    ):
        thread += [text, f"October {11 + n}, 2012 | Unregistered Commenter{who}"]
    lines = ("Harbour notes", "Boats at dawn, the harbour.", *thread, "Post a New Comment")
    page = extract(RawDocument(source="t.txt", content="\n".join(lines).encode()), kind="text")
    assert page.article.paragraphs == ("Boats at dawn, the harbour.",)
