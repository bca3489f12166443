"""The member x claim vote matrix of a post: +1 agree, -1 disagree, 0 pass, NaN not seen.

The numbers Polis uses, so its open data and ours mean the same. Built from each claim's sides
(`ClaimVoters`) as storage reads them: a few hundred lists of names, turned into row numbers
with one dictionary, so 3 million votes take well under a second. Members are rows in sorted
order, so the same votes make the same matrix, and the same analysis, in whatever order the
database returned them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import count
from typing import TYPE_CHECKING

from bot.domain import Choice, ClaimVoters

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

VALUES = {Choice.AGREE: 1.0, Choice.DISAGREE: -1.0, Choice.PASS: 0.0}


@dataclass(frozen=True)
class VoteMatrix:
    members: list[str]  # the rows, sorted
    claims: list[int]  # the columns: claim ids
    values: NDArray[np.float64]  # +1 agree, -1 disagree, 0 pass, NaN not seen

    @property
    def seen(self) -> NDArray[np.bool_]:
        import numpy as np

        return ~np.isnan(self.values)

    def votes_per_member(self) -> NDArray[np.int64]:
        counts: NDArray[np.int64] = self.seen.sum(axis=1)
        return counts


def vote_matrix(sides: Iterable[ClaimVoters], claims: Sequence[int]) -> VoteMatrix:
    """The matrix of the votes in `sides` on `claims`; votes on other claims (a removed claim,
    say) are left out."""
    import numpy as np

    column = {claim: i for i, claim in enumerate(claims)}
    kept = [side for side in sides if side.claim_id in column]
    # Each name is hashed once, in C: `setdefault` numbers a member by the position of their
    # first vote, and `rank` then turns those numbers into places in the sorted order.
    position = count()
    first_vote: dict[str, int] = {}
    firsts = [
        np.fromiter(map(first_vote.setdefault, side.voters, position), np.intp, len(side.voters))
        for side in kept
    ]
    members = sorted(first_vote)
    rank = np.zeros(next(position), dtype=np.intp)
    rank[np.array([first_vote[m] for m in members], dtype=np.intp)] = np.arange(len(members))
    values = np.full((len(members), len(claims)), np.nan)
    for side, first in zip(kept, firsts, strict=True):
        values[rank[first], column[side.claim_id]] = VALUES[side.choice]
    return VoteMatrix(members, list(claims), values)


def sides_of(votes: Iterable[tuple[str, int, str]]) -> list[ClaimVoters]:
    """Single votes (member, claim id, choice) gathered into the sides `vote_matrix` reads: for
    votes that come one by one, as from a Polis export or a test."""
    voters: defaultdict[tuple[int, str], list[str]] = defaultdict(list)
    for member, claim, choice in votes:
        voters[claim, choice].append(member)
    return [ClaimVoters(claim, Choice(choice), names) for (claim, choice), names in voters.items()]
