"""Charts drawn with matplotlib: the `bot.ports.Charts` port.

matplotlib is imported on first use (it takes a while to load), with the Agg backend so no screen
is needed, and each figure is closed once written so a long-running bot does not collect them.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from bot.results import wilson_interval

if TYPE_CHECKING:
    from bot.digest import Digest, Standing

MAX_BARS = 8
LABEL_CHARS = 48


class MatplotlibCharts:
    """PNG charts for the core's values."""

    def digest(self, digest: Digest) -> bytes | None:
        return digest_chart(digest)


def digest_chart(digest: Digest) -> bytes | None:
    """A PNG of agreement, with its 95% interval, for the week's claims; None for a quiet week."""
    shown: dict[str, Standing] = {}
    for standing in digest.consensus + digest.divisive + digest.movers:
        if standing.agreement is not None:
            shown.setdefault(standing.claim.ref, standing)
    rows = list(shown.values())[:MAX_BARS]
    if not rows:
        return None

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    labels = [f"{s.claim.ref}  {_clip(s.claim.text)}" for s in rows]
    shares = [s.agreement or 0.0 for s in rows]
    intervals = [wilson_interval(s.tally.agree, s.tally.agree + s.tally.disagree) for s in rows]
    # max(0, …): at 0% or 100% rounding can put the bound a hair inside the share.
    below = [max(0.0, share - low) for share, (low, _) in zip(shares, intervals, strict=True)]
    above = [max(0.0, high - share) for share, (_, high) in zip(shares, intervals, strict=True)]

    figure, axes = pyplot.subplots(figsize=(8, 0.5 * len(rows) + 1.2), dpi=100)
    try:
        positions = list(range(len(rows)))[::-1]
        axes.barh(positions, shares, xerr=[below, above], color="#4c78a8", capsize=3)
        axes.axvline(0.5, color="#888888", linewidth=0.8, linestyle="--")
        axes.set_yticks(positions, labels, fontsize=8)
        axes.set_xlim(0, 1)
        axes.set_xlabel("share agreeing, of those taking a side (95% interval)")
        week = f"{digest.week_start:%d %b} – {digest.week_end:%d %b %Y}"
        axes.set_title(f"Where the community stood, week of {week}", fontsize=10)
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="png")
        return out.getvalue()
    finally:
        pyplot.close(figure)


def _clip(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"
