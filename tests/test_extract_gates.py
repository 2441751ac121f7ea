"""The shortcuts that skip work in furniture rules: each must skip only what cannot match."""

from __future__ import annotations

import re

import pytest

from marketdesk.extract import boilerplate, comments
from marketdesk.extract.boilerplate import classify_text
from marketdesk.extract.credits import syndication_origin
from marketdesk.extract.dates import find_date
from marketdesk.extract.segment import headline_twice, reads_as_titles, said_twice
from marketdesk.extract.text import TOKEN, folded_tokens
from marketdesk.model import BlockKind

# One phrase each _PROMO pattern matches, in the patterns' order.
PROMO_EXAMPLES = (
    "our new app",
    "brought to you by",
    "get the latest",
    "download the free news app",
    "install it now",
    "subscribe today",
    "sign up free",
    "click here",
    "free trial",
    "follow us",
    "do you want",
    "unlimited digital access",
    "limited-time",
    "don't miss",
    "special offer",
    "become a member",
    "support our",
    "jetzt abonnieren",
    "abonnez-vous",
    "please subscribe",
    "to continue reading the rest of the article",
    "follow Jane Doe on twitter",
    "thank you for reading",
    "anmelden und weiterlesen",
    "unterstützen sie uns",
    "unterstütze unsere",
    "make a donation",
    "affiliate links",
    "letters to the editor",
    "straight to your inbox",
    "for the latest news",
    "we'd love to hear from you",
    "e-mail us",
    "instant access to this",
    "already a subscriber",
)


def test_every_promo_pattern_has_its_needed_words() -> None:
    patterns = boilerplate._PROMO_PATTERNS
    assert len(patterns) == len(boilerplate._PROMO_NEEDS) == len(PROMO_EXAMPLES)
    for i, (pattern, needs, example) in enumerate(
        zip(patterns, boilerplate._PROMO_NEEDS, PROMO_EXAMPLES, strict=True)
    ):
        folded = example.casefold()
        assert re.search(pattern, folded), (pattern, example)
        tokens = set(folded_tokens(example))
        assert all(not tokens.isdisjoint(group) for group in needs), (pattern, example)
        # The gate lets the example's pattern through; without one of a group's words it may not.
        assert i in boilerplate._possible_promos(frozenset(tokens))
        assert boilerplate._promo_folded((i,)).search(folded), (pattern, example)


@pytest.mark.parametrize(
    "text",
    [
        "Download our free app and get the latest headlines delivered every morning to you.",
        "Support our journalism: become a member today and get unlimited access to every story.",
        "Thank you for reading. Please subscribe to keep this kind of reporting going for us.",
    ],
)
def test_long_promos_are_still_promos(text: str) -> None:
    assert classify_text.__wrapped__(text) is BlockKind.PROMO


def test_long_prose_with_cue_words_is_not_furniture() -> None:
    text = (
        "Do you remember when our city had only one bank? I do, and this year the last branch "
        "on Main Street closed after the owners said they would get out of retail lending."
    )
    assert classify_text.__wrapped__(text) is None


def test_newsletter_consent_still_needs_both_words() -> None:
    assert (
        classify_text.__wrapped__("I consent to receiving emails about offers.")
        is BlockKind.NEWSLETTER
    )


@pytest.mark.parametrize(
    "text",
    [
        "Straße und Maß, ÄÖÜ",
        "µm and ß",
        "Kelvin \u212a and \u212b ring",
        "\ufb01rst appeared \u2019quoted\u2019 \u2014 dash",
        "Zażółć gęślą jaźń",
        "İstanbul said",
        "日本語のテキスト and English",
    ],
)
def test_folded_tokens_match_the_regex(text: str) -> None:
    assert folded_tokens(text) == TOKEN.findall(text.casefold())


@pytest.mark.parametrize(
    ("text", "origin"),
    [
        ("This article originally appeared in The Conversation.", "The Conversation"),
        ("This story first appeared in the South China Morning Post.", "South China Morning Post"),
        ("This content is from Harbour Media.", "Harbour Media"),
        ("Distributed by Tribune Content Agency", "Tribune Content Agency"),
        ("The minister said the bank first raised rates in March.", None),
    ],
)
def test_credit_cues(text: str, origin: str | None) -> None:
    assert syndication_origin(text) == origin


def test_said_twice_first_word_gate() -> None:
    assert said_twice("Rates Rise Again Today Rates Rise Again Today")
    assert said_twice("a b c d a b c")
    assert not said_twice("one two three four five six seven")
    assert not said_twice("Rates")


def test_every_family_trigger_is_among_all_triggers() -> None:
    # classify_text tests each family's triggers against the block's words that are in
    # _ALL_TRIGGERS only: a trigger outside it would never be seen.
    sets = [
        *boilerplate._TRIGGERS.values(),
        boilerplate._BANNER_TRIGGER,
        boilerplate._CREDIT_TRIGGER,
        boilerplate._COPYRIGHT_TRIGGER,
        boilerplate._NOTIFY_TRIGGER,
        boilerplate._CAPTION_TRIGGER,
        boilerplate._READ_ALSO_TRIGGER,
        boilerplate._COMMENT_FORM_TRIGGER,
        boilerplate._RIGHTS_TRIGGER,
        boilerplate._NOTICE_TRIGGER,
        boilerplate._NEWSLETTER_WORDS,
        boilerplate._LONG_TRIGGERS,
        boilerplate._SHORT_TRIGGERS,
    ]
    for words in sets:
        assert words <= boilerplate._ALL_TRIGGERS, sorted(words - boilerplate._ALL_TRIGGERS)


def test_promo_need_words_hold_every_group() -> None:
    # _possible_promos is asked with the block's words among _PROMO_NEED_WORDS only: a group
    # word outside that set would never be seen.
    for needs in boilerplate._PROMO_NEEDS:
        for group in needs:
            assert group <= boilerplate._PROMO_NEED_WORDS


def test_says_gate_knows_every_last_character() -> None:
    # _SAYS is case-blind: whatever character it can end on must be in _SAYS_LAST.
    ends = {"s", "d", "e", ":", ",", ".", "\u2026"}
    for code in range(0x3000):
        ch = chr(code)
        if any(re.fullmatch(end, ch, re.I) for end in map(re.escape, ends)):
            assert ch in comments._SAYS_LAST, hex(code)
    assert comments.is_entry_header("Ann Lee 12 said:")
    assert comments.is_entry_header("PAT 3 SAYS")
    assert not comments.is_entry_header("Ann Lee 12 said no")


@pytest.mark.parametrize(
    ("text", "merged"),
    [
        (
            "Barry Joseph September 27th, 2012 at 11:01 pm danah, that talk was brilliant and I "
            "shared it with my whole class the next morning.",
            True,
        ),
        (
            "Barry Joseph September 27th, 2012 and then a long sentence follows here without "
            "any clock time in the first characters at all.",
            False,
        ),
    ],
)
def test_entry_start_needs_a_clock_colon(text: str, merged: bool) -> None:
    assert comments.is_entry_start(text) is merged


def test_find_date_without_digits_and_with() -> None:
    assert find_date("Published on the first of May") is None
    assert find_date("Published May 29, 2024, 8:00 AM") is not None
    assert find_date("19.10.2019, 05:00 Uhr") is not None


def test_headline_twice_without_repeats_and_with() -> None:
    assert headline_twice(
        "Bike Sharing Takes Over America Bike Sharing Takes Over America As cities add docks"
    )
    assert not headline_twice(
        "The council met on Tuesday to weigh a plan for new docks along the river front."
    )


def test_reads_as_titles_last_character_gate() -> None:
    menu = "Markets Today Earnings Calendar Top Movers Bond Yields Oil Prices Gold Watch Latest"
    assert reads_as_titles(menu)
    assert reads_as_titles(menu + "  ")
    assert not reads_as_titles(menu + ".")
    assert not reads_as_titles(menu + ". \t")
