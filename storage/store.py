"""The store over SQLAlchemy Core (async): SQLite through aiosqlite, PostgreSQL through asyncpg.

One code path serves both; the few places the dialects differ (upsert, SQLite's pragmas and
transaction start, the vote fast path's list parameter) are named where they happen. A unit of
work is one connection in one transaction, with a repository per aggregate of the debate.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from bot.ports import StoreUnreachable
from storage.audit import SqlAudit
from storage.ballots import SqlBallots
from storage.deliveries import SqlDeliveries
from storage.digests import SqlDigests
from storage.polls import SqlPolls
from storage.posts import SqlClaims, SqlPosts, SqlProposals
from storage.settings import SqlSettings
from storage.votes import SqlVotes

log = logging.getLogger(__name__)

READING = "debate_reading"  # execution option: this unit of work only reads
APPLICATION_NAME = "debate-bot"  # what pg_stat_activity shows for the bot's connections


class DatabaseUnreachable(Exception):
    """The database could not be opened; the message says why in words an operator acts on."""


def sqlite_file(url: str | sa.URL) -> Path | None:
    """The file an SQLite URL names, made absolute; None for other databases and memory."""
    parsed = sa.make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).resolve()


def create_engine(url: str, **options: Any) -> AsyncEngine:
    """An async engine with SQLite set up for durable, concurrent use (WAL, FULL sync, FKs).

    `options` go to SQLAlchemy as they are (tests pass `connect_args` to pick a schema).
    """
    if url.startswith("sqlite"):
        engine = create_async_engine(url, **options)
        _prepare_sqlite(engine)
        return engine
    return create_async_engine(url, pool_pre_ping=True, **_named(options))


def _named(options: dict[str, Any]) -> dict[str, Any]:
    """`options` with the connections named `debate-bot` (PostgreSQL's `application_name`), so
    that an operator, or a test, finds the bot's sessions in `pg_stat_activity`. A name given
    in `connect_args` wins."""
    connect_args = dict(options.get("connect_args", {}))
    settings = {"application_name": APPLICATION_NAME, **connect_args.get("server_settings", {})}
    return {**options, "connect_args": {**connect_args, "server_settings": settings}}


def _prepare_sqlite(engine: AsyncEngine) -> None:
    # pysqlite's own transaction handling defers BEGIN until a write, which lets two writers
    # deadlock on lock upgrade; we begin every unit of work with BEGIN IMMEDIATE instead.
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(conn: sa.Connection) -> None:
        # A unit of work that only reads takes no write lock: WAL lets it read beside writers.
        reading = conn.get_execution_options().get(READING, False)
        conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


async def migrate(engine: AsyncEngine) -> None:
    """Bring the schema to the newest Alembic revision."""
    from alembic import command
    from alembic.config import Config

    def upgrade(connection: sa.Connection) -> None:
        config = Config()
        config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    async with engine.begin() as conn:
        await conn.run_sync(upgrade)


class SqlTransaction:
    """One unit of work on one connection; see `bot.ports.Transaction` for the contract."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
        self.settings = SqlSettings(conn)
        self.posts = SqlPosts(conn)
        self.claims = SqlClaims(conn)
        self.proposals = SqlProposals(conn)
        self.polls = SqlPolls(conn)
        self.ballots = SqlBallots(conn)
        self.votes = SqlVotes(conn)
        self.digests = SqlDigests(conn)
        self.audit = SqlAudit(conn)
        self.deliveries = SqlDeliveries(conn)


class SqlStore:
    """The store: hands out units of work on one engine."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._local_locks: dict[str, asyncio.Lock] = {}
        self.closed = False
        self._file = sqlite_file(engine.url)

    @classmethod
    async def open(cls, url: str, *, run_migrations: bool = True, **options: Any) -> SqlStore:
        """The store on the database at `url`, its schema brought up to date; raises
        `DatabaseUnreachable` with the reason when it cannot be opened."""
        engine = create_engine(url, **options)
        try:
            async with engine.connect():
                pass
            if run_migrations:
                await migrate(engine)
        except (OSError, sa.exc.DBAPIError) as error:
            await engine.dispose()
            log.debug("opening the database failed", exc_info=True)
            raise DatabaseUnreachable(_why(error, sa.make_url(url))) from None
        except BaseException:
            await engine.dispose()
            raise
        return cls(engine)

    @asynccontextmanager
    async def transaction(self, *, reading: bool = False) -> AsyncIterator[SqlTransaction]:
        async with self.engine.connect() as conn:
            if reading:
                conn = await conn.execution_options(**{READING: True})
            async with conn.begin():
                yield SqlTransaction(conn)

    @asynccontextmanager
    async def exclusive(self, name: str) -> AsyncIterator[None]:
        if self.engine.dialect.name != "postgresql":  # SQLite serves one process: a local lock
            async with self._local_locks.setdefault(name, asyncio.Lock()):
                yield
            return
        key = {"name": name}
        async with self.engine.connect() as conn:
            await conn.execute(sa.text("SELECT pg_advisory_lock(hashtext(:name))"), key)
            try:
                yield
            finally:
                await conn.execute(sa.text("SELECT pg_advisory_unlock(hashtext(:name))"), key)

    def transient(self, error: BaseException) -> bool:
        for cause in _causes(error):
            if isinstance(cause, sa.exc.DBAPIError) and cause.connection_invalidated:
                return True
            if type(cause).__name__ in TRANSIENT_ERRORS or isinstance(cause, ConnectionError):
                return True
        return False

    async def ping(self) -> None:
        """`SELECT 1` on a connection from the pool. An SQLite file that is gone is said as
        such: SQLite would make a new, empty one, and a pooled connection still reads the old."""
        if self.closed:
            raise StoreUnreachable("the store is closed")
        if self._file is not None and not self._file.exists():
            raise StoreUnreachable("the SQLite file is gone")
        try:
            async with self.engine.connect() as conn:
                await conn.execute(sa.text("SELECT 1"))
        except (OSError, sa.exc.DBAPIError) as error:
            raise StoreUnreachable(_briefly(error)) from error

    async def close(self) -> None:
        self.closed = True
        await self.engine.dispose()


# Driver errors that say the connection or the transaction's luck failed, not the statement:
# asyncpg's, by name, so that SQLite-only installs need not import it.
TRANSIENT_ERRORS = frozenset(
    {
        "ConnectionDoesNotExistError",
        "ConnectionFailureError",
        "AdminShutdownError",
        "CrashShutdownError",
        "CannotConnectNowError",
        "DeadlockDetectedError",
        "SerializationError",
        "InterfaceError",
    }
)


def _causes(error: BaseException) -> list[BaseException]:
    """An error and what it wraps: SQLAlchemy's `orig`, the driver's `__cause__`."""
    chain: list[BaseException] = []
    while error is not None and error not in chain:
        chain.append(error)
        error = getattr(error, "orig", None) or error.__cause__  # type: ignore[assignment]
    return chain


def _why(error: BaseException, url: sa.URL) -> str:
    """The reason a database could not be opened, in one clause, without a password."""
    chain = _causes(error)
    names = {type(e).__name__ for e in chain}
    cause = chain[-1]
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    name = type(cause).__name__
    if "InvalidCatalogNameError" in names:
        return f"the server at {where} has no database named {url.database}"
    if names & {"InvalidAuthorizationSpecificationError", "InvalidPasswordError"}:
        return f"the server at {where} refused the user {url.username}: {_first_line(cause)}"
    if any(isinstance(e, socket.gaierror) for e in chain):
        return f"the host {url.host} is unknown"
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return f"nothing answers at {where} (connection refused)"
    if any(isinstance(e, TimeoutError) for e in chain):
        return f"the server at {where} did not answer in time"
    if url.drivername.startswith("sqlite"):
        return f"SQLite cannot open {url.database}: {_first_line(cause)}"
    return f"{_first_line(cause)} ({name})"


def _briefly(error: BaseException) -> str:
    """Why the database did not answer, in a few words naming no host, user or password."""
    chain = _causes(error)
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return "connection refused"
    if any(isinstance(e, TimeoutError) for e in chain):
        return "no answer in time"
    if any(isinstance(e, socket.gaierror) for e in chain):
        return "unknown host"
    return f"the driver said {type(chain[-1]).__name__}"


def _first_line(error: BaseException) -> str:
    said = str(error).strip().splitlines()
    return said[0] if said else type(error).__name__
