"""Settings from the environment or `.env`, read once at start-up by the command line."""

from __future__ import annotations

from pydantic import SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/debate.db"


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

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str | None = None
    slack_port: int = 3000

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

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, level: str) -> str:
        level = level.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return level


def load() -> Config:
    try:
        return Config()
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "configuration"
        said = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{name}: {said}") from None
