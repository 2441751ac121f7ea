"""Pages of results: which page, whether there is a next one."""

from __future__ import annotations

from dataclasses import dataclass, replace

from marketdesk.errors import InputError

__all__ = ["MAX_ID", "MAX_PAGE", "PAGE_SIZE", "Paging"]

PAGE_SIZE = 20
MAX_PAGE = 100_000
# Ids are 64-bit in both stores: a larger one (a URL can hold any number) names nothing.
MAX_ID = 2**63 - 1


@dataclass(frozen=True, slots=True)
class Paging:
    page: int
    size: int = PAGE_SIZE
    has_next: bool = False

    @classmethod
    def check(cls, page: int, size: int = PAGE_SIZE) -> Paging:
        if not 1 <= page <= MAX_PAGE:
            raise InputError(f"page must be from 1 to {MAX_PAGE}, not {page}")
        return cls(page, size)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    def seen(self, found: int) -> Paging:
        """After asking for one more than a page: is there a next page?"""
        return replace(self, has_next=found > self.size)
