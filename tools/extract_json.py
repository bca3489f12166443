"""Print a post's extracted claims as JSON, as `debate-bot extract FILE --json` will.

Usage: extract_json.py FILE [--baseline]

`--baseline` prints every sentence of four or more words instead, the floor the extractor must beat.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

from bot.extraction import extract_claims
from bot.extraction.sentences import split_lines, split_sentences, word_count


def baseline(text: str) -> list[dict[str, object]]:
    return [
        {"text": s.text, "quote": s.text, "kind": "claim", "start": s.start, "end": s.end}
        for line in split_lines(text)
        for s in split_sentences(line)
        if word_count(s.text) >= 4
    ]


def main(argv: list[str]) -> None:
    text = Path(argv[0]).read_text(encoding="utf-8")
    if "--baseline" in argv[1:]:
        claims = baseline(text)
    else:
        claims = [asdict(claim) for claim in extract_claims(text)]
    json.dump(claims, sys.stdout, ensure_ascii=False, indent=1)
    print()


if __name__ == "__main__":
    main(sys.argv[1:])
