"""Contact cells: Polish phone numbers, e-mail addresses and web addresses, checked and
normalised the one way the import, the forms and the partners file store them, and web
addresses made safe to show as links."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from catalogue.cells import is_blank, text_value

# The longest e-mail address a mail system must accept (RFC 5321 path limit).
EMAIL_MAX_LENGTH = 254

_EMAIL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[^\s@.]+(\.[^\s@.]+)*\.[^\W\d_]{2,}$")
_HOST_RE = re.compile(r"^[\w](?:[\w-]*[\w])?(?:\.[\w](?:[\w-]*[\w])?)*\.[^\W\d_]{2,}$")
_SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.-]*):(?!\d)", re.IGNORECASE)


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
    ``EMAIL_MAX_LENGTH`` characters, checked by :func:`check_email`; ``ValueError`` else.

    The rule of the ``email`` column, shared by partner files and the forms.
    """
    text = text_value(value)
    if not text:
        return ""
    if len(text) > EMAIL_MAX_LENGTH:
        raise ValueError(f"e-mail address too long: {len(text)} characters")
    return check_email(text)
