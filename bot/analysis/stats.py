"""What each group thinks of each claim, as Polis counts it: smoothed shares of agree and
disagree, how a group differs from everyone else, and the consensus of all groups at once.

For a group g and a claim c, with `na` agrees, `nd` disagrees and `ns` votes seen in the group:
- pa = (na + 1) / (ns + 2), likewise pd: a share that does not claim certainty from two votes;
- ra = pa(g) / pa(not g): how much likelier the group is to agree than the rest, with `rat` the
  two-proportion z score of that difference (likewise rd, rdt for disagreeing);
- group-informed consensus = the product over groups of pa: high only when every group agrees,
  however big or small each group is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

Z_90 = 1.2816  # one-sided 90%: Polis's bar for a representative claim


@dataclass(frozen=True)
class GroupStats:
    """Per group (rows) and claim (columns)."""

    agree: NDArray[np.int64]
    disagree: NDArray[np.int64]
    seen: NDArray[np.int64]
    pa: NDArray[np.float64]
    pd: NDArray[np.float64]
    ra: NDArray[np.float64]
    rd: NDArray[np.float64]
    rat: NDArray[np.float64]  # z of ra
    rdt: NDArray[np.float64]  # z of rd
    pat: NDArray[np.float64]  # z of pa against an even split
    pdt: NDArray[np.float64]

    @property
    def consensus_agree(self) -> NDArray[np.float64]:
        """Group-informed consensus for agreeing, per claim."""
        return self.pa.prod(axis=0)  # type: ignore[no-any-return]

    @property
    def consensus_disagree(self) -> NDArray[np.float64]:
        return self.pd.prod(axis=0)  # type: ignore[no-any-return]


def group_stats(values: NDArray[np.float64], labels: NDArray[np.int64], k: int) -> GroupStats:
    """The statistics of each of `k` groups (labels 0..k-1; -1 rows are left out)."""
    import numpy as np

    agree = np.zeros((k, values.shape[1]), dtype=np.int64)
    disagree = np.zeros_like(agree)
    seen = np.zeros_like(agree)
    for g in range(k):
        rows = values[labels == g]
        agree[g] = (rows == 1).sum(axis=0)
        disagree[g] = (rows == -1).sum(axis=0)
        seen[g] = (~np.isnan(rows)).sum(axis=0)
    pa = (agree + 1) / (seen + 2)
    pd = (disagree + 1) / (seen + 2)
    out_agree, out_disagree = agree.sum(axis=0) - agree, disagree.sum(axis=0) - disagree
    out_seen = seen.sum(axis=0) - seen
    pa_out = (out_agree + 1) / (out_seen + 2)
    pd_out = (out_disagree + 1) / (out_seen + 2)
    return GroupStats(
        agree=agree,
        disagree=disagree,
        seen=seen,
        pa=pa,
        pd=pd,
        ra=pa / pa_out,
        rd=pd / pd_out,
        rat=_two_proportions(agree, out_agree, seen, out_seen),
        rdt=_two_proportions(disagree, out_disagree, seen, out_seen),
        pat=_one_proportion(agree, seen),
        pdt=_one_proportion(disagree, seen),
    )


def _one_proportion(hits: NDArray[np.int64], trials: NDArray[np.int64]) -> NDArray[np.float64]:
    """z of a smoothed share against an even split."""
    import numpy as np

    n = trials + 1
    z: NDArray[np.float64] = 2 * np.sqrt(n) * ((hits + 1) / n - 0.5)
    return z


def _two_proportions(
    hits_in: NDArray[np.int64],
    hits_out: NDArray[np.int64],
    n_in: NDArray[np.int64],
    n_out: NDArray[np.int64],
) -> NDArray[np.float64]:
    """z of the difference between two smoothed shares (Polis's `two-prop-test`)."""
    import numpy as np

    a, b, m, n = hits_in + 1, hits_out + 1, n_in + 1, n_out + 1
    pooled = (a + b) / (m + n)
    spread = np.sqrt(pooled * (1 - pooled) * (1 / m + 1 / n))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (a / m - b / n) / spread
    found: NDArray[np.float64] = np.where(spread > 0, z, 0.0)
    return found
