"""Who agrees with whom, in words: the lines under a post's results, a member's own place for
`me`, and how a digest's claim divides the groups. Shares always come with their intervals, and
no member is ever named."""

from __future__ import annotations

from bot.analysis import SHOWN, Analysis, MemberPlace, Share
from bot.answers import PostPlace
from bot.digest import Standing
from bot.domain import Choice
from bot.words import count


def stance(choice: Choice) -> str:
    return "agree" if choice is Choice.AGREE else "disagree"


def share(s: Share) -> str:
    """`80% (62–91%)`: a share of votes and its 95% interval."""
    return f"{s.value:.0%} ({s.low * 100:.0f}–{s.high:.0%})"


def _by_group(a: Analysis, shares: list[Share]) -> str:
    return ", ".join(f"{g.name} {share(s)}" for g, s in zip(a.groups, shares, strict=True))


def _sure(confidence: float) -> str:
    return ">99%" if confidence > 0.99 else f"{confidence:.0%}"


def analysis_basis(a: Analysis) -> str:
    """What the analysis rests on, and how to read its shares."""
    return (
        f"{count(a.voters, 'voter')}, {a.grouped} with 7 votes or more; shares are of each "
        "group's votes, passes included, with 95% intervals"
    )


def analysis_lines(a: Analysis) -> list[str]:
    """Who agrees with whom, in lines under a post's results. Names no member."""
    lines = [f"Who agrees with whom ({analysis_basis(a)}):"]
    if a.no_groups_because:
        lines.append(f"  {a.no_groups_because}")
    else:
        sizes = ", ".join(f"{g.name} ({count(g.size, 'member')})" for g in a.groups)
        lines.append(
            f"  Opinion groups: {sizes}; much the same in other samples of the voters "
            f"(stability {a.stability:.2f})."
        )
        for group in a.groups:
            if group.representative:
                lines.append(f"  What sets group {group.name} apart:")
            lines += [
                f"    {r.claim.ref}  {r.claim.text} — {share(r.in_group)} of {group.name} "
                f"{stance(r.stance)}, {share(r.elsewhere)} of the rest "
                f"({_sure(r.confidence)} sure)"
                for r in group.representative
            ]
    if a.consensus:
        lines.append("  Every group agrees:" if a.groups else "  Most voters agree:")
        lines += [
            f"    {c.claim.ref}  {c.claim.text} — {stance(c.stance)}: "
            + (_by_group(a, c.shares) if a.groups else share(c.shares[0]))
            for c in a.consensus[:SHOWN]
        ]
    if a.bridging:
        also = "Also agreed with" if a.consensus else "Bridging claims, agreed with"
        lines.append(f"  {also} across the divide rather than along it:")
        lines += [
            f"    {b.claim.ref}  {b.claim.text} — {b.score:.0%} agree at either end"
            for b in a.bridging[:SHOWN]
        ]
    if a.divisive:
        lines.append("  Where the groups split:")
        lines += [
            f"    {d.claim.ref}  {d.claim.text} — agree: {_by_group(a, d.shares)}"
            for d in a.divisive[:SHOWN]
        ]
    return lines


def place_sentence(where: PostPlace) -> str:
    """Where the member sits on one post, in one sentence."""
    post, place = where.post, where.place
    if place.group is None:
        return (
            f"Post {post.ref}: not in a group yet; members join one once they have voted on "
            "7 of its claims."
        )
    differs = (
        " You differ from most of it on:"
        if place.differs_on
        else (" You vote with it wherever it leans clearly.")
    )
    return f"Post {post.ref}: group {place.group} ({count(place.group_size, 'member')}).{differs}"


def differences(place: MemberPlace) -> list[str]:
    return [
        f"{claim.ref}  {claim.text} — you {stance(yours)}; {share(theirs)} of "
        f"{place.group} {stance(Choice.DISAGREE if yours is Choice.AGREE else Choice.AGREE)}"
        for claim, yours, theirs in place.differs_on
    ]


def groups_said(s: Standing) -> str:
    """How the opinion groups of the claim's post stand on it, when it has groups."""
    by_group = s.by_group
    if by_group is None:
        return ""
    found = by_group.consensus or by_group.split
    if found is None:
        return ""
    shares = ", ".join(
        f"{name} {share(x)}" for name, x in zip(by_group.groups, found.shares, strict=True)
    )
    if by_group.consensus:
        return f"; every opinion group {stance(found.stance)}s: {shares}"
    return f"; the opinion groups split, agreeing: {shares}"
