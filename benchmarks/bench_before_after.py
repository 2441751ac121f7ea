"""The spine and markets benchmarks of an earlier commit and of this checkout, side by side in one
run, interleaved round by round so that the machine's noise falls on both alike.

    .venv/bin/python benchmarks/bench_before_after.py [--base REF] [--rounds N]

The earlier commit (default: 295050b, before issue 9's refactoring) is checked out as a git
worktree under .bench/ and its own benchmarks/bench_spine.py and bench_markets.py run on its own
source (PYTHONPATH), with this checkout's virtual environment; this checkout's scripts run on its
source. Each line both print is reported as the median over the rounds, with after/before.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ("bench_spine.py", "bench_markets.py")
LINE = re.compile(
    r"^(?P<label>\S.*?)\s+median\s+(?P<us>[\d.]+) µs(?:\s+best\s+(?P<best>[\d.]+) µs)?"
)


def checkout(ref: str) -> Path:
    """A worktree of ``ref`` under .bench/, where its benchmarks find ../shared as here."""
    bench = ROOT / ".bench"
    bench.mkdir(exist_ok=True)
    # The scripts look for ../shared beside their checkout: give the worktree's parent one too.
    shared = bench / "shared"
    if not shared.exists() and (ROOT.parent / "shared").is_dir():
        shared.symlink_to(ROOT.parent / "shared")
    sha = subprocess.check_output(["git", "rev-parse", "--short", ref], cwd=ROOT, text=True)
    tree = bench / f"base-{sha.strip()}"
    if not tree.exists():
        subprocess.check_call(
            ["git", "worktree", "add", "--detach", "-q", str(tree), ref], cwd=ROOT
        )
    return tree


def run(tree: Path, script: str) -> dict[str, tuple[float, float]]:
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    proc = subprocess.run(
        [sys.executable, str(tree / "benchmarks" / script)],
        env=env,
        capture_output=True,
        text=True,
        cwd=tree,
    )
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{tree.name}/{script} failed:\n{proc.stderr[-2000:]}")
    found = {}
    for line in proc.stdout.splitlines():
        m = LINE.match(line)
        if m:
            median = float(m["us"])
            found[f"{script[6:-3]}: {m['label'].strip()}"] = (median, float(m["best"] or median))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="295050b", help="the earlier commit (default 295050b)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    args = parser.parse_args()
    if not (ROOT.parent / "shared" / "examples").is_dir():
        print("../shared/examples is not present; the spine benchmark needs the reference page")
    before_tree = checkout(args.base)
    samples: dict[str, dict[str, list[tuple[float, float]]]] = {
        "before": defaultdict(list),
        "after": defaultdict(list),
    }
    for n in range(args.rounds):
        for script in SCRIPTS:
            # Alternate which goes first, so neither always runs on a cooler machine.
            order = [("before", before_tree), ("after", ROOT)]
            if n % 2:
                order.reverse()
            for name, tree in order:
                for label, timing in run(tree, script).items():
                    samples[name][label].append(timing)
        print(f"round {n + 1} of {args.rounds} done", file=sys.stderr, flush=True)
    print(
        f"before = {args.base}, after = this checkout, µs: the median of the rounds' medians, "
        f"and the best single round ({args.rounds} rounds)"
    )
    head = f"{'':<52}{'median before':>14}{'after':>9}{'ratio':>7}{'best before':>13}{'after':>9}"
    print(head + f"{'ratio':>7}")
    for label, values in samples["after"].items():
        after = statistics.median(v[0] for v in values)
        after_best = min(v[1] for v in values)
        old = samples["before"].get(label)
        if not old:
            print(f"{label:<52}{'-':>14}{after:>9.1f}{'(new)':>7}")
            continue
        before = statistics.median(v[0] for v in old)
        before_best = min(v[1] for v in old)
        print(
            f"{label:<52}{before:>14.1f}{after:>9.1f}{after / before:>6.2f}x"
            f"{before_best:>13.1f}{after_best:>9.1f}{after_best / before_best:>6.2f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
