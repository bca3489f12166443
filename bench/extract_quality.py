"""How well offline extraction finds the claims careful readers label in real posts.

Run as `.venv/bin/python -m bench.extract_quality [ROUND ...]`, ROUND a folder of
`data/extraction/real/` (default: the three held-out rounds). For each round and in total it
prints recall, precision, F1 and the gold forecasts found and marked, for the shipped extractor
and for the floor it must beat, every sentence of four or more words (through the same splitter,
so only the choice of sentences differs), with a bootstrap 95% interval over posts.

Matching is the shared scorer's own (`../shared/eval/score.py`, imported from beside this
checkout, so the figures are the ones it would print). A held-out round is evidence only the
first time it is scored: `docs/extraction.md` records each score and when it was taken.
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import numpy as np

from bot.extraction import extract_claims
from bot.extraction.sentences import split_lines, split_sentences, word_count

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "data" / "extraction" / "real"
SCORER = ROOT.parent / "shared" / "eval" / "score.py"
HELD_OUT = ("heldout1", "heldout2", "heldout3")
RESAMPLES = 2000
SEED = 14  # fixed, so the same extraction always prints the same interval

Counts = collections.Counter[str]
# A proposal as the scorer sees it: the quote it is matched on, and its kind.
Proposal = tuple[str, str]


def shared_scorer() -> ModuleType | None:
    """The shared scorer's module, or None when `../shared` is not beside the checkout."""
    if not SCORER.is_file():
        return None
    spec = importlib.util.spec_from_file_location("shared_score", SCORER)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def extracted(text: str) -> list[Proposal]:
    return [(draft.quote, draft.kind.value) for draft in extract_claims(text)]


def every_sentence(text: str) -> list[Proposal]:
    """The baseline: every sentence of four or more words, as the extractor's splitter cuts them."""
    return [
        (sentence.text, "claim")
        for line in split_lines(text)
        for sentence in split_sentences(line)
        if word_count(sentence.text) >= 4
    ]


def post_counts(score: ModuleType, gold: list[dict[str, str]], got: list[Proposal]) -> Counts:
    """One post's counts, exactly as `score.py` counts them."""
    quotes = [quote for quote, _ in got]
    counts: Counts = collections.Counter(gold=len(gold), ext=len(quotes))
    for g in gold:
        covers = [score.cover(quote, g["source"]) for quote in quotes]
        if not covers or max(covers) < 0.7:
            continue
        counts["found"] += 1
        if g["kind"] == "prediction":
            counts["pred_gold"] += 1
            counts["pred_ok"] += got[covers.index(max(covers))][1] == "prediction"
    counts["correct"] = sum(
        any(score.cover(g["source"], quote) >= 0.7 for g in gold) for quote in quotes
    )
    return counts


def rates(counts: Counts) -> tuple[float, float, float]:
    """Recall, precision and F1 over summed counts, as the scorer's total line."""
    r = counts["found"] / counts["gold"] if counts["gold"] else 0.0
    p = counts["correct"] / counts["ext"] if counts["ext"] else 0.0
    return r, p, (2 * p * r / (p + r) if p + r else 0.0)


def interval(posts: Sequence[Counts], rng: np.random.Generator) -> tuple[float, float]:
    """Bootstrap 95% interval of F1, resampling posts (the unit that varies) with replacement."""
    keys = ("gold", "ext", "found", "correct")
    table = np.array([[counts[key] for key in keys] for counts in posts], dtype=float)
    picks = rng.integers(0, len(posts), size=(RESAMPLES, len(posts)))
    gold, ext, found, correct = table[picks].sum(axis=1).T
    r = np.divide(found, gold, out=np.zeros_like(found), where=gold > 0)
    p = np.divide(correct, ext, out=np.zeros_like(correct), where=ext > 0)
    f1 = np.divide(2 * p * r, p + r, out=np.zeros_like(p), where=p + r > 0)
    low, high = np.percentile(f1, [2.5, 97.5])
    return float(low), float(high)


@dataclass
class Scored:
    name: str
    posts: list[Counts]

    def total(self) -> Counts:
        return sum(self.posts, collections.Counter())


def score_round(
    score: ModuleType, folder: Path, propose: Callable[[str], list[Proposal]]
) -> list[Counts]:
    counts = []
    for post in sorted(folder.glob("*.txt")):
        if post.name.endswith((".claims.txt", ".source.txt")):
            continue
        gold = score.load_gold(post.with_suffix(".claims.txt"))
        counts.append(post_counts(score, gold, propose(post.read_text(encoding="utf-8"))))
    return counts


def row(label: str, scored: Scored, rng: np.random.Generator) -> str:
    total = scored.total()
    r, p, f1 = rates(total)
    low, high = interval(scored.posts, rng)
    return (
        f"| {label} | {len(scored.posts)} | {total['gold']} | {total['ext']} | {r:.3f} | {p:.3f} "
        f"| {f1:.3f} | {low:.3f}-{high:.3f} | {total['pred_ok']}/{total['pred_gold']} |"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rounds", nargs="*", default=list(HELD_OUT), help="folders of real/")
    rounds = parser.parse_args(argv).rounds
    score = shared_scorer()
    if score is None:
        print(f"extract_quality: the shared scorer is not at {SCORER}; nothing measured")
        return
    rng = np.random.default_rng(SEED)
    print("| round | extractor | posts | gold | extracted | R | P | F1 | F1 95% | pred |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    totals = {"offline": Scored("offline", []), "baseline": Scored("baseline", [])}
    for name in rounds:
        for extractor, propose in (("offline", extracted), ("baseline", every_sentence)):
            scored = Scored(name, score_round(score, REAL / name, propose))
            totals[extractor].posts += scored.posts
            print(row(f"{name} | {extractor}", scored, rng))
    if len(rounds) > 1:
        for extractor, scored in totals.items():
            print(row(f"all | {extractor}", scored, rng))


if __name__ == "__main__":
    main(sys.argv[1:])
