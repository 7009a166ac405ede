"""Validation of untrusted product rows (partner spreadsheets, CSV, GeoJSON) into products.

:func:`validate_records` checks every row in one pass and reports every problem at once, with
the spreadsheet row number (header = row 1, first data row = 2) and the column as the user
wrote it, so a partner can fix a whole file in one go. Rows without errors become
:class:`~catalogue.model.Product` instances; a row with any error becomes ``None``.

Partner rule: the ``partner`` cell is matched to an existing partner by id or by name (case-
and diacritics-insensitive). An unknown name creates a new partner with a slug id made from
the name; its sector must be stated (in ``partner_sector``) in at least one of its rows, else
the rows are errors. We do not default the sector because the cluster reports its members by
sector, and a silently wrong sector would skew those figures while the fix is one cell. An
existing partner's sector is never changed by a product file (a differing one is a warning).

Other rules worth knowing: a row whose ``id`` is a catalogue product updates it (and is not
checked for duplicates); an empty ``id`` gets a slug of the name, made unique. The ``status``
column is checked but the importer, not the file, decides the status. The ``district``
column (written by export) is ignored: the district comes from the point.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

import pandas as pd

from catalogue.columns import COLUMN_REGISTRY, LINK_FIELDS
from catalogue.events import check_rrule, parse_time
from catalogue.identity import IDENTITY_NUMBERS, IdentityError
from catalogue.messages import format_location, format_message
from catalogue.model import ACCESS_FACTS, ALL_MONTHS, Partner, Product
from catalogue.opening_hours import OpeningHoursError, check_rule, open_months
from catalogue.taxonomy import (
    BADGES,
    CATEGORIES,
    LANGUAGES,
    LEGAL_FORMS,
    LICENCES,
    SECTOR_LABELS,
    Sector,
    Status,
    check_language,
    wheelchair_level,
)
from geodata import (
    EARTH_RADIUS_M,
    CoordinateError,
    Location,
    distance_m,
    district_name,
    district_of_gmina,
    find_gmina,
    fold_text,
    guess_gmina,
    locate,
    locate_many,
    nearest_district,
    parse_coordinates,
)

SEVERITIES: tuple[str, ...] = ("error", "warning")

MAX_LENGTHS: dict[str, int] = {
    c.name: c.max_length for c in COLUMN_REGISTRY if c.max_length is not None
}
DUPLICATE_DISTANCE_M = 200.0
DUPLICATE_NAME_RATIO = 0.85

# Canonical columns (English, as exported) with the Polish header shown to Polish users.
COLUMNS: dict[str, str] = {c.name: c.header_pl for c in COLUMN_REGISTRY}

# Further spellings people use; compared after _header_key() folding.
_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    c.name: c.aliases for c in COLUMN_REGISTRY if c.aliases
}

_TEXT_COLUMNS: tuple[str, ...] = tuple(
    c.name for c in COLUMN_REGISTRY if c.kind in ("text", "multiline")
)
_MULTILINE: frozenset[str] = frozenset(c.name for c in COLUMN_REGISTRY if c.kind == "multiline")
_BOOL_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMN_REGISTRY if c.kind == "yes_no")

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
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_EMAIL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[^\s@.]+(\.[^\s@.]+)*\.[^\W\d_]{2,}$")
_HOST_RE = re.compile(r"^[\w](?:[\w-]*[\w])?(?:\.[\w](?:[\w-]*[\w])?)*\.[^\W\d_]{2,}$")
_SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.-]*):(?!\d)", re.IGNORECASE)
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

# Languages an offering is available in: ISO 639-1 codes with names people write.
OFFER_LANGUAGES: dict[str, tuple[str, ...]] = {
    "pl": ("polski", "polish", "польська"),
    "en": ("angielski", "english", "англійська"),
    "uk": ("ukrainski", "ukrainian", "українська", "ua"),
    "de": ("niemiecki", "german", "deutsch", "німецька"),
    "fr": ("francuski", "french", "французька"),
    "es": ("hiszpanski", "spanish", "іспанська"),
    "it": ("wloski", "italian", "італійська"),
    "ru": ("rosyjski", "russian", "російська"),
    "cs": ("czeski", "czech"),
    "sk": ("slowacki", "slovak"),
    "hu": ("wegierski", "hungarian"),
    "lt": ("litewski", "lithuanian"),
    "he": ("hebrajski", "hebrew"),
}

_SECTOR_ALIASES: dict[str, tuple[str, ...]] = {
    "public": ("publiczny", "publiczna", "jst", "samorzad", "instytucja publiczna"),
    "business": ("firma", "przedsiebiorstwo", "przedsiebiorca", "company", "prywatny"),
    "ngo": ("organizacja", "stowarzyszenie", "fundacja", "non profit", "pozarzadowa"),
    "social_economy": (
        "pes",
        "podmiot ekonomii spolecznej",
        "spoldzielnia socjalna",
        "social enterprise",
    ),
}


# -- report -------------------------------------------------------------------------------


@dataclass
class ValidationIssue:
    """One problem in one cell (or column, or the whole file when ``row`` is None)."""

    row: int | None
    column: str
    code: str
    severity: str
    params: dict = field(default_factory=dict)
    row_kind: str = "row"

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}; expected one of {SEVERITIES}")

    def detail(self, lang: str = "pl") -> str:
        """What is wrong and how to fix it, without the location."""
        return format_message(self.code, lang, self.params)

    def location(self, lang: str = "pl") -> str:
        """``Wiersz 5, kolumna „kategoria”`` and the like."""
        return format_location(self.row, self.column, lang, self.row_kind)

    def message(self, lang: str = "pl") -> str:
        """The full line: location, then what is wrong and how to fix it."""
        return f"{self.location(lang)}: {self.detail(lang)}"


@dataclass
class ValidationReport:
    """Every issue found in a file, with the rows that passed.

    ``new_partners`` are the partners the file would create (see the module docstring).
    """

    issues: list[ValidationIssue] = field(default_factory=list)
    valid_rows: list[int] = field(default_factory=list)
    checked_rows: list[int] = field(default_factory=list)  # non-empty rows
    columns: dict[str, str] = field(default_factory=dict)  # canonical -> header as written
    new_partners: list[Partner] = field(default_factory=list)
    lang: str = "pl"
    row_kind: str = "row"

    @property
    def errors(self) -> list[ValidationIssue]:
        """Issues that stop a row (or the file) from being imported."""
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[ValidationIssue]:
        """Issues worth a look that do not stop the import."""
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings are fine)."""
        return not self.errors

    @property
    def error_rows(self) -> list[int]:
        """Row numbers with at least one error, ascending."""
        return sorted({i.row for i in self.errors if i.row is not None})

    def to_text(self, lang: str | None = None) -> str:
        """One line per issue, in ``lang`` (default: the language validation was run in)."""
        lang = check_language(lang or self.lang)
        return "\n".join(issue.message(lang) for issue in self.issues)


# -- small parsers, public so that forms can reuse them -------------------------------------


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


def normalise_phone(value: object) -> str:
    """Polish numbers as ``+48 XXX XXX XXX``, several joined by ``, ``; ``ValueError`` else.

    Accepts ``16 621 12 34``, ``(16) 6211234``, ``0048…``, ``+48…``, ``016…`` and 9 digits.
    """
    if is_blank(value):
        return ""
    if isinstance(value, float) and value == int(value):
        value = int(value)
    numbers = []
    for part in re.split(r"[;,/]", str(value)):
        part = part.strip()
        if not part:
            continue
        if re.search(r"[^\d\s()+.\-]", part):
            raise ValueError(f"not a phone number: {part!r}")
        digits = re.sub(r"\D", "", part)
        if part.startswith("+"):
            if not digits.startswith("48"):
                raise ValueError(f"not a Polish number: {part!r}")
            digits = digits[2:]
        elif digits.startswith("0048"):
            digits = digits[4:]
        elif len(digits) == 11 and digits.startswith("48"):
            digits = digits[2:]
        elif len(digits) == 10 and digits.startswith("0"):
            # Old trunk prefix (016 …) still printed on leaflets.
            digits = digits[1:]
        if len(digits) != 9 or digits[0] == "0":
            raise ValueError(f"not a Polish number: {part!r}")
        numbers.append(f"+48 {digits[:3]} {digits[3:6]} {digits[6:]}")
    if not numbers:
        raise ValueError(f"not a phone number: {value!r}")
    return ", ".join(numbers)


def normalise_url(value: str) -> tuple[str, bool]:
    """``(url, added_scheme)``; ``ValueError("javascript")`` or ``ValueError`` if not http(s).

    A bare ``www.x.pl`` or ``x.pl`` gets ``https://`` and ``added_scheme`` True.
    """
    text = value.strip()
    squeezed = re.sub(r"[\s\x00-\x1f]", "", text).lower()
    if squeezed.startswith("javascript:"):
        raise ValueError("javascript")
    added = False
    if not re.match(r"^https?://", text, re.IGNORECASE):
        if _SCHEME_RE.match(text) or text.startswith("//"):
            raise ValueError(f"not an http(s) address: {value!r}")
        text = "https://" + text
        added = True
    if re.search(r"\s", text):
        raise ValueError(f"spaces in address: {value!r}")
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        raise ValueError(f"not a web address: {value!r}") from None
    if not _HOST_RE.match(host):
        raise ValueError(f"not a web address: {value!r}")
    if "@" in parts.netloc:  # user:pass@host hides the real host behind a familiar name
        raise ValueError(f"user name or password in address: {value!r}")
    # Quotes, <, > and backticks are kept, percent-encoded, so the address stays displayable.
    return _quote_url(text), added


_URL_UNSAFE = frozenset("\"'<>`\\^{|}")


def _quote_url(url: str) -> str:
    return "".join(f"%{ord(c):02X}" if c in _URL_UNSAFE else c for c in url)


def display_url(url: object) -> str | None:
    """``url`` fit to be a link target, or None: absolute http(s), no user name or password,
    the host in ASCII (IDN as punycode, so a homograph shows what it is), quotes and angle
    brackets percent-encoded, no whitespace or control characters."""
    if not isinstance(url, str) or not url.strip():
        return None
    url = url.strip()
    if any(c.isspace() or not c.isprintable() for c in url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname or ""
    if parts.scheme.lower() not in ("http", "https") or not host or "@" in parts.netloc:
        return None
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    netloc = ascii_host if port is None else f"{ascii_host}:{port}"
    rest = _quote_url(url[url.index(parts.netloc) + len(parts.netloc) :])
    return f"{parts.scheme.lower()}://{netloc}{rest}"


def url_host(url: object) -> str | None:
    """The real host of :func:`display_url` (punycode for IDN), e.g. ``www.krasiczyn.pl``."""
    target = display_url(url)
    return urlsplit(target).hostname if target else None


def check_email(value: str) -> str:
    """The address stripped of ``mailto:``; ``ValueError`` if it is not one valid address."""
    text = value.strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    if not _EMAIL_RE.match(text) or ".." in text or text.split("@")[0].endswith("."):
        raise ValueError(f"not an e-mail address: {value!r}")
    return text


def normalise_email(value: object) -> str:
    """One e-mail address as the import stores it ("" for a blank cell): at most
    ``MAX_LENGTHS["email"]`` characters, checked by :func:`check_email`; ``ValueError`` else.

    The rule of the ``email`` column, shared by partner files and the forms.
    """
    text = _text_value(value)
    if not text:
        return ""
    if len(text) > MAX_LENGTHS["email"]:
        raise ValueError(f"e-mail address too long: {len(text)} characters")
    return check_email(text)


def parse_languages(value: object) -> list[str]:
    """ISO 639-1 codes from ``pl;en``, ``pl, en`` or ``polski, angielski`` (order kept)."""
    if is_blank(value):
        return []
    codes: list[str] = []
    for part in re.split(r"[;,/]|\s+i\s+|\s+and\s+", str(value)):
        key = fold(part).removeprefix("jezyk ").strip()
        if not key:
            continue
        code = _LANGUAGE_KEYS.get(key)
        if code is None:
            raise ValueError(part.strip())
        if code not in codes:
            codes.append(code)
    return codes


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


def parse_sector(value: object) -> str:
    """A :class:`Sector` value from a slug or a label in any language (or a common synonym)."""
    key = fold(str(value))
    code = _SECTOR_KEYS.get(key)
    if code is None:
        raise ValueError(f"unknown sector {value!r}")
    return code


def parse_legal_form(value: object) -> str:
    """A slug of :data:`~catalogue.taxonomy.LEGAL_FORMS` from a slug, a label in any language
    or a common spelling (``KGW``, ``spółka z o.o.``); ``ValueError`` otherwise."""
    key = fold(str(value))
    code = _legal_form_keys().get(key)
    if code is None:
        raise ValueError(f"unknown legal form {value!r}")
    return code


@functools.cache
def _legal_form_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for form in LEGAL_FORMS:
        names = (form.slug, form.label_pl, form.label_en, form.label_uk, *form.aliases)
        for name in names:
            keys[fold(name)] = form.slug
            # "koło gospodyń wiejskich (KGW)" is also found as "KGW" and without the bracket.
            for part in re.split(r"\s*[()]\s*", name):
                if part.strip():
                    keys.setdefault(fold(part), form.slug)
    return keys


@functools.cache
def _badge_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for badge in BADGES:
        for name in (badge.slug, badge.label_pl, badge.label_en, badge.label_uk):
            keys[fold(name)] = badge.slug
    return keys


def _allowed_badges() -> dict[str, str]:
    return {lang: ", ".join(f"{b.slug} ({b.label(lang)})" for b in BADGES) for lang in LANGUAGES}


@functools.cache
def _licence_keys() -> dict[str, str]:
    """Folded spellings of each licence (key, short name, labels) → its key."""
    keys: dict[str, str] = {}
    for lic in LICENCES:
        for spelling in (lic.slug, lic.short, *(lic.label(lang) for lang in LANGUAGES)):
            if spelling:
                keys[fold(spelling)] = lic.slug
                keys[fold(spelling.replace("-", " "))] = lic.slug
    return keys


def _allowed_licences() -> dict[str, str]:
    return {lang: ", ".join(lic.short or lic.label(lang) for lic in LICENCES) for lang in LANGUAGES}


def _allowed_legal_forms() -> dict[str, str]:
    return {lang: ", ".join(f.label(lang) for f in LEGAL_FORMS) for lang in LANGUAGES}


def parse_category(value: object) -> str:
    """A category slug from a slug or label (pl/en/uk), case- and diacritics-insensitive."""
    code = _CATEGORY_KEYS.get(fold(str(value)))
    if code is None:
        raise ValueError(f"unknown category {value!r}")
    return code


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


def similar_names(a: str, b: str) -> bool:
    """Folded names equal, one containing the other, or a difflib ratio ≥ 0.85."""
    fa, fb = fold(a), fold(b)
    if not fa or not fb:
        return False
    if fa == fb:
        return True
    if min(len(fa), len(fb)) >= 4 and (fa in fb or fb in fa):
        return True
    matcher = difflib.SequenceMatcher(None, fa, fb)
    # The quick ratios are upper bounds of ratio(): most pairs are rejected without it.
    return (
        matcher.real_quick_ratio() >= DUPLICATE_NAME_RATIO
        and matcher.quick_ratio() >= DUPLICATE_NAME_RATIO
        and matcher.ratio() >= DUPLICATE_NAME_RATIO
    )


def is_blank(value: object) -> bool:
    """None, NaN or whitespace-only text: an empty cell."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _header_key(header: object) -> str:
    return fold(str(header)) if header is not None else ""


def _build_keys() -> None:
    global _HEADER_KEYS, _LANGUAGE_KEYS, _SECTOR_KEYS, _CATEGORY_KEYS
    _HEADER_KEYS = {}
    for canonical, polish in COLUMNS.items():
        for name in (canonical, polish, *_HEADER_ALIASES.get(canonical, ())):
            _HEADER_KEYS[_header_key(name)] = canonical
    _LANGUAGE_KEYS = {}
    for code, names in OFFER_LANGUAGES.items():
        for name in (code, *names):
            _LANGUAGE_KEYS[fold(name)] = code
    _SECTOR_KEYS = {}
    for sector in Sector:
        for name in (sector.value, *SECTOR_LABELS[sector.value].values()):
            _SECTOR_KEYS[fold(name)] = sector.value
        for name in _SECTOR_ALIASES.get(sector.value, ()):
            _SECTOR_KEYS[fold(name)] = sector.value
    _CATEGORY_KEYS = {}
    for cat in CATEGORIES:
        for name in (cat.slug, cat.label_pl, cat.label_en, cat.label_uk):
            _CATEGORY_KEYS[fold(name)] = cat.slug


_HEADER_KEYS: dict[str, str] = {}
_LANGUAGE_KEYS: dict[str, str] = {}
_SECTOR_KEYS: dict[str, str] = {}
_CATEGORY_KEYS: dict[str, str] = {}
_build_keys()


def canonical_column(header: object) -> str | None:
    """The canonical column a header means (``Szerokość`` → ``lat``), or None if unknown."""
    return _HEADER_KEYS.get(_header_key(header))


def _allowed_categories() -> dict[str, str]:
    return {
        lang: ", ".join(f"{c.slug} ({c.label(lang)})" for c in CATEGORIES) for lang in LANGUAGES
    }


def _allowed_sectors() -> dict[str, str]:
    return {
        lang: ", ".join(f"{s.value} ({SECTOR_LABELS[s.value][lang]})" for s in Sector)
        for lang in LANGUAGES
    }


def _allowed_columns() -> dict[str, str]:
    return {
        "pl": ", ".join(COLUMNS.values()),
        "en": ", ".join(COLUMNS),
        "uk": ", ".join(COLUMNS),
    }


def _sector_name(sector: str) -> dict[str, str]:
    return {lang: f"{sector} ({SECTOR_LABELS[sector][lang]})" for lang in LANGUAGES}


def _district_names(teryt: str) -> dict[str, str]:
    return {lang: district_name(teryt, lang) for lang in LANGUAGES}


def _coord(value: float) -> str:
    # Coordinates keep the decimal point in every language: it is how map sites show them,
    # and a decimal comma would be confused with the comma between latitude and longitude.
    return f"{value:.5f}"


def _num(value: float, digits: int) -> dict[str, str]:
    # Polish and Ukrainian write a decimal comma.
    text = f"{value:.{digits}f}"
    return {"pl": text.replace(".", ","), "en": text, "uk": text.replace(".", ",")}


_FIELD_NAMES: dict[str, dict[str, str]] = {
    "name": {"pl": "nazwę oferty", "en": "the offering's name", "uk": "назву пропозиції"},
    "category": {
        "pl": "kategorię (np. Zabytki i atrakcje albo heritage)",
        "en": "the category (e.g. heritage)",
        "uk": "категорію (напр. heritage)",
    },
    "coordinates": {
        "pl": "współrzędne punktu, np. 49.7839, 22.7766",
        "en": "the point's coordinates, e.g. 49.7839, 22.7766",
        "uk": "координати точки, напр. 49.7839, 22.7766",
    },
}


# -- validation ---------------------------------------------------------------------------


# Any one of these makes an offering reachable (``require_reachable``).
CONTACT_COLUMNS = ("phone", "email", "website")


def validate_records(
    records: list[Mapping],
    existing: pd.DataFrame | None = None,
    lang: str = "pl",
    *,
    header: list[str] | None = None,
    partners: pd.DataFrame | None = None,
    first_row: int = 2,
    row_kind: str = "row",
    source: str = "import",
    unquote: bool = True,
    require_reachable: bool = False,
) -> tuple[list[Product | None], ValidationReport]:
    """Check rows from a partner file and build products, reporting every problem at once.

    ``records`` map headers as the user wrote them to cell values (text, numbers, dates or
    booleans as read from CSV/XLSX/GeoJSON); ``header`` is their column order (default: the
    keys in order of first appearance). ``existing`` has the catalogue's products (``id``,
    ``name_pl``, ``lat``, ``lon`` in degrees) for update-by-id and duplicate checks;
    ``partners`` the known partners (``id``, ``name``, ``sector``). Row ``i`` of ``records``
    is reported as row ``first_row + i`` (spreadsheet: header = 1, data from 2; GeoJSON
    features from 1 with ``row_kind="feature"``). ``lang`` ("pl"/"en"/"uk") is the default
    language of :meth:`ValidationReport.to_text`. Returns one entry per record: a
    :class:`Product` with status ``draft`` and ``source``, or ``None`` if the row has an
    error or is empty. New partners are in ``report.new_partners``.

    ``unquote`` undoes export's formula neutralisation (one ``'`` before ``=+-@``, tab, CR);
    it is for spreadsheet formats, so GeoJSON, exported without it, passes False.

    ``require_reachable`` applies the rule for what partners submit (the form and the bulk
    upload): every row names who runs it (``partner``) and at least one way to reach them
    (``phone``, ``email`` or ``website``); see :data:`CONTACT_COLUMNS`.
    """
    check_language(lang)
    if row_kind not in ("row", "feature"):
        raise ValueError(f"unknown row kind {row_kind!r}; expected 'row' or 'feature'")
    validator = _Validator(
        records, existing, partners, lang, header, first_row, row_kind, source, unquote
    )
    validator.require_reachable = require_reachable
    return validator.run()


@dataclass
class _Row:
    number: int
    cells: dict[str, object]  # canonical column -> raw value
    issues: list[ValidationIssue] = field(default_factory=list)

    @property
    def has_error(self) -> bool:
        return any(i.severity == "error" for i in self.issues)


class _Validator:
    def __init__(
        self,
        records: list[Mapping],
        existing: pd.DataFrame | None,
        partners: pd.DataFrame | None,
        lang: str,
        header: list[str] | None,
        first_row: int,
        row_kind: str,
        source: str,
        unquote: bool,
    ) -> None:
        self.records = records
        self.lang = lang
        self.first_row = first_row
        self.row_kind = row_kind
        self.source = source
        self.unquote = unquote
        self.require_reachable = False
        if header is None:
            header = []
            for record in records:
                header.extend(k for k in record if k not in header)
        self.header = [str(h) for h in header if h is not None and str(h).strip()]
        self.report = ValidationReport(lang=lang, row_kind=row_kind)
        self.columns: dict[str, str] = {}  # canonical -> header as written
        self.existing = _frame(existing, ("id", "name_pl", "lat", "lon"))
        self.existing_ids = set(self.existing["id"].astype(str))
        self.partner_frame = _frame(partners, ("id", "name", "sector"))
        self.partners_by_id = {
            str(r.id): (str(r.id), str(r.name), str(r.sector))
            for r in self.partner_frame.itertuples()
        }
        self.partners_by_name = {
            fold(r.name): (str(r.id), str(r.name), str(r.sector))
            for r in self.partner_frame.itertuples()
        }
        self.new_partners: dict[str, Partner] = {}  # folded name -> partner
        self.similar_cache: dict[str, tuple[str, str] | None] = {}
        self.used_ids: set[str] = set(self.existing_ids)
        # (row, id, name, lat, lon) of earlier rows, for duplicate checks
        self.earlier: list[tuple[int, str, str, float, float]] = []
        # Duplicate checks look only at points in neighbouring grid cells: comparing every
        # row with every earlier row and the whole catalogue made a 10,000-row file take
        # minutes.
        placed = self.existing.dropna(subset=["lat", "lon"])
        self.existing_lat = placed["lat"].astype(float).to_numpy()
        self.existing_lon = placed["lon"].astype(float).to_numpy()
        self.existing_names = [str(v) for v in placed["name_pl"]]
        self.existing_id_list = [str(v) for v in placed["id"]]
        self.existing_near = _NearIndex(self.existing_lat, self.existing_lon)
        self.earlier_near = _NearIndex()
        self.locations: dict[tuple[float, float], Location | None] = {}
        self.gmina_lookups: dict[tuple, object] = {}

    # -- helpers --

    def col(self, canonical: str) -> str:
        """The column as the user wrote it, or its name in the report's language."""
        if canonical in self.columns:
            return self.columns[canonical]
        return COLUMNS[canonical] if self.lang == "pl" else canonical

    def issue(
        self, row: _Row | None, canonical: str, code: str, severity: str = "error", **params
    ) -> None:
        issue = ValidationIssue(
            row=row.number if row else None,
            column=self.col(canonical) if canonical else "",
            code=code,
            severity=severity,
            params=params,
            row_kind=self.row_kind,
        )
        (row.issues if row else self.report.issues).append(issue)

    def header_issue(self, where: str, code: str, severity: str = "error", **params) -> None:
        # Header problems sit on the header row of a spreadsheet; GeoJSON has none.
        row = 1 if self.row_kind == "row" else None
        self.report.issues.append(
            ValidationIssue(row, where, code, severity, params, self.row_kind)
        )

    # -- header --

    def map_header(self) -> bool:
        fatal = False
        for name in self.header:
            canonical = canonical_column(name)
            if canonical is None:
                self.header_issue(name, "unknown_column", "warning", allowed=_allowed_columns())
            elif canonical in self.columns:
                self.header_issue(name, "duplicate_column", other=self.columns[canonical])
                fatal = True
            else:
                self.columns[canonical] = name
        for required in ("name", "category"):
            if required not in self.columns:
                column = self.col(required)
                self.header_issue(column, "missing_column", column=column)
                fatal = True
        if "coordinates" not in self.columns and not (
            "lat" in self.columns or "lon" in self.columns
        ):
            self.header_issue("", "missing_coordinate_columns")
            fatal = True
        elif "coordinates" not in self.columns and ("lat" in self.columns) != (
            "lon" in self.columns
        ):
            missing = "lon" if "lat" in self.columns else "lat"
            column = self.col(missing)
            self.header_issue(column, "missing_column", column=column)
            fatal = True
        return fatal

    # -- run --

    def run(self) -> tuple[list[Product | None], ValidationReport]:
        products: list[Product | None] = [None] * len(self.records)
        if not self.header and not self.records:
            self.issue(None, "", "empty_file")
            return products, self.report
        fatal = self.map_header()
        rows = []
        canonical_of: dict[object, str | None] = {}  # folding each header once, not per cell
        for index, record in enumerate(self.records):
            cells = {}
            for header_name, value in record.items():
                if header_name not in canonical_of:
                    canonical_of[header_name] = canonical_column(header_name)
                canonical = canonical_of[header_name]
                if canonical is not None and self.columns.get(canonical) == str(header_name):
                    cells[canonical] = _clean_raw(value) if self.unquote else value
            if all(is_blank(v) for v in cells.values()) and all(
                is_blank(v) for v in record.values()
            ):
                continue  # an empty spreadsheet line is not an offering
            rows.append((index, _Row(self.first_row + index, cells)))
        self.report.checked_rows = [row.number for _, row in rows]
        self.report.columns = dict(self.columns)
        if not rows:
            self.issue(None, "", "empty_file")
            self.report.issues.sort(key=_issue_order)
            return products, self.report
        self.collect_ids(rows)
        self.sectors = self.collect_sectors(rows)
        self.prelocate(rows)
        for index, row in rows:
            product = self.validate_row(row)
            if not row.has_error and not fatal and product is not None:
                products[index] = product
                self.report.valid_rows.append(row.number)
            self.report.issues.extend(row.issues)
        self.report.new_partners = [
            p
            for p in self.new_partners.values()
            if any(prod is not None and prod.partner_id == p.id for prod in products)
        ]
        self.report.issues.sort(key=_issue_order)
        return products, self.report

    def collect_ids(self, rows: list[tuple[int, _Row]]) -> None:
        """Check explicit ids first, so generated ones never take an id a later row uses."""
        seen: dict[str, int] = {}
        for _, row in rows:
            value = _text_value(row.cells.get("id"))
            if not value:
                continue
            if not _ID_RE.match(value):
                self.issue(row, "id", "bad_id", value=value)
            elif value in seen:
                self.issue(row, "id", "duplicate_id", value=value, other_row=seen[value])
            else:
                seen[value] = row.number
        self.used_ids |= set(seen)

    def collect_sectors(self, rows: list[tuple[int, _Row]]) -> dict[str, tuple[str, int]]:
        """Sector per new partner (folded name), from the first row that states one."""
        sectors: dict[str, tuple[str, int]] = {}
        for _, row in rows:
            partner = _text_value(row.cells.get("partner"))
            sector_raw = row.cells.get("partner_sector")
            if not partner or is_blank(sector_raw):
                continue
            try:
                sector = parse_sector(sector_raw)
            except ValueError:
                continue  # reported when the row itself is validated
            sectors.setdefault(fold(partner), (sector, row.number))
        return sectors

    def prelocate(self, rows: list[tuple[int, _Row]]) -> None:
        """Locate the rows' points in one vectorised call; ``locate`` costs ~1 ms a point.

        Only a cache: a point parsed differently later is located on its own.
        """
        lats, lons = [], []
        for _, row in rows:
            try:
                text = _text_value(row.cells.get("coordinates"))
                if text:
                    parsed = parse_coordinates(text)
                    lat, lon = float(parsed.lat), float(parsed.lon)
                else:
                    lat = parse_decimal(row.cells.get("lat"))
                    lon = parse_decimal(row.cells.get("lon"))
            except ValueError:
                continue
            if -90 <= lat <= 90 and -180 <= lon <= 180:
                lats.append(lat)
                lons.append(lon)
        if not lats:
            return
        found = locate_many(lats, lons)
        teryt = found["teryt"].astype(object).to_numpy()
        names = found["name"].astype(object).to_numpy()
        alternative = found["alternative_teryt"].astype(object).to_numpy()
        near = found["near_boundary"].to_numpy()
        uncertain = found["uncertain"].to_numpy()
        distance = found["distance_km"].to_numpy()
        for i, key in enumerate(zip(lats, lons, strict=True)):
            # The same Location geodata.locate builds from its one-row locate_many.
            self.locations[key] = (
                None
                if pd.isna(teryt[i])
                else Location(
                    teryt=str(teryt[i]),
                    name=str(names[i]),
                    near_boundary=bool(near[i]),
                    uncertain=bool(uncertain[i]),
                    distance_km=float(distance[i]),
                    alternative_teryt=None if pd.isna(alternative[i]) else str(alternative[i]),
                )
            )

    def locate(self, lat: float, lon: float) -> Location | None:
        key = (lat, lon)
        if key not in self.locations:
            self.locations[key] = locate(lat, lon)
        return self.locations[key]

    def find_gmina(self, *args, **kwargs):
        # find_gmina folds all 39 names on every call; a file names the same few gminy.
        key = (args, tuple(sorted(kwargs.items())))
        if key not in self.gmina_lookups:
            self.gmina_lookups[key] = find_gmina(*args, **kwargs)
        return self.gmina_lookups[key]

    def validate_row(self, row: _Row) -> Product | None:
        texts = {name: self.text(row, name) for name in _TEXT_COLUMNS}
        for required in ("name", "category"):
            if required not in self.columns:
                continue  # reported once for the header
            raw = row.cells.get(required)
            if is_blank(raw):
                self.issue(row, required, "required", field=_FIELD_NAMES[required])
        category = self.category(row)
        point = self.coordinates(row)
        district = gmina = ""
        if point is not None:
            # Point problems are reported on the column the point was read from.
            used = "coordinates" if _text_value(row.cells.get("coordinates")) else "lat"
            district, gmina = self.place(row, *point, used)
        product_id = self.product_id(row, texts.get("name") or "")
        identity = self.identity(row)
        partner_id = self.partner(row)
        if identity and partner_id:
            self.attach_identity(row, partner_id, identity)
        opening_hours = self.opening_hours(row)
        website = self.website(row)
        links = {name: self.website(row, name) for name in LINK_FIELDS}
        email = self.email(row)
        phone = self.phone(row)
        if self.require_reachable:
            self.reachable(row)
        flags = {name: self.boolean(row, name) for name in _BOOL_COLUMNS}
        months = self.months(row)
        if opening_hours:
            # The rule is the more precise statement: the months facet follows it.
            months = list(open_months(opening_hours))
        start, end = self.event_dates(row)
        languages = self.languages(row)
        tags = self.tags(row)
        badges = self.badges(row)
        recurrence = self.recurrence(row, start)
        event_time = self.event_time(row)
        self.status(row)
        name = texts.get("name") or ""
        if point is not None and name:
            # Checked even for rows with errors: the partner should hear about both.
            self.duplicates(row, product_id, name, *point)
            self.earlier.append((row.number, product_id, name, *point))
            self.earlier_near.add(*point)
        if row.has_error or point is None or category is None or not name:
            return None
        product = Product(
            id=product_id,
            name_pl=texts["name"],
            category=category,
            lat=point[0],
            lon=point[1],
            description_pl=texts["description"],
            name_en=texts["name_en"],
            description_en=texts["description_en"],
            name_uk=texts["name_uk"],
            description_uk=texts["description_uk"],
            tags=tags,
            district_teryt=district,
            gmina_teryt=gmina,
            address=texts["address"],
            partner_id=partner_id,
            website=website,
            email=email,
            phone=phone,
            price=texts["price"],
            free=flags["free"],
            months=months,
            event_start=start,
            event_end=end,
            wheelchair=self.wheelchair(row),
            family=flags["family"],
            pets=flags["pets"],
            languages=languages,
            status=Status.DRAFT.value,
            source=self.source,
            source_note=texts["source"],
            opening_hours=opening_hours,
            **{name: flags[name] for name in ACCESS_FACTS},
            badges=badges,
            event_rrule=recurrence,
            event_time=event_time,
            text_author=texts["text_author"],
            text_licence=self.licence(row),
            **links,
        )
        return product

    # -- cells --

    def text(self, row: _Row, name: str) -> str:
        raw = cell_text(row.cells.get(name))
        # Checked before whitespace is normalised: str.split() would eat some controls.
        bad = sorted(set(_CONTROL_CHARS.findall(raw)))
        if bad:
            chars = ", ".join(f"U+{ord(c):04X}" for c in bad)
            self.issue(row, name, "control_chars", chars=chars)
        value = _normalise_space(raw, multiline=name in _MULTILINE)
        limit = MAX_LENGTHS.get(name)
        if limit and len(value) > limit:
            self.issue(row, name, "too_long", length=len(value), max=limit)
        return value

    def category(self, row: _Row) -> str | None:
        raw = row.cells.get("category")
        if is_blank(raw):
            return None
        try:
            return parse_category(raw)
        except ValueError:
            self.issue(
                row,
                "category",
                "unknown_category",
                value=_text_value(raw),
                allowed=_allowed_categories(),
            )
            return None

    def coordinates(self, row: _Row) -> tuple[float, float] | None:
        """(lat, lon) in degrees from ``coordinates`` or ``lat``/``lon``, swapped if needed."""
        text = _text_value(row.cells.get("coordinates"))
        raw_lat, raw_lon = row.cells.get("lat"), row.cells.get("lon")
        if text:
            try:
                parsed = parse_coordinates(text)
            except CoordinateError as exc:
                detail = {lang: exc.message(lang) for lang in LANGUAGES}
                self.issue(row, "coordinates", "bad_coordinates", value=text, detail=detail)
                return None
            lat, lon = float(parsed.lat), float(parsed.lon)
            if parsed.swapped:
                self.issue(
                    row,
                    "coordinates",
                    "coordinates_swapped",
                    "warning",
                    lat=_coord(lat),
                    lon=_coord(lon),
                )
            return lat, lon
        if is_blank(raw_lat) and is_blank(raw_lon):
            column = "coordinates" if "coordinates" in self.columns else "lat"
            self.issue(row, column, "required", field=_FIELD_NAMES["coordinates"])
            return None
        values = []
        for name, raw, example in (("lat", raw_lat, "49.7839"), ("lon", raw_lon, "22.7766")):
            if is_blank(raw):
                self.issue(row, name, "coordinate_incomplete")
                continue
            try:
                values.append(parse_decimal(raw))
            except ValueError:
                self.issue(row, name, "bad_number", value=_text_value(raw), example=example)
        if len(values) != 2:
            return None
        lat, lon = values
        # Let geodata's parser judge ranges and the lat/lon order, like for one-cell input.
        try:
            parsed = parse_coordinates(f"{lat!r}, {lon!r}")
        except CoordinateError as exc:
            detail = {lang: exc.message(lang) for lang in LANGUAGES}
            self.issue(row, "lat", "bad_coordinates", value=f"{lat!r}, {lon!r}", detail=detail)
            return None
        lat, lon = float(parsed.lat), float(parsed.lon)
        swapped = bool(parsed.swapped)
        if (
            not swapped
            and abs(lon) <= 90
            and self.locate(lat, lon) is None
            and self.locate(lon, lat) is not None
        ):
            lat, lon, swapped = lon, lat, True
        if swapped:
            self.issue(
                row, "lat", "coordinates_swapped", "warning", lat=_coord(lat), lon=_coord(lon)
            )
        return lat, lon

    def place(self, row: _Row, lat: float, lon: float, coord_column: str) -> tuple[str, str]:
        """(district TERYT, gmina TERYT) for a point and the declared gmina, if any."""
        location = self.locate(lat, lon)
        if location is None:
            teryt, distance = nearest_district(lat, lon)
            self.issue(
                row,
                coord_column,
                "outside_area",
                lat=_coord(lat),
                lon=_coord(lon),
                district=_district_names(teryt),
                distance_km=_num(distance, 1),
            )
            return "", ""
        district = location.teryt
        if location.near_boundary:
            self.issue(
                row,
                coord_column,
                "near_boundary",
                "warning",
                lat=_coord(lat),
                lon=_coord(lon),
                district=_district_names(district),
            )
        declared = _text_value(row.cells.get("gmina"))
        if not declared:
            return district, guess_gmina(lat, lon, district) or ""
        gmina = self.resolve_gmina(declared, lat, lon, district)
        if gmina is None:
            self.issue(row, "gmina", "unknown_gmina", value=declared)
            return district, ""
        gmina_teryt = _gmina_teryt(gmina)
        gmina_district = district_of_gmina(gmina_teryt)
        if gmina_district == district:
            return district, gmina_teryt
        if location.uncertain and gmina_district == location.alternative_teryt:
            # The district layer is simplified near internal boundaries; the partner knows
            # which gmina the place belongs to.
            self.issue(
                row,
                "gmina",
                "gmina_decides_district",
                "warning",
                gmina=declared,
                district=_district_names(gmina_district),
                point_district=_district_names(district),
            )
            return gmina_district, gmina_teryt
        self.issue(
            row,
            "gmina",
            "gmina_mismatch",
            gmina=declared,
            gmina_district=_district_names(gmina_district),
            point_district=_district_names(district),
            lat=_coord(lat),
            lon=_coord(lon),
        )
        return district, gmina_teryt

    def resolve_gmina(self, declared: str, lat: float, lon: float, district: str):
        """The declared gmina's record, preferring the point's district.

        A bare name shared by a town and its rural gmina (Jarosław, Przeworsk…) in the same
        district goes to the one whose area the point most likely lies in.
        """

        urban = self.find_gmina(declared, district, prefer="urban")
        if urban is None:
            return self.find_gmina(declared)
        rural = self.find_gmina(declared, district, prefer="rural")
        if rural is not None and _gmina_teryt(rural) != _gmina_teryt(urban):
            if guess_gmina(lat, lon, district) == _gmina_teryt(rural):
                return rural
        return urban

    def product_id(self, row: _Row, name: str) -> str:
        value = _text_value(row.cells.get("id"))
        if value:
            return value
        base = slugify(name)
        candidate, n = base, 2
        while candidate in self.used_ids:
            candidate, n = f"{base}-{n}", n + 1
        self.used_ids.add(candidate)
        return candidate

    def reachable(self, row: _Row) -> None:
        """Who runs the offering and how to reach them: the rule for partners' submissions."""
        if is_blank(row.cells.get("partner")):
            self.issue(row, "partner", "partner_required")
        if all(is_blank(row.cells.get(name)) for name in CONTACT_COLUMNS):
            self.issue(row, "", "contact_required")

    def partner(self, row: _Row) -> str:
        name = _text_value(row.cells.get("partner"))
        sector_raw = row.cells.get("partner_sector")
        sector = None
        if not is_blank(sector_raw):
            try:
                sector = parse_sector(sector_raw)
            except ValueError:
                self.issue(
                    row,
                    "partner_sector",
                    "bad_sector",
                    value=_text_value(sector_raw),
                    allowed=_allowed_sectors(),
                )
                return ""
        if not name:
            return ""
        if len(name) > MAX_LENGTHS["partner"]:
            self.issue(row, "partner", "too_long", length=len(name), max=MAX_LENGTHS["partner"])
            return ""
        raw_name = cell_text(row.cells.get("partner"))
        if _CONTROL_CHARS.search(raw_name):
            found = sorted(set(_CONTROL_CHARS.findall(raw_name)))
            chars = ", ".join(f"U+{ord(c):04X}" for c in found)
            self.issue(row, "partner", "control_chars", chars=chars)
            return ""
        known = self.partners_by_id.get(name) or self.partners_by_name.get(fold(name))
        if known is not None:
            partner_id, partner_name, existing_sector = known
            if sector is not None and sector != existing_sector:
                self.issue(
                    row,
                    "partner_sector",
                    "partner_sector_ignored",
                    "warning",
                    partner=partner_name,
                    existing=_sector_name(existing_sector),
                    value=_sector_name(sector),
                )
            return partner_id
        key = fold(name)
        similar = self.similar_partner(name)
        if similar is not None:
            # The same rule as for products: folded names alike. The uploader decides.
            self.issue(
                row,
                "partner",
                "partner_similar",
                "warning",
                partner=name,
                existing=similar[1],
                existing_id=similar[0],
            )
        stated = self.sectors.get(key)
        if stated is None:
            self.issue(
                row,
                "partner_sector" if "partner_sector" in self.columns else "partner",
                "partner_sector_missing",
                partner=name,
                allowed=_allowed_sectors(),
            )
            return ""
        if sector is not None and sector != stated[0]:
            self.issue(
                row,
                "partner_sector",
                "partner_sector_conflict",
                partner=name,
                other=_sector_name(stated[0]),
                other_row=stated[1],
                value=_sector_name(sector),
            )
            return ""
        if key not in self.new_partners:
            self.new_partners[key] = Partner(
                id=self.partner_slug(name), name=name, sector=stated[0], source=self.source
            )
        return self.new_partners[key].id

    def similar_partner(self, name: str) -> tuple[str, str] | None:
        """(id, name) of a known partner whose name is like ``name`` (:func:`similar_names`)."""
        if name in self.similar_cache:
            return self.similar_cache[name]
        found = None
        for partner_id, partner_name, _sector in self.partners_by_id.values():
            if similar_names(name, str(partner_name)):
                found = (str(partner_id), str(partner_name))
                break
        self.similar_cache[name] = found
        return found

    def identity(self, row: _Row) -> dict[str, str]:
        """NIP, REGON, KRS and legal form of the row's partner, checked; {} if none given."""
        found: dict[str, str] = {}
        for field_name, check, digits in IDENTITY_NUMBERS:
            column = f"partner_{field_name}"
            value = _text_value(row.cells.get(column))
            if not value:
                continue
            try:
                found[field_name] = check(value)
            except IdentityError as exc:
                self.issue(
                    row,
                    column,
                    f"bad_identity_{exc.reason}",
                    value=value,
                    kind=field_name.upper(),
                    digits=digits,
                )
        raw = row.cells.get("partner_legal_form")
        if not is_blank(raw):
            try:
                found["legal_form_code"] = parse_legal_form(raw)
            except ValueError:
                self.issue(
                    row,
                    "partner_legal_form",
                    "bad_legal_form",
                    value=_text_value(raw),
                    allowed=_allowed_legal_forms(),
                )
        return found

    def attach_identity(self, row: _Row, partner_id: str, identity: dict[str, str]) -> None:
        """Give a new partner the numbers its first rows state; existing ones keep theirs."""
        for partner in self.new_partners.values():
            if partner.id == partner_id:
                for name, value in identity.items():
                    if not getattr(partner, name):
                        setattr(partner, name, value)
                return
        self.issue(
            row,
            "partner",
            "partner_identity_ignored",
            "warning",
            partner=self.partners_by_id[partner_id][1],
        )

    def opening_hours(self, row: _Row) -> str:
        raw = cell_text(row.cells.get("opening_hours"))
        if not raw.strip():
            return ""
        try:
            return check_rule(raw)
        except OpeningHoursError as exc:
            self.issue(
                row,
                "opening_hours",
                "bad_opening_hours",
                value=exc.rule,
                position=exc.position or "?",
                fragment=exc.fragment,
            )
            return ""

    def partner_slug(self, name: str) -> str:
        taken = set(self.partners_by_id) | {p.id for p in self.new_partners.values()}
        base = slugify(name, 60)
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    def website(self, row: _Row, column: str = "website") -> str:
        """The web address in ``column`` (the website or a link column), normalised."""
        value = _text_value(row.cells.get(column))
        if not value:
            return ""
        if len(value) > MAX_LENGTHS[column]:
            self.issue(row, column, "too_long", length=len(value), max=MAX_LENGTHS[column])
            return ""
        try:
            url, added = normalise_url(value)
        except ValueError as exc:
            code = "javascript_url" if str(exc) == "javascript" else "bad_url"
            self.issue(row, column, code, value=value)
            return ""
        if added:
            self.issue(row, column, "url_normalised", "warning", value=url)
        return url

    def email(self, row: _Row) -> str:
        try:
            return normalise_email(row.cells.get("email"))
        except ValueError:
            self.issue(row, "email", "bad_email", value=_text_value(row.cells.get("email")))
            return ""

    def phone(self, row: _Row) -> str:
        raw = row.cells.get("phone")
        try:
            return normalise_phone(raw)
        except ValueError:
            self.issue(row, "phone", "bad_phone", value=_text_value(raw))
            return ""

    def boolean(self, row: _Row, name: str) -> bool | None:
        raw = row.cells.get(name)
        try:
            return parse_bool(raw)
        except ValueError:
            self.issue(row, name, "bad_bool", value=_text_value(raw))
            return None

    def wheelchair(self, row: _Row) -> str:
        raw = row.cells.get("wheelchair")
        try:
            return parse_wheelchair(raw)
        except ValueError:
            self.issue(row, "wheelchair", "bad_wheelchair", value=_text_value(raw))
            return ""

    def licence(self, row: _Row) -> str:
        value = cell_text(row.cells.get("text_licence"))
        if not value:
            return ""
        slug = _licence_keys().get(fold(value))
        if slug is None:
            self.issue(row, "text_licence", "bad_licence", value=value, allowed=_allowed_licences())
            return ""
        return slug

    def months(self, row: _Row) -> list[int]:
        raw = row.cells.get("months")
        try:
            return parse_months(raw)
        except ValueError:
            self.issue(row, "months", "bad_months", value=_text_value(raw))
            return []

    def event_dates(self, row: _Row) -> tuple[date | None, date | None]:
        dates: dict[str, date | None] = {}
        ok = True
        for name in ("event_start", "event_end"):
            raw = row.cells.get(name)
            try:
                dates[name] = parse_date(raw)
            except ValueError:
                self.issue(row, name, "bad_date", value=_text_value(raw))
                dates[name] = None
                ok = False
        start, end = dates["event_start"], dates["event_end"]
        if ok and end is not None and start is None:
            self.issue(row, "event_start", "event_end_without_start")
        if start is not None and end is not None and end < start:
            self.issue(
                row,
                "event_end",
                "event_end_before_start",
                start=start.isoformat(),
                end=end.isoformat(),
            )
        return start, end

    def languages(self, row: _Row) -> list[str]:
        raw = row.cells.get("languages")
        try:
            return parse_languages(raw)
        except ValueError as exc:
            allowed = ", ".join(OFFER_LANGUAGES)
            self.issue(row, "languages", "bad_language", value=str(exc), allowed=allowed)
            return []

    def recurrence(self, row: _Row, start: date | None) -> str:
        value = _text_value(row.cells.get("event_rrule"))
        if not value:
            return ""
        try:
            return check_rrule(value, start)
        except ValueError:
            self.issue(row, "event_rrule", "bad_recurrence", value=value)
            return ""

    def event_time(self, row: _Row) -> str:
        value = _text_value(row.cells.get("event_time"))
        try:
            parse_time(value)
        except ValueError:
            self.issue(row, "event_time", "bad_time", value=value)
            return ""
        return value.replace(" ", "")

    def badges(self, row: _Row) -> list[str]:
        found = []
        for value in parse_tags(cell_text(row.cells.get("badges"))):
            slug = _badge_keys().get(fold(value))
            if slug is None:
                self.issue(row, "badges", "bad_badge", value=value, allowed=_allowed_badges())
            elif slug not in found:
                found.append(slug)
        return found

    def tags(self, row: _Row) -> list[str]:
        value = cell_text(row.cells.get("tags"))
        bad = sorted(set(_CONTROL_CHARS.findall(value)))
        if bad:
            self.issue(
                row, "tags", "control_chars", chars=", ".join(f"U+{ord(c):04X}" for c in bad)
            )
            return []
        if len(value) > MAX_LENGTHS["tags"]:
            self.issue(row, "tags", "too_long", length=len(value), max=MAX_LENGTHS["tags"])
            return []
        return parse_tags(value)

    def status(self, row: _Row) -> None:
        # Informational: the importer decides the status; a wrong value is still flagged.
        value = _text_value(row.cells.get("status"))
        if value and value.lower() not in {s.value for s in Status}:
            self.issue(
                row, "status", "bad_status", value=value, allowed=", ".join(s.value for s in Status)
            )

    def duplicates(self, row: _Row, product_id: str, name: str, lat: float, lon: float) -> None:
        """Warn about a likely duplicate of a catalogue product or of an earlier row.

        Only a warning: two different offerings can share a building (a museum and its café).
        A row that carries a catalogue product's id is an update and is not checked.
        """
        if product_id in self.existing_ids:
            return  # an update of a catalogue product, which is where it belongs
        close = self.existing_near.near(lat, lon)
        if close:
            dist = distance_m(lat, lon, self.existing_lat[close], self.existing_lon[close])
            # Nearest first, ties in catalogue order.
            for d, i in sorted(zip(dist.tolist(), close, strict=True)):
                if d <= DUPLICATE_DISTANCE_M and similar_names(name, self.existing_names[i]):
                    self.issue(
                        row,
                        "name",
                        "likely_duplicate_existing",
                        "warning",
                        other=self.existing_names[i],
                        other_id=self.existing_id_list[i],
                        distance_m=round(d),
                    )
                    return
        for i in self.earlier_near.near(lat, lon):
            number, other_id, other_name, other_lat, other_lon = self.earlier[i]
            if other_id == product_id:
                continue
            distance = float(distance_m(lat, lon, other_lat, other_lon)[0])
            if distance <= DUPLICATE_DISTANCE_M and similar_names(name, other_name):
                self.issue(
                    row,
                    "name",
                    "likely_duplicate_row",
                    "warning",
                    other=other_name,
                    other_row=number,
                    distance_m=round(distance),
                )
                return


class _NearIndex:
    """Points in cells of a 3-D grid on the unit sphere, for "which are within 200 m".

    A cell is as wide as the duplicate distance (a chord is never longer than its arc), so
    every point within that distance lies in the 27 cells around the query; this holds at
    any latitude, unlike a lon/lat grid. ``near`` returns candidate indices in insertion
    order; callers still measure the exact distance.
    """

    CELL = DUPLICATE_DISTANCE_M / EARTH_RADIUS_M * 1.001

    def __init__(self, lats=(), lons=()) -> None:
        self.cells: dict[tuple[int, int, int], list[int]] = {}
        self.size = 0
        for lat, lon in zip(lats, lons, strict=True):
            self.add(float(lat), float(lon))

    def _cell(self, lat: float, lon: float) -> tuple[int, int, int]:
        phi, lmb = math.radians(lat), math.radians(lon)
        x = math.cos(phi) * math.cos(lmb)
        y = math.cos(phi) * math.sin(lmb)
        z = math.sin(phi)
        return (math.floor(x / self.CELL), math.floor(y / self.CELL), math.floor(z / self.CELL))

    def add(self, lat: float, lon: float) -> None:
        """Add a point; its index is the number of points added before it."""
        self.cells.setdefault(self._cell(lat, lon), []).append(self.size)
        self.size += 1

    def near(self, lat: float, lon: float) -> list[int]:
        if not self.size or not (math.isfinite(lat) and math.isfinite(lon)):
            return []
        cx, cy, cz = self._cell(lat, lon)
        found: list[int] = []
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for dz in (-1, 0, 1):
                    found.extend(self.cells.get((cx + dx, cy + dy, cz + dz), ()))
        return sorted(found)


def _issue_order(issue: ValidationIssue) -> tuple:
    # File-level issues first, then by row; within a row errors before warnings.
    return (issue.row if issue.row is not None else 0, issue.severity != "error")


def _frame(frame: pd.DataFrame | None, columns: tuple[str, ...]) -> pd.DataFrame:
    if frame is None or frame.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"frame lacks columns {missing}; expected {list(columns)}")
    return frame[list(columns)]


def _clean_raw(value: object) -> object:
    """Strings lose export's formula neutralisation; other types pass through."""
    if isinstance(value, str):
        return unneutralise(value)
    return value


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


def _normalise_space(text: str, multiline: bool = False) -> str:
    if multiline:
        # Keep paragraphs, drop trailing blanks that spreadsheets leave on lines.
        return "\n".join(line.rstrip() for line in text.strip().split("\n"))
    # Alt+Enter line breaks and tabs in a one-line field are layout, not content.
    return " ".join(text.split())


def _text_value(value: object, multiline: bool = False) -> str:
    """A cell as stripped text (single-line unless ``multiline``)."""
    return _normalise_space(cell_text(value), multiline)


def _gmina_teryt(gmina: object) -> str:
    # find_gmina may hand back the TERYT itself or a record carrying it.
    if isinstance(gmina, str):
        return gmina
    for attr in ("teryt", "TERYT"):
        if hasattr(gmina, attr):
            return str(getattr(gmina, attr))
        if isinstance(gmina, Mapping) and attr in gmina:
            return str(gmina[attr])
    raise TypeError(f"cannot read a TERYT code from {gmina!r}")
