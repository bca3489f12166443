"""Time sentence embeddings (`tools/sentence_embeddings.py`) on a 1,000-word post, warm.

    HF_HUB_OFFLINE=1 .venv/bin/python tools/bench_embeddings.py [--repeat 20]

Builds a post of about 1,000 words from the labelled posts in `data/extraction/written/`, takes its
candidate sentences as `extract_claims` would, and reports: the import and load time (cold, this
process), the warm time to embed all of them in padded batches (in post order or sorted by length),
one call per sentence, and with one onnxruntime thread, next to the rules' whole `extract_claims`
on the same text.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from bot.extraction import candidate_sentences, extract_claims  # noqa: E402
from bot.extraction.sentences import word_count  # noqa: E402


def thousand_words() -> str:
    paragraphs: list[str] = []
    for path in sorted((ROOT / "data" / "extraction" / "written").glob("*/[0-9][0-9].txt")):
        for line in path.read_text(encoding="utf-8").splitlines()[1:]:
            if word_count(line) >= 25:  # prose paragraphs only
                paragraphs.append(line)
                if sum(word_count(p) for p in paragraphs) >= 1000:
                    return "Title of the post\n\n" + "\n\n".join(paragraphs)
    raise SystemExit("not enough labelled prose")


def timed(fn: object, repeat: int) -> tuple[float, float]:
    """(median, best) milliseconds over `repeat` calls after one warm-up."""
    assert callable(fn)
    fn()
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs), min(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    start = time.perf_counter()
    import onnxruntime  # noqa: F401
    import tokenizers  # noqa: F401

    imported = time.perf_counter() - start
    from sentence_embeddings import Embedder

    embedder = Embedder()
    start = time.perf_counter()
    embedder.load()
    loaded = time.perf_counter() - start
    single = Embedder(threads=1)
    single.load()

    text = thousand_words()
    quotes = [s.text for s in candidate_sentences(text)]
    print(
        f"post: {word_count(text)} words, {len(quotes)} candidate sentences\n"
        f"import onnxruntime + tokenizers: {imported * 1000:.0f} ms; "
        f"load model + tokenizer (sha256 check included): {loaded * 1000:.0f} ms"
    )
    by_length = sorted(quotes, key=len)  # less padding per batch
    rows = (
        ("rules: extract_claims, whole post", lambda: extract_claims(text)),
        ("embed, padded batches of 64, 2 threads", lambda: embedder.embed(quotes)),
        ("embed, padded batches of 16, 2 threads", lambda: embedder.embed(quotes, batch=16)),
        ("embed, one sentence per call, 2 threads", lambda: embedder.embed(quotes, batch=1)),
        (
            "embed, sorted by length, batches of 8, 2 threads",
            lambda: embedder.embed(by_length, batch=8),
        ),
        ("embed, padded batches of 64, 1 thread", lambda: single.embed(quotes)),
    )
    for label, fn in rows:
        median, best = timed(fn, args.repeat)
        print(f"{label}: median {median:.0f} ms, best {best:.0f} ms")


if __name__ == "__main__":
    main()
