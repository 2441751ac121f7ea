"""A folder of documents: every regular file below it, in an order that repeats, read one by one.

The walk is depth first with each folder's entries sorted by name, so a run stopped halfway and
started again sees the files in the same order. It skips:

- hidden files and folders (a name starting with "."): version control, editor and OS litter;
- symbolic links whose target lies outside the root (a link must not widen what was asked for),
  and broken links;
- a folder already walked (a link back up the tree would otherwise loop forever);
- anything that is not a regular file or a folder (FIFOs, sockets, devices: reading a FIFO
  would block).

Links whose targets stay inside the root are followed, so a file may be seen under two names;
storage deduplicates documents by their bytes. A folder that cannot be listed, or a file that
cannot be read, is a `FileProblem` for that path and the walk goes on.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from marketdesk.errors import InputError
from marketdesk.ingest.sources import read_file
from marketdesk.model import RawDocument

__all__ = ["FileProblem", "read_folder", "walk_folder"]


@dataclass(frozen=True, slots=True)
class FileProblem:
    """A path below the folder that could not be listed or read, and why."""

    path: Path
    message: str


def walk_folder(root: Path) -> Iterator[Path]:
    """Every regular file below `root`, recursively, in a stable sorted order (see the module).

    Folders that cannot be listed are passed over; `read_folder` reports them.
    """
    for item in _walk(root):
        if isinstance(item, Path):
            yield item


def read_folder(root: Path) -> Iterator[RawDocument | FileProblem]:
    """Each file below `root` as a RawDocument (source: its path), in `walk_folder`'s order;
    a file or folder that cannot be read is a FileProblem and the walk goes on.
    """
    for item in _walk(root):
        if isinstance(item, FileProblem):
            yield item
            continue
        try:
            yield read_file(item)
        except InputError as exc:
            yield FileProblem(item, str(exc))


def _walk(root: Path) -> Iterator[Path | FileProblem]:
    try:
        real_root = root.resolve(strict=True)
    except FileNotFoundError:
        raise InputError("no such folder") from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}") from None
    if not real_root.is_dir():
        raise InputError("is a file, not a folder")
    seen = {_identity(real_root)}
    # an explicit stack, not recursion: a deep tree cannot hit the recursion limit
    stack: list[Iterator[os.DirEntry[str]]] = []
    problem = _push(stack, root)
    if problem:
        yield problem
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            if entry.is_symlink():
                target = path.resolve(strict=True)
                if not target.is_relative_to(real_root):
                    continue
            if entry.is_dir():
                identity = _identity(path)
                if identity in seen:
                    continue
                seen.add(identity)
                problem = _push(stack, path)
                if problem:
                    yield problem
            elif entry.is_file():
                yield path
        except (OSError, RuntimeError):
            continue  # a broken link or a link loop (RuntimeError on older Pythons)


def _push(stack: list[Iterator[os.DirEntry[str]]], folder: Path) -> FileProblem | None:
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except PermissionError:
        return FileProblem(folder, "permission denied")
    except OSError as exc:
        return FileProblem(folder, f"cannot list: {exc.strerror or exc}")
    stack.append(iter(entries))
    return None


def _identity(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_dev, info.st_ino
