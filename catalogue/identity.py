"""Legal identity of partners: NIP, REGON and KRS numbers and the public registers.

NIP and REGON carry check digits (weights published by the Ministry of Finance and GUS);
KRS numbers have none, so only their form (up to 10 digits, kept zero-padded) is checked.
Register links are built from the numbers alone; nothing here makes a network call.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)
_REGON9_WEIGHTS = (8, 9, 2, 3, 4, 5, 6, 7)
_REGON14_WEIGHTS = (2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8)
_SEPARATORS = re.compile(r"[\s\-.]")

KRS_SEARCH_URL = "https://wyszukiwarka-krs.ms.gov.pl/"
REGON_SEARCH_URL = "https://wyszukiwarkaregon.stat.gov.pl/appBIR/index.aspx"

# What the partner's profile (app and static site) calls the registers and the listing.
IDENTITY_LABELS: dict[str, dict[str, str]] = {
    "registers": {"pl": "Dane rejestrowe", "en": "Registration data", "uk": "Реєстраційні дані"},
    "register_krs": {
        "pl": "KRS {number} — wyszukiwarka KRS (Ministerstwo Sprawiedliwości)",
        "en": "KRS {number} — KRS search (Ministry of Justice)",
        "uk": "KRS {number} — пошук у KRS (Міністерство юстиції)",
    },
    "register_regon": {
        "pl": "REGON {number} — wyszukiwarka REGON (GUS)",
        "en": "REGON {number} — REGON search (Statistics Poland)",
        "uk": "REGON {number} — пошук REGON (GUS)",
    },
    "register_nip": {
        "pl": "NIP {number} — wyszukiwarka REGON (GUS, szukaj po NIP)",
        "en": "NIP {number} — REGON search (Statistics Poland, search by NIP)",
        "uk": "NIP {number} — пошук REGON (GUS, за NIP)",
    },
    "social_enterprise": {
        "pl": "Przedsiębiorstwo społeczne (wykaz wojewody, ustawa z 5 sierpnia 2022 r.)",
        "en": "Social enterprise (on the voivode's list under the act of 5 August 2022)",
        "uk": "Соціальне підприємство (реєстр воєводи, закон від 5 серпня 2022 р.)",
    },
    "decision": {
        "pl": "decyzja nr {number} z dnia {date}",
        "en": "decision no. {number} of {date}",
        "uk": "рішення № {number} від {date}",
    },
    "owes": {"pl": "Wsparcie OWES", "en": "Supported by OWES", "uk": "Підтримка OWES"},
}


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


# The three numbers, each with its checker and how many digits it has (for messages).
IDENTITY_NUMBERS: tuple[tuple[str, Callable[[object], str], str], ...] = (
    ("nip", check_nip, "10"),
    ("regon", check_regon, "9 / 14"),
    ("krs", check_krs, "10"),
)


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


def _stated(value: object) -> bool:
    """False for None, "", NaN/NaT (a frame's empty cell)."""
    if value is None or value == "":
        return False
    try:
        return bool(value == value)  # NaN and NaT are not equal to themselves
    except (TypeError, ValueError):
        return False


def describe_identity(partner, lang: str) -> dict:
    """What a partner's profile says of its legal identity, in ``lang`` (plain text).

    ``{"status": …, "owes": …, "registers": [(text, url), …]}``: the social-enterprise
    listing with its decision, the OWES's name (the caller puts ``IDENTITY_LABELS["owes"]``
    before it), and one link per register number. A number that no
    longer passes its check (stored before the checks) is left out rather than shown wrong.
    ``partner`` is a mapping (a frame row, a dict).
    """
    words = {key: labels[lang] for key, labels in IDENTITY_LABELS.items()}
    status = ""
    flag = partner.get("social_enterprise")
    if _stated(flag) and (flag is True or flag == 1):
        status = words["social_enterprise"]
        number = str(partner.get("se_decision_number") or "").strip()
        decided = partner.get("se_decision_date")
        if number and _stated(decided):
            status += ", " + words["decision"].format(
                number=number, date=f"{decided.day:02d}.{decided.month:02d}.{decided.year}"
            )
    owes = partner.get("owes")
    owes = str(owes).strip() if _stated(owes) else ""
    registers = []
    for kind in ("krs", "regon", "nip"):
        value = partner.get(kind)
        if not _stated(value):
            continue
        try:
            found = register_links(**{kind: str(value)})
        except IdentityError:
            continue
        registers += [(words[f"register_{k}"].format(number=n), url) for k, n, url in found]
    return {
        "status": status,
        "owes": owes,
        "registers": registers,
    }
