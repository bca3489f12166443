"""Time claim extraction on a 1,000-word and a 10,000-word post, warm.

Run as `.venv/bin/python -m bench.extract`. The posts are built from the labelled posts in
`data/extraction/written/`, paragraph by paragraph, so they read like real opinion writing. The
target is at most 100 ms for 1,000 words once pysbd has been warmed up by a first call.
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from pathlib import Path

from bot.extraction import extract_claims

ROOT = Path(__file__).resolve().parents[1]

RUNS = {1_000: 21, 10_000: 7}


def paragraphs() -> list[str]:
    """Every paragraph of every labelled post, titles and furniture included, in file order."""
    posts = sorted((ROOT / "data" / "extraction" / "written").glob("*/[0-9][0-9].txt"))
    return [
        paragraph.strip()
        for post in posts
        for paragraph in post.read_text(encoding="utf-8").split("\n\n")
        if paragraph.strip()
    ]


def post_of(words: int) -> str:
    """A post of at least `words` words, cycling through the labelled paragraphs."""
    source = paragraphs()
    chosen: list[str] = []
    count = 0
    while count < words:
        paragraph = source[len(chosen) % len(source)]
        chosen.append(paragraph)
        count += len(paragraph.split())
    return "\n\n".join(chosen)


def median_ms(text: str, runs: int) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        extract_claims(text)
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def main() -> None:
    print(
        f"processor: {platform.processor()!r}, machine: {platform.machine()}, "
        f"cpu_count: {os.cpu_count()}"
    )
    print(f"python {platform.python_version()}, {platform.platform()}")
    extract_claims(post_of(200))  # warm up: pysbd compiles its rules on first use
    for words, runs in RUNS.items():
        text = post_of(words)
        actual = len(text.split())
        ms = median_ms(text, runs)
        claims = len(extract_claims(text))
        print(
            f"{actual:>6} words: {ms:7.1f} ms median of {runs} runs "
            f"({ms / actual * 1000:.1f} ms per 1,000 words, {claims} claims)"
        )


if __name__ == "__main__":
    main()
