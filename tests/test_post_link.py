"""`/debate post <link>` end to end: a page served from 127.0.0.1 becomes a post with drafts, and
every kind of bad link is refused with one sentence and adds nothing."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from adapters.bootstrap import compose
from adapters.fetch import WebFetcher
from bot.answers import PostAdded
from bot.commands import execute
from bot.domain import ClaimKind, ClaimStatus
from bot.engine import Engine
from storage.store import SqlStore
from tests.support import member, moderator

MOD = moderator()

ARTICLE = """<!doctype html>
<html><head><title>Kosovo is the test of the new détente | The Balkan Desk</title></head>
<body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/subscribe">Subscribe now</a></nav>
<article>
<h1>Kosovo is the test of the new détente</h1>
<p class="byline">Posted by Jane Doe on 3 March 2008</p>
<p>At last there seems to be a deal for military cooperation between NATO and Russia over
Afghanistan.</p>
<p>The West would be foolish to throw this away over the Serb areas of North Kosovo, because
Russia's help in Afghanistan is worth far more than a symbolic victory in Mitrovica.</p>
<p>My guess is that the EU and NATO will beat a tactical withdrawal out of North Kosovo within
the year.</p>
<p>Medvedev seems to be a far more reasonable partner than Putin ever was.</p>
</article>
<section class="comments"><h3>12 comments</h3>
<p>Great post, totally agree with everything you say here!!!</p></section>
<footer><p>Copyright 2008 The Balkan Desk. All rights reserved. Share on Facebook.</p></footer>
</body></html>"""


@pytest.fixture
async def site() -> AsyncIterator[str]:
    async def article(request: web.Request) -> web.Response:
        return web.Response(text=ARTICLE, content_type="text/html")

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return web.Response(text=ARTICLE, content_type="text/html")

    async def huge(request: web.Request) -> web.Response:
        return web.Response(
            text="<p>" + "Sanctions work. " * 20_000 + "</p>", content_type="text/html"
        )

    async def pdf(request: web.Request) -> web.Response:
        return web.Response(body=b"%PDF-1.7", content_type="application/pdf")

    async def empty(request: web.Request) -> web.Response:
        return web.Response(
            text="<html><body><div id=app></div></body></html>", content_type="text/html"
        )

    app = web.Application()
    app.router.add_get("/article", article)
    app.router.add_get("/slow", slow)
    app.router.add_get("/huge", huge)
    app.router.add_get("/paper.pdf", pdf)
    app.router.add_get("/empty", empty)
    runner = web.AppRunner(app)
    await runner.setup()
    server = web.TCPSite(runner, "127.0.0.1", 0)
    await server.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


def engine_with(store: SqlStore, fetcher: WebFetcher) -> Engine:
    """The bot as shipped (the real extractor and duplicate check), with a fetcher that may
    reach this test's web server."""
    return compose(store, fetcher=fetcher).engine


async def test_a_linked_article_becomes_a_post_with_draft_claims(
    store: SqlStore, site: str
) -> None:
    engine = engine_with(store, WebFetcher(allow_private=True))
    reply = await execute(engine, MOD, f"/debate post {site}/article")
    assert not reply.error, reply.text
    assert isinstance(reply.answer, PostAdded)
    post, drafts = reply.answer.post, reply.answer.drafts

    assert "Kosovo is the test of the new détente" in post.title
    assert post.url == f"{site}/article"
    assert "tactical withdrawal" in post.text and "Medvedev" in post.text
    for furniture in ("Subscribe now", "12 comments", "Great post", "All rights reserved"):
        assert furniture not in post.text

    assert drafts and all(d.status is ClaimStatus.DRAFT for d in drafts)
    assert all(d.quote and d.quote in post.text for d in drafts)
    forecasts = [d for d in drafts if "withdrawal" in (d.quote or "")]
    assert [d.kind for d in forecasts] == [ClaimKind.PREDICTION]

    opened = await execute(engine, MOD, f"/debate open {post.ref}")
    assert not opened.error and opened.announce


async def test_a_member_proposal_that_repeats_a_claim_is_pointed_at_it(
    store: SqlStore, site: str
) -> None:
    engine = engine_with(store, WebFetcher(allow_private=True))
    await execute(engine, MOD, "/debate post Title\nSanctions make war more likely, some say.")
    added = await execute(engine, MOD, "/debate claim add 1 Sanctions make war more likely")
    [ref] = re.findall(r"\b1\.\d+\b", added.text)  # after however many drafts extraction made
    twin = await execute(engine, member("ann"), "/debate propose 1 sanctions make war more likely")
    assert twin.error and ref in twin.text
    other = await execute(engine, member("ann"), "/debate propose 1 Sanctions make war less likely")
    assert not other.error


@pytest.mark.parametrize(
    ("path", "fetcher"),
    [
        ("/article", WebFetcher()),  # 127.0.0.1 is private unless allowed
        ("/slow", WebFetcher(allow_private=True, read_timeout=0.3, total_timeout=1)),
        ("/huge", WebFetcher(allow_private=True, max_bytes=50_000)),
        ("/paper.pdf", WebFetcher(allow_private=True)),
        ("/missing", WebFetcher(allow_private=True)),
        ("/empty", WebFetcher(allow_private=True)),
    ],
    ids=["private address", "timeout", "too large", "not html", "404", "empty text"],
)
async def test_bad_links_are_refused_in_one_sentence_and_add_nothing(
    store: SqlStore, site: str, path: str, fetcher: WebFetcher
) -> None:
    engine = engine_with(store, fetcher)
    reply = await execute(engine, MOD, f"/debate post {site}{path}")
    assert reply.error
    assert len(reply.text.splitlines()) == 1 and reply.text.endswith(".")
    assert "Traceback" not in reply.text
    assert (await engine.posts(MOD)).posts == []
