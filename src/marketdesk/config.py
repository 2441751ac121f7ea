"""Settings: packaged defaults, then the user's TOML file, then MARKETDESK_* variables.

The file is ``$MARKETDESK_CONFIG``, else ``config.toml`` in the user's config folder (optional
there; a file that MARKETDESK_CONFIG names must exist). Every setting is checked for its type
when it is read, so a typo or ``edition = 5`` is an error that names the file and the key, not a
setting silently ignored.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformdirs import user_config_dir, user_data_dir

from marketdesk.errors import MarketdeskError

APP = "marketdesk"

# section -> key -> type (float: any number, checked non-negative); [editions] is checked by the
# registry, which knows what an edition is.
_SCHEMA: dict[str, dict[str, type]] = {
    "desk": {"db": str, "edition": str},
    "fetch": {
        "allow_private": bool,
        "timeout": float,
        "connect_timeout": float,
        "min_interval": float,
        "retries": int,
        "max_mb": float,
        "user_agent": str,
        "obey_robots": bool,
    },
    # the spaCy pipeline for entities: an installed pipeline's name or a folder (enrich/);
    # kb: a knowledge-base file (JSON Lines, docs/knowledge-base.md) instead of the bundled one
    "enrich": {"model": str, "enabled": bool, "kb": str},
    # the web desk: secure_cookies marks the sign-in cookies Secure even over plain http (a
    # TLS proxy that uvicorn does not trust to say so with X-Forwarded-Proto)
    "web": {"secure_cookies": bool},
}
_POSITIVE = {"timeout", "connect_timeout", "max_mb"}
# [fetch] keys that tune the HTTP policy (net.FetchPolicy), by their policy names.
FETCH_TUNING = {
    "timeout": "timeout",
    "connect_timeout": "connect_timeout",
    "min_interval": "min_interval",
    "retries": "retries",
    "max_mb": "max_bytes",
    "user_agent": "user_agent",
    "obey_robots": "obey_robots",
}
_SECTIONS = (*_SCHEMA, "editions", "sources")  # [[sources]]: checked by app/sources.py


class ConfigError(MarketdeskError):
    pass


@dataclass(frozen=True, slots=True)
class Settings:
    db: str
    edition: str = "ca"
    allow_private_urls: bool = False
    user_editions: dict[str, Any] = field(default_factory=dict)
    config_file: Path | None = None
    sources: tuple[dict[str, Any], ...] = ()  # the [[sources]] tables, as written
    fetch: dict[str, Any] = field(default_factory=dict)  # [fetch] tuning, by FetchPolicy name
    enrich_model: str | None = None  # None: the bundled small English pipeline
    enrich: bool = True  # [enrich] enabled: annotate pages as they are stored
    enrich_kb: str | None = None  # [enrich] kb: None, the bundled knowledge base
    secure_cookies: bool = False  # [web] secure_cookies, or MARKETDESK_SECURE_COOKIES


def default_db_path() -> str:
    return str(Path(user_data_dir(APP)) / "marketdesk.db")


def config_path() -> Path:
    env = os.environ.get("MARKETDESK_CONFIG")
    return Path(env) if env else Path(user_config_dir(APP)) / "config.toml"


def load_settings(db: str | None = None) -> Settings:
    """Resolve settings; an explicit argument beats the environment, which beats the file."""
    path = config_path()
    data = _read(path)
    desk = data.get("desk", {})
    edition = os.environ.get("MARKETDESK_EDITION") or desk.get("edition", "ca")
    return Settings(
        db=db or os.environ.get("MARKETDESK_DB") or desk.get("db") or default_db_path(),
        edition=edition.strip().lower(),
        allow_private_urls=_truthy(os.environ.get("MARKETDESK_ALLOW_PRIVATE_URLS"))
        or data.get("fetch", {}).get("allow_private", False),
        user_editions=data.get("editions", {}),
        config_file=path if path.is_file() else None,
        sources=tuple(data.get("sources", ())),
        fetch=_fetch_tuning(data.get("fetch", {})),
        enrich_model=data.get("enrich", {}).get("model"),
        enrich=data.get("enrich", {}).get("enabled", True),
        enrich_kb=data.get("enrich", {}).get("kb"),
        secure_cookies=_truthy(os.environ.get("MARKETDESK_SECURE_COOKIES"))
        or data.get("web", {}).get("secure_cookies", False),
    )


def _fetch_tuning(section: Mapping[str, Any]) -> dict[str, Any]:
    tuning = {FETCH_TUNING[k]: v for k, v in section.items() if k in FETCH_TUNING}
    if "max_bytes" in tuning:
        tuning["max_bytes"] = int(tuning["max_bytes"] * 1024 * 1024)
    return tuning


def _read(path: Path) -> dict[str, Any]:
    if not path.is_file():
        if os.environ.get("MARKETDESK_CONFIG"):
            what = "a folder" if path.is_dir() else "no such file"
            raise ConfigError(f"MARKETDESK_CONFIG names {path}, which is {what}")
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config {path}: {exc}") from exc
    _check(data, path)
    return data


def _check(data: Mapping[str, Any], path: Path) -> None:
    for section, value in data.items():
        if section == "sources":
            if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
                raise ConfigError(f"config {path}: sources must be tables ([[sources]])")
            continue
        if section not in _SECTIONS:
            known = ", ".join(f"[{s}]" for s in _SECTIONS)
            raise ConfigError(f"config {path}: unknown section [{section}]; known: {known}")
        if not isinstance(value, Mapping):
            raise ConfigError(f"config {path}: {section} must be a table ([{section}])")
        schema = _SCHEMA.get(section)
        if schema is None:
            continue
        for key, setting in value.items():
            want = schema.get(key)
            if want is None:
                known = ", ".join(schema)
                raise ConfigError(
                    f"config {path}: unknown setting {key!r} in [{section}]; known: {known}"
                )
            if not _fits(setting, want) or (key in _POSITIVE and not setting > 0):
                kind = {
                    str: "a non-empty string",
                    bool: "true or false",
                    float: "a number above 0" if key in _POSITIVE else "a number, 0 or more",
                    int: "a whole number, 0 or more",
                }[want]
                raise ConfigError(
                    f"config {path}: [{section}] {key} must be {kind}, not {setting!r}"
                )


def _fits(setting: object, want: type) -> bool:
    if want in (int, float):
        number = int if want is int else (int, float)
        return isinstance(setting, number) and not isinstance(setting, bool) and setting >= 0
    if not isinstance(setting, want):
        return False
    return not isinstance(setting, str) or bool(setting.strip())


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")
