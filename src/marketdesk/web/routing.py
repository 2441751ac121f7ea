"""Path converters for "one route per page": ``{fmt:fmt}`` is "" (HTML) or ".json" (its JSON
twin), and ``{key:key}`` a path segment that leaves a trailing ".json" to ``fmt``."""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor

__all__ = ["JSON_SUFFIX", "install", "wants_json"]

JSON_SUFFIX = ".json"


class FormatConvertor(Convertor[str]):
    regex = r"(?:\.json)?"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


class KeyConvertor(Convertor[str]):
    regex = r"[^/]+?"  # lazy: "sp500.json" is the key "sp500" and the format ".json"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


def install() -> None:
    """Register the converters (Starlette keeps them in one process-wide table)."""
    register_url_convertor("fmt", FormatConvertor())
    register_url_convertor("key", KeyConvertor())


def wants_json(path: str, fmt: str | None) -> bool:
    return fmt == JSON_SUFFIX if fmt is not None else path.endswith(JSON_SUFFIX)
