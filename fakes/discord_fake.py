"""A local fake of Discord's REST API and gateway that real discord.py connects to.

One aiohttp server on 127.0.0.1, port 0, serves both halves: REST under `/api/v10` and the gateway
websocket at `/gateway`. Point discord.py at it with `discord.http.Route.BASE = fake.api_base` and
`discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)`.

It speaks just enough Discord for a bot built on app commands and components: login, READY and
GUILD_CREATE, command sync, interactions (slash commands, autocomplete, buttons, modal submits,
message context menus) with their callback, followups and edits, and channel messages, in JSON or
multipart. It enforces the limits Discord enforces (2000-char content, embed limits, 5x5 buttons,
100-char custom ids, 80-char labels, 3 s to the first response, command names and descriptions)
with the same 400 / 404 answers, records every REST call, and can answer a call with a 429.

Tests drive it as a member would: `await fake.command(ann, "debate vote", claim="1.1",
choice="agree")`, `await fake.click(ann, message, custom_id)`, then read what came back with
`await exchange.reply()`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import BodyPartReader, WSMsgType, web

API_PREFIX = "/api/v10"

# Permission bits (https://discord.com/developers/docs/topics/permissions)
ADMINISTRATOR = 1 << 3
MANAGE_GUILD = 1 << 5
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
USE_APPLICATION_COMMANDS = 1 << 31
MEMBER_PERMISSIONS = VIEW_CHANNEL | SEND_MESSAGES | READ_MESSAGE_HISTORY | USE_APPLICATION_COMMANDS
BOT_PERMISSIONS = VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | ATTACH_FILES | READ_MESSAGE_HISTORY

EPHEMERAL = 1 << 6
LOADING = 1 << 7
FIRST_RESPONSE_WITHIN = 3.0  # seconds Discord gives a bot to answer an interaction

# Interaction types and callback types
PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE = 4, 5, 6, 7
AUTOCOMPLETE_RESULT, MODAL = 8, 9

_COMMAND_NAME = re.compile(r"[-_\w]{1,32}")
_snowflakes = itertools.count(1_300_000_000_000_000_000)


def snowflake() -> int:
    return next(_snowflakes)


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


@dataclass(frozen=True)
class Member:
    """A member of the fake server, as an interaction describes them."""

    id: int
    name: str
    permissions: int = MEMBER_PERMISSIONS
    roles: tuple[int, ...] = ()

    def user(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.name,
            "global_name": self.name.capitalize(),
            "discriminator": "0",
            "avatar": None,
            "public_flags": 0,
        }

    def member(self) -> dict[str, Any]:
        return {
            "user": self.user(),
            "roles": [str(r) for r in self.roles],
            "joined_at": "2024-01-01T00:00:00+00:00",
            "nick": None,
            "avatar": None,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
            "permissions": str(self.permissions),
        }


@dataclass(frozen=True)
class Upload:
    """A file a member attaches to a command (an ATTACHMENT option), served by the fake's CDN."""

    filename: str
    content: bytes
    content_type: str = "text/plain; charset=utf-8"


@dataclass
class Call:
    """One REST request the bot made, with its JSON (or multipart `payload_json`) and files."""

    method: str
    path: str  # below the API base, e.g. /channels/1/messages
    query: dict[str, str]
    json: Any
    files: list[tuple[str, bytes]]
    multipart: bool
    at: float
    status: int = 0

    def sends_message(self) -> bool:
        """Whether this call creates or edits a message (and so carries `allowed_mentions`)."""
        if self.method not in ("POST", "PATCH") or not isinstance(self.json, dict):
            return False
        if self.path.endswith("/callback"):
            return self.json.get("type") in (CHANNEL_MESSAGE, UPDATE_MESSAGE)
        return "/messages" in self.path or self.path.startswith("/webhooks/")


@dataclass
class Reply:
    """A message a member sees, read the way tests need it."""

    raw: dict[str, Any]

    @property
    def ephemeral(self) -> bool:
        return bool(int(self.raw.get("flags") or 0) & EPHEMERAL)

    @property
    def content(self) -> str:
        return str(self.raw.get("content") or "")

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return list(self.raw.get("embeds") or [])

    @property
    def text(self) -> str:
        """Content and every embed's visible text, one string, for `in` checks."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [embed.get("title", ""), embed.get("description", "")]
            for f in embed.get("fields", []):
                parts += [f.get("name", ""), f.get("value", "")]
            parts.append((embed.get("footer") or {}).get("text", ""))
        return "\n".join(p for p in parts if p)

    @property
    def custom_ids(self) -> list[str]:
        return [b["custom_id"] for b in buttons(self.raw) if "custom_id" in b]

    @property
    def id(self) -> int:
        return int(self.raw["id"])


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        child
        for row in message.get("components") or []
        for child in row.get("components", [])
        if child.get("type") == 2
    ]


@dataclass
class Exchange:
    """One interaction the fake dispatched, and everything the bot answered to it."""

    id: int
    token: str
    payload: dict[str, Any]
    dispatched_at: float
    callback: dict[str, Any] | None = None
    answered_at: float | None = None
    original: dict[str, Any] | None = None
    followups: list[dict[str, Any]] = field(default_factory=list)
    completed: bool = False  # the deferred "thinking" message was replaced by an answer
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def latency(self) -> float | None:
        return None if self.answered_at is None else self.answered_at - self.dispatched_at

    @property
    def callback_type(self) -> int | None:
        return None if self.callback is None else int(self.callback["type"])

    @property
    def modal(self) -> dict[str, Any]:
        assert self.callback is not None and self.callback["type"] == MODAL, self.callback
        return dict(self.callback["data"])

    @property
    def choices(self) -> list[dict[str, Any]]:
        assert self.callback is not None and self.callback["type"] == AUTOCOMPLETE_RESULT
        return list(self.callback["data"]["choices"])

    async def until(self, done: Callable[[Exchange], bool], within: float = 5.0) -> None:
        async with asyncio.timeout(within):
            while not done(self):
                self.changed.clear()
                await self.changed.wait()

    async def response(self, within: float = 5.0) -> dict[str, Any]:
        """The body of the interaction callback."""
        await self.until(lambda e: e.callback is not None, within)
        assert self.callback is not None
        return self.callback

    async def reply(self, within: float = 5.0) -> Reply:
        """What the member sees first: the message response, or what completed a deferral."""
        await self.until(
            lambda e: (
                e.callback_type == CHANNEL_MESSAGE
                or (e.callback_type == DEFERRED_CHANNEL_MESSAGE and e.completed)
            ),
            within,
        )
        assert self.original is not None
        return Reply(self.original)

    async def messages(self, count: int, within: float = 5.0) -> list[Reply]:
        """The first `count` messages of the answer: the reply, then further followups."""
        first = await self.reply(within)
        deferred = self.callback_type == DEFERRED_CHANNEL_MESSAGE
        extra = count - 1 + (1 if deferred else 0)  # a deferral's first followup is the reply
        await self.until(lambda e: len(e.followups) >= extra, within)
        rest = self.followups[1:] if deferred else self.followups
        return [first] + [Reply(m) for m in rest[: count - 1]]


@dataclass
class _Fault:
    method: str
    path: re.Pattern[str]
    status: int
    body: dict[str, Any]
    headers: dict[str, str]
    times: int


class FakeDiscord:
    """Discord on 127.0.0.1: one server, one text channel, as many members as a test makes."""

    def __init__(self, *, guild_name: str = "Debate Club") -> None:
        self.token = "fake-bot-token"
        self.app_id = snowflake()
        self.bot = {
            "id": str(self.app_id),
            "username": "debate-bot",
            "global_name": None,
            "discriminator": "0",
            "avatar": None,
            "bot": True,
            "verified": True,
            "mfa_enabled": False,
            "flags": 0,
            "public_flags": 0,
        }
        self.guild_id = snowflake()
        self.channel_id = snowflake()
        self.guild_name = guild_name
        self.roles: dict[int, dict[str, Any]] = {}
        self._add_role_payload(self.guild_id, "@everyone", MEMBER_PERMISSIONS, position=0)
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        self.channel_log: dict[int, list[int]] = {}
        self.calls: list[Call] = []
        self.exchanges: dict[int, Exchange] = {}
        self.sessions = 0
        self.first_response_within = FIRST_RESPONSE_WITHIN
        self._by_token: dict[str, Exchange] = {}
        self.attachments: dict[int, Upload] = {}
        self._faults: list[_Fault] = []
        self._members = itertools.count(1)
        self._socket: web.WebSocketResponse | None = None
        self._send_lock = asyncio.Lock()
        self._seq = 0
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle --------------------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/attachments/{id}/{filename}", self._attachment)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        return self

    async def close(self) -> None:
        if self._socket is not None and not self._socket.closed:
            await self._socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def wait_connected(self, sessions: int = 1, within: float = 10.0) -> None:
        """Until the bot has identified `sessions` times and received its server."""
        await self.until(lambda: self.sessions >= sessions and self._socket is not None, within)

    async def drop_gateway(self) -> None:
        """Cut the bot's gateway connection, as Discord does now and then (code 4000: the bot
        may resume or reconnect)."""
        if self._socket is not None:
            await self._socket.close(code=4000, message=b"dropped by the fake")

    async def until(self, condition: Callable[[], bool], within: float = 5.0) -> None:
        """Wait until something the bot does makes `condition` true."""
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(condition)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # -- the server's people ----------------------------------------------------------------------

    def member(
        self, name: str, *, roles: Iterable[int] = (), permissions: int = MEMBER_PERMISSIONS
    ) -> Member:
        return Member(snowflake(), name, permissions, tuple(roles))

    def moderator(self, name: str = "mod") -> Member:
        """A member with Manage Server, Discord's word for a server moderator."""
        return self.member(name, permissions=MEMBER_PERMISSIONS | MANAGE_GUILD)

    async def add_role(self, name: str, permissions: int = MEMBER_PERMISSIONS) -> int:
        """A new role of the server; a connected bot hears of it as Discord tells it."""
        role_id = snowflake()
        self._add_role_payload(role_id, name, permissions, position=len(self.roles))
        if self._socket is not None:
            event = {"guild_id": str(self.guild_id), "role": self.roles[role_id]}
            await self._send_event("GUILD_ROLE_CREATE", event)
        return role_id

    def _add_role_payload(self, role_id: int, name: str, permissions: int, position: int) -> None:
        self.roles[role_id] = {
            "id": str(role_id),
            "name": name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": position,
            "permissions": str(permissions),
            "managed": False,
            "mentionable": True,
            "flags": 0,
        }

    def user_message(self, author: Member, content: str) -> dict[str, Any]:
        """A message a member posted in the channel (for context menus)."""
        message = self._message(self.channel_id, {"content": content}, author=author.user())
        self.channel_log.setdefault(self.channel_id, []).append(int(message["id"]))
        return message

    # -- what tests read --------------------------------------------------------------------------

    def channel_messages(self, channel_id: int | None = None) -> list[Reply]:
        """The public messages of a channel, oldest first, as they read now."""
        ids = self.channel_log.get(channel_id or self.channel_id, [])
        return [Reply(self.messages[i]) for i in ids if i in self.messages]

    def calls_to(self, method: str, pattern: str) -> list[Call]:
        regex = re.compile(pattern)
        return [c for c in self.calls if c.method == method and regex.fullmatch(c.path)]

    def synced(self, guild_id: int | None = None) -> dict[str, dict[str, Any]]:
        """The commands synced to a server (or globally with None), by name."""
        return {c["name"]: c for c in self.commands.get(guild_id, [])}

    def fail(
        self,
        method: str,
        pattern: str,
        *,
        status: int = 429,
        retry_after: float = 0.2,
        is_global: bool = False,
        times: int = 1,
    ) -> None:
        """Answer the next `times` matching calls with an error; a 429 as Discord sends it."""
        body: dict[str, Any] = {"message": "You are being rate limited.", "code": 0}
        headers = {}
        if status == 429:
            body.update(retry_after=retry_after, **{"global": is_global})
            headers = {
                "Via": "1.1 google",
                "Retry-After": str(max(1, round(retry_after))),
                "X-RateLimit-Scope": "global" if is_global else "user",
            }
        self._faults.append(_Fault(method, re.compile(pattern), status, body, headers, times))

    # -- members acting ---------------------------------------------------------------------------

    async def command(self, member: Member, line: str, /, **options: Any) -> Exchange:
        """A slash command as the member typed it: `"debate-mod claim add"` plus its options."""
        data = self._command_data(line.split(), options, focused=None)
        return await self._dispatch(APPLICATION_COMMAND, member, data)

    async def autocomplete(
        self, member: Member, line: str, focused: str, /, **options: Any
    ) -> list[dict[str, Any]]:
        """The choices the bot offers while the member types the `focused` option."""
        options.setdefault(focused, "")
        data = self._command_data(line.split(), options, focused=focused)
        exchange = await self._dispatch(AUTOCOMPLETE, member, data)
        await exchange.response()
        return exchange.choices

    async def click(
        self, member: Member, message: Reply | dict[str, Any], custom_id: str
    ) -> Exchange:
        """A click on a button of a message the bot posted, as the message reads now."""
        raw = message.raw if isinstance(message, Reply) else message
        current = self.messages.get(int(raw["id"]), raw)
        found = [b for b in buttons(current) if b.get("custom_id") == custom_id]
        if not found:
            raise LookupError(f"no button {custom_id!r} on message {raw['id']}")
        if found[0].get("disabled"):
            raise LookupError(f"button {custom_id!r} is disabled")
        data = {"custom_id": custom_id, "component_type": 2}
        return await self._dispatch(MESSAGE_COMPONENT, member, data, message=current)

    async def submit(self, member: Member, opened: Exchange, values: dict[str, str]) -> Exchange:
        """Submit the modal a previous interaction opened; `values` by the inputs' labels."""
        modal = opened.modal
        data = {
            "custom_id": modal["custom_id"],
            "components": [_filled(c, values) for c in modal["components"]],
        }
        return await self._dispatch(MODAL_SUBMIT, member, data)

    async def message_command(
        self, member: Member, name: str, message: Reply | dict[str, Any]
    ) -> Exchange:
        """A message context menu ("Apps" on a message) chosen on `message`."""
        raw = message.raw if isinstance(message, Reply) else message
        command = self._find_command(name, kind=3)
        data: dict[str, Any] = {
            "id": command["id"],
            "name": name,
            "type": 3,
            "target_id": raw["id"],
            "resolved": {"messages": {raw["id"]: raw}},
        }
        if command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        return await self._dispatch(APPLICATION_COMMAND, member, data)

    def _find_command(self, name: str, kind: int) -> dict[str, Any]:
        for scope in (self.guild_id, None):
            for command in self.commands.get(scope, []):
                if command["name"] == name and command.get("type", 1) == kind:
                    return command
        raise LookupError(f"command {name!r} was never synced")

    def _command_data(
        self, words: list[str], options: dict[str, Any], focused: str | None
    ) -> dict[str, Any]:
        command = self._find_command(words[0], kind=1)
        data: dict[str, Any] = {"id": command["id"], "name": words[0], "type": 1, "options": []}
        if command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        node, schema = data, command
        for word in words[1:]:
            subs = [o for o in schema.get("options", []) if o["type"] in (1, 2)]
            match = [o for o in subs if o["name"] == word]
            if not match:
                raise LookupError(f"{' '.join(words)!r}: no subcommand {word!r}")
            child: dict[str, Any] = {"type": match[0]["type"], "name": word, "options": []}
            node["options"].append(child)
            node, schema = child, match[0]
        if any(o["type"] in (1, 2) for o in schema.get("options", [])):
            raise LookupError(f"{' '.join(words)!r} needs a subcommand")
        known = {o["name"]: o for o in schema.get("options", [])}
        resolved: dict[str, dict[str, Any]] = {}
        for name, value in options.items():
            if value is None:
                continue
            if name not in known:
                raise LookupError(f"{' '.join(words)!r} has no option {name!r}")
            option = known[name]
            entry = {"type": option["type"], "name": name, "value": value}
            if name == focused:
                entry.update(value=str(value), focused=True)
            else:
                entry["value"] = self._option_value(option, value, resolved)
            node["options"].append(entry)
        missing = [
            n for n, o in known.items() if o.get("required") and n not in options and n != focused
        ]
        if missing and focused is None:
            raise ValueError(f"Discord would not send {' '.join(words)!r} without {missing}")
        if resolved:
            data["resolved"] = resolved
        return data

    def _option_value(self, option: dict[str, Any], value: Any, resolved: dict[str, Any]) -> Any:
        kind = option["type"]
        if option.get("choices") and value not in [c["value"] for c in option["choices"]]:
            raise ValueError(f"{value!r} is not one of the choices of {option['name']!r}")
        if kind == 6:  # user
            assert isinstance(value, Member)
            resolved.setdefault("users", {})[str(value.id)] = value.user()
            entry = {k: v for k, v in value.member().items() if k != "user"}
            resolved.setdefault("members", {})[str(value.id)] = entry
            return str(value.id)
        if kind == 7:  # channel: only the fake's own
            channel = {**self._channel_payload(), "permissions": str(BOT_PERMISSIONS)}
            resolved.setdefault("channels", {})[str(value)] = channel
            return str(value)
        if kind == 8:  # role
            resolved.setdefault("roles", {})[str(value)] = self.roles[int(value)]
            return str(value)
        if kind == 11:  # attachment: served from the fake's CDN
            assert isinstance(value, Upload)
            key = snowflake()
            self.attachments[key] = value
            url = f"http://127.0.0.1:{self.port}/attachments/{key}/{value.filename}"
            resolved.setdefault("attachments", {})[str(key)] = {
                "id": str(key),
                "filename": value.filename,
                "size": len(value.content),
                "url": url,
                "proxy_url": url,
                "content_type": value.content_type,
            }
            return str(key)
        if kind == 3:
            return str(value)
        return value

    async def _attachment(self, request: web.Request) -> web.Response:
        upload = self.attachments.get(int(request.match_info["id"]))
        if upload is None:
            return web.Response(status=404)
        return web.Response(body=upload.content, content_type=upload.content_type.split(";")[0])

    # -- the gateway ------------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": 41250}})
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            frame = json.loads(msg.data)
            op = frame.get("op")
            if op == 1:
                await ws.send_json({"op": 11})
            elif op == 2:
                await self._identified(ws)
            elif op == 6:  # resume: we keep no sessions, so start a new one
                await ws.send_json({"op": 9, "d": False})
        if self._socket is ws:
            self._socket = None
        return ws

    async def _identified(self, ws: web.WebSocketResponse) -> None:
        self._seq = 0
        self._socket = ws
        ready = {
            "v": 10,
            "user": self.bot,
            "guilds": [{"id": str(self.guild_id), "unavailable": True}],
            "session_id": f"session-{snowflake()}",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.app_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "shard": [0, 1],
        }
        await self._send_event("READY", ready)
        await self._send_event("GUILD_CREATE", self._guild_payload())
        self.sessions += 1
        await self._notify()

    def _guild_payload(self) -> dict[str, Any]:
        return {
            "id": str(self.guild_id),
            "name": self.guild_name,
            "icon": None,
            "owner_id": str(snowflake()),
            "roles": list(self.roles.values()),
            "channels": [self._channel_payload()],
            "threads": [],
            "members": [],
            "presences": [],
            "voice_states": [],
            "emojis": [],
            "stickers": [],
            "features": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "member_count": 3,
            "large": False,
            "unavailable": False,
            "joined_at": "2024-01-01T00:00:00+00:00",
            "preferred_locale": "en-US",
            "premium_tier": 0,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "system_channel_flags": 0,
            "afk_timeout": 300,
        }

    def _channel_payload(self) -> dict[str, Any]:
        return {
            "id": str(self.channel_id),
            "type": 0,
            "guild_id": str(self.guild_id),
            "name": "debates",
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "flags": 0,
        }

    async def _send_event(self, name: str, data: dict[str, Any]) -> None:
        if self._socket is None:
            raise RuntimeError("the bot is not connected to the fake gateway")
        async with self._send_lock:
            self._seq += 1
            frame = {"op": 0, "t": name, "s": self._seq, "d": data}
            await self._socket.send_str(json.dumps(frame))

    async def _dispatch(
        self,
        kind: int,
        member: Member,
        data: dict[str, Any],
        *,
        message: dict[str, Any] | None = None,
    ) -> Exchange:
        interaction_id = snowflake()
        token = f"interaction-token-{interaction_id}"
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(self.app_id),
            "type": kind,
            "data": data,
            "guild_id": str(self.guild_id),
            "guild": {"id": str(self.guild_id), "locale": "en-US", "features": []},
            "channel_id": str(self.channel_id),
            "channel": self._channel_payload(),
            "member": member.member(),
            "token": token,
            "version": 1,
            "app_permissions": str(BOT_PERMISSIONS),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(self.guild_id)},
            "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if message is not None:
            payload["message"] = message
        exchange = Exchange(interaction_id, token, payload, time.perf_counter())
        self.exchanges[interaction_id] = exchange
        self._by_token[token] = exchange
        await self._send_event("INTERACTION_CREATE", payload)
        return exchange

    # -- REST -------------------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body, files, multipart = await _read_body(request)
        call = Call(
            request.method, path, dict(request.query), body, files, multipart, time.perf_counter()
        )
        self.calls.append(call)
        headers = {"Content-Type": "application/json"}  # exactly: discord.py needs no charset
        fault = self._fault_for(call)
        try:
            if fault is not None:
                status, payload = fault.status, fault.body
                headers.update(fault.headers)
            else:
                status, payload = await self._route(call)
        except _Refusal as refusal:
            status, payload = refusal.status, refusal.body
        call.status = status
        await self._notify()
        if status == 204:
            return web.Response(status=204)
        return web.Response(status=status, body=json.dumps(payload).encode(), headers=headers)

    def _fault_for(self, call: Call) -> _Fault | None:
        for fault in self._faults:
            if fault.times > 0 and fault.method == call.method and fault.path.fullmatch(call.path):
                fault.times -= 1
                return fault
        return None

    async def _route(self, call: Call) -> tuple[int, Any]:
        for method, pattern, handler in self._routes():
            match = pattern.fullmatch(call.path)
            if method == call.method and match:
                return handler(call, *match.groups())
        return 404, {"message": "404: Not Found", "code": 0}

    def _routes(
        self,
    ) -> list[tuple[str, re.Pattern[str], Callable[..., tuple[int, Any]]]]:
        app = r"/applications/(\d+)"
        hook = r"/webhooks/(\d+)/([^/]+)"
        return [
            ("GET", re.compile(r"/users/@me"), lambda c: (200, self.bot)),
            ("GET", re.compile(r"/oauth2/applications/@me"), lambda c: (200, self._app_info())),
            ("GET", re.compile(r"/gateway(?:/bot)?"), lambda c: (200, self._gateway_info())),
            ("PUT", re.compile(app + r"/commands"), self._sync_global),
            ("PUT", re.compile(app + r"/guilds/(\d+)/commands"), self._sync_guild),
            ("GET", re.compile(app + r"/commands"), lambda c, a: (200, self.commands.get(None))),
            ("POST", re.compile(r"/interactions/(\d+)/([^/]+)/callback"), self._callback),
            ("POST", re.compile(hook), self._followup),
            ("GET", re.compile(hook + r"/messages/([^/]+)"), self._webhook_get),
            ("PATCH", re.compile(hook + r"/messages/([^/]+)"), self._webhook_edit),
            ("DELETE", re.compile(hook + r"/messages/([^/]+)"), self._webhook_delete),
            ("POST", re.compile(r"/channels/(\d+)/messages"), self._create_message),
            ("GET", re.compile(r"/channels/(\d+)/messages/(\d+)"), self._get_message),
            ("PATCH", re.compile(r"/channels/(\d+)/messages/(\d+)"), self._edit_message),
            ("DELETE", re.compile(r"/channels/(\d+)/messages/(\d+)"), self._delete_message),
        ]

    def _app_info(self) -> dict[str, Any]:
        return {
            "id": str(self.app_id),
            "name": "debate-bot",
            "description": "",
            "icon": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": {**self.bot, "id": str(snowflake()), "username": "owner", "bot": False},
            "verify_key": "0" * 64,
            "flags": 0,
        }

    def _gateway_info(self) -> dict[str, Any]:
        return {
            "url": self.gateway_url,
            "shards": 1,
            "session_start_limit": {
                "total": 1000,
                "remaining": 1000,
                "reset_after": 0,
                "max_concurrency": 1,
            },
        }

    # commands

    def _sync_global(self, call: Call, app_id: str) -> tuple[int, Any]:
        return self._sync(call, None)

    def _sync_guild(self, call: Call, app_id: str, guild_id: str) -> tuple[int, Any]:
        return self._sync(call, int(guild_id))

    def _sync(self, call: Call, guild_id: int | None) -> tuple[int, Any]:
        problems = [p for command in call.json for p in _command_problems(command)]
        if problems:
            raise _Refusal(400, {"code": 50035, "message": "Invalid Form Body", "errors": problems})
        known = {(c["name"], c.get("type", 1)): c for c in self.commands.get(guild_id, [])}
        synced = []
        for command in call.json:
            previous = known.get((command["name"], command.get("type", 1)))
            saved = {
                "type": 1,
                "description": "",
                "options": [],
                **command,
                "id": previous["id"] if previous else str(snowflake()),
                "application_id": str(self.app_id),
                "version": str(snowflake()),
            }
            perms = command.get("default_member_permissions")
            saved["default_member_permissions"] = None if perms is None else str(perms)
            if guild_id is not None:
                saved["guild_id"] = str(guild_id)
            synced.append(saved)
        self.commands[guild_id] = synced
        return 200, synced

    # interactions

    def _exchange(self, token: str) -> Exchange:
        exchange = self._by_token.get(token)
        if exchange is None:
            raise _Refusal(404, {"message": "Unknown Webhook", "code": 10015})
        return exchange

    def _callback(self, call: Call, interaction_id: str, token: str) -> tuple[int, Any]:
        exchange = self.exchanges.get(int(interaction_id))
        if exchange is None or exchange.token != token:
            raise _Refusal(404, {"message": "Unknown interaction", "code": 10062})
        if exchange.callback is not None:
            raise _Refusal(
                400, {"message": "Interaction has already been acknowledged.", "code": 40060}
            )
        if call.at - exchange.dispatched_at > self.first_response_within:
            raise _Refusal(404, {"message": "Unknown interaction", "code": 10062})
        body = call.json
        kind = body["type"]
        data = body.get("data") or {}
        message = None
        if kind == CHANNEL_MESSAGE:
            _check_message(data)
            message = self._interaction_message(exchange, data)
        elif kind == DEFERRED_CHANNEL_MESSAGE:
            flags = int(data.get("flags") or 0) | LOADING
            message = self._interaction_message(exchange, {"content": "", "flags": flags})
        elif kind == UPDATE_MESSAGE:
            _check_message(data)
            message = self._update(int(exchange.payload["message"]["id"]), data)
        exchange.callback = body
        exchange.answered_at = call.at
        exchange.original = message
        exchange.changed.set()
        interaction = {
            "id": interaction_id,
            "type": exchange.payload["type"],
            "response_message_loading": kind == DEFERRED_CHANNEL_MESSAGE,
            "response_message_ephemeral": bool(message and int(message["flags"]) & EPHEMERAL),
        }
        resource: dict[str, Any] = {"type": kind}
        if message is not None:
            interaction["response_message_id"] = message["id"]
            resource["message"] = message
        return 200, {"interaction": interaction, "resource": resource}

    def _interaction_message(self, exchange: Exchange, data: dict[str, Any]) -> dict[str, Any]:
        message = self._message(int(exchange.payload["channel_id"]), data, exchange=exchange)
        if not int(message["flags"]) & EPHEMERAL:
            self.channel_log.setdefault(int(message["channel_id"]), []).append(int(message["id"]))
        return message

    def _followup(self, call: Call, app_id: str, token: str) -> tuple[int, Any]:
        exchange = self._exchange(token)
        if exchange.callback is None:
            raise _Refusal(404, {"message": "Unknown Webhook", "code": 10015})
        _check_message(call.json)
        if exchange.callback_type == DEFERRED_CHANNEL_MESSAGE and not exchange.completed:
            # Discord: the first followup after a deferral replaces the "thinking" message
            assert exchange.original is not None
            flags = int(exchange.original["flags"]) & EPHEMERAL
            message = self._update(int(exchange.original["id"]), {**call.json, "flags": flags})
            exchange.original = message
            exchange.completed = True
        else:
            message = self._interaction_message(exchange, call.json)
        exchange.followups.append(message)
        exchange.changed.set()
        return 200, message

    def _webhook_message_id(self, exchange: Exchange, which: str) -> int:
        if which == "@original":
            if exchange.original is None:
                raise _Refusal(404, {"message": "Unknown Message", "code": 10008})
            return int(exchange.original["id"])
        return int(which)

    def _webhook_get(self, call: Call, app_id: str, token: str, which: str) -> tuple[int, Any]:
        exchange = self._exchange(token)
        return 200, self._stored(self._webhook_message_id(exchange, which))

    def _webhook_edit(self, call: Call, app_id: str, token: str, which: str) -> tuple[int, Any]:
        exchange = self._exchange(token)
        _check_message(call.json)
        message = self._update(self._webhook_message_id(exchange, which), call.json)
        if which == "@original":
            exchange.original = message
            exchange.completed = True
        exchange.changed.set()
        return 200, message

    def _webhook_delete(self, call: Call, app_id: str, token: str, which: str) -> tuple[int, Any]:
        exchange = self._exchange(token)
        self.messages.pop(self._webhook_message_id(exchange, which), None)
        return 204, None

    # channel messages

    def _create_message(self, call: Call, channel_id: str) -> tuple[int, Any]:
        if int(channel_id) != self.channel_id:
            raise _Refusal(404, {"message": "Unknown Channel", "code": 10003})
        _check_message(call.json)
        message = self._message(int(channel_id), call.json)
        self.channel_log.setdefault(int(channel_id), []).append(int(message["id"]))
        return 200, message

    def _get_message(self, call: Call, channel_id: str, message_id: str) -> tuple[int, Any]:
        return 200, self._stored(int(message_id))

    def _edit_message(self, call: Call, channel_id: str, message_id: str) -> tuple[int, Any]:
        _check_message(call.json)
        stored = self._stored(int(message_id))
        if stored["author"]["id"] != self.bot["id"]:
            raise _Refusal(403, {"message": "Cannot edit a message authored by another user"})
        return 200, self._update(int(message_id), call.json)

    def _delete_message(self, call: Call, channel_id: str, message_id: str) -> tuple[int, Any]:
        self._stored(int(message_id))
        del self.messages[int(message_id)]
        return 204, None

    def _stored(self, message_id: int) -> dict[str, Any]:
        if message_id not in self.messages:
            raise _Refusal(404, {"message": "Unknown Message", "code": 10008})
        return self.messages[message_id]

    def _message(
        self,
        channel_id: int,
        data: dict[str, Any],
        *,
        author: dict[str, Any] | None = None,
        exchange: Exchange | None = None,
    ) -> dict[str, Any]:
        message_id = snowflake()
        message: dict[str, Any] = {
            "id": str(message_id),
            "channel_id": str(channel_id),
            "guild_id": str(self.guild_id),
            "author": author or self.bot,
            "content": data.get("content") or "",
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": _attachments(data),
            "embeds": data.get("embeds") or [],
            "components": _echo_components(data.get("components") or []),
            "pinned": False,
            "type": 0,
            "flags": int(data.get("flags") or 0),
        }
        if exchange is not None:
            message["webhook_id"] = str(self.app_id)
            message["application_id"] = str(self.app_id)
            message["interaction_metadata"] = {
                "id": str(exchange.id),
                "type": exchange.payload["type"],
                "user": exchange.payload["member"]["user"],
                "authorizing_integration_owners": {"0": str(self.guild_id)},
            }
        self.messages[message_id] = message
        return message

    def _update(self, message_id: int, data: dict[str, Any]) -> dict[str, Any]:
        message = dict(self._stored(message_id))
        for key in ("content", "embeds", "flags"):
            if key in data:
                message[key] = (
                    data[key] if data[key] is not None else ([] if key == "embeds" else "")
                )
        if "components" in data:
            message["components"] = _echo_components(data["components"] or [])
        if "attachments" in data or "payload_json" in data:
            message["attachments"] = _attachments(data)
        message["edited_timestamp"] = _now_iso()
        self.messages[message_id] = message
        return message


class _Refusal(Exception):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(body.get("message"))
        self.status = status
        self.body = body


async def _read_body(request: web.Request) -> tuple[Any, list[tuple[str, bytes]], bool]:
    content_type = request.headers.get("Content-Type", "")
    if content_type.startswith("multipart/"):
        payload: Any = None
        files = []
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue
            raw = await part.read()
            if part.name == "payload_json":
                payload = json.loads(raw)
            else:
                files.append((part.filename or part.name or "", bytes(raw)))
        return payload, files, True
    if request.can_read_body:
        text = await request.text()
        return (json.loads(text) if text else None), [], False
    return None, [], False


def _attachments(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "id": str(snowflake()),
            "filename": a.get("filename", "file"),
            "size": 0,
            "url": f"https://cdn.invalid/{a.get('filename', 'file')}",
            "proxy_url": f"https://cdn.invalid/{a.get('filename', 'file')}",
        }
        for a in data.get("attachments") or []
    ]


def _echo_components(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Components as Discord stores them: as sent, with numeric ids filled in."""
    counter = itertools.count(1)

    def echo(component: dict[str, Any]) -> dict[str, Any]:
        out = {**component, "id": component.get("id") or next(counter)}
        if "components" in component:
            out["components"] = [echo(c) for c in component["components"]]
        return out

    return [echo(c) for c in components]


def _filled(component: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """A modal component as submitted: each text input carries the value typed into it."""
    kind = component["type"]
    if kind == 1:
        return {"type": 1, "components": [_filled(c, values) for c in component["components"]]}
    if kind == 18:  # a label around one input
        inner = component["component"]
        return {
            "type": 18,
            "id": component.get("id", 0),
            "component": {
                "type": inner["type"],
                "id": inner.get("id", 0),
                "custom_id": inner["custom_id"],
                "value": values.get(component["label"], ""),
            },
        }
    return {
        "type": kind,
        "custom_id": component["custom_id"],
        "value": values.get(component.get("label", ""), ""),
    }


# -- Discord's limits -----------------------------------------------------------------------------


def message_problems(data: dict[str, Any] | None) -> list[str]:
    """Every limit of Discord's a message payload breaks (an empty list when it is fine)."""
    if not data:
        return []
    problems = []
    if len(data.get("content") or "") > 2000:
        problems.append("content: longer than 2000")
    embeds = data.get("embeds") or []
    if len(embeds) > 10:
        problems.append("embeds: more than 10")
    total = 0
    for i, embed in enumerate(embeds):
        title, description = embed.get("title") or "", embed.get("description") or ""
        fields = embed.get("fields") or []
        footer = (embed.get("footer") or {}).get("text") or ""
        author = (embed.get("author") or {}).get("name") or ""
        checks = [
            (len(title) > 256, "title longer than 256"),
            (len(description) > 4096, "description longer than 4096"),
            (len(fields) > 25, "more than 25 fields"),
            (len(footer) > 2048, "footer longer than 2048"),
            (len(author) > 256, "author longer than 256"),
        ]
        for f in fields:
            checks.append((not 0 < len(f.get("name") or "") <= 256, "field name not 1..256"))
            checks.append((not 0 < len(f.get("value") or "") <= 1024, "field value not 1..1024"))
        problems += [f"embeds[{i}]: {what}" for bad, what in checks if bad]
        total += len(title) + len(description) + len(footer) + len(author)
        total += sum(len(f.get("name") or "") + len(f.get("value") or "") for f in fields)
    if total > 6000:
        problems.append("embeds: more than 6000 characters in total")
    rows = data.get("components") or []
    if len(rows) > 5:
        problems.append("components: more than 5 action rows")
    for r, row in enumerate(rows):
        children = row.get("components") or []
        if row.get("type") == 1 and not 0 < len(children) <= 5:
            problems.append(f"components[{r}]: not 1..5 components")
        for child in children:
            custom_id = child.get("custom_id")
            if child.get("type") == 2 and child.get("style") != 5 and not custom_id:
                problems.append(f"components[{r}]: a button without custom_id")
            if custom_id is not None and not 0 < len(custom_id) <= 100:
                problems.append(f"components[{r}]: custom_id not 1..100")
            if len(child.get("label") or "") > 80:
                problems.append(f"components[{r}]: label longer than 80")
    return problems


def _check_message(data: dict[str, Any] | None) -> None:
    problems = message_problems(data)
    if problems:
        raise _Refusal(400, {"code": 50035, "message": "Invalid Form Body", "errors": problems})


def _command_problems(command: dict[str, Any]) -> list[str]:
    name = command.get("name", "")
    kind = command.get("type", 1)
    if kind != 1:  # context menus: any case, spaces allowed, no description
        return [] if 0 < len(name) <= 32 else [f"{name!r}: name not 1..32"]
    problems = _option_problems(command, name)
    perms = command.get("default_member_permissions")
    if perms is not None and not str(perms).isdigit():
        problems.append(f"{name}: default_member_permissions is not a bit set")
    return problems


def _option_problems(node: dict[str, Any], where: str) -> list[str]:
    problems = []
    name = node.get("name", "")
    if not _COMMAND_NAME.fullmatch(name) or name != name.lower():
        problems.append(f"{where}: name {name!r} is not a lowercase command name")
    if not 0 < len(node.get("description") or "") <= 100:
        problems.append(f"{where}: description not 1..100")
    options = node.get("options") or []
    if len(options) > 25:
        problems.append(f"{where}: more than 25 options")
    names = [o.get("name") for o in options]
    if len(set(names)) != len(names):
        problems.append(f"{where}: duplicate option names")
    seen_optional = False
    for option in options:
        path = f"{where} {option.get('name')}"
        if option.get("type") in (1, 2):
            problems += _option_problems(option, path)
            continue
        problems += [p for p in _option_problems(option, path) if "options" not in p]
        if len(option.get("choices") or []) > 25:
            problems.append(f"{path}: more than 25 choices")
        if option.get("choices") and option.get("autocomplete"):
            problems.append(f"{path}: choices and autocomplete together")
        if option.get("required"):
            if seen_optional:
                problems.append(f"{path}: required after optional")
        else:
            seen_optional = True
    return problems
