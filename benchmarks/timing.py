"""One way to time a call in every benchmark: warm up once, then five rounds of n calls."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timeit(label: str, fn: Callable[[], object], n: int, width: int = 44) -> float:
    """Print and return the median seconds per call over five rounds of `n` calls."""
    fn()  # warm-up: caches, lazy imports
    samples = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        samples.append((time.perf_counter() - t0) / n)
    med = statistics.median(samples)
    print(
        f"{label:<{width}} median {med * 1e6:9.1f} µs   best {min(samples) * 1e6:9.1f} µs   ({n}x5)"
    )
    return med
