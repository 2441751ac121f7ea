"""Docs are tested so that a command cannot go undocumented."""

from __future__ import annotations

import argparse
import ast
import re
import tomllib
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
    # Each module by its whole path, in backticks: `store/base.py`, not "base" inside "database".
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([\w/]+\.py)`", doc))
    package = ROOT / "src" / "marketdesk"
    missing = [
        str(path.relative_to(package))
        for path in sorted(package.rglob("*.py"))
        if str(path.relative_to(package)) not in named and not _only_a_docstring(path)
    ]
    assert missing == []


def _only_a_docstring(path: Path) -> bool:
    """A package's __init__.py that holds nothing but its docstring has no job of its own."""
    body = ast.parse(path.read_text(encoding="utf-8")).body
    return path.name == "__init__.py" and all(
        isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) for node in body
    )


def test_architecture_names_every_layer_rule() -> None:
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    assert len(contracts) >= 6
    for contract in contracts:
        assert f"`{contract['id']}`" in doc, contract["id"]
