"""The shape of the codebase, checked by reading it: the core stays free of platforms, drivers
and drawing; adapters translate and render; one bootstrap wires everything and owns the
background work; no module grows past what a newcomer reads in one sitting.

Each rule is a function over source text, and each is also shown to catch a planted violation,
so none of these tests passes because it looks at nothing.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# threadpoolctl ships with scikit-learn: it holds the analysis to one core (bot/analysis/cores.py)
CORE_MAY_IMPORT = {"bot", "pysbd", "numpy", "sklearn", "threadpoolctl"}
DRIVERS = {"sqlalchemy", "aiosqlite", "asyncpg", "sqlite3", "psycopg", "psycopg2"}
BACKGROUND_WORK = {"close_due_polls", "DigestSender", "run_background", "background"}
MAX_LINES = 500
LONGER_ALLOWED = {"bot/engine.py"}  # one short method per use case


def modules(*folders: str) -> Iterator[Path]:
    for folder in folders:
        yield from sorted((ROOT / folder).rglob("*.py"))


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def imported(source: str) -> set[str]:
    """Every top-level module a source imports, at module level or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def names_used(source: str) -> set[str]:
    """Every name and attribute a source mentions."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
    return found


def foreign_to_core(source: str) -> set[str]:
    return imported(source) - CORE_MAY_IMPORT - set(sys.stdlib_module_names)


def test_the_core_imports_only_the_standard_library_pysbd_numpy_and_scikit_learn() -> None:
    offenders = {rel(p): foreign_to_core(p.read_text()) for p in modules("bot")}
    assert {name: found for name, found in offenders.items() if found} == {}


def test_adapters_import_no_storage_module_but_the_bootstrap() -> None:
    offenders = [
        rel(p)
        for p in modules("adapters")
        if "storage" in imported(p.read_text()) and rel(p) != "adapters/bootstrap.py"
    ]
    assert offenders == []


def test_no_adapter_opens_a_database_connection_of_its_own() -> None:
    offenders = [rel(p) for p in modules("adapters") if imported(p.read_text()) & DRIVERS]
    assert offenders == []


def test_no_adapter_decides_who_moderates() -> None:
    offenders = [rel(p) for p in modules("adapters") if "is_moderator" in names_used(p.read_text())]
    assert offenders == []


def test_only_the_bootstrap_and_the_command_line_run_background_work() -> None:
    """Closing due polls and sending digests are the bootstrap's; the command line, as the
    composition root, runs them; no platform adapter starts them."""
    allowed = {"adapters/bootstrap.py", "adapters/cli.py"}
    offenders = {
        rel(p): names_used(p.read_text()) & BACKGROUND_WORK
        for p in modules("adapters")
        if rel(p) not in allowed
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_no_module_is_longer_than_a_sitting() -> None:
    lengths = {
        rel(p): len(p.read_text().splitlines()) for p in modules("bot", "adapters", "storage")
    }
    too_long = {p: n for p, n in lengths.items() if n > MAX_LINES and p not in LONGER_ALLOWED}
    assert too_long == {}


@pytest.mark.parametrize(
    ("rule", "planted"),
    [
        (foreign_to_core, "def f():\n    import matplotlib\n"),
        (foreign_to_core, "from discord import app_commands\n"),
        (imported, "from storage.store import SqlStore\n"),
        (names_used, "def f(a, s):\n    return rules.is_moderator(a, s)\n"),
        (names_used, "async def loop(engine):\n    await engine.close_due_polls(lambda c: True)\n"),
    ],
)
def test_each_rule_catches_a_planted_violation(rule: object, planted: str) -> None:
    caught = rule(planted)  # type: ignore[operator]
    assert caught & ({"matplotlib", "discord", "storage"} | {"is_moderator"} | BACKGROUND_WORK)


PROBE = """
import importlib, json, pkgutil, sys
import bot
for module in pkgutil.walk_packages(bot.__path__, "bot."):
    importlib.import_module(module.name)
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""
LOADED_NEVER = {
    "discord",
    "slack_bolt",
    "slack_sdk",
    "aiohttp",
    "matplotlib",
    "trafilatura",
    "lxml",
    # Loaded lazily, by the analysis only: the console and extraction start without them.
    "numpy",
    "sklearn",
    "scipy",
} | DRIVERS


def test_importing_the_whole_core_loads_no_platform_driver_web_server_drawing_or_maths() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = set(json.loads(out.stdout))
    assert "bot" in loaded
    assert loaded & LOADED_NEVER == set()


def test_the_probe_would_notice_a_forbidden_import() -> None:
    probe = PROBE.replace("import bot\n", "import bot, sqlalchemy\n")
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "sqlalchemy" in json.loads(out.stdout)
