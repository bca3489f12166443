"""The `/debate ...` text grammar that the console and Slack share.

Each subcommand is one entry of `SUBCOMMANDS`: its words, its usage, who may use it and a short
handler that reads the arguments, calls one engine method and renders the answer. Adding a
subcommand the engine offers is adding an entry.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot import parsing, text
from bot.answers import Answer, Refusal, Usage
from bot.domain import Actor
from bot.engine import Engine
from bot.errors import BadInput, DebateError
from bot.ports import Outcome
from bot.words import quoted


@dataclass(frozen=True)
class Reply:
    """What to say back: the engine's answer, for the whole channel (`announce`) or for the
    asker alone. Adapters render `answer` by its type; `text` is its plain rendering."""

    answer: Answer
    announce: bool = False

    @property
    def text(self) -> str:
        return text.render(self.answer)

    @property
    def error(self) -> bool:
        return isinstance(self.answer, Refusal)


Handler = Callable[[Engine, Actor, str], Awaitable[Reply]]


@dataclass(frozen=True)
class Subcommand:
    name: str
    usage: str
    summary: str
    moderator: bool
    run: Handler

    @property
    def words(self) -> list[str]:
        return self.name.split()


class MissingArgument(BadInput):
    """A subcommand was given fewer words than it needs; the grammar adds its usage line."""


def _split(rest: str, what: str) -> tuple[str, str]:
    """The first word and everything after it, or a sentence saying what is missing."""
    parts = rest.strip().split(maxsplit=1)
    if not parts:
        raise MissingArgument(f"Say which {what}.")
    return parts[0], parts[1] if len(parts) > 1 else ""


def _need(value: str, what: str) -> str:
    """`value`, or a sentence saying that `what` is missing."""
    if not value.strip():
        raise MissingArgument(f"Say {what}.")
    return value


def _one(rest: str, what: str) -> str:
    first, extra = _split(rest, what)
    if extra.strip():
        raise BadInput(f"Give just the {what}; “{quoted(extra)}” was not expected.")
    return first


_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")


def _user(word: str) -> str:
    """A member as typed: a Slack mention `<@U123>`, `@name`, or a bare id."""
    match = _MENTION.fullmatch(word)
    return match.group(1) if match else word.lstrip("@")


async def _post(engine: Engine, actor: Actor, rest: str) -> Reply:
    return Reply(await engine.add_post(actor, rest))


async def _posts(engine: Engine, actor: Actor, rest: str) -> Reply:
    return Reply(await engine.posts(actor))


async def _claims(engine: Engine, actor: Actor, rest: str) -> Reply:
    return Reply(await engine.claims(actor, _one(rest, "post")))


async def _claim_add(engine: Engine, actor: Actor, rest: str) -> Reply:
    post, words = _split(rest, "post")
    return Reply(await engine.add_claim(actor, post, _need(words, "the claim's text")))


async def _claim_edit(engine: Engine, actor: Actor, rest: str) -> Reply:
    ref, words = _split(rest, "claim")
    return Reply(await engine.edit_claim(actor, ref, _need(words, "the claim's new wording")))


async def _claim_remove(engine: Engine, actor: Actor, rest: str) -> Reply:
    _need(rest, "which claims: 2.1, or 2.1 2.4 2.7, or a range like 2.3-2.9")
    return Reply(await engine.remove_claims(actor, parsing.claim_refs(rest)))


async def _claim_kind(engine: Engine, actor: Actor, rest: str) -> Reply:
    ref, kind = _split(rest, "claim")
    return Reply(await engine.set_kind(actor, ref, parsing.kind(_need(kind, "the kind"))))


async def _open(engine: Engine, actor: Actor, rest: str) -> Reply:
    post, tail = _split(rest, "post")
    duration = None
    if tail:
        keyword, _, amount = tail.strip().partition(" ")
        if keyword.lower() != "for" or not amount.strip():
            raise BadInput("Give a duration as `for 3d` (or 90m, 12h, 1w), or none.")
        duration = parsing.duration(amount)
    return Reply(await engine.open_poll(actor, post, duration), announce=True)


async def _close(engine: Engine, actor: Actor, rest: str) -> Reply:
    return Reply(await engine.close_poll(actor, _one(rest, "post")), announce=True)


async def _vote(engine: Engine, actor: Actor, rest: str) -> Reply:
    ref, choice = _split(rest, "claim")
    said = _need(choice, "your vote: agree, disagree or pass")
    return Reply(await engine.cast_vote(actor, ref, parsing.choice(said)))


async def _propose(engine: Engine, actor: Actor, rest: str) -> Reply:
    post, words = _split(rest, "post")
    return Reply(await engine.propose(actor, post, _need(words, "the claim you propose")))


async def _queue(engine: Engine, actor: Actor, rest: str) -> Reply:
    return Reply(await engine.queue(actor))


async def _approve(engine: Engine, actor: Actor, rest: str) -> Reply:
    return Reply(await engine.approve(actor, _one(rest, "proposal")))


async def _reject(engine: Engine, actor: Actor, rest: str) -> Reply:
    ref, reason = _split(rest, "proposal")
    return Reply(await engine.reject(actor, ref, reason))


async def _results(engine: Engine, actor: Actor, rest: str) -> Reply:
    return Reply(await engine.results(actor, _one(rest, "post"), analysed=True))


async def _export(engine: Engine, actor: Actor, rest: str) -> Reply:
    return Reply(await engine.export_polis(actor, _one(rest, "post")))


async def _me(engine: Engine, actor: Actor, rest: str) -> Reply:
    return Reply(await engine.me(actor))


async def _forget_me(engine: Engine, actor: Actor, rest: str) -> Reply:
    return Reply(await engine.forget_me(actor))


async def _predict(engine: Engine, actor: Actor, rest: str) -> Reply:
    ref, on = _split(rest, "claim")
    day = parsing.day(_need(on, "the resolve date, like 2027-01-31"))
    return Reply(await engine.predict(actor, ref, day))


async def _resolve(engine: Engine, actor: Actor, rest: str) -> Reply:
    ref, outcome = _split(rest, "claim")
    settled = parsing.resolution(_need(outcome, "the outcome: true, false or void"))
    return Reply(await engine.resolve(actor, ref, settled), announce=True)


_CHANNEL = re.compile(r"<#([A-Z0-9]+)(?:\|[^>]*)?>")


def _channel(word: str) -> str:
    """A channel as typed: a Discord or Slack channel mention, `#name`, or a bare id."""
    match = _CHANNEL.fullmatch(word)
    return match.group(1) if match else word.lstrip("#")


async def _digest(engine: Engine, actor: Actor, rest: str) -> Reply:
    action, value = _split(rest, "digest action: now, channel, schedule, quiet or off")
    action = action.lower()
    if action == "now":
        return Reply(await engine.digest(actor), announce=True)
    if action == "channel":
        s = await engine.set_digest_channel(actor, _channel(_one(value, "channel")))
    elif action == "schedule":
        parts = value.split()
        if len(parts) != 3:
            raise BadInput("Write `digest schedule <weekday> <HH:MM> <time zone>`.")
        day, at, zone = parts
        s = await engine.set_digest_schedule(
            actor, parsing.weekday(day), parsing.clock_time(at), parsing.time_zone(zone)
        )
    elif action == "quiet":
        s = await engine.set_quiet_weeks(actor, parsing.quiet_weeks(_one(value, "choice")))
    elif action == "off":
        s = await engine.digest_off(actor)
    else:
        raise BadInput("Digest actions are now, channel, schedule, quiet and off.")
    return Reply(s)


async def _settings(engine: Engine, actor: Actor, rest: str) -> Reply:
    if not rest.strip():
        return Reply(await engine.settings(actor))
    key, value = _split(rest, "setting")
    key = key.lower()
    if key == "visibility":
        when = _need(value, "when members see tallies: after-vote, live or after-close")
        s = await engine.set_visibility(actor, parsing.visibility(when))
    elif key == "auto-approve":
        s = await engine.set_auto_approve(actor, parsing.switch(_need(value, "on or off")))
    elif key == "moderator-role":
        role = value.strip()
        s = await engine.set_moderator_role(actor, None if role.lower() in ("", "none") else role)
    elif key == "moderator":
        action, who = _split(value, "change: add or remove")
        if action not in ("add", "remove") or not who.strip():
            raise BadInput("Write `settings moderator add <member>` or `... remove <member>`.")
        change = engine.add_moderator if action == "add" else engine.remove_moderator
        s = await change(actor, _user(who.strip()))
    else:
        raise BadInput(
            "Settings are visibility, auto-approve, moderator-role and moderator add/remove."
        )
    return Reply(s)


async def _audit(engine: Engine, actor: Actor, rest: str) -> Reply:
    limit = parsing.count(rest, "entries to show", 1, 200) if rest.strip() else 20
    return Reply(await engine.audit(actor, limit))


async def _help(engine: Engine, actor: Actor, rest: str) -> Reply:
    moderator = (await engine.help(actor)).moderator
    shown = [(s.usage, s.summary) for s in SUBCOMMANDS if moderator or not s.moderator]
    return Reply(Usage(shown))


SUBCOMMANDS: list[Subcommand] = [
    Subcommand("post", "post <link or text>", "bring in a post; drafts its claims", True, _post),
    Subcommand("posts", "posts", "the posts under debate here", False, _posts),
    Subcommand("claims", "claims <post>", "list a post's claims", False, _claims),
    Subcommand("claim add", "claim add <post> <text>", "add a claim", True, _claim_add),
    Subcommand("claim edit", "claim edit <claim> <text>", "reword a claim", True, _claim_edit),
    Subcommand(
        "claim remove",
        "claim remove <claims>",
        "take claims off: 2.1 2.4, 2.3-2.9",
        True,
        _claim_remove,
    ),
    Subcommand(
        "claim kind", "claim kind <claim> claim|prediction", "re-kind a claim", True, _claim_kind
    ),
    Subcommand("open", "open <post> [for 3d]", "open the poll", True, _open),
    Subcommand("close", "close <post>", "close the poll and post results", True, _close),
    Subcommand("vote", "vote <claim> agree|disagree|pass", "cast or change a vote", False, _vote),
    Subcommand("propose", "propose <post> <text>", "suggest a claim", False, _propose),
    Subcommand("queue", "queue", "proposals waiting for review", True, _queue),
    Subcommand("approve", "approve <claim>", "approve a proposal", True, _approve),
    Subcommand("reject", "reject <claim> [reason]", "reject a proposal", True, _reject),
    Subcommand("results", "results <post>", "tallies and agreement", False, _results),
    Subcommand("predict", "predict <claim> <YYYY-MM-DD>", "mark a forecast", True, _predict),
    Subcommand("resolve", "resolve <claim> true|false|void", "settle a forecast", True, _resolve),
    Subcommand("me", "me", "your own votes and forecasts (private)", False, _me),
    Subcommand("forget-me", "forget-me", "erase your votes", False, _forget_me),
    Subcommand("settings", "settings [<name> <value>]", "community settings", True, _settings),
    Subcommand(
        "digest",
        "digest now|channel|schedule|quiet|off",
        "weekly digest: schedule <day> <HH:MM> <tz>, quiet short|skip",
        True,
        _digest,
    ),
    Subcommand("export", "export <post>", "the post in Polis's format (CSV files)", True, _export),
    Subcommand("audit", "audit [n]", "recent moderator actions", True, _audit),
    Subcommand("help", "help", "this list", False, _help),
]


def find(words: list[str]) -> tuple[Subcommand, int] | None:
    """The subcommand named by the leading words, preferring the longest name, and its length."""
    lowered = [w.lower() for w in words]
    best = None
    for sub in SUBCOMMANDS:
        n = len(sub.words)
        if lowered[:n] == sub.words and (best is None or n > len(best[0].words)):
            best = (sub, n)
    return best


async def execute(engine: Engine, actor: Actor, line: str) -> Reply:
    """Run one `/debate ...` line for the actor; refusals come back as error replies. The
    engine's observer hears which command it was and how it ended."""
    body = line.strip()
    if body.lower().startswith("/debate"):
        body = body[len("/debate") :]
    found = find(body.split())
    name = found[0].name if found is not None else _unnamed(body)
    try:
        reply = await _run(engine, actor, body, found)
    except Exception:
        engine.observer.command_handled(actor.community, name, Outcome.FAILED)
        raise
    outcome = Outcome.REFUSED if reply.error else Outcome.DONE
    engine.observer.command_handled(actor.community, name, outcome)
    return reply


def _unnamed(body: str) -> str:
    """What a line without a known command counts as: never the words typed, which would make
    the metrics keep a series for each."""
    return "unknown" if body.strip() else "help"


async def _run(
    engine: Engine, actor: Actor, body: str, found: tuple[Subcommand, int] | None
) -> Reply:
    words = body.split()
    if not words:
        return await _help(engine, actor, "")
    try:
        if found is None:
            raise BadInput(
                f"There is no command “{quoted(words[0], 30)}”; `/debate help` lists them."
            )
        sub, n = found
        rest = body.strip()
        for word in words[:n]:  # drop the command's own words, keep the text as typed
            rest = rest[rest.lower().index(word.lower()) + len(word) :]
        return await sub.run(engine, actor, rest.strip())
    except MissingArgument as missing:
        return Reply(Refusal(f"{missing.message} Usage: `/debate {sub.usage}`"))
    except DebateError as refusal:
        return Reply(Refusal(refusal.message))
