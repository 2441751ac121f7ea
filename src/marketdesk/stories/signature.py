"""MinHash signatures of an article's body and their LSH band keys (interim parameters)."""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

from marketdesk.extract.text import folded_tokens

NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS
SHINGLE = 5
MIN_SHINGLES = 8
_VERSION = 1


@dataclass(frozen=True, slots=True)
class Signature:
    hashvalues: tuple[int, ...]
    size: int


def signature(title: str | None, paragraphs: Sequence[str]) -> Signature | None:
    words = [w for p in paragraphs for w in folded_tokens(p)]
    shingles = {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}
    if len(shingles) < MIN_SHINGLES:
        return None
    m = MinHash(num_perm=NUM_PERM, seed=1)
    m.update_batch([s.encode() for s in shingles])
    return Signature(tuple(int(v) for v in m.hashvalues), len(shingles))


def band_keys(sig: Signature) -> list[int]:
    keys = []
    for b in range(BANDS):
        chunk = struct.pack(f"<B{ROWS}I", b, *sig.hashvalues[b * ROWS : (b + 1) * ROWS])
        keys.append(
            int.from_bytes(hashlib.blake2b(chunk, digest_size=8).digest(), "little", signed=True)
        )
    return keys


def to_bytes(sig: Signature) -> bytes:
    return struct.pack(f"<BI{NUM_PERM}I", _VERSION, sig.size, *sig.hashvalues)


def from_bytes(data: bytes) -> Signature:
    _, size, *values = struct.unpack(f"<BI{NUM_PERM}I", data)
    return Signature(tuple(values), size)


def jaccard(a: Signature, b: Signature) -> float:
    return float(np.mean(np.array(a.hashvalues) == np.array(b.hashvalues)))
