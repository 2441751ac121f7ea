"""Readers' comments after an article, told by their shape where no markup names them.

A comment thread is a run of entries, each opened by a short header that names the writer
and stamps the time ('Elaine July 26, 2012 at 4:01 pm', 'Posted by: Ann | Mar 26, 2007
2:00:18 PM', 'by vlm (69642) writes: on Tuesday July 24, @09:32AM (#40748479)', 'Jack says:'),
often behind an opener ('34 comments', 'Leave a Reply'). An article's own dateline stamps
the time too, but once, near its headline; a thread repeats the stamp entry after entry.
`thread_start` finds where the thread begins, after the article's first words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from marketdesk.extract.text import sentence_like, words
from marketdesk.model import Block, BlockKind

_CLOCK = re.compile(r"(?:\b|@)\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?\b)?", re.I)
_DATE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b"
    r"|\b\d{1,4}[./-]\d{1,2}[./-]\d{2,4}\b"
    r"|\b(?:\d+|an?|one)\s+(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?)\s+ago\b",
    re.I,
)
# What a dateline says besides its date: without anything else (a name), a stamped line is
# the article's own ('Updated 03/05/2022 22:46', 'Publiziert: 03.04.2020, 12:35').
_STAMP_TEXT = (
    "updated published posted modified last on at by the am pm a p m et est edt cet cest "
    "pst pdt gmt utc bst uhr um le el de del al à las h aktualisiert publiziert "
    "veröffentlicht actualizado publicado mis jour dernière mise monday tuesday wednesday "
    "thursday friday saturday sunday mon tue wed thu fri sat sun said says wrote writes "
    "reply permalink"
)
_STAMP_WORDS = frozenset(_STAMP_TEXT.split())
_WORD = re.compile(r"[^\W\d_]{2,}")
# An embedded post's credit line ('A post shared by X (@x) on Jun 16, 2019 at 7:30am PDT').
_EMBED = re.compile(r"\b(?:shared by|tweeted by|via)\b|\(@\w+\)|^[—–-]", re.I)
_DIGIT = re.compile(r"\d")
_SAYS_TAIL = " \t:,.…"
_SAYS_WORDS = (" says", " said", " wrote", " writes")
_BYLINE_START = re.compile(r"(?:by|von|par|por|di|door|av|af|przez)\s", re.I)
_SAYS = re.compile(r"\b(?:says|said|wrote|writes)\s*(?::|,|\.\.\.|…)?\s*$", re.I)
# The last characters _SAYS can end on, in any case ('ſ' is an 's' to a case-blind pattern):
# a line that ends on none of them skips the search.
_SAYS_LAST = frozenset("sSdDeE\u017f:,.…")
# 'writes:' with its colon: the header of an entry whose text follows in the same block (an
# article's 'X writes "..."' has no colon).
_SAYS_COLON = re.compile(r"\b(?:says|wrote|writes):\s", re.I)
_SAYS_HEAD_CHARS = 120


def _says_colon(text: str) -> bool:
    """_SAYS_COLON within the first _SAYS_HEAD_CHARS characters."""
    # Its colon must be there: most blocks have none, and find() is far cheaper than the
    # case-blind search.
    return (
        text.find(":", 0, _SAYS_HEAD_CHARS) >= 0
        and _SAYS_COLON.search(text, 0, _SAYS_HEAD_CHARS) is not None
    )


# A comment that opens with its writer's link and name ('http://example.com/ jdoe That is ...'):
# an article's paragraph does not start with a bare address.
_LINKED_NAME = re.compile(r"https?://\S+\s+\S+\s+\S")
_OPENER = re.compile(
    r"^\W*(?:\d+|no|one)\s+(?:\w+\s+)?(?:comments?|responses?|replies|thoughts)\b"
    r"|\b(?:there (?:are|is)|with) (?:\d+|no|one) (?:comments?|responses?|replies)\b"
    r"|^\W*(?:comments?|responses?|discussion|reader comments)\s*(?:\(\d+\))?\W*$"
    r"|\bleave (?:a|your) (?:comment|reply|response)\b"
    r"|^\W*(?:add|post|write) (?:a|your) comment\b",
    re.I,
)
# A count of the thread's entries: '14 comments', 'Comments (0)', 'No comments yet'.
_COUNT = re.compile(
    r"\W*(?:(?:\d+|no|one)\s+(?:\w+\s+)?(?:comments?|responses?|replies)\b"
    r"|(?:\w+\s+)?(?:comments?|responses?|replies)\s*\(\d+\)\W*$)",
    re.I,
)
_COUNT_MAX_CHARS = 100  # a count is a short line (_OPENER_MAX_WORDS words at most)
_SENTENCE_WORDS = 10
_SENTENCE_CHARS = 40  # fewer characters are fewer than ten words: no count needed
_HEADER_MAX_WORDS = 16
_HEADER_MAX_CHARS = 200
_SAYS_MAX_WORDS = 8
_ENTRY_HEAD_CHARS = 90  # a merged entry's stamp ends within its first characters
_DATE_TO_CLOCK = 14  # ', 2012 at ' between the date's day and the time
_NAME_MAX_WORDS = 4
_DATE_ONLY_MAX_WORDS = 6
_OPENER_MAX_WORDS = 12
_ARTICLE_WORDS_FIRST = 30  # article text before a thread can begin
_ARTICLE_WORDS_SHORT = 10  # before a thread that an opener announces
_LOOKAHEAD = 4  # an opener comes at most this many blocks before the first entry
_ENTRY_MAX_BLOCKS = 10  # the next entry's header follows within this many blocks
# A stamp line repeated entry after entry: the entries between may run longer (a reply, its
# quoted parent, the writer's name and link each a line).
_STAMP_MAX_BLOCKS = 16


def is_entry_header(text: str) -> bool:
    """A comment's header: a short line with a date and a clock time, or 'X says:'."""
    if len(text) > _HEADER_MAX_CHARS:
        return False
    if _DIGIT.search(text) is None:  # no date: only 'X says:' can be one (most lines)
        tail = text.rstrip(_SAYS_TAIL)[-8:].lower()
        return tail.endswith(_SAYS_WORDS) and len(text.split()) <= _SAYS_MAX_WORDS
    n = len(text.split())
    if n > _HEADER_MAX_WORDS:
        return False
    return _dated_header(text, n, _DATE.search(text))


def _dated_header(text: str, n: int, date: re.Match[str] | None) -> bool:
    """is_entry_header of a short text with a digit, its `n` words and first `date` read."""
    if n <= _SAYS_MAX_WORDS and text.rstrip()[-1:] in _SAYS_LAST and _SAYS.search(text):
        return True
    # A stamp with a time, or a very short one with a date alone after the name ('Jermaine 07
    # Nov 12'; not a fixture list's '18 Aug: Swansea (h)' or a list's '6. Title (May 12, 2004)').
    if date is None or _EMBED.search(text):
        return False
    # Nor a teaser's byline ('Von Jörg Staff am 16.11.2022') or a link ('site.com/2017/01/21').
    if _CLOCK.search(text) is None and (
        not (
            2 <= n <= _DATE_ONLY_MAX_WORDS or (n <= _CREDIT_MAX_WORDS and _credit_stamp(text, date))
        )
        or (date.start() == 0 and not _date_then_name(text, date))
        or "(" in text
        or ":" in text
        or "/" in text
        or _BYLINE_START.match(text)
    ):
        return False
    rest = _without_stamp(text)
    return any(w.casefold() not in _STAMP_WORDS for w in _WORD.findall(rest))


# A longer stamp without a time credits its writer and ends on the date ('written by Best Man,
# October 20, 2012'); an event listing's line names a place after its date ('Josie Long, 10
# November, Soho Theatre') or none ('People, National Theatre, until 9 February, 2013').
_CREDIT_MAX_WORDS = 8
_EDIT_NOTES = ("edited", "modified", "updated", "changed")
_DATE_TAIL = re.compile(r"[\s,]*(?:\d{4})?\s*$")  # no full stop: a sentence ends with one


def _credit_stamp(text: str, date: re.Match[str]) -> bool:
    """'written by NAME, DATE': 'by' before the name, the date (and its year) last; not an
    entry's edit note ('Last edited by a moderator Oct 6, 2020'), which closes a post."""
    head = text[: date.start()].lower()
    return (
        " by " in head
        and not any(note in head for note in _EDIT_NOTES)
        and _DATE_TAIL.fullmatch(text, date.end()) is not None
    )


# The date first, then a bar and the writer's name ('October 11, 2012 | Unregistered
# CommenterEve', 'Aug 8, 2012 | Jo Lee'); not a byline after the bar ('Nov 5 | By Jo Lee').
_BAR_NAME = re.compile(r"[\s,]*(?:\d{4})?\s*\|\s*(?!by\s)(\S+(?:\s+\S+){0,3})\s*$", re.I)


def _date_then_name(text: str, date: re.Match[str]) -> bool:
    """'October 11, 2012 | Eve': a stamp whose date comes first, its writer after a bar."""
    return _BAR_NAME.match(text, date.end()) is not None


@lru_cache(maxsize=64)
def _without_stamp(text: str) -> str:
    """The text with its clock times and dates blanked."""
    # Cached for the next call: _entry_facts asks it of a short line twice, once for the
    # header (_dated_header) and once for the stamp's shape (_stamp_shape).
    return _DATE.sub(" ", _CLOCK.sub(" ", text))


def is_entry_start(text: str) -> bool:
    """A comment whose header and text share a block: 'Barry Joseph September 27th, 2012 at
    11:01 pm danah, That was brilliant ...', 'rusticred 1 November 2012 9:37PM Who needs ...':
    a name of a few words, then a date and a clock time, at the start of a longer block; or a
    writer's 'says:' or 'writes:' near its start ('Re: (Score:3) by vlm writes: I make ...')."""
    if len(text) <= _HEADER_MAX_CHARS // 2:
        return False
    if _says_colon(text) or _LINKED_NAME.match(text):
        return True
    if _DIGIT.search(text, 0, _ENTRY_HEAD_CHARS) is None:
        return False
    head = text[:_ENTRY_HEAD_CHARS]
    # The clock after the date has its colon ('11:01 pm'): a head without one is no entry,
    # told before the costly date search.
    if ":" not in head:
        return False
    date = _DATE.search(head)
    if date is None or date.start() == 0:
        return False
    clock = _CLOCK.search(head, date.end())
    if clock is None or clock.start() - date.end() > _DATE_TO_CLOCK:
        return False
    name = head[: date.start()].split()
    if not 1 <= len(name) <= _NAME_MAX_WORDS:
        return False
    return any(w.casefold() not in _STAMP_WORDS for w in _WORD.findall(" ".join(name)))


def is_opener(text: str) -> bool:
    """A line that opens a thread: a comment count, 'Leave a Reply', 'Comments'."""
    return words(text) <= _OPENER_MAX_WORDS and _OPENER.search(text) is not None


def thread_start(
    blocks: Sequence[Block],
    kinds: Sequence[BlockKind | None],
    start: int,
    *,
    posts: bool = False,
) -> int:
    """The first block of the comment thread after the article's start; len(blocks): none.

    A thread begins at an entry header that another follows, at an opener that an entry
    header follows within a few blocks, or at the first of three or more stamp lines of one
    shape a few blocks apart ('Posted 10/18/2012 at 12:18 pm | Permalink' entry after entry,
    the writer's name on the line above); only after some article text. With `posts` (text
    dumps) a run of stamps crediting one writer, a post's prose under each, is a blog's posts
    (`_names_writer`), and no thread begins above its last stamp.
    """
    n = len(blocks)
    ready = n  # the first block after enough article text
    # An opener with an entry under it is evidence enough to follow a short post.
    ready_short = n
    prose = 0
    for i in range(start, n):
        if prose >= _ARTICLE_WORDS_SHORT and ready_short == n:
            ready_short = i
        if prose >= _ARTICLE_WORDS_FIRST:
            ready = i
            break
        if kinds[i] is None:
            prose += words(blocks[i].text)
    if ready_short > start + 1:
        # A post too short for the rules below (a picture and its caption, a line or two):
        # its thread is still told by an opener with entries after it.
        opened = announced_thread(blocks, start + 1, min(ready_short, n))
        if opened < n:
            return opened
    headers: list[tuple[int, bool]] = []  # (block, whether the entry's text is in it)
    first = n  # the first of a run of repeated stamp lines
    # stamp shape -> (first of the run, last, count, whether it reads as one writer's posts)
    runs: dict[str, tuple[int, int, int, bool]] = {}
    counts: list[int] = []  # comment counts ('14 comments'), for the last rule below
    posts_end = -1  # the last stamp of a blog's posts (_one_writers_posts): no thread above it
    dated = -1  # the last block with a stamp or an entry header
    for i in range(max(ready_short, start + 1), n):
        count, header, shape = _entry_facts(blocks[i].text)
        if count:
            counts.append(i)
        if header:
            headers.append((i, header == _MERGED))
        if shape is None or first < n or i < ready:
            if header or shape is not None:
                dated = i
            continue
        run = runs.get(shape)
        if run is not None and 2 <= i - run[1] <= _STAMP_MAX_BLOCKS:
            posts = run[3] and dated == run[1] and _post_between(blocks, kinds, run[1], i)
            run = (run[0], i, run[2] + 1, posts)
            if run[2] >= _STAMP_REPEATS:
                if posts:
                    posts_end = i
                else:
                    first = run[0]
        else:
            run = (i, i, 1, posts and _names_writer(shape))
        runs[shape] = run
        dated = i
    if posts_end >= 0:
        # A blog's page of several posts, each under its writer's stamp: the entries and
        # counts among them are the posts' own lines, not a thread's.
        headers = [h for h in headers if h[0] > posts_end]
        counts = [c for c in counts if c > posts_end]
    for h, (at, merged) in enumerate(headers):
        if at > first:
            break
        for j in range(max(ready_short, at - _LOOKAHEAD), at):
            if is_opener(blocks[j].text):
                return j
        if at < ready:
            continue
        # The next entry follows, after this one's text.
        if h + 1 < len(headers) and (1 if merged else 2) <= headers[h + 1][0] - at <= (
            _ENTRY_MAX_BLOCKS
        ):
            return _back_to_opener(blocks, kinds, at, start)
    if first < n:
        return _back_to_opener(blocks, kinds, _back_over_name(blocks, first, start), start)
    # A count of the comments after the article's text opens its thread even where no entry
    # header is told by shape ('Reader Comments (14)', '0 Comments', 'No comments yet'): once
    # some of the article's sentences came first, not in the share row above them.
    if not counts:
        return n
    said = 0
    pending = iter(counts)
    c = next(pending)
    for i in range(start, n):
        if i == c:
            if said >= _ARTICLE_WORDS_FIRST:
                return i
            c = next(pending, n)
            if c == n:
                break
            continue
        block = blocks[i]
        if (
            kinds[i] is None
            and block.tag != "li"  # a teaser list is no article text
            and len(block.text) >= _SENTENCE_CHARS
            and words(block.text) >= _SENTENCE_WORDS
            and sentence_like(block.text)
        ):
            said += words(block.text)
    return n


def announced_thread(blocks: Sequence[Block], begin: int, stop: int) -> int:
    """An opener between `begin` and `stop` ('13 comments:', 'Leave a Reply') with an entry
    header within a few blocks under it and the next entry's header after that one's text
    ('tRiSh said...', a line of comment, then 'Ankita said...'); len(blocks) where none is.

    The evidence is the thread's own shape, so it needs no article words before it."""
    n = len(blocks)
    for j in range(begin, stop):
        text = blocks[j].text
        if len(text) > _COUNT_MAX_CHARS:
            continue
        # Every opener names comments, responses, replies, thoughts or a discussion: a line
        # that names none skips the case-blind pattern.
        low = text.lower()
        if (
            "comment" not in low
            and "respons" not in low
            and "repl" not in low
            and "thought" not in low
            and "discussion" not in low
        ) or not is_opener(text):
            continue
        at = _next_header(blocks, j + 1, min(n, j + 1 + _LOOKAHEAD))
        if at is None:
            continue
        merged = _entry_facts(blocks[at].text)[1] == _MERGED
        after = _next_header(blocks, at + (1 if merged else 2), min(n, at + 1 + _ENTRY_MAX_BLOCKS))
        if after is not None:
            return j
    return n


def _next_header(blocks: Sequence[Block], begin: int, stop: int) -> int | None:
    """The first block from `begin` before `stop` that is an entry's header (or opens one)."""
    for i in range(begin, stop):
        if _entry_facts(blocks[i].text)[1]:
            return i
    return None


_HEADER, _MERGED = 1, 2  # an entry's header alone, or with the entry's text in its block


@lru_cache(maxsize=8192)
def _entry_facts(text: str) -> tuple[bool, int, str | None]:
    """What thread_start asks of a block, in one cached call: whether it is a comment count,
    whether it is an entry header (_HEADER) or an entry with its header (_MERGED), 0 if
    neither, and its stamp shape (`_stamp_shape`)."""
    # Cached by text, as classify_text is: menus and footers repeat across a site's pages.
    count = len(text) <= _COUNT_MAX_CHARS and _COUNT.match(text) is not None
    if _DIGIT.search(text, 0, _HEADER_MAX_CHARS) is None:
        # Most blocks: no date near the start, so no stamp; only 'X says:' can be a header
        # and 'X writes: ...' an entry (is_entry_header and is_entry_start, inlined).
        header = 0
        if len(text) <= _HEADER_MAX_CHARS // 2:
            if text.rstrip(_SAYS_TAIL)[-8:].lower().endswith(_SAYS_WORDS) and (
                len(text.split()) <= _SAYS_MAX_WORDS
            ):
                header = _HEADER
        elif _says_colon(text) or _LINKED_NAME.match(text) is not None:
            header = _MERGED
        elif len(text) <= _HEADER_MAX_CHARS and is_entry_header(text):
            header = _HEADER
        return count, header, None
    # A digit near the start. Only a short line of few words can be a header or a stamp; its
    # words and its date are read once for both.
    n = len(text.split()) if len(text) <= _HEADER_MAX_CHARS else _HEADER_MAX_WORDS + 1
    if n > _HEADER_MAX_WORDS:
        return count, _MERGED if is_entry_start(text) else 0, None
    date = _DATE.search(text)
    if _dated_header(text, n, date):
        header = _HEADER
    elif is_entry_start(text):
        header = _MERGED
    else:
        header = 0
    return count, header, None if date is None else _stamp_shape(text)


_STAMP_REPEATS = 3  # a thread's stamp line comes entry after entry; an article's, once
_NAME_LINE_WORDS = 4
_STAMP_OTHER_WORDS = 5
_NUMBERED = re.compile(r"\S*\d\S*")  # '10th', '#4074', '(69642)': no name's words


def _stamp_shape(text: str) -> str | None:
    """A short line's words besides its date and time, or None where they are no stamp's.

    Asked of lines of _HEADER_MAX_WORDS words at most with a digit and a date (_entry_facts)."""
    rest = _WORD.findall(_NUMBERED.sub(" ", _without_stamp(text)))
    # Besides its stamp a header has a few words (a name, 'Posted', 'Reply') or none but the
    # time of day; a caption or a sentence with a date has more, a picture's file name
    # ('2012-11-12 12.43.28') neither.
    if len(rest) > _STAMP_OTHER_WORDS or (not rest and _CLOCK.search(text) is None):
        return None
    return " ".join(w.casefold() for w in rest)


# A blog's page of several posts stamps each one 'Posted by Marta on February 16 2012', a dozen
# blocks apart: a run of stamps as a thread's, but naming one writer every time, with nothing
# dated between two of them and a post's prose under each. A thread's run names no one (the
# name is on the line above: 'Posted 10/18/2012 at 12:18 pm | Permalink') or is one reader's
# entries among other readers' stamps.
_POST_WORDS = 40


_BY_WORDS = frozenset(("by", "von", "par", "por", "di", "door", "av", "af", "przez"))


def _names_writer(shape: str) -> bool:
    """The stamp's words besides its date credit someone: 'by' and a name ('posted by marta
    on'), not only 'posted', 'at', 'reply' nor a table's heading."""
    said = shape.split()
    return any(w in _BY_WORDS for w in said) and any(
        w not in _STAMP_WORDS and w not in _BY_WORDS for w in said
    )


def _post_between(
    blocks: Sequence[Block], kinds: Sequence[BlockKind | None], last: int, at: int
) -> bool:
    """A post's prose between two stamps: _POST_WORDS words or more of plain text."""
    said = 0
    for j in range(last + 1, at):
        if kinds[j] is None:
            said += words(blocks[j].text)
    return said >= _POST_WORDS


def _back_over_name(blocks: Sequence[Block], at: int, start: int) -> int:
    """The entry's first block: the stamp, or the short name line just above it."""
    if at - 1 > start:
        above = blocks[at - 1].text
        if words(above) <= _NAME_LINE_WORDS and not above.rstrip().endswith((".", "!", "?")):
            return at - 1
    return at


def _back_to_opener(
    blocks: Sequence[Block], kinds: Sequence[BlockKind | None], at: int, start: int
) -> int:
    """The thread's first entry, or the opener or comment line just before it."""
    for j in range(at - 1, max(start, at - _LOOKAHEAD) - 1, -1):
        if is_opener(blocks[j].text) or kinds[j] is BlockKind.COMMENTS:
            return j
    return at
