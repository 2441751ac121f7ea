"""Signatures, band keys and their stored form (stories/signature.py)."""

from __future__ import annotations

import pytest

from marketdesk.stories import signature as sg

BODY = [
    f"Paragraph {i} says the central bank kept rates at {i} percent while markets in "
    f"region {i} weighed the outlook for growth and prices over the coming quarter."
    for i in range(12)
]


def test_signature_is_deterministic_and_ignores_the_title() -> None:
    a = sg.signature("One headline", BODY)
    b = sg.signature("Another headline entirely", BODY)
    assert a is not None and a == b
    assert len(a.hashvalues) == sg.NUM_PERM
    assert all(0 <= v < 2**sg.VALUE_BITS for v in a.hashvalues)
    assert a.size == len(sg.shingles(BODY))


def test_paragraph_breaks_and_case_do_not_matter() -> None:
    joined = [" ".join(BODY).upper()]
    assert sg.signature(None, joined) == sg.signature(None, BODY)


def test_too_short_a_body_has_no_signature() -> None:
    assert sg.signature("Title", ["Watch the video: markets today."]) is None
    assert sg.signature("Title", []) is None


def test_band_keys_are_signed_64_bit_and_differ_across_bands() -> None:
    sig = sg.signature(None, BODY)
    assert sig is not None
    keys = sg.band_keys(sig)
    assert len(keys) == sg.BANDS
    assert all(-(2**63) <= k < 2**63 for k in keys)
    same = sg.Signature((7,) * sg.NUM_PERM, 100)  # equal values in every band
    assert len(set(sg.band_keys(same))) == sg.BANDS
    assert sg.band_keys(sig) == keys


def test_bytes_round_trip_small_and_versioned() -> None:
    sig = sg.signature(None, BODY)
    assert sig is not None
    data = sg.to_bytes(sig)
    assert len(data) <= 520 and data[0] == sg.VERSION
    assert sg.from_bytes(data) == sig
    with pytest.raises(ValueError, match="version"):
        sg.from_bytes(bytes([sg.VERSION + 1]) + data[1:])
    with pytest.raises(ValueError, match="bytes"):
        sg.from_bytes(data[:-1])
    with pytest.raises(ValueError):
        sg.to_bytes(sg.Signature((1, 2, 3), 3))
