"""`debate-bot` as a newcomer meets it: its help, its one-line answers to every setting that
cannot work (a database that is not there, Discord or Slack out of reach, a port in use), where
its SQLite file is, and a console that quits on Ctrl-C. Each runs the real command line in a
process of its own."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import pty
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fakes.slack_fake import FakeSlackApi

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
FETCHING = {"trafilatura", "lxml", "justext", "htmldate", "courlan", "aiohttp"}


def debate_bot(
    *args: str, cwd: Path = ROOT, stdin: str = "", **settings: str
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_"))}
    env.pop("DATABASE_URL", None)
    env.update({"LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT), **settings})
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


def one_line(run: subprocess.CompletedProcess[str], setting: str) -> str:
    """The single line a failed start printed, checked to name `setting` and hide no traceback."""
    said = run.stderr.strip()
    assert run.returncode != 0, said
    assert "Traceback" not in said and len(said.splitlines()) == 1, said
    assert said.startswith(f"debate-bot: {setting}"), said
    return said


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- the command line itself ------------------------------------------------------------------


MODULES_LOADED = """
import json, sys
from adapters import cli
try:
    cli.main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


@pytest.mark.parametrize("args", [["--help"], ["extract", "SEED"], ["migrate"]])
def test_commands_that_fetch_no_link_load_no_library_for_links(
    args: list[str], tmp_path: Path
) -> None:
    seed = tmp_path / "post.txt"
    seed.write_text("A title\n\nThe alliance needs a new strategy for the Baltic states.\n")
    argv = [str(seed) if a == "SEED" else a for a in args]
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'd.db'}"}
    out = subprocess.run(
        [sys.executable, "-c", MODULES_LOADED, *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
        timeout=120,
    )
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert "adapters" in loaded
    assert loaded & FETCHING == set()


def test_help_reads_as_help() -> None:
    said = debate_bot("--help").stdout
    assert "debate foreign-policy posts" in said and "composition root" not in said
    console = debate_bot("console", "--help").stdout
    assert "--as NAME" in console and "AS_" not in console


# -- settings that cannot work: one line each ---------------------------------------------------


def test_a_database_nobody_answers_for_is_one_line_naming_database_url() -> None:
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{closed_port()}/test"
    for command in (["results", "1", "--community", "demo"], ["console"], ["migrate"]):
        said = one_line(debate_bot(*command, DATABASE_URL=url), "DATABASE_URL")
        assert "connection refused" in said


@pytest.mark.skipif(not POSTGRES_URL, reason="TEST_DATABASE_URL is not set")
def test_a_database_or_role_that_does_not_exist_is_one_line_naming_database_url() -> None:
    assert POSTGRES_URL is not None
    base, _, _ = POSTGRES_URL.rpartition("/")
    said = one_line(debate_bot("migrate", DATABASE_URL=f"{base}/no_such_db"), "DATABASE_URL")
    assert "no database named no_such_db" in said
    no_role = base.replace("//postgres@", "//nobody_here@").replace("//root@", "//nobody_here@")
    said = one_line(debate_bot("migrate", DATABASE_URL=f"{no_role}/test"), "DATABASE_URL")
    assert "nobody_here" in said


def test_log_level_debug_shows_the_details_of_a_failure() -> None:
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{closed_port()}/test"
    run = debate_bot("migrate", DATABASE_URL=url, LOG_LEVEL="DEBUG")
    assert run.returncode != 0 and "Traceback" in run.stderr and "DATABASE_URL" in run.stderr


def test_discord_out_of_reach_is_one_line(tmp_path: Path) -> None:
    run = debate_bot(
        "run",
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'd.db'}",
        DISCORD_TOKEN="a-token",
        DISCORD_API_BASE=f"http://127.0.0.1:{closed_port()}/api/v10",
        DISCORD_GATEWAY_URL=f"ws://127.0.0.1:{closed_port()}/",
    )
    assert "cannot reach Discord" in one_line(run, "DISCORD_API_BASE")


def test_slack_out_of_reach_is_one_line(tmp_path: Path) -> None:
    run = debate_bot(
        "run",
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'd.db'}",
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_APP_TOKEN="xapp-test",
        SLACK_API_URL=f"http://127.0.0.1:{closed_port()}/api/",
    )
    assert "cannot reach Slack" in one_line(run, "SLACK_API_URL")


async def test_a_slack_port_in_use_is_one_line(tmp_path: Path) -> None:
    async with FakeSlackApi() as slack:
        with socket.socket() as taken:
            taken.bind(("0.0.0.0", 0))
            taken.listen()
            port = taken.getsockname()[1]
            run = await asyncio.to_thread(  # the fake answers meanwhile
                debate_bot,
                "run",
                DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'd.db'}",
                SLACK_BOT_TOKEN="xoxb-test",
                SLACK_SIGNING_SECRET="secret",
                SLACK_API_URL=slack.api_url,
                SLACK_PORT=str(port),
            )
    assert str(port) in one_line(run, "SLACK_PORT")


@pytest.mark.parametrize("port", ["health", "0", "70000", "3000.5"])
def test_a_health_port_that_is_no_port_is_one_line(port: str, tmp_path: Path) -> None:
    run = debate_bot(
        "migrate", DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'd.db'}", HEALTH_PORT=port
    )
    assert "port number" in one_line(run, "HEALTH_PORT")


def test_a_health_port_that_is_the_slack_port_is_one_line(tmp_path: Path) -> None:
    run = debate_bot(
        "run",
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'd.db'}",
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET="secret",
        SLACK_API_URL=f"http://127.0.0.1:{closed_port()}/api/",
        SLACK_PORT="3999",
        HEALTH_PORT="3999",
    )
    assert "SLACK_PORT" in one_line(run, "HEALTH_PORT")


# -- where the SQLite file is -------------------------------------------------------------------


def test_the_sqlite_file_is_said_at_start_up_and_only_the_default_folder_is_made(
    tmp_path: Path,
) -> None:
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    run = debate_bot("migrate", cwd=fresh, LOG_LEVEL="INFO")
    assert run.returncode == 0, run.stderr
    assert (fresh / "data" / "debate.db").is_file()
    assert f"database: {fresh / 'data' / 'debate.db'}" in run.stderr

    elsewhere = f"sqlite+aiosqlite:///{tmp_path / 'no' / 'such' / 'folder' / 'd.db'}"
    said = one_line(debate_bot("migrate", DATABASE_URL=elsewhere), "DATABASE_URL")
    assert "does not exist" in said and not (tmp_path / "no").exists()


def test_reading_results_from_another_folder_says_there_is_no_database_there(
    tmp_path: Path,
) -> None:
    debate_bot("console", cwd=tmp_path, stdin="@mod! /debate post T\\\nNATO is not obsolete.\n")
    other = tmp_path / "other"
    other.mkdir()
    said = one_line(debate_bot("results", "1", "--community", "demo", cwd=other), "DATABASE_URL")
    assert str(other / "data" / "debate.db") in said
    assert not (other / "data").exists()


def test_a_community_is_named_with_or_without_its_platform(tmp_path: Path) -> None:
    db = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'd.db'}"}
    post = "@mod! /debate post Title\\\nNATO keeps the peace in Europe.\n"
    debate_bot("console", "--community", "console:demo", stdin=post, **db)
    for name in ("demo", "console:demo"):
        run = debate_bot("results", "1", "--community", name, "--json", **db)
        assert run.returncode == 0, run.stderr
        assert json.loads(run.stdout)["post"]["community"] == "console:demo"
    missing = debate_bot("results", "7", "--community", "demo", **db)
    assert missing.returncode == 1 and "no post 7" in missing.stderr
    assert "`debate-bot results`" in missing.stderr and "/debate claims" not in missing.stderr


def test_extract_says_when_a_file_has_nothing_to_argue_about(tmp_path: Path) -> None:
    empty, dot, huge = tmp_path / "empty.txt", tmp_path / "dot.txt", tmp_path / "huge.txt"
    empty.write_text("")
    dot.write_text(".\n")
    huge.write_text("The alliance needs a new strategy. " * 3000)
    for path in (empty, dot):
        run = debate_bot("extract", str(path))
        assert run.returncode == 1 and "no sentence to argue about" in run.stderr
    run = debate_bot("extract", str(huge))
    assert run.returncode == 1 and "100,000" in run.stderr


# -- the console ----------------------------------------------------------------------------------


def test_ctrl_c_quits_the_interactive_console_at_once(tmp_path: Path) -> None:
    """At a prompt, with nothing typed, Ctrl-C ends the console: no Enter needed."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'd.db'}",
        "PYTHONPATH": str(ROOT),
        "LOG_LEVEL": "WARNING",
    }
    pid, terminal = pty.fork()
    if pid == 0:  # the child: the console on a terminal of its own
        os.chdir(ROOT)
        os.execve(sys.executable, [sys.executable, "-m", "adapters.cli", "console"], env)
    try:
        seen = b""
        deadline = time.monotonic() + 60
        while b"host> " not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([terminal], [], [], 1)
            if ready:
                seen += os.read(terminal, 4096)
        assert b"host> " in seen, seen
        os.kill(pid, signal.SIGINT)
        started = time.monotonic()
        while time.monotonic() - started < 10:
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            ready, _, _ = select.select([terminal], [], [], 0.1)
            if ready:
                with contextlib.suppress(OSError):
                    os.read(terminal, 4096)
        else:
            raise AssertionError("the console did not quit within 10 s of Ctrl-C")
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(terminal)
