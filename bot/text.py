"""Plain-text renderings of the engine's results, for the console and as every adapter's fallback.

Platform adapters may render richer forms (embeds, Block Kit) from the same values; they escape
this text for their platform themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.digest import Digest
from bot.domain import (
    AuditEntry,
    Choice,
    Claim,
    ClaimStatus,
    MemberVote,
    Poll,
    Post,
    Settings,
    Tally,
)
from bot.forecasts import Calibration
from bot.results import ClaimResult, Results


def count(n: int, noun: str) -> str:
    """`1 vote`, `2 votes`."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def poll_state(poll: Poll | None, closed: bool) -> str:
    if poll is None:
        return "poll not opened yet"
    if closed:
        return "poll closed"
    if poll.closes_at:
        return f"poll open until {when(poll.closes_at)}"
    return "poll open"


def tally(t: Tally) -> str:
    return f"{t.agree} agree · {t.disagree} disagree · {t.passed} pass"


def claim_line(claim: Claim) -> str:
    marks = []
    if claim.status is not ClaimStatus.ACTIVE:
        marks.append(claim.status.value)
    if claim.kind.value == "prediction":
        marks.append("prediction")
    prefix = f"[{', '.join(marks)}] " if marks else ""
    return f"{claim.ref}  {prefix}{claim.text}"


def claim_result(row: ClaimResult) -> str:
    line = claim_line(row.claim)
    if not row.visible:
        return f"{line}\n      (tallies show once you vote on it)"
    if row.tally.total == 0:
        return f"{line}\n      no votes yet"
    detail = tally(row.tally)
    if row.agreement is not None:
        low, high = row.interval
        detail += (
            f" — {row.agreement:.0%} agree (95%: {low:.0%}–{high:.0%}),"
            f" turnout {row.turnout:.0%}, divisiveness {row.divisiveness:.2f}"
        )
    return f"{line}\n      {detail}"


def results(r: Results, heading: str = "Results for") -> str:
    voters = f"{r.voters} voter{'s' if r.voters != 1 else ''}"
    lines = [
        f"{heading} post {r.post.ref}: {r.post.title} ({poll_state(r.poll, r.closed)}, {voters})"
    ]
    if not r.claims:
        lines.append("No claims to show.")
    lines += [claim_result(row) for row in r.claims]
    return "\n".join(lines)


def claim_list(r: Results) -> str:
    return results(r, heading="Claims of")


def vote_receipt(claim: Claim, choice: Choice, previous: Choice | None, t: Tally | None) -> str:
    if previous is None:
        said = f"Your vote on {claim.ref} is counted: {choice.value}."
    elif previous == choice:
        said = f"You had already voted {choice.value} on {claim.ref}."
    else:
        said = f"Your vote on {claim.ref} changed from {previous.value} to {choice.value}."
    if t is None:
        return said + " Tallies show once the poll closes."
    return f"{said} Now: {tally(t)}."


def member_summary(votes: Sequence[MemberVote], calibration: Calibration) -> str:
    if not votes:
        return "You have not voted on anything here."
    lines = ["Your votes:"]
    lines += [f"{v.claim.ref}  {v.choice.value:<8} {v.claim.text}" for v in votes]
    if calibration.brier is not None:
        lines.append(
            f"Your forecasts: {calibration.scored} resolved, Brier score "
            f"{calibration.brier:.2f} (0 is perfect, 0.25 is a coin toss, 1 always wrong)."
        )
    return "\n".join(lines)


def _share(x: float | None) -> str:
    return "no sides yet" if x is None else f"{x:.0%} agree"


def _versus(now: int, before: int) -> str:
    return f"{now} (week before: {before})"


def digest(d: Digest) -> str:
    """The weekly digest as plain text: a short one for a quiet week."""
    late = " (sent late)" if d.late else ""
    lines = [f"Weekly digest, {d.week_start:%d %b} – {d.week_end:%d %b %Y}{late}"]
    if d.quiet:
        lines.append("A quiet week: no votes, no new posts, nothing waiting for moderators.")
        if d.forecasts.community_brier is not None:
            lines.append(_calibration_line(d))
        return "\n".join(lines)
    p, before = d.participation, d.week_before
    lines.append(
        f"Voters: {_versus(p.voters, before.voters)}; votes: {_versus(p.votes, before.votes)}; "
        f"{p.members_changed} member(s) changed {p.changed_votes} vote(s)."
    )
    if d.posts:
        lines.append("Posts:")
        lines += [
            f"  {n.ref}  {n.title} ({'added' if n.added else ''}"
            f"{' and ' if n.added and n.polled else ''}{'poll opened' if n.polled else ''})"
            for n in d.posts
        ]
    sections = [
        ("Where the community agrees", d.consensus),
        ("Where it splits", d.divisive),
    ]
    for heading, standings in sections:
        if standings:
            lines.append(f"{heading}:")
            lines += [f"  {s.claim.ref}  {s.claim.text} — {_share(s.agreement)}" for s in standings]
    if d.movers:
        lines.append("Minds moved on:")
        lines += [
            f"  {s.claim.ref}  {s.claim.text} — {_share(s.agreement)} ({s.change:+.0%})"
            for s in d.movers
        ]
    if d.pending_proposals:
        lines.append(f"Proposals waiting for moderators: {len(d.pending_proposals)}")
    if d.forecasts.due:
        lines.append("Forecasts now due:")
        lines += [
            f"  {s.claim.ref}  {s.claim.text} (due {s.claim.resolve_on})" for s in d.forecasts.due
        ]
    if d.forecasts.resolved:
        lines.append("Forecasts resolved:")
        lines += [
            f"  {s.claim.ref}  {s.claim.text}: {s.claim.resolution or '?'}"
            f" (community said {_share(s.agreement)})"
            for s in d.forecasts.resolved
        ]
    if d.forecasts.community_brier is not None:
        lines.append(_calibration_line(d))
    return "\n".join(lines)


def _calibration_line(d: Digest) -> str:
    return (
        f"Community calibration: Brier {d.forecasts.community_brier:.2f} over "
        f"{d.forecasts.scored} resolved forecast(s) (0 is perfect)."
    )


def post_list(posts: Sequence[Post]) -> str:
    if not posts:
        return "No posts yet; a moderator adds one with the `post` command."
    return "\n".join(f"{p.ref}  {p.title}" + (f"  <{p.url}>" if p.url else "") for p in posts)


def claims_queue(claims: Sequence[Claim]) -> str:
    if not claims:
        return "No proposals are waiting."
    lines = ["Proposals waiting for review:"]
    lines += [f"{c.ref}  {c.text}  (from {c.author})" for c in claims]
    return "\n".join(lines)


_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def settings(s: Settings) -> str:
    mods = ", ".join(sorted(s.moderators)) or "none listed"
    schedule = s.digest_schedule
    when_sent = (
        f"{_DAYS[schedule.weekday]} {schedule.at:%H:%M} {schedule.tz}" if schedule else "off"
    )
    return "\n".join(
        [
            f"Results visibility: {s.visibility.value}",
            f"Auto-approve member proposals: {'on' if s.auto_approve else 'off'}",
            f"Moderator role: {s.moderator_role or 'none'}",
            f"Listed moderators: {mods}",
            f"Weekly digest: {when_sent}, to {s.digest_channel or 'no channel yet'};"
            f" quiet weeks: {s.quiet_weeks.value}",
        ]
    )


def audit(entries: Sequence[AuditEntry]) -> str:
    if not entries:
        return "The audit log is empty."
    return "\n".join(f"{when(e.at)}  {e.actor}: {e.detail}" for e in entries)
