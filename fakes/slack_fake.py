"""A local fake of the Slack platform for tests and benchmarks, on 127.0.0.1 port 0.

Two halves, like Slack itself:
- `FakeSlackApi` answers the Web API methods the bot calls (the real `AsyncWebClient` is pointed
  at it with `base_url`), records every call with its arguments, serves as the target of
  `response_url`s and of file uploads, can answer a method with 429 + Retry-After, and offers a
  Socket Mode websocket.
- `SlackSender` builds the requests Slack sends an app (slash commands, block actions, view
  submissions, shortcuts, events) as form or JSON bodies signed the way Slack signs them.

Nothing here knows the bot; it only speaks Slack's protocol.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from aiohttp import WSMsgType, web

TEAM = "T0TEST"
BOT_USER = "UBOT"


@dataclass
class ApiCall:
    method: str
    args: dict[str, Any]
    result: dict[str, Any] = field(default_factory=dict)  # what the fake answered


class Refused(Exception):
    """Slack's answer `{"ok": false, "error": ...}` to a call it will not carry out."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


@dataclass
class Failure:
    status: int
    retry_after: int | None
    error: str


@dataclass
class FakeSlackApi:
    """The Web API, response URLs and Socket Mode of one fake workspace."""

    team: str = TEAM
    admins: set[str] = field(default_factory=set)
    owners: set[str] = field(default_factory=set)
    record: bool = True
    calls: list[ApiCall] = field(default_factory=list)
    responses: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    uploads: dict[str, bytes] = field(default_factory=dict)  # files shared, by id
    _sent_bytes: dict[str, bytes] = field(default_factory=dict)  # uploaded, not yet completed
    # Channels the bot is a member of. As in Slack, it may post messages anywhere public
    # (chat:write.public), but files only where it is a member; it can join public channels,
    # not private ones (`private`), where it must be invited.
    joined: set[str] = field(default_factory=set)
    private: set[str] = field(default_factory=set)
    counts: dict[str, int] = field(default_factory=dict)
    last: dict[str, float] = field(default_factory=dict)  # when each method was last called
    _failures: dict[str, list[Failure]] = field(default_factory=dict)
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _runner: web.AppRunner | None = None
    _sockets: list[web.WebSocketResponse] = field(default_factory=list)
    _socket_replies: dict[str, asyncio.Future[dict[str, Any]]] = field(default_factory=dict)
    _socket_ready: asyncio.Event = field(default_factory=asyncio.Event)
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    port: int = 0

    # -- lifecycle -----------------------------------------------------------------------------

    async def start(self, port: int = 0) -> FakeSlackApi:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.add_routes(
            [
                web.post("/api/{method}", self._api),
                web.get("/api/{method}", self._api),
                web.post("/response/{name}", self._response_url),
                web.post("/upload/{file_id}", self._upload),
                web.get("/socket", self._socket),
                web.get("/counts", self._counts),
            ]
        )
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        for ws in self._sockets:
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeSlackApi:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """What `AsyncWebClient(base_url=...)` (and SLACK_API_URL) takes."""
        return f"{self.base}/api/"

    def response_url(self, name: str) -> str:
        return f"{self.base}/response/{name}"

    # -- what tests ask ------------------------------------------------------------------------

    def of(self, method: str) -> list[dict[str, Any]]:
        """The arguments of every call of one method, in order."""
        return [c.args for c in self.calls if c.method == method]

    def fail_next(self, method: str, status: int = 429, retry_after: int | None = 0) -> None:
        """Answer the next call of `method` with an HTTP error (429 + Retry-After by default)."""
        error = "ratelimited" if status == 429 else "internal_error"
        self._failures.setdefault(method, []).append(Failure(status, retry_after, error))

    def refuse_next(self, method: str, error: str) -> None:
        """Answer the next call of `method` with `{"ok": false, "error": error}`."""
        self._failures.setdefault(method, []).append(Failure(200, None, error))

    async def wait_for(self, condition: Callable[[], bool], within: float = 5.0) -> None:
        """Until `condition()` holds after some call; fails the test on timeout."""

        async def until() -> None:
            async with self._changed:
                await self._changed.wait_for(condition)

        await asyncio.wait_for(until(), within)

    # -- Socket Mode ---------------------------------------------------------------------------

    async def socket_connected(self, within: float = 5.0) -> None:
        await asyncio.wait_for(self._socket_ready.wait(), within)

    async def send_envelope(
        self, kind: str, payload: dict[str, Any], within: float = 5.0
    ) -> dict[str, Any]:
        """Deliver one Socket Mode envelope and return the app's acknowledgement."""
        envelope_id = f"env-{next(self._ts)}"
        reply: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._socket_replies[envelope_id] = reply
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
        }
        await self._sockets[-1].send_str(json.dumps(envelope))
        return await asyncio.wait_for(reply, within)

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_str(json.dumps({"type": "hello", "num_connections": 1}))
        self._socket_ready.set()
        async for msg in ws:
            if msg.type is not WSMsgType.TEXT:
                continue
            data = json.loads(msg.data)
            waiting = self._socket_replies.pop(data.get("envelope_id", ""), None)
            if waiting is not None and not waiting.done():
                waiting.set_result(data)
        return ws

    # -- the Web API ---------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _arguments(request)
        call = await self._note(method, args)
        failures = self._failures.get(method)
        if failures:
            failure = failures.pop(0)
            headers = (
                {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
            )
            return web.json_response(
                {"ok": False, "error": failure.error}, status=failure.status, headers=headers
            )
        answer = getattr(self, "_" + method.replace(".", "_"), None)
        if answer is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        try:
            call.result = {"ok": True, **answer(args)}
        except Refused as refused:
            call.result = {"ok": False, "error": refused.error}
        return web.json_response(call.result)

    async def _note(self, method: str, args: dict[str, Any]) -> ApiCall:
        self.counts[method] = self.counts.get(method, 0) + 1
        self.last[method] = time.time()
        call = ApiCall(method, args)
        if self.record:
            self.calls.append(call)
        async with self._changed:
            self._changed.notify_all()
        return call

    def results(self, method: str) -> list[dict[str, Any]]:
        """What the fake answered to each call of one method."""
        return [c.result for c in self.calls if c.method == method]

    def _next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": "https://fake.slack.test/",
            "team": "Fake team",
            "user": "debatebot",
            "team_id": self.team,
            "user_id": BOT_USER,
            "bot_id": "B0BOT",
        }

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = str(args.get("user", ""))
        return {
            "user": {
                "id": user,
                "team_id": self.team,
                "name": user.lower(),
                "is_admin": user in self.admins or user in self.owners,
                "is_owner": user in self.owners,
                "is_primary_owner": False,
            }
        }

    def _chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        ts = self._next_ts()
        return {"channel": args.get("channel"), "ts": ts, "message": {"ts": ts, **args}}

    def _chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"message_ts": self._next_ts()}

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"channel": args.get("channel"), "ts": args.get("ts"), "text": args.get("text")}

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"view": {"id": f"V{next(self._ts)}", **_json_arg(args, "view")}}

    _views_publish = _views_open
    _views_update = _views_open

    def _files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        file_id = f"F{next(self._ts)}"
        return {"upload_url": f"{self.base}/upload/{file_id}", "file_id": file_id}

    def _files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = args.get("channel_id")
        if channel and channel not in self.joined:
            raise Refused("not_in_channel")
        files = _json_arg(args, "files")
        listed = files if isinstance(files, list) else []
        for f in listed:  # a file is shared only once its upload is completed, as in Slack
            if f.get("id") in self._sent_bytes:
                self.uploads[f["id"]] = self._sent_bytes.pop(f["id"])
        return {"files": [{"id": f.get("id"), "title": f.get("title")} for f in listed]}

    def _conversations_join(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        if channel in self.private:
            raise Refused("method_not_supported_for_channel_type")
        self.joined.add(channel)
        return {"channel": {"id": channel, "is_member": True}}

    def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        """A direct message with one user (`users`): the bot is a member of it, as in Slack."""
        users = str(args.get("users", ""))
        if not users or "," in users:
            raise Refused("users_list_not_supplied" if not users else "not_supported")
        channel = f"D{users}"
        self.joined.add(channel)
        return {"channel": {"id": channel}}

    def _apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"url": f"ws://127.0.0.1:{self.port}/socket"}

    async def _response_url(self, request: web.Request) -> web.Response:
        self.counts["response_url"] = self.counts.get("response_url", 0) + 1
        self.last["response_url"] = time.time()
        if not self.record:  # a benchmark's Slack: count, as cheaply as it can
            await request.read()
            return web.Response(text="ok")
        body = await request.json()
        self.responses.setdefault(request.match_info["name"], []).append(body)
        async with self._changed:
            self._changed.notify_all()
        return web.Response(text="ok")

    async def _counts(self, request: web.Request) -> web.Response:
        """How many calls of each method and when the last came, for a fake in another process."""
        return web.json_response({"counts": self.counts, "last": self.last})

    async def _upload(self, request: web.Request) -> web.Response:
        data = await request.read()
        if request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            part = await reader.next()
            data = await part.read() if part is not None else b""  # type: ignore[union-attr]
        self._sent_bytes[request.match_info["file_id"]] = bytes(data)
        await self._note("upload", {"file_id": request.match_info["file_id"], "size": len(data)})
        return web.Response(text=f"OK - {len(data)}")


async def _arguments(request: web.Request) -> dict[str, Any]:
    """A Web API call's arguments, from its query string and its JSON or form body."""
    args: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        body = await request.json()
        if isinstance(body, dict):
            args.update(body)
    elif request.can_read_body:
        args.update(dict(parse_qsl(await request.text(), keep_blank_values=True)))
    return args


def _json_arg(args: dict[str, Any], name: str) -> Any:
    """Form-encoded calls carry nested values as JSON strings; JSON calls carry them as is."""
    value = args.get(name, {})
    return json.loads(value) if isinstance(value, str) and value else value


# -- what Slack sends an app ---------------------------------------------------------------------


def sign(secret: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    """The headers Slack puts on a request: `v0=` HMAC-SHA256 of `v0:{timestamp}:{body}`."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


@dataclass(frozen=True)
class SlackRequest:
    body: str
    content_type: str

    def headers(self, secret: str, timestamp: int | None = None) -> dict[str, str]:
        return {"Content-Type": self.content_type, **sign(secret, self.body, timestamp)}


def _form(fields: dict[str, str]) -> SlackRequest:
    return SlackRequest(urlencode(fields), "application/x-www-form-urlencoded")


def _interaction(payload: dict[str, Any]) -> SlackRequest:
    return _form({"payload": json.dumps(payload)})


_ids = itertools.count(1)


def _trigger() -> str:
    return f"{next(_ids)}.{int(time.time() * 1000)}.fake"


@dataclass(frozen=True)
class SlackSender:
    """Builds what Slack would send for members of one workspace acting in one channel."""

    api: FakeSlackApi
    channel: str = "C0DEBATE"
    app_id: str = "A0DEBATE"

    def _user(self, user: str) -> dict[str, str]:
        """The `user` object of an interaction payload."""
        return {
            "id": user,
            "username": user.lower(),
            "name": user.lower(),
            "team_id": self.api.team,
        }

    def command(self, user: str, text: str, *, reply_to: str | None = None) -> SlackRequest:
        return _form(
            {
                "token": "legacy",
                "team_id": self.api.team,
                "team_domain": "fake",
                "channel_id": self.channel,
                "channel_name": "debate",
                "user_id": user,
                "user_name": user.lower(),
                "command": "/debate",
                "text": text,
                "api_app_id": self.app_id,
                "response_url": self.api.response_url(reply_to or f"cmd-{next(_ids)}"),
                "trigger_id": _trigger(),
            }
        )

    def click(
        self,
        user: str,
        action_id: str,
        value: str,
        *,
        message: dict[str, Any] | None = None,
        reply_to: str | None = None,
        in_home: bool = False,
        trigger_id: str | None = None,
    ) -> SlackRequest:
        """A button click on a channel message (`message`: its ts and blocks) or in App Home."""
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": self._user(user),
            "api_app_id": self.app_id,
            "token": "legacy",
            "trigger_id": trigger_id or _trigger(),
            "team": {"id": self.api.team, "domain": "fake"},
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": f"vote:{value}",
                    "value": value,
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        if in_home:
            payload["container"] = {"type": "view", "view_id": "VHOME"}
            payload["view"] = {"id": "VHOME", "type": "home", "blocks": []}
        else:
            message = message or {"ts": "1.000001", "blocks": []}
            payload["container"] = {
                "type": "message",
                "message_ts": message["ts"],
                "channel_id": self.channel,
                "is_ephemeral": False,
            }
            payload["channel"] = {"id": self.channel, "name": "debate"}
            payload["message"] = {"type": "message", "user": BOT_USER, **message}
            payload["response_url"] = self.api.response_url(reply_to or f"click-{next(_ids)}")
        return _interaction(payload)

    def view_submission(
        self, user: str, callback_id: str, values: dict[str, str], private_metadata: str = ""
    ) -> SlackRequest:
        """A modal submitted with plain text inputs whose block_id and action_id are the key."""
        state = {k: {k: {"type": "plain_text_input", "value": v}} for k, v in values.items()}
        return _interaction(
            {
                "type": "view_submission",
                "team": {"id": self.api.team, "domain": "fake"},
                "user": self._user(user),
                "api_app_id": self.app_id,
                "token": "legacy",
                "trigger_id": _trigger(),
                "view": {
                    "id": "VMODAL",
                    "type": "modal",
                    "callback_id": callback_id,
                    "private_metadata": private_metadata,
                    "state": {"values": state},
                },
            }
        )

    def message_shortcut(
        self, user: str, callback_id: str, text: str, *, reply_to: str | None = None
    ) -> SlackRequest:
        return _interaction(
            {
                "type": "message_action",
                "callback_id": callback_id,
                "team": {"id": self.api.team, "domain": "fake"},
                "user": self._user(user),
                "channel": {"id": self.channel, "name": "debate"},
                "message": {"type": "message", "user": "UAUTHOR", "ts": "1.000009", "text": text},
                "response_url": self.api.response_url(reply_to or f"shortcut-{next(_ids)}"),
                "trigger_id": _trigger(),
                "token": "legacy",
            }
        )

    def event(self, event: dict[str, Any], event_id: str | None = None) -> SlackRequest:
        body = {
            "token": "legacy",
            "team_id": self.api.team,
            "api_app_id": self.app_id,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(_ids)}",
            "event_time": int(time.time()),
            "event": event,
        }
        return SlackRequest(json.dumps(body), "application/json")

    def home_opened(self, user: str) -> SlackRequest:
        return self.event(
            {"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home"}
        )
