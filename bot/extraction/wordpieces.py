"""Split a sentence into the word pieces of BERT's uncased vocabulary.

The learned scorer (`learned`) weighs each word piece a sentence is made of: a weight per piece of
the vocabulary of all-MiniLM-L6-v2, projected from that model's word-piece embeddings when the
scorer is fitted, so a word no labelled post contains still counts for what it means. Scoring
must split text exactly as fitting did, and needs no tokenizer library to do it: this is BERT's
own procedure (lower-case, strip accents, split off punctuation, then the longest pieces of the
vocabulary from the left, `##` marking a piece that continues a word, `[UNK]` for a word that
cannot be spelled in pieces).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Container

UNKNOWN = "[UNK]"
CONTINUES = "##"
# BERT leaves longer "words" (URLs, runs of symbols) unknown rather than spell them out.
MAX_WORD_CHARS = 100


def _is_punctuation(char: str) -> bool:
    """BERT's rule: Unicode punctuation, and every ASCII symbol (so "$" and "^" too)."""
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x2A6DF
        or 0x2A700 <= code <= 0x2B81F
        or 0x2B820 <= code <= 0x2CEAF
        or 0xF900 <= code <= 0xFAFF
        or 0x2F800 <= code <= 0x2FA1F
    )


def _dropped(char: str) -> bool:
    """Accents (once separated from their letters) and the control characters BERT drops."""
    category = unicodedata.category(char)
    if category == "Mn" or char == "\ufffd":
        return True
    return category.startswith("C") and char not in "\t\n\r"


def words(text: str) -> list[str]:
    """Lower-cased words without accents, each punctuation mark and CJK character on its own."""
    out: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            out.append("".join(current))
            current.clear()

    for char in unicodedata.normalize("NFD", text.lower()):
        if _dropped(char):
            continue
        if char.isspace():
            flush()
        elif _is_punctuation(char) or _is_cjk(char):
            flush()
            out.append(char)
        else:
            current.append(char)
    flush()
    return out


def pieces(text: str, vocabulary: Container[str]) -> list[str]:
    """The word pieces of `text`, longest first from the left of each word."""
    out: list[str] = []
    for word in words(text):
        if len(word) > MAX_WORD_CHARS:
            out.append(UNKNOWN)
            continue
        found: list[str] = []
        start = 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else CONTINUES + word[start:end]
                if piece in vocabulary:
                    found.append(piece)
                    break
                end -= 1
            else:
                found = [UNKNOWN]  # no piece fits: the whole word is unknown
                break
            start = end
        out.extend(found)
    return out
