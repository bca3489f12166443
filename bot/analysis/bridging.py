"""Bridging, in the manner of Community Notes: a claim liked across the divide, not by one side.

Each agree (1) or disagree (0) of member u on claim c is modelled as

    r(u, c) ~ mu + i_u + i_c + f_u * f_c

where f is one latent factor, the axis along which the community splits, and the intercepts
carry what the factor cannot. The intercepts are penalised more than the factors (as Community
Notes does, 0.15 against 0.03), so agreement that follows the split is explained by the factor;
what remains in a claim's intercept is support from both ends. Passes say nothing here and are
left out.

The factor need not be centred: with one large camp and one small, the large camp sits near
f = 0. So a claim's bridging score is not its intercept alone but its modelled agreement at
whichever end of the divide (`ENDS`) likes it less: high only when both ends agree.

Fitted by alternating least squares: each member's (i_u, f_u) and each claim's (i_c, f_c) is a
2 x 2 linear solve, done for all of them at once with bincounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

INTERCEPT_PENALTY = 0.15
FACTOR_PENALTY = 0.03
ROUNDS = 40
ENDS = (10, 90)  # percentiles of the members' factors taken as the two ends of the divide


@dataclass(frozen=True)
class Bridging:
    """The fitted model, per claim and per member (in the matrix's order)."""

    mean: float
    claim_intercepts: NDArray[np.float64]
    claim_factors: NDArray[np.float64]
    member_intercepts: NDArray[np.float64]
    member_factors: NDArray[np.float64]
    ends: tuple[float, float]  # the factor at either end of the divide

    @property
    def scores(self) -> NDArray[np.float64]:
        """A claim's modelled agreement at the end of the divide that likes it less."""
        import numpy as np

        low, high = self.ends
        at_ends = np.minimum(self.claim_factors * low, self.claim_factors * high)
        scores: NDArray[np.float64] = self.mean + self.claim_intercepts + at_ends
        return scores

    def predict(self, members: NDArray[np.int64], claims: NDArray[np.int64]) -> NDArray[np.float64]:
        """The modelled chance that each member agrees with each claim (pairs of indices)."""
        return (
            self.mean
            + self.member_intercepts[members]
            + self.claim_intercepts[claims]
            + self.member_factors[members] * self.claim_factors[claims]
        )


def fit_bridging(values: NDArray[np.float64], seed: int = 0) -> Bridging:
    """The model fitted on a vote matrix (+1 agree, -1 disagree; 0 and NaN left out)."""
    import numpy as np

    members, claims = np.nonzero((values == 1) | (values == -1))
    ratings = (values[members, claims] > 0).astype(np.float64)
    n_members, n_claims = values.shape
    rng = np.random.default_rng(seed)
    member_factor: NDArray[np.float64] = rng.normal(0, 0.1, size=(n_members,))
    claim_factor: NDArray[np.float64] = rng.normal(0, 0.1, size=(n_claims,))
    member_intercept: NDArray[np.float64] = np.zeros(n_members)
    claim_intercept: NDArray[np.float64] = np.zeros(n_claims)
    mean = float(ratings.mean()) if len(ratings) else 0.5
    for _ in range(ROUNDS):
        residual = ratings - mean - claim_intercept[claims]
        member_intercept, member_factor = _solve(members, residual, claim_factor[claims], n_members)
        residual = ratings - mean - member_intercept[members]
        claim_intercept, claim_factor = _solve(claims, residual, member_factor[members], n_claims)
        explained = (
            member_intercept[members]
            + claim_intercept[claims]
            + member_factor[members] * claim_factor[claims]
        )
        mean = float((ratings - explained).sum() / (len(ratings) + INTERCEPT_PENALTY))
    rated = np.bincount(members, minlength=n_members) > 0
    low, high = np.percentile(member_factor[rated], ENDS) if rated.any() else (0.0, 0.0)
    ends = (float(low), float(high))
    return Bridging(mean, claim_intercept, claim_factor, member_intercept, member_factor, ends)


def _solve(
    owner: NDArray[np.int64], target: NDArray[np.float64], other: NDArray[np.float64], size: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """For every owner at once: the intercept b and factor f minimising
    sum (target - b - f * other)^2 + INTERCEPT_PENALTY b^2 + FACTOR_PENALTY f^2."""
    import numpy as np

    n = np.bincount(owner, minlength=size).astype(np.float64)
    s_o = np.bincount(owner, other, minlength=size)
    s_oo = np.bincount(owner, other * other, minlength=size)
    s_t = np.bincount(owner, target, minlength=size)
    s_to = np.bincount(owner, target * other, minlength=size)
    a, b, d = n + INTERCEPT_PENALTY, s_o, s_oo + FACTOR_PENALTY
    determinant = a * d - b * b
    intercept = (d * s_t - b * s_to) / determinant
    factor = (a * s_to - b * s_t) / determinant
    return intercept, factor
