"""Evaluate a learned sentence scorer for `bot/extraction` against the hand-weighted cues.

Dev-time only (needs scikit-learn). Run from the repository root. On two cores and the 111 posts
of round 10, `--test` and `--export` take about two minutes; the nested evaluation (no option)
repeats that for every post, about three hours (six minutes on the 17 posts it was written for):

    .venv/bin/python tools/train_extractor.py [--dump SCORES.json] [--recall-floor 0.92] [--no-hash]
        [--embeddings only|concat] [--c-grid 0.01,0.1] [--emb-scales 0.1,0.3] [--test heldout4]

`--test FOLDER` trains on every other post (hyperparameters by leave-one-post-out among them)
and scores that folder's posts once, next to the rules.

Training set: every candidate sentence (`bot.extraction.scored_sentences`) of every labelled
post in `data/extraction/written/` (00 is the shared seed post) and of the real posts of
`data/extraction/real/` named by `--real` (default `train`; a held-out round only once it has been
scored), labelled 1 when some gold source
sentence covers it by the shared scorer's rule (`cover(gold, quote) >= 0.7`, so extracting it
counts as correct), else 0. Features: `bot.extraction.features` (cue families, lexicon counts,
length, position, punctuation, person, figures, tense, forecast, the neighbours' and paragraph's
cues; plus hashed words and word pairs). `--embeddings` adds each sentence's all-MiniLM-L6-v2
embedding (384 numbers, `tools/sentence_embeddings.py`, needs its packages): `only` scores on the
embedding alone, `concat` appends it to the named features (hashed words still on the grid), its
block weight (`EMB_SCALES`) chosen with C like the hash weight.

Model: L2 logistic regression. Its regularisation C, the weight of the hashed features (0 turns
them off), the weight of a real post's sentences and the decision threshold are chosen together
by leave-one-post-out cross-validation on the training posts (when there are real posts, only
they are scored, each by a fit on all other posts, since extraction is measured on real
posts): the threshold with the best F1 among those with recall >= `RECALL_FLOOR`,
counted over posts as the scorer counts. That choice is nested inside an outer leave-one-post-out
loop, so each post is scored by a model, C, weight and threshold chosen without it. The rules are
scored on the same posts as they stand (`read_cues(...).score >= CLAIM_THRESHOLD`).

Result (docs/extraction.md): with 17 posts, neither model, with or without embeddings, was
clearly better on posts the cues were not written against, and embeddings cost three times the
time budget; with 47 posts (round 5) the logistic regression beat the cues on fresh posts, and
`--export` writes the scorer `bot/extraction` now ships (`scorer.json`, fitted on every post).
"""

from __future__ import annotations

import argparse
import collections
import itertools
import json
import multiprocessing
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.extraction import CLAIM_THRESHOLD, scored_sentences  # noqa: E402
from bot.extraction.cues import is_forecast, read_cues  # noqa: E402
from bot.extraction.features import FEATURE_NAMES, hashed_features, post_features  # noqa: E402
from bot.extraction.wordpieces import UNKNOWN, pieces  # noqa: E402

DATA = ROOT / "data" / "extraction" / "written"
REAL = ROOT / "data" / "extraction" / "real"
# The real posts' rounds trained on (`--real`): `train/` from the start, a held-out round only
# once it has been scored (data/extraction/real/README.md).
REAL_ROUNDS = ("train",)
# How much a real post's sentences weigh in the fit against a written post's: the real posts are
# what extraction is measured on, and there are fewer of them. Chosen with C.
REAL_WEIGHTS = (1.0, 3.0)
BUCKETS = 2048
# Round 11 narrowed the grids to what rounds 5-10 ever chose (C at most 0.1, hashed words on),
# to make room for the word-piece weights (`WORDPIECE_SCALES`) in the same time.
C_GRID = (0.01, 0.03, 0.1)
HASH_SCALES = (0.3, 1.0, 1.5)
# Weight of the embedding block against the named features (`--embeddings concat` only).
EMB_SCALES: tuple[float, ...] = (1.0,)
EMB_COLUMNS = 0  # the last EMB_COLUMNS dense columns are the embedding
# The word-piece block (`add_wordpieces`, on unless --no-wordpieces): its weights to choose from,
# and the vocabulary and piece embeddings it was built from, for `export`.
WORDPIECE_SCALES = (0.1, 0.3, 1.0)
WORDPIECES: tuple[dict[str, int], np.ndarray] | None = None
THRESHOLDS = tuple(round(0.05 + 0.01 * i, 2) for i in range(91))
# The target is recall >= 0.90 on unseen posts; the threshold is picked with a small margin.
RECALL_FLOOR = 0.92  # default of --recall-floor

# --- the shared scorer's matching rule, copied from /work/shared/eval/score.py ---------------

WORD = re.compile(r"[\w']+")


def tokens(s: str) -> collections.Counter[str]:
    return collections.Counter(w.lower().replace("\u2019", "'") for w in WORD.findall(s))


def cover(a: str, b: str) -> float:
    tb = tokens(b)
    n = sum(tb.values())
    return sum((tokens(a) & tb).values()) / n if n else 0.0


def load_gold(path: Path) -> list[tuple[str, str]]:
    gold = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\s*(\{(\w+)\})?\s*(.*?)\s*\[(.*)\]\s*$", line)
        if m:
            gold.append((m.group(2) or "claim", m.group(4)))
    return gold


# --- data ----------------------------------------------------------------------------------


@dataclass
class Post:
    name: str
    real: bool  # a real post (data/extraction/real), not one written for the project
    quotes: list[str]
    dense: np.ndarray  # candidates x dense features
    hashed: list[list[int]]
    labels: np.ndarray  # 1 when extracting the candidate would count as correct
    forecast: list[bool]
    rule_scores: np.ndarray
    gold: list[tuple[str, str]]
    # covers[g][c] = cover(candidate c, gold g): gold g is found by c when >= 0.7
    covers: np.ndarray


def post_files(exclude: tuple[str, ...] = ()) -> list[Path]:
    """Every labelled post of `data/extraction/written/` but those in the folders `exclude`
    names, then the real posts of `REAL_ROUNDS`."""
    written = sorted(DATA.glob("*/[0-9][0-9].txt")) + sorted(DATA.glob("*/[0-9][0-9][0-9].txt"))
    real = [path for name in REAL_ROUNDS for path in sorted((REAL / name).glob("[0-9]*[0-9].txt"))]
    return [path for path in written if path.parent.name not in exclude] + real


def load_posts(exclude: tuple[str, ...] = ()) -> list[Post]:
    posts = []
    for path in post_files(exclude):
        real = path.parent.parent == REAL
        sentences = scored_sentences(path.read_text(encoding="utf-8"))
        quotes = [s.text for s in sentences]
        gold = load_gold(path.with_suffix("").with_suffix(".claims.txt"))
        posts.append(
            Post(
                name=f"{'real-' if real else ''}{path.parent.name}/{path.stem}",
                real=real,
                quotes=quotes,
                dense=np.array(post_features(sentences), dtype=float),
                hashed=[hashed_features(q, BUCKETS) for q in quotes],
                labels=np.array([any(cover(g, q) >= 0.7 for _, g in gold) for q in quotes], int),
                forecast=[is_forecast(q) for q in quotes],
                rule_scores=np.array([read_cues(q).score for q in quotes]),
                gold=gold,
                covers=np.array([[cover(q, g) for q in quotes] for _, g in gold]),
            )
        )
    return posts


# --- scoring, as score.py counts --------------------------------------------------------------


def counts(post: Post, chosen: np.ndarray) -> collections.Counter[str]:
    """Scorer counts for the candidates `chosen` (a boolean mask) of one post."""
    picked = np.flatnonzero(chosen)
    total: collections.Counter[str] = collections.Counter(
        gold=len(post.gold), ext=len(picked), correct=int(post.labels[picked].sum())
    )
    if not len(picked) or not post.gold:
        return total
    rows = post.covers[:, picked]
    best = rows.argmax(axis=1)  # first maximum, as max() in score.py
    found = rows[np.arange(len(post.gold)), best] >= 0.7
    total["found"] = int(found.sum())
    for g, (kind, _) in enumerate(post.gold):
        if found[g] and kind == "prediction":
            total["pred_gold"] += 1
            total["pred_ok"] += post.forecast[picked[best[g]]]
    return total


def summary(total: collections.Counter[str]) -> tuple[float, float, float]:
    r = total["found"] / total["gold"] if total["gold"] else 0.0
    p = total["correct"] / total["ext"] if total["ext"] else 0.0
    return r, p, (2 * p * r / (p + r) if p + r else 0.0)


# --- the model ---------------------------------------------------------------------------------


@dataclass
class Fitted:
    coef_dense: np.ndarray  # on raw (unstandardised) dense features
    coef_hashed: np.ndarray  # per bucket, already multiplied by the hash scale
    intercept: float

    def scores(self, post: Post) -> np.ndarray:
        z = post.dense @ self.coef_dense + self.intercept
        z += np.array([self.coef_hashed[slots].sum() for slots in post.hashed])
        return 1.0 / (1.0 + np.exp(-z))


def design(posts: list[Post], mean: np.ndarray, std: np.ndarray, scale: float) -> sparse.csr_matrix:
    """`std` may carry a block weight (it divides), as `fit` passes it."""
    dense = (np.vstack([post.dense for post in posts]) - mean) / std
    if not scale:
        return sparse.csr_matrix(dense)
    slots = [slot_list for post in posts for slot_list in post.hashed]
    hashed = sparse.csr_matrix(
        (
            np.full(sum(len(s) for s in slots), scale),
            np.concatenate([np.array(s, dtype=int) for s in slots]),
            np.cumsum([0] + [len(s) for s in slots]),
        ),
        shape=(len(slots), BUCKETS),
    )
    return sparse.hstack([sparse.csr_matrix(dense), hashed], format="csr")


def fit(
    posts: list[Post], c: float, scale: float, emb_scale: float = 1.0, real_weight: float = 1.0
) -> Fitted:
    dense = np.vstack([post.dense for post in posts])
    mean = dense.mean(axis=0)
    std = dense.std(axis=0)
    std[std == 0] = 1.0
    if EMB_COLUMNS:
        std[-EMB_COLUMNS:] /= emb_scale  # standardised embedding columns times emb_scale
    x = design(posts, mean, std, scale)
    y = np.concatenate([post.labels for post in posts])
    weights = np.concatenate(
        [np.full(len(post.labels), real_weight if post.real else 1.0) for post in posts]
    )
    model = LogisticRegression(C=c, max_iter=5000).fit(x, y, sample_weight=weights)
    w = model.coef_[0]
    n = len(mean)
    # Fold the standardisation and the hash scale into the weights, to score raw features.
    coef_dense = w[:n] / std
    return Fitted(
        coef_dense=coef_dense,
        coef_hashed=w[n:] * scale if scale else np.zeros(BUCKETS),
        intercept=float(model.intercept_[0] - (coef_dense * mean).sum()),
    )


def sweep(posts: list[Post], scores: list[np.ndarray]) -> dict[float, collections.Counter[str]]:
    """Summed scorer counts over posts at every threshold."""
    out: dict[float, collections.Counter[str]] = {}
    for t in THRESHOLDS:
        total: collections.Counter[str] = collections.Counter()
        for post, s in zip(posts, scores, strict=True):
            total.update(counts(post, s >= t))
        out[t] = total
    return out


def best_threshold(table: dict[float, collections.Counter[str]]) -> tuple[float, float]:
    """(F1, threshold): the best F1 with recall >= RECALL_FLOOR, else the best recall."""
    ok = [(summary(c)[2], t) for t, c in table.items() if summary(c)[0] >= RECALL_FLOOR]
    if ok:
        return max(ok, key=lambda ft: (ft[0], ft[1]))
    return max((summary(c)[0] - 1.0, t) for t, c in table.items())


# Settings whose leave-one-post-out F1 is this close to the best count as tied; of those, the
# most regularised (smallest C) wins. Differences this small are noise between posts, and a
# weakly regularised fit judges sentences unlike the training posts (a one-line paste) worse.
F1_TIE = 0.005


_CHOOSING: list[Post] = []  # the posts `choose` scores settings on, shared with its workers


Setting = tuple[float, float, float, float]  # C, hash scale, embedding scale, real weight
# (F1, C, hash scale, embedding scale, real weight, threshold)
Chosen = tuple[float, float, float, float, float, float]


def _judged(posts: list[Post]) -> list[int]:
    """The posts a setting is judged on: the real ones when there are any, since real posts are
    what extraction is measured on; each is scored by a fit on all the other posts."""
    real = [i for i, post in enumerate(posts) if post.real]
    return real or list(range(len(posts)))


def _try_setting(setting: Setting) -> Chosen:
    """(F1, C, hash scale, embedding scale, real weight, threshold) of one setting,
    leave-one-post-out."""
    c, scale, emb_scale, real_weight = setting
    posts = _CHOOSING
    judged = _judged(posts)
    scores = [
        fit(posts[:i] + posts[i + 1 :], c, scale, emb_scale, real_weight).scores(posts[i])
        for i in judged
    ]
    f1, threshold = best_threshold(sweep([posts[i] for i in judged], scores))
    return f1, c, scale, emb_scale, real_weight, threshold


def choose(posts: list[Post]) -> Chosen:
    """(inner F1, C, hash scale, embedding scale, real weight, threshold) by leave-one-post-out
    over `posts`, the settings tried side by side on every core (forked workers see
    `_CHOOSING`)."""
    _CHOOSING[:] = posts
    weights = REAL_WEIGHTS if any(post.real for post in posts) else (1.0,)
    settings = list(itertools.product(C_GRID, HASH_SCALES, EMB_SCALES, weights))
    context = multiprocessing.get_context("fork")
    with context.Pool(min(len(settings), os.cpu_count() or 1)) as pool:
        tried = pool.map(_try_setting, settings)
    best = max(f1 for f1, *_ in tried)
    return min((t for t in tried if t[0] >= best - F1_TIE), key=lambda t: (t[1], -t[0]))


# --- commands ---------------------------------------------------------------------------------


def table_line(label: str, total: collections.Counter[str]) -> str:
    r, p, f1 = summary(total)
    return (
        f"| {label} | {total['gold']} | {total['ext']} | {r:.3f} | {p:.3f} | {f1:.3f} "
        f"| {total['pred_ok']}/{total['pred_gold']} |"
    )


def evaluate(posts: list[Post], dump: Path | None) -> None:
    rules: dict[str, collections.Counter[str]] = {}
    model: dict[str, collections.Counter[str]] = {}
    held_out_scores: dict[str, object] = {}
    for i, post in enumerate(posts):
        start = time.perf_counter()
        rest = posts[:i] + posts[i + 1 :]
        inner_f1, c, scale, emb_scale, real_weight, threshold = choose(rest)
        scores = fit(rest, c, scale, emb_scale, real_weight).scores(post)
        chosen = scores >= threshold
        held_out_scores[post.name] = {
            "threshold": threshold,
            "scores": [round(float(x), 4) for x in scores],
            "quotes": post.quotes,
            "labels": post.labels.tolist(),
        }
        model[post.name] = counts(post, chosen)
        rules[post.name] = counts(post, post.rule_scores >= CLAIM_THRESHOLD)
        r, p, f1 = summary(model[post.name])
        rr, rp, rf1 = summary(rules[post.name])
        print(
            f"{post.name}: C={c} hash={scale} emb={emb_scale} t={threshold:.2f} "
            f"(inner F1 {inner_f1:.3f}) "
            f"model R={r:.2f} P={p:.2f} F1={f1:.2f} | rules R={rr:.2f} P={rp:.2f} F1={rf1:.2f} "
            f"[{time.perf_counter() - start:.0f}s]",
            flush=True,
        )
    groups = {
        "all": [p.name for p in posts],
        "00-12": [p.name for p in posts if p.name.startswith(("tuned/", "heldout/"))],
        "09-12": [p.name for p in posts if p.name.startswith("heldout/")],
        "13-16": [p.name for p in posts if p.name.startswith("heldout3/")],
        "17-22": [p.name for p in posts if p.name.startswith("heldout4/")],
    }
    print("\n| scorer | posts | gold | extracted | R | P | F1 | pred |")
    print("|---|---|---|---|---|---|---|---|")
    for scorer, results in (("rules (no training)", rules), ("model, LOPO", model)):
        for group, names in groups.items():
            total: collections.Counter[str] = collections.Counter()
            for name in names:
                total.update(results[name])
            print(table_line(f"{scorer} | {group}", total))
    if dump:
        dump.write_text(json.dumps(held_out_scores, indent=1), encoding="utf-8")


def train_final(train: list[Post]) -> tuple[Fitted, float, dict[str, object]]:
    """C, hash weight and threshold by leave-one-post-out on `train`, then a fit on all of it."""
    inner_f1, c, scale, emb_scale, real_weight, threshold = choose(train)
    print(
        f"chosen on {len(train)} posts: C={c} hash={scale} embedding={emb_scale} "
        f"real weight={real_weight} t={threshold:.2f} (F1 {inner_f1:.3f})"
    )
    chosen = {
        "C": c,
        "hash_scale": scale,
        "embedding_scale": emb_scale if EMB_COLUMNS else 0.0,
        "real_weight": real_weight,
        "inner_f1": round(inner_f1, 4),
    }
    return fit(train, c, scale, emb_scale, real_weight), threshold, chosen


def export(fitted: Fitted, threshold: float, chosen: dict[str, object], train: list[Post]) -> str:
    """The fitted scorer as JSON, for `bot/extraction` to score with (no numpy needed).

    The word-piece block is linear in the mean of a sentence's piece embeddings, so it folds into
    one weight per piece (`wordpieces`): the embedding of the piece dotted with the block's
    weights. Scoring averages those over the sentence's pieces; no embedding ships."""
    pieces: dict[str, float] = {}
    if WORDPIECES is not None:
        vocabulary, matrix = WORDPIECES
        weights = matrix @ fitted.coef_dense[len(FEATURE_NAMES) :]
        pieces = {
            piece: round(float(weights[row]), 5)
            for piece, row in vocabulary.items()
            if piece == UNKNOWN or not (piece.startswith("[") and piece.endswith("]"))
        }
    return json.dumps(
        {
            "model": "logistic regression over bot.extraction.features",
            "trained_on": [post.name for post in train],
            **chosen,
            "threshold": threshold,
            "intercept": fitted.intercept,
            "buckets": BUCKETS,
            "dense": {
                name: round(float(w), 6)
                for name, w in zip(
                    FEATURE_NAMES, fitted.coef_dense[: len(FEATURE_NAMES)], strict=True
                )
            },
            "hashed": [round(float(w), 6) for w in fitted.coef_hashed],
            "wordpieces": pieces,
        },
        indent=0,
        ensure_ascii=False,
    )


def test_once(train: list[Post], test: list[Post]) -> None:
    """Choose C, hash weight and threshold by leave-one-post-out on `train`, fit on all of it,
    and score `test` once, next to the rules."""
    fitted, threshold, _ = train_final(train)
    rules: collections.Counter[str] = collections.Counter()
    model: collections.Counter[str] = collections.Counter()
    for post in test:
        rules.update(counts(post, post.rule_scores >= CLAIM_THRESHOLD))
        model.update(counts(post, fitted.scores(post) >= threshold))
    print("\n| scorer | gold | extracted | R | P | F1 | pred |")
    print("|---|---|---|---|---|---|---|")
    print(table_line("rules", rules))
    print(table_line("model, trained on the rest", model))


def add_wordpieces(posts: list[Post]) -> None:
    """Append each candidate's mean word-piece embedding (all-MiniLM-L6-v2's input embeddings,
    no context) to `post.dense`, its block weight chosen with C like the hash weight."""
    global EMB_COLUMNS, EMB_SCALES, WORDPIECES
    sys.path.insert(0, str(ROOT / "tools"))
    from sentence_embeddings import wordpiece_table

    vocabulary, matrix = wordpiece_table()
    for post in posts:
        rows = []
        for quote in post.quotes:
            ids = [vocabulary[piece] for piece in pieces(quote, vocabulary)]
            rows.append(matrix[ids].mean(axis=0) if ids else np.zeros(matrix.shape[1]))
        post.dense = np.hstack([post.dense, np.array(rows)])
    EMB_COLUMNS = matrix.shape[1]
    EMB_SCALES = WORDPIECE_SCALES
    WORDPIECES = (vocabulary, matrix)


def add_embeddings(posts: list[Post], mode: str) -> None:
    """Put each candidate's sentence embedding into `post.dense` (`only`) or after it (`concat`)."""
    global EMB_COLUMNS, EMB_SCALES, HASH_SCALES
    sys.path.insert(0, str(ROOT / "tools"))
    from sentence_embeddings import Embedder

    embedder = Embedder()
    start = time.perf_counter()
    vectors = [embedder.embed(post.quotes).astype(float) for post in posts]
    print(
        f"embedded {sum(len(p.quotes) for p in posts)} sentences in "
        f"{time.perf_counter() - start:.1f}s (load included)"
    )
    for post, emb in zip(posts, vectors, strict=True):
        post.dense = emb if mode == "only" else np.hstack([post.dense, emb])
    EMB_COLUMNS = vectors[0].shape[1]
    if mode == "only":
        HASH_SCALES = (0.0,)
    else:
        EMB_SCALES = (0.3, 1.0)


def main() -> None:
    global \
        RECALL_FLOOR, \
        HASH_SCALES, \
        C_GRID, \
        EMB_SCALES, \
        REAL_ROUNDS, \
        WORDPIECE_SCALES, \
        REAL_WEIGHTS
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dump", type=Path, help="write each post's held-out scores here (JSON)")
    parser.add_argument("--recall-floor", type=float, default=0.92)
    parser.add_argument("--no-hash", action="store_true", help="no hashed words")
    parser.add_argument(
        "--no-wordpieces", action="store_true", help="no word-piece embeddings (no onnx needed)"
    )
    parser.add_argument("--c-grid", help="comma-separated values of C (default 0.01,...,1)")
    parser.add_argument("--emb-scales", help="comma-separated embedding weights (concat only)")
    parser.add_argument(
        "--embeddings",
        choices=("only", "concat"),
        help="sentence embeddings alone, or appended to the named features",
    )
    parser.add_argument(
        "--test",
        help="a folder of data/extraction/written (e.g. heldout4): train on the others, "
        "score it once",
    )
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        help="a folder of data/extraction/written not to train on",
    )
    parser.add_argument(
        "--export", type=Path, help="fit on every post not held out and write the scorer here"
    )
    parser.add_argument(
        "--real",
        default=",".join(REAL_ROUNDS),
        help="comma-separated folders of data/extraction/real to train on (default: train)",
    )
    parser.add_argument("--hash-scales", help="comma-separated weights of the hashed words")
    parser.add_argument("--wordpiece-scales", help="comma-separated weights of the word pieces")
    parser.add_argument("--real-weights", help="comma-separated weights of a real post's sentences")
    args = parser.parse_args()
    RECALL_FLOOR = args.recall_floor
    REAL_ROUNDS = tuple(name for name in args.real.split(",") if name)
    if args.hash_scales:
        HASH_SCALES = tuple(float(x) for x in args.hash_scales.split(","))
    if args.wordpiece_scales:
        WORDPIECE_SCALES = tuple(float(x) for x in args.wordpiece_scales.split(","))
    if args.real_weights:
        REAL_WEIGHTS = tuple(float(x) for x in args.real_weights.split(","))
    if args.no_hash:
        HASH_SCALES = (0.0,)
    posts = load_posts(exclude=tuple(args.exclude))
    if args.embeddings:
        add_embeddings(posts, args.embeddings)
    elif not args.no_wordpieces:
        add_wordpieces(posts)
    if args.c_grid:
        C_GRID = tuple(float(x) for x in args.c_grid.split(","))
    if args.emb_scales:
        EMB_SCALES = tuple(float(x) for x in args.emb_scales.split(","))
    print(
        f"{len(posts)} posts, {sum(len(p.quotes) for p in posts)} candidate sentences, "
        f"{sum(int(p.labels.sum()) for p in posts)} positive, {len(FEATURE_NAMES)} named "
        f"features + {BUCKETS} hashed"
    )
    if args.export:
        train = [p for p in posts if not p.name.startswith(f"{args.test}/")]
        args.export.write_text(export(*train_final(train), train) + "\n", encoding="utf-8")
        print(f"wrote {args.export}")
        return
    if args.test:
        test = [p for p in posts if p.name.startswith(f"{args.test}/")]
        test_once([p for p in posts if not p.name.startswith(f"{args.test}/")], test)
        return
    evaluate(posts, args.dump)


if __name__ == "__main__":
    main()
