"""Engine answers -> Discord messages: embeds and content inside Discord's limits, nothing sent.

`messages` has one rendering per kind of answer (`bot.answers`). Every function here is pure: it
takes what the engine returned and gives back `Message`s that the sending side
(`adapters.discord.interaction`) posts. Text that members wrote (titles, claims) is escaped for
Discord markdown; mentions never ping because every send uses `AllowedMentions.none()`.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import singledispatch
from typing import Any

import discord

from bot import analysis_text, polis, text, words
from bot.analysis import Analysis
from bot.answers import (
    AuditLog,
    ClaimChange,
    ClaimChanged,
    ClaimList,
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
    VoteReceipt,
    VotesErased,
)
from bot.digest import Digest
from bot.domain import Claim, Post
from bot.results import ClaimResult, Results

# Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits)
CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELDS_LIMIT = 25
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
CHOICE_NAME_LIMIT = 100

NO_MENTIONS = discord.AllowedMentions.none()
COLOUR = discord.Colour.blurple()


@dataclass(frozen=True)
class Message:
    """One Discord message to send: content, embeds, files (name, bytes) and a view."""

    content: str | None = None
    embeds: tuple[discord.Embed, ...] = ()
    files: tuple[tuple[str, bytes], ...] = ()
    view: discord.ui.View | None = field(default=None, compare=False)

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments for `send_message`, `followup.send` and `Messageable.send`."""
        out: dict[str, Any] = {"allowed_mentions": NO_MENTIONS}
        if self.content:
            out["content"] = self.content
        if self.embeds:
            out["embeds"] = list(self.embeds)
        if self.files:
            out["files"] = [
                discord.File(io.BytesIO(data), filename=name) for name, data in self.files
            ]
        if self.view is not None:
            out["view"] = self.view
        return out


# -- text that fits -------------------------------------------------------------------------------


def clip(value: str, limit: int) -> str:
    """At most `limit` characters, cut at a word where possible, with an ellipsis when cut."""
    if len(value) <= limit:
        return value
    cut = value[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip().rstrip("\\") + "…"


def escaped(value: str, limit: int) -> str:
    """Member-written text shown literally (no markdown, no masked links), within `limit`."""
    return clip(discord.utils.escape_markdown(value, as_needed=False), limit)


def plain(body: str) -> list[Message]:
    """Plain text as one or more messages of at most 2000 characters, split between lines."""
    chunks: list[str] = []
    current = ""
    for line in body.splitlines() or [""]:
        line = clip(line, CONTENT_LIMIT)
        if current and len(current) + 1 + len(line) > CONTENT_LIMIT:
            chunks.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    chunks.append(current or "…")
    return [Message(content=chunk) for chunk in chunks]


def note(sentence: str) -> list[Message]:
    """A sentence for the member, as a message of its own."""
    return plain(sentence)


# -- embeds ---------------------------------------------------------------------------------------


def paged_embeds(
    title: str,
    description: str,
    fields: Sequence[tuple[str, str]],
    *,
    footer: str | None = None,
) -> list[discord.Embed]:
    """One embed per page, each within every per-embed limit; later pages repeat a short title.

    A message holds at most 6000 embed characters in total, so each page goes in its own message.
    """
    pages: list[discord.Embed] = []
    page = _page(title, description, footer)
    budget = EMBED_TOTAL_LIMIT - 200  # room for the "(continued)" title of the next page
    for name, value in fields:
        name = clip(name, FIELD_NAME_LIMIT) or "\u200b"
        value = clip(value, FIELD_VALUE_LIMIT) or "\u200b"
        if len(page.fields) >= FIELDS_LIMIT or len(page) + len(name) + len(value) > budget:
            pages.append(page)
            page = _page(f"{clip(title, TITLE_LIMIT - 14)} (continued)", "", footer)
        page.add_field(name=name, value=value, inline=False)
    pages.append(page)
    return pages


def _page(title: str, description: str, footer: str | None) -> discord.Embed:
    embed = discord.Embed(
        title=clip(title, TITLE_LIMIT),
        description=clip(description, DESCRIPTION_LIMIT) or None,
        colour=COLOUR,
    )
    if footer:
        embed.set_footer(text=clip(footer, FOOTER_LIMIT))
    return embed


def embeds(pages: Iterable[discord.Embed], chart: bytes | None = None) -> list[Message]:
    """One message per embed page; a chart, when there is one, goes with the first page."""
    out = [Message(embeds=(page,)) for page in pages]
    if chart is not None and out:
        out[0] = with_image(out[0], "chart.png", chart)
    return out


def with_image(message: Message, name: str, png: bytes) -> Message:
    """`message` with the PNG attached and shown as its embed's image."""
    message.embeds[0].set_image(url=f"attachment://{name}")
    return Message(message.content, message.embeds, (*message.files, (name, png)), message.view)


# -- posts and claims -----------------------------------------------------------------------------


def post_title(post: Post) -> str:
    return f"Post {post.ref}: {discord.utils.escape_markdown(post.title, as_needed=False)}"


def claim_heading(claim: Claim, unsure: bool = False) -> str:
    tags = text.claim_tags(claim, unsure)
    return claim.ref + (f" · {'; '.join(tags)}" if tags else "")


def claim_choice_name(claim: Claim) -> str:
    """How a claim reads in an autocomplete list (100 characters at most)."""
    return clip(f"{claim.ref} · {' '.join(claim.text.split())}", CHOICE_NAME_LIMIT)


def post_choice_name(post: Post) -> str:
    return clip(f"{post.ref} · {' '.join(post.title.split())}", CHOICE_NAME_LIMIT)


# -- one rendering per kind of answer ----------------------------------------------------------


@singledispatch
def messages(answer: object) -> list[Message]:
    """The messages an answer is shown as; plain text where nothing richer is registered."""
    return plain(text.render(answer))


@messages.register
def _(refusal: Refusal) -> list[Message]:
    return note(refusal.message)


@messages.register
def post_list(listed: PostList) -> list[Message]:
    if not listed.posts:
        return note("No posts yet; a moderator adds one with `/debate-mod post`.")
    lines = [
        f"**{p.ref}** · {escaped(p.title, 200)}" + (f" — <{p.url}>" if p.url else "")
        for p in listed.posts
    ]
    return [Message(embeds=(page,)) for page in _line_pages("Posts under debate", lines)]


def _line_pages(title: str, lines: Sequence[str]) -> list[discord.Embed]:
    """Lines in embed descriptions, as many pages as they need."""
    pages: list[discord.Embed] = []
    body = ""
    for line in lines:
        line = clip(line, 1000)
        if body and len(body) + 1 + len(line) > DESCRIPTION_LIMIT - 100:
            pages.append(_page(title if not pages else f"{title} (continued)", body, None))
            body = line
        else:
            body = f"{body}\n{line}" if body else line
    pages.append(_page(title if not pages else f"{title} (continued)", body, None))
    return pages


@messages.register
def post_added(added: PostAdded) -> list[Message]:
    post = added.post
    if added.drafts:
        summary = (
            f"{len(added.drafts)} draft claims to review. Reword or remove them with "
            f"`/debate-mod claim`, add your own, then `/debate-mod open post:{post.ref}`."
        )
    else:
        summary = f"Add its claims with `/debate-mod claim add post:{post.ref}`."
    if post.url:
        summary = f"<{post.url}>\n{summary}"
    fields = [
        (claim_heading(c, c.id in added.unsure), escaped(c.text, FIELD_VALUE_LIMIT))
        for c in added.drafts
    ]
    return embeds(
        paged_embeds(
            f"Added {post_title(post)}",
            summary,
            fields,
            footer=text.extractor_line(added),
        )
    )


# -- results --------------------------------------------------------------------------------------


def claim_detail(row: ClaimResult) -> str:
    said = escaped(row.claim.text, 700)
    if not row.visible:
        return f"{said}\n*Tallies show once you vote on it.*"
    if row.tally.total == 0:
        return f"{said}\nNo votes yet."
    detail = text.tally(row.tally)
    if row.agreement is not None:
        low, high = row.interval
        detail += (
            f"\n**{row.agreement:.0%} agree** (95%: {low:.0%}–{high:.0%}) · "
            f"turnout {row.turnout:.0%} · divisiveness {row.divisiveness:.2f}"
        )
    return f"{said}\n{detail}"


def results_embeds(r: Results, heading: str = "Results") -> list[Message]:
    """A post's results as embeds, one claim per field, with the stance chart; then who agrees
    with whom, with the opinion map, when the results were analysed."""
    voters = words.count(r.voters, "voter")
    description = f"{text.poll_state(r.poll, r.closed).capitalize()} · {voters}"
    if r.post.url:
        description += f"\n<{r.post.url}>"
    if not r.claims:
        description += "\nNo claims to show."
    fields = [(claim_heading(row.claim), claim_detail(row)) for row in r.claims]
    out = embeds(paged_embeds(f"{heading} · {post_title(r.post)}", description, fields))
    charts = dict(r.charts)
    if "claims.png" in charts:
        out[0] = with_image(out[0], "claims.png", charts["claims.png"])
    if r.analysis is not None:
        title = f"Who agrees with whom · post {r.post.ref}"
        analysis = embeds(_line_pages(title, analysis_lines(r.analysis)))
        if "opinion-map.png" in charts:
            analysis[0] = with_image(analysis[0], "opinion-map.png", charts["opinion-map.png"])
        out += analysis
    return out


def analysis_lines(a: Analysis) -> list[str]:
    """The shared lines, indented for a terminal, as headings and bullets in an embed."""
    basis = analysis_text.analysis_basis(a)
    lines = [f"*{basis[0].upper()}{basis[1:]}.*"]
    for line in analysis_text.analysis_lines(a)[1:]:
        said = discord.utils.escape_markdown(line.strip(), as_needed=True)
        lines.append(f"• {said}" if line.startswith("    ") else said)
    return lines


@messages.register
def results(r: Results) -> list[Message]:
    return results_embeds(r)


@messages.register
def closed_poll(closed: ClosedPoll) -> list[Message]:
    return results_embeds(
        closed.results, "Poll closed on time" if closed.on_time else "Poll closed"
    )


@messages.register
def claim_list(listed: ClaimList) -> list[Message]:
    return results_embeds(listed.results, heading="Claims")


@messages.register
def polis_export(export: PolisExport) -> list[Message]:
    """The export as one zip attached to the moderator's private answer."""
    said = (
        f"Post {export.post.ref} in Polis's format: {export.filename} holds "
        f"{text.listed(list(polis.FILES))}."
    )
    return [Message(content=said, files=((export.filename, polis.zipped(export.conversation)),))]


@messages.register
def receipt(vote: VoteReceipt) -> list[Message]:
    return note(text.receipt_sentence(vote))


@messages.register
def member_summary(summary: MemberSummary) -> list[Message]:
    votes, calibration = summary.votes, summary.calibration
    if not votes:
        return note("You have not voted on anything here.")
    lines = [f"`{v.claim.ref}` **{v.choice.value}** · {escaped(v.claim.text, 300)}" for v in votes]
    if calibration.brier is not None:
        lines.append(
            f"**Your forecasts:** {calibration.scored} resolved, Brier score "
            f"{calibration.brier:.2f} (0 is perfect, 0.25 a coin toss, 1 always wrong)."
        )
    if summary.places:
        lines.append("**Your opinion groups** (only you see this):")
        for where in summary.places:
            lines.append(escaped(analysis_text.place_sentence(where), 400))
            lines += [f"• {escaped(line, 400)}" for line in analysis_text.differences(where.place)]
    return [Message(embeds=(page,)) for page in _line_pages("Your votes", lines)]


def poll_opened(opened: PollOpened, count: int) -> list[Message]:
    """The moderator's private word that the poll is posted, in `count` messages."""
    verb = "Reopened" if opened.reopened else "Opened"
    said = (
        f"{verb} the poll on post {opened.post.ref} with {len(opened.claims)} claims "
        f"in {words.count(count, 'message')} here."
    )
    undated = opened.undated_predictions
    if undated:
        refs = ", ".join(c.ref for c in undated)
        said += (
            f" Forecasts without a resolve date: {refs}; set one with "
            f"`/debate-mod predict claim:{undated[0].ref}`."
        )
    return note(said)


_CHANGED = {
    ClaimChange.ADDED: "Added claim",
    ClaimChange.REWORDED: "Reworded claim",
    ClaimChange.REMOVED: "Removed claim",
    ClaimChange.REKINDED: "Re-kinded claim",
    ClaimChange.DATED: "Forecast",
    ClaimChange.RESOLVED: "Resolved",
    ClaimChange.APPROVED: "Approved claim",
    ClaimChange.REJECTED: "Rejected claim",
}


@messages.register
def claim_changed(changed: ClaimChanged) -> list[Message]:
    """A moderator's change to one claim, confirmed with the claim as it now reads."""
    claim = changed.claim
    title = f"{_CHANGED[changed.change]} {claim_heading(claim)}"
    embed = _page(title, escaped(claim.text, DESCRIPTION_LIMIT), None)
    return [Message(embeds=(embed,))]


@messages.register
def proposed(p: Proposed) -> list[Message]:
    return note(text.render(p))


@messages.register
def queue(waiting: ProposalQueue) -> list[Message]:
    if not waiting.claims:
        return note("No proposals are waiting.")
    lines = [f"`{c.ref}` {escaped(c.text, 300)} — from <@{c.author}>" for c in waiting.claims]
    return [Message(embeds=(page,)) for page in _line_pages("Proposals waiting for review", lines)]


@messages.register
def _(erased: VotesErased) -> list[Message]:
    return note(text.render(erased))


@messages.register
def settings(shown: CommunitySettings) -> list[Message]:
    s, saved = shown.settings, shown.saved
    role = f"<@&{s.moderator_role}>" if s.moderator_role else "none"
    mods = ", ".join(f"<@{m}>" for m in sorted(s.moderators)) or "none listed"
    schedule = s.digest_schedule
    digest = "off"
    if schedule:
        digest = f"{text.WEEKDAYS[schedule.weekday]} {schedule.at:%H:%M} {schedule.tz}"
    channel = f"<#{s.digest_channel}>" if s.digest_channel else "no channel yet"
    embed = _page("Settings saved" if saved else "Settings", "", None)
    embed.add_field(name="Results visibility", value=s.visibility.value)
    embed.add_field(name="Auto-approve proposals", value="on" if s.auto_approve else "off")
    embed.add_field(name="Moderator role", value=role)
    embed.add_field(name="Listed moderators", value=clip(mods, FIELD_VALUE_LIMIT), inline=False)
    embed.add_field(name="Weekly digest", value=f"{digest}, to {channel}")
    embed.add_field(name="Quiet weeks", value=s.quiet_weeks.value)
    return [Message(embeds=(embed,))]


@messages.register
def digest(d: Digest) -> list[Message]:
    """The weekly digest: its text in embed pages, its chart (when drawn) on the first."""
    heading, *lines = text.digest_text(d).splitlines()
    lines = [discord.utils.escape_markdown(line, as_needed=True) for line in lines]
    return embeds(_line_pages(heading, lines or ["…"]), d.chart_png)


@messages.register
def audit(log: AuditLog) -> list[Message]:
    if not log.entries:
        return note("The audit log is empty.")
    lines = [
        f"<t:{int(e.at.timestamp())}:f> **{escaped(e.actor, 100)}**: {escaped(e.detail, 400)}"
        for e in log.entries
    ]
    return [Message(embeds=(page,)) for page in _line_pages("Audit log", lines)]


def help_text(commands: Sequence[tuple[str, str]], context_menu: str | None) -> list[Message]:
    lines = [f"`/{name}` — {description}" for name, description in commands]
    if context_menu:
        lines.append(f"Right-click a message › Apps › **{context_menu}** — debate that message")
    return [Message(embeds=(page,)) for page in _line_pages("What you can do here", lines)]
