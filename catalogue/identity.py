"""Legal identity of partners: NIP, REGON and KRS numbers and the public registers.

NIP and REGON carry check digits (weights published by the Ministry of Finance and GUS);
KRS numbers have none, so only their form (up to 10 digits, kept zero-padded) is checked.
Register links are built from the numbers alone; nothing here makes a network call.
"""

from __future__ import annotations

import re

_NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)
_REGON9_WEIGHTS = (8, 9, 2, 3, 4, 5, 6, 7)
_REGON14_WEIGHTS = (2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8)
_SEPARATORS = re.compile(r"[\s\-.]")

KRS_SEARCH_URL = "https://wyszukiwarka-krs.ms.gov.pl/"
REGON_SEARCH_URL = "https://wyszukiwarkaregon.stat.gov.pl/appBIR/index.aspx"


class IdentityError(ValueError):
    """A number that is not a valid NIP/REGON/KRS; ``reason`` is ``form`` or ``checksum``."""

    def __init__(self, kind: str, value: str, reason: str) -> None:
        super().__init__(f"{value!r} is not a valid {kind.upper()} ({reason})")
        self.kind = kind
        self.value = value
        self.reason = reason


def _digits(value: object, kind: str) -> str:
    text = _SEPARATORS.sub("", str(value or "").strip())
    if kind == "nip" and text[:2].upper() == "PL":
        text = text[2:]  # the EU VAT form PL1234567890
    if text and not text.isdigit():
        raise IdentityError(kind, str(value), "form")
    return text


def _check_digit(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11


def check_nip(value: object) -> str:
    """The 10-digit NIP (separators and a ``PL`` prefix removed); "" for empty.

    ``IdentityError`` when it has the wrong length or check digit.
    """
    nip = _digits(value, "nip")
    if not nip:
        return ""
    if len(nip) != 10:
        raise IdentityError("nip", str(value), "form")
    check = _check_digit(nip[:9], _NIP_WEIGHTS)
    if check == 10 or check != int(nip[9]):
        raise IdentityError("nip", str(value), "checksum")
    return nip


def check_regon(value: object) -> str:
    """The 9- or 14-digit REGON; "" for empty; ``IdentityError`` for a wrong one."""
    regon = _digits(value, "regon")
    if not regon:
        return ""
    if len(regon) == 9:
        weights = _REGON9_WEIGHTS
    elif len(regon) == 14:
        weights = _REGON14_WEIGHTS
        # A local unit's 14-digit number starts with its parent's valid 9-digit REGON.
        check_regon(regon[:9])
    else:
        raise IdentityError("regon", str(value), "form")
    if _check_digit(regon[:-1], weights) % 10 != int(regon[-1]):
        raise IdentityError("regon", str(value), "checksum")
    return regon


def check_krs(value: object) -> str:
    """The KRS number as 10 digits (zero-padded); "" for empty.

    KRS numbers have no check digit: only the form is checked (1–10 digits, not all zero).
    """
    krs = _digits(value, "krs")
    if not krs:
        return ""
    if len(krs) > 10 or int(krs) == 0:
        raise IdentityError("krs", str(value), "form")
    return krs.zfill(10)


def register_links(nip: str = "", regon: str = "", krs: str = "") -> list[tuple[str, str, str]]:
    """(register key, number, URL) for each number given, in the order KRS, REGON, NIP.

    The registers' search pages take the number typed in; the URL is the official search
    page, the number is what to paste. Keys: ``krs``, ``regon``, ``nip``.
    """
    links = []
    if krs:
        links.append(("krs", check_krs(krs), KRS_SEARCH_URL))
    if regon:
        links.append(("regon", check_regon(regon), REGON_SEARCH_URL))
    if nip:
        links.append(("nip", check_nip(nip), REGON_SEARCH_URL))
    return links
