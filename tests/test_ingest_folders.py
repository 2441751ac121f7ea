"""ingest/folders.py: a stable walk, hidden files and outside links skipped, per-file errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from marketdesk.errors import InputError
from marketdesk.extract import MAX_INPUT_BYTES
from marketdesk.ingest.folders import FileProblem, read_folder, walk_folder
from marketdesk.ingest.sources import Source, read_file, read_source
from marketdesk.model import RawDocument


def _tree(root: Path) -> None:
    for name in ("b.html", "a/2.txt", "a/1.txt", "a/z/deep.html", "c.txt", "a.txt"):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"page {name}", encoding="utf-8")
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("hidden", encoding="utf-8")
    (root / "a" / ".draft.html").write_text("hidden", encoding="utf-8")


def _names(root: Path) -> list[str]:
    return [path.relative_to(root).as_posix() for path in walk_folder(root)]


def test_walk_is_sorted_depth_first_and_skips_hidden(tmp_path: Path) -> None:
    _tree(tmp_path)
    expected = ["a/1.txt", "a/2.txt", "a/z/deep.html", "a.txt", "b.html", "c.txt"]
    assert _names(tmp_path) == expected
    assert _names(tmp_path) == expected  # the same order every time


def test_links_inside_followed_outside_skipped_loops_cut(tmp_path: Path) -> None:
    root = tmp_path / "root"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("not for ingest", encoding="utf-8")
    _tree(root)
    (root / "out-file").symlink_to(outside / "secret.txt")
    (root / "out-dir").symlink_to(outside, target_is_directory=True)
    (root / "in-file").symlink_to(root / "c.txt")
    (root / "a" / "z" / "up").symlink_to(root / "a", target_is_directory=True)  # a loop
    (root / "broken").symlink_to(root / "nowhere")
    names = _names(root)
    assert "out-file" not in names and not any(n.startswith("out-dir") for n in names)
    assert "in-file" in names
    assert not any("/up/" in n for n in names)
    assert "broken" not in names
    assert len(names) == len(set(names))


def test_fifo_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("x", encoding="utf-8")
    os.mkfifo(tmp_path / "pipe")
    assert _names(tmp_path) == ["page.html"]


def test_read_folder_gives_documents_and_problems_in_order(tmp_path: Path) -> None:
    _tree(tmp_path)
    big = tmp_path / "b2-big.html"
    with big.open("wb") as stream:
        stream.truncate(MAX_INPUT_BYTES + 1)
    items = read_folder(tmp_path)
    first = next(items)
    (tmp_path / "c.txt").unlink()  # gone between the listing and the read
    rest = list(items)
    assert isinstance(first, RawDocument)
    assert first.source == str(tmp_path / "a" / "1.txt")
    assert first.content == b"page a/1.txt"
    labels = [
        (item.source, "ok") if isinstance(item, RawDocument) else (str(item.path), item.message)
        for item in rest
    ]
    assert [(Path(s).relative_to(tmp_path).as_posix(), m) for s, m in labels] == [
        ("a/2.txt", "ok"),
        ("a/z/deep.html", "ok"),
        ("a.txt", "ok"),
        ("b.html", "ok"),
        ("b2-big.html", "21 MB is over the 20 MiB limit for one page"),
        ("c.txt", "no such file"),
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder")
def test_unlistable_folder_is_a_problem_and_the_walk_goes_on(tmp_path: Path) -> None:
    _tree(tmp_path)
    locked = tmp_path / "a" / "locked"
    locked.mkdir()
    (locked / "x.txt").write_text("x", encoding="utf-8")
    locked.chmod(0)
    try:
        items = list(read_folder(tmp_path))
    finally:
        locked.chmod(0o755)
    problems = [item for item in items if isinstance(item, FileProblem)]
    assert problems == [FileProblem(locked, "permission denied")]
    assert len(items) == 7


def test_root_problems(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such folder"):
        list(walk_folder(tmp_path / "missing"))
    (tmp_path / "f.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="is a file, not a folder"):
        list(walk_folder(tmp_path / "f.txt"))


def test_read_file_is_what_read_source_reads(tmp_path: Path) -> None:
    path = tmp_path / "p.html"
    path.write_bytes(b"<p>hi</p>")
    assert read_file(path) == read_source(Source.parse(str(path)))
    assert read_file(path, source="label").source == "label"
    with pytest.raises(InputError, match="is a folder"):
        read_file(tmp_path)
    with pytest.raises(InputError, match="no such file"):
        read_file(tmp_path / "missing")
