"""The app commands: `/debate` for members, `/debate-mod` for moderators, "Debate this post".

Inbound translation only: each subcommand reads its typed options, makes one engine call as the
member who asked, and replies with what `render` makes of the result. Adding a subcommand the
engine offers is one method here (and, if its answer is new, one function in `render`).

`/debate-mod` carries `default_member_permissions` (Manage Server) so Discord hides it from
members; a server may still grant it to a moderator role, and the engine checks every call anyway.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

import discord
from discord import app_commands

from adapters.discord import render
from adapters.discord.interaction import actor_of, defer, observe, refuse, reply
from adapters.discord.options import (
    WEEKDAYS,
    AnyClaim,
    ClaimText,
    Interaction,
    Post,
    Proposal,
    TimeZone,
    VotableClaim,
    engine_of,
    host,
)
from adapters.discord.render import Message, messages
from bot import parsing
from bot.domain import (
    MAX_POST_CHARS,
    Choice,
    Claim,
    ClaimKind,
    QuietWeeks,
    Resolution,
    Visibility,
)
from bot.errors import BadInput, DebateError, TooLong
from bot.ports import Outcome

log = logging.getLogger(__name__)

CONTEXT_MENU = "Debate this post"
FORM_LIMIT = 4000  # Discord's most for a text input
CANNOT_POST = (
    "{done}, but I cannot post in this channel: give debate-bot View Channel, Send Messages, "
    "Embed Links and Attach Files here."
)


def channel_of(interaction: Interaction) -> discord.PartialMessageable:
    """The channel an interaction came from, good for sending whether or not it is cached."""
    client: discord.Client = interaction.client
    return client.get_partial_messageable(
        interaction.channel_id or 0, guild_id=interaction.guild_id
    )


async def announce(interaction: Interaction, messages: Sequence[Message], done: str) -> bool:
    """Post messages for everyone in the interaction's channel; tell the asker if we cannot."""
    try:
        for message in messages:
            await channel_of(interaction).send(**message.kwargs())
    except discord.Forbidden:
        await reply(interaction, render.note(CANNOT_POST.format(done=done)))
        return False
    return True


def refresh_polls(interaction: Interaction, claim: Claim) -> None:
    """The claim's poll messages show something new: update them (debounced)."""
    community = f"discord:{interaction.guild_id}"
    host(interaction).polls.touch_post(community, str(claim.post_number))


TEXT_FILE_LIMIT = 4 * MAX_POST_CHARS  # bytes: a post's characters in UTF-8 at most


async def read_text_file(file: discord.Attachment) -> str:
    """The text of a file attached to `/debate-mod post`, or the sentence saying why not."""
    kind = (file.content_type or "").split(";")[0]
    if not (kind.startswith("text/") or file.filename.lower().endswith((".txt", ".md"))):
        raise BadInput(
            f"{file.filename} is not a text file; attach the post as .txt or .md, or give a link."
        )
    if file.size > TEXT_FILE_LIMIT:
        raise TooLong("post", MAX_POST_CHARS, file.size)
    try:
        return (await file.read()).decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput(
            f"{file.filename} is not UTF-8 text; save it as UTF-8 and try again."
        ) from None


def _choices(values: type[StrEnum]) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=v.value, value=v.value) for v in values]


# -- /debate --------------------------------------------------------------------------------------


class MemberCommands(
    app_commands.Group,
    name="debate",
    description="Debate posts claim by claim: vote, propose claims, see results",
    guild_only=True,
):
    @app_commands.command(description="The posts under debate here")
    async def posts(self, interaction: Interaction) -> None:
        posts = await engine_of(interaction).posts(actor_of(interaction))
        await reply(interaction, messages(posts))

    @app_commands.command(description="A post's claims, with tallies where you may see them")
    @app_commands.describe(post="The post's number")
    async def claims(self, interaction: Interaction, post: Post) -> None:
        listed = await engine_of(interaction).claims(actor_of(interaction), post)
        await reply(interaction, messages(listed))

    @app_commands.command(description="Agree, disagree or pass on a claim (or change your vote)")
    @app_commands.describe(claim="The claim, like 3.2", choice="Your vote")
    @app_commands.choices(choice=_choices(Choice))
    async def vote(self, interaction: Interaction, claim: VotableClaim, choice: str) -> None:
        vote = await engine_of(interaction).cast_vote(
            actor_of(interaction), claim, parsing.choice(choice)
        )
        await reply(interaction, messages(vote))
        refresh_polls(interaction, vote.claim)

    @app_commands.command(description="Suggest a claim for a post, such as a counter-argument")
    @app_commands.describe(post="The post's number", text="The claim, one arguable sentence")
    async def propose(self, interaction: Interaction, post: Post, text: ClaimText) -> None:
        proposed = await engine_of(interaction).propose(actor_of(interaction), post, text)
        await reply(interaction, messages(proposed))

    @app_commands.command(description="Tallies and agreement for each claim of a post")
    @app_commands.describe(post="The post's number")
    async def results(self, interaction: Interaction, post: Post) -> None:
        await defer(interaction)
        found = await engine_of(interaction).results(actor_of(interaction), post, analysed=True)
        await reply(interaction, messages(found))

    @app_commands.command(description="Your own votes and forecasts (only you see them)")
    async def me(self, interaction: Interaction) -> None:
        await defer(interaction)  # finding their opinion groups may take a moment
        summary = await engine_of(interaction).me(actor_of(interaction))
        await reply(interaction, messages(summary))

    @app_commands.command(name="forget-me", description="Erase your votes here and their history")
    async def forget_me(self, interaction: Interaction) -> None:
        actor = actor_of(interaction)
        erased = await engine_of(interaction).forget_me(actor)
        await reply(interaction, messages(erased))
        host(interaction).polls.touch_community(actor.community)

    @app_commands.command(name="help", description="What you can do here")
    async def help_(self, interaction: Interaction) -> None:
        moderator = (await engine_of(interaction).help(actor_of(interaction))).moderator
        listed = []
        for group in host(interaction).tree.get_commands(type=discord.AppCommandType.chat_input):
            if not isinstance(group, app_commands.Group):
                continue
            if group.default_permissions is not None and not moderator:
                continue
            listed += [
                (command.qualified_name, command.description)
                for command in group.walk_commands()
                if isinstance(command, app_commands.Command)
            ]
        await reply(interaction, render.help_text(listed, CONTEXT_MENU if moderator else None))


# -- /debate-mod ----------------------------------------------------------------------------------


class ModeratorCommands(
    app_commands.Group,
    name="debate-mod",
    description="Moderate debates: posts, claims, polls, proposals, settings",
    guild_only=True,
    default_permissions=discord.Permissions(manage_guild=True),
):
    claim = app_commands.Group(name="claim", description="Curate a post's claims")
    settings = app_commands.Group(name="settings", description="This server's debate settings")
    digest = app_commands.Group(name="digest", description="The weekly digest of the debates")

    @app_commands.command(
        description="Bring in a post: a link, a text file, or (up to 4,000 characters) a form"
    )
    @app_commands.describe(
        link="The post's address",
        file="A text file of the post (.txt or .md), for posts longer than the form takes",
        title="Title",
    )
    async def post(
        self,
        interaction: Interaction,
        link: str | None = None,
        file: discord.Attachment | None = None,
        title: app_commands.Range[str, 1, 200] | None = None,
    ) -> None:
        engine, actor = engine_of(interaction), actor_of(interaction)
        if link is None and file is None:
            await engine.may_add_posts(actor)  # refused before they type a whole post
            await interaction.response.send_modal(PostForm(title))
            return
        await defer(interaction)
        source = link if file is None else await read_text_file(file)
        await reply(interaction, messages(await engine.add_post(actor, source or "", title)))

    @claim.command(name="add", description="Add a claim to a post; it goes straight to the vote")
    @app_commands.describe(post="The post's number", text="One arguable sentence", kind="Kind")
    @app_commands.choices(kind=_choices(ClaimKind))
    async def claim_add(
        self, interaction: Interaction, post: Post, text: ClaimText, kind: str = "claim"
    ) -> None:
        actor = actor_of(interaction)
        added = await engine_of(interaction).add_claim(actor, post, text, parsing.kind(kind))
        await reply(interaction, messages(added))

    @claim.command(name="edit", description="Reword a claim nobody has voted on yet")
    @app_commands.describe(claim="The claim, like 3.2", text="Its new wording")
    async def claim_edit(self, interaction: Interaction, claim: AnyClaim, text: ClaimText) -> None:
        edited = await engine_of(interaction).edit_claim(actor_of(interaction), claim, text)
        await reply(interaction, messages(edited))
        refresh_polls(interaction, edited.claim)

    @claim.command(name="remove", description="Take claims off the vote (their votes are kept)")
    @app_commands.describe(claim="The claim, like 3.2; or several, like 3.2 3.5 or 3.1-3.4")
    async def claim_remove(self, interaction: Interaction, claim: AnyClaim) -> None:
        refs = parsing.claim_refs(claim)
        removed = await engine_of(interaction).remove_claims(actor_of(interaction), refs)
        await reply(interaction, messages(removed))
        for each in removed.claims:
            refresh_polls(interaction, each)

    @claim.command(name="kind", description="Mark a claim as a plain claim or a prediction")
    @app_commands.describe(claim="The claim, like 3.2", kind="Its kind")
    @app_commands.choices(kind=_choices(ClaimKind))
    async def claim_kind(self, interaction: Interaction, claim: AnyClaim, kind: str) -> None:
        changed = await engine_of(interaction).set_kind(
            actor_of(interaction), claim, parsing.kind(kind)
        )
        await reply(interaction, messages(changed))
        refresh_polls(interaction, changed.claim)

    @app_commands.command(description="Open a post's poll: its claims with vote buttons, here")
    @app_commands.describe(post="The post's number", duration="How long: 90m, 12h, 3d, 1w")
    async def open(self, interaction: Interaction, post: Post, duration: str | None = None) -> None:
        engine, actor = engine_of(interaction), actor_of(interaction)
        await defer(interaction)
        how_long = parsing.duration(duration) if duration else None
        opened = await engine.open_poll(actor, post, how_long)
        try:
            sent = await host(interaction).polls.publish(channel_of(interaction), opened)
        except discord.Forbidden:
            done = f"The poll on post {opened.post.ref} is open"
            await reply(interaction, render.note(CANNOT_POST.format(done=done)))
            return
        await reply(interaction, render.poll_opened(opened, len(sent)))

    @app_commands.command(description="Close a post's poll and post its results here")
    @app_commands.describe(post="The post's number")
    async def close(self, interaction: Interaction, post: Post) -> None:
        engine, actor = engine_of(interaction), actor_of(interaction)
        await defer(interaction)
        closed = await engine.close_poll(actor, post)
        ref = closed.results.post.ref
        host(interaction).polls.touch_post(actor.community, ref)
        done = f"Closed the poll on post {ref}"
        if await announce(interaction, messages(closed), done):
            await reply(interaction, render.note(f"{done}; its results are posted here."))

    @app_commands.command(description="Mark a claim as a forecast that resolves on a date")
    @app_commands.describe(claim="The claim, like 3.2", date="The resolve date, like 2027-01-31")
    async def predict(self, interaction: Interaction, claim: AnyClaim, date: str) -> None:
        actor = actor_of(interaction)
        marked = await engine_of(interaction).predict(actor, claim, parsing.day(date))
        await reply(interaction, messages(marked))

    @app_commands.command(description="Settle a forecast: true, false or void; told to the channel")
    @app_commands.describe(claim="The forecast, like 3.2", outcome="How it turned out")
    @app_commands.choices(outcome=_choices(Resolution))
    async def resolve(self, interaction: Interaction, claim: AnyClaim, outcome: str) -> None:
        settled = await engine_of(interaction).resolve(
            actor_of(interaction), claim, parsing.resolution(outcome)
        )
        await reply(interaction, messages(settled), ephemeral=False)

    @digest.command(name="now", description="This week's digest so far, posted in this channel")
    async def digest_now(self, interaction: Interaction) -> None:
        await defer(interaction)
        built = await engine_of(interaction).digest(actor_of(interaction))
        if await announce(interaction, messages(built), "The digest is ready"):
            await reply(interaction, render.note("Posted this week's digest here."))

    @digest.command(name="channel", description="The channel the weekly digest goes to")
    @app_commands.describe(channel="The channel")
    async def digest_channel(self, interaction: Interaction, channel: discord.TextChannel) -> None:
        saved = await engine_of(interaction).set_digest_channel(
            actor_of(interaction), str(channel.id)
        )
        await reply(interaction, messages(saved))

    @digest.command(name="schedule", description="When the weekly digest goes out")
    @app_commands.describe(
        weekday="The day", at="The time, like 09:00", zone="Time zone, like Europe/Berlin"
    )
    @app_commands.choices(weekday=[app_commands.Choice(name=d, value=d) for d in WEEKDAYS])
    async def digest_schedule(
        self, interaction: Interaction, weekday: str, at: str, zone: TimeZone
    ) -> None:
        saved = await engine_of(interaction).set_digest_schedule(
            actor_of(interaction),
            parsing.weekday(weekday),
            parsing.clock_time(at),
            parsing.time_zone(zone),
        )
        await reply(interaction, messages(saved))

    @digest.command(name="quiet", description="What a week with no activity gets")
    @app_commands.describe(weeks="short: a short digest; skip: none")
    @app_commands.choices(weeks=_choices(QuietWeeks))
    async def digest_quiet(self, interaction: Interaction, weeks: str) -> None:
        saved = await engine_of(interaction).set_quiet_weeks(
            actor_of(interaction), parsing.quiet_weeks(weeks)
        )
        await reply(interaction, messages(saved))

    @digest.command(name="off", description="Stop the weekly digest")
    async def digest_off(self, interaction: Interaction) -> None:
        saved = await engine_of(interaction).digest_off(actor_of(interaction))
        await reply(interaction, messages(saved))

    @app_commands.command(description="Member proposals waiting for review")
    async def queue(self, interaction: Interaction) -> None:
        waiting = await engine_of(interaction).queue(actor_of(interaction))
        await reply(interaction, messages(waiting))

    @app_commands.command(description="Approve a member's proposal: it goes to the vote")
    @app_commands.describe(claim="The proposal, like 3.7")
    async def approve(self, interaction: Interaction, claim: Proposal) -> None:
        approved = await engine_of(interaction).approve(actor_of(interaction), claim)
        await reply(interaction, messages(approved))

    @app_commands.command(description="Reject a member's proposal")
    @app_commands.describe(claim="The proposal, like 3.7", reason="Why, for the audit log")
    async def reject(
        self,
        interaction: Interaction,
        claim: Proposal,
        reason: app_commands.Range[str, 1, 500] | None = None,
    ) -> None:
        rejected = await engine_of(interaction).reject(actor_of(interaction), claim, reason or "")
        await reply(interaction, messages(rejected))

    @settings.command(name="show", description="Show this server's debate settings")
    async def settings_show(self, interaction: Interaction) -> None:
        current = await engine_of(interaction).settings(actor_of(interaction))
        await reply(interaction, messages(current))

    @settings.command(name="visibility", description="When members see a poll's tallies")
    @app_commands.describe(when="after-vote: once they voted; live: always; after-close")
    @app_commands.choices(when=_choices(Visibility))
    async def settings_visibility(self, interaction: Interaction, when: str) -> None:
        saved = await engine_of(interaction).set_visibility(
            actor_of(interaction), parsing.visibility(when)
        )
        await reply(interaction, messages(saved))

    @settings.command(name="auto-approve", description="Member proposals go to the vote at once")
    @app_commands.describe(on="True to approve proposals automatically")
    async def settings_auto_approve(self, interaction: Interaction, on: bool) -> None:
        saved = await engine_of(interaction).set_auto_approve(actor_of(interaction), on)
        await reply(interaction, messages(saved))

    @settings.command(name="moderator-role", description="A role whose members moderate debates")
    @app_commands.describe(role="The role; leave out to clear it")
    async def settings_moderator_role(
        self, interaction: Interaction, role: discord.Role | None = None
    ) -> None:
        saved = await engine_of(interaction).set_moderator_role(
            actor_of(interaction), str(role.id) if role else None
        )
        await reply(interaction, messages(saved))

    @settings.command(name="moderator-add", description="Make a member a debate moderator")
    @app_commands.describe(member="The member")
    async def settings_moderator_add(self, interaction: Interaction, member: discord.User) -> None:
        saved = await engine_of(interaction).add_moderator(actor_of(interaction), str(member.id))
        await reply(interaction, messages(saved))

    @settings.command(name="moderator-remove", description="Remove a member from the moderators")
    @app_commands.describe(member="The member")
    async def settings_moderator_remove(
        self, interaction: Interaction, member: discord.User
    ) -> None:
        saved = await engine_of(interaction).remove_moderator(actor_of(interaction), str(member.id))
        await reply(interaction, messages(saved))

    @app_commands.command(
        description="A post's claims and votes in Polis's format, zipped, for you"
    )
    @app_commands.describe(post="The post's number")
    async def export(self, interaction: Interaction, post: Post) -> None:
        await defer(interaction)  # the opinion groups can take a few seconds
        exported = await engine_of(interaction).export_polis(actor_of(interaction), post)
        await reply(interaction, messages(exported))

    @app_commands.command(description="Recent moderator actions and setting changes")
    @app_commands.describe(count="How many entries (default 20)")
    async def audit(
        self, interaction: Interaction, count: app_commands.Range[int, 1, 200] = 20
    ) -> None:
        entries = await engine_of(interaction).audit(actor_of(interaction), count)
        await reply(interaction, messages(entries))


# -- "Debate this post" and the post form ---------------------------------------------------------


@app_commands.context_menu(name=CONTEXT_MENU)
@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
async def debate_this_post(interaction: Interaction, message: discord.Message) -> None:
    """Start a post from a message: the link it consists of, or else its text."""
    engine, actor = engine_of(interaction), actor_of(interaction)
    await defer(interaction)
    source = message.content.strip()
    if not source and message.embeds and message.embeds[0].url:
        source = message.embeds[0].url
    await reply(interaction, messages(await engine.add_post(actor, source)))


class PostForm(discord.ui.Modal, title="Debate a post"):
    """The title and text of a post, for `/debate-mod post` without a link."""

    def __init__(self, post_title: str | None = None) -> None:
        super().__init__(timeout=15 * 60)
        self.heading = discord.ui.TextInput[PostForm](
            required=False,
            max_length=200,
            default=post_title,
            placeholder="Leave empty to use the text's first line",
        )
        self.body = discord.ui.TextInput[PostForm](
            style=discord.TextStyle.paragraph,
            max_length=FORM_LIMIT,
            placeholder="Paste the post here",
        )
        self.add_item(discord.ui.Label(text="Title", component=self.heading))
        self.add_item(
            discord.ui.Label(
                text="Text",
                description="Up to 4,000 characters; longer: /debate-mod post with a link or file",
                component=self.body,
            )
        )

    async def on_submit(self, interaction: Interaction, /) -> None:
        engine, actor = engine_of(interaction), actor_of(interaction)
        await defer(interaction)
        added = await engine.add_post(actor, self.body.value, self.heading.value.strip() or None)
        await reply(interaction, messages(added))

    async def on_error(  # type: ignore[override]  # discord.py's Modal drops the item argument
        self, interaction: Interaction, error: Exception, /
    ) -> None:
        await refuse(interaction, error)


# -- the tree -------------------------------------------------------------------------------------


class DebateTree(app_commands.CommandTree[Any]):
    """Every refusal or failure of a command becomes one private sentence for the member."""

    async def on_error(self, interaction: Interaction, error: app_commands.AppCommandError) -> None:
        original = getattr(error, "original", error)
        outcome = Outcome.REFUSED if isinstance(original, DebateError) else Outcome.FAILED
        observe(interaction, engine_of(interaction).observer, outcome)
        await refuse(interaction, original)


def install(tree: app_commands.CommandTree[Any]) -> None:
    tree.add_command(MemberCommands())
    tree.add_command(ModeratorCommands())
    tree.add_command(debate_this_post)
