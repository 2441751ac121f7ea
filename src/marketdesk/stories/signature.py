"""MinHash signatures of an article's body and their LSH band keys.

A signature summarises the set of word shingles (SHINGLE_WORDS consecutive casefolded words,
read with extract/text.py's tokenizer across paragraph breaks) in NUM_PERM MinHash values, so
the Jaccard similarity of two bodies is estimated by the share of equal values. Each value keeps
its low VALUE_BITS bits only (b-bit MinHash): two unrelated values agree by chance once in
65,536, which grouping.jaccard corrects for, and the same bytes hold twice the permutations,
so the estimate is tighter and there are more bands to find a cut copy by. The title is not
hashed: a copy under another headline is the same article. The storage layer keeps each
article's signature (`to_bytes`, 517 bytes) and its band keys (`band_keys`), looks up the
stored articles that share any band key, and lets `grouping.choose_story` decide.

Parameters were chosen on benchmarks/bench_stories.py (see benchmarks/README.md).
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from datasketch import MinHash

from marketdesk.extract.text import folded_tokens

SHINGLE_WORDS = 5
NUM_PERM = 256
VALUE_BITS = 16
# A band matches at Jaccard J with chance J**ROWS, so a copy at J = 0.4 is found with chance
# 1 - (1 - 0.4**3)**85 = 0.996; three 16-bit values (48 bits) keep chance collisions away.
BANDS = 85
ROWS = 3
# Fewer distinct shingles than this and a body is a caption or a teaser: too little text to
# tell a copy from another story about the same thing, so it is not grouped at all.
MIN_SHINGLES = 25
SEED = 1
VERSION = 1  # the first byte of to_bytes: bump it when any parameter above changes
_SCHEME = "affine32"  # datasketch 2's 32-bit permutations; named so a new default cannot drift
_HEADER = struct.Struct("<BI")  # version, size
_VALUES = struct.Struct(f"<{NUM_PERM}H")
_MASK = (1 << VALUE_BITS) - 1
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=_SCHEME).permutations


@dataclass(frozen=True, slots=True)
class Signature:
    """MinHash values (their low VALUE_BITS bits) of a body's shingle set, and its size."""

    hashvalues: tuple[int, ...]
    size: int  # distinct shingles: with two sizes, Jaccard gives the overlap (grouping.py)


def shingles(paragraphs: Iterable[str], words: int = SHINGLE_WORDS) -> set[bytes]:
    """The distinct runs of `words` consecutive casefolded words of the body, as UTF-8."""
    tokens: list[str] = []
    for paragraph in paragraphs:
        tokens.extend(folded_tokens(paragraph))
    if len(tokens) < words:
        return {" ".join(tokens).encode()} if tokens else set()
    return {" ".join(tokens[i : i + words]).encode() for i in range(len(tokens) - words + 1)}


def signature(
    title: str | None,
    paragraphs: Sequence[str],
    *,
    words: int = SHINGLE_WORDS,
    num_perm: int = NUM_PERM,
) -> Signature | None:
    """The body's signature, or None when it is too short to group safely.

    The title is taken for the interface's sake and not hashed (see the module's docstring).
    `words` and `num_perm` other than the defaults are for benchmarks only: such signatures
    cannot be stored (`to_bytes` refuses them)."""
    del title
    items = shingles(paragraphs, words)
    if len(items) < MIN_SHINGLES:
        return None
    if num_perm == NUM_PERM:
        mh = MinHash(num_perm=num_perm, scheme=_SCHEME, permutations=_PERMUTATIONS)
    else:
        mh = MinHash(num_perm=num_perm, seed=SEED, scheme=_SCHEME)
    mh.update_batch(items)
    return Signature(tuple(int(v) & _MASK for v in mh.hashvalues), len(items))


def band_keys(sig: Signature, *, bands: int = BANDS, rows: int = ROWS) -> list[int]:
    """One key per band: a signed 64-bit hash of the band's index and its `rows` values.

    The index is hashed in, so equal values in two different bands give two different keys
    and one indexed column can hold every band."""
    if bands * rows > len(sig.hashvalues):
        raise ValueError(f"{bands} bands of {rows} rows need {bands * rows} values")
    keys = []
    for band in range(bands):
        values = sig.hashvalues[band * rows : (band + 1) * rows]
        data = struct.pack(f"<H{rows}H", band, *values)
        keys.append(int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), signed=True))
    return keys


def to_bytes(sig: Signature) -> bytes:
    """Version byte, size (uint32), the values (uint16 each): 517 bytes."""
    if len(sig.hashvalues) != NUM_PERM:
        raise ValueError(f"a stored signature has {NUM_PERM} values, not {len(sig.hashvalues)}")
    return _HEADER.pack(VERSION, min(sig.size, 2**32 - 1)) + _VALUES.pack(*sig.hashvalues)


def from_bytes(data: bytes) -> Signature:
    """The signature `to_bytes` wrote; ValueError for another version or a wrong length."""
    if not data or data[0] != VERSION:
        raise ValueError(f"signature version {data[:1].hex() or 'missing'}, expected {VERSION}")
    if len(data) != _HEADER.size + _VALUES.size:
        raise ValueError(f"signature of {len(data)} bytes, expected {_HEADER.size + _VALUES.size}")
    _, size = _HEADER.unpack_from(data)
    return Signature(_VALUES.unpack_from(data, _HEADER.size), size)
