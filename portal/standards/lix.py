"""LIX, the Scandinavian readability index: words/sentences + 100 * long words/words.

Long words have more than 6 letters. A sentence ends at . ! ? or : followed by space or the
end. Numbers and "§" are not words (LIX counts words of letters). Hyphenated compounds
("e-Boks") count as one word; their letters are counted without the hyphen. The portal's
goal is LIX <= 35 on every citizen page (design.md).
"""

from __future__ import annotations

import re

WORD_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
SENTENCE_END_RE = re.compile(r"[.!?:]+(?=\s|$)")
LONG_WORD = 6


def words(text: str) -> list[str]:
    return WORD_RE.findall(text)


def sentence_count(text: str) -> int:
    # A text without end punctuation is still one sentence.
    return max(len(SENTENCE_END_RE.findall(text)), 1) if text.strip() else 0


def lix(text: str) -> float:
    """The LIX of `text`; 0.0 for a text without words."""
    found = words(text)
    if not found:
        return 0.0
    long_words = sum(1 for w in found if len(w.replace("-", "")) > LONG_WORD)
    return len(found) / sentence_count(text) + 100 * long_words / len(found)


def sentences(text: str) -> list[str]:
    """The sentences of `text` (for checking sentence length)."""
    parts = re.split(r"(?<=[.!?:])\s+", text.strip())
    return [p for p in parts if p]
