"""The column registry: every column of a partner's file, in one place.

Each :class:`Column` says what the importer accepts (canonical English name, the Polish
header shown to Polish users, further spellings), how a cell is read (plain text, text
over several lines, a yes/no answer, a web link, or a parser of its own in
:mod:`catalogue.validation`), how long it may be, whether the export and the partner
template carry it, which :class:`~catalogue.model.Product` fields an update through it
replaces, and the template's help line; for people, its label in Polish, English and
Ukrainian, the widget the offering form shows for it and whether the statistics count it.
The validator, the importer, the exporter, the template, the offering form's values and the
statistics' completeness derive their lists from :data:`COLUMN_REGISTRY`; a new column is
one entry here (and, for a new field, a migration).
"""

from __future__ import annotations

from dataclasses import dataclass

from catalogue.taxonomy import ACCESS_LABELS

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
    form: str = ""
    form_help: dict[str, str] | None = None
    completeness: bool = False
    score: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}; expected one of {KINDS}")
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
        fields=(),
        help_pl="Wymagane. Jedna kategoria: nazwa polska albo kod (lista niżej).",
    ),
    Column(
        "lat",
        "szerokość",
        aliases=("latitude", "szerokosc geograficzna"),
        fields=(),
        help_pl="Wymagane (albo kolumna „współrzędne”). Szerokość geograficzna w stopniach dziesiętnych, np. 49,7757 lub 49.7757.",
    ),
    Column(
        "lon",
        "długość",
        aliases=("lng", "long", "longitude", "dlugosc geograficzna"),
        fields=(),
        help_pl="Wymagane (albo kolumna „współrzędne”). Długość geograficzna, np. 22,6525.",
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
    ),
    Column(
        "partner_sector",
        "typ partnera",
        aliases=("sector", "sektor", "sektor partnera", "rodzaj partnera"),
        fields=(),
        help_pl="Typ partnera: sektor publiczny, biznes, organizacja pozarządowa, ekonomia społeczna (wystarczy w jednym wierszu danego partnera).",
    ),
    Column(
        "partner_legal_form",
        "forma prawna partnera",
        aliases=("forma prawna", "legal form"),
        fields=(),
        help_pl="Forma prawna nowego partnera, np. stowarzyszenie, fundacja, spółdzielnia socjalna, KGW, CIS, ZAZ, gmina, spółka, jednoosobowa działalność gospodarcza.",
    ),
    Column(
        "partner_nip",
        "NIP partnera",
        aliases=("nip",),
        fields=(),
        help_pl="NIP nowego partnera (10 cyfr, sprawdzana cyfra kontrolna).",
    ),
    Column(
        "partner_regon",
        "REGON partnera",
        aliases=("regon",),
        fields=(),
        help_pl="REGON nowego partnera (9 lub 14 cyfr, sprawdzana cyfra kontrolna).",
    ),
    Column(
        "partner_krs",
        "KRS partnera",
        aliases=("krs", "numer krs"),
        fields=(),
        help_pl="Numer KRS nowego partnera (do 10 cyfr), jeśli jest w KRS.",
    ),
    Column(
        "gmina",
        "gmina",
        aliases=("municipality", "commune"),
        fields=(),
        help_pl="Nazwa gminy (np. Krasiczyn, „miasto Jarosław”, „gmina Jarosław”) albo kod TERYT; puste = ustalona z położenia.",
    ),
    Column("district", "powiat", aliases=("county",), template=False, fields=()),
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
        max_length=254,
        help_pl="Jeden adres e-mail.",
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
    Column(
        "free",
        "bezpłatne",
        aliases=("bezplatny", "bezplatna", "za darmo", "wstep wolny"),
        kind="yes_no",
        help_pl="Czy bezpłatne: tak / nie / puste (nie wiadomo).",
        form="yes_no",
    ),
    Column(
        "months",
        "miesiące",
        aliases=("sezon", "season"),
        help_pl="Kiedy dostępne: 5-9, maj-wrzesień, V-IX, 5,6,7, 11-2 albo „cały rok”.",
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
    Column(
        "event_start",
        "data od",
        aliases=("poczatek wydarzenia", "poczatek", "data rozpoczecia", "start"),
        help_pl="Tylko wydarzenia: data początku, 2027-08-15 albo 15.08.2027.",
    ),
    Column(
        "event_end",
        "data do",
        aliases=("koniec", "koniec wydarzenia", "data zakonczenia", "end"),
        help_pl="Tylko wydarzenia: data końca (nie wcześniej niż początek).",
    ),
    Column(
        "event_time",
        "godzina",
        aliases=("godzina wydarzenia", "time", "time of day"),
        help_pl="Tylko wydarzenia: godzina, np. 18:00 albo 10:00-16:00.",
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
        label={
            "pl": "Dostępność dla wózków",
            "en": "Wheelchair access",
            "uk": "Доступність для візків",
        },
        completeness=True,
    ),
    Column(
        "family",
        "rodziny z dziećmi",
        aliases=("dla rodzin", "family friendly"),
        kind="yes_no",
        help_pl="Dla rodzin z dziećmi: tak / nie / puste.",
        form="yes_no",
        label=ACCESS_LABELS["family"],
        completeness=True,
    ),
    Column(
        "pets",
        "zwierzęta",
        aliases=("ze zwierzetami", "pets allowed", "psy", "dogs allowed"),
        kind="yes_no",
        help_pl="Można ze zwierzętami (psy): tak / nie / puste.",
        form="yes_no",
        label=ACCESS_LABELS["pets"],
        completeness=True,
    ),
    Column(
        "step_free",
        "wejście bez schodów",
        aliases=("bez schodow", "step free entrance", "bez barier"),
        kind="yes_no",
        help_pl="Wejście bez schodów (lub z rampą): tak / nie / puste (nie wiadomo).",
        form="yes_no",
        label=ACCESS_LABELS["step_free"],
        completeness=True,
    ),
    Column(
        "accessible_toilet",
        "toaleta dla niepełnosprawnych",
        aliases=("toaleta dostepna", "wheelchair toilet"),
        kind="yes_no",
        help_pl="Toaleta dostępna dla osób z niepełnosprawnościami: tak / nie / puste.",
        form="yes_no",
        label=ACCESS_LABELS["accessible_toilet"],
        completeness=True,
    ),
    Column(
        "disabled_parking",
        "parking dla niepełnosprawnych",
        aliases=("parking dla osob z niepelnosprawnosciami", "disabled parking"),
        kind="yes_no",
        help_pl="Miejsca parkingowe dla osób z niepełnosprawnościami: tak / nie / puste.",
        form="yes_no",
        label=ACCESS_LABELS["disabled_parking"],
        completeness=True,
    ),
    Column(
        "info_blind",
        "informacja dla niewidomych",
        aliases=("dla niewidomych", "information for blind visitors"),
        kind="yes_no",
        help_pl="Informacja dla osób niewidomych (audiodeskrypcja, Braille, makiety): tak / nie / puste.",
        form="yes_no",
        label=ACCESS_LABELS["info_blind"],
        completeness=True,
    ),
    Column(
        "info_deaf",
        "informacja dla niesłyszących",
        aliases=("dla nieslyszacych", "information for deaf visitors"),
        kind="yes_no",
        help_pl="Informacja dla osób niesłyszących (PJM, napisy, pętla indukcyjna): tak / nie / puste.",
        form="yes_no",
        label=ACCESS_LABELS["info_deaf"],
        completeness=True,
    ),
    Column(
        "languages",
        "języki",
        aliases=("jezyki obslugi",),
        help_pl="Języki obsługi: kody lub nazwy, np. pl;en albo polski, angielski.",
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
        score=True,
    ),
    Column(
        "badges",
        "wyróżnienia",
        aliases=("wyroznienie", "certyfikaty", "badge"),
        help_pl="Wyróżnienia z listy koordynatora, rozdzielone średnikiem: unesco, sad_v, sad_vi, sad_vii, pot, lpt, pzjt; tylko te, które przyznało źródło (np. lista UNESCO).",
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
