"""Text of the static site's pages in Polish, English and Ukrainian.

Labels shared with the printed material (address, contact, partner…) come from
:data:`fairkit.pdf_common.LABELS`; only what the web pages add lives here.
"""

from __future__ import annotations

from catalogue.localise import localised
from fairkit.pdf_common import LABELS as PRINT_LABELS

SITE_TEXT: dict[str, dict[str, str]] = {
    "site_title": {
        "pl": "Mapa produktów turystycznych",
        "en": "Tourist product map",
        "uk": "Мапа туристичних продуктів",
    },
    "index_description": {
        "pl": "Oferty turystyczne partnerów klastra w powiatach jarosławskim, lubaczowskim, "
        "przemyskim, przeworskim i w Przemyślu: {n}.",
        "en": "Tourist offerings of the cluster's partners in the Jarosław, Lubaczów, "
        "Przemyśl and Przeworsk counties and the city of Przemyśl: {n}.",
        "uk": "Туристичні пропозиції партнерів кластера в Ярославському, Любачівському, "
        "Перемишльському, Переворському повітах і місті Перемишль: {n}.",
    },
    "fallback": {
        "pl": "",
        "en": "Shown in Polish: no English text was provided.",
        "uk": "Показано польською: українського тексту не надано.",
    },
    "category": {"pl": "Kategoria", "en": "Category", "uk": "Категорія"},
    "district": {"pl": "Powiat", "en": "District", "uk": "Повіт"},
    "districts": {"pl": "Powiaty", "en": "Districts", "uk": "Повіти"},
    "website": {"pl": "Strona internetowa", "en": "Website", "uk": "Вебсайт"},
    "availability": {"pl": "Kiedy", "en": "When", "uk": "Коли"},
    "months": {"pl": "Otwarte w miesiącach", "en": "Open in", "uk": "Відкрито у місяці"},
    "event_dates": {"pl": "Termin", "en": "Dates", "uk": "Дати"},
    "all_year": {"pl": "cały rok", "en": "all year", "uk": "цілий рік"},
    "not_stated": {"pl": "nie podano", "en": "not stated", "uk": "не вказано"},
    "accessibility": {"pl": "Udogodnienia", "en": "Accessibility", "uk": "Зручності"},
    "hours": {"pl": "Godziny otwarcia", "en": "Opening hours", "uk": "Години роботи"},
    "badges": {"pl": "Wyróżnienia", "en": "Badges", "uk": "Відзнаки"},
    "family": {"pl": "dla rodzin z dziećmi", "en": "for families", "uk": "для сімей з дітьми"},
    "pets": {"pl": "ze zwierzętami", "en": "pets allowed", "uk": "з тваринами"},
    "languages": {"pl": "Języki obsługi", "en": "Languages spoken", "uk": "Мови обслуговування"},
    "directions": {"pl": "Dojazd", "en": "Directions", "uk": "Як дістатися"},
    "nearby": {"pl": "W pobliżu (do 5 km)", "en": "Nearby (within 5 km)", "uk": "Поруч (до 5 км)"},
    "nothing_nearby": {
        "pl": "Brak innych ofert w promieniu 5 km.",
        "en": "No other offerings within 5 km.",
        "uk": "Інших пропозицій у радіусі 5 км немає.",
    },
    "open_map": {
        "pl": "Otwórz na mapie interaktywnej",
        "en": "Open in the interactive map",
        "uk": "Відкрити на інтерактивній мапі",
    },
    "photo_of": {"pl": "Zdjęcie: {name}", "en": "Photo: {name}", "uk": "Фото: {name}"},
    "offerings": {"pl": "Oferty", "en": "Offerings", "uk": "Пропозиції"},
    "offerings_of": {
        "pl": "Oferty partnera",
        "en": "The partner's offerings",
        "uk": "Пропозиції партнера",
    },
    "partners": {"pl": "Partnerzy", "en": "Partners", "uk": "Партнери"},
    "sector": {"pl": "Typ partnera", "en": "Partner type", "uk": "Тип партнера"},
    "legal_form": {"pl": "Forma prawna", "en": "Legal form", "uk": "Правова форма"},
    "member": {"pl": "członek klastra", "en": "cluster member", "uk": "член кластера"},
    "search": {"pl": "Szukaj ofert", "en": "Search offerings", "uk": "Пошук пропозицій"},
    "search_hint": {
        "pl": "Wpisz nazwę, miejscowość lub słowo kluczowe (polskie litery nie są wymagane).",
        "en": "Type a name, a place or a keyword (Polish letters are optional).",
        "uk": "Введіть назву, місцевість або ключове слово.",
    },
    "map": {"pl": "Mapa", "en": "Map", "uk": "Мапа"},
    "map_full": {
        "pl": "Mapa na całym ekranie",
        "en": "Full-screen map",
        "uk": "Мапа на весь екран",
    },
    "open_data": {"pl": "Otwarte dane", "en": "Open data", "uk": "Відкриті дані"},
    "home": {"pl": "Strona główna", "en": "Home", "uk": "Головна"},
    "district_description": {
        "pl": "Oferty turystyczne: {name} ({n}).",
        "en": "Tourist offerings: {name} ({n}).",
        "uk": "Туристичні пропозиції: {name} ({n}).",
    },
    "partner_description": {
        "pl": "{name}: {sector}, oferty turystyczne ({n}).",
        "en": "{name}: {sector}, tourist offerings ({n}).",
        "uk": "{name}: {sector}, туристичні пропозиції ({n}).",
    },
    "licence": {"pl": "Licencja", "en": "Licence", "uk": "Ліцензія"},
    "data_geojson": {"pl": "GeoJSON (RFC 7946)", "en": "GeoJSON (RFC 7946)", "uk": "GeoJSON"},
    "data_csv": {"pl": "CSV (UTF-8)", "en": "CSV (UTF-8)", "uk": "CSV (UTF-8)"},
    "data_csv_excel": {
        "pl": "CSV dla polskiego Excela (średnik, przecinek dziesiętny)",
        "en": "CSV for Polish Excel (semicolon, decimal comma)",
        "uk": "CSV для польського Excel (крапка з комою)",
    },
    "data_ics": {
        "pl": "Kalendarz wydarzeń (iCalendar)",
        "en": "Event calendar (iCalendar)",
        "uk": "Календар подій (iCalendar)",
    },
    "data_changes": {
        "pl": "Zmiany (JSON, dla portali)",
        "en": "Changes (JSON, for portals)",
        "uk": "Зміни (JSON, для порталів)",
    },
    "data_dcat": {"pl": "Metadane DCAT-AP", "en": "DCAT-AP metadata", "uk": "Метадані DCAT-AP"},
    "no_results": {"pl": "Brak wyników", "en": "No results", "uk": "Немає результатів"},
    "results": {"pl": "Wyniki: {n}", "en": "Results: {n}", "uk": "Результати: {n}"},
    "skip": {"pl": "Przejdź do treści", "en": "Skip to content", "uk": "До змісту"},
}


def text(key: str, lang: str, **params) -> str:
    """Site label ``key`` in ``lang`` (print labels as a second source), formatted."""
    entry = SITE_TEXT.get(key) or PRINT_LABELS[key]
    value = localised(entry, lang)
    return value.format(**params) if params else value
