"""Language identification with py3langid (its model ships in the wheel)."""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def _identifier() -> Any:
    # Loading the model costs about half a second, so it happens on first use only.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when too short to tell."""
    sample = text[:3000]
    if len(sample.split()) < 5:
        return None
    lang, prob = _identifier().classify(sample)
    return str(lang) if prob >= 0.5 else None
