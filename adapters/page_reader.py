"""Reading a downloaded page within bounds: in a child process, killed when it takes too long.

Extraction is CPU work on a stranger's HTML. Most pages take tens of milliseconds, but a crafted
one (twenty thousand nested `<div>`s) can keep a parser busy for minutes, and a thread cannot be
stopped: a few such links would hold every worker thread. A child process can be killed. Each
page is read in one, forked from a clean `forkserver` that has the parsing libraries loaded, so
starting it costs milliseconds; at most `PARALLEL` pages are read at once.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from bot.errors import LinkRefused
from bot.ports import FetchedPage

READ_SECONDS = 10.0
PARALLEL = max(1, os.cpu_count() or 1)
Reader = Callable[[Any], FetchedPage]

_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["adapters.fetch"])
_slots: asyncio.Semaphore | None = None


async def read_in_child(
    download: object,
    seconds: float = READ_SECONDS,
    reader: Reader | None = None,
) -> FetchedPage:
    """`reader(download)` (by default `adapters.fetch.read_page`), in a child process given
    `seconds`; `reader` must be importable by name, as the child imports it afresh."""
    global _slots
    _slots = _slots or asyncio.Semaphore(PARALLEL)
    async with _slots:
        receiving, sending = _CONTEXT.Pipe(duplex=False)
        child = _CONTEXT.Process(target=_read, args=(download, sending, reader), daemon=True)
        child.start()
        sending.close()
        try:
            if not await asyncio.to_thread(receiving.poll, seconds):
                raise LinkRefused(
                    "That page takes too long to read; paste the post's text instead."
                )
            outcome, said = receiving.recv()
        except EOFError:  # the child died without a word
            raise LinkRefused(
                "That page could not be read; paste the post's text instead."
            ) from None
        finally:
            if child.is_alive():
                child.kill()
            await asyncio.to_thread(child.join)
            receiving.close()
    if outcome == "refused":
        raise LinkRefused(said)
    return said  # type: ignore[no-any-return]


def _read(download: object, sending: Connection, reader: Reader | None) -> None:
    """In the child: read the page and send back ("page", FetchedPage) or ("refused", why)."""
    from adapters.fetch import read_page

    try:
        sending.send(("page", (reader or read_page)(download)))
    except LinkRefused as refused:
        sending.send(("refused", refused.message))
    except Exception:
        sending.send(("refused", "That page could not be read; paste the post's text instead."))
