"""The health check and the metrics: the store's ping on both databases, /healthz and /metrics
on the HEALTH_PORT server over real HTTP, a database that does not answer, and the commands the
shared grammar counts. Slack's port and Discord have theirs in test_slack.py, test_discord.py."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from adapters.config import ConfigError
from adapters.monitoring import Monitoring
from bot.commands import execute
from bot.ports import FetchedPage, StoreUnreachable
from storage.store import SqlStore, create_engine
from tests.support import ManualClock, make_bot, member, moderator, sample, samples, scrape


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.asynccontextmanager
async def health_port(monitoring: Monitoring) -> AsyncIterator[str]:
    """The HEALTH_PORT server on 127.0.0.1, listening; its address."""
    port = free_port()
    serving = asyncio.create_task(monitoring.serve("127.0.0.1", port))
    url = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(200):
                try:
                    async with http.get(f"{url}/healthz"):
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.02)
        yield url
    finally:
        serving.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await serving


async def get(url: str) -> tuple[int, dict[str, object]]:
    limit = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(timeout=limit) as http, http.get(url) as answer:
        return answer.status, await answer.json()


# -- the store's ping ---------------------------------------------------------------------------


async def test_the_store_answers_a_ping_until_it_is_closed(store: SqlStore) -> None:
    await store.ping()
    await store.close()
    with pytest.raises(StoreUnreachable, match="closed"):
        await store.ping()


async def test_a_database_server_that_is_down_is_said_without_host_user_or_password() -> None:
    port = free_port()
    down = SqlStore(create_engine(f"postgresql+asyncpg://ops_user:hunter2@127.0.0.1:{port}/db"))
    with pytest.raises(StoreUnreachable) as refused:
        await down.ping()
    said = str(refused.value)
    assert "refused" in said
    assert not [
        secret for secret in ("ops_user", "hunter2", "127.0.0.1", str(port)) if secret in said
    ]
    await down.close()


# -- the HEALTH_PORT server ---------------------------------------------------------------------


async def test_health_port_says_ok_then_503_once_the_database_is_gone(tmp_path: Path) -> None:
    store = await SqlStore.open(f"sqlite+aiosqlite:///{tmp_path / 'h.db'}")
    bot = make_bot(store, ManualClock())
    async with health_port(Monitoring(store, bot.metrics)) as url:
        assert await get(f"{url}/healthz") == (200, {"ok": True, "database": "ok"})
        (tmp_path / "h.db").unlink()
        status, said = await get(f"{url}/healthz")
        assert status == 503 and said["ok"] is False and "gone" in str(said["database"])
        await store.close()
        status, said = await get(f"{url}/healthz")
        assert status == 503 and "closed" in str(said["database"])


async def test_health_port_metrics_move_as_members_vote_and_command(tmp_path: Path) -> None:
    store = await SqlStore.open(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")
    bot = make_bot(store, ManualClock())
    async with health_port(Monitoring(store, bot.metrics)) as url, aiohttp.ClientSession() as http:
        before = await scrape(http, f"{url}/metrics")
        mod = moderator()
        for line in ("post A post\nIts only claim is here.", "claim add 1 A claim", "open 1"):
            await execute(bot.engine, mod, line)
        await execute(bot.engine, member("ann"), "vote 1.1 agree")
        after = await scrape(http, f"{url}/metrics")
    await store.close()
    assert sample(before, "debate_bot_votes_counted_total", platform="console") == 0
    assert sample(after, "debate_bot_votes_counted_total", platform="console") == 1
    assert sample(after, "debate_bot_vote_commit_seconds_count") == 1
    done = {"platform": "console", "outcome": "ok"}
    assert sample(after, "debate_bot_commands_total", command="vote", **done) == 1
    assert sample(after, "debate_bot_commands_total", command="claim add", **done) == 1


async def test_a_database_that_never_answers_is_503_within_the_timeout_on_one_connection() -> None:
    """A server that takes connections and says nothing: the check gives up in time, and ten
    checks at once share one attempt rather than take ten connections."""
    connections = []
    silent = await asyncio.start_server(lambda r, w: connections.append(w), "127.0.0.1", 0)
    port = silent.sockets[0].getsockname()[1]
    store = SqlStore(create_engine(f"postgresql+asyncpg://postgres@127.0.0.1:{port}/test"))
    async with health_port(Monitoring(store, None, timeout=0.3)) as url:
        before = len(connections)  # from the check that found the port listening
        started = asyncio.get_running_loop().time()
        answers = await asyncio.gather(*(get(f"{url}/healthz") for _ in range(10)))
        assert asyncio.get_running_loop().time() - started < 2
    assert {status for status, _ in answers} == {503}
    assert all("no answer" in str(said["database"]) for _, said in answers)
    assert len(connections) == before + 1
    silent.close()
    await store.close()


async def test_without_prometheus_client_metrics_say_so_and_health_still_answers(
    tmp_path: Path,
) -> None:
    store = await SqlStore.open(f"sqlite+aiosqlite:///{tmp_path / 'n.db'}")
    async with health_port(Monitoring(store, None)) as url, aiohttp.ClientSession() as http:
        async with http.get(f"{url}/metrics") as page:
            assert page.status == 404 and "prometheus-client" in await page.text()
        async with http.get(f"{url}/healthz") as health:
            assert health.status == 200
    await store.close()


async def test_a_health_port_in_use_is_one_line_naming_it(tmp_path: Path) -> None:
    store = await SqlStore.open(f"sqlite+aiosqlite:///{tmp_path / 'p.db'}")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ConfigError, match=rf"^HEALTH_PORT: cannot listen on .*{port}"):
            await Monitoring(store, None).serve("127.0.0.1", port)
    await store.close()


# -- commands, as the shared grammar counts them ------------------------------------------------


class BrokenFetcher:
    """The link fetcher failing as no link should make it: a fault of ours, not a refusal."""

    async def fetch(self, url: str) -> FetchedPage:
        raise RuntimeError("the fetcher broke")


async def test_each_command_is_counted_by_name_and_outcome(tmp_path: Path) -> None:
    store = await SqlStore.open(f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")
    bot = make_bot(store, ManualClock(), fetcher=BrokenFetcher())
    assert bot.metrics is not None
    mod, ann = moderator(), member("ann")
    await execute(bot.engine, mod, "post A post\nIts only claim is here.")
    await execute(bot.engine, ann, "claim add 1 Not a moderator's claim")
    await execute(bot.engine, ann, "claim add")  # refused before the moderator check
    await execute(bot.engine, ann, "frobnicate the alliance")
    await execute(bot.engine, ann, "")
    with pytest.raises(RuntimeError):
        await execute(bot.engine, mod, "post https://example.org/a-post")
    found = samples(bot.metrics.exposition().decode())
    await store.close()

    def count(command: str, outcome: str) -> float:
        labels = {"platform": "console", "command": command, "outcome": outcome}
        return sample(found, "debate_bot_commands_total", **labels)

    assert count("post", "ok") == 1 and count("post", "failed") == 1
    assert count("claim add", "refused") == 2
    assert count("unknown", "refused") == 1  # what was typed is never a label
    assert count("help", "ok") == 1
