"""The fixed taxonomy of the catalogue: categories, partner sectors, statuses and languages.

Every option a user or a file can give is checked against these allow-lists; anything else
raises ``ValueError`` with the valid choices.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

LANGUAGES: tuple[str, ...] = ("pl", "en", "uk")
DEFAULT_LANGUAGE = "pl"
ALL_MONTHS: tuple[int, ...] = tuple(range(1, 13))


MONTH_NAMES: dict[str, tuple[str, ...]] = {
    "pl": ("styczeń", "luty", "marzec", "kwiecień", "maj", "czerwiec", "lipiec", "sierpień",
           "wrzesień", "październik", "listopad", "grudzień"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "uk": ("січень", "лютий", "березень", "квітень", "травень", "червень", "липень", "серпень",
           "вересень", "жовтень", "листопад", "грудень"),
}  # fmt: skip


def check_language(lang: str) -> str:
    """Return ``lang`` if it is one of :data:`LANGUAGES`, else raise ``ValueError``."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    return lang


@dataclass(frozen=True)
class Category:
    """A product category with labels per language, a marker colour and an SVG icon path.

    ``icon`` is the ``d`` attribute of a single SVG path in a 24×24 box, drawn in the page
    (no icon font or CDN is needed).
    """

    slug: str
    label_pl: str
    label_en: str
    label_uk: str
    colour: str
    icon: str

    def label(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """Label in ``lang`` (one of :data:`LANGUAGES`)."""
        return getattr(self, f"label_{check_language(lang)}")


# Icons: simple filled shapes so that they stay readable at 14 px on a coloured disc.
_ICON_CASTLE = "M4 21V9h2V6h2v3h2V6h4v3h2V6h2v3h2v12h-6v-5h-4v5z"
_ICON_MUSEUM = "M12 2 2 7v2h20V7zM4 10v8h3v-8zm6.5 0v8h3v-8zM17 10v8h3v-8zM2 19v3h20v-3z"
_ICON_TREE = "M12 2 5 12h4l-4 6h6v4h2v-4h6l-4-6h4z"
_ICON_HIKER = (
    "M13.5 5.5a2 2 0 1 0 0-4 2 2 0 0 0 0 4zM9.8 8.9 7 23h2.1l1.8-8 2.1 2v6h2v-7.5l-2.1-2 "
    ".6-3A7.3 7.3 0 0 0 19 13v-2c-1.9 0-3.5-1-4.3-2.4l-1-1.6a2 2 0 0 0-2.5-.8L6 8.3V13h2V9.6z"
)
_ICON_BED = "M3 6h2v7h6V8h7a3 3 0 0 1 3 3v9h-2v-3H5v3H3zm5 1a2.5 2.5 0 1 1 0 5 2.5 2.5 0 0 1 0-5z"
_ICON_FOOD = (
    "M8 2v7H6V2H5v7H3V2H2v7a3 3 0 0 0 2.5 3V22h2V12A3 3 0 0 0 9 9V2zm8 0c-2 0-4 2.5-4 6v5h3v9h2V2z"
)
_ICON_BASKET = "M5 9 9.5 3l1.6 1.2L7.5 9h9l-3.6-4.8L14.5 3 19 9h3v2h-1.3L19 21H5L3.3 11H2V9z"
_ICON_CALENDAR = (
    "M7 2h2v2h6V2h2v2h3a1 1 0 0 1 1 1v16a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1h3zm12 "
    "8H5v10h14zM7 12h4v4H7z"
)
_ICON_BOOK = "M12 4C10 2.7 7 2 3 2v17c4 0 7 .7 9 2 2-1.3 5-2 9-2V2c-4 0-7 .7-9 2zm-1 14.2C9.3 17.5 7.2 17.1 5 17V4c2.4.1 4.4.6 6 1.5z"
_ICON_INFO = "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm1 15h-2v-6h2zm0-8h-2V7h2z"

CATEGORIES: tuple[Category, ...] = (
    Category("heritage", "Zabytki i atrakcje", "Heritage and sights", "Пам'ятки та визначні місця", "#8c2d19", _ICON_CASTLE),
    Category("museum", "Muzea i galerie", "Museums and galleries", "Музеї та галереї", "#6a3d9a", _ICON_MUSEUM),
    Category("nature", "Przyroda", "Nature", "Природа", "#2e7d32", _ICON_TREE),
    Category("active", "Turystyka aktywna", "Active tourism", "Активний туризм", "#00838f", _ICON_HIKER),
    Category("accommodation", "Noclegi", "Accommodation", "Проживання", "#1565c0", _ICON_BED),
    Category("food", "Gastronomia", "Food and drink", "Гастрономія", "#e65100", _ICON_FOOD),
    Category("local_products", "Produkty lokalne i rękodzieło", "Local products and crafts", "Місцеві продукти та ремесла", "#9e7a00", _ICON_BASKET),
    Category("events", "Wydarzenia", "Events", "Події", "#c2185b", _ICON_CALENDAR),
    Category("workshops", "Warsztaty i edukacja", "Workshops and education", "Майстер-класи та освіта", "#5d4037", _ICON_BOOK),
    Category("services", "Usługi turystyczne", "Tourist services", "Туристичні послуги", "#455a64", _ICON_INFO),
)  # fmt: skip

CATEGORY_BY_SLUG: dict[str, Category] = {c.slug: c for c in CATEGORIES}
CATEGORY_SLUGS: tuple[str, ...] = tuple(CATEGORY_BY_SLUG)


def get_category(slug: str) -> Category:
    """The category with ``slug``; ``ValueError`` listing the valid slugs otherwise."""
    try:
        return CATEGORY_BY_SLUG[slug]
    except KeyError:
        raise ValueError(
            f"unknown category {slug!r}; expected one of {', '.join(CATEGORY_SLUGS)}"
        ) from None


class Sector(StrEnum):
    """Partner sector, the cluster's three sectors with social economy kept apart."""

    PUBLIC = "public"
    BUSINESS = "business"
    NGO = "ngo"
    SOCIAL_ECONOMY = "social_economy"


SECTOR_LABELS: dict[str, dict[str, str]] = {
    "public": {"pl": "Sektor publiczny", "en": "Public sector", "uk": "Публічний сектор"},
    "business": {"pl": "Biznes", "en": "Business", "uk": "Бізнес"},
    "ngo": {"pl": "Organizacja pozarządowa", "en": "NGO", "uk": "Громадська організація"},
    "social_economy": {
        "pl": "Ekonomia społeczna",
        "en": "Social economy",
        "uk": "Соціальна економіка",
    },
}


# Labels of the accessibility and audience facts (filters, details, statistics): one owner.
ACCESS_LABELS: dict[str, dict[str, str]] = {
    "wheelchair": {
        "pl": "Dostępne dla wózków",
        "en": "Wheelchair accessible",
        "uk": "Доступно для візків",
    },
    "family": {
        "pl": "Dla rodzin z dziećmi",
        "en": "Families with children",
        "uk": "Для сімей з дітьми",
    },
    "pets": {"pl": "Ze zwierzętami", "en": "Pets allowed", "uk": "З тваринами"},
    "step_free": {"pl": "Wejście bez schodów", "en": "Step-free entrance", "uk": "Вхід без сходів"},
    "accessible_toilet": {
        "pl": "Toaleta dla niepełnosprawnych",
        "en": "Accessible toilet",
        "uk": "Туалет для людей з інвалідністю",
    },
    "disabled_parking": {
        "pl": "Parking dla niepełnosprawnych",
        "en": "Disabled parking",
        "uk": "Паркінг для людей з інвалідністю",
    },
    "info_blind": {
        "pl": "Informacja dla niewidomych",
        "en": "Information for blind visitors",
        "uk": "Інформація для незрячих",
    },
    "info_deaf": {
        "pl": "Informacja dla niesłyszących",
        "en": "Information for deaf visitors",
        "uk": "Інформація для нечуючих",
    },
}

SECTOR_EXPLANATIONS: dict[str, dict[str, str]] = {
    "social_economy": {
        "pl": "Podmioty ekonomii społecznej (spółdzielnie socjalne, CIS, KIS, ZAZ, WTZ) "
        "prowadzą działalność, z której zysk służy zatrudnieniu i integracji osób "
        "zagrożonych wykluczeniem.",
        "en": "Social-economy entities (social cooperatives, social integration centres, "
        "vocational activity workshops) run businesses whose profit goes to employing and "
        "including people at risk of exclusion.",
        "uk": "Суб'єкти соціальної економіки (соціальні кооперативи, центри соціальної "
        "інтеграції, заклади професійної активності) ведуть діяльність, прибуток від якої "
        "спрямовується на працевлаштування та інтеграцію людей, яким загрожує виключення.",
    },
}


def sector_label(sector: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """Label of a partner sector in ``lang``; ``ValueError`` for an unknown sector."""
    return SECTOR_LABELS[Sector(sector).value][check_language(lang)]


class Status(StrEnum):
    """Lifecycle of an offering (GoGoCarto/Geotrek style): only ``published`` is public."""

    DRAFT = "draft"
    PENDING = "pending"
    PUBLISHED = "published"
    REJECTED = "rejected"
    ARCHIVED = "archived"


class Source(StrEnum):
    """Where a product came from."""

    SAMPLE = "sample"
    PARTNER_FORM = "partner_form"
    IMPORT = "import"


def category_label(slug: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """Label of category ``slug`` in ``lang``."""
    return get_category(slug).label(lang)


@dataclass(frozen=True)
class LegalForm:
    """A legal form of a partner with labels per language and the sector it usually has."""

    slug: str
    label_pl: str
    label_en: str
    label_uk: str
    sector: str
    aliases: tuple[str, ...] = ()

    def label(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """Label in ``lang`` (one of :data:`LANGUAGES`)."""
        return getattr(self, f"label_{check_language(lang)}")


# The one list of legal forms (research on the scale of the social economy counts by it).
LEGAL_FORMS: tuple[LegalForm, ...] = (
    LegalForm("stowarzyszenie", "stowarzyszenie", "association", "асоціація", "ngo"),
    LegalForm("fundacja", "fundacja", "foundation", "фонд", "ngo"),
    LegalForm("spoldzielnia_socjalna", "spółdzielnia socjalna", "social cooperative", "соціальний кооператив", "social_economy"),
    LegalForm("spoldzielnia", "spółdzielnia", "cooperative", "кооператив", "business"),
    LegalForm("kgw", "koło gospodyń wiejskich (KGW)", "rural women's circle (KGW)", "гурток сільських господинь (KGW)", "ngo", ("koło gospodyń wiejskich",)),
    LegalForm("cis", "centrum integracji społecznej (CIS)", "social integration centre (CIS)", "центр соціальної інтеграції (CIS)", "social_economy", ("centrum integracji społecznej",)),
    LegalForm("kis", "klub integracji społecznej (KIS)", "social integration club (KIS)", "клуб соціальної інтеграції (KIS)", "social_economy", ("klub integracji społecznej",)),
    LegalForm("wtz", "warsztat terapii zajęciowej (WTZ)", "occupational therapy workshop (WTZ)", "майстерня трудотерапії (WTZ)", "social_economy", ("warsztat terapii zajęciowej",)),
    LegalForm("zaz", "zakład aktywności zawodowej (ZAZ)", "vocational activity establishment (ZAZ)", "заклад професійної активності (ZAZ)", "social_economy", ("zakład aktywności zawodowej",)),
    LegalForm("gmina", "gmina", "municipality (gmina)", "ґміна", "public", ("jednostka samorządu terytorialnego",)),
    LegalForm("powiat", "powiat", "district (powiat)", "повіт", "public"),
    LegalForm("wojewodztwo", "samorząd województwa", "voivodeship self-government", "самоврядування воєводства", "public"),
    LegalForm("instytucja_kultury", "instytucja kultury", "cultural institution", "установа культури", "public"),
    LegalForm("jednostka_publiczna", "inna jednostka publiczna", "other public body", "інша публічна установа", "public", ("organ administracji rządowej", "urząd administracji rządowej")),
    LegalForm("koscielna_osoba_prawna", "kościelna osoba prawna (parafia, zakon)", "church legal person (parish, order)", "церковна юридична особа (парафія, орден)", "ngo", ("parafia", "dom zakonny")),
    LegalForm("spolka", "spółka (z o.o., akcyjna, osobowa)", "company", "товариство (компанія)", "business", ("spółka z o.o.", "spółka akcyjna")),
    LegalForm("jdg", "jednoosobowa działalność gospodarcza", "sole proprietorship", "фізична особа-підприємець", "business", ("jdg",)),
    LegalForm("gospodarstwo_rolne", "gospodarstwo rolne / agroturystyczne", "farm / agritourism", "фермерське / агротуристичне господарство", "business"),
)  # fmt: skip

LEGAL_FORM_BY_SLUG: dict[str, LegalForm] = {f.slug: f for f in LEGAL_FORMS}


def legal_form_label(slug: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """Label of legal form ``slug`` in ``lang``; ``ValueError`` for an unknown slug."""
    try:
        return LEGAL_FORM_BY_SLUG[slug].label(lang)
    except KeyError:
        raise ValueError(
            f"unknown legal form {slug!r}; expected one of {', '.join(LEGAL_FORM_BY_SLUG)}"
        ) from None


@dataclass(frozen=True)
class Badge:
    """A distinction an offering holds, kept by cluster staff with the list that awards it."""

    slug: str
    label_pl: str
    label_en: str
    label_uk: str
    source: str  # the public list or register that awards it

    def label(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """Label in ``lang`` (one of :data:`LANGUAGES`)."""
        return getattr(self, f"label_{check_language(lang)}")


# Staff-maintained: a badge is given to an offering only where its source lists it.
BADGES: tuple[Badge, ...] = (
    Badge("unesco", "Światowe Dziedzictwo UNESCO", "UNESCO World Heritage", "Світова спадщина ЮНЕСКО",
          "https://whc.unesco.org/en/list/1424"),
    Badge("sad_v", "Szlak Architektury Drewnianej: trasa V (przemyska)", "Wooden Architecture Route: V (Przemyśl)",
          "Шлях дерев'яної архітектури: маршрут V (перемишльський)", "https://www.podkarpackie.travel"),
    Badge("sad_vi", "Szlak Architektury Drewnianej: trasa VI (lubaczowska)", "Wooden Architecture Route: VI (Lubaczów)",
          "Шлях дерев'яної архітектури: маршрут VI (любачівський)", "https://www.podkarpackie.travel"),
    Badge("sad_vii", "Szlak Architektury Drewnianej: trasa VII (rzeszowsko-jarosławska)",
          "Wooden Architecture Route: VII (Rzeszów–Jarosław)", "Шлях дерев'яної архітектури: маршрут VII (ряшівсько-ярославський)",
          "https://www.podkarpackie.travel"),
    Badge("pot", "Certyfikat Polskiej Organizacji Turystycznej", "Polish Tourism Organisation certificate",
          "Сертифікат Польської туристичної організації", "https://www.pot.gov.pl"),
    Badge("lpt", "Lista Produktów Tradycyjnych", "List of Traditional Products", "Перелік традиційних продуктів",
          "https://www.gov.pl/web/rolnictwo/lista-produktow-tradycyjnych"),
    Badge("pzjt", "Podkarpacki Znak Jakości Turystycznej", "Podkarpackie Tourism Quality Mark",
          "Підкарпатський знак якості туризму", "https://www.podkarpackie.travel"),
)  # fmt: skip

BADGE_BY_SLUG: dict[str, Badge] = {b.slug: b for b in BADGES}


# Wheelchair access as OpenStreetMap tags it (``wheelchair=yes|limited|no``); "" = not stated.
WHEELCHAIR_LEVELS: tuple[str, ...] = ("yes", "limited", "no")
WHEELCHAIR_LABELS: dict[str, dict[str, str]] = {
    "yes": {
        "pl": "Dostępne dla wózków",
        "en": "Wheelchair accessible",
        "uk": "Доступно для візків",
    },
    "limited": {
        "pl": "Częściowo dostępne dla wózków",
        "en": "Partly wheelchair accessible",
        "uk": "Частково доступно для візків",
    },
    "no": {
        "pl": "Niedostępne dla wózków",
        "en": "Not wheelchair accessible",
        "uk": "Недоступно для візків",
    },
}


def wheelchair_level(value: object) -> str:
    """One of :data:`WHEELCHAIR_LEVELS` or "" (not stated) from a stored value.

    Databases and revisions from before migration 0101 hold a yes/no flag: ``True`` is
    "yes", ``False`` is "no", ``None`` is not stated. ``ValueError`` for anything else.
    """
    if value is None or value == "":
        return ""
    if value is True or value is False:
        return "yes" if value else "no"
    text = str(value).strip().lower()
    if text in WHEELCHAIR_LEVELS:
        return text
    if text in ("", "nan", "none"):
        return ""
    raise ValueError(f"unknown wheelchair level {value!r}; expected one of {WHEELCHAIR_LEVELS}")


def wheelchair_label(level: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """Label of a wheelchair level in ``lang``; "" for not stated."""
    level = wheelchair_level(level)
    return WHEELCHAIR_LABELS[level][check_language(lang)] if level else ""


@dataclass(frozen=True)
class Licence:
    """A licence a photo or a text is published under (SPDX identifier as the key)."""

    slug: str
    label_pl: str
    label_en: str
    label_uk: str
    url: str
    short: str = ""  # how a credit line names it ("CC BY 4.0"); "" = the full label

    def label(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """Label in ``lang`` (one of :data:`LANGUAGES`)."""
        return getattr(self, f"label_{check_language(lang)}")


# What a partner can choose; CC BY 4.0 is the default for partner submissions (with consent).
LICENCES: tuple[Licence, ...] = (
    Licence("CC-BY-4.0", "CC BY 4.0 (uznanie autorstwa)", "CC BY 4.0 (attribution)",
            "CC BY 4.0 (зазначення авторства)", "https://creativecommons.org/licenses/by/4.0/deed.pl", "CC BY 4.0"),
    Licence("CC-BY-SA-4.0", "CC BY-SA 4.0 (uznanie autorstwa, na tych samych warunkach)",
            "CC BY-SA 4.0 (attribution, share-alike)", "CC BY-SA 4.0 (зазначення авторства, на тих самих умовах)",
            "https://creativecommons.org/licenses/by-sa/4.0/deed.pl", "CC BY-SA 4.0"),
    Licence("CC0-1.0", "CC0 1.0 (domena publiczna)", "CC0 1.0 (public domain)", "CC0 1.0 (суспільне надбання)",
            "https://creativecommons.org/publicdomain/zero/1.0/deed.pl", "CC0 1.0"),
    Licence("permission", "Wszelkie prawa zastrzeżone, publikacja za zgodą autora",
            "All rights reserved, published with the author's permission",
            "Усі права захищено, опубліковано зі згоди автора", ""),
)  # fmt: skip
LICENCE_BY_SLUG: dict[str, Licence] = {lic.slug: lic for lic in LICENCES}
DEFAULT_LICENCE = "CC-BY-4.0"


def check_licence(slug: str) -> str:
    """``slug`` if it is a key of :data:`LICENCE_BY_SLUG` or "" (not stated); else ``ValueError``."""
    if slug == "" or slug in LICENCE_BY_SLUG:
        return slug
    raise ValueError(f"unknown licence {slug!r}; expected one of {', '.join(LICENCE_BY_SLUG)}")


CREDIT_PREFIXES: dict[str, dict[str, str]] = {
    "photo": {"pl": "Fot.", "en": "Photo", "uk": "Фото"},
    "text": {"pl": "Tekst", "en": "Text", "uk": "Текст"},
}


def credit_line(kind: str, author: str, licence: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """ "Fot.: author, CC BY 4.0" for a ``photo`` or ``text`` in ``lang``; "" if nothing is known.

    Plain text: callers escape it for their output (HTML, PDF, Markdown).
    """
    if kind not in CREDIT_PREFIXES:
        raise ValueError(f"unknown credit kind {kind!r}; expected one of {tuple(CREDIT_PREFIXES)}")
    licence = check_licence(licence)
    parts = [author.strip()] if author and author.strip() else []
    if licence:
        entry = LICENCE_BY_SLUG[licence]
        parts.append(entry.short or entry.label(lang))
    if not parts:
        return ""
    return f"{CREDIT_PREFIXES[kind][check_language(lang)]}: {', '.join(parts)}"


# Headings of an offering's details, shared by the map page and the single-file offline map.
DETAIL_LABELS: dict[str, dict[str, str]] = {
    "partner": {"pl": "Partner", "en": "Partner", "uk": "Партнер"},
    "address": {"pl": "Adres", "en": "Address", "uk": "Адреса"},
    "contact": {"pl": "Kontakt", "en": "Contact", "uk": "Контакти"},
    "website": {"pl": "Strona internetowa", "en": "Website", "uk": "Вебсайт"},
    "price": {"pl": "Cena", "en": "Price", "uk": "Ціна"},
    "availability": {"pl": "Dostępność", "en": "Availability", "uk": "Доступність"},
    "all_year": {"pl": "cały rok", "en": "all year", "uk": "цілий рік"},
    "not_stated": {"pl": "nie podano", "en": "not stated", "uk": "не вказано"},
    "accessibility": {"pl": "Udogodnienia", "en": "Accessibility", "uk": "Зручності"},
}
