"""Polis's open data format: a conversation as the four CSV files Polis exports, read and written
with the headers, column order and conventions of Polis's own exports.

- `comments.csv`: one row per comment; `moderated` is 1 (accepted), 0 (not yet moderated) or
  -1 (moderated out).
- `votes.csv`: every vote event with its millisecond timestamp; a voter's latest vote on a
  comment is the one that counts. `vote` is 1 = agree, -1 = disagree, 0 = pass, as in
  `participants-votes.csv` (tests/test_polis.py checks both real conversations for it).
- `participants-votes.csv`: one row per participant, their opinion group (`group-id`, 0, 1, …),
  their counts, then their standing vote on each comment (empty: not seen).
- `summary.csv`: `key,value` rows, the topic, url and counts.

Reading checks every row of what it reads before anything is used, and refuses the first thing
wrong with one sentence naming the file and the line (`PolisFileError`). Import reads
`comments.csv`, `votes.csv` and, when there is one, `summary.csv`; `participants-votes.csv` is
what Polis derived from the votes, so nothing in it is needed. `bot.polis_posts` turns a
conversation into a post and back.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.errors import BadInput

COMMENTS = "comments.csv"
VOTES = "votes.csv"
PARTICIPANTS = "participants-votes.csv"
SUMMARY = "summary.csv"
FILES = (COMMENTS, VOTES, PARTICIPANTS, SUMMARY)

COMMENT_COLUMNS = (
    "timestamp",
    "datetime",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "comment-body",
)
VOTE_COLUMNS = ("timestamp", "datetime", "comment-id", "voter-id", "vote")
PARTICIPANT_COLUMNS = ("participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree")
SUMMARY_KEYS = (
    "topic",
    "url",
    "views",
    "voters",
    "voters-in-conv",
    "commenters",
    "comments",
    "groups",
    "conversation-description",
)

AGREE, DISAGREE, PASS = 1, -1, 0
ACCEPTED, UNMODERATED, MODERATED_OUT = 1, 0, -1
MAX_COMMENT_CHARS = 400  # what a claim's column holds; Polis comments run past our own 280
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
LAST_MILLISECOND = 253_402_300_799_999  # 9999-12-31 23:59:59.999, the last a datetime holds


@dataclass(frozen=True)
class Comment:
    id: int
    author: int  # a participant
    text: str
    at: int  # milliseconds since 1970, UTC
    moderated: int  # ACCEPTED, UNMODERATED or MODERATED_OUT


@dataclass(frozen=True)
class Vote:
    voter: int  # a participant
    comment: int
    vote: int  # AGREE, DISAGREE or PASS
    at: int  # milliseconds since 1970, UTC


@dataclass(frozen=True)
class Conversation:
    topic: str
    url: str
    description: str
    comments: list[Comment]  # in comment-id order
    votes: list[Vote]  # each voter's latest on each comment, in comment then voter order
    groups: dict[int, int] = field(default_factory=dict)  # participant -> opinion group, 0, 1, …

    @property
    def participants(self) -> list[int]:
        """Everyone who voted or wrote a comment."""
        return sorted({v.voter for v in self.votes} | {c.author for c in self.comments})

    @property
    def span(self) -> tuple[int, int]:
        """The first and the last moment of the conversation, in milliseconds."""
        moments = [c.at for c in self.comments] + [v.at for v in self.votes]
        return min(moments), max(moments)


class PolisFileError(BadInput):
    """A file of a Polis export that is not as Polis writes it: nothing was imported."""

    def __init__(self, file: str, line: int, problem: str) -> None:
        super().__init__(f"{file}, line {line}: {problem}.")


# -- reading -----------------------------------------------------------------------------------


def read(folder: Path) -> Conversation:
    """The conversation exported to `folder`; raises `PolisFileError` (or `BadInput` for a file
    that is not there) at the first thing wrong, before anything is used."""
    if not folder.is_dir():
        raise BadInput(f"{folder} is not a folder; give the folder that holds Polis's {COMMENTS}.")
    comments = _comments(_table(folder, COMMENTS, COMMENT_COLUMNS))
    votes = _latest_votes(_table(folder, VOTES, VOTE_COLUMNS), {c.id for c in comments})
    summary = _summary(folder) if (folder / SUMMARY).exists() else {}
    return Conversation(
        topic=summary.get("topic", "").strip() or folder.resolve().name,
        url=summary.get("url", "").strip(),
        description=summary.get("conversation-description", "").strip(),
        comments=comments,
        votes=votes,
    )


Row = tuple[int, dict[str, str]]  # the line a record starts on, and its fields by column


def _table(folder: Path, name: str, columns: Sequence[str]) -> Iterator[Row]:
    """The records of a CSV file whose header has (at least) `columns`."""
    reader = csv.reader(io.StringIO(_text(folder, name), newline=""), strict=True)
    end = 0  # the line the last record read ended on
    try:
        header = next(reader, None)
        if not header:
            raise PolisFileError(name, 1, f"the header is missing; it reads {','.join(columns)}")
        missing = [c for c in columns if c not in header]
        if missing:
            raise PolisFileError(name, 1, f"the header has no column “{missing[0]}”")
        where = {column: header.index(column) for column in columns}
        end = reader.line_num
        for fields in reader:
            start, end = end + 1, reader.line_num
            if not fields:
                continue
            if len(fields) != len(header):
                problem = f"{len(fields)} fields where the header names {len(header)}"
                raise PolisFileError(name, start, problem)
            yield start, {column: fields[i] for column, i in where.items()}
    except csv.Error as error:
        problem = f"this is not CSV as Polis writes it ({error})"
        raise PolisFileError(name, end + 1, problem) from None


def _text(folder: Path, name: str) -> str:
    try:
        data = (folder / name).read_bytes()
    except FileNotFoundError:
        raise BadInput(
            f"There is no {name} in {folder}; a Polis export holds {', '.join(FILES)}."
        ) from None
    except OSError as error:
        raise BadInput(f"{name} in {folder} cannot be read ({error.strerror}).") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise PolisFileError(name, line, "this is not UTF-8 text") from None


_WHOLE = re.compile(r"-?[0-9]{1,18}")  # ASCII digits only: int() would also take "1_0" or "٣"


def _whole(file: str, line: int, column: str, value: str) -> int:
    if not _WHOLE.fullmatch(value):
        shown = value if len(value) <= 30 else value[:29] + "…"
        raise PolisFileError(file, line, f"{column} “{shown}” is not a whole number")
    return int(value)


def _id(file: str, line: int, column: str, value: str) -> int:
    number = _whole(file, line, column, value)
    if number < 0:
        raise PolisFileError(file, line, f"{column} {number} is negative")
    return number


def _moment(file: str, line: int, value: str) -> int:
    at = _whole(file, line, "timestamp", value)
    if not 0 <= at <= LAST_MILLISECOND:
        raise PolisFileError(file, line, f"timestamp {at} is not milliseconds since 1970")
    return at


def _one_of(file: str, line: int, column: str, value: str, allowed: Mapping[int, str]) -> int:
    number = _whole(file, line, column, value)
    if number not in allowed:
        options = ", ".join(f"{n} ({said})" for n, said in allowed.items())
        raise PolisFileError(file, line, f"{column} is {number}, not one of {options}")
    return number


_MODERATION = {
    ACCEPTED: "accepted",
    UNMODERATED: "not yet moderated",
    MODERATED_OUT: "moderated out",
}
_VOTES = {AGREE: "agree", DISAGREE: "disagree", PASS: "pass"}


def _comments(rows: Iterable[Row]) -> list[Comment]:
    first_seen: dict[int, int] = {}
    comments = []
    for line, row in rows:
        number = _id(COMMENTS, line, "comment-id", row["comment-id"])
        if number in first_seen:
            problem = f"comment {number} appears again (first on line {first_seen[number]})"
            raise PolisFileError(COMMENTS, line, problem)
        first_seen[number] = line
        for count in ("agrees", "disagrees"):  # Polis's own tally: checked, not used
            _id(COMMENTS, line, count, row[count])
        text = row["comment-body"]
        if not text.strip():
            raise PolisFileError(COMMENTS, line, f"comment {number} has no text")
        if len(text) > MAX_COMMENT_CHARS:
            problem = f"comment {number} is {len(text)} characters, over {MAX_COMMENT_CHARS}"
            raise PolisFileError(COMMENTS, line, problem)
        comments.append(
            Comment(
                id=number,
                author=_id(COMMENTS, line, "author-id", row["author-id"]),
                text=text,
                at=_moment(COMMENTS, line, row["timestamp"]),
                moderated=_one_of(COMMENTS, line, "moderated", row["moderated"], _MODERATION),
            )
        )
    if not comments:
        raise BadInput(f"{COMMENTS} has no comments, so there is nothing to debate.")
    return sorted(comments, key=lambda c: c.id)


def _latest_votes(rows: Iterable[Row], comments: set[int]) -> list[Vote]:
    """Each voter's latest vote on each comment; of two at the same millisecond, the later line."""
    latest: dict[tuple[int, int], Vote] = {}
    for line, row in rows:
        at = _moment(VOTES, line, row["timestamp"])
        comment = _id(VOTES, line, "comment-id", row["comment-id"])
        if comment not in comments:
            raise PolisFileError(VOTES, line, f"comment {comment} is not in {COMMENTS}")
        voter = _id(VOTES, line, "voter-id", row["voter-id"])
        vote = _one_of(VOTES, line, "vote", row["vote"], _VOTES)
        known = latest.get((voter, comment))
        if known is None or at >= known.at:
            latest[voter, comment] = Vote(voter, comment, vote, at)
    return sorted(latest.values(), key=lambda v: (v.comment, v.voter))


_COUNTS = ("views", "voters", "voters-in-conv", "commenters", "comments", "groups")


def _summary(folder: Path) -> dict[str, str]:
    """summary.csv's `key,value` rows; the counts are Polis's and only checked."""
    summary: dict[str, str] = {}
    reader = csv.reader(io.StringIO(_text(folder, SUMMARY), newline=""), strict=True)
    end = 0
    try:
        for fields in reader:
            start, end = end + 1, reader.line_num
            if not fields:
                continue
            if len(fields) > 2:
                raise PolisFileError(SUMMARY, start, f"{len(fields)} fields where a row has 2")
            key, value = fields[0], fields[1] if len(fields) > 1 else ""
            if key in _COUNTS and value:
                _id(SUMMARY, start, key, value)
            summary[key] = value
    except csv.Error as error:
        raise PolisFileError(SUMMARY, end + 1, f"this is not CSV ({error})") from None
    return summary


# -- writing -----------------------------------------------------------------------------------


def files(conversation: Conversation) -> dict[str, str]:
    """The four files of the conversation, by name, as Polis writes them."""
    return {
        COMMENTS: _comments_csv(conversation),
        VOTES: _votes_csv(conversation),
        PARTICIPANTS: _participants_csv(conversation),
        SUMMARY: _summary_csv(conversation),
    }


def write(conversation: Conversation, folder: Path) -> None:
    """The four files in `folder` (made if need be), replacing any there."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, body in files(conversation).items():
        with (folder / name).open("w", encoding="utf-8", newline="") as file:
            file.write(body)


def zipped(conversation: Conversation) -> bytes:
    """The four files in one zip archive, for chat, where a moderator gets one attachment."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, body in files(conversation).items():
            archive.writestr(name, body)
    return buffer.getvalue()


def _csv(rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _comments_csv(conversation: Conversation) -> str:
    said = Counter((v.comment, v.vote) for v in conversation.votes)
    rows = (
        [
            c.at,
            java_date(c.at),
            c.id,
            c.author,
            said[c.id, AGREE],
            said[c.id, DISAGREE],
            c.moderated,
            c.text,
        ]
        for c in conversation.comments
    )
    return _csv([COMMENT_COLUMNS, *rows])


def _votes_csv(conversation: Conversation) -> str:
    rows = ((v.at, java_date(v.at), v.comment, v.voter, v.vote) for v in conversation.votes)
    return _csv([VOTE_COLUMNS, *rows])


def _participants_csv(conversation: Conversation) -> str:
    ids = [c.id for c in conversation.comments]
    said: dict[int, dict[int, int]] = defaultdict(dict)
    for v in conversation.votes:
        said[v.voter][v.comment] = v.vote
    wrote = Counter(c.author for c in conversation.comments)
    rows: list[Sequence[object]] = [(*PARTICIPANT_COLUMNS, *ids)]
    for participant in conversation.participants:
        votes = said[participant]
        counts = Counter(votes.values())
        group = conversation.groups.get(participant, "")
        rows.append(
            [participant, group, wrote[participant], len(votes), counts[AGREE], counts[DISAGREE]]
            + [votes.get(i, "") for i in ids]
        )
    return _csv(rows)


def _summary_csv(conversation: Conversation) -> str:
    voters = len({v.voter for v in conversation.votes})
    values = {
        "topic": conversation.topic,
        "url": conversation.url,
        "views": voters,  # views are not counted here; everyone who voted saw it
        "voters": voters,
        "voters-in-conv": voters,
        "commenters": len({c.author for c in conversation.comments}),
        "comments": len(conversation.comments),
        "groups": len(set(conversation.groups.values())),
        "conversation-description": conversation.description,
    }
    return _csv([(key, values[key]) for key in SUMMARY_KEYS])


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def java_date(ms: int) -> str:
    """The `datetime` column as Polis writes it (Java's `Date.toString()`), in UTC."""
    t = moment(ms)
    return f"{_DAYS[t.weekday()]} {_MONTHS[t.month - 1]} {t.day:02d} {t:%H:%M:%S} UTC {t.year}"


def moment(ms: int) -> datetime:
    return EPOCH + timedelta(milliseconds=ms)


def millis(at: datetime) -> int:
    return (at - EPOCH) // timedelta(milliseconds=1)
