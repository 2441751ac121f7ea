"""``marketdesk admin create|passwd|remove USERNAME``: the web desk's local accounts.

A password is asked twice on the terminal (getpass: nothing is echoed) or, with
``--password-stdin``, read as one line from standard input, so that scripts never put it on a
command line where ``ps`` would show it.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from marketdesk.app.desk import Desk, Services
from marketdesk.cli.output import Console
from marketdesk.config import load_settings
from marketdesk.errors import InputError

__all__ = ["admin"]

_MAX_LINE = 4096  # a password is at most 1024 characters; a longer line is not one


def _terminal() -> bool:
    return sys.stdin.isatty()


def _ask(prompt: str) -> str:
    return getpass.getpass(prompt)


def _password(args: argparse.Namespace, con: Console) -> str:
    if args.password_stdin:
        raw = con.stdin.readline(_MAX_LINE + 1)
        if len(raw) > _MAX_LINE:
            raise InputError("the password line on standard input is too long")
        try:
            return raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            raise InputError("the password on standard input is not UTF-8") from None
    if not _terminal():
        raise InputError("no terminal to ask the password on: pipe it in with --password-stdin")
    first = _ask("Password: ")
    if not first:
        raise InputError("the password is empty; nothing changed")
    if _ask("Password again: ") != first:
        raise InputError("the two passwords differ; nothing changed")
    return first


def admin(args: argparse.Namespace, con: Console, services: Services) -> int:
    from marketdesk.app import auth

    command = args.admin_command
    # create may start a new database (accounts before the first ingest); the others may not.
    with Desk(load_settings(args.db), services=services, create=command == "create") as desk:
        if command == "create":
            name = auth.free_username(desk, args.username)  # before asking for a password
            user = auth.create_user(desk, name, _password(args, con))
            con.print(f"created user {user.username}: it signs in at /signin")
            return 0
        user = auth.existing_user(desk, args.username)  # before asking for a password
        if command == "passwd":
            auth.change_password(desk, user.username, _password(args, con))
            con.print(f"changed the password of {user.username} (its browsers are signed out)")
            return 0
        auth.remove_user(desk, user.username)
        con.print(f"removed user {user.username} (its browsers are signed out)")
        return 0
