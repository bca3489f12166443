"""The shape of the codebase: the core stays free of platforms, drivers and web servers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

FORBIDDEN = {"discord", "slack_bolt", "slack_sdk", "sqlalchemy", "aiosqlite", "asyncpg", "aiohttp"}
ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import importlib, json, pkgutil, sys
import bot
for module in pkgutil.walk_packages(bot.__path__, "bot."):
    importlib.import_module(module.name)
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_importing_the_core_loads_no_platform_driver_or_web_server() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = set(__import__("json").loads(out.stdout))
    assert "bot" in loaded
    assert loaded & FORBIDDEN == set()


def test_the_probe_would_notice_a_forbidden_import() -> None:
    """Guards the test above against passing vacuously."""
    probe = PROBE.replace("import bot\n", "import bot, sqlalchemy\n")
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "sqlalchemy" in out.stdout
