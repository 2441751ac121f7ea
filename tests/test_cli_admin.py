"""``marketdesk admin create|passwd|remove``: accounts of the web desk from the command line,
and their bad input (an empty or short password, two that differ, an unknown user)."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest

from marketdesk.app import auth
from marketdesk.app.desk import Services
from marketdesk.cli import admin as admin_cli
from marketdesk.cli import main
from marketdesk.cli.output import Console
from marketdesk.errors import SignInError
from support import make_desk


def run(*argv: str, stdin: bytes = b"") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(
        list(argv), console=Console(out=out, err=err, inp=io.BytesIO(stdin)), services=Services()
    )
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def typed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """What the user types at the password prompts, in order (a terminal is pretended)."""
    answers: list[str] = []
    monkeypatch.setattr(admin_cli, "_terminal", lambda: True)
    monkeypatch.setattr(admin_cli, "_ask", lambda prompt: answers.pop(0))
    yield answers


def signs_in(db: str, username: str, password: str) -> bool:
    with make_desk(db) as desk:
        try:
            auth.sign_in(desk, auth.Throttle(), username, password, None)
        except SignInError:
            return False
        return True


def test_create_from_stdin_then_sign_in(db_path: str) -> None:
    code, out, err = run(
        "admin",
        "create",
        "Ada",
        "--password-stdin",
        "--db",
        db_path,
        stdin=b"correct horse battery\n",
    )
    assert (code, err) == (0, "")
    assert out == "created user ada: it signs in at /signin\n"
    assert signs_in(db_path, "ada", "correct horse battery")
    assert not signs_in(db_path, "ada", "correct horse battery\n")
    with make_desk(db_path) as desk:
        user = desk.storage.get_user("ada")
        assert user is not None and user.password_hash.startswith("$argon2id$")
        assert "correct" not in user.password_hash


def test_create_asks_twice_on_the_terminal(db_path: str, typed: list[str]) -> None:
    typed += ["a long passphrase", "a long passphrase"]
    code, out, _ = run("admin", "create", "grace", "--db", db_path)
    assert code == 0 and "created user grace" in out and typed == []
    assert signs_in(db_path, "grace", "a long passphrase")


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (["", ""], "the password is empty; nothing changed"),
        (["one password", "another one"], "the two passwords differ; nothing changed"),
        (["short", "short"], "the password is too short: at least 8 characters"),
    ],
)
def test_bad_passwords_on_the_terminal(
    db_path: str, typed: list[str], answers: list[str], message: str
) -> None:
    typed += answers
    code, out, err = run("admin", "create", "ada", "--db", db_path)
    assert code == 1 and out == ""
    assert err == f"marketdesk: {message}\n"
    with make_desk(db_path) as desk:
        assert desk.storage.get_user("ada") is None


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        (b"", "the password is empty"),
        (b"\n", "the password is empty"),
        (b"x" * 2000 + b"\n", "the password is too long: at most 1024 characters"),
        (b"x" * 5000, "the password line on standard input is too long"),
        (b"\xff\xfe bad bytes\n", "not UTF-8"),
    ],
)
def test_bad_passwords_on_stdin(db_path: str, stdin: bytes, message: str) -> None:
    code, _, err = run("admin", "create", "ada", "--password-stdin", "--db", db_path, stdin=stdin)
    assert code == 1 and message in err


def test_no_terminal_and_no_stdin_flag(db_path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(admin_cli, "_terminal", lambda: False)
    code, _, err = run("admin", "create", "ada", "--db", db_path)
    assert code == 1 and "--password-stdin" in err


@pytest.mark.parametrize("name", ["", "has space", "x" * 65, "semi;colon"])
def test_bad_usernames(db_path: str, name: str) -> None:
    code, _, err = run(
        "admin", "create", name, "--password-stdin", "--db", db_path, stdin=b"long enough\n"
    )
    assert code == 1 and ("is not a username" in err or "the username is empty" in err)


def test_a_taken_name_is_refused_before_asking(db_path: str, typed: list[str]) -> None:
    typed += ["first secret", "first secret"]
    assert run("admin", "create", "ada", "--db", db_path)[0] == 0
    code, _, err = run("admin", "create", "ADA", "--db", db_path)  # no answers left to pop
    assert code == 1
    assert "user ada exists; `marketdesk admin passwd ada` changes its password" in err


def test_passwd_changes_the_password(db_path: str) -> None:
    run("admin", "create", "ada", "--password-stdin", "--db", db_path, stdin=b"first secret\n")
    code, out, _ = run(
        "admin", "passwd", "ada", "--password-stdin", "--db", db_path, stdin=b"second secret\n"
    )
    assert code == 0 and "changed the password of ada" in out
    assert signs_in(db_path, "ada", "second secret")
    assert not signs_in(db_path, "ada", "first secret")


def test_unknown_users_are_named(db_path: str, typed: list[str]) -> None:
    run("admin", "create", "ada", "--password-stdin", "--db", db_path, stdin=b"first secret\n")
    for command in ("passwd", "remove"):
        code, out, err = run("admin", command, "nobody", "--db", db_path)
        assert code == 1 and out == ""
        assert err == "marketdesk: no user nobody; `marketdesk admin create nobody` makes one\n"


def test_passwd_and_remove_need_the_database(db_path: str) -> None:
    code, _, err = run("admin", "remove", "ada", "--db", db_path)
    assert code == 1 and "marketdesk:" in err


def test_remove(db_path: str) -> None:
    run("admin", "create", "ada", "--password-stdin", "--db", db_path, stdin=b"first secret\n")
    code, out, _ = run("admin", "remove", "ada", "--db", db_path)
    assert code == 0 and out == "removed user ada (its browsers are signed out)\n"
    assert not signs_in(db_path, "ada", "first secret")


def test_help_names_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["admin", "--help"])
    text = capsys.readouterr().out
    for word in ("create", "passwd", "remove", "argon2id"):
        assert word in text
