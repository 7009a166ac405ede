"""Events: recurrence, the "upcoming" views, events.ics that icalendar reads back and whose
recurrence expands (with dateutil, as icalendar does) to the right dates."""

from __future__ import annotations

from datetime import date, datetime

import icalendar
import pandas as pd
import pytest
from dateutil.rrule import rrulestr

from catalogue.events import calendar_bytes, check_rrule, occurrences, upcoming_window
from catalogue.filters import ProductFilter, apply_filter, prepare_frame
from catalogue.validation.rows import validate_records

# A yearly fair first held 15–17 August 2025; a weekly Saturday market; a one-off concert.
FAIR = {
    "id": "fair",
    "name_pl": "Jarmark",
    "event_start": date(2025, 8, 15),
    "event_end": date(2025, 8, 17),
    "event_rrule": "FREQ=YEARLY",
    "event_time": "",
}
MARKET = {
    "id": "market",
    "name_pl": "Targ <b>sobotni</b>",
    "event_start": date(2027, 5, 1),
    "event_end": None,
    "event_rrule": "FREQ=WEEKLY;BYDAY=SA;UNTIL=20270925",
    "event_time": "08:00-13:00",
}
CONCERT = {"id": "concert", "name_pl": "Koncert", "event_start": date(2027, 6, 12),
           "event_end": date(2027, 6, 12), "event_rrule": "", "event_time": "19:00"}  # fmt: skip


def _frame() -> pd.DataFrame:
    base = {"category": "events", "lat": 50.0163, "lon": 22.6777, "months_mask": 0,
            "address": "Rynek, Jarosław", "description_pl": ""}  # fmt: skip
    return prepare_frame(pd.DataFrame([{**base, **row} for row in (FAIR, MARKET, CONCERT)]))


@pytest.mark.parametrize(
    ("today", "view", "expected"),
    [
        (date(2027, 8, 1), "30days", {"fair", "market"}),  # the 2027 fair, Saturdays
        (date(2028, 7, 20), "30days", {"fair"}),  # 2028 too; the market ended in 2027
        (date(2025, 7, 1), "30days", set()),  # before the first fair
        (date(2026, 8, 13), "weekend", {"fair"}),  # Thu: 15–16 Aug 2026 is Sat–Sun
        (date(2027, 6, 9), "weekend", {"market", "concert"}),  # Wed: 12–13 Jun 2027
        (date(2027, 10, 6), "weekend", set()),
    ],
)
def test_upcoming_views_find_recurring_events_in_the_right_years(today, view, expected):
    now = datetime.combine(today, datetime.min.time())
    found = apply_filter(_frame(), ProductFilter(upcoming=view), now=now)
    assert set(found["id"]) == expected


def test_weekend_window():
    assert upcoming_window("weekend", date(2027, 6, 9)) == (date(2027, 6, 12), date(2027, 6, 13))
    assert upcoming_window("weekend", date(2027, 6, 13)) == (date(2027, 6, 13), date(2027, 6, 13))
    assert occurrences(date(2025, 8, 15), date(2025, 8, 17), "FREQ=YEARLY",
                       date(2030, 8, 17), date(2030, 8, 20)) == [(date(2030, 8, 15), date(2030, 8, 17))]  # fmt: skip


def test_events_ics_parses_and_its_recurrence_expands_to_the_right_dates():
    data = calendar_bytes(_frame().to_dict("records"), "https://mapa.example")
    cal = icalendar.Calendar.from_ical(data)
    events = {str(e["uid"]).split("@")[0]: e for e in cal.walk("VEVENT")}
    assert set(events) == {"fair", "market", "concert"}
    fair = events["fair"]
    assert fair.decoded("dtstart") == date(2025, 8, 15)
    assert fair.decoded("dtend") == date(2025, 8, 18)  # all-day DTEND is exclusive
    rule = rrulestr(fair["rrule"].to_ical().decode(), dtstart=datetime(2025, 8, 15))
    assert [d.date() for d in rule.between(datetime(2026, 1, 1), datetime(2028, 12, 31))] == [
        date(2026, 8, 15), date(2027, 8, 15), date(2028, 8, 15)]  # fmt: skip
    market = events["market"]
    start = market.decoded("dtstart")
    assert (start.hour, str(start.tzinfo)) == (8, "Europe/Warsaw")
    saturdays = rrulestr(market["rrule"].to_ical().decode(), dtstart=start)
    dates = [d.date() for d in saturdays]
    assert dates[0] == date(2027, 5, 1) and dates[-1] == date(2027, 9, 25) and len(dates) == 22
    assert all(d.weekday() == 5 for d in dates)
    assert str(market["summary"]) == "Targ <b>sobotni</b>"  # text, escaped by icalendar
    assert str(events["concert"]["url"]) == "https://mapa.example/?product=concert"
    assert cal.walk("VTIMEZONE")


def test_recurrence_and_time_are_checked_on_import():
    base = {"name": "Jarmark", "category": "events", "lat": "50.0163", "lon": "22.6777"}
    rows = [
        {**base, "event_start": "2025-08-15", "event_rrule": "freq=yearly", "event_time": "10:00 - 18:00"},
        {**base, "name": "B", "event_start": "2025-08-15", "event_rrule": "FREQ=HOURLY"},
        {**base, "name": "C", "event_rrule": "FREQ=YEARLY"},
        {**base, "name": "D", "event_start": "2025-08-15", "event_time": "25:00"},
    ]  # fmt: skip
    products, report = validate_records(rows)
    assert products[0].event_rrule == "FREQ=YEARLY" and products[0].event_time == "10:00-18:00"
    assert products[1:] == [None, None, None]
    text = report.to_text("pl")
    assert "Wiersz 3, kolumna „event_rrule”" in text and "Wiersz 4, kolumna „event_rrule”" in text
    assert "Wiersz 5, kolumna „event_time”" in text and "„25:00” nie jest godziną" in text
    assert check_rrule("RRULE:FREQ=WEEKLY;BYDAY=SA", date(2027, 5, 1)) == "FREQ=WEEKLY;BYDAY=SA"
