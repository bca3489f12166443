"""End to end: `debate-bot console` driven as a subprocess by a script, then a second process
reading the same results from the database."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

POST = r"""
# A moderator brings in a post of several paragraphs (a trailing backslash continues the line).
@mod! /debate post Nice Mr Medvedev. Nasty Mr Putin.\
\
At last there seems to be a deal for military cooperation between NATO and Russia.\
\
Medvedev seems to be a far more reasonable character than Putin.\
\
My guess is that the EU and NATO will beat a tactical withdrawal out of North Kosovo.
"""

# Run in a second process, once the drafts the post got are known: {a}, {b}, {c} are the refs of
# the moderator's own three claims, {drafts} removes every extracted draft.
DEBATE = r"""
{drafts}
@mod! /debate claim add 1 NATO and Russia are reaching a deal on Afghanistan
@mod! /debate claim add 1 Medvedev is more reasonable than Putin
@mod! /debate claim add 1 The EU and NATO will withdraw from North Kosovo
@mod! /debate claim edit {b} Medvedev is far more reasonable than Putin
@mod! /debate claim kind {c} prediction
@mod! /debate open 1 for 3d
@ann /debate vote {a} agree
@ann /debate vote {b} agree
@bob /debate vote {a} disagree
@bob /debate vote {b} pass
@cat /debate vote {a} agree
@cat /debate vote {c} disagree
@bob /debate vote {a} agree
@ann /debate open 1
@ann /debate close 1
@ann /debate vote 9.9 agree
@mod! /debate claim add 1 {long}
@mod! /debate close 1
@dan /debate vote {a} disagree
"""


def debate_bot(*args: str, db: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{db}", "LOG_LEVEL": "WARNING"}
    env.pop("DISCORD_TOKEN", None)
    env.pop("SLACK_BOT_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
        timeout=60,
        check=True,
    )


def replies(stdout: str) -> list[str]:
    """The console's replies, one per command (an announcement spans several lines)."""
    blocks: list[str] = []
    for line in stdout.splitlines():
        if line.startswith("[to "):
            blocks.append(line)
        elif blocks:
            blocks[-1] += "\n" + line
    return blocks


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "debate.db"


def test_a_whole_debate_from_the_console_survives_into_a_second_process(db: Path) -> None:
    posted = replies(debate_bot("console", db=db, stdin=POST).stdout)
    assert len(posted) == 1 and "Added post 1: Nice Mr Medvedev. Nasty Mr Putin." in posted[0]
    drafts = re.findall(r"^(1\.\d+) ", posted[0], flags=re.MULTILINE)
    assert drafts, "the post's arguments are proposed as drafts"
    n = len(drafts)
    a, b, c = (f"1.{n + i}" for i in (1, 2, 3))
    script = DEBATE.format(
        drafts="\n".join(f"@mod! /debate claim remove {ref}" for ref in drafts),
        a=a,
        b=b,
        c=c,
        long="x" * 300,
    )
    run = debate_bot("console", db=db, stdin=script)
    out = replies(run.stdout)[n:]  # past the draft removals
    assert run.stderr == ""
    assert len(out) == 19
    assert out[5].startswith("[to everyone]") and c in out[5]

    refused = {
        "member opens": out[13],
        "member closes": out[14],
        "unknown claim": out[15],
        "over-long claim": out[16],
        "closed poll": out[18],
    }
    for what, reply in refused.items():
        assert "Traceback" not in reply, what
        assert len(reply.splitlines()) == 1, what  # one sentence, not a dump
    assert "moderator" in refused["member opens"].lower()
    assert "moderator" in refused["member closes"].lower()
    assert "9.9" in refused["unknown claim"]
    assert "280" in refused["over-long claim"]
    assert "closed" in refused["closed poll"]
    assert out[17].startswith("[to everyone]")  # the moderator's close announces results

    results = json.loads(
        debate_bot("results", "1", "--community", "console:demo", "--json", db=db).stdout
    )
    assert results["post"]["title"] == "Nice Mr Medvedev. Nasty Mr Putin."
    assert results["post"]["poll"] == "closed"
    assert results["voters"] == 3
    claims = {c["ref"]: c for c in results["claims"]}
    assert set(claims) == {a, b, c}  # drafts removed; the over-long claim was never added
    assert claims[b]["text"] == "Medvedev is far more reasonable than Putin"
    assert claims[c]["kind"] == "prediction"
    counts = {ref: (c["agree"], c["disagree"], c["pass"]) for ref, c in claims.items()}
    assert counts == {a: (3, 0, 0), b: (1, 0, 1), c: (0, 1, 0)}  # Dan came too late


def test_the_text_report_and_a_missing_post(db: Path) -> None:
    debate_bot(
        "console", db=db, stdin="@mod! /debate post Title\\\nSanctions on Russia have failed.\n"
    )
    report = debate_bot("results", "1", "--community", "console:demo", db=db).stdout
    assert "Title" in report
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{db}"}
    missing = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "results", "7", "--community", "console:demo"],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
        timeout=60,
    )
    assert missing.returncode == 1
    assert "7" in missing.stderr and "Traceback" not in missing.stderr


def test_results_with_opinion_groups_write_both_charts(db: Path, tmp_path: Path) -> None:
    """Sixteen members in two camps, voting in the console; `results --chart` writes the claims
    chart to the file named and the opinion map beside it, and `--json` carries the groups."""
    lines = ["@mod! /debate post Alliances\\\nThe alliance must spend more on defence."]
    lines += [
        f"@mod! /debate claim add 1 A claim about the alliance, number {n}" for n in range(10)
    ]
    lines.append("@mod! /debate open 1")
    for m in range(16):
        for n in range(1, 11):
            split = n > 2 and (n + m) % 2 == 0
            lines.append(f"@member{m} /debate vote 1.{n} {'disagree' if split else 'agree'}")
    run = debate_bot("console", db=db, stdin="\n".join(lines) + "\n")
    assert "Traceback" not in run.stdout + run.stderr

    chart = tmp_path / "post-1.png"
    report = debate_bot("results", "1", "--community", "console:demo", "--chart", str(chart), db=db)
    assert "Opinion groups: A (8 members), B (8 members)" in report.stdout
    assert chart.read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "post-1-map.png").read_bytes().startswith(b"\x89PNG")
    assert f"chart written to {chart}" in report.stderr

    shown = json.loads(
        debate_bot("results", "1", "--community", "console:demo", "--json", db=db).stdout
    )
    groups = shown["analysis"]["groups"]
    assert [g["size"] for g in groups] == [8, 8]
    assert not re.search(r"member\d", json.dumps(shown["analysis"]))  # nobody named


def test_a_malformed_setting_is_one_line_at_start_up(db: Path) -> None:
    env = {**os.environ, "DATABASE_URL": "mysql://nope"}
    run = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "migrate"],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
        timeout=60,
    )
    assert run.returncode == 2
    assert "DATABASE_URL" in run.stderr and len(run.stderr.strip().splitlines()) == 1


def test_a_name_the_console_cannot_read_is_explained(db: Path) -> None:
    said = replies(debate_bot("console", db=db, stdin="@🦊ann /debate vote 1.1 agree\n").stdout)
    assert len(said) == 1 and "A name after @" in said[0] and "🦊ann" in said[0]
    assert "no command" not in said[0]


def test_a_title_ending_in_a_full_stop_gets_no_second_one(db: Path) -> None:
    [said] = replies(debate_bot("console", db=db, stdin=POST).stdout)
    assert "Putin." in said and "Putin.." not in said


def test_me_lines_up_its_columns_past_claim_nine(db: Path) -> None:
    script = ["@mod! /debate post A post\\\nThe alliance needs a new strategy."]
    script += [f"@mod! /debate claim add 1 Claim number {n}" for n in range(1, 13)]
    script += ["@mod! /debate open 1"]
    script += [f"@ann /debate vote 1.{n} {'agree' if n % 2 else 'pass'}" for n in (1, 9, 10, 12)]
    script += ["@ann /debate me"]
    mine = replies(debate_bot("console", db=db, stdin="\n".join(script) + "\n").stdout)[-1]
    rows = [line for line in mine.splitlines() if line.startswith("1.")]
    assert len(rows) == 4
    assert len({line.index("agree" if "agree" in line else "pass") for line in rows}) == 1
