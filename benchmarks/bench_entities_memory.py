"""Memory over many articles: enrich N generated articles (default 100,000) in one process, the
model loaded once, and print the resident set size and the size of spaCy's string store every
--every articles (default 10,000).

The articles are written by code here, never copied: each draws new people, companies and
places from syllables, so that nearly every article brings words the vocabulary has not seen
(the case that grows spaCy's StringStore and lexeme table without bound unless enrichment runs
its batches in a memory zone, as enrich_many does).

    .venv/bin/python benchmarks/bench_entities_memory.py [--articles N] [--every N] [--seed S]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterator  # noqa: E402

from marketdesk.enrich import enrich_many, load_pipeline  # noqa: E402
from marketdesk.model import Article, Page  # noqa: E402

_SYLLABLE_TEXT = "ka ri to mo na se lu vi an dre el ko ba ther mon sa hel ga vor in det pa li"
_SYLLABLES = [*_SYLLABLE_TEXT.split(), "qua", "bel", "fo", "ra", "ty", "min", "gro", "wen", "dal"]
_SUFFIXES = ("Inc.", "Corp.", "Holdings", "Group", "plc", "AG", "Ltd.", "Capital", "Energy")
_PLACES = (
    "Tokyo",
    "Frankfurt",
    "Toronto",
    "Mumbai",
    "Sao Paulo",
    "Singapore",
    "Chicago",
    "Zurich",
    "Seoul",
    "Lagos",
    "Sydney",
    "Mexico City",
)
_TITLES = ("Chief Executive", "Finance Minister", "Governor", "Chair", "analyst")
_VERBS = ("rose", "fell", "slipped", "jumped", "edged up", "tumbled", "held steady")
_TOPICS = ("quarterly profit", "a share buyback", "job cuts", "a merger", "new tariffs")


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(parts)).capitalize()


def article(rng: random.Random, n: int) -> Page:
    person = f"{_word(rng, 2)} {_word(rng, 3)}"
    other = f"{_word(rng, 2)} {_word(rng, 2)}"
    company = f"{_word(rng, 3)} {rng.choice(_SUFFIXES)}"
    rival = _word(rng, 3)
    place = rng.choice(_PLACES)
    surname = person.split()[-1]
    paragraphs = (
        f"Shares of {company} {rng.choice(_VERBS)} {rng.uniform(0.1, 9.9):.1f}% in {place} "
        f"after the company reported {rng.choice(_TOPICS)}.",
        f"{rng.choice(_TITLES)} {person} said on a call that demand from {rival} had "
        f"{rng.choice(_VERBS)} and that margins would widen. {surname} did not give a forecast.",
        f"{other}, an analyst at {_word(rng, 2)} Securities, said the outlook for "
        f"{rng.randint(2025, 2030)} was {rng.choice(('mixed', 'brighter', 'weak'))}.",
    )
    return Page(
        f"generated-{n}", "text", Article(title=f"{company} in focus", paragraphs=paragraphs)
    )


def articles(count: int, seed: int) -> Iterator[Page]:
    rng = random.Random(seed)
    for n in range(count):
        yield article(rng, n)


def rss_mib() -> float:
    """The current resident set size (Linux /proc), else the peak (getrusage)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--every", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    nlp = load_pipeline()
    print(f"loaded: RSS {rss_mib():.0f} MiB, {len(nlp.vocab.strings):,} strings", flush=True)
    start = time.perf_counter()
    entities = 0
    for n, found in enumerate(enrich_many(articles(args.articles, args.seed), nlp), 1):
        entities += len(found.entities)
        if n % args.every == 0 or n == args.articles:
            print(
                f"{n:>8,} articles  RSS {rss_mib():7.1f} MiB  strings {len(nlp.vocab.strings):>9,}"
                f"  lexemes {len(nlp.vocab):>9,}  entities {entities:>9,}"
                f"  {n / (time.perf_counter() - start):6.1f} articles/s",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
