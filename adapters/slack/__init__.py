"""The Slack adapter: debate-bot as a Slack app (slack-bolt `AsyncApp`), over HTTP or Socket Mode.

`SlackApp` is the app for an engine; `run_slack` serves it as configured until cancelled.
"""

from __future__ import annotations

from .app import SlackApp
from .run import run_slack, serve_slack, slack_app

__all__ = ["SlackApp", "run_slack", "serve_slack", "slack_app"]
