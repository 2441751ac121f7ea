"""Time expressions resolved against a story's date (enrich/dates.py): sentences written for
these tests, anchors across week, month and year ends."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from marketdesk.enrich.dates import find_dates, resolve_weekday

WED = date(2024, 5, 29)  # a Wednesday


def one(text: str, anchor: date | None = WED) -> tuple[str, str | None, str]:
    found = find_dates(text, anchor)
    assert len(found) == 1, found
    t = found[0]
    assert text[t.start : t.end] == t.text
    return t.text, t.date, t.granularity


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The two leaders met on Wednesday in Paris.", ("on Wednesday", "2024-05-29", "day")),
        ("She spoke to reporters later on Wednesday.", ("later on Wednesday", "2024-05-29", "day")),
        ("At Sunday's summit the ministers agreed.", ("Sunday's", "2024-05-26", "day")),
        ("The talks were held on Monday.", ("on Monday", "2024-05-27", "day")),
        ("Shares fell on Thursday.", ("on Thursday", "2024-05-23", "day")),
        ("Markets were calm on Tuesday morning.", ("on Tuesday morning", "2024-05-28", "day")),
        ("He said last Wednesday that he would go.", ("last Wednesday", "2024-05-22", "day")),
        ("The envoy arrives next Friday.", ("next Friday", "2024-05-31", "day")),
        ("The envoy will arrive on Friday.", ("on Friday", "2024-05-31", "day")),
        ("They will meet on Wednesday.", ("on Wednesday", "2024-05-29", "day")),
        ("The ban came in last November.", ("last November", "2023-11", "month")),
        ("The report last July said so.", ("last July", "2023-07", "month")),
        ("Last May the bank raised rates.", ("Last May", "2023-05", "month")),
        ("The election is next November.", ("next November", "2024-11", "month")),
        ("The plan was drawn up in March.", ("in March", "2024-03", "month")),
        ("The vote was held in October.", ("in October", "2023-10", "month")),
        ("The vote will be held in October.", ("in October", "2024-10", "month")),
        ("It rose yesterday.", ("yesterday", "2024-05-28", "day")),
        ("It rises today.", ("today", "2024-05-29", "day")),
        ("It rose last night.", ("last night", "2024-05-28", "day")),
        ("He flies tomorrow.", ("tomorrow", "2024-05-30", "day")),
        ("Prices rose last week.", ("last week", "2024-W21", "week")),
        ("Talks resume early next week.", ("early next week", "2024-W23", "week")),
        ("The deal closed earlier this month.", ("earlier this month", "2024-05", "month")),
        ("Profits fell last month.", ("last month", "2024-04", "month")),
        ("Tokyo joined the curbs last year.", ("last year", "2023", "year")),
        ("Sales doubled earlier this year.", ("earlier this year", "2024", "year")),
        ("The firm listed in March 2023.", ("in March 2023", "2023-03", "month")),
        ("The firm listed on 5 July.", ("on 5 July", "2024-07-05", "day")),
        ("The firm listed on 5 July 2021.", ("on 5 July 2021", "2021-07-05", "day")),
        ("The firm listed July 5, 2021.", ("July 5, 2021", "2021-07-05", "day")),
        ("The firm listed on Sept. 12, 2019.", ("on Sept. 12, 2019", "2019-09-12", "day")),
        ("The filing is dated 2022-02-28.", ("2022-02-28", "2022-02-28", "day")),
        ("He took up the post in 2022.", ("in 2022", "2022", "year")),
        ("Growth slowed from mid-2023.", ("from mid-2023", "2023", "year")),
        ("They met three days ago.", ("three days ago", "2024-05-26", "day")),
        ("They met two weeks ago.", ("two weeks ago", "2024-W20", "week")),
        ("They met a month ago.", ("a month ago", "2024-04", "month")),
    ],
)
def test_expressions_on_a_wednesday(text: str, expected: tuple[str, str, str]) -> None:
    assert one(text) == expected


@pytest.mark.parametrize(
    ("text", "anchor", "iso"),
    [
        # Across a year's end.
        ("The accord was signed last December.", date(2024, 1, 3), "2023-12"),
        ("The accord will be signed next January.", date(2024, 12, 30), "2025-01"),
        ("The accord was signed last January.", date(2024, 1, 15), "2023-01"),
        ("It fell on Friday.", date(2024, 1, 1), "2023-12-29"),  # Monday 1 January
        ("It fell yesterday.", date(2024, 1, 1), "2023-12-31"),
        ("It fell last week.", date(2024, 1, 3), "2023-W52"),
        ("It fell last month.", date(2024, 1, 3), "2023-12"),
        ("It fell on 30 December.", date(2024, 1, 2), "2023-12-30"),
        ("It opens on 2 January.", date(2023, 12, 29), "2024-01-02"),
        ("It rises next month.", date(2024, 12, 10), "2025-01"),
        # Across a month's end.
        ("It fell on Thursday.", date(2024, 3, 1), "2024-02-29"),  # a Friday, leap year
        ("It fell three days ago.", date(2024, 3, 1), "2024-02-27"),
        ("It opens next Monday.", date(2024, 4, 29), "2024-05-06"),  # a Monday
        ("It opened last Monday.", date(2024, 4, 29), "2024-04-22"),
        ("It opened on Monday.", date(2024, 4, 29), "2024-04-29"),
        ("It opens tomorrow.", date(2024, 4, 30), "2024-05-01"),
    ],
)
def test_anchors_across_month_and_year_ends(text: str, anchor: date, iso: str) -> None:
    assert one(text, anchor)[1] == iso


def test_without_an_anchor_the_expression_stays_and_the_date_is_none() -> None:
    found = find_dates("They met on Wednesday, last November and yesterday, and in 2022.", None)
    assert [(t.text, t.date, t.granularity) for t in found] == [
        ("on Wednesday", None, "day"),
        ("last November", None, "month"),
        ("yesterday", None, "day"),
        ("in 2022", "2022", "year"),  # absolute: needs no anchor
    ]
    assert one("It closed on 5 July 2021.", None)[1] == "2021-07-05"
    assert one("It closed on 5 July.", None) == ("on 5 July", None, "day")


def test_offsets_and_order() -> None:
    text = "On Monday he left; on Tuesday he landed."
    found = find_dates(text, WED, offset=100)
    assert [(t.text, t.start, t.end) for t in found] == [
        ("On Monday", 100, 109),
        ("on Tuesday", 119, 129),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Black Friday sales rose.",
        "Cyber Monday deals were strong.",
        "Theresa May spoke.",
        "Prices may march higher.",
        "USA Today reported it.",
        "The 2024-13-45 code is no date.",
        "He scored 2022 points.",
        "It rose 5%.",
    ],
)
def test_not_dates(text: str) -> None:
    assert find_dates(text, WED) == ()


def test_a_bare_weekday_is_within_six_days() -> None:
    for day in range(7):
        for weekday in range(7):
            anchor = date(2024, 5, 27) + timedelta(days=day)
            back = resolve_weekday(weekday, anchor)
            ahead = resolve_weekday(weekday, anchor, future=True)
            assert back.weekday() == ahead.weekday() == weekday
            assert 0 <= (anchor - back).days <= 6
            assert 0 <= (ahead - anchor).days <= 6
            assert 1 <= (anchor - resolve_weekday(weekday, anchor, relation="last")).days <= 7
            assert 1 <= (resolve_weekday(weekday, anchor, relation="next") - anchor).days <= 7
