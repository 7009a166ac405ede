"""Events in time: one-off or recurring (an iCalendar ``RRULE``), with an optional time of day.

``event_start``/``event_end`` are the first occurrence's first and last day; ``event_rrule``
repeats it (``FREQ=YEARLY`` on the same date, ``FREQ=YEARLY;BYMONTH=8;BYDAY=3SA``,
``FREQ=WEEKLY;BYDAY=SA``, optionally ``UNTIL=``/``COUNT=``); ``event_time`` is
``HH:MM`` or ``HH:MM-HH:MM`` local Polish time. Occurrences are expanded with
``dateutil.rrule`` (what ``icalendar`` uses); ``events.ics`` is written with ``icalendar``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pandas as pd
from dateutil.rrule import rrulestr

ALLOWED_FREQUENCIES: tuple[str, ...] = ("YEARLY", "MONTHLY", "WEEKLY")
UPCOMING_VIEWS: tuple[str, ...] = ("weekend", "30days")
_ALLOWED_PARTS = frozenset({"FREQ", "INTERVAL", "BYDAY", "BYMONTH", "BYMONTHDAY", "UNTIL", "COUNT"})
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(?:\s*-\s*([01]?\d|2[0-3]):([0-5]\d))?$")
TIMEZONE = "Europe/Warsaw"


def check_rrule(text: str, start: date | None) -> str:
    """The rule upper-cased without spaces if it is a supported recurrence, "" for empty.

    ``ValueError`` for an unknown part or frequency, a rule dateutil cannot read, or a rule
    without the first occurrence's date (``start``).
    """
    rule = "".join(str(text or "").split()).upper().removeprefix("RRULE:")
    if not rule:
        return ""
    parts = dict(p.split("=", 1) for p in rule.split(";") if "=" in p)
    if set(parts) - _ALLOWED_PARTS or parts.get("FREQ") not in ALLOWED_FREQUENCIES:
        raise ValueError(f"unsupported recurrence {rule!r}")
    if start is None:
        raise ValueError("a recurrence needs the date of the first occurrence")
    rrulestr(rule, dtstart=datetime.combine(start, time()))  # ValueError if unreadable
    return rule


def parse_time(text: str) -> tuple[time, time | None] | None:
    """(start, end) of ``HH:MM`` or ``HH:MM-HH:MM``; None for empty; ``ValueError`` else."""
    value = str(text or "").strip()
    if not value:
        return None
    match = _TIME.match(value)
    if not match:
        raise ValueError(f"not a time of day: {value!r}")
    start = time(int(match.group(1)), int(match.group(2)))
    end = time(int(match.group(3)), int(match.group(4))) if match.group(3) else None
    return start, end


def occurrences(
    start: date | None, end: date | None, rule: str, first: date, last: date
) -> list[tuple[date, date]]:
    """(first day, last day) of each occurrence that overlaps ``first``..``last`` (inclusive)."""
    if start is None:
        return []
    length = (end - start) if end and end >= start else timedelta(0)
    if not rule:
        runs = [start]
    else:
        expanded = rrulestr(rule, dtstart=datetime.combine(start, time()))
        window_start = datetime.combine(first - length, time())
        runs = [
            d.date()
            for d in expanded.between(window_start, datetime.combine(last, time()), inc=True)
        ]
    return [(d, d + length) for d in runs if d <= last and d + length >= first]


def upcoming_window(view: str, today: date) -> tuple[date, date]:
    """First and last day of an upcoming view: ``weekend`` (Saturday–Sunday of this week;
    today and Sunday when it is Sunday) or ``30days`` (today and the next 30 days)."""
    if view == "weekend":
        saturday = today + timedelta(days=(5 - today.weekday()) % 7)
        if today.weekday() == 6:
            return today, today
        return saturday, saturday + timedelta(days=1)
    if view == "30days":
        return today, today + timedelta(days=30)
    raise ValueError(f"unknown upcoming view {view!r}; expected one of {UPCOMING_VIEWS}")


def running_mask(frame: pd.DataFrame, first: date, last: date) -> pd.Series:
    """Rows of a products frame with an occurrence between ``first`` and ``last``."""
    rules = frame["event_rrule"] if "event_rrule" in frame else pd.Series("", frame.index)
    found = []
    for start, end, rule in zip(
        frame["event_start"], frame["event_end"], rules.fillna(""), strict=True
    ):
        found.append(bool(occurrences(_day(start), _day(end), str(rule), first, last)))
    return pd.Series(found, index=frame.index, dtype=bool)


def _day(value) -> date | None:
    if value is None or pd.isna(value):
        return None
    if isinstance(value, datetime | pd.Timestamp):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _until_end_of_day(rule: str) -> str:
    """A date ``UNTIL`` as the end of that day in UTC, as RFC 5545 wants with a timed start
    (the app counts the whole UNTIL day, so the calendar must too)."""

    def widen(match: re.Match) -> str:
        day = datetime.strptime(match.group(1), "%Y%m%d")
        end = day.replace(hour=23, minute=59, second=59, tzinfo=ZoneInfo(TIMEZONE))
        return "UNTIL=" + end.astimezone(ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%SZ")

    return re.sub(r"UNTIL=(\d{8})(?=;|$)", widen, rule)


def _text(value) -> str:
    """Stripped text of a frame cell; None/NaN give ``""``."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()


def calendar_bytes(
    rows: Iterable[dict],
    base_url: str = "",
    *,
    url_for: Callable[[str], str] | None = None,
    uid_host: str = "mapa-klastra",
    name: str | None = None,
    stamp_for: Callable[[dict], datetime | None] | None = None,
) -> bytes:
    """An iCalendar (RFC 5545) file of the events in ``rows`` (products-frame records).

    The one writer of events: the map's downloads and the static site's ``events.ics``.
    Every text goes through ``icalendar``, which escapes it. The link of an event is
    ``url_for(id)``, else ``base_url`` + ``?product=id``; ``uid_host`` makes the UID
    (``id@uid_host``); ``name`` is the calendar's name; ``stamp_for(row)`` its DTSTAMP
    (the static site passes the row's last change, so unchanged events keep their bytes).
    An event with only an end date is a one-day event on that date.
    """
    cal = icalendar.Calendar()
    cal.add("prodid", "-//RKESiI Jarosław//Mapa produktów turystycznych//PL")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-timezone", TIMEZONE)
    if name:
        cal.add("x-wr-calname", name)
    for row in rows:
        start = _day(row.get("event_start")) or _day(row.get("event_end"))
        if start is None:
            continue
        end = _day(row.get("event_end")) or start
        product_id = _text(row.get("id"))
        event = icalendar.Event()
        event.add("uid", f"{product_id}@{uid_host}")
        event.add("summary", _text(row.get("name_pl")))
        hours = parse_time(_text(row.get("event_time")))
        if hours:
            zone = ZoneInfo(TIMEZONE)
            event.add("dtstart", datetime.combine(start, hours[0], tzinfo=zone))
            finish = hours[1] or (datetime.combine(start, hours[0]) + timedelta(hours=1)).time()
            event.add("dtend", datetime.combine(end, finish, tzinfo=zone))
        else:
            event.add("dtstart", start)
            event.add("dtend", end + timedelta(days=1))  # DTEND of an all-day event is exclusive
        rule = _text(row.get("event_rrule"))
        if rule:
            if hours:
                rule = _until_end_of_day(rule)
            event.add("rrule", icalendar.vRecur.from_ical(rule))
        stamp = stamp_for(row) if stamp_for else None
        if stamp is not None:
            event.add("dtstamp", stamp)
        if _text(row.get("address")):
            event.add("location", _text(row.get("address")))
        event.add("geo", (float(row["lat"]), float(row["lon"])))
        if url_for is not None:
            event.add("url", url_for(product_id))
        elif base_url:
            event.add("url", f"{base_url.rstrip('/')}/?product={product_id}")
        description = _text(row.get("description_pl"))
        if description:
            event.add("description", description)
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
