"""A digest of extraction output over every input at hand: does a refactor change nothing?

    .venv/bin/python benchmarks/extract_digest.py [--out FILE] [--compare FILE]

Inputs: the dev set's 990 HTML pages (extracted as HTML) and their 990 text dumps (as text),
../shared/examples/*.txt (as text), and the project's fixtures in tests/fixtures/html and
tests/fixtures/text. One line per input, `name<TAB>sha256`, the hash taken over
`json.dumps(page_json(page), sort_keys=True, ensure_ascii=False)` (an input that extract()
refuses hashes its error message instead). The lines go to --out (default
`.bench/extract-digest.tsv` in the checkout, which git ignores); standard output gets the count
and one total digest over all lines.

Run it before a refactor, save the file outside the repository, run it after and compare:
`--compare BEFORE.tsv` lists every input whose digest differs and exits 1 if any does.
Without ../shared the dev set and examples are skipped (said so), and the fixtures still run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import devset
from marketdesk.app.shapes import page_json
from marketdesk.errors import MarketdeskError
from marketdesk.extract import extract
from marketdesk.model import RawDocument

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
EXAMPLES = devset.SHARED / "examples"

Input = tuple[str, RawDocument, str]  # name, document, kind


def inputs() -> Iterator[Input]:
    """Every input, each under a name that does not depend on where the checkout lives."""
    if devset.available():
        cases = devset.load_cases(need_dump=False)
        for case in cases:
            raw = RawDocument(source=case.url, content=case.html(), url=case.url)
            yield f"html/{case.file}", raw, "html"
        for case in cases:
            if case.path.is_file():
                yield f"text/{case.name}", _file(case.path, case.name), "text"
    for path in sorted(EXAMPLES.glob("*.txt")):
        yield f"examples/{path.name}", _file(path, path.name), "text"
    for kind, pattern in (("html", "*.html"), ("text", "*.txt")):
        for path in sorted((FIXTURES / kind).glob(pattern)):
            yield f"fixtures/{kind}/{path.name}", _file(path, f"{kind}/{path.name}"), kind


def _file(path: Path, source: str) -> RawDocument:
    return RawDocument(source=source, content=path.read_bytes())


def digest(raw: RawDocument, kind: str) -> str:
    try:
        shape: object = page_json(extract(raw, kind))
    except MarketdeskError as e:  # refused inputs (an empty dump) are output too
        shape = {"error": str(e)}
    text = json.dumps(shape, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read(path: Path) -> dict[str, str]:
    rows = (line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line)
    return {name: h for name, h in rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parents[1] / ".bench" / "extract-digest.tsv",
    )
    parser.add_argument("--compare", type=Path, help="an earlier run's file: list what differs")
    args = parser.parse_args()

    if not devset.available():
        print(f"{devset.SHARED} is absent: the dev set and examples are skipped")
    lines = [f"{name}\t{digest(raw, kind)}" for name, raw, kind in inputs()]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    total = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
    print(f"{len(lines)} inputs, total digest {total} (lines in {args.out})")
    if args.compare is None:
        return 0
    before = _read(args.compare)
    after = dict(line.split("\t") for line in lines)
    changed = sorted(n for n in before.keys() | after.keys() if before.get(n) != after.get(n))
    for name in changed:
        print(f"differs: {name}")
    print(f"{len(changed)} of {len(after)} inputs differ from {args.compare}")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
