"""Seeded synthetic catalogues for the benchmarks: products and partners of the five districts.

Everything is drawn from one ``numpy`` generator, so a size and a seed always give the same
catalogue. Points are sampled inside the district polygons of :func:`geodata.load_districts`
(rejection sampling with ``shapely.contains_xy``); names are Polish with diacritics, built
from place names of the region (the seats of the gmina a point falls nearest to), and
descriptions are ~300 characters, like partner-written text. Ids are slugs of the names, as
the importer would make them, so the map carries realistic ids rather than short counters.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely

from catalogue.model import Partner, Product
from catalogue.storage import CatalogueStore
from catalogue.taxonomy import CATEGORIES, SECTOR_LABELS, Sector, Status, wheelchair_level
from catalogue.validation import COLUMNS, slugify
from geodata import DISTRICT_TERYTS, load_districts, load_gminy

SEED = 20240611
SIZES: tuple[int, ...] = (1_000, 10_000, 50_000)

# Share of products per district: the city of Przemyśl is small but dense with offerings.
DISTRICT_WEIGHTS: dict[str, float] = {
    "1804": 0.27,  # jarosławski
    "1809": 0.17,  # lubaczowski
    "1813": 0.22,  # przemyski
    "1814": 0.16,  # przeworski
    "1862": 0.18,  # miasto Przemyśl
}
CATEGORY_WEIGHTS: dict[str, float] = {
    "heritage": 0.16,
    "museum": 0.06,
    "nature": 0.12,
    "active": 0.10,
    "accommodation": 0.18,
    "food": 0.12,
    "local_products": 0.09,
    "events": 0.07,
    "workshops": 0.05,
    "services": 0.04,
}
SECTOR_WEIGHTS: dict[str, float] = {
    "public": 0.15,
    "business": 0.45,
    "ngo": 0.25,
    "social_economy": 0.15,
}

_FANCY = (
    "Pod Lipami", "Złoty Łan", "Zielony Zakątek", "Nad Sanem", "Leśna Polana", "Stary Młyn",
    "Pod Dębem", "Źródełko", "Wrzosowisko", "Sielanka", "Żurawie Gniazdo", "Bociania Łąka",
    "Pogórze", "Róża Wiatrów", "Cicha Dolina", "Śliwkowy Sad", "Jarzębina", "Kalina",
    "Miodowy Zakątek", "Dębowy Gaj", "Pod Jaworem", "Srebrny Potok", "Gęsia Łąka",
    "Zacisze", "Magnolia", "Przystań nad Wisłokiem", "Pod Świerkami", "Czeremcha",
    "Słoneczne Wzgórze", "Kresowa Chata", "Malwa", "Stara Kuźnia", "Pod Kasztanem",
)  # fmt: skip
_SAINTS = (
    "św. Mikołaja", "św. Michała Archanioła", "Narodzenia NMP", "św. Paraskewy",
    "św. Józefa", "Wniebowzięcia NMP", "św. Dymitra", "Przemienienia Pańskiego",
    "św. Stanisława", "Opieki Bogurodzicy", "św. Jana Chrzciciela", "św. Onufrego",
)  # fmt: skip
_SURNAMES = (
    "Krasickich", "Lubomirskich", "Czartoryskich", "Szeptyckich", "Dzieduszyckich",
    "Ossolińskich", "Pawlikowskich", "Tarnowskich", "Sapiehów", "Kruszelnickich",
)  # fmt: skip
_PEOPLE = ("Marii", "Józefa", "Haliny", "Stanisława", "Grażyny", "Łucji", "Zbigniewa", "Jadwigi")
_PATTERNS: dict[str, tuple[str, ...]] = {
    "heritage": (
        "Cerkiew greckokatolicka pw. {saint} w {place}", "Kościół pw. {saint} – {place}",
        "Dwór {surname} – {place}", "Ruiny zamku {surname}", "Kapliczka przydrożna „{fancy}”",
        "Dzwonnica cerkiewna – {place}", "Fort Twierdzy Przemyśl „{fancy}”",
    ),
    "museum": (
        "Muzeum Regionalne – {place}", "Galeria sztuki „{fancy}”", "Izba Pamięci – {place}",
        "Skansen budownictwa ludowego – {place}", "Muzeum Dzwonów i Fajek „{fancy}”",
    ),
    "nature": (
        "Rezerwat przyrody „{fancy}”", "Punkt widokowy „{fancy}”", "Źródło św. Jana – {place}",
        "Pomnik przyrody – dąb „{fancy}”", "Ścieżka przyrodnicza „{fancy}”",
    ),
    "active": (
        "Szlak rowerowy „{fancy}”", "Spływ kajakowy Sanem – {place}", "Stadnina koni „{fancy}”",
        "Wypożyczalnia kajaków „{fancy}”", "Trasa nordic walking – {place}",
    ),
    "accommodation": (
        "Agroturystyka „{fancy}”", "Pensjonat „{fancy}” – {place}", "Gościniec „{fancy}”",
        "Pokoje gościnne u {person} – {place}", "Domki letniskowe „{fancy}”",
    ),
    "food": (
        "Karczma „{fancy}”", "Kawiarnia „{fancy}” – {place}", "Restauracja „{fancy}”",
        "Pierogarnia „{fancy}”", "Bar mleczny – {place}",
    ),
    "local_products": (
        "Pasieka „{fancy}”", "Pracownia ceramiki „{fancy}”", "Serowarnia zagrodowa – {place}",
        "Tłocznia soków „{fancy}”", "Wikliniarstwo – {place}",
    ),
    "events": (
        "Jarmark „{fancy}” – {place}", "Dni Ziemi – {place}", "Festiwal pierogów – {place}",
        "Święto Miodu „{fancy}”", "Koncert w cerkwi pw. {saint}",
    ),
    "workshops": (
        "Zagroda edukacyjna „{fancy}”", "Warsztaty garncarskie – {place}",
        "Warsztaty wypieku chleba „{fancy}”", "Lekcje haftu – {place}",
    ),
    "services": (
        "Przewodnik po Pogórzu Przemyskim – {place}", "Wypożyczalnia rowerów „{fancy}”",
        "Punkt informacji turystycznej – {place}", "Przejażdżki bryczką „{fancy}”",
    ),
}  # fmt: skip
_PARTNER_PATTERNS: dict[str, tuple[str, ...]] = {
    "public": ("Gminny Ośrodek Kultury – {place}", "Urząd Gminy – {place}", "Biblioteka – {place}"),
    "business": ("{fancy} Sp. z o.o.", "Gospodarstwo agroturystyczne „{fancy}”", "P.H.U. „{fancy}”"),
    "ngo": ("Stowarzyszenie „{fancy}”", "Fundacja „{fancy}”", "Koło Gospodyń Wiejskich – {place}"),
    "social_economy": (
        "Spółdzielnia Socjalna „{fancy}”", "Warsztat Terapii Zajęciowej – {place}",
        "Centrum Integracji Społecznej „{fancy}”",
    ),
}  # fmt: skip
_SENTENCES = (
    "Miejsce położone wśród łąk i lasów Pogórza, z dala od ruchliwych dróg.",
    "Gospodarze chętnie opowiadają o historii wsi i dawnych zwyczajach.",
    "W pobliżu przebiega znakowany szlak rowerowy prowadzący doliną Sanu.",
    "Obiekt jest dostępny przez cały rok, latem organizowane są dodatkowe atrakcje.",
    "Można tu skosztować regionalnych potraw: pierogów, proziaków i żurku.",
    "Drewniana zabudowa pochodzi z przełomu XIX i XX wieku i została starannie odnowiona.",
    "Z tarasu roztacza się widok na Góry Słonne i dolinę Wiaru.",
    "Zwiedzanie z przewodnikiem po wcześniejszym uzgodnieniu telefonicznym.",
    "Dla grup szkolnych przygotowano zajęcia o przyrodzie i rzemiośle ludowym.",
    "Parking dla samochodów i rowerów znajduje się tuż obok wejścia.",
    "W sezonie odbywają się tu koncerty muzyki dawnej i spotkania z twórcami.",
    "Teren jest ogrodzony i bezpieczny dla dzieci, są też miejsca na ognisko.",
    "Właściciele prowadzą gospodarstwo ekologiczne i sprzedają własne przetwory.",
    "Ścieżka edukacyjna ma tablice w języku polskim, angielskim i ukraińskim.",
    "Najbliższy przystanek autobusowy jest oddalony o około pięćset metrów.",
    "Cerkiew z ikonostasem z XVIII wieku należy do najcenniejszych zabytków okolicy.",
)
_TAGS = (
    "cerkiew", "zamek", "rower", "kajak", "agroturystyka", "pierogi", "miód", "rękodzieło",
    "szlak", "widok", "las", "San", "twierdza", "rodzina", "warsztaty", "festiwal",
)  # fmt: skip
_SURNAMES_PLAIN = ("Kowalski", "Wiśniewska", "Zieliński", "Dąbrowska", "Łukasik", "Żak")


@dataclass
class Catalogue:
    """A synthetic catalogue: checked-shape products and the partners behind them."""

    products: list[Product]
    partners: list[Partner]
    seed: int


def _choice(rng: np.random.Generator, weights: dict[str, float], n: int) -> np.ndarray:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=n, p=p / p.sum())]


def sample_points(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``n`` points (lat, lon, district TERYT) inside the district polygons."""
    layer = load_districts().set_index("teryt")
    districts = _choice(rng, DISTRICT_WEIGHTS, n)
    lats, lons = np.empty(n), np.empty(n)
    for teryt in DISTRICT_TERYTS:
        idx = np.flatnonzero(districts == teryt)
        geom = layer.loc[teryt, "geometry"]
        shapely.prepare(geom)
        west, south, east, north = geom.bounds
        got_lat, got_lon = [], []
        need = idx.size
        while need > 0:
            # Oversample: the districts fill roughly half of their bounding boxes.
            lon = rng.uniform(west, east, need * 3 + 16)
            lat = rng.uniform(south, north, need * 3 + 16)
            inside = shapely.contains_xy(geom, lon, lat)
            got_lat.extend(lat[inside][:need])
            got_lon.extend(lon[inside][:need])
            need = idx.size - len(got_lat)
        lats[idx], lons[idx] = got_lat, got_lon
    return lats, lons, districts


def _nearest_gminy(lats, lons, districts) -> tuple[np.ndarray, np.ndarray]:
    """Gmina TERYT and seat place per point: the nearest seat in the point's district.

    The same rule as :func:`geodata.guess_gmina`, vectorised per district.
    """
    gminy = load_gminy()
    teryts = np.empty(len(lats), dtype=object)
    places = np.empty(len(lats), dtype=object)
    for teryt in DISTRICT_TERYTS:
        idx = np.flatnonzero(districts == teryt)
        rows = gminy[gminy["powiat_teryt"] == teryt].sort_values("teryt")
        if not idx.size:
            continue
        scale = np.cos(np.radians(lats[idx]))[:, None]
        d2 = (rows["seat_lat"].to_numpy()[None, :] - lats[idx, None]) ** 2 + (
            (rows["seat_lon"].to_numpy()[None, :] - lons[idx, None]) * scale
        ) ** 2
        best = d2.argmin(axis=1)
        teryts[idx] = rows["teryt"].to_numpy()[best]
        places[idx] = rows["seat_place"].to_numpy()[best]
    return teryts, places


def _fill(pattern: str, rng: np.random.Generator, place: str) -> str:
    return pattern.format(
        fancy=_FANCY[rng.integers(len(_FANCY))],
        saint=_SAINTS[rng.integers(len(_SAINTS))],
        surname=_SURNAMES[rng.integers(len(_SURNAMES))],
        person=_PEOPLE[rng.integers(len(_PEOPLE))],
        place=place,
    )


def _description(rng: np.random.Generator, target: int) -> str:
    order = rng.permutation(len(_SENTENCES))
    text = ""
    for i in order:
        text = f"{text} {_SENTENCES[i]}".strip()
        if len(text) >= target:
            break
    return text


def _unique(base: str, used: set[str]) -> str:
    # The importer's rule (catalogue.validation): a slug, then -2, -3… until free.
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}-{n}", n + 1
    used.add(candidate)
    return candidate


def make_partners(n: int, rng: np.random.Generator, places: list[str]) -> list[Partner]:
    """``n`` partners with sectors drawn by :data:`SECTOR_WEIGHTS`."""
    sectors = _choice(rng, SECTOR_WEIGHTS, n)
    used: set[str] = set()
    partners = []
    for sector in sectors:
        place = places[rng.integers(len(places))]
        patterns = _PARTNER_PATTERNS[sector]
        name = _fill(patterns[rng.integers(len(patterns))], rng, place)
        partners.append(
            Partner(
                id=_unique(slugify(name, 60), used),
                name=name,
                sector=str(sector),
                member=bool(rng.random() < 0.4),
                source="benchmark",
            )
        )
    return partners


def make_catalogue(n: int, seed: int = SEED) -> Catalogue:
    """A published catalogue of ``n`` products and ~n/10 partners (at least 20)."""
    rng = np.random.default_rng([seed, n])
    lats, lons, districts = sample_points(n, rng)
    gminy, places = _nearest_gminy(lats, lons, districts)
    partners = make_partners(max(20, n // 10), rng, sorted(set(places)))
    categories = _choice(rng, CATEGORY_WEIGHTS, n)
    owners = rng.integers(len(partners), size=n)
    used: set[str] = set()
    products = []
    for i in range(n):
        category = str(categories[i])
        patterns = _PATTERNS[category]
        name = _fill(patterns[rng.integers(len(patterns))], rng, str(places[i]))
        months = [] if rng.random() < 0.3 else list(range(1, 13))
        if category in ("events", "nature", "active") and rng.random() < 0.6:
            start = int(rng.integers(3, 8))
            months = list(range(start, start + int(rng.integers(2, 6))))
        products.append(
            Product(
                id=_unique(slugify(name), used),
                name_pl=name,
                category=category,
                lat=round(float(lats[i]), 6),
                lon=round(float(lons[i]), 6),
                description_pl=_description(rng, int(rng.integers(260, 340))),
                name_en="" if rng.random() < 0.7 else f"{name} (EN)",
                tags=sorted({_TAGS[j] for j in rng.integers(len(_TAGS), size=3)}),
                district_teryt=str(districts[i]),
                gmina_teryt=str(gminy[i]),
                address=f"{places[i]} {int(rng.integers(1, 250))}",
                partner_id=partners[owners[i]].id,
                phone=f"+48 {int(rng.integers(500, 899))} {int(rng.integers(100, 999))} "
                f"{int(rng.integers(100, 999))}",
                free=bool(rng.random() < 0.3),
                months=months,
                # The same draws as before migration 0101 made the flag a level ("", yes, no).
                wheelchair=wheelchair_level(None if rng.random() < 0.4 else rng.random() < 0.5),
                family=None if rng.random() < 0.3 else bool(rng.random() < 0.7),
                pets=None if rng.random() < 0.5 else bool(rng.random() < 0.5),
                languages=["pl"] if rng.random() < 0.6 else ["pl", "en", "uk"],
                status=Status.PUBLISHED.value,
                source="import",
                source_note="synthetic benchmark data",
            )
        )
    return Catalogue(products=products, partners=partners, seed=seed)


def build_db(path: Path, n: int, seed: int = SEED) -> CatalogueStore:
    """A SQLite catalogue at ``path`` holding :func:`make_catalogue` ``(n)``.

    Uses :meth:`CatalogueStore.save_products` (one transaction, no file parsing) rather than
    the CSV import, which the import benchmark measures on its own.
    """
    path = Path(path)
    if path.exists():
        path.unlink()
    cat = make_catalogue(n, seed)
    store = CatalogueStore(f"sqlite:///{path}")
    store.create_schema()
    store.save_products(cat.products, actor="benchmark", partners=cat.partners)
    return store


def floor_json(products) -> bytes:
    """The data floor: compact JSON of [id, name, category, lat, lon] per product (UTF-8).

    ``products`` is a catalogue frame (id, name_pl, category, lat, lon). Coordinates are
    rounded to 5 decimals (about 1 m), which is all a marker needs.
    """
    import json

    rows = [
        [str(pid), str(name), str(cat), round(float(lat), 5), round(float(lon), 5)]
        for pid, name, cat, lat, lon in zip(
            products["id"],
            products["name_pl"],
            products["category"],
            products["lat"],
            products["lon"],
            strict=True,
        )
    ]
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


_CATEGORY_PL = {c.slug: c.label_pl for c in CATEGORIES}
# The partner file uses the canonical Polish headers a partner sees in the template.
IMPORT_COLUMNS: tuple[str, ...] = (
    "name",
    "category",
    "lat",
    "lon",
    "description",
    "partner",
    "partner_sector",
    "gmina",
    "address",
    "phone",
    "free",
    "months",
    "family",
    "languages",
    "tags",
)


def partner_csv_bytes(n: int, seed: int = SEED) -> bytes:
    """A partner file of ``n`` rows as Excel in Poland writes it: cp1250, ``;``, decimal commas.

    Headers are the Polish ones of :data:`catalogue.validation.COLUMNS`; categories and
    sectors are written as their Polish labels; no ids (the importer makes slugs).
    """
    cat = make_catalogue(n, seed + 1)
    gminy = load_gminy().set_index("teryt")["name"]
    sectors = {p.id: p for p in cat.partners}
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([COLUMNS[c] for c in IMPORT_COLUMNS])
    for p in cat.products:
        partner = sectors[p.partner_id]
        writer.writerow(
            [
                p.name_pl,
                _CATEGORY_PL[p.category],
                f"{p.lat:.5f}".replace(".", ","),
                f"{p.lon:.5f}".replace(".", ","),
                p.description_pl,
                partner.name,
                SECTOR_LABELS[Sector(partner.sector).value]["pl"],
                gminy.get(p.gmina_teryt, ""),
                p.address,
                p.phone,
                "tak" if p.free else "nie",
                "cały rok"
                if len(p.months) == 12
                else "-".join(str(m) for m in (p.months[:1] + p.months[-1:])),
                "" if p.family is None else ("tak" if p.family else "nie"),
                "polski" if p.languages == ["pl"] else "polski, angielski, ukraiński",
                "; ".join(p.tags),
            ]
        )
    return out.getvalue().encode("cp1250")
