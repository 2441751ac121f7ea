"""Mistakes a new user makes, and what marketdesk answers: one clear line, a non-zero exit, no
traceback, nothing already stored lost, and no database made by a command that only reads."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from marketdesk.cli import main
from marketdesk.cli.output import Console
from support import services

WEB = Path(__file__).parent / "fixtures" / "web"


class Run:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


def run(
    *argv: str, stdin: bytes | None = None, monkeypatch: pytest.MonkeyPatch | None = None
) -> Run:
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None:
        assert monkeypatch is not None
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    code = main(list(argv), services=services(), console=Console(out, err))
    assert "Traceback" not in err.getvalue()
    return Run(code, out.getvalue(), err.getvalue())


@pytest.mark.parametrize(
    "argv",
    [
        ("strip", "ca"),
        ("quotes", "history", "sp500"),
        ("serve",),
    ],
)
def test_read_only_commands_make_no_database(tmp_path: Path, argv: tuple[str, ...]) -> None:
    db = tmp_path / "nonexistent-dir" / "x.db"
    got = run(*argv, "--db", str(db))
    assert got.code == 1
    assert f"no marketdesk database at {db}" in got.err
    assert not db.parent.exists()


def test_the_hint_for_a_missing_database_works(tmp_path: Path) -> None:
    db = str(tmp_path / "new" / "x.db")
    hint = run("strip", "us", "--db", db).err
    assert f"`marketdesk quotes load-bundled --db {db}`" in hint
    assert run("quotes", "load-bundled", "--db", db).code == 0
    got = run("strip", "us", "--db", db)
    assert got.code == 0 and got.out.startswith("S&P 500 ")


def test_absurd_and_impossible_quotes_are_refused_and_reported(tmp_path: Path) -> None:
    db = str(tmp_path / "q.db")
    csv = tmp_path / "sp.csv"
    csv.write_text(
        "Date,Close\n"
        "2024-07-01,5475.09\n"
        "2024-07-02,1e308\n"
        "2024-07-03,-5\n"
        "2024-07-05,nan\n"
        "2024-07-08,5572.85,99\n"
        "2024-07-09,5576.98\n"
        "2024-07-10,\n"
    )
    got = run("quotes", "import", str(csv), "--instrument", "sp500", "--db", db)
    assert got.code == 1
    assert f"{csv}:3: refused: last 1e+308 is out of range" in got.err
    assert f"{csv}:4: refused: last -5: an index cannot be at or below zero" in got.err
    assert f"{csv}:5: refused: 'nan' is not a finite number" in got.err
    assert f"{csv}:6: refused: 3 cells, but the header names 2 columns" in got.err
    assert got.out.strip() == (
        f"{csv}: 2 rows read for sp500, 2 new quotes stored, 4 rows refused, "
        "1 row without a value skipped"
    )
    history = run("quotes", "history", "sp500", "--from", "2024-07-01", "--to", "2024-07-10",
                  "--db", db)  # fmt: skip
    assert history.code == 0 and history.out.splitlines()[-1].startswith("2024-07-09 5,576.98")
    as_json = run("quotes", "history", "sp500", "--from", "2024-07-01", "--to", "2024-07-10",
                  "--json", "--db", db)  # fmt: skip
    assert "Infinity" not in as_json.out and "NaN" not in as_json.out
    assert [q["last"] for q in json.loads(as_json.out)] == [5475.09, 5576.98]
    assert run("strip", "us", "--db", db).code == 0


def test_page_quotes_pass_the_same_check(tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    page = tmp_path / "p.txt"
    page.write_text((WEB / "portal-syndicated.txt").read_text().replace("    0.7301", "    0.0000"))
    got = run("ingest", str(page), "--db", db, "--fetched-at", "2026-03-02T20:18:00Z")
    assert "quote CAD/USD refused: last 0: an exchange rate cannot be at or below zero" in got.err
    assert "stored article 1, 4 quotes" in got.out


def test_a_source_is_named_once(tmp_path: Path) -> None:
    missing = str(tmp_path / "x")
    got = run("ingest", missing, "--db", str(tmp_path / "d.db"))
    assert got.code == 1 and got.err.splitlines()[0] == f"{missing}: no such file"
    assert got.err.splitlines()[1] == "marketdesk: 0 stored, 0 already stored, 1 failed"
    got = run("extract", missing)
    assert json.loads(got.out) == {"source": missing, "error": "no such file"}


def test_extract_reads_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    got = run("extract", "-", stdin=(WEB / "portal-syndicated.txt").read_bytes(),
              monkeypatch=monkeypatch)  # fmt: skip
    record = json.loads(got.out)
    assert got.code == 0 and record["source"] == "<stdin>"
    assert record["title"].startswith("Prairie lumber mills")


def test_extract_url_names_one_page() -> None:
    got = run("extract", "a.txt", "b.txt", "--url", "https://example.com/x")
    assert got.code == 1 and "--url names the page of one input" in got.err and got.out == ""


def test_unknown_options_are_named(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--bogus"])
    assert exc.value.code == 2
    assert "unrecognized arguments: --bogus" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([])
    assert "choose a COMMAND" in capsys.readouterr().err


def test_help_shows_percent_once(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["strip", "--help"])
    out = capsys.readouterr().out
    assert "(PCT%)" in out and "%%" not in out


@pytest.mark.parametrize("value", ["70000", "-1", "0", "http"])
def test_serve_port_out_of_range(capsys: pytest.CaptureFixture[str], value: str) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["serve", "--port", value])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "--port" in err and "Traceback" not in err


def test_config_mistakes_are_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "nope.toml"
    monkeypatch.setenv("MARKETDESK_CONFIG", str(missing))
    got = run("clock", "ca")
    assert got.code == 1 and f"MARKETDESK_CONFIG names {missing}, which is no such file" in got.err
    config = tmp_path / "config.toml"
    monkeypatch.setenv("MARKETDESK_CONFIG", str(config))
    config.write_text("[desk]\nedition = 5\n")
    got = run("clock", "ca")
    assert got.code == 1 and "[desk] edition must be a non-empty string, not 5" in got.err
    config.write_text("[desk]\neditoin = 'us'\n")
    assert "unknown setting 'editoin' in [desk]" in run("clock", "ca").err
    config.write_text("[editions.watch]\nlabel = 'My'\ncalendar = 'XNYS'\nstrip = 'sp500'\n")
    got = run("clock", "watch")
    assert got.code == 1 and f"config {config}: [editions]:" in got.err
    config.write_text("[fetch]\ntimeout = 0\n")
    assert "[fetch] timeout must be a number above 0, not 0" in run("clock", "ca").err
    config.write_text("[fetch]\nretries = -1\n")
    assert "[fetch] retries must be a whole number, 0 or more, not -1" in run("clock", "ca").err
    config.write_text("[fetch]\nmin_interval = true\n")
    assert "[fetch] min_interval must be a number, 0 or more" in run("clock", "ca").err


def test_fetch_settings_reach_the_http_policy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from marketdesk.app.desk import Desk
    from marketdesk.config import load_settings

    config = tmp_path / "config.toml"
    config.write_text(
        "[fetch]\nmin_interval = 0\ntimeout = 2.5\nretries = 1\nmax_mb = 1\n"
        "user_agent = 'deskbot/1 (ops@example.org)'\nobey_robots = false\n"
    )
    monkeypatch.setenv("MARKETDESK_CONFIG", str(config))
    with Desk(load_settings(str(tmp_path / "d.db"))) as desk:
        policy = desk.fetcher().policy
    assert (policy.min_interval, policy.timeout, policy.retries) == (0, 2.5, 1)
    assert policy.max_bytes == 1024 * 1024 and not policy.obey_robots
    assert policy.user_agent == "deskbot/1 (ops@example.org)"


def test_strip_json_carries_the_display_block(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    run("ingest", str(WEB / "portal-syndicated.txt"), "--db", db, "--fetched-at",
        "2026-03-02T20:18:00Z")  # fmt: skip
    got = run("strip", "ca", "--json", "--db", db)
    first = json.loads(got.out)[0]
    assert first["display"] == {"last": "21,480.12", "change": "-95.30", "change_pct": "(-0.44%)"}
    assert first["instrument"] == "tsx"
    lines = run("strip", "ca", "--db", db).out.splitlines()
    assert "DOW 38,990.55 -0.11 (-0.00%)" in lines
