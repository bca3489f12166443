"""When weekly digests fall due: wall-clock times in a community's time zone, DST included.

A digest set for Monday 09:00 Europe/Berlin goes out at 09:00 on every Monday there, whether the
clocks were changed that weekend or not; the week it covers runs from the previous Monday 09:00,
so a week across a change is 167 or 169 hours long.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain import DigestSchedule


def latest_due(schedule: DigestSchedule, now: datetime) -> datetime:
    """The most recent scheduled moment at or before `now`, in UTC."""
    zone = ZoneInfo(schedule.tz)
    local_now = now.astimezone(zone)
    days_back = (local_now.weekday() - schedule.weekday) % 7
    day = local_now.date() - timedelta(days=days_back)
    due = _at(day, schedule, zone)
    if due > now:
        due = _at(day - timedelta(days=7), schedule, zone)
    return due


def week_before(moment: datetime, tz: str) -> datetime:
    """The same wall-clock time seven days earlier, in UTC: where the week to `moment` began."""
    zone = ZoneInfo(tz)
    local = moment.astimezone(zone)
    earlier = datetime.combine(
        local.date() - timedelta(days=7), local.timetz().replace(tzinfo=zone)
    )
    return earlier.astimezone(UTC)


def _at(day: object, schedule: DigestSchedule, zone: ZoneInfo) -> datetime:
    local = datetime.combine(day, schedule.at, tzinfo=zone)  # type: ignore[arg-type]
    return local.astimezone(UTC)
