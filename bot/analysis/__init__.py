"""Who agrees with whom on a post: opinion groups as Polis finds them, group-informed consensus,
representative claims per group, bridging claims in the manner of Community Notes, and the
claims that split the groups.

numpy and scikit-learn are imported inside the functions that need them, so the rest of the
bot (the console, extraction) starts without loading them.
"""

from bot.analysis.report import (
    SHOWN,
    Analysis,
    BridgingClaim,
    GroupShares,
    MemberPlace,
    OpinionGroup,
    Representative,
    Share,
    analyse,
)

__all__ = [
    "SHOWN",
    "Analysis",
    "BridgingClaim",
    "GroupShares",
    "MemberPlace",
    "OpinionGroup",
    "Representative",
    "Share",
    "analyse",
]


def warm_up() -> None:
    """Load numpy and scikit-learn now (the bot does it in a thread as it starts), so that the
    first results asked for do not wait seconds for them."""
    import sklearn.cluster
    import sklearn.decomposition
    import sklearn.metrics  # noqa: F401
