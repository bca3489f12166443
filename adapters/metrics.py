"""The bot's metrics for Prometheus, in a registry of its own (so that two bots in one process,
as in the tests, never share counts). `adapters/monitoring.py` serves them at /metrics.

`Metrics` is the core's `Observer` (votes counted and how long their commit took, commands
and how they ended), times Slack's HTTP requests, reads what an adapter counts itself (Slack
clicks acknowledged before their commit), and counts the errors logged while `errors_logged()`
is on. Names follow Prometheus's conventions: `debate_bot_` first, counters ending in `_total`,
durations in seconds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector

from bot.ports import Outcome

PLATFORMS = ("discord", "slack", "console")
# A vote waits for the commit under way, then its own: tens of milliseconds when all is well.
VOTE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
# Slack wants an answer within 3 s: the buckets around it say how close requests come.
REQUEST_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 2.5, 3.0, 5.0)


def platform_of(community: str) -> str:
    """`discord`, `slack` or `console`: a label with a few values, never a community's id."""
    platform = community.partition(":")[0]
    return platform if platform in PLATFORMS else "other"


class Metrics:
    """Everything /metrics shows for one bot."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry()
        self.votes = Counter(
            "debate_bot_votes_counted",
            "Votes committed, by platform (a vote changed or cast again counts again).",
            ["platform"],
            registry=registry,
        )
        self.vote_seconds = Histogram(
            "debate_bot_vote_commit_seconds",
            "From a vote handed to the ballot box until its commit, group commit included.",
            buckets=VOTE_BUCKETS,
            registry=registry,
        )
        self.commands = Counter(
            "debate_bot_commands",
            "Commands handled, by platform, command and outcome (ok, refused, failed).",
            ["platform", "command", "outcome"],
            registry=registry,
        )
        self.slack_requests = Histogram(
            "debate_bot_slack_request_seconds",
            "Slack's requests to /slack/events, from arrival until answered, by HTTP status "
            "(a vote click is answered once its vote is committed).",
            ["status"],
            buckets=REQUEST_BUCKETS,
            registry=registry,
        )
        self.errors = Counter(
            "debate_bot_errors",
            "Errors logged, by the logger's first two names (bot.ballot_box, adapters.slack, ...).",
            ["logger"],
            registry=registry,
        )
        for platform in PLATFORMS:  # every platform shows, at 0 until its first vote
            self.votes.labels(platform)
        self._readings = _Readings()
        registry.register(self._readings)
        ProcessCollector(registry=registry)
        PlatformCollector(registry=registry)
        GCCollector(registry=registry)

    # -- bot.ports.Observer ----------------------------------------------------------------------

    def vote_counted(self, community: str, seconds: float) -> None:
        self.votes.labels(platform_of(community)).inc()
        self.vote_seconds.observe(seconds)

    def command_handled(self, community: str, command: str, outcome: Outcome) -> None:
        self.commands.labels(platform_of(community), command, outcome.value).inc()

    # -- what adapters report -------------------------------------------------------------------

    def slack_request(self, status: int, seconds: float) -> None:
        self.slack_requests.labels(str(status)).observe(seconds)

    def follow_acked_before_commit(self, read: Callable[[], int]) -> None:
        """Export a count of Slack vote clicks acknowledged before their commit, which the
        adapter keeps itself (`Inbound.acked_before_commit`); read at every scrape."""
        self._readings.acked_before_commit.append(read)

    @contextmanager
    def errors_logged(self) -> Iterator[None]:
        """Count every record logged at ERROR or above, by anyone, while the block runs."""
        counting = _ErrorCount(self.errors)
        root = logging.getLogger()
        root.addHandler(counting)
        try:
            yield
        finally:
            root.removeHandler(counting)

    def exposition(self) -> bytes:
        """The metrics in Prometheus's text format."""
        return generate_latest(self.registry)


class _Readings(Collector):
    """A collector of counts kept elsewhere: summed, so that a Slack app made again in the same
    process (its count starting from 0) never makes the total go down."""

    def __init__(self) -> None:
        self.acked_before_commit: list[Callable[[], int]] = []

    def collect(self) -> Iterable[Metric]:
        yield CounterMetricFamily(
            "debate_bot_slack_acked_before_commit",
            "Slack vote clicks acknowledged before their vote was committed (the commit outlasted "
            "the ack budget); each is a vote a crash at that moment could lose.",
            value=sum(read() for read in self.acked_before_commit),
        )


class _ErrorCount(logging.Handler):
    def __init__(self, errors: Counter) -> None:
        super().__init__(logging.ERROR)
        self._errors = errors

    def emit(self, record: logging.LogRecord) -> None:
        self._errors.labels(".".join(record.name.split(".")[:2])).inc()
