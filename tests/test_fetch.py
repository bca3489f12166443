"""The web fetcher against real HTTP served from 127.0.0.1, and refusals that send nothing out.

Pages come from an aiohttp server on a free loopback port. Names resolve through a fake
`getaddrinfo` on the test's event loop, and tests that must not connect anywhere record and refuse
every connection attempt at the loop, so no test can reach a non-loopback address.
"""

from __future__ import annotations

import asyncio
import ipaddress
import multiprocessing
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from adapters.addresses import NOT_GLOBALLY_REACHABLE, is_public_address
from adapters.fetch import Download, FallbackArticle, WebFetcher
from adapters.page_reader import read_in_child
from bot.errors import LinkRefused
from bot.ports import FetchedPage

TITLE = "Kosovo: the north will not hold"
PARAGRAPHS = [
    "The EU and NATO will beat a tactical withdrawal out of North Kosovo before the year is out, "
    "because neither Brussels nor Washington is willing to spend political capital on four "
    "municipalities that most of their voters could not find on a map.",
    "Belgrade understands this better than Pristina does. Serbia has learned over a decade of "
    "talks that patience is rewarded, and that every escalation on the Ibar ends in another round "
    "of dialogue rather than in sanctions.",
    "Expect the Association of Serb-majority Municipalities to become the price of normalisation, "
    "and expect Pristina to pay it once Washington makes clear that its patience has run out.",
]
NAVIGATION = "Subscribe to the Balkan Notes newsletter"
COMMENT = "KFOR should pack up and leave tomorrow"
FOOTER = "All rights reserved by Balkan Notes Media"

ARTICLE_HTML = f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{TITLE} | Balkan Notes</title></head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/about">About us</a></li>
<li><a href="/subscribe">{NAVIGATION}</a></li></ul></nav>
<main>
<article>
<h1>{TITLE}</h1>
<p class="byline">By A. Analyst, 3 March 2024</p>
{"".join(f"<p>{paragraph}</p>" for paragraph in PARAGRAPHS)}
</article>
<section id="comments" class="comments">
<h3>Comments</h3>
<div class="comment"><p>{COMMENT}!!! Totally agree with every word.</p></div>
<div class="comment"><p>Nonsense, the author clearly never visited Mitrovica.</p></div>
</section>
</main>
<footer><p>Copyright 2024. {FOOTER}. Privacy policy.</p></footer>
</body>
</html>"""

PLAIN_TEXT = (
    "Why Ankara will not leave NATO\n\n"
    "Turkey complains about the alliance every year and never leaves it.\n\n"
    "Its army needs allied spare parts more than its president needs a headline."
)


# --- a local site ---------------------------------------------------------------------------------


@dataclass
class Site:
    base: str
    requests: list[str] = field(default_factory=list)

    @property
    def port(self) -> int:
        return int(self.base.rsplit(":", 1)[1])

    def url(self, path: str) -> str:
        return f"{self.base}{path}"


def _routes(site: Site) -> web.RouteTableDef:
    routes = web.RouteTableDef()

    @routes.get("/article")
    async def article(request: web.Request) -> web.Response:
        return web.Response(text=ARTICLE_HTML, content_type="text/html")

    @routes.get("/plain")
    async def plain(request: web.Request) -> web.Response:
        return web.Response(text=PLAIN_TEXT, content_type="text/plain")

    @routes.get("/latin1")
    async def latin1(request: web.Request) -> web.Response:
        body = "Zürich talks\n\nSwitzerland keeps its neutrality.".encode("iso-8859-1")
        return web.Response(body=body, headers={"Content-Type": "text/plain; charset=iso-8859-1"})

    @routes.get("/meta-charset")
    async def meta_charset(request: web.Request) -> web.Response:
        html = (
            '<html><head><meta charset="iso-8859-1"><title>Neutralität</title></head>'
            "<body><article><p>Österreichs Neutralität ist kein Naturgesetz.</p></article>"
            "</body></html>"
        )
        return web.Response(body=html.encode("iso-8859-1"), headers={"Content-Type": "text/html"})

    @routes.get("/fragment")
    async def fragment(request: web.Request) -> web.Response:
        html = "<p>NATO enlargement to the Nordics has already changed the Baltic balance.</p>"
        return web.Response(text=html, content_type="text/html")

    @routes.get("/hop/{left}")
    async def hop(request: web.Request) -> web.Response:
        left = int(request.match_info["left"])
        path = "/article" if left == 0 else f"/hop/{left - 1}"
        # Alternate absolute and relative locations: both must be followed and vetted.
        location = site.url(path) if left % 2 else path
        raise web.HTTPFound(location)

    @routes.get("/loop")
    async def loop(request: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently("/loop")

    @routes.get("/away")
    async def away(request: web.Request) -> web.Response:
        raise web.HTTPTemporaryRedirect(f"http://elsewhere.test:{site.port}/article")

    @routes.get("/to-ftp")
    async def to_ftp(request: web.Request) -> web.Response:
        raise web.HTTPFound("ftp://127.0.0.1/article.txt")

    @routes.get("/to-unspecified")
    async def to_unspecified(request: web.Request) -> web.Response:
        raise web.HTTPFound(f"http://0.0.0.0:{site.port}/article")

    @routes.get("/status/{code}")
    async def status(request: web.Request) -> web.Response:
        return web.Response(status=int(request.match_info["code"]), text="<p>Sorry.</p>")

    @routes.get("/typed/{major}/{minor}")
    async def typed(request: web.Request) -> web.Response:
        media_type = f"{request.match_info['major']}/{request.match_info['minor']}"
        return web.Response(body=b"%PDF-1.7 not a web page", content_type=media_type)

    @routes.get("/untyped")
    async def untyped(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.headers.popall("Content-Type", None)
        await response.prepare(request)
        await response.write(b"<p>Bytes with no type.</p>")
        return response

    @routes.get("/empty-app")
    async def empty_app(request: web.Request) -> web.Response:
        html = (
            "<html><head><title>App</title><script>window.boot()</script></head>"
            '<body><div id="root"></div></body></html>'
        )
        return web.Response(text=html, content_type="text/html")

    @routes.get("/empty-text")
    async def empty_text(request: web.Request) -> web.Response:
        return web.Response(text="  \n\n  ", content_type="text/plain")

    @routes.get("/slow")
    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(10)
        return web.Response(text=ARTICLE_HTML, content_type="text/html")

    @routes.get("/trickle")
    async def trickle(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/plain"})
        await response.prepare(request)
        for _ in range(100):
            await response.write(b"a")
            await asyncio.sleep(0.1)
        return response

    @routes.get("/endless")
    async def endless(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/plain"})
        await response.prepare(request)
        while True:
            await response.write(b"Sanctions work slowly. " * 1000)

    @routes.get("/declared-huge")
    async def declared_huge(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        response.content_length = 50 * 1024 * 1024
        await response.prepare(request)
        await response.write(b"<p>" + b"x" * 1000)
        await asyncio.sleep(10)
        return response

    @routes.get("/sized/{size}")
    async def sized(request: web.Request) -> web.Response:
        size = int(request.match_info["size"])
        return web.Response(text="A" * size, content_type="text/plain")

    return routes


@pytest.fixture
async def site() -> AsyncIterator[Site]:
    served = Site(base="")

    @web.middleware
    async def record(request: web.Request, handler: Any) -> web.StreamResponse:
        served.requests.append(request.path)
        response: web.StreamResponse = await handler(request)
        return response

    app = web.Application(middlewares=[record])
    app.add_routes(_routes(served))
    runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=0.5)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    served.base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    yield served
    await runner.cleanup()


# --- the outside world, fenced off ----------------------------------------------------------------


@dataclass
class FakeDns:
    """Answers lookups from a table; names not in it do not exist, so no query ever leaves."""

    real_getaddrinfo: Any
    answers: dict[str, list[list[str]]] = field(default_factory=dict)
    lookups: list[str] = field(default_factory=list)

    async def getaddrinfo(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        name = host.decode() if isinstance(host, bytes) else str(host)
        self.lookups.append(name)
        if _is_ip_literal(name):
            return list(await self.real_getaddrinfo(host, port, *args, **kwargs))
        if name not in self.answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        queued = self.answers[name]
        addresses = queued.pop(0) if len(queued) > 1 else queued[0]
        return [_addrinfo(address, int(port or 0)) for address in addresses]


def _is_ip_literal(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _addrinfo(address: str, port: int) -> tuple[Any, ...]:
    if ipaddress.ip_address(address).version == 4:
        return (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))
    return (socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port, 0, 0))


@pytest.fixture
async def dns(monkeypatch: pytest.MonkeyPatch) -> FakeDns:
    loop = asyncio.get_running_loop()
    fake = FakeDns(real_getaddrinfo=loop.getaddrinfo)
    monkeypatch.setattr(loop, "getaddrinfo", fake.getaddrinfo)
    return fake


@pytest.fixture
async def connection_attempts(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every connection the code under test tries to open; each one is refused, so none leaves."""
    loop = asyncio.get_running_loop()
    attempts: list[Any] = []

    async def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append((args, kwargs))
        raise ConnectionRefusedError("tests open no connections here")

    monkeypatch.setattr(loop, "sock_connect", refuse)
    monkeypatch.setattr(loop, "create_connection", refuse)
    return attempts


def local_fetcher(**options: Any) -> WebFetcher:
    return WebFetcher(allow_private=True, **options)


# --- pages that come in ---------------------------------------------------------------------------


async def test_article_text_without_navigation_comments_or_footer(site: Site) -> None:
    page = await local_fetcher().fetch(site.url("/article"))

    assert page.title == TITLE
    assert page.url == site.url("/article")
    for paragraph in PARAGRAPHS:
        assert paragraph in page.text
    for furniture in (NAVIGATION, "About us", COMMENT, "never visited Mitrovica", FOOTER):
        assert furniture not in page.text


async def test_article_paragraphs_are_separated_by_blank_lines(site: Site) -> None:
    page = await local_fetcher().fetch(site.url("/article"))

    blocks = page.text.split("\n\n")
    for paragraph in PARAGRAPHS:
        assert paragraph in blocks


async def test_plain_text_is_kept_as_it_is_with_its_first_line_as_title(site: Site) -> None:
    page = await local_fetcher().fetch(site.url("/plain"))

    assert page.title == "Why Ankara will not leave NATO"
    assert page.text == PLAIN_TEXT


async def test_declared_charset_is_honoured(site: Site) -> None:
    page = await local_fetcher().fetch(site.url("/latin1"))

    assert page.title == "Zürich talks"


async def test_charset_from_the_page_meta_tag(site: Site) -> None:
    page = await local_fetcher().fetch(site.url("/meta-charset"))

    assert "Österreichs Neutralität" in page.text


async def test_a_bare_fragment_still_yields_its_paragraph(site: Site) -> None:
    page = await local_fetcher().fetch(site.url("/fragment"))

    assert "NATO enlargement to the Nordics" in page.text
    assert page.title


async def test_redirect_chain_of_five_is_followed(site: Site) -> None:
    page = await local_fetcher().fetch(site.url("/hop/4"))

    assert page.url == site.url("/article")
    assert page.title == TITLE
    assert site.requests == ["/hop/4", "/hop/3", "/hop/2", "/hop/1", "/hop/0", "/article"]


async def test_a_page_under_the_size_cap_comes_in(site: Site) -> None:
    page = await local_fetcher(max_bytes=100_000).fetch(site.url("/sized/90000"))

    assert len(page.text) == 90_000


async def test_every_hop_is_resolved_by_the_fetcher(site: Site, dns: FakeDns) -> None:
    dns.answers["elsewhere.test"] = [["127.0.0.1"]]

    page = await local_fetcher().fetch(site.url("/away"))

    assert page.title == TITLE
    assert "elsewhere.test" in dns.lookups


async def test_connects_to_the_address_it_checked_not_a_second_answer(
    site: Site, dns: FakeDns
) -> None:
    # A rebinding DNS server: the first answer is checked, any later one must never be used.
    # Nothing listens on 127.0.0.2, so connecting to the second answer would fail the fetch.
    dns.answers["news.test"] = [["127.0.0.1"], ["127.0.0.2"]]

    page = await local_fetcher().fetch(f"http://news.test:{site.port}/article")

    assert page.title == TITLE
    assert dns.lookups == ["news.test"]


# --- refusals -------------------------------------------------------------------------------------


async def test_too_many_redirects_are_refused(site: Site) -> None:
    with pytest.raises(LinkRefused):
        await local_fetcher().fetch(site.url("/hop/5"))

    assert "/article" not in site.requests
    assert len(site.requests) == 6


async def test_a_redirect_loop_is_refused(site: Site) -> None:
    with pytest.raises(LinkRefused):
        await local_fetcher().fetch(site.url("/loop"))

    assert len(site.requests) == 6


async def test_a_redirect_to_another_scheme_is_refused(site: Site) -> None:
    with pytest.raises(LinkRefused):
        await local_fetcher().fetch(site.url("/to-ftp"))


async def test_a_redirect_target_is_vetted_before_connecting(site: Site) -> None:
    # 0.0.0.0 is no web server even when private addresses are allowed; were the target not
    # vetted, the connection would land on this very server and it would see /article.
    with pytest.raises(LinkRefused):
        await local_fetcher().fetch(site.url("/to-unspecified"))

    assert site.requests == ["/to-unspecified"]


async def test_loopback_is_refused_unless_allowed(site: Site) -> None:
    with pytest.raises(LinkRefused):
        await WebFetcher().fetch(site.url("/article"))

    assert site.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/",
        "http://192.168.1.1/admin",
        "http://172.16.0.5:8080/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://127.0.0.1/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://240.0.0.1/",
        "http://[::1]/",
        "http://[fd00::1]/",
        "http://[fe80::1]/",
        "http://[::ffff:10.0.0.1]/",
        "http://[::ffff:127.0.0.1]/",
        "https://10.0.0.1/",
    ],
)
async def test_private_addresses_are_refused_before_connecting(
    url: str, dns: FakeDns, connection_attempts: list[Any]
) -> None:
    with pytest.raises(LinkRefused):
        await WebFetcher().fetch(url)

    assert connection_attempts == []


@pytest.mark.parametrize(
    "answer",
    [["10.1.2.3"], ["8.8.8.8", "10.0.0.1"], ["2001:4860:4860::8888", "fd12::1"], ["::1"]],
)
async def test_names_resolving_to_private_addresses_are_refused(
    answer: list[str], dns: FakeDns, connection_attempts: list[Any]
) -> None:
    dns.answers["intranet.test"] = [answer]

    with pytest.raises(LinkRefused):
        await WebFetcher().fetch("http://intranet.test/wiki")

    assert connection_attempts == []


async def test_the_connection_guard_sees_connections(
    site: Site, connection_attempts: list[Any]
) -> None:
    """Keeps the tests above honest: an allowed fetch really does reach the guard."""
    with pytest.raises(LinkRefused):
        await local_fetcher().fetch(site.url("/article"))

    assert connection_attempts


async def test_unknown_names_are_refused(dns: FakeDns, connection_attempts: list[Any]) -> None:
    with pytest.raises(LinkRefused):
        await WebFetcher().fetch("https://no-such-site.test/post")

    assert connection_attempts == []


async def test_a_refused_connection_is_refused(site: Site) -> None:
    with pytest.raises(LinkRefused):
        await local_fetcher().fetch(f"http://127.0.0.2:{site.port}/article")


@pytest.mark.parametrize(
    "url",
    [
        "ftp://127.0.0.1/article.txt",
        "javascript:alert(document.cookie)",
        "file:///etc/passwd",
        "data:text/html,<p>hello</p>",
        "mailto:editor@example.org",
        "not a link at all",
        "www.example.org/post",
        "http://",
        "",
        "http://[::1",
        "http://example.org:99999/",
    ],
)
async def test_malformed_and_non_web_links_are_refused(
    url: str, dns: FakeDns, connection_attempts: list[Any]
) -> None:
    with pytest.raises(LinkRefused):
        await local_fetcher().fetch(url)

    assert connection_attempts == []
    assert dns.lookups == []


async def test_a_slow_answer_times_out(site: Site) -> None:
    started = time.monotonic()

    with pytest.raises(LinkRefused):
        await local_fetcher(read_timeout=0.2).fetch(site.url("/slow"))

    assert time.monotonic() - started < 3


async def test_a_trickling_answer_hits_the_total_timeout(site: Site) -> None:
    started = time.monotonic()

    with pytest.raises(LinkRefused):
        await local_fetcher(read_timeout=2, total_timeout=0.5).fetch(site.url("/trickle"))

    assert time.monotonic() - started < 3


async def test_an_endless_body_is_cut_off_at_the_size_cap(site: Site) -> None:
    started = time.monotonic()

    with pytest.raises(LinkRefused):
        await local_fetcher(max_bytes=100_000, total_timeout=10).fetch(site.url("/endless"))

    assert time.monotonic() - started < 5  # Cut off while streaming, not by the timeout.


async def test_a_declared_oversize_body_is_refused_without_reading_it(site: Site) -> None:
    started = time.monotonic()

    with pytest.raises(LinkRefused):
        await local_fetcher(read_timeout=5, total_timeout=10).fetch(site.url("/declared-huge"))

    assert time.monotonic() - started < 3


@pytest.mark.parametrize(
    "path",
    ["/typed/application/pdf", "/typed/image/png", "/typed/application/json", "/untyped"],
)
async def test_what_is_not_html_or_text_is_refused(site: Site, path: str) -> None:
    with pytest.raises(LinkRefused):
        await local_fetcher().fetch(site.url(path))


@pytest.mark.parametrize("code", [404, 410, 403, 500, 503])
async def test_error_statuses_are_refused(site: Site, code: int) -> None:
    with pytest.raises(LinkRefused):
        await local_fetcher().fetch(site.url(f"/status/{code}"))


@pytest.mark.parametrize("path", ["/empty-app", "/empty-text"])
async def test_pages_without_text_are_refused(site: Site, path: str) -> None:
    with pytest.raises(LinkRefused):
        await local_fetcher().fetch(site.url(path))


async def test_refusals_carry_a_sentence_for_the_moderator(site: Site) -> None:
    with pytest.raises(LinkRefused) as refusal:
        await WebFetcher().fetch(site.url("/article"))

    message = refusal.value.message
    assert message.endswith(".")
    assert "\n" not in message
    assert "Traceback" not in message


# --- the address rule itself ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"],
)
def test_public_addresses(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "172.31.255.255",
        "192.168.0.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "192.0.2.1",
        "::",
        "::1",
        "fe80::1",
        "fec0::1",
        "fd00::1",
        "ff02::1",
        "ff0e::1",
        "::ffff:10.0.0.1",
        "::ffff:127.0.0.1",
        "::127.0.0.1",
        "64:ff9b::a00:1",
        "2002:a00:1::1",
        "2001:db8::1",
    ],
)
def test_non_public_addresses(address: str) -> None:
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("block", NOT_GLOBALLY_REACHABLE, ids=str)
def test_no_address_the_registries_call_not_globally_reachable_is_public(
    block: ipaddress.IPv4Network | ipaddress.IPv6Network,
) -> None:
    """Every block of the IANA special-purpose registries that is not globally reachable, at
    its first, middle and last address (64:ff9b:1::/48, local-use NAT64, among them)."""
    first, last = int(block.network_address), int(block.broadcast_address)
    for n in (first, (first + last) // 2, last):
        address = type(block.network_address)(n)
        if block.version == 6 and address.ipv4_mapped is not None:
            continue  # judged by the IPv4 address it maps, as the next test shows
        assert not is_public_address(address), address


def test_local_use_nat64_is_refused_though_python_calls_it_global() -> None:
    address = ipaddress.ip_address("64:ff9b:1::808:808")  # 8.8.8.8 through a local NAT64
    assert not is_public_address(address)
    assert is_public_address(ipaddress.ip_address("64:ff9b::808:808"))  # the well-known one
    assert not is_public_address(ipaddress.ip_address("::ffff:192.168.1.1"))


# --- reading a page within bounds -----------------------------------------------------------------


def never_done(download: object) -> FetchedPage:
    """A reader that never finishes, as a page built to stall a parser would."""
    while True:
        pass


async def test_a_page_that_takes_too_long_to_read_is_stopped_and_refused() -> None:
    download = Download("https://example.org/", "text/html", "utf-8", b"<p>x</p>")
    started = time.monotonic()
    with pytest.raises(LinkRefused) as refused:
        await read_in_child(download, seconds=0.5, reader=never_done)
    assert "too long to read" in refused.value.message
    assert time.monotonic() - started < 10  # stopped, not left spinning
    assert multiprocessing.active_children() == []  # the reader was killed and reaped


def test_deeply_nested_pages_are_read_in_one_pass() -> None:
    """Twenty thousand nested blocks: each piece of text costs the same however deep it sits
    (the parser keeps counts, not a scan of every open element)."""
    html = "<html><body>" + "<div>" * 20_000 + "<p>NATO keeps the peace.</p>" + "</div>" * 20_000
    article = FallbackArticle.read(html + "</body></html>")
    assert article.paragraphs == ["NATO keeps the peace."]
