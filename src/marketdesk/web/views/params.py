"""Query parameters read the same way by every view."""

from __future__ import annotations

from starlette.requests import Request

from marketdesk.errors import InputError

__all__ = ["int_param", "str_param"]


def int_param(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise InputError(f"{name} must be a whole number, not {raw[:40]!r}") from None


def str_param(request: Request, name: str) -> str | None:
    raw = request.query_params.get(name)
    return raw if raw else None
