"""Settings from the environment or `.env`, read once at start-up by the command line."""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/debate.db"
DEFAULT_LLM_TIMEOUT = 20.0  # seconds


@dataclass(frozen=True)
class Shards:
    ids: tuple[int, ...]
    count: int


class ConfigError(Exception):
    """A missing or malformed setting, as one line an operator can act on."""


class Config(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    log_level: str = "INFO"
    allow_private_urls: bool = False

    discord_token: SecretStr | None = None
    discord_api_base: str | None = None
    discord_gateway_url: str | None = None
    discord_guild_ids: str = ""
    # Several processes share the Discord gateway by shards: each names the same count and its
    # own shard ids ("0,1"); unset, one process takes every shard Discord recommends.
    discord_shard_count: int | None = None
    discord_shard_ids: str = Field(default="", validate_default=True)

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str | None = None
    slack_port: int = 3000

    # /healthz and /metrics on a port of their own (docs/deploy.md), for a bot with no HTTP
    # port (Discord, Slack in Socket Mode); off when unset.
    health_port: int | None = None

    # Claim extraction by a language model (README, "LLM extraction"); offline when unset.
    extract_llm_url: str | None = None
    extract_llm_model: str | None = Field(default=None, validate_default=True)
    extract_llm_key: SecretStr | None = None
    extract_llm_timeout: float = DEFAULT_LLM_TIMEOUT

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, url: str) -> str:
        if not url.strip():
            raise ValueError(f"is empty; leave it unset for {DEFAULT_DATABASE_URL}, or name one")
        if not url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "must start with sqlite+aiosqlite:// or postgresql+asyncpg://, "
                f"not {url.split(':', 1)[0]}:"
            )
        return url

    @field_validator("health_port", mode="before")
    @classmethod
    def _port(cls, port: object) -> int | None:
        said = "" if port is None else str(port).strip()
        if not said:
            return None  # `HEALTH_PORT=` as in .env.example: off
        if not (said.isdigit() and 1 <= int(said) <= 65535):
            raise ValueError("must be a port number from 1 to 65535, or unset for none")
        return int(said)

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, level: str) -> str:
        level = level.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return level

    @field_validator("discord_shard_count")
    @classmethod
    def _some_shards(cls, count: int | None) -> int | None:
        if count is not None and not 1 <= count <= 10_000:
            raise ValueError("must be a number of shards from 1 up, the same in every process")
        return count

    @field_validator("discord_shard_ids")
    @classmethod
    def _shard_ids(cls, ids: str, info: ValidationInfo) -> str:
        count = info.data.get("discord_shard_count")
        words = [w.strip() for w in ids.split(",") if w.strip()]
        if words and count is None:
            raise ValueError("needs DISCORD_SHARD_COUNT, the number of shards of every process")
        if any(not (w.isascii() and w.isdigit()) or int(w) >= (count or 0) for w in words):
            raise ValueError(f"must be shard numbers from 0 to {(count or 1) - 1}, like 0,1")
        return ",".join(words)

    def discord_shards(self) -> Shards | None:
        """This process's shards, when the deployment is sharded across processes."""
        if self.discord_shard_count is None:
            return None
        ids = [int(w) for w in self.discord_shard_ids.split(",") if w]
        return Shards(tuple(ids or range(self.discord_shard_count)), self.discord_shard_count)

    @field_validator("extract_llm_url")
    @classmethod
    def _web_address(cls, url: str | None) -> str | None:
        if url is None or not url.strip():
            return None  # `EXTRACT_LLM_URL=` as in .env.example: offline
        url = url.strip()
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(
                "must be an http:// or https:// address, the endpoint's base such as "
                "http://127.0.0.1:11434/v1"
            )
        return url

    @field_validator("extract_llm_model")
    @classmethod
    def _model_named(cls, model: str | None, info: ValidationInfo) -> str | None:
        model = model.strip() if model else None
        if info.data.get("extract_llm_url") and not model:
            raise ValueError("name the model to ask at EXTRACT_LLM_URL, e.g. llama3.1:8b")
        return model

    @field_validator("extract_llm_timeout")
    @classmethod
    def _positive(cls, seconds: float) -> float:
        if not (math.isfinite(seconds) and seconds > 0):
            raise ValueError("must be a positive number of seconds, e.g. 20")
        return seconds


def load() -> Config:
    try:
        return Config()
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "configuration"
        said = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{name}: {said}") from None
