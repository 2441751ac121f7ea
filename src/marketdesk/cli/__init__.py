"""The command line: `marketdesk COMMAND --help` documents each command.

A thin shell over the application layer (``marketdesk.app``): it parses arguments, builds one
Desk for the command, calls the use case and prints what it returns. Every error a user can
cause is a MarketdeskError, printed as one line with exit code 1; argparse exits 2 on usage
errors; anything else is an internal error, printed without a traceback unless
MARKETDESK_DEBUG is set.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from marketdesk.app.desk import Services
from marketdesk.cli.commands import COMMANDS
from marketdesk.cli.output import Console
from marketdesk.cli.parser import build_parser
from marketdesk.errors import MarketdeskError

__all__ = ["EXIT_FAILED", "EXIT_OK", "build_parser", "main"]

EXIT_OK, EXIT_FAILED, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 70, 130


def main(
    argv: Sequence[str] | None = None,
    *,
    services: Services | None = None,
    console: Console | None = None,
) -> int:
    """Run one command; ``services`` and ``console`` let tests reach a 127.0.0.1 server and
    read what was printed."""
    args = build_parser().parse_args(None if argv is None else list(argv))
    con = console or Console()
    run: Callable[..., int] = COMMANDS[args.command]
    try:
        return run(args, con, services or Services())
    except MarketdeskError as exc:
        con.note(str(exc))
        return EXIT_FAILED
    except KeyboardInterrupt:
        con.note("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        if os.environ.get("MARKETDESK_DEBUG"):
            raise
        con.note(
            f"internal error: {type(exc).__name__}: {exc} (set MARKETDESK_DEBUG=1 for details)"
        )
        return EXIT_INTERNAL
