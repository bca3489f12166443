"""The debouncer behind live poll messages on every platform: a burst of touches becomes a run at
once and one more after the last touch, so the last run sees everything and edits stay few."""

from __future__ import annotations

import asyncio

from adapters.debounce import Debouncer


async def test_a_burst_becomes_one_run_at_once_and_one_after_the_last_touch() -> None:
    seen: list[int] = []
    touches = 0
    debouncer = Debouncer(0.05)

    async def job() -> None:
        seen.append(touches)

    for _ in range(20):
        touches += 1
        debouncer.touch("m", job)
        await asyncio.sleep(0.001)
    await debouncer.flush()
    assert seen == [1, 20]  # the first touch at once; the last run saw every touch


async def test_keys_are_independent_and_idle_keys_run_at_once() -> None:
    ran: list[str] = []
    debouncer = Debouncer(0.2)

    def job(key: str):  # type: ignore[no-untyped-def]
        async def run() -> None:
            ran.append(key)

        return run

    loop = asyncio.get_running_loop()
    started = loop.time()
    debouncer.touch("m", job("m"))
    debouncer.touch("n", job("n"))
    await asyncio.sleep(0.01)
    assert sorted(ran) == ["m", "n"] and loop.time() - started < 0.1
    debouncer.touch("m", job("m"))  # within m's interval: waits for it
    await asyncio.sleep(0.05)
    assert ran.count("m") == 1
    await debouncer.flush()
    assert ran.count("m") == 2 and loop.time() - started >= 0.2


async def test_a_failing_run_is_logged_and_the_next_touch_runs_again() -> None:
    calls = 0
    debouncer = Debouncer(0.01)

    async def flaky() -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("the platform said no")

    debouncer.touch("m", flaky)
    await debouncer.flush()
    debouncer.touch("m", flaky)
    await debouncer.flush()
    assert calls == 2
    await debouncer.close()
