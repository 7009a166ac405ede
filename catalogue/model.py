"""Domain model: products (tourist offerings) and partners (the organisations behind them).

Plain dataclasses; validation of untrusted input lives in :mod:`catalogue.validation`, so a
``Product`` instance is always a checked one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, make_dataclass
from datetime import date, datetime

from catalogue.columns import LINK_FIELDS
from catalogue.localise import field_with_flag
from catalogue.taxonomy import ALL_MONTHS, DEFAULT_LANGUAGE

# Accessibility facts beyond wheelchair access (yes/limited/no, migration 0101) and the
# family/pets flags (migration 0100); each is True / False / None (unknown stays unknown).
# ``pets`` is the "dogs allowed" fact.
ACCESS_FACTS: tuple[str, ...] = (
    "step_free",
    "accessible_toilet",
    "disabled_parking",
    "info_blind",
    "info_deaf",
)


# Bookkeeping that changes with every decision, not what a partner wrote.
LIFECYCLE_FIELDS = frozenset(
    {
        "status",
        "created_at",
        "updated_at",
        "submitted_by",
        "decided_by",
        "decided_at",
        "decision_note",
    }
)


@dataclass
class Partner:
    """An organisation that runs offerings. ``sector`` is a :class:`~catalogue.taxonomy.Sector`."""

    id: str
    name: str
    sector: str
    legal_form: str = ""
    gmina_teryt: str = ""
    website: str = ""
    email: str = ""  # public contact of the organisation
    phone: str = ""
    member: bool = False
    description_pl: str = ""
    description_en: str = ""
    description_uk: str = ""
    logo_path: str = ""
    source: str = ""
    nip: str = ""  # 10 digits, checksum checked (catalogue.identity)
    regon: str = ""  # 9 or 14 digits
    krs: str = ""  # 10 digits
    legal_form_code: str = ""  # a key of catalogue.taxonomy.LEGAL_FORMS, "" = not stated
    social_enterprise: bool | None = None  # on the voivode's list (ustawa z 5 VIII 2022)
    se_decision_number: str = ""
    se_decision_date: date | None = None
    owes: str = ""  # the OWES (social economy support centre) that supports the partner

    def description(self, lang: str = DEFAULT_LANGUAGE) -> tuple[str, bool]:
        """Description in ``lang`` and whether it fell back to Polish."""
        return _localised(self, "description", lang)


# The offering's pages elsewhere (facebook, instagram…): one text field per ``link`` column of
# catalogue.columns, "" = none. Keyword-only, so the registry can add one without touching
# the positional fields below.
_ProductLinks = make_dataclass(
    "_ProductLinks",
    [(name, str, field(default="", kw_only=True)) for name in LINK_FIELDS],
)


@dataclass
class Product(_ProductLinks):
    """A tourist product or service, with its location in WGS84 (``lat``, ``lon`` in degrees).

    Besides the fields below it has one ``str`` field per link column of
    :data:`catalogue.columns.LINK_FIELDS` (keyword-only)."""

    id: str
    name_pl: str
    category: str
    lat: float
    lon: float
    description_pl: str = ""
    name_en: str = ""
    description_en: str = ""
    name_uk: str = ""
    description_uk: str = ""
    tags: list[str] = field(default_factory=list)
    district_teryt: str = ""
    gmina_teryt: str = ""
    address: str = ""
    partner_id: str = ""
    website: str = ""
    email: str = ""
    phone: str = ""
    price: str = ""
    free: bool | None = None
    months: list[int] = field(default_factory=list)  # empty = not stated
    event_start: date | None = None
    event_end: date | None = None
    wheelchair: str = ""  # catalogue.taxonomy.WHEELCHAIR_LEVELS (yes/limited/no), "" = unknown
    family: bool | None = None
    pets: bool | None = None
    languages: list[str] = field(default_factory=list)
    status: str = "draft"
    source: str = "import"
    source_note: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    submitted_by: str = ""
    decided_by: str = ""
    decided_at: datetime | None = None
    decision_note: str = ""
    opening_hours: str = ""  # OSM opening_hours rule, checked by catalogue.opening_hours
    step_free: bool | None = None  # entrance without steps
    accessible_toilet: bool | None = None
    disabled_parking: bool | None = None  # parking places for disabled people
    info_blind: bool | None = None  # information for blind visitors (audio, Braille, tactile)
    info_deaf: bool | None = None  # information for deaf visitors (PJM, captions, loop)
    badges: list[str] = field(default_factory=list)  # slugs of catalogue.taxonomy.BADGES
    event_rrule: str = ""  # recurrence of the event (iCalendar RRULE), see catalogue.events
    event_time: str = ""  # "HH:MM" or "HH:MM-HH:MM", Polish local time
    text_author: str = ""  # who wrote the descriptions (credited under them)
    text_licence: str = ""  # a key of catalogue.taxonomy.LICENCE_BY_SLUG, "" = not stated

    def name(self, lang: str = DEFAULT_LANGUAGE) -> tuple[str, bool]:
        """Name in ``lang`` and whether it fell back to Polish."""
        return _localised(self, "name", lang)

    def description(self, lang: str = DEFAULT_LANGUAGE) -> tuple[str, bool]:
        """Description in ``lang`` and whether it fell back to Polish."""
        return _localised(self, "description", lang)

    def links(self) -> dict[str, str]:
        """The non-empty link fields (``{"instagram": "https://…"}``) in registry order."""
        return {name: getattr(self, name) for name in LINK_FIELDS if getattr(self, name)}

    def content_dict(self) -> dict:
        """The fields a partner edits (no lifecycle fields), for diffs and revisions."""
        return {k: v for k, v in asdict(self).items() if k not in LIFECYCLE_FIELDS}


# Field order for people (diffs, reviews): the link fields stand after the phone.
_OWN_FIELDS = [f.name for f in fields(Product) if f.name not in LINK_FIELDS]
_AFTER_PHONE = _OWN_FIELDS.index("phone") + 1
PRODUCT_FIELDS: tuple[str, ...] = (
    *_OWN_FIELDS[:_AFTER_PHONE],
    *LINK_FIELDS,
    *_OWN_FIELDS[_AFTER_PHONE:],
)
PARTNER_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Partner))


def _localised(obj: object, stem: str, lang: str) -> tuple[str, bool]:
    return field_with_flag(obj, stem, lang)


def months_from_mask(mask: int | None) -> list[int]:
    """Months (1–12) set in a 12-bit mask (bit 0 = January); ``None`` → []."""
    if not mask:
        return []
    return [m for m in ALL_MONTHS if mask & (1 << (m - 1))]


def months_to_mask(months: list[int]) -> int:
    """12-bit mask of ``months`` (1–12); 0 means not stated."""
    mask = 0
    for m in months:
        if m not in ALL_MONTHS:
            raise ValueError(f"month {m!r} outside 1–12")
        mask |= 1 << (m - 1)
    return mask
