"""Split a post into lines and sentences that keep their exact place in the original text.

A claim's quote must be an exact span of the post, so every sentence carries its offsets. Lines are
segmented one at a time: a line break always ends a sentence in web text (headings, bylines and
share links sit on lines of their own), and short inputs keep pysbd fast and linear. Where pysbd
runs two sentences together (after a closing quotation mark, or across a dash before a new
sentence), the span is cut again.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import cache

import pysbd  # type: ignore[import-untyped]

WORD = re.compile(r"[\w'’]+")


@dataclass(frozen=True)
class Line:
    """One non-blank line of the post, stripped, with its offset in the post."""

    index: int
    text: str
    start: int


@dataclass(frozen=True)
class Sentence:
    """One sentence, stripped of surrounding whitespace, and where it sits in the post."""

    text: str
    start: int
    end: int
    line: Line


def word_count(text: str) -> int:
    return len(WORD.findall(text))


def split_lines(text: str) -> list[Line]:
    """The post's non-blank lines, each stripped but still pointing at its exact span. A line
    hard-wrapped in the middle of a sentence (text copied from a PDF or an e-mail) is joined to
    the next: its text then holds the line break, exactly as the post does."""
    lines: list[Line] = []
    previous: re.Match[str] | None = None
    for match in re.finditer(r"[^\r\n]*[^\s][^\r\n]*", text):
        if previous is not None and _wraps_into(previous, match, text):
            last = lines[-1]
            lines[-1] = Line(last.index, text[last.start : match.end()].rstrip(), last.start)
        else:
            raw = match.group()
            start = match.start() + (len(raw) - len(raw.lstrip()))
            lines.append(Line(index=len(lines), text=raw.strip(), start=start))
        previous = match
    return lines


_ENDS_A_SENTENCE = re.compile(r"[.!?…:][\"'”’)\]]*\s*$")
_OPENS_A_LIST_ITEM = re.compile(r"^\s*(?:[-–•*▪]|\d{1,2}[.)])\s+")
_ENDS_MID_PHRASE = re.compile(r"(?:\b[a-z][\w'’-]*|[,;–—-])\s*$")
WRAPPED_LINE_WORDS = 8  # a shorter line ending in a lower-case word is a heading or a label


def _wraps_into(line: re.Match[str], following: re.Match[str], text: str) -> bool:
    """Whether `following` continues the sentence `line` breaks off: the two are not parted
    by a blank line, `line` ends with no stop, and `following` starts in lower case, or
    `line` is a long one that stops mid-phrase ("... mostly from" / "Eritrea.")."""
    between = text[line.end() : following.start()]
    if between.count("\n") + between.count("\r") - between.count("\r\n") != 1:
        return False
    before, after = line.group().strip(), following.group().strip()
    if _ENDS_A_SENTENCE.search(before) or _OPENS_A_LIST_ITEM.match(after):
        return False
    if after[:1].islower():
        return True
    return bool(_ENDS_MID_PHRASE.search(before)) and word_count(before) >= WRAPPED_LINE_WORDS


@cache
def _segmenter() -> pysbd.Segmenter:
    """Built once: pysbd compiles its many rules on first use, which is too slow to repeat."""
    return pysbd.Segmenter(language="en", clean=False)


# One thread at a time: pysbd promises nothing about sharing its segmenter and rules between
# threads, and the engine may run extraction in a worker thread.
_SEGMENTER_LOCK = threading.Lock()

# pysbd's abbreviation pass slows down more than linearly with the length of its input, so a very
# long line (a whole post pasted as one paragraph) is first cut where a sentence surely ends: a
# lowercase word of four letters or more, a stop, a space and a capital. Abbreviations ("Mr.",
# "U.S.", "etc.") never look like that, and pysbd still splits each piece finely.
_SAFE_BREAK = re.compile(r"(?<=[a-z]{4}[.!?])\s+(?=[\"“‘'(]?[A-Z])")
_CHUNK_CHARS = 1000


def _chunks(text: str) -> list[tuple[int, int]]:
    """Pieces of at least `_CHUNK_CHARS` characters, cut only at safe sentence breaks."""
    pieces: list[tuple[int, int]] = []
    start = 0
    for match in _SAFE_BREAK.finditer(text):
        if match.start() - start >= _CHUNK_CHARS:
            pieces.append((start, match.start()))
            start = match.end()
    pieces.append((start, len(text)))
    return pieces


def _pysbd_sentences(text: str) -> list[str]:
    # The processor alone: pysbd's own offset search compiles a regex per sentence, which costs
    # more than the segmentation, and `_spans_of_piece` finds the offsets itself.
    with _SEGMENTER_LOCK:
        return [str(sentence) for sentence in _segmenter().processor(text).process()]


def _spans_of_piece(text: str) -> list[tuple[int, int]]:
    """Sentence spans of a piece of a line, covering every word even where pysbd alters one.

    A sentence pysbd returned with its text rewritten (quotes, abbreviations) cannot be found in
    the original; the gap it leaves between the sentences that can be found becomes a sentence.
    """
    spans: list[tuple[int, int]] = []
    cursor = 0
    for sentence in _pysbd_sentences(text):
        needle = sentence.strip()
        start = text.find(needle, cursor) if needle else -1
        if start < 0:
            continue
        if text[cursor:start].strip():
            spans.append((cursor, start))
        spans.append((start, start + len(needle)))
        cursor = start + len(needle)
    if text[cursor:].strip():
        spans.append((cursor, len(text)))
    return spans


def _spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans of one line, in order."""
    spans = [
        (offset + start, offset + end)
        for offset, stop in _chunks(text)
        for start, end in _spans_of_piece(text[offset:stop])
    ]
    spans = _closing_quotes_mended(text, spans)
    return [piece for span in spans for piece in _split_where_pysbd_merged(text, span)]


# A quotation mark pysbd left at the start of the next sentence, closing the one before.
_STRAY_CLOSER = re.compile(r"[”’]+(?=\s|$)")


def _closing_quotes_mended(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Give back to a sentence the closing quotation mark pysbd put at the start of the next
    ("... works.” Nobody agrees." would otherwise quote `” Nobody agrees.`)."""
    mended: list[tuple[int, int]] = []
    for start, end in spans:
        stray = _STRAY_CLOSER.match(text, start)
        if mended and stray:
            mended[-1] = (mended[-1][0], stray.end())
            start = stray.end()
        if text[start:end].strip():
            mended.append((start, end))
    return mended


# Where pysbd keeps two sentences together: a stop and a closing quotation mark ("... is
# over.’ It is over."), an ellipsis before a capital ("The talks failed… Nobody was surprised"),
# and a dash before a word that only starts a sentence ("The war is lost -- It cannot be won.").
# Mid-sentence, a dash is followed by a lower-case word or a name.
_QUOTED_STOP = re.compile(r"(?:[.!?…][”’\"']+|…)\s+(?=[\"“‘'(]?[A-Z])")
_SENTENCE_OPENER = (
    r"(?:It|Its|This|That|These|Those|The|There|Here|We|They|He|She|You|Our|Their|His|Her|My"
    r"|But|And|Yet|So|Now|Nobody|No|None|Nothing|What|Why|How|If|In|On|For|All|Most|Many|Few"
    r"|Such|Both|Neither|Each|Every|Some|A|An)\b"
)
_DASH_JOIN = re.compile(rf"\s*(?:-{{2,}}|—|–)\s*(?={_SENTENCE_OPENER})")
_MIN_PART_WORDS = 3  # "Yes -- But ..." is one thought; both sides of a split are sentences


def _split_where_pysbd_merged(text: str, span: tuple[int, int]) -> list[tuple[int, int]]:
    """A span cut at the sentence breaks pysbd missed (see `_QUOTED_STOP`, `_DASH_JOIN`)."""
    start, end = span
    pieces: list[tuple[int, int]] = []
    for cut in _merged_breaks(text[start:end]):
        pieces.append((start, start + cut[0]))
        start += cut[1]
    pieces.append((start, end))
    return pieces


def _merged_breaks(sentence: str) -> list[tuple[int, int]]:
    """(end of one sentence, start of the next) for each break pysbd missed in `sentence`."""
    found = [
        (match.end() - len(match.group()) + len(match.group().rstrip()), match.end())
        for match in _QUOTED_STOP.finditer(sentence)
        if _quotes_closed(sentence[: match.end()])
    ]
    found += [(match.start(), match.end()) for match in _DASH_JOIN.finditer(sentence)]
    breaks: list[tuple[int, int]] = []
    last = 0
    for cut in sorted(found):
        before, after = sentence[last : cut[0]], sentence[cut[1] :]
        if word_count(before) >= _MIN_PART_WORDS and word_count(after) >= _MIN_PART_WORDS:
            breaks.append(cut)
            last = cut[1]
    return breaks


def _quotes_closed(text: str) -> bool:
    """Whether every quotation opened in `text` is closed by its end: a break inside a quotation
    ("“We call it ‘the new normal.’ It is not normal,” he said.") is not a sentence break.
    A ’ or ' between letters is an apostrophe, not a quotation mark."""
    doubles = text.count("“") - text.count("”") + text.count('"') % 2
    singles = len(re.findall(r"‘|(?<![\w])'(?=\w)", text)) - len(
        re.findall(r"(?<!\w)[’']|[’'](?!\w)", text)
    )
    return doubles == 0 and singles <= 0


def split_sentences(line: Line) -> list[Sentence]:
    """The sentences of a line, stripped, with offsets into the whole post."""
    sentences: list[Sentence] = []
    # A wrapped line's breaks are spaces to pysbd; offsets stay those of the post.
    for start, end in _spans(line.text.replace("\r", " ").replace("\n", " ")):
        piece = line.text[start:end]
        lead = len(piece) - len(piece.lstrip())
        stripped = piece.strip()
        if stripped:
            begin = line.start + start + lead
            sentences.append(
                Sentence(
                    text=stripped,
                    start=begin,
                    end=begin + len(stripped),
                    line=line,
                )
            )
    return sentences
