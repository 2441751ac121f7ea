"""Docs are tested so that a command cannot go undocumented."""

from __future__ import annotations

import argparse
from pathlib import Path

from marketdesk.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_readme_starts_with_demo_and_test() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```")[1]
    assert first_block.strip().splitlines()[1].startswith("make demo")
    assert first_block.strip().splitlines()[2].startswith("make test")


def test_every_command_and_option_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, sub in _subcommands().items():
        assert f"marketdesk {name}" in readme, name
        for action in sub._actions:
            for opt in action.option_strings:
                if opt.startswith("--") and opt != "--help":
                    assert opt in readme, f"{name} {opt}"


def test_architecture_names_every_module() -> None:
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for path in (ROOT / "src" / "marketdesk").rglob("*.py"):
        if path.name == "__init__.py" and path.parent.name != "extract":
            continue
        assert path.name in doc or path.stem in doc, path
