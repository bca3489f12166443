"""Plain-text renderings of the engine's answers: the console's, and every adapter's fallback.

`render` has one function per kind of answer (`bot.answers`). Platform adapters render richer
forms (embeds, Block Kit) from the same values and escape for their platform themselves; the
words of a claim line (`claim_tags`) and of a tally are the same everywhere.
"""

from __future__ import annotations

from datetime import datetime
from functools import singledispatch

from bot import analysis_text
from bot.analysis_text import groups_said
from bot.answers import (
    AuditLog,
    ClaimChange,
    ClaimChanged,
    ClaimList,
    ClaimsRemoved,
    ClosedPoll,
    CommunitySettings,
    MemberSummary,
    PolisExport,
    PollOpened,
    PostAdded,
    PostList,
    ProposalQueue,
    Proposed,
    Refusal,
    Usage,
    VoteReceipt,
    VotesErased,
)
from bot.digest import Digest
from bot.domain import Claim, ClaimKind, ClaimStatus, Poll, Settings, Tally
from bot.results import ClaimResult, Results
from bot.words import count, listed


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


def claim_tags(claim: Claim, unsure: bool = False) -> list[str]:
    """What a claim line says besides the claim: its status unless active, and a forecast's
    date and outcome; right after extraction, whether the extractor was unsure of a draft
    (`PostAdded.unsure`). Every adapter words a claim line with these."""
    tags = []
    if claim.status is not ClaimStatus.ACTIVE:
        tags.append(claim.status.value)
    if claim.kind is ClaimKind.PREDICTION:
        tags.append(f"prediction, due {claim.resolve_on}" if claim.resolve_on else "prediction")
    if claim.resolution is not None:
        tags.append(f"resolved {claim.resolution.value}")
    if unsure:
        tags.append("unsure")
    return tags


def votes_closed(claim: Claim) -> str:
    """Why a claim of an open poll takes no votes: only forecasts stop early."""
    if claim.resolution is not None:
        return f"votes closed: resolved {claim.resolution.value}"
    return f"votes closed on its resolve date, {claim.resolve_on}"


def claim_line(claim: Claim, unsure: bool = False) -> str:
    tags = claim_tags(claim, unsure)
    prefix = f"[{'; '.join(tags)}] " if tags else ""
    return f"{claim.ref}  {prefix}{claim.text}"


def claim_detail(row: ClaimResult) -> str:
    """The line under a claim: its tallies and agreement, or why they are not shown."""
    if not row.visible:
        return "(tallies show once you vote on it)"
    if row.tally.total == 0:
        return "no votes yet"
    detail = tally(row.tally)
    if row.agreement is not None:
        low, high = row.interval
        detail += (
            f" — {row.agreement:.0%} agree (95%: {low:.0%}–{high:.0%}),"
            f" turnout {row.turnout:.0%}, divisiveness {row.divisiveness:.2f}"
        )
    return detail


def claim_result(row: ClaimResult) -> str:
    return f"{claim_line(row.claim)}\n      {claim_detail(row)}"


DIVISIVENESS = (
    "Divisiveness runs from 0 (everyone who took a side took the same one) to 1 (an even split, "
    "nobody passing)."
)


def results_text(r: Results, heading: str = "Results for") -> str:
    voters = count(r.voters, "voter")
    lines = [
        f"{heading} post {r.post.ref}: {r.post.title} ({poll_state(r.poll, r.closed)}, {voters})"
    ]
    if not r.claims:
        lines.append("No claims to show.")
    lines += [claim_result(row) for row in r.claims]
    if any(row.visible and row.agreement is not None for row in r.claims):
        lines.append(DIVISIVENESS)
    if r.analysis is not None:
        lines += analysis_text.analysis_lines(r.analysis)
    return "\n".join(lines)


def closed_heading(closed: ClosedPoll) -> str:
    return "Poll closed on time. Results for" if closed.on_time else "Poll closed. Results for"


def receipt_sentence(receipt: VoteReceipt) -> str:
    claim, choice, previous = receipt.claim, receipt.choice, receipt.previous
    if previous is None:
        said = f"Your vote on {claim.ref} is counted: {choice.value}."
    elif previous == choice:
        said = f"You had already voted {choice.value} on {claim.ref}."
    else:
        said = f"Your vote on {claim.ref} changed from {previous.value} to {choice.value}."
    if receipt.tally is None:
        return said + " Tallies show once the poll closes."
    return f"{said} Now: {tally(receipt.tally)}."


def claim_changed_sentence(changed: ClaimChanged) -> str:
    claim = changed.claim
    match changed.change:
        case ClaimChange.ADDED:
            return f"Added claim {claim.ref}: {claim.text}"
        case ClaimChange.REWORDED:
            return f"Claim {claim.ref} now reads: {claim.text}"
        case ClaimChange.REMOVED:
            return f"Removed claim {claim.ref} from the vote."
        case ClaimChange.REKINDED:
            return f"Claim {claim.ref} is now a {claim.kind.value}."
        case ClaimChange.DATED:
            return f"Claim {claim.ref} is a forecast resolving on {claim.resolve_on}."
        case ClaimChange.RESOLVED:
            outcome = claim.resolution.value if claim.resolution else "?"
            return f"Forecast {claim.ref} resolved: {outcome}."
        case ClaimChange.APPROVED:
            return f"Approved {claim.ref}: it is open for votes."
        case ClaimChange.REJECTED:
            return f"Rejected {claim.ref}."


# -- one rendering per kind of answer ----------------------------------------------------------


@singledispatch
def render(answer: object) -> str:
    raise TypeError(f"no plain rendering for {type(answer).__name__}")


@render.register
def _(answer: Refusal) -> str:
    return answer.message


def ended(said: str) -> str:
    """`said` as a sentence: a full stop added unless it already ends like one."""
    said = said.rstrip()
    return said if said.endswith((".", "!", "?", "…", ".”", "?”", "!”")) else said + "."


def extractor_line(added: PostAdded) -> str:
    """Which extractor proposed a post's drafts, for the moderator who added it: whether a
    language model read the post, or why it did not."""
    return f"Extractor: {added.extractor}"


@render.register
def _(added: PostAdded) -> str:
    summary = ended(f"Added post {added.post.ref}: {added.post.title}")
    if not added.drafts:
        return (
            f"{summary} Add its claims with `/debate claim add {added.post.ref} <text>`.\n"
            f"{extractor_line(added)}"
        )
    drafts = "\n".join(claim_line(c, c.id in added.unsure) for c in added.drafts)
    return (
        f"{summary} {count(len(added.drafts), 'draft claim')} to review (edit or remove them, "
        f"then `/debate open {added.post.ref}`):\n{drafts}\n{extractor_line(added)}"
    )


@render.register
def _(export: PolisExport) -> str:
    c, post = export.conversation, export.post
    return (
        f"Post {post.ref} in Polis's format: {count(len(c.comments), 'comment')}, "
        f"{count(len(c.votes), 'vote')} by {count(len(c.participants), 'participant')}, "
        f"{count(len(set(c.groups.values())), 'opinion group')}; `debate-bot export-polis "
        f"{post.ref} <folder> --community {post.community}` writes its files."
    )


@render.register
def _(listed: PostList) -> str:
    if not listed.posts:
        return "No posts yet; a moderator adds one with the `post` command."
    return "\n".join(
        f"{p.ref}  {p.title}" + (f"  <{p.url}>" if p.url else "") for p in listed.posts
    )


@render.register
def _(listed: ClaimList) -> str:
    return results_text(listed.results, heading="Claims of")


@render.register
def _(changed: ClaimChanged) -> str:
    return claim_changed_sentence(changed)


@render.register
def _(removed: ClaimsRemoved) -> str:
    refs = [c.ref for c in removed.claims]
    said = (
        f"Removed claim {refs[0]} from the vote."
        if len(refs) == 1
        else f"Removed {count(len(refs), 'claim')} from the vote: {listed(refs)}."
    )
    if removed.skipped:
        said += f" Already off it: {listed([c.ref for c in removed.skipped])}."
    return said


@render.register
def _(opened: PollOpened) -> str:
    until = f" until {when(opened.poll.closes_at)}" if opened.poll.closes_at else ""
    lines = [f"Poll open on post {opened.post.ref}: {opened.post.title}{until}"]
    lines += [claim_line(c) for c in opened.claims]
    lines.append(
        f"Vote with `/debate vote <claim> agree|disagree|pass`, e.g. {opened.claims[0].ref}."
    )
    if opened.undated_predictions:
        refs = ", ".join(c.ref for c in opened.undated_predictions)
        lines.append(
            f"Forecasts without a resolve date: {refs}; a moderator sets one with "
            f"`/debate predict {opened.undated_predictions[0].ref} <YYYY-MM-DD>`."
        )
    return "\n".join(lines)


@render.register
def _(closed: ClosedPoll) -> str:
    return results_text(closed.results, heading=closed_heading(closed))


@render.register
def _(results: Results) -> str:
    return results_text(results)


@render.register
def _(receipt: VoteReceipt) -> str:
    return receipt_sentence(receipt)


@render.register
def _(proposed: Proposed) -> str:
    if proposed.approved:
        return f"Added your claim as {proposed.claim.ref}; it is open for votes."
    return f"Thanks: your claim {proposed.claim.ref} waits for a moderator."


@render.register
def _(queue: ProposalQueue) -> str:
    if not queue.claims:
        return "No proposals are waiting."
    lines = ["Proposals waiting for review:"]
    lines += [f"{c.ref}  {c.text}  (from {c.author})" for c in queue.claims]
    return "\n".join(lines)


@render.register
def _(summary: MemberSummary) -> str:
    if not summary.votes:
        return "You have not voted on anything here."
    width = max(len(v.claim.ref) for v in summary.votes)
    lines = ["Your votes:"]
    lines += [f"{v.claim.ref:<{width}}  {v.choice.value:<8} {v.claim.text}" for v in summary.votes]
    calibration = summary.calibration
    if calibration.brier is not None:
        lines.append(
            f"Your forecasts: {calibration.scored} resolved, Brier score "
            f"{calibration.brier:.2f} (0 is perfect, 0.25 is a coin toss, 1 always wrong)."
        )
    if summary.places:
        lines.append("Your opinion groups (only you see this):")
        for where in summary.places:
            lines.append(f"  {analysis_text.place_sentence(where)}")
            lines += [f"    {line}" for line in analysis_text.differences(where.place)]
    return "\n".join(lines)


@render.register
def _(erased: VotesErased) -> str:
    return f"Erased your {count(erased.count, 'vote')} and their history."


@render.register
def _(shown: CommunitySettings) -> str:
    said = settings_text(shown.settings)
    return f"Saved.\n{said}" if shown.saved else said


@render.register
def _(log: AuditLog) -> str:
    if not log.entries:
        return "The audit log is empty."
    return "\n".join(f"{when(e.at)}  {e.actor}: {e.detail}" for e in log.entries)


@render.register
def _(usage: Usage) -> str:
    lines = ["What you can do here (`/debate <command>`):"]
    lines += [f"  {line:<42} {summary}" for line, summary in usage.commands]
    return "\n".join(lines)


@render.register
def _(d: Digest) -> str:
    return digest_text(d)


# -- settings and the digest -------------------------------------------------------------------

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def settings_text(s: Settings) -> str:
    mods = ", ".join(sorted(s.moderators)) or "none listed"
    schedule = s.digest_schedule
    when_sent = (
        f"{WEEKDAYS[schedule.weekday]} {schedule.at:%H:%M} {schedule.tz}" if schedule else "off"
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


def _share(x: float | None) -> str:
    return "no sides yet" if x is None else f"{x:.0%} agree"


def _versus(now: int, before: int) -> str:
    return f"{now} (week before: {before})"


def digest_text(d: Digest) -> str:
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
        f"Voters: {_versus(p.voters, before.voters)}; votes cast: "
        f"{_versus(p.votes, before.votes)}; {count(p.members_changed, 'member')} changed "
        f"{count(p.changed_votes, 'vote')}."
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
            lines += [
                f"  {s.claim.ref}  {s.claim.text} — {_share(s.agreement)}{groups_said(s)}"
                for s in standings
            ]
    if d.too_few_to_tell:
        lines.append(
            "Where the community agrees or splits: too few votes to tell yet (with a handful of "
            "voters a claim needs nearly all of them on one side)."
        )
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
            f"  {s.claim.ref}  {s.claim.text} — resolved {s.claim.resolution or '?'}"
            f" (the community said {_share(s.agreement)})"
            for s in d.forecasts.resolved
        ]
    if d.forecasts.community_brier is not None:
        lines.append(_calibration_line(d))
    return "\n".join(lines)


def _calibration_line(d: Digest) -> str:
    return (
        f"Community calibration: Brier {d.forecasts.community_brier:.2f} over "
        f"{count(d.forecasts.scored, 'resolved forecast')} (0 is perfect, 0.25 a coin toss)."
    )
