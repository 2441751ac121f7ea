"""Settings: packaged defaults, then the user's TOML file, then MARKETDESK_* variables."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformdirs import user_config_dir, user_data_dir

from marketdesk.errors import MarketdeskError

APP = "marketdesk"


@dataclass(frozen=True, slots=True)
class Settings:
    db: str
    edition: str = "ca"
    allow_private_urls: bool = False
    user_editions: dict[str, Any] = field(default_factory=dict)
    config_file: Path | None = None


def default_db_path() -> str:
    return str(Path(user_data_dir(APP)) / "marketdesk.db")


def config_path() -> Path:
    env = os.environ.get("MARKETDESK_CONFIG")
    return Path(env) if env else Path(user_config_dir(APP)) / "config.toml"


def load_settings(db: str | None = None) -> Settings:
    """Resolve settings; an explicit argument beats the environment, which beats the file."""
    path = config_path()
    data: dict[str, Any] = {}
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise MarketdeskError(f"cannot read config {path}: {exc}") from exc
    desk = data.get("desk", {})
    return Settings(
        db=db or os.environ.get("MARKETDESK_DB") or desk.get("db") or default_db_path(),
        edition=os.environ.get("MARKETDESK_EDITION") or desk.get("edition", "ca"),
        allow_private_urls=_truthy(os.environ.get("MARKETDESK_ALLOW_PRIVATE_URLS"))
        or bool(data.get("fetch", {}).get("allow_private", False)),
        user_editions=data.get("editions", {}),
        config_file=path if path.is_file() else None,
    )


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")
