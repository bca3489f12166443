"""Opinion groups, as Polis finds them, and how far to trust them.

Every member is placed on a two-dimensional map: the vote matrix with each unseen vote set to
its claim's mean, reduced by PCA, each member's position then scaled by sqrt(claims / their
votes) so that those who voted little are not all bunched in the middle. Members with at least
`MIN_VOTES` votes (Polis's rule) are clustered with k-means, k from 2 to 5, the k with the best
silhouette; the others are placed on the map but join no group.

A grouping is only worth showing if another sample of the same community would give much the
same groups. `stability` resamples the clustered members (bootstrap), redoes the projection and
the clustering on each sample, and measures how far the sample's groups agree with the full
data's (adjusted Rand index, 1 = the same groups, about 0 = chance).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy as np
    from numpy.typing import NDArray

    from bot.analysis.matrix import VoteMatrix

MIN_VOTES = 7  # Polis: members with fewer votes are placed on the map but not clustered
K_RANGE = range(2, 6)
# k-means runs from this many starts for each k, the best kept. With 4, the groups found in the
# two Polis conversations depended on the seed (brexit: 2 groups for 3 seeds in 30, else 3;
# seattle: 5 for 5 seeds in 30, else 2); with 16, all 30 seeds gave the same groups.
KMEANS_STARTS = 16
KMEANS_MEMBERS = 5000  # past this many members, the starts are tried on a sample (`_best_k`)
SILHOUETTE_MEMBERS = 3000  # silhouette is quadratic: scored on a sample past this size
BOOTSTRAP_SAMPLES = 20
BOOTSTRAP_MEMBERS = 2000  # the most members each resample clusters: its cost stays bounded


@dataclass(frozen=True)
class Grouping:
    """Where each member sits, and the group of each clustered member (-1 for the others)."""

    positions: NDArray[np.float64]  # members x 2
    labels: NDArray[np.int64]  # members; -1 when not clustered
    k: int
    silhouette: float
    stability: float  # NaN when not measured


def project(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Each member's place on the map, as Polis computes it."""
    return _mapped(values)[0]


def _mapped(
    fitted_on: NDArray[np.float64],
) -> tuple[NDArray[np.float64], Callable[[NDArray[np.float64]], NDArray[np.float64]]]:
    """The rows of `fitted_on` placed on the map PCA learns from them, and a function placing
    other rows on that same map."""
    import numpy as np
    from sklearn.decomposition import PCA

    means = np.nan_to_num(np.nanmean(_with_a_vote(fitted_on), axis=0))
    claims = fitted_on.shape[1]

    def placed(rows: NDArray[np.float64], unseen: NDArray[np.bool_]) -> NDArray[np.float64]:
        scale = np.sqrt(claims / np.maximum(claims - unseen.sum(axis=1), 1))
        return np.asarray(pca.transform(rows) * scale[:, None], dtype=np.float64)

    def place(rows: NDArray[np.float64]) -> NDArray[np.float64]:
        unseen = np.isnan(rows)
        return placed(np.where(unseen, means, rows), unseen)

    unseen = np.isnan(fitted_on)
    filled = np.where(unseen, means, fitted_on)
    pca = PCA(n_components=2, random_state=0).fit(filled)
    return placed(filled, unseen), place


def _with_a_vote(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """`values` with a column nobody voted on set to 0 rather than left all NaN."""
    import numpy as np

    empty = np.isnan(values).all(axis=0)
    if not empty.any():
        return values
    out = values.copy()
    out[:, empty] = 0.0
    return out


def find_groups(
    matrix: VoteMatrix, seed: int = 0, resamples: int = BOOTSTRAP_SAMPLES
) -> Grouping | None:
    """The opinion groups of a post's voters, their stability measured on `resamples` bootstrap
    samples (none: NaN); None when too few voted enough to cluster."""
    import numpy as np

    from bot.analysis.cores import one_core

    values = matrix.values
    clustered = matrix.votes_per_member() >= MIN_VOTES
    if clustered.sum() < max(K_RANGE.start * 2, 4) or values.shape[1] < 2:
        return None
    with one_core():
        positions = project(values)
        k, silhouette, labels_clustered = _best_k(positions[clustered], seed)
        stable = stability(values[clustered], labels_clustered, k, seed, resamples)
    labels = np.full(len(values), -1, dtype=np.int64)
    labels[clustered] = labels_clustered
    return Grouping(positions, labels, k, silhouette, stable)


def _best_k(points: NDArray[np.float64], seed: int) -> tuple[int, float, NDArray[np.int64]]:
    """The k-means grouping, k from `K_RANGE`, with the best silhouette.

    Past `KMEANS_MEMBERS` members, each k's starts are tried on a random sample of that many,
    and the best of them is then run on everyone: the centres a sample of thousands finds are
    those of the whole, to well within a group's spread, at a fraction of the cost. Silhouettes
    are scored on at most `SILHOUETTE_MEMBERS`, the same ones for every k, their distances
    computed once."""
    import numpy as np
    from sklearn.cluster import KMeans
    from sklearn.metrics import pairwise_distances, silhouette_score

    rng = np.random.default_rng(seed)
    tried, scored = points, np.arange(len(points))
    if len(points) > KMEANS_MEMBERS:
        tried = points[rng.choice(len(points), KMEANS_MEMBERS, replace=False)]
    if len(points) > SILHOUETTE_MEMBERS:
        scored = rng.choice(len(points), SILHOUETTE_MEMBERS, replace=False)
    distances = pairwise_distances(points[scored])
    best: tuple[int, float, NDArray[np.int64]] | None = None
    distinct = len(np.unique(np.round(tried, 9), axis=0))  # members who voted alike coincide
    for k in K_RANGE:
        if k >= len(points) or k > distinct:  # no more groups than distinct places
            break
        kmeans = KMeans(n_clusters=k, n_init=KMEANS_STARTS, random_state=seed).fit(tried)
        if tried is not points:
            kmeans = KMeans(n_clusters=k, init=kmeans.cluster_centers_, n_init=1).fit(points)
        labels = kmeans.labels_.astype(np.int64)
        if len(set(labels[scored].tolist())) < 2:
            continue
        score = float(silhouette_score(distances, labels[scored], metric="precomputed"))
        if best is None or score > best[1]:
            best = (k, score, labels)
    if best is None:  # every point in one place: one group, nothing to show
        return 1, 0.0, np.zeros(len(points), dtype=np.int64)
    return best


def stability(
    values: NDArray[np.float64],
    labels: NDArray[np.int64],
    k: int,
    seed: int = 0,
    resamples: int = BOOTSTRAP_SAMPLES,
) -> float:
    """Mean adjusted Rand index between the groups found on bootstrap resamples of the members
    and the groups of the full data, over the same members."""
    from bot.analysis.cores import one_core

    if resamples < 1:
        return float("nan")
    if k < 2:
        return 0.0
    with one_core():
        return _resampled(values, labels, k, seed, resamples)


def _resampled(
    values: NDArray[np.float64], labels: NDArray[np.int64], k: int, seed: int, resamples: int
) -> float:
    import numpy as np
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score

    rng = np.random.default_rng(seed)
    members = len(values)
    subset = np.arange(members)
    if members > BOOTSTRAP_MEMBERS:
        subset = rng.choice(members, BOOTSTRAP_MEMBERS, replace=False)
    scores = []
    for _ in range(resamples):
        drawn = rng.choice(subset, len(subset), replace=True)
        placed, place = _mapped(values[drawn])
        kmeans = KMeans(n_clusters=k, n_init=2, random_state=int(rng.integers(1 << 31)))
        kmeans.fit(placed)
        again = kmeans.predict(place(values[subset]))
        scores.append(adjusted_rand_score(labels[subset], again))
    return float(np.mean(scores))
