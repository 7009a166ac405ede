"""Parse the coordinates partners paste: decimal or DMS pairs, map links, geo: URIs.

Plausibility against the five districts is not checked here; that is ``locate``'s job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote_plus

from .names import check_lang

ERROR_CODES: tuple[str, ...] = ("empty", "unparseable", "out_of_range")

# Roughly the five districts widened by half a degree; the two ranges do not overlap, so
# a pair whose first value fits only the longitude range was typed lon-first.
REGION_LAT = (49.0, 51.0)
REGION_LON = (21.5, 24.5)

EXAMPLE = "50.0163, 22.6777"

_CHAR_MAP = str.maketrans(
    {
        "º": "°",
        "˚": "°",
        "∘": "°",
        "′": "'",
        "’": "'",
        "‘": "'",
        "‛": "'",
        "`": "'",
        "´": "'",
        "ʹ": "'",
        "″": '"',
        "”": '"',
        "“": '"',
        "„": '"',
        "‟": '"',
        "ʺ": '"',
        "−": "-",
        "–": "-",
        "—": "-",
        "‐": "-",
        "‑": "-",
        "(": " ",
        ")": " ",
        "[": " ",
        "]": " ",
        "{": " ",
        "}": " ",
    }
)
_SPACE_CHARS = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000]+")

_REASONS: dict[str, dict[str, str]] = {
    "count": {
        "pl": "potrzebne są dokładnie dwie wartości: szerokość i długość",
        "en": "exactly two values are needed: latitude and longitude",
        "uk": "потрібно рівно два значення: широта й довгота",
    },
    "letters": {
        "pl": "tekst zawiera nierozpoznane słowa lub znaki",
        "en": "the text contains words or characters that are not coordinates",
        "uk": "текст містить слова або знаки, що не є координатами",
    },
    "hemisphere": {
        "pl": "oznaczenia N/S/E/W muszą wystąpić przy obu wartościach, jedna szerokość i jedna długość",
        "en": "N/S/E/W letters must mark both values, one latitude and one longitude",
        "uk": "літери N/S/E/W мають позначати обидва значення: одну широту й одну довготу",
    },
    "dms": {
        "pl": "minuty i sekundy muszą być mniejsze niż 60, a stopnie przed minutami całkowite",
        "en": "minutes and seconds must be below 60, and degrees before minutes whole numbers",
        "uk": "хвилини й секунди мають бути меншими за 60, а градуси перед хвилинами цілими",
    },
    "link": {
        "pl": "link nie zawiera współrzędnych (skrócony link? otwórz go i skopiuj współrzędne)",
        "en": "the link holds no coordinates (a short link? open it and copy the coordinates)",
        "uk": "посилання не містить координат (коротке посилання? відкрийте його й скопіюйте координати)",
    },
}

_MESSAGES: dict[str, dict[str, str]] = {
    "empty": {
        "pl": "Nie podano współrzędnych. Wpisz szerokość i długość geograficzną, np. {example}.",
        "en": "No coordinates given. Enter latitude and longitude, e.g. {example}.",
        "uk": "Координати не вказано. Введіть широту й довготу, напр. {example}.",
    },
    "unparseable": {
        "pl": (
            "Nie rozpoznano współrzędnych „{text}”{reason}. Oczekiwano szerokości i długości "
            "geograficznej, np. {example} lub 50°00'58.7\"N 22°40'39.7\"E, albo linku "
            "z Google Maps lub OpenStreetMap."
        ),
        "en": (
            "Could not read coordinates “{text}”{reason}. Expected latitude and longitude, "
            "e.g. {example} or 50°00'58.7\"N 22°40'39.7\"E, or a Google Maps or "
            "OpenStreetMap link."
        ),
        "uk": (
            "Не вдалося розпізнати координати «{text}»{reason}. Очікувано широту й довготу, "
            "напр. {example} або 50°00'58.7\"N 22°40'39.7\"E, або посилання з Google Maps "
            "чи OpenStreetMap."
        ),
    },
    "out_of_range": {
        "pl": (
            "Współrzędne poza zakresem ({lat}, {lon}): szerokość musi mieścić się w -90…90, "
            "a długość w -180…180. Przykład: {example}."
        ),
        "en": (
            "Coordinates out of range ({lat}, {lon}): latitude must be within -90…90 and "
            "longitude within -180…180. Example: {example}."
        ),
        "uk": (
            "Координати поза межами ({lat}, {lon}): широта має бути в межах -90…90, "
            "а довгота в -180…180. Приклад: {example}."
        ),
    },
}

_SWAP_WARNING = {
    "pl": "Zamieniono kolejność: wygląda na to, że najpierw podano długość, a potem szerokość.",
    "en": "Swapped the order: longitude seems to have been given before latitude.",
    "uk": "Порядок змінено: схоже, що спершу вказано довготу, а потім широту.",
}


class CoordinateError(ValueError):
    """Text that cannot be read as a coordinate pair.

    ``code`` is one of ERROR_CODES; ``message(lang)`` gives the text in Polish, English or
    Ukrainian; ``str(error)`` is Polish followed by English.
    """

    def __init__(
        self,
        code: str,
        text: str = "",
        reason: str | None = None,
        lat: float | None = None,
        lon: float | None = None,
    ) -> None:
        if code not in ERROR_CODES:
            raise ValueError(f"unknown CoordinateError code {code!r}")
        self.code = code
        self.text = text
        self.reason = reason
        self.lat = lat
        self.lon = lon
        super().__init__(f"{self.message('pl')} / {self.message('en')}")

    def message(self, lang: str = "pl") -> str:
        """The error text in ``lang`` ("pl", "en" or "uk")."""
        check_lang(lang)
        shown = self.text if len(self.text) <= 80 else self.text[:77] + "..."
        reason = f" ({_REASONS[self.reason][lang]})" if self.reason else ""
        return _MESSAGES[self.code][lang].format(
            text=shown, reason=reason, example=EXAMPLE, lat=self.lat, lon=self.lon
        )


@dataclass(frozen=True)
class ParsedCoordinates:
    """A parsed pair in degrees WGS84; ``lat, lon = parsed`` unpacks it.

    ``swapped`` is True when the input looked lon-first and was reordered; ``warning`` then
    holds a Polish + English note (``warning_message(lang)`` gives one language).
    """

    lat: float
    lon: float
    swapped: bool = False
    warning: str | None = None

    def __iter__(self):
        yield self.lat
        yield self.lon

    def warning_message(self, lang: str = "pl") -> str | None:
        """The swap warning in ``lang`` ("pl", "en" or "uk"), or None."""
        check_lang(lang)
        return _SWAP_WARNING[lang] if self.swapped else None


# ---------------------------------------------------------------------------- links

_NUM = r"([-+]?\d{1,3}(?:\.\d+)?)"
_URL_PATTERNS = (
    re.compile(r"!3d" + _NUM + r"!4d" + _NUM),  # Google place pin
    re.compile(
        r"[?&;](?:q|query|ll|sll|center|destination|daddr|saddr)=(?:loc:)?\s*"
        + _NUM
        + r"\s*,\s*"
        + _NUM
    ),
    re.compile(r"[?&]cp=" + _NUM + r"~" + _NUM),  # Bing
    re.compile(r"@" + _NUM + r"\s*,\s*" + _NUM),  # Google viewport centre
    re.compile(r"map=\d+(?:\.\d+)?/" + _NUM + r"/" + _NUM),  # OpenStreetMap
    re.compile(r"^geo:\s*" + _NUM + r"\s*,\s*" + _NUM),
)
_MLAT = re.compile(r"[?&;]mlat=" + _NUM)
_MLON = re.compile(r"[?&;]mlon=" + _NUM)


def _looks_like_link(text: str) -> bool:
    low = text.lower()
    return "://" in low or low.startswith(("geo:", "www.", "maps.", "goo.gl", "osm.org"))


def _from_link(text: str) -> tuple[float, float] | None:
    decoded = unquote_plus(text)
    mlat, mlon = _MLAT.search(decoded), _MLON.search(decoded)
    if mlat and mlon:
        return float(mlat.group(1)), float(mlon.group(1))
    for pattern in _URL_PATTERNS:
        match = pattern.search(decoded)
        if match:
            return float(match.group(1)), float(match.group(2))
    return None


# ------------------------------------------------------------------------ free text

# Written-out hemispheres and labels; Polish and Ukrainian abbreviations as used on
# Wikipedia and in guidebooks.
_WORD_SUBS = (
    (re.compile(r"пн\.?\s*ш\.?", re.I), " N "),
    (re.compile(r"пд\.?\s*ш\.?", re.I), " S "),
    (re.compile(r"сх\.?\s*д\.?", re.I), " E "),
    (re.compile(r"зх\.?\s*д\.?", re.I), " W "),
    (
        re.compile(
            r"\b(?:szer(?:oko[śs][ćc])?|d[łl](?:ugo[śs][ćc])?)\.?(?:\s*geogr(?:aficzna)?\.?)?", re.I
        ),
        " ",
    ),
    (re.compile(r"\bp[łl]n\.?", re.I), " N "),
    (re.compile(r"\bp[łl]d\.?", re.I), " S "),
    (re.compile(r"\bwsch\.?", re.I), " E "),
    (re.compile(r"\bzach\.?", re.I), " W "),
    (re.compile(r"\b(?:latitude|lat)\b\.?", re.I), " LAT "),
    (re.compile(r"\b(?:longitude|long|lon|lng)\b\.?", re.I), " LON "),
)
_TOKEN = re.compile(
    r"(?P<num>[-+]?\d+(?:[.,]\d+)?)"
    r"|(?P<deg>°)"
    r"|(?P<sec>\"|'')"
    r"|(?P<min>')"
    r"|(?P<word>[^\W\d_]+)"
    r"|(?P<sep>[;,/|:=])"
    r"|(?P<space>\s+)"
    r"|(?P<other>.)"
)
_AXES = {
    "N": ("lat", 1),
    "S": ("lat", -1),
    "E": ("lon", 1),
    "W": ("lon", -1),
    "LAT": ("lat", 0),
    "LON": ("lon", 0),
}
_UNIT_POS = {"deg": 0, "min": 1, "sec": 2}


@dataclass
class _Num:
    raw: str
    unit: str | None = None

    @property
    def value(self) -> float:
        return float(self.raw.replace(",", "."))


class _Fail(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _normalise(text: str) -> str:
    out = text.translate(_CHAR_MAP)
    return _SPACE_CHARS.sub(" ", out).strip()


def _tokenise(text: str) -> list[tuple[str, object]]:
    for pattern, repl in _WORD_SUBS:
        text = pattern.sub(repl, text)
    items: list[tuple[str, object]] = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        value = m.group()
        if kind == "space":
            continue
        if kind == "num":
            items.append(("num", _Num(value)))
        elif kind in _UNIT_POS:
            # A unit mark belongs to the number right before it.
            if not items or items[-1][0] != "num" or items[-1][1].unit is not None:
                raise _Fail("letters")
            items[-1][1].unit = kind
        elif kind == "word":
            axis = _AXES.get(value.upper())
            if axis is None:
                raise _Fail("letters")
            items.append(("axis", axis))
        elif kind == "sep":
            items.append(("sep", value))
        else:
            raise _Fail("letters")
    return items


def _split_on_axes(items: list) -> list[tuple[list, tuple[str, int]]]:
    marks = [i for i, (kind, _v) in enumerate(items) if kind == "axis"]
    if len(marks) != 2:
        raise _Fail("hemisphere")
    core = [it for it in items if it[0] != "sep"]
    if core[0][0] == "axis":
        groups, current, axis = [], [], None
        for kind, value in core:
            if kind == "axis":
                if axis is not None:
                    groups.append((current, axis))
                current, axis = [], value
            else:
                current.append(value)
        groups.append((current, axis))
    elif core[-1][0] == "axis":
        groups, current = [], []
        for kind, value in core:
            if kind == "axis":
                groups.append((current, value))
                current = []
            else:
                current.append(value)
    else:
        raise _Fail("hemisphere")
    if any(not nums for nums, _axis in groups):
        raise _Fail("hemisphere")
    return groups


def _split_plain(items: list) -> list[list[_Num]]:
    # Trailing or leading separators ("50.1, 22.3,") carry no meaning.
    while items and items[0][0] == "sep":
        items = items[1:]
    while items and items[-1][0] == "sep":
        items = items[:-1]
    seps = [(i, v) for i, (kind, v) in enumerate(items) if kind == "sep"]
    for wanted in (";", ",", "/", "|", ":", "="):
        at = [i for i, v in seps if v == wanted]
        if len(at) == 1:
            left = [v for kind, v in items[: at[0]] if kind == "num"]
            right = [v for kind, v in items[at[0] + 1 :] if kind == "num"]
            if left and right:
                return [left, right]
    nums = [v for kind, v in items if kind == "num"]
    if any(n.unit == "deg" for n in nums):
        groups: list[list[_Num]] = []
        for n in nums:
            if n.unit == "deg" or not groups:
                groups.append([n])
            else:
                groups[-1].append(n)
        return groups
    if len(nums) in (2, 4, 6):
        half = len(nums) // 2
        return [nums[:half], nums[half:]]
    raise _Fail("count")


def _component_value(nums: list[_Num]) -> float:
    parts: list[float | None] = [None, None, None]
    pos = 0
    for n in nums:
        at = _UNIT_POS[n.unit] if n.unit else pos
        if at < pos or at > 2 or parts[at] is not None:
            raise _Fail("dms")
        parts[at] = n.value
        pos = at + 1
    deg, minutes, seconds = parts
    if deg is None:
        raise _Fail("dms")
    negative = nums[0].raw.startswith("-")
    for sub in (minutes, seconds):
        if sub is not None and not (0 <= sub < 60):
            raise _Fail("dms")
    if minutes is not None and deg != int(deg):
        raise _Fail("dms")
    if seconds is not None and minutes is not None and minutes != int(minutes):
        raise _Fail("dms")
    if seconds is not None and minutes is None:
        raise _Fail("dms")
    for n in nums[1:]:
        if n.raw.startswith(("-", "+")):
            raise _Fail("dms")
    total = abs(deg) + (minutes or 0.0) / 60 + (seconds or 0.0) / 3600
    return -total if negative else total


def _parse_text(text: str) -> tuple[float, float, bool]:
    """(lat, lon, order_known) from free text; raises _Fail."""
    items = _tokenise(text)
    if any(kind == "axis" for kind, _v in items):
        groups = _split_on_axes(items)
        values: dict[str, float] = {}
        for nums, (axis, sign) in groups:
            value = _component_value(nums)
            if sign and value < 0:
                raise _Fail("hemisphere")
            if axis in values:
                raise _Fail("hemisphere")
            values[axis] = value * (sign or 1)
        return values["lat"], values["lon"], True
    groups = _split_plain(items)
    if len(groups) != 2:
        raise _Fail("count")
    return _component_value(groups[0]), _component_value(groups[1]), False


def _in(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]


def parse_coordinates(text: str) -> ParsedCoordinates:
    """Read a latitude/longitude pair (degrees WGS84) from what a partner pasted.

    Accepts decimal pairs with dot or comma decimals ("50.0163, 22.6777",
    "50,0163 22,6777", "50,0163; 22,6777"), hemisphere letters before or after the values
    ("50.0163N 22.6777E", "N50.0163 E22.6777"), degrees-minutes(-seconds) with any quote
    style and spacing ("50°00'58.7\"N 22°40'39.7\"E", "N 50° 0.978' E 22° 40.662'"),
    Google Maps and OpenStreetMap links and geo: URIs. Letters decide which value is the
    latitude; without them a pair that fits the region only lon-first is swapped and a
    warning is set.

    :param text: the pasted text.
    :raises CoordinateError: code "empty", "unparseable" or "out_of_range".
    """
    raw = "" if text is None else str(text)
    cleaned = _normalise(raw)
    if not cleaned:
        raise CoordinateError("empty", raw)
    order_known = True
    if _looks_like_link(cleaned):
        pair = _from_link(cleaned)
        if pair is None:
            raise CoordinateError("unparseable", cleaned, reason="link")
        lat, lon = pair
    else:
        try:
            lat, lon, order_known = _parse_text(cleaned)
        except _Fail as fail:
            raise CoordinateError("unparseable", cleaned, reason=fail.reason) from None
    swapped = False
    if not order_known:
        lon_first = _in(lat, REGION_LON) and _in(lon, REGION_LAT)
        lat_invalid = abs(lat) > 90 and abs(lon) <= 90
        if lon_first or lat_invalid:
            lat, lon, swapped = lon, lat, True
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise CoordinateError("out_of_range", cleaned, lat=lat, lon=lon)
    warning = f"{_SWAP_WARNING['pl']} / {_SWAP_WARNING['en']}" if swapped else None
    return ParsedCoordinates(lat=lat, lon=lon, swapped=swapped, warning=warning)
