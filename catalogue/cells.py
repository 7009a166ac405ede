"""One spreadsheet cell, read and written: blank or not, its text, yes/no, numbers with a
decimal comma, dates, months, tags, slugs, and the spreadsheet-safety of text (formula
neutralisation, characters no file can carry).

Public so that the validator, the forms, the exporters and the partners file share one rule
per kind of cell.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from catalogue.taxonomy import ALL_MONTHS, wheelchair_level
from geodata import fold_text

_TRUE = frozenset({"tak", "t", "yes", "y", "true", "1", "x", "prawda", "так"})
_FALSE = frozenset({"nie", "n", "no", "false", "0", "falsz", "ні", "нi"})

# Characters a spreadsheet might evaluate (OWASP CSV injection). Export prefixes a cell that
# starts with one of them (after any run of apostrophes) with one more apostrophe; import
# strips exactly that one, so any stored text survives the round trip unchanged.
FORMULA_TRIGGERS = "=+-@\t\r"
_NEUTRALISED = re.compile(r"^'+[=+\-@\t\r]")
# Text Excel would turn into a date or a fraction when it opens a CSV: month ranges "4-10",
# "5/9", "1.05"-like pairs. The Polish-Excel CSV keeps it text with a leading "'".
EXCEL_MANGLED = re.compile(r"^\d{1,4}\s*[-/.]\s*\d{1,4}(\s*[-/.]\s*\d{1,4})?$")
_KEPT_AS_TEXT = re.compile(r"^'\d{1,4}\s*[-/.]\s*\d{1,4}(\s*[-/.]\s*\d{1,4})?$")

# Characters no export can carry: C0/C1 controls except tab, line feed and carriage return
# (XML forbids them, PDF fonts have no glyph), UTF-16 surrogates (not encodable alone),
# Unicode noncharacters (U+FDD0-U+FDEF and the last two code points of every plane: XML
# forbids U+FFFE/U+FFFF), plus the bidi overrides that can make a name display differently
# from what it is. Validation refuses them; :func:`writable_text` strips them at write time.
_NONCHARACTERS = "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
_CONTROL_CHARS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff\ufdd0-\ufdef" + _NONCHARACTERS + "]"
)
FORBIDDEN_CHARS = _CONTROL_CHARS
_EXCEL_EPOCH = date(1899, 12, 30)

_ALL_YEAR = frozenset(
    {"caly rok", "all year", "all year round", "year round", fold_text("цілий рік")}
)
_MONTH_NAMES: dict[str, int] = {}
for _month, _names in enumerate(
    (
        "styczen stycznia sty january jan",
        "luty lutego lut february feb",
        "marzec marca mar march",
        "kwiecien kwietnia kwi april apr",
        "maj maja may",
        "czerwiec czerwca cze june jun",
        "lipiec lipca lip july jul",
        "sierpien sierpnia sie august aug",
        "wrzesien wrzesnia wrz september sep sept",
        "pazdziernik pazdziernika paz october oct",
        "listopad listopada lis november nov",
        "grudzien grudnia gru december dec",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTH_NAMES[_name] = _month
_ROMAN: dict[str, int] = {
    r: i
    for i, r in enumerate(
        ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"), 1
    )
}


class CellError(ValueError):
    """A wrong cell; ``value`` is the part of it a message should quote."""

    def __init__(self, value: str) -> None:
        super().__init__(value)
        self.value = value


def fold(value: str) -> str:
    """Lowercase, strip diacritics (incl. ł) and collapse spaces, ``_`` and ``-`` to one space."""
    return _fold(str(value))


@functools.lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    # A file repeats the same partners, categories, yes/no cells and names on every row;
    # folding (NFKD per character) was a tenth of validating a large file.
    return re.sub(r"[\s_\-]+", " ", fold_text(text)).strip()


def unneutralise(value: str) -> str:
    """Undo export's neutralisation: drop one leading ``'`` before ``=+-@``, tab, CR, or
    before a month range / date-like text kept as text for Excel (``'4-10``)."""
    return value[1:] if _NEUTRALISED.match(value) or _KEPT_AS_TEXT.match(value) else value


def neutralise(value: str) -> str:
    """Prefix ``'`` to text a spreadsheet could run as a formula (OWASP CSV injection)."""
    stripped = value.lstrip("'")
    if stripped and stripped[0] in FORMULA_TRIGGERS:
        return "'" + value
    return value


def writable_text(value: str) -> str:
    """``value`` without the characters of :data:`FORBIDDEN_CHARS` (tab and newlines stay).

    Every exporter (CSV, XLSX, GeoJSON, GPX, PDF) passes text through this, so data stored
    before validation refused those characters still gives valid files.
    """
    return _CONTROL_CHARS.sub("", value) if _CONTROL_CHARS.search(value) else value


def parse_bool(value: object) -> bool | None:
    """tak/nie, yes/no, true/false, 1/0, x (= yes); empty → None; ``ValueError`` otherwise."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    key = fold(str(value))
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValueError(f"not a yes/no value: {value!r}")


_LIMITED = frozenset(
    {"czesciowo", "czesciowa", "ograniczona", "ograniczone", "limited", "partly", "partial",
     "partially", "частково"}
)  # fmt: skip


def parse_wheelchair(value: object) -> str:
    """Wheelchair access: tak/nie/częściowo, yes/no/limited, x (= yes); empty → "".

    Returns one of :data:`catalogue.taxonomy.WHEELCHAIR_LEVELS` or "" (not stated);
    ``ValueError`` otherwise.
    """
    if is_blank(value):
        return ""
    if isinstance(value, str) and fold(value) in _LIMITED:
        return "limited"
    return wheelchair_level(parse_bool(value))


def parse_months(value: object) -> list[int]:
    """Months 1–12 from ``5-9``, ``maj-wrzesień``, ``V-IX``, ``5,6,7``, ``11-2``, ``cały rok``.

    Empty → [] (not stated). A range whose end is before its start wraps over New Year.
    """
    if is_blank(value):
        return []
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value != int(value):
            raise ValueError(f"not a month: {value!r}")
        return [_month(str(int(value)))]
    if not isinstance(value, str):
        raise ValueError(f"not a month list: {value!r}")
    # fold_text, not fold(): the hyphen is the range mark here.
    text = fold_text(value.replace("–", "-").replace("—", "-").replace("_", " "))
    if text in _ALL_YEAR:
        return list(ALL_MONTHS)
    months: set[int] = set()
    for part in re.split(r"\s*[,;]\s*|\s+i\s+|\s+and\s+", text):
        if not part:
            continue
        bounds = re.split(r"\s*(?:-|\bdo\b|\bto\b)\s*", part.removeprefix("od ").strip())
        bounds = [b for b in bounds if b]
        if len(bounds) == 1:
            months.add(_month(bounds[0]))
        elif len(bounds) == 2:
            start, end = _month(bounds[0]), _month(bounds[1])
            span = (end - start) % 12
            months.update((start - 1 + k) % 12 + 1 for k in range(span + 1))
        else:
            raise ValueError(f"not a month range: {part!r}")
    return sorted(months)


def _month(token: str) -> int:
    token = token.strip().rstrip(".")
    if token.isdigit() and 1 <= int(token) <= 12:
        return int(token)
    if token in _ROMAN:
        return _ROMAN[token]
    if token in _MONTH_NAMES:
        return _MONTH_NAMES[token]
    raise ValueError(f"not a month: {token!r}")


def months_to_text(months: Iterable[int]) -> str:
    """Compact text for months: ``1-12``, ``5-9``, ``11-2`` (over New Year), ``5-7,9``."""
    wanted = sorted(set(months))
    if not wanted:
        return ""
    if len(wanted) == 12:
        return "1-12"
    present = set(wanted)
    # Start each run at a month whose predecessor (cyclically) is absent.
    starts = [m for m in wanted if (m - 2) % 12 + 1 not in present]
    runs = []
    for start in sorted(starts):
        end = start
        while end % 12 + 1 in present:
            end = end % 12 + 1
        runs.append(str(start) if start == end else f"{start}-{end}")
    return ",".join(runs)


def parse_date(value: object) -> date | None:
    """A date from ISO ``2027-08-15``, Polish ``15.08.2027``, Excel dates and serial numbers."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # Excel's serial day numbers (1900 date system), within a plausible range.
        if 20_000 <= value <= 80_000 and value == int(value):
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise ValueError(f"not a date: {value!r}")
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?", text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = re.fullmatch(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?:\s*r\.?)?", text)
        if not match:
            raise ValueError(f"not a date: {value!r}")
        day, month, year = (int(g) for g in match.groups())
    if not 1900 <= year <= 2200:
        raise ValueError(f"implausible year in {value!r}")
    return date(year, month, day)


def parse_tags(value: object) -> list[str]:
    """Tags split on ``;`` or ``,``, stripped, empty and repeated ones dropped."""
    if is_blank(value):
        return []
    tags: list[str] = []
    for part in re.split(r"[;,]", str(value)):
        tag = " ".join(part.split())
        if tag and tag.casefold() not in {t.casefold() for t in tags}:
            tags.append(tag)
    return tags


def parse_decimal(value: object) -> float:
    """A float from a number or text with a decimal point or comma (``49,7839``)."""
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().replace("\u2212", "-").replace(" ", "")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
            raise ValueError(f"not a number: {value!r}")
        number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"not a number: {value!r}")
    return number


def slugify(text: str, max_length: int = 56) -> str:
    """ASCII slug of ``text`` for ids: ``Zamek w Krasiczynie`` → ``zamek-w-krasiczynie``."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return slug[:max_length].rstrip("-") or "item"


def is_blank(value: object) -> bool:
    """None, NaN or whitespace-only text: an empty cell."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def cell_text(value: object) -> str:
    r"""A cell as text: numbers without a spurious ``.0``, dates in ISO, NFC, ``\n`` breaks."""
    if is_blank(value):
        return ""
    if isinstance(value, bool):
        text = "tak" if value else "nie"
    elif isinstance(value, float) and value == int(value):
        text = str(int(value))
    elif isinstance(value, datetime):
        text = value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        text = str(value)
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def normalise_space(text: str, multiline: bool = False) -> str:
    """One line with single spaces, or (``multiline``) lines without trailing blanks."""
    if multiline:
        # Keep paragraphs, drop trailing blanks that spreadsheets leave on lines.
        return "\n".join(line.rstrip() for line in text.strip().split("\n"))
    # Alt+Enter line breaks and tabs in a one-line field are layout, not content.
    return " ".join(text.split())


def text_value(value: object, multiline: bool = False) -> str:
    """A cell as stripped text (single-line unless ``multiline``)."""
    return normalise_space(cell_text(value), multiline)


def forbidden_chars_found(text: str) -> str:
    """The characters of :data:`FORBIDDEN_CHARS` in ``text`` as ``U+0007, U+202E``; "" if none."""
    found = sorted(set(_CONTROL_CHARS.findall(text)))
    return ", ".join(f"U+{ord(c):04X}" for c in found)
