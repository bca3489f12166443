"""Charts drawn with matplotlib: the `bot.ports.Charts` port.

Each claim is one bar of 100%: agree to the left, pass in the middle, disagree to the right,
with its counts written on it, its ref and a readable label beside it, and a marked line at 50%.
The verdict on the right says what the numbers allow: an agreement with its 95% interval, or
"too few votes to tell" while the interval still straddles an even split.

matplotlib is imported on first use (it takes a while to load), with the Agg backend so no screen
is needed, and each figure is closed once written so a long-running bot does not collect them.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.domain import Claim, Tally
from bot.results import agreement, wilson_interval

if TYPE_CHECKING:
    from bot.digest import Digest

MAX_BARS = 8
LABEL_WIDTH = 34  # characters a label line holds
LABEL_LINES = 2
AGREE, PASS, DISAGREE = "#2e7d32", "#bdbdbd", "#c62828"


@dataclass(frozen=True)
class Bar:
    claim: Claim
    tally: Tally


class MatplotlibCharts:
    """PNG charts for the core's values."""

    def digest(self, digest: Digest) -> bytes | None:
        return digest_chart(digest)


def digest_chart(digest: Digest) -> bytes | None:
    """Where the community stood at the week's end on the claims it voted on: the clearest
    agreements and splits first, then the most voted; None for a week without votes."""
    shown: dict[str, Bar] = {}
    standings = digest.consensus + digest.divisive + digest.movers + digest.voted
    for standing in standings:
        if standing.tally.total:
            shown.setdefault(standing.claim.ref, Bar(standing.claim, standing.tally))
    if not shown:
        return None
    week = f"{digest.week_start:%d %b} – {digest.week_end:%d %b %Y}"
    return stance_chart(list(shown.values())[:MAX_BARS], f"Where the community stood, {week}")


def label(claim: Claim) -> str:
    """`1.3  Sanctions on Russia have` / `failed to change its course` : whole words only."""
    lines = textwrap.wrap(claim.text, LABEL_WIDTH, break_long_words=False)
    if len(lines) > LABEL_LINES:
        lines = lines[:LABEL_LINES]
        lines[-1] = textwrap.shorten(lines[-1] + " …", LABEL_WIDTH, placeholder=" …")
    return f"{claim.ref}  " + "\n".join(lines)


def verdict(tally: Tally) -> str:
    """What the votes allow one to say of a claim: its agreement, or that it is too early."""
    share = agreement(tally)
    if share is None:
        return "nobody took a side"
    low, high = wilson_interval(tally.agree, tally.agree + tally.disagree)
    said = f"{share:.0%} agree (95%: {low:.0%}–{high:.0%})"
    if low < 0.5 < high:
        return f"{said}\ntoo few votes to tell"
    return said


def stance_chart(bars: Sequence[Bar], title: str) -> bytes:
    """A PNG of one 100% bar per claim: agree, pass and disagree with their counts."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(10, 0.75 * len(bars) + 1.6), dpi=100)
    try:
        rows = list(range(len(bars)))[::-1]  # the first claim on top
        left = [0.0] * len(bars)
        for name, colour, count_of in (
            ("agree", AGREE, lambda t: t.agree),
            ("pass", PASS, lambda t: t.passed),
            ("disagree", DISAGREE, lambda t: t.disagree),
        ):
            widths = [count_of(b.tally) / b.tally.total if b.tally.total else 0.0 for b in bars]
            axes.barh(rows, widths, left=left, color=colour, label=name, height=0.6)
            for row, start, width, bar in zip(rows, left, widths, bars, strict=True):
                if width >= 0.06:
                    colour_of_text = "black" if name == "pass" else "white"
                    axes.text(start + width / 2, row, str(count_of(bar.tally)), ha="center",
                              va="center", fontsize=8, color=colour_of_text)  # fmt: skip
            left = [a + b for a, b in zip(left, widths, strict=True)]
        axes.axvline(0.5, color="#424242", linewidth=1, linestyle="--")
        axes.text(0.5, len(bars) - 0.45, "half", ha="center", va="bottom", fontsize=8)
        axes.set_yticks(rows, [label(b.claim) for b in bars], fontsize=8)
        axes.set_xlim(0, 1)
        axes.set_ylim(-0.6, len(bars) - 0.1)
        axes.set_xticks([0, 0.25, 0.5, 0.75, 1], ["0%", "25%", "50%", "75%", "100%"])
        axes.set_xlabel("share of the votes on each claim (counts on the bars)")
        for row, bar in zip(rows, bars, strict=True):
            axes.text(1.02, row, verdict(bar.tally), va="center", fontsize=8,
                      transform=axes.get_yaxis_transform())  # fmt: skip
        axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=3, fontsize=8,
                    frameon=False)  # fmt: skip
        axes.set_title(title, fontsize=10)
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="png")
        return out.getvalue()
    finally:
        pyplot.close(figure)
