"""Claim extraction by a language model, against a local fake of a chat-completions endpoint
(`fakes/llm_fake.py`, 127.0.0.1 port 0): the extractor the bootstrap builds from the settings,
the engine and the console reply that show it, and `debate-bot extract`. Whatever the model does
(answers well, names a sentence that is not there, answers junk, errs, or is too slow), the
moderator gets drafts quoting the post exactly, is told which extractor proposed them, and the
key is never written anywhere but the request's Authorization header."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from adapters.bootstrap import claim_extractor
from adapters.config import Config, ConfigError, load
from adapters.discord import render as discord_render
from adapters.llm import ChatCompletions
from bot import text
from bot.domain import ClaimKind, DraftClaim
from bot.extraction import extract_claims
from bot.extraction.extractors import OfflineExtractor
from bot.ports import Extraction, Extractor
from fakes.llm_fake import Asked, FakeLlm
from storage.store import SqlStore
from tests.support import ManualClock, make_bot, moderator

ROOT = Path(__file__).resolve().parent.parent
KEY = "sk-test-4f1c9e0b7a2d"
MODEL = "test-model"

POST = """Why sanctions on Russia will fail

By Helen Marsh, Diplomatic Correspondent

The EU adopted its fourteenth sanctions package in June. Sanctions have failed to change the \
Kremlin's course. Europe should spend the money on air defence instead.

Is Brussels right to keep trying? Partly.

Moscow will find new buyers for its oil within a year. Share this article on Facebook."""


def reads_the_post(asked: Asked) -> str:
    """A model that knows its task: forecasts are predictions, verdicts and advice are claims,
    narration is left out; a question and its short answer go together."""
    claims: list[dict[str, Any]] = []
    numbered = asked.sentences
    for n, said in numbered.items():
        if " will " in said:
            claims.append({"sentences": [n], "kind": "prediction", "text": f"Forecast: {said}"})
        elif " should " in said or " failed " in said:
            claims.append({"sentences": [n], "kind": "claim", "text": f"Verdict: {said}"})
        elif said.endswith("?") and n + 1 in numbered:
            claims.append(
                {"sentences": [n, n + 1], "kind": "claim", "text": "Brussels is partly right."}
            )
    return json.dumps({"claims": claims})


def extractor_for(fake: FakeLlm, *, timeout: float = 10.0, key: str | None = KEY) -> Extractor:
    """The extractor the bootstrap builds when the settings point at `fake`."""
    settings: dict[str, Any] = {
        "extract_llm_url": fake.base_url,
        "extract_llm_model": MODEL,
        "extract_llm_timeout": timeout,
    }
    if key is not None:
        settings["extract_llm_key"] = key
    return claim_extractor(Config(_env_file=None, **settings))


def offline(by: str, why: str) -> bool:
    """Whether `by` says the offline extractor stood in for the LLM at the fake, and why."""
    return by.startswith("offline (the LLM at 127.0.0.1:") and why in by


async def test_the_model_picks_the_claims_and_the_post_gives_the_quotes() -> None:
    async with FakeLlm(answer=reads_the_post) as fake:
        extracted = await extractor_for(fake).extract(POST)
    [asked] = fake.asked
    assert extracted.by == f"llm:{MODEL}"
    assert [(d.kind, d.quote) for d in extracted.drafts] == [
        (ClaimKind.CLAIM, "Sanctions have failed to change the Kremlin's course."),
        (ClaimKind.CLAIM, "Europe should spend the money on air defence instead."),
        (ClaimKind.CLAIM, "Is Brussels right to keep trying? Partly."),
        (ClaimKind.PREDICTION, "Moscow will find new buyers for its oil within a year."),
    ]
    assert all(POST[d.start : d.end] == d.quote for d in extracted.drafts)
    assert (
        extracted.drafts[0].text == "Verdict: Sanctions have failed to change the Kremlin's course."
    )
    assert extracted.drafts[2].text == "Brussels is partly right."
    # the request, as the endpoint saw it
    assert asked.body["model"] == MODEL
    assert asked.body["response_format"] == {"type": "json_object"}
    assert asked.headers["Authorization"] == f"Bearer {KEY}"
    assert "Helen Marsh" not in json.dumps(asked.body)  # furniture is not sent


async def test_without_a_key_no_authorization_is_sent() -> None:
    async with FakeLlm(answer=reads_the_post) as fake:
        await extractor_for(fake, key=None).extract(POST)
    assert "Authorization" not in fake.asked[0].headers


FAILURES = {
    "an unknown sentence": (
        {"answer": '{"claims": [{"sentences": [99], "kind": "claim", "text": "x"}]}'},
        "invalid reply",
    ),
    "a wrong kind": (
        {"answer": '{"claims": [{"sentences": [1], "kind": "opinion", "text": "x"}]}'},
        "invalid reply",
    ),
    "no claims": ({"answer": '{"claims": []}'}, "invalid reply"),
    "prose": ({"answer": "Sorry, I cannot help with that."}, "invalid reply"),
    "not a completion": ({"raw": b"<html>Bad gateway</html>"}, "not a chat completion"),
    "rate limited": ({"status": 429}, "HTTP 429 Too Many Requests"),
    "a server error": ({"status": 500}, "HTTP 500 Internal Server Error"),
    "an unknown key": ({"status": 401}, "HTTP 401 Unauthorized"),
}


@pytest.mark.parametrize("failure", list(FAILURES))
async def test_a_failing_model_is_replaced_by_the_offline_extractor_with_one_warning(
    failure: str, caplog: pytest.LogCaptureFixture
) -> None:
    settings, why = FAILURES[failure]
    caplog.set_level(logging.DEBUG)
    async with FakeLlm(**settings) as fake:
        extracted = await extractor_for(fake).extract(POST)
    assert len(fake.asked) == 1
    assert extracted.drafts == extract_claims(POST)
    assert offline(extracted.by, why), extracted.by
    [warning] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert why in warning.getMessage() and MODEL in warning.getMessage()
    assert KEY not in caplog.text and KEY not in extracted.by


async def test_a_model_too_slow_is_given_up_on_after_the_timeout(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    await asyncio.to_thread(extract_claims, POST)  # warm: pysbd compiles its rules once
    async with FakeLlm(answer=reads_the_post, delay=30) as fake:
        started = time.monotonic()
        extracted = await extractor_for(fake, timeout=0.5).extract(POST)
        took = time.monotonic() - started
    assert 0.5 <= took < 3, took
    assert offline(extracted.by, "no answer within 0.5 s"), extracted.by
    assert extracted.drafts == extract_claims(POST)
    assert KEY not in caplog.text


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_a_model_that_is_not_running_is_replaced_by_the_offline_extractor(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = {
        "extract_llm_url": f"http://127.0.0.1:{closed_port()}/v1",
        "extract_llm_model": MODEL,
        "extract_llm_key": KEY,
    }
    extractor = claim_extractor(Config(_env_file=None, **settings))
    extracted = await extractor.extract(POST)
    assert extracted.by.startswith("offline (the LLM at 127.0.0.1:")
    assert "cannot connect" in extracted.by
    assert extracted.drafts == extract_claims(POST)
    assert KEY not in caplog.text


def test_where_the_model_runs_is_shown_without_credentials_or_path() -> None:
    chat = ChatCompletions("https://me:secret@llm.example:8443/openai/v1/", MODEL, key=KEY)
    assert chat.where == "llm.example:8443"
    assert chat.url == "https://me:secret@llm.example:8443/openai/v1/chat/completions"


async def test_a_post_without_sentences_is_not_sent() -> None:
    async with FakeLlm(answer=reads_the_post) as fake:
        extracted = await extractor_for(fake).extract("Menu\nHome | About")
    assert fake.asked == [] and extracted == Extraction([], "offline")


# -- what moderators see --------------------------------------------------------------------------


async def test_the_moderator_is_told_which_extractor_proposed_the_drafts(store: SqlStore) -> None:
    async with FakeLlm(answer=reads_the_post) as fake:
        engine = make_bot(store, ManualClock(), extractor=extractor_for(fake)).engine
        added = await engine.add_post(moderator(), POST)
        fake.status = 500
        fallen_back = await engine.add_post(moderator(), POST)
    assert added.extractor == f"llm:{MODEL}"
    assert [c.quote for c in added.drafts][-1] == (
        "Moscow will find new buyers for its oil within a year."
    )
    reply = text.render(added)
    assert f"Extractor: llm:{MODEL}" in reply and "Forecast: Moscow will" in reply
    assert offline(fallen_back.extractor, "HTTP 500")
    assert [c.quote for c in fallen_back.drafts] == [d.quote for d in extract_claims(POST)]
    assert "Extractor: offline (the LLM at 127.0.0.1:" in text.render(fallen_back)


async def test_posts_are_extracted_offline_when_no_model_is_configured(store: SqlStore) -> None:
    extractor = claim_extractor(Config(_env_file=None))
    engine = make_bot(store, ManualClock(), extractor=extractor).engine
    added = await engine.add_post(moderator(), POST)
    assert added.extractor == "offline"
    assert [c.quote for c in added.drafts] == [d.quote for d in extract_claims(POST)]
    assert "Extractor: offline" in text.render(added)


# -- settings and the command line ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        (
            {"EXTRACT_LLM_URL": "ftp://models.example/v1", "EXTRACT_LLM_MODEL": "m"},
            "EXTRACT_LLM_URL",
        ),
        ({"EXTRACT_LLM_URL": "localhost:11434", "EXTRACT_LLM_MODEL": "m"}, "EXTRACT_LLM_URL"),
        ({"EXTRACT_LLM_URL": "http://", "EXTRACT_LLM_MODEL": "m"}, "EXTRACT_LLM_URL"),
        ({"EXTRACT_LLM_URL": "http://127.0.0.1:11434/v1"}, "EXTRACT_LLM_MODEL"),
        ({"EXTRACT_LLM_TIMEOUT": "0"}, "EXTRACT_LLM_TIMEOUT"),
        ({"EXTRACT_LLM_TIMEOUT": "-5"}, "EXTRACT_LLM_TIMEOUT"),
        ({"EXTRACT_LLM_TIMEOUT": "inf"}, "EXTRACT_LLM_TIMEOUT"),
        ({"EXTRACT_LLM_TIMEOUT": "soon"}, "EXTRACT_LLM_TIMEOUT"),
    ],
)
def test_a_bad_llm_setting_is_one_line_naming_it(
    settings: dict[str, str], named: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as refused:
        load()
    said = str(refused.value)
    assert said.startswith(f"{named}: ") and "\n" not in said, said


def test_llm_settings_left_empty_mean_offline(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("EXTRACT_LLM_URL", "EXTRACT_LLM_MODEL", "EXTRACT_LLM_KEY"):
        monkeypatch.setenv(name, "")  # as .env.example has them
    assert load().extract_llm_url is None


async def debate_bot_extract(path: Path, **settings: str) -> tuple[int, str, str]:
    """`debate-bot extract PATH --json` in a process of its own, while this loop serves fakes."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXTRACT_LLM_")}
    env.update({"LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT), **settings})
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "adapters.cli",
        "extract",
        str(path),
        "--json",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_debate_bot_extract_uses_the_configured_model_and_says_so(tmp_path: Path) -> None:
    post = tmp_path / "post.txt"
    post.write_text(POST)
    async with FakeLlm(answer=reads_the_post) as fake:
        settings = {
            "EXTRACT_LLM_URL": fake.base_url,
            "EXTRACT_LLM_MODEL": MODEL,
            "EXTRACT_LLM_KEY": KEY,
        }
        code, out, err = await debate_bot_extract(post, **settings)
        assert code == 0, err
        rows = json.loads(out)
        assert [row["quote"] for row in rows][-1] == (
            "Moscow will find new buyers for its oil within a year."
        )
        assert rows[-1]["kind"] == "prediction" and rows[-1]["text"].startswith("Forecast:")
        assert f"extractor: llm:{MODEL}" in err
        fake.status = 429
        code, out, err = await debate_bot_extract(post, **settings)
    assert code == 0, err
    assert [row["quote"] for row in json.loads(out)] == [d.quote for d in extract_claims(POST)]
    assert "WARNING" in err and "HTTP 429" in err
    assert "extractor: offline (the LLM at 127.0.0.1:" in err
    assert "Traceback" not in err and KEY not in err and KEY not in out


async def test_the_drafts_the_extractor_is_least_sure_of_are_marked(store: SqlStore) -> None:
    sure = DraftClaim(
        "Sanctions have failed.", "Sanctions have failed.", ClaimKind.CLAIM, 0.9, 0, 22
    )
    unsure = replace(sure, text="Trade will recover.", quote="Trade will recover.", unsure=True)
    extractor = OfflineExtractor(lambda _: [sure, unsure])
    added = await make_bot(store, ManualClock(), extractor=extractor).engine.add_post(
        moderator(), "Sanctions have failed. Trade will recover."
    )
    _, second = added.drafts
    assert added.unsure == {second.id}
    lines = text.render(added).splitlines()
    assert any("unsure" in line and "Trade will recover." in line for line in lines)
    assert not any("unsure" in line and "Sanctions have failed." in line for line in lines)
    [message] = discord_render.messages(added)
    headings = [field["name"] for embed in message.embeds for field in embed.to_dict()["fields"]]
    assert [("unsure" in heading) for heading in headings] == [False, True]
