"""Who agrees with whom on a post: opinion groups as Polis finds them, group-informed consensus,
representative claims per group, bridging claims in the manner of Community Notes, and the
claims that split the groups.

numpy and scikit-learn are imported inside the functions that need them, so the rest of the
bot (the console, extraction) starts without loading them.
"""

from bot.analysis.report import (
    Analysis,
    BridgingClaim,
    GroupShares,
    MemberPlace,
    OpinionGroup,
    Representative,
    analyse,
)

__all__ = [
    "Analysis",
    "BridgingClaim",
    "GroupShares",
    "MemberPlace",
    "OpinionGroup",
    "Representative",
    "analyse",
]
