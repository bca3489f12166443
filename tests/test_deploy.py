"""The deploy files agree with the code: the image installs extras pyproject.toml declares and
runs as no root; its health check, and compose's, pass against a healthy bot and fail against
one whose database is gone; compose.yaml is YAML as Compose reads it, with the services
docs/deploy.md names; systemd accepts the unit. Docker itself is not needed."""

from __future__ import annotations

import asyncio
import configparser
import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import yaml

from adapters.monitoring import Monitoring
from storage.store import SqlStore
from tests.test_monitoring import health_port

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text()
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def instructions(dockerfile: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments), continuation lines joined, comments dropped."""
    lines = [line for line in dockerfile.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    return [
        (word.upper(), rest.strip())
        for word, _, rest in (line.strip().partition(" ") for line in joined.splitlines())
        if word
    ]


def image_health_check() -> list[str]:
    [check] = [args for word, args in instructions(DOCKERFILE) if word == "HEALTHCHECK"]
    command: list[str] = json.loads(check.partition(" CMD ")[2])
    return command


def test_the_image_installs_the_declared_extras_and_runs_the_bot_as_no_root() -> None:
    steps = instructions(DOCKERFILE)
    assert steps[0] == ("FROM", "python:3.11-slim")
    [install] = [args for word, args in steps if word == "RUN" and "pip install" in args]
    extras = re.search(r'pip install "\.\[([a-z,]+)\]"', install)
    assert extras is not None
    declared = PYPROJECT["project"]["optional-dependencies"]
    assert {"discord", "slack", "postgres"} <= set(extras.group(1).split(",")) <= set(declared)
    assert any(d.startswith("prometheus-client") for d in declared["slack"])
    copied = {args.split()[0] for word, args in steps if word == "COPY"}
    packages = {
        p.rstrip("*") for p in PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]
    }
    assert packages <= copied and "pyproject.toml" in copied
    users = [args for word, args in steps if word == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert ("ENTRYPOINT", '["debate-bot"]') in steps and ("CMD", '["run"]') in steps


def test_compose_runs_the_bot_beside_postgresql_15_with_settings_from_env() -> None:
    services = COMPOSE["services"]
    db = services["db"]
    assert db["image"] == "postgres:15" and db["healthcheck"]["test"]
    volume, _, mounted = db["volumes"][0].partition(":")
    assert volume in COMPOSE["volumes"] and mounted == "/var/lib/postgresql/data"
    bots = {name: s for name, s in services.items() if s.get("image") == "debate-bot"}
    assert set(bots) == {"bot", "slack-worker"} and bots["bot"]["build"] == "."
    for service in bots.values():
        assert service["env_file"] == ".env" and service["restart"] == "unless-stopped"
        assert re.fullmatch(
            r"postgresql\+asyncpg://debate:\$\{POSTGRES_PASSWORD\}@db:5432/debate",
            service["environment"]["DATABASE_URL"],
        )
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
        assert service["healthcheck"]["test"][0] == "CMD"
    assert bots["slack-worker"]["environment"]["DISCORD_TOKEN"] == ""  # shards: one process
    assert bots["slack-worker"]["profiles"] == ["scale-out"]


async def check(command: list[str], port: int) -> int:
    """A container's health check, run here: `python` is this interpreter."""
    argv = [sys.executable if word == "python" else word for word in command]
    process = await asyncio.create_subprocess_exec(
        *argv, env={"HEALTH_PORT": str(port)}, stderr=asyncio.subprocess.DEVNULL
    )
    return await process.wait()


async def test_the_health_checks_pass_on_a_healthy_bot_and_fail_once_its_database_is_gone(
    tmp_path: Path,
) -> None:
    checks = [image_health_check(), COMPOSE["services"]["bot"]["healthcheck"]["test"][1:]]
    store = await SqlStore.open(f"sqlite+aiosqlite:///{tmp_path / 'd.db'}")
    async with health_port(Monitoring(store, None)) as url:
        port = int(url.rpartition(":")[2])
        assert [await check(command, port) for command in checks] == [0, 0]
        (tmp_path / "d.db").unlink()
        assert all([await check(command, port) != 0 for command in checks])
    await store.close()


def test_systemd_accepts_the_unit_which_restarts_the_bot_as_no_root(tmp_path: Path) -> None:
    unit_file = ROOT / "deploy" / "debate-bot.service"
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read_string(unit_file.read_text())
    service = unit["Service"]
    assert service["ExecStart"].endswith("/debate-bot run")
    assert service["User"] not in ("root", "0") and service["EnvironmentFile"]
    assert service["Restart"] == "on-failure" and service["NoNewPrivileges"] == "yes"
    if shutil.which("systemd-analyze") is None:
        return
    installed_here = tmp_path / unit_file.name  # systemd checks that the program exists
    installed_here.write_text(unit_file.read_text().replace(service["ExecStart"], "/bin/true run"))
    verified = subprocess.run(
        ["systemd-analyze", "verify", str(installed_here)], capture_output=True, text=True
    )
    assert verified.returncode == 0 and not verified.stderr.strip(), verified.stderr
