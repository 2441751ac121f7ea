"""The spine's and markets' hot paths before and after issue 9's refactoring, counted in CPU
instructions: the same count for the same code and input whatever else the machine is doing,
where timings on these shared 2-core machines swing by half from one run to the next.

    .venv/bin/python benchmarks/bench_instructions.py [--base REF] [--workloads extract,...]

Each workload of house_workloads.py runs under valgrind's callgrind on the earlier commit's
source (a git worktree under .bench/, as bench_before_after.py makes) and on this checkout's,
twice: with N1 and N2 repetitions after a warm-up. (I(N2) - I(N1)) / (N2 - N1) is the cost of
one repetition, start-up and warm-up cancelled out. Needs valgrind (Debian: valgrind).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from bench_before_after import ROOT, checkout
from house_workloads import WORKLOADS

COLLECTED = re.compile(r"Collected : (\d+)")
N1, N2 = 10, 60


def instructions(tree: Path, workload: str, n: int) -> int:
    env = {
        **os.environ,
        "PYTHONPATH": str(tree / "src"),
        "PYTHONHASHSEED": "0",
        # numpy's BLAS threads spin while idle, a different count each run: one thread, none.
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    script = ROOT / "benchmarks" / "house_workloads.py"  # the same workloads for both trees
    proc = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
         sys.executable, str(script), workload, str(n)],
        env=env, capture_output=True, text=True, cwd=tree,
    )  # fmt: skip
    found = COLLECTED.search(proc.stderr)
    if proc.returncode != 0 or found is None:
        raise SystemExit(f"{workload} on {tree.name} failed:\n{proc.stderr[-3000:]}")
    return int(found.group(1))


def per_run(tree: Path, workload: str) -> float:
    return (instructions(tree, workload, N2) - instructions(tree, workload, N1)) / (N2 - N1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="295050b", help="the earlier commit (default 295050b)")
    parser.add_argument("--workloads", default=",".join(WORKLOADS), help="comma-separated")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (apt install valgrind); nothing to count")
        return 0
    before = checkout(args.base)
    print(f"instructions per repetition; before = {args.base}, after = this checkout")
    print(f"{'workload':<20}{'before':>16}{'after':>16}{'after/before':>14}")
    for workload in args.workloads.split(","):
        old, new = per_run(before, workload), per_run(ROOT, workload)
        print(f"{workload:<20}{old:>16,.0f}{new:>16,.0f}{new / old:>13.3f}x", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
