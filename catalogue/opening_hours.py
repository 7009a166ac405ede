"""Opening hours in OpenStreetMap ``opening_hours`` syntax, parsed by ``opening-hours-py``.

The catalogue stores the rule text as the partner gave it (whitespace trimmed). This module
is the one owner of what a rule means: whether it parses (:func:`check_rule`, with the
position of the first bad character), whether a place is open at a moment or on a day,
the months it is open in, and a short rendering in words per language (:func:`describe`).
Public holidays are Poland's (``country="PL"``). Times are local wall-clock time in
Poland, naive ``datetime`` objects.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import opening_hours as _oh

from catalogue.taxonomy import check_language

COUNTRY = "PL"
MAX_RULE_LENGTH = 500
_POSITION = re.compile(r"-->\s*(\d+):(\d+)")
_EXPECTED = re.compile(r"=\s*expected\s+(.+)")


class OpeningHoursError(ValueError):
    """A rule that does not parse; ``position`` is the 1-based character where it breaks."""

    def __init__(self, rule: str, position: int | None, detail: str) -> None:
        super().__init__(f"opening_hours {rule!r} does not parse at character {position}: {detail}")
        self.rule = rule
        self.position = position
        self.detail = detail

    @property
    def fragment(self) -> str:
        """The rule from the bad character on (at most 20 characters), for messages."""
        if not self.position:
            return self.rule[:20]
        return self.rule[self.position - 1 : self.position + 19]


@functools.lru_cache(maxsize=4096)
def _parsed(rule: str) -> _oh.OpeningHours:
    return _oh.OpeningHours(rule, country=COUNTRY)


def check_rule(text: str) -> str:
    """The trimmed rule if it parses (``""`` for empty); :class:`OpeningHoursError` if not."""
    rule = " ".join(str(text or "").split())
    if not rule:
        return ""
    if len(rule) > MAX_RULE_LENGTH:
        raise OpeningHoursError(rule, MAX_RULE_LENGTH + 1, "too long")
    try:
        _parsed(rule)
    except (_oh.ParserError, SyntaxError, ValueError) as exc:
        message = str(exc)
        found = _POSITION.search(message)
        expected = _EXPECTED.search(message)
        position = int(found.group(2)) if found else None
        raise OpeningHoursError(
            rule, position, expected.group(1).strip() if expected else message.strip()
        ) from None
    return rule


def is_open_at(rule: str, when: datetime) -> bool | None:
    """Whether a place with ``rule`` is open at local time ``when``; None if ``rule`` is empty
    or the rule itself says "unknown" then."""
    if not rule:
        return None
    state, _comment = _parsed(rule).state(when.replace(tzinfo=None))
    if state == _oh.State.OPEN:
        return True
    if state == _oh.State.CLOSED:
        return False
    return None


def is_open_on(rule: str, day: date) -> bool | None:
    """Whether ``rule`` opens at any time on ``day``; None for an empty rule."""
    if not rule:
        return None
    start = datetime.combine(day, time())
    for begin, end, state, _comment in _parsed(rule).intervals(start, start + timedelta(days=1)):
        if state == _oh.State.OPEN and end > begin:
            return True
    return False


@functools.lru_cache(maxsize=4096)
def open_months(rule: str, year: int = 2027) -> tuple[int, ...]:
    """Months (1–12) in which ``rule`` opens at least once in ``year``; () for an empty rule."""
    if not rule:
        return ()
    found: set[int] = set()
    start = datetime(year, 1, 1)
    for begin, end, state, _comment in _parsed(rule).intervals(start, datetime(year + 1, 1, 1)):
        if state != _oh.State.OPEN:
            continue
        day = begin
        while day < end and len(found) < 12:
            found.add(day.month)
            day = datetime(day.year + day.month // 12, day.month % 12 + 1, 1)
    return tuple(sorted(found))


# -- in words --------------------------------------------------------------------------

_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_DAY_NAMES: dict[str, tuple[str, ...]] = {
    "pl": ("pn.", "wt.", "śr.", "czw.", "pt.", "sob.", "nd."),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "uk": ("пн", "вт", "ср", "чт", "пт", "сб", "нд"),
}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NAMES: dict[str, tuple[str, ...]] = {
    "pl": ("sty", "lut", "mar", "kwi", "maj", "cze", "lip", "sie", "wrz", "paź", "lis", "gru"),
    "en": _MONTHS,
    "uk": ("січ", "лют", "бер", "кві", "тра", "чер", "лип", "сер", "вер", "жов", "лис", "гру"),
}
_WORDS: dict[str, dict[str, str]] = {
    "pl": {
        "always": "całodobowo, codziennie",
        "closed": "nieczynne",
        "ph_off": "nieczynne w święta",
        "ph_open": "w święta",
        "daily": "codziennie",
        "months_off": "{months}: nieczynne",
    },
    "en": {
        "always": "open 24/7",
        "closed": "closed",
        "ph_off": "closed on public holidays",
        "ph_open": "public holidays",
        "daily": "daily",
        "months_off": "{months}: closed",
    },
    "uk": {
        "always": "цілодобово, щодня",
        "closed": "зачинено",
        "ph_off": "зачинено у святкові дні",
        "ph_open": "у святкові дні",
        "daily": "щодня",
        "months_off": "{months}: зачинено",
    },
}
_TIME = r"\d{1,2}:\d{2}"
_TIMES = re.compile(rf"^{_TIME}-{_TIME}(?:,{_TIME}-{_TIME})*$")
_DAY_RANGE = re.compile(r"^(?:Mo|Tu|We|Th|Fr|Sa|Su)(?:-(?:Mo|Tu|We|Th|Fr|Sa|Su))?$")
_MONTH_RANGE = re.compile(
    r"^(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    r"(?:-(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec))?$"
)
_DASH = "–"


def _ranges_in_words(text: str, codes: Sequence[str], names: Sequence[str]) -> str:
    """ "Mo-Fr,Su" → "poniedziałek–piątek, niedziela": each OSM code replaced by its name."""
    parts = []
    for piece in text.split(","):
        ends = [names[codes.index(code)] for code in piece.split("-")]
        parts.append(_DASH.join(ends))
    return ", ".join(parts)


@dataclass(frozen=True)
class _Words:
    lang: str

    def days(self, text: str) -> str:
        return _ranges_in_words(text, _DAYS, _DAY_NAMES[self.lang])

    def months(self, text: str) -> str:
        return _ranges_in_words(text, _MONTHS, _MONTH_NAMES[self.lang])

    @staticmethod
    def times(text: str) -> str:
        spans = []
        for span in text.split(","):
            start, end = span.split("-")
            spans.append(f"{_hm(start)}{_DASH}{_hm(end)}")
        return ", ".join(spans)


def _hm(value: str) -> str:
    hours, minutes = value.split(":")
    return f"{int(hours)}:{minutes}"


def describe(rule: str, lang: str = "pl") -> str:
    """``rule`` in words in ``lang`` ("wt.–nd. 9:00–17:00, nieczynne w święta").

    Renders the common shapes (month ranges, weekday ranges, time spans, ``off``, ``PH``,
    ``24/7``); any other rule is returned as written, which is still exact.
    """
    check_language(lang)
    if not rule:
        return ""
    words = _Words(lang)
    vocabulary = _WORDS[lang]
    parts = []
    for raw_part in rule.split(";"):
        part = raw_part.strip()
        if not part:
            continue
        rendered = _describe_part(part, words, vocabulary)
        if rendered is None:
            return rule
        parts.append(rendered)
    return ", ".join(parts) if parts else rule


def _describe_part(part: str, words: _Words, vocabulary: dict[str, str]) -> str | None:
    if part == "24/7":
        return vocabulary["always"]
    words_of_part = part.replace(", ", ",").split()
    months = days = times = None
    off = False
    public_holiday = False
    for word in words_of_part:
        if word in ("off", "closed"):
            off = True
        elif word == "PH" and days is None:
            public_holiday = True
        elif (
            months is None and days is None and all(_MONTH_RANGE.match(p) for p in word.split(","))
        ):
            months = word
        elif days is None and all(_DAY_RANGE.match(p) for p in word.split(",")):
            days = word
        elif times is None and _TIMES.match(word):
            times = word
        else:
            return None
    if public_holiday:
        if off and months is None and times is None:
            return vocabulary["ph_off"]
        if times and not off:
            return f"{vocabulary['ph_open']} {words.times(times)}"
        return None
    if off:
        if months is None and days is None and times is None:
            return vocabulary["closed"]  # a bare "off": closed, whatever the day
        if months and days is None and times is None:
            return vocabulary["months_off"].format(months=words.months(months))
        if days and times is None:
            prefix = f"{words.months(months)} " if months else ""
            return f"{prefix}{words.days(days)}: {vocabulary['closed']}"
        return None
    if times is None and days is None:
        return None
    pieces = []
    if months:
        pieces.append(words.months(months) + ":")
    pieces.append(words.days(days) if days else vocabulary["daily"])
    if times:
        pieces.append(words.times(times))
    return " ".join(pieces)
