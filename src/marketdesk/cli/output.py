"""What the command line prints: results on stdout, messages and progress on stderr; and the
standard input that commands reading it read."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any, TextIO

__all__ = ["Console", "plural"]


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


@dataclass
class Console:
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    inp: IO[bytes] | None = None  # None: this process's standard input

    @property
    def stdin(self) -> IO[bytes]:
        """Standard input as bytes: a command decodes it itself, whatever the locale says."""
        return self.inp if self.inp is not None else sys.stdin.buffer

    def print(self, line: str) -> None:
        """A result line (stdout), flushed so a pipe sees each as it comes."""
        print(line, file=self.out, flush=True)

    def print_batch(self, lines: Iterable[str]) -> None:
        """Result lines written and flushed together: a reader sees each batch as it is done."""
        self.out.write("".join(f"{line}\n" for line in lines))
        self.out.flush()

    def note(self, message: str) -> None:
        """A message for the user (stderr), prefixed like every marketdesk message."""
        print(f"marketdesk: {message}", file=self.err, flush=True)

    def problem(self, message: str) -> None:
        """A line about one input that failed (stderr, no prefix: it starts with the input)."""
        print(message, file=self.err, flush=True)

    def progress(self, done: int, total: int) -> None:
        """``[3/40]`` on a terminal, rewritten in place; nothing when stderr is not a terminal."""
        if total > 1 and self.err.isatty():
            end = "\n" if done == total else ""
            print(f"\r[{done}/{total}] ", end=end, file=self.err, flush=True)

    @contextmanager
    def bar(self, what: str, total: int | None = None, unit: str = " pages") -> Iterator[Any]:
        """A progress bar (tqdm) on a terminal; a bar that shows nothing otherwise."""
        if not self.err.isatty():
            yield _NoBar()
            return
        from tqdm import tqdm

        with tqdm(
            desc=what, total=total, unit=unit, file=self.err, leave=False, dynamic_ncols=True
        ) as t:
            yield t


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass
