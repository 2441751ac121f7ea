"""Not a benchmark: re-anchor the hand-made dev entity labels after extraction changed the texts.

    .venv/bin/python benchmarks/realign_dev_labels.py [--base REF ...] [--write]

`data/entities_dev_labels.json` holds offsets into the article text that marketdesk extracts
from each labelled dev dump, and that text's SHA-256; when extraction changes a labelled text
(a paragraph said twice now dropped), bench_entities.py leaves the page out ("extracted text
changed since it was labelled") and the labels are lost to the quality gates. This script
extracts each such page with an earlier commit (by default the commits that wrote the label
file, newest first; a git worktree under `.bench/`), finds the one whose text has the stored
SHA-256, aligns that text with today's (difflib, by characters) and moves every label that lies
in an unchanged stretch to its new offsets; a label in a changed stretch is dropped and
listed. Nothing of the texts is written: offsets, the names already there and the new SHA-256.
Without `--write` it reports what it would do. Needs `../shared`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from difflib import SequenceMatcher
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_entities import DEV_LABELS, SHARED, dev_text

ROOT = Path(__file__).resolve().parent.parent
_TEXTS_AT = """
import json, sys
from pathlib import Path
from marketdesk.extract import extract
from marketdesk.model import RawDocument
out = {}
for name in json.loads(sys.argv[1]):
    f = Path(sys.argv[2]) / name
    page = extract(RawDocument(source=str(f), content=f.read_bytes()), kind="text")
    out[name] = page.article.text
print(json.dumps(out))
"""


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def label_commits() -> list[str]:
    """The commits that wrote the label file, newest first."""
    out = subprocess.run(
        ["git", "log", "--format=%h", "--", str(DEV_LABELS.relative_to(ROOT))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.split()


def texts_at(ref: str, names: list[str], root: Path) -> dict[str, str]:
    """The article texts that the commit `ref` extracts from these dumps."""
    tree = ROOT / ".bench" / f"labels-{ref}"
    if not tree.is_dir():
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(tree), ref],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    run = subprocess.run(
        [sys.executable, "-c", _TEXTS_AT, json.dumps(names), str(root)],
        env={"PYTHONPATH": str(tree / "src"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    found: dict[str, str] = json.loads(run.stdout)
    return found


def move(mentions: list[list[object]], old: str, new: str) -> tuple[list[list[object]], list[str]]:
    """The mentions at their offsets in `new`, and the names of those in changed stretches."""
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    same = [(a, b, n) for a, b, n in matcher.get_matching_blocks() if n]
    moved, dropped = [], []
    for mention in mentions:
        start, end = int(str(mention[0])), int(str(mention[1]))
        at = next((b - a for a, b, n in same if a <= start and end <= a + n), None)
        if at is None or new[start + at : end + at] != mention[4]:
            dropped.append(str(mention[4]))
            continue
        moved.append([start + at, end + at, *mention[2:]])
    return moved, dropped


def dumps(data: dict[str, object]) -> str:
    """The label file as it is kept: indented, a mention a line."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    # json.dumps puts each field of a mention on a line of its own: one line a mention.
    out, buffer = [], []
    for line in text.split("\n"):
        stripped = line.strip()
        if buffer:
            buffer.append(stripped)
            if stripped.startswith("]"):
                out.append(buffer[0] + " ".join(buffer[1:-1]) + buffer[-1])
                buffer = []
        elif stripped == "[":
            buffer = [line]
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", action="append", help="commit to look for the labelled text in")
    parser.add_argument("--write", action="store_true", help="update the label file")
    args = parser.parse_args()
    root = SHARED / "data" / "dev" / "textdumps"
    if not root.is_dir():
        print(f"{root} absent: nothing to realign")
        return 0
    data = json.loads(DEV_LABELS.read_text(encoding="utf-8"))
    stale = {}
    for page in data["pages"]:
        text = dev_text(root / page["file"])
        if _sha(text) != page["sha256"]:
            stale[page["file"]] = text
    if not stale:
        print("every labelled text is unchanged")
        return 0
    olds: dict[str, str] = {}
    for ref in args.base or label_commits():
        wanted = [name for name in stale if name not in olds]
        if not wanted:
            break
        for name, text in texts_at(ref, wanted, root).items():
            page = next(p for p in data["pages"] if p["file"] == name)
            if _sha(text) == page["sha256"]:
                olds[name] = text
                print(f"{name}: labelled on the text of {ref}")
    for page in data["pages"]:
        name = page["file"]
        if name not in stale:
            continue
        if name not in olds:
            print(f"{name}: no commit looked at extracts the labelled text; left as it is")
            continue
        moved, dropped = move(page["mentions"], olds[name], stale[name])
        print(
            f"{name}: {len(moved)} labels moved, {len(dropped)} dropped"
            + (f" ({', '.join(dropped)})" if dropped else "")
        )
        page["mentions"], page["sha256"] = moved, _sha(stale[name])
    if args.write:
        DEV_LABELS.write_text(dumps(data), "utf-8")
        print(f"wrote {DEV_LABELS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
