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
    from bot.analysis import Analysis
    from bot.digest import Digest
    from bot.results import Results

MAX_BARS = 8
MAX_RESULT_BARS = 25
GROUP_COLOURS = ("#1f77b4", "#ff7f0e", "#9467bd", "#17becf", "#8c564b")
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

    def results(self, results: Results) -> list[tuple[str, bytes]]:
        title = f"Post {results.post.ref}: {textwrap.shorten(results.post.title, 70)}"
        charts = []
        bars = [Bar(r.claim, r.tally) for r in results.claims if r.visible and r.tally.total]
        if bars:
            charts.append(("claims.png", stance_chart(bars[:MAX_RESULT_BARS], title)))
        analysis = results.analysis
        if analysis is not None and analysis.groups and analysis.positions:
            charts.append(("opinion-map.png", opinion_map(analysis, title)))
        return charts


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


def _pyplot():  # type: ignore[no-untyped-def]
    """matplotlib's pyplot, drawing to PNGs (Agg): no screen needed."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    return pyplot


def warm_up() -> None:
    """Load matplotlib now (the bot does it in a thread as it starts), so that the first chart
    does not keep a member waiting for it."""
    _pyplot()


def stance_chart(bars: Sequence[Bar], title: str) -> bytes:
    """A PNG of one 100% bar per claim: agree, pass and disagree with their counts."""
    pyplot = _pyplot()

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


def opinion_map(analysis: Analysis, title: str) -> bytes:
    """Members as points on the two axes of their votes, each group outlined and named; members
    who voted too little to be grouped in grey. No names: a point is nobody in particular."""
    import numpy as np
    from scipy.spatial import ConvexHull, QhullError

    pyplot = _pyplot()

    points = np.asarray([(x, y) for x, y, _ in analysis.positions])
    groups = np.asarray([g for _, _, g in analysis.positions])
    figure, axes = pyplot.subplots(figsize=(7, 6), dpi=100)
    try:
        loose = groups < 0
        axes.scatter(
            points[loose, 0], points[loose, 1], s=8, color="#bdbdbd", label="too few votes"
        )
        for g, group in enumerate(analysis.groups):
            mine = points[groups == g]
            colour = GROUP_COLOURS[g % len(GROUP_COLOURS)]
            axes.scatter(mine[:, 0], mine[:, 1], s=10, color=colour, alpha=0.7,
                         label=f"group {group.name} ({group.size})")  # fmt: skip
            if len(mine) >= 3:
                try:
                    hull = ConvexHull(mine)
                except QhullError:  # all in a line: nothing to outline
                    hull = None
                if hull is not None:
                    ring = np.append(hull.vertices, hull.vertices[0])
                    axes.plot(mine[ring, 0], mine[ring, 1], color=colour, linewidth=1.2)
            centre = mine.mean(axis=0)
            axes.text(centre[0], centre[1], group.name, fontsize=16, weight="bold",
                      color=colour, ha="center", va="center")  # fmt: skip
        axes.set_xticks([])
        axes.set_yticks([])
        axes.set_title(f"Opinion groups · {title}", fontsize=10)
        axes.set_xlabel(
            "members who vote alike sit close together (neither axis means anything alone)",
            fontsize=8,
        )
        axes.legend(fontsize=8, loc="best", frameon=False)
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="png")
        return out.getvalue()
    finally:
        pyplot.close(figure)
