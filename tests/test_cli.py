"""The command line as a user meets it: contracts, errors, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from marketdesk.cli import main
from marketdesk.store import open_storage

FIXTURES = Path(__file__).parent / "fixtures" / "text"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_extract_reference_page(
    capsys: pytest.CaptureFixture[str], reference_page: Path, reference_expected: dict[str, Any]
) -> None:
    code, out, _ = run(capsys, "extract", str(reference_page))
    assert code == 0
    record = json.loads(out)
    for key in (
        "source",
        "kind",
        "title",
        "paragraphs",
        "text",
        "authors",
        "published",
        "publisher",
        "origin",
        "copyright",
        "language",
        "market_status",
        "quotes",
        "removed",
    ):
        assert key in record, key
    assert record["kind"] == "text"
    assert record["paragraphs"] == reference_expected["paragraphs"]


def test_extract_bad_inputs_keep_going(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, reference_page: Path
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "garbage.bin"
    binary.write_bytes(bytes(range(256)) * 64)
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as f:
        f.seek(21 * 1024 * 1024)
        f.write(b"x")
    home = FIXTURES / "home-page-no-article.txt"
    code, out, err = run(
        capsys,
        "extract",
        str(tmp_path / "missing.txt"),
        str(empty),
        str(binary),
        str(huge),
        str(home),
        str(reference_page),
        str(tmp_path),
    )
    assert code == 1
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 7  # one a line, in input order, the run goes on
    assert "no such file" in records[0]["error"]
    assert "empty" in records[1]["error"]
    assert "binary" in records[2]["error"]
    assert "limit" in records[3]["error"]
    assert records[4]["paragraphs"] == [] and "no article" in records[4]["reason"]
    assert records[5]["title"]
    assert "folder" in records[6]["error"]
    assert "Traceback" not in err


def test_extract_fifty_megabytes_is_refused_quickly(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    big = tmp_path / "big.txt"
    line = b"Markets moved in a narrow range as traders waited for the data.\n"
    big.write_bytes(line * (50 * 1024 * 1024 // len(line)))
    code, out, err = run(capsys, "extract", str(big))
    assert code == 1
    assert "over the 20 MiB limit" in json.loads(out)["error"]
    assert "Traceback" not in err


def test_ingest_twice_stores_once_and_strip_matches_page(
    capsys: pytest.CaptureFixture[str], reference_page: Path, db_path: str
) -> None:
    at = "2024-07-05T15:41:00-04:00"
    code, out, _ = run(capsys, "ingest", str(reference_page), "--db", db_path, "--fetched-at", at)
    assert code == 0 and "stored article 1, 15 quotes" in out
    code, out, _ = run(capsys, "ingest", str(reference_page), "--db", db_path, "--fetched-at", at)
    assert code == 0 and "already stored, 0 quotes" in out
    code, out, _ = run(capsys, "strip", "ca", "--at", at, "--db", db_path)
    assert code == 0
    page_lines = [ln.strip() for ln in reference_page.read_text().splitlines()[2:77] if ln.strip()]
    expected = [
        f"{page_lines[i].lstrip('• ').strip()} {page_lines[i + 1]} {page_lines[i + 2]}"
        for i in range(0, len(page_lines), 3)
    ]
    assert out.splitlines() == expected


def test_ingest_errors_lose_nothing(
    capsys: pytest.CaptureFixture[str], reference_page: Path, db_path: str, tmp_path: Path
) -> None:
    run(capsys, "ingest", str(reference_page), "--db", db_path)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    code, _, err = run(capsys, "ingest", str(empty), str(tmp_path / "nope"), "--db", db_path)
    assert code == 1
    assert "empty input" in err and "no such file" in err
    store = open_storage(db_path)
    assert store.counts().articles == 1 and store.counts().quotes == 15
    store.close()


def test_fetched_at_needs_an_offset(capsys: pytest.CaptureFixture[str], db_path: str) -> None:
    code, _, err = run(
        capsys, "ingest", "x.txt", "--db", db_path, "--fetched-at", "2024-07-05T15:41"
    )
    assert code == 1 and "no UTC offset" in err


def test_clock(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "clock", "ca", "--at", "2024-07-05T15:41:00-04:00")
    assert (code, out) == (0, "Canada markets close in 19 minutes\n")
    code, out, _ = run(capsys, "clock", "us", "--at", "2024-07-05T12:00:00-04:00", "--json")
    assert json.loads(out)["is_open"] is True
    code, _, err = run(capsys, "clock", "xx")
    assert code == 1 and "unknown edition" in err


def test_strip_without_quotes(capsys: pytest.CaptureFixture[str], db_path: str) -> None:
    code, _, _ = run(capsys, "ingest", str(FIXTURES / "home-page-no-article.txt"), "--db", db_path)
    code, _, err = run(capsys, "strip", "jp", "--db", db_path)
    assert code == 1 and "no quotes stored for the jp edition" in err


def test_ingest_with_workers(
    capsys: pytest.CaptureFixture[str], db_path: str, tmp_path: Path
) -> None:
    from test_daemon import article_html

    folder = tmp_path / "pages"
    folder.mkdir()
    for i in range(6):
        (folder / f"p{i}.html").write_bytes(article_html(f"Story {i}", f"Item {i} moved."))
    (folder / "p3.bin").write_bytes(bytes(range(256)) * 4)
    code, out, err = run(capsys, "ingest", str(folder), "--db", db_path, "--workers", "2")
    assert code == 1 and "6 stored, 0 already stored, 1 failed" in err
    assert f"{folder / 'p3.bin'}: binary data, not a text or HTML page" in err
    names = [Path(line.split(":")[0]).name for line in out.splitlines()]
    assert names == ["p0.html", "p1.html", "p2.html", "p3.html", "p4.html", "p5.html"]
    code, _, err = run(capsys, "ingest", str(folder), "--db", db_path, "--workers", "2")
    assert code == 1 and "0 stored, 6 already stored, 1 failed" in err


@pytest.mark.parametrize("value", ["0", "-2", "65", "two"])
def test_ingest_workers_must_be_a_count(capsys: pytest.CaptureFixture[str], value: str) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["ingest", "x.txt", "--workers", value])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "argument --workers" in err and "Traceback" not in err


def test_help_for_every_command() -> None:
    for command in ("extract", "ingest", "serve", "demo", "clock", "strip"):
        with pytest.raises(SystemExit) as exc:
            main([command, "--help"])
        assert exc.value.code == 0


def test_console_script_no_traceback(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "marketdesk"
    if not exe.exists():
        pytest.skip("console script not installed")
    proc = subprocess.run(
        [str(exe), "extract", str(tmp_path / "missing")],
        capture_output=True,
        text=True,
        env={**os.environ, "MARKETDESK_DB": str(tmp_path / "d.db")},
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "no such file" in proc.stderr
