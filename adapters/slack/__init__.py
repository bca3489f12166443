"""The Slack adapter: debate-bot as a Slack app (slack-bolt `AsyncApp`), over HTTP or Socket Mode.

`slack_app` builds the app for an engine; `serve_slack` serves it as configured until cancelled.
"""

from __future__ import annotations

from .app import SlackApp
from .run import serve_slack, slack_app

__all__ = ["SlackApp", "serve_slack", "slack_app"]
