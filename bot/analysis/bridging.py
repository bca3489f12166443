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
2 x 2 linear solve, done for all of them at once with matrix products.
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

    from bot.analysis.cores import one_core

    # Two 0/1 matrices, rated and agreed, in float32 (exact for 0 and 1, half the memory of
    # float64): every sum the solves need is then a product of one of them with a few columns,
    # one pass over memory, where indexing each rating (as numpy's bincount does) costs a
    # pass per sum. Sums come back as float64.
    rated = ((values == 1) | (values == -1)).astype(np.float32)
    agreed = (values == 1).astype(np.float32)
    n_members, n_claims = values.shape
    member_votes, claim_votes = rated.sum(axis=1, dtype=np.float64), rated.sum(0, np.float64)
    member_agrees, claim_agrees = agreed.sum(axis=1, dtype=np.float64), agreed.sum(0, np.float64)
    ratings, agrees = float(member_votes.sum()), float(member_agrees.sum())
    rng = np.random.default_rng(seed)
    member_factor: NDArray[np.float64] = rng.normal(0, 0.1, size=(n_members,))
    claim_factor: NDArray[np.float64] = rng.normal(0, 0.1, size=(n_claims,))
    member_intercept: NDArray[np.float64] = np.zeros(n_members)
    claim_intercept: NDArray[np.float64] = np.zeros(n_claims)
    mean = agrees / ratings if ratings else 0.5
    with one_core():
        for _ in range(ROUNDS):
            member_intercept, member_factor, _ = _solve(
                rated, agreed, member_votes, member_agrees, mean, claim_intercept, claim_factor
            )
            claim_intercept, claim_factor, member_factors_of_claim = _solve(
                rated.T, agreed.T, claim_votes, claim_agrees, mean, member_intercept, member_factor
            )
            explained = (  # sum over ratings of i_u + i_c + f_u * f_c
                member_votes @ member_intercept
                + claim_votes @ claim_intercept
                + claim_factor @ member_factors_of_claim
            )
            mean = (agrees - explained) / (ratings + INTERCEPT_PENALTY)
    voted = member_votes > 0
    low, high = np.percentile(member_factor[voted], ENDS) if voted.any() else (0.0, 0.0)
    ends = (float(low), float(high))
    return Bridging(mean, claim_intercept, claim_factor, member_intercept, member_factor, ends)


def _solve(
    rated: NDArray[np.float32],
    agreed: NDArray[np.float32],
    votes: NDArray[np.float64],
    agrees: NDArray[np.float64],
    mean: float,
    other_intercept: NDArray[np.float64],
    other_factor: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """For every row of `rated` at once: the intercept b and factor f minimising
    sum (r - mean - other_intercept - b - f * other_factor)^2 + INTERCEPT_PENALTY b^2 +
    FACTOR_PENALTY f^2 over the row's ratings r (1 agree, 0 disagree); and the sum of
    `other_factor` over them, which the mean's update needs too."""
    import numpy as np

    columns = [other_factor, other_factor**2, other_intercept, other_intercept * other_factor]
    sums = (rated @ np.column_stack(columns).astype(np.float32)).astype(np.float64)
    s_o, s_oo, s_i, s_io = sums.T
    s_agreed_o = (agreed @ other_factor.astype(np.float32)).astype(np.float64)
    s_t = agrees - mean * votes - s_i  # sum of the target, r - mean - other_intercept
    s_to = s_agreed_o - mean * s_o - s_io  # the same, each times other_factor
    a, b, d = votes + INTERCEPT_PENALTY, s_o, s_oo + FACTOR_PENALTY
    determinant = a * d - b * b
    intercept = (d * s_t - b * s_to) / determinant
    factor = (a * s_to - b * s_t) / determinant
    return intercept, factor, s_o
