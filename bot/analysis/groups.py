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
    import numpy as np
    from numpy.typing import NDArray

    from bot.analysis.matrix import VoteMatrix

MIN_VOTES = 7  # Polis: members with fewer votes are placed on the map but not clustered
K_RANGE = range(2, 6)
BOOTSTRAP_SAMPLES = 20
BOOTSTRAP_MEMBERS = 2000  # the most members each resample clusters: its cost stays bounded
SILHOUETTE_MEMBERS = 3000  # silhouette is quadratic: scored on a sample past this size


@dataclass(frozen=True)
class Grouping:
    """Where each member sits, and the group of each clustered member (-1 for the others)."""

    positions: NDArray[np.float64]  # members x 2
    labels: NDArray[np.int64]  # members; -1 when not clustered
    k: int
    silhouette: float
    stability: float


def project(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Each member's place on the map, as Polis computes it."""
    placed: NDArray[np.float64] = _projector(values)(values)
    return placed


def _projector(fitted_on: NDArray[np.float64]):  # type: ignore[no-untyped-def]
    """A function placing vote rows on the map learnt from `fitted_on`'s rows."""
    import numpy as np
    from sklearn.decomposition import PCA

    means = np.nan_to_num(np.nanmean(_with_a_vote(fitted_on), axis=0))
    filled = np.where(np.isnan(fitted_on), means, fitted_on)
    pca = PCA(n_components=2, random_state=0).fit(filled)

    def place(rows: NDArray[np.float64]) -> NDArray[np.float64]:
        seen = (~np.isnan(rows)).sum(axis=1)
        scale = np.sqrt(rows.shape[1] / np.maximum(seen, 1))
        placed = pca.transform(np.where(np.isnan(rows), means, rows))
        return np.asarray(placed * scale[:, None], dtype=np.float64)

    return place


def _with_a_vote(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """`values` with a column nobody voted on set to 0 rather than left all NaN."""
    import numpy as np

    empty = np.isnan(values).all(axis=0)
    if not empty.any():
        return values
    out = values.copy()
    out[:, empty] = 0.0
    return out


def find_groups(matrix: VoteMatrix, seed: int = 0) -> Grouping | None:
    """The opinion groups of a post's voters; None when too few voted enough to cluster."""
    import numpy as np

    values = matrix.values
    clustered = matrix.votes_per_member() >= MIN_VOTES
    if clustered.sum() < max(K_RANGE.start * 2, 4) or values.shape[1] < 2:
        return None
    positions = project(values)
    k, silhouette, labels_clustered = _best_k(positions[clustered], seed)
    labels = np.full(len(values), -1, dtype=np.int64)
    labels[clustered] = labels_clustered
    stable = stability(values[clustered], labels_clustered, k, seed)
    return Grouping(positions, labels, k, silhouette, stable)


def _best_k(points: NDArray[np.float64], seed: int) -> tuple[int, float, NDArray[np.int64]]:
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    best: tuple[int, float, NDArray[np.int64]] | None = None
    for k in K_RANGE:
        if k >= len(points):
            break
        labels = KMeans(n_clusters=k, n_init=4, random_state=seed).fit_predict(points)
        if len(set(labels.tolist())) < 2:
            continue
        sample = min(len(points), SILHOUETTE_MEMBERS)
        score = float(silhouette_score(points, labels, sample_size=sample, random_state=seed))
        if best is None or score > best[1]:
            best = (k, score, labels)
    if best is None:  # every point in one place: one group, nothing to show
        import numpy as np

        return 1, 0.0, np.zeros(len(points), dtype=np.int64)
    return best


def stability(
    values: NDArray[np.float64], labels: NDArray[np.int64], k: int, seed: int = 0
) -> float:
    """Mean adjusted Rand index between the groups found on bootstrap resamples of the members
    and the groups of the full data, over the same members."""
    import numpy as np
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score

    if k < 2:
        return 0.0
    rng = np.random.default_rng(seed)
    members = len(values)
    subset = np.arange(members)
    if members > BOOTSTRAP_MEMBERS:
        subset = rng.choice(members, BOOTSTRAP_MEMBERS, replace=False)
    scores = []
    for _ in range(BOOTSTRAP_SAMPLES):
        drawn = rng.choice(subset, len(subset), replace=True)
        place = _projector(values[drawn])
        kmeans = KMeans(n_clusters=k, n_init=2, random_state=int(rng.integers(1 << 31)))
        kmeans.fit(place(values[drawn]))
        again = kmeans.predict(place(values[subset]))
        scores.append(adjusted_rand_score(labels[subset], again))
    return float(np.mean(scores))
