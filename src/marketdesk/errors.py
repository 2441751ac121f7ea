"""The exceptions marketdesk raises on purpose.

Every error a user can cause derives from MarketdeskError and carries a message
fit to print as it is; the command line prints it and exits non-zero.

    MarketdeskError
    ├── InputError          an input cannot be read or is not what it claims to be
    │   ├── TooLargeError   an input exceeds the configured size cap (a gzip bomb included)
    │   ├── FeedError       bytes handed to the feed parser are not an RSS, Atom or JSON feed
    │   ├── SitemapError    bytes handed to the sitemap parser are not a sitemap, or unsafe XML
    │   └── ArchiveError    a WARC/WET archive cannot be opened at all
    ├── FetchError          an outbound request failed (network, status, robots.txt)
    │   └── BlockedURLError the URL is refused by policy (scheme, private address)
    ├── StorageError        the database cannot be opened, migrated or written
    ├── NotFoundError       no stored thing with that id (a story)
    ├── UnknownEditionError no edition of that name
    ├── UnknownInstrumentError
    ├── ModelError          an enrichment model is not installed or cannot be loaded
    ├── KnowledgeBaseError  the knowledge base file is malformed (the message names file and line)
    ├── TimestampError      a timestamp cannot be parsed
    ├── SignInError         a web sign-in was refused, or a signed-in page was asked for without one
    │   └── TooManyAttemptsError  too many failed sign-ins of that user or from that address
    └── ForbiddenError      a form came without its CSRF token, or with a wrong one

The web answers NotFoundError and the Unknown* errors with 404, InputError and TimestampError
with 400, SignInError with 401 (TooManyAttemptsError 429), ForbiddenError with 403; the
command line prints the message and exits 1.
"""

from __future__ import annotations


class MarketdeskError(Exception):
    """Base class: the message is meant for the user."""


class InputError(MarketdeskError):
    pass


class TooLargeError(InputError):
    pass


class FeedError(InputError):
    pass


class SitemapError(InputError):
    pass


class ArchiveError(InputError):
    pass


class FetchError(MarketdeskError):
    pass


class BlockedURLError(FetchError):
    pass


class StorageError(MarketdeskError):
    pass


class NotFoundError(MarketdeskError):
    pass


class UnknownEditionError(MarketdeskError):
    pass


class UnknownInstrumentError(MarketdeskError):
    pass


class ModelError(MarketdeskError):
    pass


class TimestampError(MarketdeskError):
    pass


class KnowledgeBaseError(MarketdeskError):
    """A knowledge-base file that cannot be read: the message names the file and the line."""


class SignInError(MarketdeskError):
    pass


class TooManyAttemptsError(SignInError):
    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after  # seconds until an attempt is counted again


class ForbiddenError(MarketdeskError):
    pass
