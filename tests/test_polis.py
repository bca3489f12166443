"""Polis open data: reading and writing the format, importing a conversation as a post and
exporting any post, on SQLite and PostgreSQL; the two real conversations in
`../shared/data/polis` when they are there; the command line through its real entry point."""

from __future__ import annotations

import csv
import io
import sqlite3
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from adapters import cli
from bot import polis, polis_posts
from bot.domain import Choice, ClaimStatus
from bot.engine import Engine
from bot.errors import BadInput, NotAModerator
from bot.polis import Conversation, Vote
from tests.support import COMMUNITY, ManualClock, member, moderator

REAL_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "polis"
REAL = ["brexit-consensus", "15-per-hour-seattle"]
SAID = {1: Choice.AGREE, -1: Choice.DISAGREE, 0: Choice.PASS}  # what a Polis vote means


@pytest.fixture(params=REAL)
def real(request: pytest.FixtureRequest) -> Path:
    """One of the real conversations, or a skip where the shared data is not at hand."""
    folder = REAL_DATA / request.param
    if not (folder / polis.COMMENTS).exists():
        pytest.skip(f"{folder} is not here")
    return folder


# A small conversation with what real ones have: a comment on two lines, one moderated out, one
# not yet moderated, a vote changed (its earlier event later in the file), and two events of one
# voter on one comment at the same millisecond (the later line counts).
COMMENTS_CSV = """\
timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body
1500000000000,Fri Jul 14 02:40:00 UTC 2017,1,0,1,0,1,"Second, with a comma"
1500000000000,Fri Jul 14 02:40:00 UTC 2017,0,0,2,0,1,"First, written
on two lines"
1500000100000,Fri Jul 14 02:41:40 UTC 2017,2,3,0,1,-1,Moderated out
1500000200000,Fri Jul 14 02:43:20 UTC 2017,3,4,0,0,0,Not yet moderated
"""
VOTES_CSV = """\
timestamp,datetime,comment-id,voter-id,vote
1500000300000,Fri Jul 14 02:45:00 UTC 2017,0,1,1
1500000200000,Fri Jul 14 02:43:20 UTC 2017,0,1,-1
1500000300000,Fri Jul 14 02:45:00 UTC 2017,0,2,-1
1500000300000,Fri Jul 14 02:45:00 UTC 2017,0,2,1
1500000300000,Fri Jul 14 02:45:00 UTC 2017,1,1,1
1500000300000,Fri Jul 14 02:45:00 UTC 2017,1,2,0
1500000400000,Fri Jul 14 02:46:40 UTC 2017,2,3,-1
"""
SUMMARY_CSV = """\
topic,A small conversation
url,https://pol.is/small
views,3
voters,3
voters-in-conv,3
commenters,3
comments,4
groups,0
conversation-description,"Two lines
of description"
"""
LATEST = [  # (voter, comment, vote, at) as VOTES_CSV has it once the latest counts
    (1, 0, 1, 1500000300000),
    (2, 0, 1, 1500000300000),
    (1, 1, 1, 1500000300000),
    (2, 1, 0, 1500000300000),
    (3, 2, -1, 1500000400000),
]


def small(folder: Path, **replaced: str) -> Path:
    """The small conversation written to `folder`, any file's text replaced."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = {polis.COMMENTS: COMMENTS_CSV, polis.VOTES: VOTES_CSV, polis.SUMMARY: SUMMARY_CSV}
    for name, body in {**texts, **replaced}.items():
        (folder / name).write_text(body, encoding="utf-8", newline="")
    return folder


def latest(conversation: Conversation) -> list[tuple[int, int, int, int]]:
    return sorted((v.voter, v.comment, v.vote, v.at) for v in conversation.votes)


def rows_of(body: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body)))


# -- the format --------------------------------------------------------------------------------


def test_reading_keeps_each_voters_latest_vote_and_every_comment_in_id_order(
    tmp_path: Path,
) -> None:
    read = polis.read(small(tmp_path / "export"))
    assert latest(read) == sorted(LATEST)
    assert [c.id for c in read.comments] == [0, 1, 2, 3]
    assert read.comments[0].text == "First, written\non two lines"
    assert [c.moderated for c in read.comments] == [1, 1, -1, 0]
    assert (read.topic, read.url) == ("A small conversation", "https://pol.is/small")
    assert read.description == "Two lines\nof description"
    assert read.participants == [0, 1, 2, 3, 4]  # voters, and authors who never voted


def test_without_a_summary_the_topic_is_the_folders_name(tmp_path: Path) -> None:
    folder = small(tmp_path / "my-conversation")
    (folder / polis.SUMMARY).unlink()
    read = polis.read(folder)
    assert (read.topic, read.url, read.description) == ("my-conversation", "", "")


def test_written_files_have_polis_headers_and_read_back_the_same(tmp_path: Path) -> None:
    read = polis.read(small(tmp_path / "export"))
    grouped = replace(read, groups={1: 0, 2: 1})
    polis.write(grouped, tmp_path / "again")
    written = {name: (tmp_path / "again" / name).read_text() for name in polis.FILES}
    assert written == polis.files(grouped)
    first_lines = {name: body.splitlines()[0] for name, body in written.items()}
    assert first_lines == {
        polis.COMMENTS: ",".join(polis.COMMENT_COLUMNS),
        polis.VOTES: ",".join(polis.VOTE_COLUMNS),
        polis.PARTICIPANTS: ",".join(polis.PARTICIPANT_COLUMNS) + ",0,1,2,3",
        polis.SUMMARY: "topic,A small conversation",
    }
    assert polis.read(tmp_path / "again") == read  # groups are written, never read

    participants = {r["participant"]: r for r in rows_of(written[polis.PARTICIPANTS])}
    assert [participants[p]["group-id"] for p in "01234"] == ["", "0", "1", "", ""]
    assert [participants["2"][c] for c in "0123"] == ["1", "0", "", ""]
    assert participants["1"] | {"0": "", "1": "", "2": "", "3": ""} == {
        "participant": "1",
        "group-id": "0",
        "n-comments": "0",
        "n-votes": "2",
        "n-agree": "2",
        "n-disagree": "0",
        "0": "",
        "1": "",
        "2": "",
        "3": "",
    }
    assert participants["0"]["n-comments"] == "2" and participants["0"]["n-votes"] == "0"
    comments = {r["comment-id"]: r for r in rows_of(written[polis.COMMENTS])}
    assert (comments["0"]["agrees"], comments["0"]["disagrees"]) == ("2", "0")
    summary = dict(csv.reader(io.StringIO(written[polis.SUMMARY])))
    assert list(summary) == list(polis.SUMMARY_KEYS)
    assert (summary["voters"], summary["comments"], summary["groups"]) == ("3", "4", "2")


def test_the_datetime_column_reads_as_polis_writes_it_in_utc() -> None:
    assert polis.java_date(1500232652930) == "Sun Jul 16 19:17:32 UTC 2017"  # 02:17:32 WIB
    assert polis.millis(polis.moment(1500232652930)) == 1500232652930


BAD_FILES: dict[str, tuple[str, str, str, str]] = {
    # kind: (file, text as written, text instead, what the sentence must name)
    "vote not -1, 0 or 1": (polis.VOTES, "0,2,-1\n", "0,2,2\n", "votes.csv, line 4"),
    "vote on an unknown comment": (polis.VOTES, ",2,3,-1\n", ",9,3,-1\n", "votes.csv, line 8"),
    "voter not a number": (polis.VOTES, "0,1,-1\n", "0,ann,-1\n", "votes.csv, line 3"),
    "negative voter": (polis.VOTES, "0,1,1\n", "0,-4,1\n", "votes.csv, line 2"),
    "timestamp not whole": (polis.VOTES, "1500000200000,", "1.5e12,", "votes.csv, line 3"),
    "a field missing": (polis.VOTES, ",1,1,1\n", ",1,1\n", "votes.csv, line 6"),
    "missing column": (polis.VOTES, "voter-id,vote\n", "voter-id,choice\n", "votes.csv, line 1"),
    "comment id twice": (polis.COMMENTS, ",2,3,0,", ",1,3,0,", "comments.csv, line 5"),
    "author not a number": (polis.COMMENTS, ",2,3,0,", ",2,three,0,", "comments.csv, line 5"),
    "moderated not -1, 0 or 1": (
        polis.COMMENTS,
        ",0,Not yet",
        ",5,Not yet",
        "comments.csv, line 6",
    ),
    "comment without text": (polis.COMMENTS, "Moderated out", "  ", "comments.csv, line 5"),
    "comment too long": (polis.COMMENTS, "Moderated out", "x" * 401, "comments.csv, line 5"),
    "unclosed quote": (polis.COMMENTS, ",Not yet", ',"Not yet', "comments.csv, line 6"),
    "stray quote": (polis.COMMENTS, ",Moderated out", ',"Moderated" out', "comments.csv, line 5"),
    "no comment body": (polis.COMMENTS, ",comment-body", ",body", "comments.csv, line 1"),
    "summary count": (polis.SUMMARY, "views,3", "views,many", "summary.csv, line 3"),
    "no comments": (polis.COMMENTS, COMMENTS_CSV[COMMENTS_CSV.index("\n") :], "\n", "comments"),
}


def spoil(folder: Path, kind: str) -> None:
    file, before, after, _ = BAD_FILES[kind]
    body = (folder / file).read_text()
    assert body.count(before) == 1, kind  # each case changes one known place
    (folder / file).write_text(body.replace(before, after), encoding="utf-8", newline="")


def one_sentence(said: str) -> bool:
    return "\n" not in said and said.endswith(".") and ". " not in said


@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_bad_file_is_one_sentence_naming_the_file_and_line(tmp_path: Path, kind: str) -> None:
    folder = small(tmp_path / "export")
    spoil(folder, kind)
    with pytest.raises(BadInput) as refused:
        polis.read(folder)
    said = refused.value.message
    assert BAD_FILES[kind][3] in said and one_sentence(said), said


def test_a_missing_file_or_folder_and_text_that_is_not_utf8_are_refused(tmp_path: Path) -> None:
    folder = small(tmp_path / "export")
    (folder / polis.VOTES).write_bytes(VOTES_CSV.replace("0,2,-1", "0,\xff,-1").encode("latin-1"))
    with pytest.raises(BadInput, match=r"votes\.csv, line 4: this is not UTF-8"):
        polis.read(folder)
    (folder / polis.VOTES).unlink()
    with pytest.raises(BadInput, match=r"There is no votes\.csv in") as refused:
        polis.read(folder)
    assert one_sentence(refused.value.message)
    with pytest.raises(BadInput, match="is not a folder"):
        polis.read(tmp_path / "nowhere")


def test_the_real_conversations_say_1_for_agree_in_votes_and_in_the_matrix(real: Path) -> None:
    """votes.csv and participants-votes.csv use one sign: every participant's latest vote is
    their matrix entry, and comments.csv's `agrees` counts the 1s (Polis's tally runs a few
    votes over ours; with the sign turned round it would be far off)."""
    read = polis.read(real)
    body = (real / polis.PARTICIPANTS).read_text(encoding="utf-8")
    matrix = {
        (int(row["participant"]), c.id): int(row[str(c.id)])
        for row in rows_of(body)
        for c in read.comments
        if row[str(c.id)] != ""
    }
    assert {(v.voter, v.comment): v.vote for v in read.votes} == matrix
    said = Counter((v.comment, v.vote) for v in read.votes)
    tallied = rows_of((real / polis.COMMENTS).read_text(encoding="utf-8"))

    def off_by(agree: int, disagree: int) -> int:
        return sum(
            abs(int(r["agrees"]) - said[int(r["comment-id"]), agree])
            + abs(int(r["disagrees"]) - said[int(r["comment-id"]), disagree])
            for r in tallied
        )

    assert off_by(polis.AGREE, polis.DISAGREE) * 10 < off_by(polis.DISAGREE, polis.AGREE)


# -- importing and exporting posts ------------------------------------------------------------


async def test_a_real_conversation_becomes_one_post_with_every_latest_vote(
    engine: Engine, real: Path
) -> None:
    read = polis.read(real)
    imported = await engine.import_polis(moderator(), read)
    post = imported.post
    summary = dict(csv.reader(io.StringIO((real / polis.SUMMARY).read_text(encoding="utf-8"))))
    assert post.title == summary["topic"]
    statuses = Counter(c.status for c in imported.claims)
    moderated = Counter(c.moderated for c in read.comments)
    assert len(imported.claims) == len(read.comments)
    assert statuses[ClaimStatus.RETIRED] == moderated[-1]
    assert statuses[ClaimStatus.ACTIVE] == moderated[1]
    assert statuses[ClaimStatus.PROPOSED] == moderated[0]
    assert [c.polis_id for c in imported.claims] == sorted(c.id for c in read.comments)
    assert [c.ref for c in imported.claims[:2]] == [f"{post.ref}.1", f"{post.ref}.2"]
    assert (imported.votes, imported.members) == (
        len(read.votes),
        len({v.voter for v in read.votes}),
    )

    async with engine.store.transaction() as tx:
        standing = await tx.votes.standing(post.id)
        poll = await tx.polls.get(post.id)
    comment_of = {c.id: c.polis_id for c in imported.claims}
    assert sorted(
        (int(v.voter.removeprefix("polis-")), comment_of[v.claim_id], v.choice, polis.millis(v.at))
        for v in standing
    ) == sorted((v.voter, v.comment, SAID[v.vote], v.at) for v in read.votes)
    assert poll is not None and not poll.is_open(engine.clock.now())
    results = await engine.results(moderator(), post.ref)
    assert results.closed and results.voters > 0
    [entry] = (await engine.audit(moderator())).entries
    assert entry.action == "post.import" and post.title in entry.detail


async def test_a_real_conversation_exports_as_it_came_and_again_the_same(
    engine: Engine, real: Path, tmp_path: Path
) -> None:
    """Import, export: every latest vote and comment comes back exactly, with our opinion
    groups; import that export and export again: the same files."""
    read = polis.read(real)
    first = await engine.import_polis(moderator(), read)
    export = await engine.export_polis(moderator(), first.post.ref)
    polis.write(export.conversation, tmp_path / "out")
    again = polis.read(tmp_path / "out")
    assert latest(again) == latest(read)
    assert again.comments == read.comments
    assert (again.topic, again.url, again.description) == (read.topic, read.url, read.description)

    analysis = await engine.analysis(first.post.id)
    assert analysis.groups, "both conversations have opinion groups"
    names = [g.name for g in analysis.groups]
    rows = rows_of(polis.files(export.conversation)[polis.PARTICIPANTS])
    assert {r["group-id"] for r in rows} <= {"", *map(str, range(len(names)))}
    for row in rows:
        place = analysis.members.get(polis_posts.member(int(row["participant"])))
        group = place.group if place else None
        assert row["group-id"] == ("" if group is None else str(names.index(group)))

    second = await engine.import_polis(moderator(), again)
    export_again = await engine.export_polis(moderator(), second.post.ref)
    assert polis.files(export_again.conversation) == polis.files(export.conversation)


async def test_any_post_exports_with_members_as_numbers_and_round_trips(
    engine: Engine, clock: ManualClock, tmp_path: Path
) -> None:
    mod = moderator("moderator-7731")
    post = (await engine.add_post(mod, "Allies\n\nNATO matters. Europe should pay.")).post
    for text in ("NATO deters Russia", "Europe should spend more", "A third thought"):
        await engine.add_claim(mod, post.ref, text)
    await engine.open_poll(mod, post.ref)
    voters = ["ann-4431", "bob-9902", "cat-1187"]
    for who, choices in zip(voters, ["aad", "dap", "ad"], strict=True):
        for number, said in enumerate(choices, start=1):
            choice = {"a": Choice.AGREE, "d": Choice.DISAGREE, "p": Choice.PASS}[said]
            await engine.cast_vote(member(who), f"{post.ref}.{number}", choice)
            clock.advance(seconds=1)
    await engine.remove_claims(mod, [f"{post.ref}.3"])

    export = await engine.export_polis(mod, post.ref)
    written = polis.files(export.conversation)
    for body in written.values():
        assert not any(name in body for name in [*voters, "moderator-7731", COMMUNITY]), body
    votes = rows_of(written[polis.VOTES])
    assert sorted((v["voter-id"], v["comment-id"], v["vote"]) for v in votes) == [
        ("0", "0", "1"),
        ("0", "1", "1"),
        ("0", "2", "-1"),
        ("1", "0", "-1"),
        ("1", "1", "1"),
        ("1", "2", "0"),
        ("2", "0", "1"),
        ("2", "1", "-1"),
    ]
    comments = rows_of(written[polis.COMMENTS])
    assert [(c["comment-id"], c["author-id"], c["moderated"]) for c in comments] == [
        ("0", "3", "1"),
        ("1", "3", "1"),
        ("2", "3", "-1"),
    ]
    assert {r["group-id"] for r in rows_of(written[polis.PARTICIPANTS])} == {""}  # too few

    polis.write(export.conversation, tmp_path / "out")
    again = await engine.import_polis(mod, polis.read(tmp_path / "out"))
    assert polis.files((await engine.export_polis(mod, again.post.ref)).conversation) == written


async def test_only_moderators_import_and_export(engine: Engine, tmp_path: Path) -> None:
    read = polis.read(small(tmp_path / "export"))
    with pytest.raises(NotAModerator):
        await engine.import_polis(member("ann"), read)
    imported = await engine.import_polis(moderator(), read)
    with pytest.raises(NotAModerator):
        await engine.export_polis(member("ann"), imported.post.ref)
    assert [p.ref for p in (await engine.posts(member("ann"))).posts] == [imported.post.ref]


async def test_an_import_that_fails_halfway_leaves_nothing(engine: Engine, tmp_path: Path) -> None:
    read = polis.read(small(tmp_path / "export"))
    broken = replace(read, votes=[*read.votes, Vote(voter=9, comment=77, vote=1, at=0)])
    with pytest.raises(KeyError):
        await engine.import_polis(moderator(), broken)
    assert (await engine.posts(moderator())).posts == []
    assert (await engine.audit(moderator())).entries == []


# -- the command line --------------------------------------------------------------------------


def run_cli(monkeypatch: pytest.MonkeyPatch, database: Path, *args: str) -> int:
    """`debate-bot ARGS` through the entry point the installed script calls."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{database}")
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    return cli.main(list(args))


def dump(database: Path) -> list[str]:
    with sqlite3.connect(database) as conn:
        return list(conn.iterdump())


def test_import_and_export_from_the_command_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    database, folder = tmp_path / "debate.db", small(tmp_path / "small")
    assert run_cli(monkeypatch, database, "import-polis", str(folder), "--community", "club") == 0
    said = capsys.readouterr().out
    assert "Imported post 1 from Polis: A small conversation" in said
    assert "4 claims" in said and "5 votes by 3 members" in said

    out = tmp_path / "out"
    assert run_cli(monkeypatch, database, "export-polis", "1", str(out), "--community", "club") == 0
    assert "Wrote post 1" in capsys.readouterr().out
    assert latest(polis.read(out)) == sorted(LATEST)
    assert sorted(p.name for p in out.iterdir()) == sorted(polis.FILES)

    assert run_cli(monkeypatch, database, "export-polis", "7", str(out), "--community", "club") == 1
    assert "console:club has no post 7" in capsys.readouterr().err


def test_a_bad_import_from_the_command_line_is_one_line_and_changes_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    database = tmp_path / "debate.db"
    run_cli(
        monkeypatch, database, "import-polis", str(small(tmp_path / "good")), "--community", "c"
    )
    capsys.readouterr()
    before = dump(database)
    for kind in BAD_FILES:
        folder = small(tmp_path / kind)
        spoil(folder, kind)
        assert run_cli(monkeypatch, database, "import-polis", str(folder), "--community", "c") == 1
        out, err = capsys.readouterr()
        assert out == "" and err.count("\n") == 1 and BAD_FILES[kind][3] in err, (kind, err)
        assert "Traceback" not in err
    assert dump(database) == before


def test_the_real_conversations_import_from_the_command_line(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    real: Path,
) -> None:
    database = tmp_path / "debate.db"
    assert run_cli(monkeypatch, database, "import-polis", str(real), "--community", "demo") == 0
    read = polis.read(real)
    assert f"{len(read.votes)} votes" in capsys.readouterr().out
    with sqlite3.connect(database) as conn:
        [(votes,)] = conn.execute("SELECT count(*) FROM votes")
    assert votes == len(read.votes)
