"""`debate-bot`: the command line. Each subcommand builds the bot with `adapters.bootstrap` and
serves, runs or prints what was asked; every mistake is one line on stderr and an exit code."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
from collections import Counter
from collections.abc import Callable, Coroutine
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from adapters import bootstrap
from adapters import config as configuration
from adapters.bootstrap import Bot, LinkFetcher
from adapters.console import Console, Speaker
from bot import polis, text
from bot.domain import MAX_POST_CHARS, Actor, ClaimKind, ClaimStatus
from bot.errors import DebateError, UnknownPost
from bot.extraction import has_a_sentence

log = logging.getLogger("debate-bot")


def opened(cfg: configuration.Config, *, create: bool = True) -> AbstractAsyncContextManager[Bot]:
    return bootstrap.opened(
        cfg.database_url,
        allow_private_urls=cfg.allow_private_urls,
        create=create,
        extractor=bootstrap.claim_extractor(cfg),
    )


async def cmd_console(cfg: configuration.Config, args: argparse.Namespace) -> int:
    community = community_id(args.community)
    if not community.startswith("console:"):
        raise configuration.ConfigError(
            f"--community {community}: the console speaks only in console:<name> communities"
        )
    async with opened(cfg) as bot:
        console = Console(bot.engine, community, Speaker.parse(args.as_))
        bot.serve("console", console)
        async with bot.background():
            await console.run(interactive=sys.stdin.isatty())
    return 0


class Stopped(Exception):
    """A stop signal arrived: leaving the task group shuts every server down in order."""


async def until_stopped() -> None:
    """Raise `Stopped` at SIGTERM or SIGINT, so `run` stops as it would at Ctrl-C: servers stop
    taking requests, votes under way are committed and answered, the database is closed. A
    second signal has its default effect, for when a clean stop takes too long."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    signals = (signal.SIGTERM, signal.SIGINT)

    def on_signal(received: signal.Signals) -> None:
        log.warning("%s received; stopping (send it again to stop at once)", received.name)
        for each in signals:
            loop.remove_signal_handler(each)
        stop.set()

    try:
        for each in signals:
            loop.add_signal_handler(each, on_signal, each)
    except NotImplementedError:  # no signal handlers in this event loop: Ctrl-C still works
        await asyncio.Event().wait()
    try:
        await stop.wait()
    finally:
        for each in signals:
            loop.remove_signal_handler(each)
    raise Stopped


async def cmd_run(cfg: configuration.Config, args: argparse.Namespace) -> int:
    """Every platform with credentials, in one process; with none, the console."""
    if not (cfg.discord_token or cfg.slack_bot_token):
        args.community, args.as_ = "demo", "host!"
        return await cmd_console(cfg, args)
    failure: BaseException | None = None
    async with opened(cfg) as bot:
        try:
            servers = start_platforms(bot, cfg)
        except configuration.ConfigError as error:
            print(f"debate-bot: {error}", file=sys.stderr)
            return 2
        try:
            with bot.metrics.errors_logged() if bot.metrics else nullcontext():
                async with asyncio.TaskGroup() as running:
                    for server in servers:
                        running.create_task(server)
                    running.create_task(bot.run_background())
                    running.create_task(until_stopped())
        except* Stopped:
            log.warning("stopped")
        except* configuration.ConfigError as errors:  # a token the platform refused
            failure = errors.exceptions[0]
    if failure is not None:
        print(f"debate-bot: {failure}", file=sys.stderr)
        return 2
    return 0


def start_platforms(bot: Bot, cfg: configuration.Config) -> list[Coroutine[Any, Any, None]]:
    """Route each platform with credentials to its adapter; the coroutines that serve them,
    and the health and metrics port if HEALTH_PORT is set."""
    from adapters.monitoring import Monitoring  # aiohttp: only a serving bot loads it

    slack_http = bool(cfg.slack_bot_token) and not cfg.slack_app_token  # Socket Mode: no port
    if slack_http and cfg.health_port == cfg.slack_port:
        raise configuration.ConfigError(
            f"HEALTH_PORT: {cfg.health_port} is SLACK_PORT, which serves /healthz and /metrics "
            "already; unset HEALTH_PORT, or choose another port"
        )
    monitoring = Monitoring(bot.store, bot.metrics)
    servers = []
    if cfg.discord_token:
        from adapters.discord import discord_client, serve

        client = discord_client(bot.engine, cfg)
        bot.serve("discord", client)
        servers.append(serve(client, cfg))
    if cfg.slack_bot_token:
        from adapters.slack import serve_slack, slack_app

        slack = slack_app(bot.engine, cfg, monitoring)
        bot.serve("slack", slack)
        servers.append(serve_slack(slack, cfg))
    if cfg.health_port is not None:
        servers.append(monitoring.serve("0.0.0.0", cfg.health_port))
    return servers


def community_id(name: str) -> str:
    """A community as given on the command line: `console:demo`, `discord:<server id>`,
    `slack:<team id>`, or a bare name, which is a console community (`demo` is `console:demo`)."""
    name = name.strip()
    if ":" not in name:
        return f"console:{name}"
    platform, _, rest = name.partition(":")
    if platform not in ("console", "discord", "slack") or not rest:
        raise configuration.ConfigError(
            f"--community {name}: give console:<name>, discord:<server id> or slack:<team id>"
        )
    return name


async def cmd_results(cfg: configuration.Config, args: argparse.Namespace) -> int:
    community = community_id(args.community)
    async with opened(cfg, create=False) as bot:
        try:
            results = await bot.engine.results(operator(community), args.post, analysed=True)
        except UnknownPost:
            return no_such_post(community, args.post, "results")
    if args.json:
        print(json.dumps(results.as_json(), ensure_ascii=False, indent=2))
    else:
        print(text.render(results))
    if args.chart:
        charts = dict(results.charts)
        await write_chart(
            Path(args.chart), charts.get("claims.png"), "no claim has votes to show yet"
        )
        if "opinion-map.png" in charts:
            await write_chart(map_path(Path(args.chart)), charts["opinion-map.png"], "")
    return 0


def map_path(chart: Path) -> Path:
    """Where `--chart FILE` puts the opinion map: beside FILE, `-map` added to its name."""
    return chart.with_name(f"{chart.stem}-map{chart.suffix or '.png'}")


async def write_chart(path: Path, png: bytes | None, why_none: str) -> None:
    """Write a chart, and say where; with no chart, say why rather than leave an empty file."""
    if png is None:
        print(f"debate-bot: no chart written to {path}: {why_none}.", file=sys.stderr)
        return
    await asyncio.to_thread(path.write_bytes, png)
    print(f"debate-bot: chart written to {path}", file=sys.stderr)


def operator(community: str) -> Actor:
    """Whoever runs the command line: they hold the database, so they act as a moderator."""
    return Actor(community, "operator", platform_moderator=True)


def no_such_post(community: str, post: str, command: str) -> int:
    print(
        f"debate-bot: {community} has no post {post}; `debate-bot {command}` takes the number "
        "of one of its posts.",
        file=sys.stderr,
    )
    return 1


async def cmd_import_polis(cfg: configuration.Config, args: argparse.Namespace) -> int:
    """One past Polis conversation as a new post; the files are read whole before anything is
    written, so a bad one changes nothing."""
    community = community_id(args.community)
    conversation = await asyncio.to_thread(polis.read, Path(args.folder))
    async with opened(cfg) as bot:
        imported = await bot.engine.import_polis(operator(community), conversation)
    post, statuses = imported.post, Counter(c.status for c in imported.claims)
    notes = [f"{statuses[ClaimStatus.RETIRED]} removed"]
    if statuses[ClaimStatus.PROPOSED]:
        notes.append(f"{statuses[ClaimStatus.PROPOSED]} waiting for a moderator")
    print(
        f"Imported post {post.ref} from Polis: {post.title} — {len(imported.claims)} claims "
        f"({', '.join(notes)}), {imported.votes} votes by {imported.members} members; "
        "its poll is closed."
    )
    return 0


async def cmd_export_polis(cfg: configuration.Config, args: argparse.Namespace) -> int:
    community = community_id(args.community)
    async with opened(cfg, create=False) as bot:
        try:
            export = await bot.engine.export_polis(operator(community), args.post)
        except UnknownPost:
            return no_such_post(community, args.post, "export-polis")
    folder = Path(args.folder)
    await asyncio.to_thread(polis.write, export.conversation, folder)
    c = export.conversation
    print(
        f"Wrote post {export.post.ref} to {folder} in Polis's format ({', '.join(polis.FILES)}): "
        f"{len(c.comments)} comments, {len(c.votes)} votes by {len(c.participants)} participants."
    )
    return 0


async def cmd_extract(cfg: configuration.Config, args: argparse.Namespace) -> int:
    source: str = args.source
    if source.lower().startswith(("http://", "https://")):
        page = await LinkFetcher(allow_private=cfg.allow_private_urls).fetch(source)
        article = page.text
    else:
        try:
            article = await asyncio.to_thread(read_post_file, Path(source))
        except (OSError, UnicodeDecodeError) as error:
            print(f"debate-bot: cannot read {source}: {error}", file=sys.stderr)
            return 1
    if len(article) > MAX_POST_CHARS:
        print(
            f"debate-bot: {source} is {len(article):,} characters; a post may have at most "
            f"{MAX_POST_CHARS:,}.",
            file=sys.stderr,
        )
        return 1
    if not has_a_sentence(article):
        print(f"debate-bot: {source} has no sentence to argue about.", file=sys.stderr)
        return 1
    extracted = await bootstrap.claim_extractor(cfg).extract(article)
    drafts = extracted.drafts
    print(f"debate-bot: extractor: {extracted.by}", file=sys.stderr)  # stdout stays the drafts
    if args.json:
        rows = [{**asdict(d), "kind": d.kind.value} for d in drafts]
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    elif not drafts:
        print(f"No draft claims in {source}; a moderator would add its claims by hand.")
    else:
        for number, draft in enumerate(drafts, start=1):
            mark = " [prediction]" if draft.kind is ClaimKind.PREDICTION else ""
            mark += " [unsure]" if draft.unsure else ""
            print(f"{number:>3}.{mark} {draft.text}")
    return 0


def read_post_file(path: Path) -> str:
    """A post's text, read no further than a post may be long (and one character more)."""
    with path.open(encoding="utf-8") as file:
        return file.read(MAX_POST_CHARS + 1)


async def cmd_digest(cfg: configuration.Config, args: argparse.Namespace) -> int:
    end = None
    if args.now:
        try:
            end = datetime.fromisoformat(args.now)
        except ValueError:
            print(
                f"debate-bot: --now {args.now} is not an ISO time like 2026-03-02T09:00:00+01:00",
                file=sys.stderr,
            )
            return 2
        if end.tzinfo is None:
            end = end.replace(tzinfo=UTC)
    async with opened(cfg, create=False) as bot:
        digest = await bot.engine.digest(operator(community_id(args.community)), end)
    if args.json:
        print(json.dumps(digest.as_json(), ensure_ascii=False, indent=2))
    else:
        print(text.render(digest))
    if args.chart:
        await write_chart(Path(args.chart), digest.chart_png, "the week has no votes to chart")
    return 0


async def cmd_migrate(cfg: configuration.Config, args: argparse.Namespace) -> int:
    await bootstrap.migrate(cfg.database_url)
    print("The database schema is up to date.")
    return 0


async def cmd_backup(cfg: configuration.Config, args: argparse.Namespace) -> int:
    target = Path(args.file)
    size = await bootstrap.backup(cfg.database_url, target)
    print(f"Backed up the database to {target} ({size / 1e6:.1f} MB).")
    return 0


DESCRIPTION = """\
debate-bot: debate foreign-policy posts claim by claim, on Discord, Slack or a console.
Settings come from the environment or .env (see .env.example); `run` with no Discord or Slack
token opens the console on the embedded SQLite database."""


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="debate-bot",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("run", help="serve every platform with credentials; the console without")
    console = sub.add_parser("console", help="debate from a terminal, or run a script from stdin")
    console.add_argument(
        "--as",
        dest="as_",
        metavar="NAME",
        default="host!",
        help="the member you speak as; NAME! speaks as a moderator (default: host!)",
    )
    console.add_argument(
        "--community", default="demo", help="the console community (default: demo, console:demo)"
    )
    results = sub.add_parser("results", help="print a post's results")
    results.add_argument("post", help="the post's number")
    results.add_argument("--community", required=True, help="console:demo, discord:<id>, ...")
    results.add_argument("--json", action="store_true", help="print JSON for other tools")
    results.add_argument(
        "--chart",
        metavar="FILE",
        help="also write the claims chart PNG to FILE, and the opinion map to FILE-map.png",
    )
    extract = sub.add_parser("extract", help="print the draft claims a post would get")
    extract.add_argument("source", help="a text file or a link")
    extract.add_argument("--json", action="store_true", help="print JSON for other tools")
    digest = sub.add_parser("digest", help="render a community's weekly digest")
    digest.add_argument("--community", required=True, help="console:demo, discord:<id>, ...")
    digest.add_argument("--now", help="the end of the week, ISO time (default: now)")
    digest.add_argument("--json", action="store_true", help="print JSON for other tools")
    digest.add_argument("--chart", metavar="FILE", help="also write the chart PNG to FILE")
    imports = sub.add_parser("import-polis", help="a Polis conversation's export as a new post")
    imports.add_argument("folder", help="the folder with comments.csv, votes.csv, summary.csv")
    imports.add_argument("--community", required=True, help="console:demo, discord:<id>, ...")
    exports = sub.add_parser("export-polis", help="write a post in Polis's open data format")
    exports.add_argument("post", help="the post's number")
    exports.add_argument("folder", help="where the four CSV files go (made if need be)")
    exports.add_argument("--community", required=True, help="console:demo, discord:<id>, ...")
    sub.add_parser("migrate", help="bring the database schema up to date")
    backup = sub.add_parser("backup", help="copy the SQLite database to FILE, even while it runs")
    backup.add_argument("file", metavar="FILE", help="a new file (PostgreSQL: use pg_dump)")
    return p


COMMANDS: dict[
    str, Callable[[configuration.Config, argparse.Namespace], Coroutine[Any, Any, int]]
] = {
    "run": cmd_run,
    "console": cmd_console,
    "results": cmd_results,
    "extract": cmd_extract,
    "digest": cmd_digest,
    "import-polis": cmd_import_polis,
    "export-polis": cmd_export_polis,
    "migrate": cmd_migrate,
    "backup": cmd_backup,
}


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        cfg = configuration.load()
    except configuration.ConfigError as error:
        print(f"debate-bot: {error}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=cfg.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)  # a line per migration step is noise
    try:
        return asyncio.run(COMMANDS[args.command](cfg, args))
    except configuration.ConfigError as error:
        print(f"debate-bot: {error}", file=sys.stderr)
        return 2
    except DebateError as refusal:
        print(f"debate-bot: {refusal.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except OSError as error:
        log.debug("stopped by an error", exc_info=True)
        print(f"debate-bot: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
