"""Bring a linked article into the debate: fetch the page safely and pull out its text.

Members paste links and the bot's server fetches them, so every fetch is a request made on a
stranger's behalf. Each hop (the link and every redirect) is resolved and vetted here, and the
connection goes only to the addresses that were vetted; time, size, redirects and content type are
bounded. Every failure becomes a `LinkRefused` carrying one sentence for the moderator.
"""

from __future__ import annotations

import asyncio
import collections
import ipaddress
import re
import socket
from dataclasses import dataclass
from html.parser import HTMLParser

import aiohttp
import trafilatura
from aiohttp.abc import AbstractResolver, ResolveResult
from trafilatura.settings import Document
from yarl import URL

from adapters.addresses import IPAddress, is_public_address, never_a_web_server
from adapters.page_reader import read_in_child
from bot.errors import LinkRefused
from bot.ports import FetchedPage

WEB_SCHEMES = frozenset({"http", "https"})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
CHUNK_BYTES = 64 * 1024
TITLE_CHARS = 200
DEFAULT_USER_AGENT = "debate-bot/0.1 (+fetches posts that moderators bring in for debate)"

PASTE_TEXT = "paste the post's text instead"


def _refused(problem: str, instead: str = PASTE_TEXT) -> LinkRefused:
    """One sentence: what is wrong with the link, then what the moderator can do instead."""
    return LinkRefused(f"{problem}; {instead}.")


# --- the link itself ------------------------------------------------------------------------------


def parse_link(text: str) -> URL:
    """The link as a URL the fetcher will request, or a refusal saying why it is not one."""
    try:
        url = URL(text.strip())
        host, port = url.raw_host, url.port
    except (ValueError, UnicodeError) as error:
        raise _refused("That doesn't look like a web link") from error
    scheme = url.scheme.lower()
    if scheme and scheme not in WEB_SCHEMES:
        raise _refused(f"Only http:// and https:// links can be fetched, not {scheme}: ones")
    if not scheme or not host or port is None:
        raise _refused(
            "That doesn't look like a web link",
            f"send an address starting with http:// or https://, or {PASTE_TEXT}",
        )
    return url.with_fragment(None)


# --- connecting only where we checked -------------------------------------------------------------


class PinnedResolver(AbstractResolver):
    """Answers aiohttp's lookups only with the addresses this fetcher already vetted for the host.

    Letting aiohttp resolve again at connect time would let a DNS server answer with a public
    address for the check and a private one for the connection (DNS rebinding).
    """

    def __init__(self) -> None:
        self._pins: dict[str, list[IPAddress]] = {}

    def pin(self, host: str, addresses: list[IPAddress]) -> None:
        self._pins[host] = addresses

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_UNSPEC
    ) -> list[ResolveResult]:
        addresses = self._pins.get(host)
        if not addresses:
            raise OSError(f"{host} was not vetted before connecting")
        return [
            _resolve_result(host, address, port)
            for address in addresses
            if family in (socket.AF_UNSPEC, _family_of(address))
        ]

    async def close(self) -> None:
        self._pins.clear()


def _family_of(address: IPAddress) -> socket.AddressFamily:
    return socket.AF_INET if address.version == 4 else socket.AF_INET6


def _resolve_result(host: str, address: IPAddress, port: int) -> ResolveResult:
    return {
        "hostname": host,
        "host": str(address),
        "port": port,
        "family": _family_of(address),
        "proto": 0,
        "flags": socket.AI_NUMERICHOST | socket.AI_NUMERICSERV,
    }


# --- downloading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Download:
    """A page's bytes as they arrived, before any extraction."""

    url: str
    media_type: str
    charset: str | None
    body: bytes


class WebFetcher:
    """The engine's `Fetcher` for the web: one bounded, vetted download per link, then extraction.

    Each fetch uses its own short-lived session, so the resolver's pins never outlive the fetch that
    vetted them and the caller has nothing to open or close.
    """

    def __init__(
        self,
        *,
        allow_private: bool = False,
        connect_timeout: float = 5.0,
        read_timeout: float = 10.0,
        total_timeout: float = 15.0,
        max_bytes: int = 5 * 1024 * 1024,
        max_redirects: int = 5,
        user_agent: str = DEFAULT_USER_AGENT,
        parse_timeout: float = 10.0,
    ) -> None:
        self.allow_private = allow_private
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.total_timeout = total_timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.user_agent = user_agent
        self.parse_timeout = parse_timeout

    async def fetch(self, url: str) -> FetchedPage:
        link = parse_link(url)
        try:
            async with asyncio.timeout(self.total_timeout):
                download = await self._download(link)
        except TimeoutError as error:
            raise _refused(
                "The site took too long to answer", f"try again later or {PASTE_TEXT}"
            ) from error
        except aiohttp.ClientError as error:
            raise _client_refusal(error, link) from error
        # Extraction is CPU work on a stranger's page: bounded, in a process that can be killed.
        return await read_in_child(download, self.parse_timeout)

    async def _download(self, link: URL) -> Download:
        """Follow up to `max_redirects` redirects by hand, vetting every hop before connecting."""
        resolver = PinnedResolver()
        connector = aiohttp.TCPConnector(resolver=resolver, use_dns_cache=False)
        timeout = aiohttp.ClientTimeout(
            total=None, sock_connect=self.connect_timeout, sock_read=self.read_timeout
        )
        headers = {
            "User-Agent": self.user_agent,
            "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9",
        }
        async with aiohttp.ClientSession(
            connector=connector, timeout=timeout, headers=headers
        ) as session:
            for _hop in range(self.max_redirects + 1):
                resolver.pin(link.raw_host or "", await self._vetted_addresses(link))
                async with session.get(link, allow_redirects=False) as response:
                    next_link = _redirect_target(response)
                    if next_link is None:
                        return await self._read(response)
                link = next_link
        raise _refused(f"That link redirects more than {self.max_redirects} times")

    async def _vetted_addresses(self, link: URL) -> list[IPAddress]:
        """Every address the host resolves to, refusing the link if any of them is off-limits."""
        host = link.raw_host or ""
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, link.port, type=socket.SOCK_STREAM)
        except socket.gaierror as error:
            raise _refused(
                f"The site {host} could not be found", f"check the link for typos or {PASTE_TEXT}"
            ) from error
        except UnicodeError as error:
            raise _refused("That doesn't look like a web link") from error
        addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0]) for info in infos))
        self._check_addresses(addresses)
        return addresses

    def _check_addresses(self, addresses: list[IPAddress]) -> None:
        if not addresses:
            raise _refused("The site could not be found", f"check the link or {PASTE_TEXT}")
        if any(never_a_web_server(address) for address in addresses):
            raise _refused("That link points at an address no web server uses")
        if not self.allow_private and not all(map(is_public_address, addresses)):
            raise _refused("That link points at a private network address")

    async def _read(self, response: aiohttp.ClientResponse) -> Download:
        """The body of a readable answer, streamed so an oversized page is cut off, not buffered."""
        _check_status(response)
        if response.content_type not in HTML_TYPES | TEXT_TYPES:
            raise _refused(f"That link leads to {response.content_type} content, not a web page")
        if response.content_length is not None and response.content_length > self.max_bytes:
            raise self._too_large()
        body = bytearray()
        async for chunk in response.content.iter_chunked(CHUNK_BYTES):
            body += chunk
            if len(body) > self.max_bytes:
                raise self._too_large()
        return Download(str(response.url), response.content_type, response.charset, bytes(body))

    def _too_large(self) -> LinkRefused:
        return _refused(f"That page is larger than {_readable_size(self.max_bytes)}")


def _redirect_target(response: aiohttp.ClientResponse) -> URL | None:
    """Where a redirect points, already checked to be a web link; None when it is no redirect."""
    location = response.headers.get(aiohttp.hdrs.LOCATION)
    if response.status not in REDIRECT_STATUSES or not location:
        return None
    try:
        target = response.url.join(URL(location))
    except (ValueError, UnicodeError) as error:
        raise _refused("That link redirects to an address that isn't a web link") from error
    return parse_link(str(target))


def _check_status(response: aiohttp.ClientResponse) -> None:
    if not 200 <= response.status < 300:
        reason = f" ({response.reason})" if response.reason else ""
        raise _refused(
            f"The site answered {response.status}{reason} for that link",
            f"check the link or {PASTE_TEXT}",
        )


def _client_refusal(error: aiohttp.ClientError, link: URL) -> LinkRefused:
    """The moderator's sentence for a failure aiohttp reports while connecting or reading."""
    host = link.raw_host
    if isinstance(error, aiohttp.ClientConnectorDNSError):
        return _refused(f"The site {host} could not be found", f"check the link or {PASTE_TEXT}")
    if isinstance(error, aiohttp.ClientSSLError):
        return _refused(f"The site {host} has a security certificate that could not be verified")
    if isinstance(error, aiohttp.ClientConnectorError):
        return _refused(f"The site {host} could not be reached", f"try again later or {PASTE_TEXT}")
    if isinstance(error, aiohttp.InvalidURL):
        return _refused("That link, or a redirect from it, isn't a valid web address")
    return _refused("The site's answer broke off before the page arrived")


def _readable_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.3g} MB"
    return f"{size / 1024:.3g} KB"


# --- from bytes to an article ---------------------------------------------------------------------


def read_page(download: Download) -> FetchedPage:
    """The article's title and text; blocking, so the fetcher runs it in a thread."""
    text = _decode(download.body, download.charset)
    if download.media_type in TEXT_TYPES:
        title, body = _plain_text_article(text)
    else:
        title, body = _html_article(text, download.url)
    if not body:
        raise _refused("No article text could be found on that page")
    return FetchedPage(url=download.url, title=title, text=body)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)


def _decode(body: bytes, declared: str | None) -> str:
    """Text from the declared charset, else the page's own <meta charset>, else UTF-8."""
    sniffed = _META_CHARSET.search(body[:4096])
    candidates = [declared, sniffed.group(1).decode("ascii") if sniffed else None, "utf-8"]
    for encoding in filter(None, candidates):
        try:
            return body.decode(encoding).removeprefix("\ufeff")
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", errors="replace").removeprefix("\ufeff")


def _plain_text_article(text: str) -> tuple[str, str]:
    """A text file is the post as it is; its first line is the title."""
    body = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return _title_from_first_line(body), body


def _title_from_first_line(text: str) -> str:
    first_line = text.split("\n", 1)[0].strip()
    if len(first_line) <= TITLE_CHARS:
        return first_line
    return first_line[: TITLE_CHARS - 1].rsplit(" ", 1)[0] + "…"


def _html_article(html: str, url: str) -> tuple[str, str]:
    """Title and paragraphs by trafilatura, with a plain reading of the page where it finds none."""
    document = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=False
    )
    title = (document.title or "").strip() if isinstance(document, Document) else ""
    lines = (document.text or "").splitlines() if isinstance(document, Document) else []
    paragraphs = [line.strip() for line in lines if line.strip()]
    if not paragraphs or not title:
        fallback = FallbackArticle.read(html)
        paragraphs = paragraphs or fallback.paragraphs
        title = title or fallback.title
    if paragraphs and paragraphs[0] == title:
        paragraphs = paragraphs[1:]  # The headline is the title, not the post's first paragraph.
    text = "\n\n".join(paragraphs)
    return title or _title_from_first_line(text), text


@dataclass(frozen=True)
class FallbackArticle:
    title: str
    paragraphs: list[str]

    @classmethod
    def read(cls, html: str) -> FallbackArticle:
        parser = _ParagraphParser()
        parser.feed(html)
        parser.close()
        return cls(title=parser.title(), paragraphs=parser.article_paragraphs())


class _ParagraphParser(HTMLParser):
    """Paragraph text of <article>, else <main>, else <body>, skipping the page's furniture.

    Only used when trafilatura finds nothing, so it stays deliberately simple: text blocks are
    paragraphs, and navigation, headers, footers, sidebars, forms and comment threads are skipped.
    """

    BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd"})
    CONTAINERS = ("article", "main")
    SKIPPED = frozenset(
        {"script", "style", "noscript", "template", "svg", "nav", "header", "footer", "aside"}
        | {"form", "button", "select", "iframe"}
    )
    SKIPPED_MARKERS = re.compile(r"comment|sidebar|footer|navigation|\bnav\b|menu|share|cookie")
    VOID = frozenset(
        {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
        | {"track", "wbr"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._open: list[tuple[str, bool]] = []  # (tag, skipped) for every element still open
        # How many open elements are of each tag, and how many are skipped: kept as elements open
        # and close, so reading a piece of text costs the same however deep the page nests.
        self._depth: collections.Counter[str] = collections.Counter()
        self._skipping = 0
        self._block: list[str] | None = None
        self._paragraphs: dict[str, list[str]] = {"article": [], "main": [], "body": []}
        self._title_parts: list[str] = []
        self._headline_parts: list[str] = []
        self._headline_done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        if tag in self.BLOCKS:
            self._end_block()
            self._block = []
        markers = " ".join(value or "" for name, value in attrs if name in ("id", "class"))
        skipped = tag in self.SKIPPED or bool(self.SKIPPED_MARKERS.search(markers.lower()))
        self._open.append((tag, skipped))
        self._depth[tag] += 1
        self._skipping += skipped

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS:
            self._end_block()
        if tag == "h1" and self._headline_parts:
            self._headline_done = True
        if self._depth[tag]:
            while self._open:
                name, skipped = self._open.pop()
                self._depth[name] -= 1
                self._skipping -= skipped
                if name == tag:
                    break

    def handle_data(self, data: str) -> None:
        if self._depth["title"]:
            self._title_parts.append(data)
        if self._depth["h1"] and not self._headline_done:
            self._headline_parts.append(data)
        if self._block is not None and not self._skipping:
            self._block.append(data)

    def close(self) -> None:
        super().close()
        self._end_block()

    def _end_block(self) -> None:
        text = _squash("".join(self._block or []))
        self._block = None
        if not text:
            return
        for container in self.CONTAINERS:
            if self._depth[container]:
                self._paragraphs[container].append(text)
        self._paragraphs["body"].append(text)

    def title(self) -> str:
        return _squash("".join(self._title_parts)) or _squash("".join(self._headline_parts))

    def article_paragraphs(self) -> list[str]:
        return self._paragraphs["article"] or self._paragraphs["main"] or self._paragraphs["body"]


def _squash(text: str) -> str:
    return " ".join(text.split())
