"""`debate-bot backup FILE`: a consistent copy of the SQLite database while another process
writes to it, a copy the bot then runs on, and one line for what it cannot do."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

from tests.test_startup import debate_bot, one_line

SCRIPT = """\
@mod! /debate post A post\\
\\
Its only claim is here.
@mod! /debate claim add 1 A claim
@mod! /debate open 1
@ann /debate vote 1.1 agree
@bob /debate vote 1.1 disagree
"""


def url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def test_a_backup_taken_while_another_process_writes_holds_what_was_committed(
    tmp_path: Path,
) -> None:
    database, copy = tmp_path / "debate.db", tmp_path / "backup" / "copy.db"
    copy.parent.mkdir()
    assert debate_bot("console", stdin=SCRIPT, DATABASE_URL=url(database)).returncode == 0
    with closing(sqlite3.connect(database, isolation_level=None)) as writer:
        writer.execute("BEGIN IMMEDIATE")  # a writer in the middle of its transaction
        writer.execute("DELETE FROM votes")
        run = debate_bot("backup", str(copy), DATABASE_URL=url(database))
        writer.execute("ROLLBACK")
    assert run.returncode == 0, run.stderr
    assert str(copy) in run.stdout
    assert not list(copy.parent.glob("*.partial"))
    results = debate_bot("results", "1", "--community", "demo", "--json", DATABASE_URL=url(copy))
    tally = json.loads(results.stdout)["claims"][0]
    assert (tally["agree"], tally["disagree"]) == (1, 1)


def test_a_backup_never_overwrites_a_file_nor_invents_a_database(tmp_path: Path) -> None:
    database, copy = tmp_path / "debate.db", tmp_path / "copy.db"
    copy.write_text("yesterday's backup")
    assert debate_bot("migrate", DATABASE_URL=url(database)).returncode == 0
    run = debate_bot("backup", str(copy), DATABASE_URL=url(database))
    assert run.returncode != 0 and "exists" in run.stderr
    assert copy.read_text() == "yesterday's backup"

    missing = debate_bot("backup", str(tmp_path / "new.db"), DATABASE_URL=url(tmp_path / "no.db"))
    assert "no database" in one_line(missing, "DATABASE_URL")
    assert not (tmp_path / "no.db").exists() and not (tmp_path / "new.db").exists()


def test_postgresql_is_backed_up_with_pg_dump(tmp_path: Path) -> None:
    run = debate_bot(
        "backup", str(tmp_path / "copy.db"), DATABASE_URL="postgresql+asyncpg://u@127.0.0.1/db"
    )
    assert "pg_dump" in one_line(run, "DATABASE_URL")
