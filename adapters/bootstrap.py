"""The one composition of debate-bot: the store, the clock, the engine with every collaborator,
the metrics that watch it, the platforms this process serves, and the background work (polls
that close on time, weekly digests). The command line, the tests and the benchmarks all build
the bot here; adapters are handed the engine and never start background work of their own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from adapters.charts import MatplotlibCharts
from adapters.charts import warm_up as warm_up_charts
from adapters.config import DEFAULT_DATABASE_URL, Config, ConfigError
from adapters.platforms import Platform, Platforms
from bot.analysis import warm_up as warm_up_analysis
from bot.digest_sender import DigestSender
from bot.engine import Engine, NearDuplicate
from bot.extraction.extractors import LlmExtractor, OfflineExtractor
from bot.ports import Charts, Clock, Extractor, FetchedPage, Fetcher, Store, SystemClock
from bot.similarity import near_duplicate as similar_claim
from storage.backup import backup_sqlite
from storage.store import DatabaseUnreachable, SqlStore, sqlite_file

if TYPE_CHECKING:
    from adapters.metrics import Metrics

log = logging.getLogger(__name__)

CLOSE_DUE_POLLS_EVERY = 30.0  # seconds
DIGEST_TICK_EVERY = 60.0


class LinkFetcher:
    """The web fetcher, loaded at the first link: its HTML libraries take a while to import, and
    commands that fetch nothing should not pay for them."""

    def __init__(self, allow_private: bool = False) -> None:
        self.allow_private = allow_private
        self._fetcher: Fetcher | None = None

    async def fetch(self, url: str) -> FetchedPage:
        if self._fetcher is None:
            from adapters.fetch import WebFetcher

            self._fetcher = WebFetcher(allow_private=self.allow_private)
        return await self._fetcher.fetch(url)


class Bot:
    """Everything one bot process runs, wired together."""

    def __init__(
        self,
        store: Store,
        engine: Engine,
        platforms: Platforms,
        digests: DigestSender,
        *,
        metrics: Metrics | None = None,
        polls_every: float = CLOSE_DUE_POLLS_EVERY,
        digests_every: float = DIGEST_TICK_EVERY,
    ) -> None:
        self.store = store
        self.engine = engine
        self.platforms = platforms
        self.digests = digests
        self.metrics = metrics
        self.polls_every = polls_every
        self.digests_every = digests_every

    @property
    def clock(self) -> Clock:
        return self.engine.clock

    def serve(self, name: str, platform: Platform) -> None:
        """Route the communities named `name:…` to `platform`, from now on."""
        self.platforms.add(name, platform)

    async def close_due_polls(self) -> None:
        """Close the polls whose time is up in communities served here, and announce them."""
        for closed in await self.engine.close_due_polls(self.platforms.serves):
            try:
                await self.platforms.announce_closed(closed)
            except Exception:
                post = closed.results.post
                log.exception("announcing the results of %s in %s failed", post.ref, post.community)

    async def tick(self) -> None:
        """One round of the background work, as the loops run it."""
        await self.close_due_polls()
        await self.digests.tick()

    async def run_background(self) -> None:
        """Close due polls and send due digests, each on its own period, until cancelled."""
        async with asyncio.TaskGroup() as loops:
            loops.create_task(asyncio.to_thread(_warm_up))
            loops.create_task(_every(self.polls_every, self.close_due_polls))
            loops.create_task(_every(self.digests_every, self.digests.tick))
            loops.create_task(_every(FORGET_DELIVERIES_EVERY, self.engine.deliveries.forget_old))

    @asynccontextmanager
    async def background(self) -> AsyncIterator[None]:
        """The background work, for as long as the block runs."""
        work = asyncio.create_task(self.run_background())
        try:
            yield
        finally:
            work.cancel()
            await asyncio.gather(work, return_exceptions=True)

    async def close(self) -> None:
        """Let the votes under way commit, then close the database."""
        await self.engine.ballot_box.drain()
        await self.store.close()


def claim_extractor(config: Config) -> Extractor:
    """The offline extractor; with EXTRACT_LLM_URL set, the language model there, which falls
    back to the offline extractor whenever it fails."""
    if config.extract_llm_url is None or config.extract_llm_model is None:
        return OfflineExtractor()
    from adapters.llm import ChatCompletions  # aiohttp: loaded only when a model is configured

    key = config.extract_llm_key.get_secret_value() if config.extract_llm_key else None
    chat = ChatCompletions(
        config.extract_llm_url,
        config.extract_llm_model,
        key=key or None,
        timeout=config.extract_llm_timeout,
    )
    extractor = LlmExtractor(chat, fallback=OfflineExtractor())
    log.info("claim extraction: %s", extractor)
    return extractor


FORGET_DELIVERIES_EVERY = 3600.0  # seconds between clearing out day-old delivery records


def watching() -> Metrics | None:
    """Prometheus metrics, where prometheus-client is installed (the slack and discord extras
    bring it); without it the bot runs unwatched, as the console and command line may."""
    try:
        from adapters.metrics import Metrics
    except ImportError:
        return None
    return Metrics()


def _warm_up() -> None:
    """What the first results would otherwise wait for: the analysis and chart libraries."""
    warm_up_analysis()
    warm_up_charts()


def compose(
    store: Store,
    *,
    clock: Clock | None = None,
    fetcher: Fetcher | None = None,
    extractor: Extractor | None = None,
    near_duplicate: NearDuplicate = similar_claim,
    charts: Charts | None = None,
    allow_private_urls: bool = False,
    polls_every: float = CLOSE_DUE_POLLS_EVERY,
    digests_every: float = DIGEST_TICK_EVERY,
) -> Bot:
    """The bot on `store`, with the shipped collaborators unless one is given (tests give a
    clock they move, a stand-in extractor or a slow fetcher)."""
    clock = clock or SystemClock()
    charts = charts or MatplotlibCharts()
    platforms = Platforms()
    metrics = watching()
    engine = Engine(
        store,
        clock,
        fetcher=fetcher or LinkFetcher(allow_private_urls),
        extractor=extractor or OfflineExtractor(),
        near_duplicate=near_duplicate,
        charts=charts,
        roles=platforms,
        observer=metrics,
    )
    digests = DigestSender(store, clock, charts, platforms, platforms.serves, engine.analysis)
    return Bot(
        store,
        engine,
        platforms,
        digests,
        metrics=metrics,
        polls_every=polls_every,
        digests_every=digests_every,
    )


@asynccontextmanager
async def opened(
    url: str,
    *,
    allow_private_urls: bool = False,
    create: bool = True,
    extractor: Extractor | None = None,
) -> AsyncIterator[Bot]:
    """The bot on the database at `url`, migrated, closed on the way out. With `create`, an
    SQLite database that does not exist yet is made (commands that only read refuse instead).
    Drafts come from `extractor` (`claim_extractor` of the configuration), else offline."""
    store = await open_store(url, create=create)
    bot = compose(store, allow_private_urls=allow_private_urls, extractor=extractor)
    try:
        yield bot
    finally:
        await bot.close()


async def open_store(url: str, *, create: bool = True) -> SqlStore:
    """The store at `url`, or a `ConfigError` naming DATABASE_URL and what to check. An SQLite
    file is said at start-up, since its path is relative to where the bot is started."""
    database = sqlite_file(url)
    if database is not None:
        if not database.exists() and not create:
            raise ConfigError(
                f"DATABASE_URL: there is no database at {database}; run this where the bot "
                "runs, or set DATABASE_URL to the bot's database."
            )
        if not database.parent.is_dir():
            if url != DEFAULT_DATABASE_URL:
                raise ConfigError(
                    f"DATABASE_URL: the folder {database.parent} does not exist; create it, or "
                    "name a file in a folder that does."
                )
            database.parent.mkdir()  # only the default `data/` is made
        log.info("database: %s", database)
    try:
        return await SqlStore.open(url)
    except DatabaseUnreachable as why:
        raise ConfigError(
            f"DATABASE_URL: cannot open the database, as {why}; check the setting and that the "
            "database server runs (LOG_LEVEL=DEBUG shows the details)."
        ) from None


async def migrate(url: str) -> None:
    """Bring the database at `url` to the newest schema."""
    await (await open_store(url)).close()


async def backup(url: str, target: Path) -> int:
    """Copy the SQLite database at `url` to the new file `target`, while the bot may be
    running; its size in bytes. PostgreSQL is backed up with pg_dump instead."""
    database = sqlite_file(url)
    if database is None:
        raise ConfigError(
            "DATABASE_URL: `debate-bot backup` copies an SQLite database; back up PostgreSQL "
            "with pg_dump (docs/deploy.md)"
        )
    if not database.exists():
        raise ConfigError(
            f"DATABASE_URL: there is no database at {database}; run this where the bot runs, "
            "or set DATABASE_URL to the bot's database."
        )
    return await asyncio.to_thread(backup_sqlite, database, target)


async def _every(seconds: float, tick: Callable[[], Awaitable[object]]) -> None:
    """Run `tick` every `seconds` until cancelled; a failing tick is logged and tried again."""
    while True:
        await asyncio.sleep(seconds)
        try:
            await tick()
        except Exception:
            log.exception("periodic %s failed; trying again later", getattr(tick, "__name__", tick))
