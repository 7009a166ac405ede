"""The column registry: every column of a partner's file, in one place.

Each :class:`Column` says what the importer accepts (canonical English name, the Polish
header shown to Polish users, further spellings), how a cell is read (plain text, text
over several lines, a yes/no answer, a web link, or, for kind ``other``, its ``parse``
function), how it is written in the export (its Product field, or its ``to_cell``), how
long it may be, whether the export and the partner template carry it, which
:class:`~catalogue.model.Product` fields an update through it replaces, and the template's
help line; for people, its label in Polish, English and Ukrainian, the widget the offering
form shows for it and whether the statistics count it. The validator
(:mod:`catalogue.validation.rows`), the importer, the exporter, the template, the offering
form's values and the statistics' completeness derive their lists and readers from
:data:`COLUMN_REGISTRY`; a new column is one entry here (and, for a new field, a
migration). :func:`canonical_column` maps any spelling of a header to its column.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from catalogue.cells import (
    fold,
    is_blank,
    months_to_text,
    parse_date,
    parse_months,
    parse_wheelchair,
    text_value,
)
from catalogue.contacts import EMAIL_MAX_LENGTH, normalise_email, normalise_phone
from catalogue.events import parse_time
from catalogue.taxonomy import ACCESS_LABELS
from catalogue.vocabularies import (
    OFFER_LANGUAGES,
    allowed_categories,
    allowed_licences,
    parse_category,
    parse_languages,
    parse_licence,
)

# A column's export cell: from the product (a catalogue.model.Product, which imports this
# registry, so it is not imported here) and its row of ``products_frame`` (which also
# carries the partner's name, sector and identity numbers).
ToCell = Callable[[Any, Mapping], object]

KINDS: tuple[str, ...] = ("other", "text", "multiline", "yes_no", "link")
# Widgets of the offering form: one line, several lines, tak / nie / not stated.
FORM_WIDGETS: tuple[str, ...] = ("text", "textarea", "yes_no")


@dataclass(frozen=True)
class Column:
    """One file column. ``kind``: ``text`` (one line), ``multiline`` (text that keeps its line
    breaks), ``yes_no`` (tak/nie/empty), ``link`` (an ``http(s)`` address of the offering's
    page elsewhere, e.g. a social-media profile), ``other`` (a parser of its own). ``fields``:
    the Product fields an update through this column replaces; ``None`` = the field of the
    same name, ``()`` = none (derived or decided columns).

    ``parse`` (kind ``other``): the cell's reader, a raw cell → the value of the column's one
    Product field, raising ``ValueError`` for a wrong cell; the validator then reports
    ``error`` (a :data:`catalogue.messages.MESSAGES` code) with ``value`` and, if given,
    ``allowed()``. A cell is blank-safe: each parser returns the "not stated" value for an
    empty cell. ``other`` columns without ``parse`` are read across cells by the validator
    itself (point, partner, gmina, id, …). ``to_cell``: the export's value of the column;
    by default the Product field (``yes``/``no``/"" for ``yes_no`` columns).

    A ``link`` column is a whole field in one entry: :class:`~catalogue.model.Product` gets
    a text attribute of its name, the ``products`` table a text column (added by a
    migration), the validator reads and normalises it like a website, and the export,
    template, partner form, map details and static pages carry it under ``label``
    (``{"pl": …, "en": …, "uk": …}``).

    For people: ``label`` names the field in the statistics and, unless the form words its
    question its own way, in the offering form. ``form``: the form's widget
    (:data:`FORM_WIDGETS`) for a column whose cell is the text of one Product field;
    ``""`` = the form asks it its own way (or not at all). ``form_help``: the widget's help
    line per language. ``completeness``: the statistics report how many offerings fill it
    (needs a ``label``); ``score``: it earns an offering one point of its completeness
    score."""

    name: str
    header_pl: str
    aliases: tuple[str, ...] = ()
    max_length: int | None = None
    kind: str = "other"
    export: bool = True
    template: bool = True
    fields: tuple[str, ...] | None = None
    help_pl: str = ""
    label: dict[str, str] | None = None
    parse: Callable[[object], object] | None = None
    error: str = ""
    allowed: Callable[[], object] | None = None
    to_cell: ToCell | None = None
    form: str = ""
    form_help: dict[str, str] | None = None
    completeness: bool = False
    score: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}; expected one of {KINDS}")
        if self.parse is not None and (self.kind != "other" or not self.error):
            raise ValueError(f"column {self.name!r}: a parser is for kind 'other', with an error")
        if self.label is not None and set(self.label) != {"pl", "en", "uk"}:
            raise ValueError(f"column {self.name!r}: the label needs pl, en and uk")
        if self.form and (self.form not in FORM_WIDGETS or len(self.product_fields) != 1):
            raise ValueError(
                f"column {self.name!r}: form widget {self.form!r} needs one of {FORM_WIDGETS} "
                "and exactly one Product field"
            )
        if self.form_help is not None and set(self.form_help) != {"pl", "en", "uk"}:
            raise ValueError(f"column {self.name!r}: the form help needs pl, en and uk")
        if self.completeness and self.label is None:
            raise ValueError(f"column {self.name!r}: the statistics need a label to count it")
        if self.score and len(self.product_fields) != 1:
            raise ValueError(f"column {self.name!r}: a scored column fills one Product field")
        if self.kind == "link" and (
            not self.label or set(self.label) != {"pl", "en", "uk"} or not self.max_length
        ):
            raise ValueError(f"link column {self.name!r} needs a pl/en/uk label and a max_length")

    @property
    def product_fields(self) -> tuple[str, ...]:
        """The Product fields this column fills (see the class docstring)."""
        return (self.name,) if self.fields is None else self.fields

    def cell(self, product: Any, record: Mapping) -> object:
        """The export's value of this column for ``product`` (``record``: its frame row)."""
        if self.to_cell is not None:
            return self.to_cell(product, record)
        value = getattr(product, self.product_fields[0] if self.product_fields else self.name)
        if self.kind == "yes_no":
            return yes_no(value)
        return value


def yes_no(value: bool | None) -> str:
    """``yes``/``no``/"" (not stated): how the export writes a yes/no fact."""
    return "" if value is None else ("yes" if value else "no")


def _record(key: str) -> ToCell:
    """The export cell from the frame row's ``key`` (partner columns), "" when empty."""

    def cell(_product: Any, record: Mapping) -> str:
        value = record.get(key)
        return "" if is_blank(value) else str(value)

    return cell


def _joined(field: str) -> ToCell:
    """The export cell of a list field: its items joined by ``;``."""
    return lambda product, _record: ";".join(getattr(product, field))


def _category(value: object) -> str | None:
    return None if is_blank(value) else parse_category(value)


def _event_time(value: object) -> str:
    text = text_value(value)
    parse_time(text)  # ValueError for anything but HH:MM or HH:MM-HH:MM
    return text.replace(" ", "")


def _offer_languages() -> str:
    return ", ".join(OFFER_LANGUAGES)


def _yes_no_column(
    name: str, header: str, aliases: tuple[str, ...], help_pl: str, **extra
) -> Column:
    """A yes/no fact (tak / nie / empty) filling the Product field of its name."""
    return Column(name, header, aliases=aliases, kind="yes_no", help_pl=help_pl, **extra)


def _date_column(name: str, header: str, aliases: tuple[str, ...], help_pl: str, **extra) -> Column:
    """An event date (ISO, Polish ``15.08.2027`` or an Excel date)."""
    return Column(
        name, header, aliases=aliases, help_pl=help_pl, parse=parse_date, error="bad_date", **extra
    )


def _partner_column(name: str, header: str, aliases: tuple[str, ...], help_pl: str) -> Column:
    """A fact about a new partner: read by the validator with the partner, not a Product
    field; exported from the partner's data in the catalogue frame."""
    return Column(name, header, aliases=aliases, fields=(), help_pl=help_pl, to_cell=_record(name))


# In export order; "coordinates" is read but never written (lat and lon are).
COLUMN_REGISTRY: tuple[Column, ...] = (
    Column(
        "id",
        "id",
        aliases=("identyfikator",),
        fields=(),
        help_pl="Zostaw puste dla nowej oferty. Id istniejącej oferty (z eksportu) ją aktualizuje.",
    ),
    Column(
        "name",
        "nazwa",
        aliases=("name pl", "nazwa pl", "nazwa oferty"),
        max_length=200,
        kind="text",
        fields=("name_pl",),
        help_pl="Wymagane. Nazwa oferty po polsku, najwyżej 200 znaków.",
        form="text",
    ),
    Column(
        "category",
        "kategoria",
        aliases=("kategoria oferty",),
        help_pl="Wymagane. Jedna kategoria: nazwa polska albo kod (lista niżej).",
        parse=_category,
        error="unknown_category",
        allowed=allowed_categories,
    ),
    Column(
        "lat",
        "szerokość",
        aliases=("latitude", "szerokosc geograficzna"),
        fields=(),
        help_pl="Wymagane (albo kolumna „współrzędne”). Szerokość geograficzna w stopniach dziesiętnych, np. 49,7757 lub 49.7757.",
        to_cell=lambda product, _record: float(product.lat),
    ),
    Column(
        "lon",
        "długość",
        aliases=("lng", "long", "longitude", "dlugosc geograficzna"),
        fields=(),
        help_pl="Wymagane (albo kolumna „współrzędne”). Długość geograficzna, np. 22,6525.",
        to_cell=lambda product, _record: float(product.lon),
    ),
    Column(
        "coordinates",
        "współrzędne",
        aliases=("wspolrzedne geograficzne", "coords", "gps"),
        export=False,
        template=False,
        fields=(),
    ),
    Column(
        "description",
        "opis",
        aliases=("description pl", "opis pl"),
        max_length=5000,
        kind="multiline",
        fields=("description_pl",),
        help_pl="Opis po polsku, najwyżej 5000 znaków.",
        form="textarea",
        label={"pl": "Opis (PL)", "en": "Description (PL)", "uk": "Опис (PL)"},
        completeness=True,
        score=True,
    ),
    Column(
        "name_en",
        "nazwa_en",
        max_length=200,
        kind="text",
        help_pl="Nazwa po angielsku (opcjonalnie).",
        form="text",
        label={"pl": "Nazwa (EN)", "en": "Name (EN)", "uk": "Назва (EN)"},
        completeness=True,
        score=True,
    ),
    Column(
        "description_en",
        "opis_en",
        max_length=5000,
        kind="multiline",
        help_pl="Opis po angielsku (opcjonalnie).",
        form="textarea",
        label={"pl": "Opis (EN)", "en": "Description (EN)", "uk": "Опис (EN)"},
        completeness=True,
        score=True,
    ),
    Column(
        "name_uk",
        "nazwa_uk",
        max_length=200,
        kind="text",
        help_pl="Nazwa po ukraińsku (opcjonalnie).",
        form="text",
        label={"pl": "Nazwa (UK)", "en": "Name (UK)", "uk": "Назва (UK)"},
        completeness=True,
        score=True,
    ),
    Column(
        "description_uk",
        "opis_uk",
        max_length=5000,
        kind="multiline",
        help_pl="Opis po ukraińsku (opcjonalnie).",
        form="textarea",
        label={"pl": "Opis (UK)", "en": "Description (UK)", "uk": "Опис (UK)"},
        completeness=True,
        score=True,
    ),
    Column(
        "partner",
        "partner",
        aliases=("partner name", "nazwa partnera"),
        max_length=200,
        fields=("partner_id",),
        help_pl="Nazwa organizacji prowadzącej ofertę. Nowy partner wymaga kolumny „typ partnera”.",
        to_cell=_record("partner_name"),
    ),
    _partner_column(
        "partner_sector",
        "typ partnera",
        ("sector", "sektor", "sektor partnera", "rodzaj partnera"),
        "Typ partnera: sektor publiczny, biznes, organizacja pozarządowa, ekonomia społeczna (wystarczy w jednym wierszu danego partnera).",
    ),
    _partner_column(
        "partner_legal_form",
        "forma prawna partnera",
        ("forma prawna", "legal form"),
        "Forma prawna nowego partnera, np. stowarzyszenie, fundacja, spółdzielnia socjalna, KGW, CIS, ZAZ, gmina, spółka, jednoosobowa działalność gospodarcza.",
    ),
    _partner_column(
        "partner_nip",
        "NIP partnera",
        ("nip",),
        "NIP nowego partnera (10 cyfr, sprawdzana cyfra kontrolna).",
    ),
    _partner_column(
        "partner_regon",
        "REGON partnera",
        ("regon",),
        "REGON nowego partnera (9 lub 14 cyfr, sprawdzana cyfra kontrolna).",
    ),
    _partner_column(
        "partner_krs",
        "KRS partnera",
        ("krs", "numer krs"),
        "Numer KRS nowego partnera (do 10 cyfr), jeśli jest w KRS.",
    ),
    Column(
        "gmina",
        "gmina",
        aliases=("municipality", "commune"),
        fields=(),
        help_pl="Nazwa gminy (np. Krasiczyn, „miasto Jarosław”, „gmina Jarosław”) albo kod TERYT; puste = ustalona z położenia.",
        to_cell=lambda product, _record: product.gmina_teryt,
    ),
    Column(
        "district",
        "powiat",
        aliases=("county",),
        template=False,
        fields=(),
        to_cell=lambda product, _record: product.district_teryt,
    ),
    Column(
        "address",
        "adres",
        max_length=300,
        kind="text",
        help_pl="Adres, np. ul. Zamkowa 2, Krasiczyn.",
        form="text",
        label={"pl": "Adres", "en": "Address", "uk": "Адреса"},
        completeness=True,
        score=True,
    ),
    Column(
        "website",
        "strona",
        aliases=("www", "strona www", "strona internetowa", "url"),
        max_length=500,
        help_pl="Strona internetowa, np. https://www.przykład.pl.",
        form="text",
        label={"pl": "Strona internetowa", "en": "Website", "uk": "Вебсайт"},
        completeness=True,
        score=True,
    ),
    Column(
        "email",
        "e-mail",
        aliases=("mail", "adres e mail"),
        max_length=EMAIL_MAX_LENGTH,
        help_pl="Jeden adres e-mail.",
        parse=normalise_email,
        error="bad_email",
        form="text",
        label={"pl": "E-mail", "en": "E-mail", "uk": "E-mail"},
        completeness=True,
        score=True,
    ),
    Column(
        "phone",
        "telefon",
        aliases=("tel", "nr telefonu", "telephone"),
        max_length=100,
        help_pl="Polski numer, np. 16 621 12 34 albo +48 600 100 200; kilka numerów rozdziel średnikiem.",
        parse=normalise_phone,
        error="bad_phone",
        form="text",
        label={"pl": "Telefon", "en": "Phone", "uk": "Телефон"},
        completeness=True,
        score=True,
    ),
    Column(
        "facebook",
        "facebook",
        aliases=("fb", "profil facebook", "strona na facebooku"),
        max_length=500,
        kind="link",
        label={"pl": "Facebook", "en": "Facebook", "uk": "Facebook"},
        help_pl="Adres profilu na Facebooku, np. https://www.facebook.com/nazwa (opcjonalnie).",
        form="text",
        completeness=True,
    ),
    Column(
        "instagram",
        "instagram",
        aliases=("ig", "profil instagram"),
        max_length=500,
        kind="link",
        label={"pl": "Instagram", "en": "Instagram", "uk": "Instagram"},
        help_pl="Adres profilu na Instagramie, np. https://www.instagram.com/nazwa (opcjonalnie).",
        form="text",
        completeness=True,
    ),
    Column(
        "price",
        "cena",
        aliases=("ceny",),
        max_length=200,
        kind="text",
        help_pl="Cena słownie lub liczbą, np. „20 zł, ulgowy 10 zł”.",
        form="text",
        label={"pl": "Cena", "en": "Price", "uk": "Ціна"},
        completeness=True,
        score=True,
    ),
    _yes_no_column(
        "free",
        "bezpłatne",
        ("bezplatny", "bezplatna", "za darmo", "wstep wolny"),
        "Czy bezpłatne: tak / nie / puste (nie wiadomo).",
        form="yes_no",
    ),
    Column(
        "months",
        "miesiące",
        aliases=("sezon", "season"),
        help_pl="Kiedy dostępne: 5-9, maj-wrzesień, V-IX, 5,6,7, 11-2 albo „cały rok”.",
        parse=parse_months,
        error="bad_months",
        to_cell=lambda product, _record: months_to_text(product.months),
        label={"pl": "Miesiące", "en": "Months", "uk": "Місяці"},
        completeness=True,
    ),
    Column(
        "opening_hours",
        "godziny otwarcia",
        aliases=("godziny", "godziny otwarcia osm", "opening hours", "hours"),
        help_pl="Godziny otwarcia w zapisie OpenStreetMap, np. Tu-Su 09:00-17:00; PH off; Jan-Mar off (dni: Mo Tu We Th Fr Sa Su; PH = święta; off = nieczynne). Gdy podane, miesiące wynikają z nich.",
        form="text",
        label={"pl": "Godziny otwarcia", "en": "Opening hours", "uk": "Години роботи"},
        completeness=True,
    ),
    _date_column(
        "event_start",
        "data od",
        ("poczatek wydarzenia", "poczatek", "data rozpoczecia", "start"),
        "Tylko wydarzenia: data początku, 2027-08-15 albo 15.08.2027.",
    ),
    _date_column(
        "event_end",
        "data do",
        ("koniec", "koniec wydarzenia", "data zakonczenia", "end"),
        "Tylko wydarzenia: data końca (nie wcześniej niż początek).",
    ),
    Column(
        "event_time",
        "godzina",
        aliases=("godzina wydarzenia", "time", "time of day"),
        help_pl="Tylko wydarzenia: godzina, np. 18:00 albo 10:00-16:00.",
        parse=_event_time,
        error="bad_time",
    ),
    Column(
        "event_rrule",
        "powtarzanie",
        aliases=("rrule", "recurrence", "powtarza sie", "cyklicznie"),
        help_pl="Tylko wydarzenia cykliczne: reguła iCalendar, np. FREQ=YEARLY (co roku w dniu „data od”), FREQ=YEARLY;BYMONTH=8;BYDAY=3SA, FREQ=WEEKLY;BYDAY=SA.",
    ),
    Column(
        "wheelchair",
        "dostępność dla wózków",
        aliases=("wozek", "wozki", "dostepne dla wozkow", "wheelchair accessible"),
        help_pl="Dostępne dla osób na wózkach: tak / częściowo (np. parter tak, piętro nie) / nie / puste (nie wiadomo).",
        parse=parse_wheelchair,
        error="bad_wheelchair",
        label={
            "pl": "Dostępność dla wózków",
            "en": "Wheelchair access",
            "uk": "Доступність для візків",
        },
        completeness=True,
    ),
    _yes_no_column(
        "family",
        "rodziny z dziećmi",
        ("dla rodzin", "family friendly"),
        "Dla rodzin z dziećmi: tak / nie / puste.",
        form="yes_no",
        label=ACCESS_LABELS["family"],
        completeness=True,
    ),
    _yes_no_column(
        "pets",
        "zwierzęta",
        ("ze zwierzetami", "pets allowed", "psy", "dogs allowed"),
        "Można ze zwierzętami (psy): tak / nie / puste.",
        form="yes_no",
        label=ACCESS_LABELS["pets"],
        completeness=True,
    ),
    _yes_no_column(
        "step_free",
        "wejście bez schodów",
        ("bez schodow", "step free entrance", "bez barier"),
        "Wejście bez schodów (lub z rampą): tak / nie / puste (nie wiadomo).",
        form="yes_no",
        label=ACCESS_LABELS["step_free"],
        completeness=True,
    ),
    _yes_no_column(
        "accessible_toilet",
        "toaleta dla niepełnosprawnych",
        ("toaleta dostepna", "wheelchair toilet"),
        "Toaleta dostępna dla osób z niepełnosprawnościami: tak / nie / puste.",
        form="yes_no",
        label=ACCESS_LABELS["accessible_toilet"],
        completeness=True,
    ),
    _yes_no_column(
        "disabled_parking",
        "parking dla niepełnosprawnych",
        ("parking dla osob z niepelnosprawnosciami", "disabled parking"),
        "Miejsca parkingowe dla osób z niepełnosprawnościami: tak / nie / puste.",
        form="yes_no",
        label=ACCESS_LABELS["disabled_parking"],
        completeness=True,
    ),
    _yes_no_column(
        "info_blind",
        "informacja dla niewidomych",
        ("dla niewidomych", "information for blind visitors"),
        "Informacja dla osób niewidomych (audiodeskrypcja, Braille, makiety): tak / nie / puste.",
        form="yes_no",
        label=ACCESS_LABELS["info_blind"],
        completeness=True,
    ),
    _yes_no_column(
        "info_deaf",
        "informacja dla niesłyszących",
        ("dla nieslyszacych", "information for deaf visitors"),
        "Informacja dla osób niesłyszących (PJM, napisy, pętla indukcyjna): tak / nie / puste.",
        form="yes_no",
        label=ACCESS_LABELS["info_deaf"],
        completeness=True,
    ),
    Column(
        "languages",
        "języki",
        aliases=("jezyki obslugi",),
        help_pl="Języki obsługi: kody lub nazwy, np. pl;en albo polski, angielski.",
        parse=parse_languages,
        error="bad_language",
        allowed=_offer_languages,
        to_cell=_joined("languages"),
        label={"pl": "Języki obsługi", "en": "Languages spoken", "uk": "Мови обслуговування"},
        completeness=True,
        score=True,
    ),
    Column(
        "tags",
        "tagi",
        aliases=("slowa kluczowe", "keywords"),
        max_length=500,
        help_pl="Słowa kluczowe rozdzielone średnikiem lub przecinkiem.",
        to_cell=_joined("tags"),
        score=True,
    ),
    Column(
        "badges",
        "wyróżnienia",
        aliases=("wyroznienie", "certyfikaty", "badge"),
        help_pl="Wyróżnienia z listy koordynatora, rozdzielone średnikiem: unesco, sad_v, sad_vi, sad_vii, pot, lpt, pzjt; tylko te, które przyznało źródło (np. lista UNESCO).",
        to_cell=_joined("badges"),
        label={"pl": "Wyróżnienia", "en": "Badges", "uk": "Відзнаки"},
        completeness=True,
    ),
    Column(
        "text_author",
        "autor tekstu",
        aliases=("autor opisu", "autor", "author", "text author"),
        max_length=200,
        kind="text",
        help_pl="Kto napisał opisy (osoba lub organizacja); pokazywane pod opisem.",
        form="text",
    ),
    Column(
        "text_licence",
        "licencja tekstu",
        aliases=("licencja", "licencja opisu", "licence", "license", "text license"),
        help_pl="Licencja opisów: CC BY 4.0, CC BY-SA 4.0, CC0 1.0 albo „Wszelkie prawa zastrzeżone, publikacja za zgodą autora”. Wpisując licencję potwierdzasz, że autor się na nią zgodził.",
        parse=parse_licence,
        error="bad_licence",
        allowed=allowed_licences,
        label={"pl": "Licencja opisów", "en": "Licence of the texts", "uk": "Ліцензія текстів"},
        completeness=True,
    ),
    Column(
        "source",
        "źródło",
        aliases=("zrodlo danych",),
        max_length=500,
        kind="text",
        fields=("source_note",),
        help_pl="Skąd pochodzą informacje (np. strona gminy).",
        form="text",
    ),
    Column("status", "status", template=False, fields=()),
)

COLUMN_BY_NAME: dict[str, Column] = {c.name: c for c in COLUMN_REGISTRY}
# The offering's pages elsewhere, in registry order: each one a Product field of its own.
LINK_COLUMNS: tuple[Column, ...] = tuple(c for c in COLUMN_REGISTRY if c.kind == "link")
LINK_FIELDS: tuple[str, ...] = tuple(c.name for c in LINK_COLUMNS)


def link_label(name: str, lang: str) -> str:
    """The label of link column ``name`` in ``lang`` (``pl``/``en``/``uk``)."""
    label = COLUMN_BY_NAME[name].label
    if label is None:
        raise KeyError(f"{name!r} is not a link column")
    return label[lang]


# Canonical columns (English, as exported) with the Polish header shown to Polish users.
COLUMNS: dict[str, str] = {c.name: c.header_pl for c in COLUMN_REGISTRY}
MAX_LENGTHS: dict[str, int] = {
    c.name: c.max_length for c in COLUMN_REGISTRY if c.max_length is not None
}


def _header_key(header: object) -> str:
    return fold(str(header)) if header is not None else ""


# Every spelling of every column, compared after _header_key() folding.
_HEADER_KEYS: dict[str, str] = {
    _header_key(name): c.name for c in COLUMN_REGISTRY for name in (c.name, c.header_pl, *c.aliases)
}


def canonical_column(header: object) -> str | None:
    """The canonical column a header means (``Szerokość`` → ``lat``), or None if unknown."""
    return _HEADER_KEYS.get(_header_key(header))


def allowed_columns() -> dict[str, str]:
    """The columns a file may have, for the ``unknown_column`` message (pl, en, uk)."""
    return {
        "pl": ", ".join(COLUMNS.values()),
        "en": ", ".join(COLUMNS),
        "uk": ", ".join(COLUMNS),
    }


def form_columns() -> tuple[Column, ...]:
    """The columns the offering form shows as a plain widget of one Product field, in
    registry order (read from :data:`COLUMN_REGISTRY` at each call)."""
    return tuple(c for c in COLUMN_REGISTRY if c.form)


def completeness_columns() -> tuple[Column, ...]:
    """The columns the statistics report completeness of, in registry order."""
    return tuple(c for c in COLUMN_REGISTRY if c.completeness)


def score_fields() -> tuple[str, ...]:
    """The Product fields that earn an offering a point of its completeness score."""
    return tuple(c.product_fields[0] for c in COLUMN_REGISTRY if c.score)
