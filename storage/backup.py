"""A copy of an SQLite database taken while the bot runs, with SQLite's online backup API: one
consistent snapshot (the write-ahead log included), and writers are not held up meanwhile.

PostgreSQL has `pg_dump` for this (docs/deploy.md).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path


def backup_sqlite(database: Path, target: Path) -> int:
    """Copy `database` to `target`, a file that must not exist yet; returns its size in bytes.

    The copy is written beside `target` and checked before it takes that name, so `target` is
    never a half-written file, even if the machine stops in the middle.
    """
    if target.exists():
        raise FileExistsError(f"{target} exists already; name a new file for the backup")
    partial = target.with_name(f"{target.name}.partial")
    partial.unlink(missing_ok=True)
    # mode=rw: a database that is not there is an error, never a new empty file
    source_uri = f"{database.as_uri()}?mode=rw"
    with (
        closing(sqlite3.connect(source_uri, uri=True)) as source,
        closing(sqlite3.connect(partial)) as copy,
    ):
        source.backup(copy)
        (verdict,) = copy.execute("PRAGMA quick_check").fetchone()
    if verdict != "ok":
        partial.unlink()
        raise sqlite3.DatabaseError(f"the copy of {database} is damaged: {verdict}")
    partial.replace(target)
    return target.stat().st_size
