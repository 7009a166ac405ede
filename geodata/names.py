"""District codes and names shared by the build and the run-time API."""

from __future__ import annotations

ATTRIBUTION = "Granice administracyjne: PRG, GUGiK"

DISTRICT_TERYTS: tuple[str, ...] = ("1804", "1809", "1813", "1814", "1862")

LANGUAGES: tuple[str, ...] = ("pl", "en", "uk")

# Display names per language; the official name is the one used in the TERYT register.
DISTRICT_NAMES: dict[str, dict[str, str]] = {
    "1804": {
        "official": "powiat jarosławski",
        "pl": "powiat jarosławski",
        "en": "Jarosław County",
        "uk": "Ярославський повіт",
    },
    "1809": {
        "official": "powiat lubaczowski",
        "pl": "powiat lubaczowski",
        "en": "Lubaczów County",
        "uk": "Любачівський повіт",
    },
    "1813": {
        "official": "powiat przemyski",
        "pl": "powiat przemyski",
        "en": "Przemyśl County",
        "uk": "Перемишльський повіт",
    },
    "1814": {
        "official": "powiat przeworski",
        "pl": "powiat przeworski",
        "en": "Przeworsk County",
        "uk": "Переворський повіт",
    },
    "1862": {
        "official": "miasto na prawach powiatu Przemyśl",
        "pl": "miasto Przemyśl",
        "en": "City of Przemyśl",
        "uk": "місто Перемишль",
    },
}


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is one of LANGUAGES ("pl", "en", "uk"), else raise ValueError."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    return lang


def check_teryt(teryt: str) -> str:
    """Return the 4-digit district code if it is one of DISTRICT_TERYTS, else raise ValueError."""
    code = str(teryt).strip()
    if code not in DISTRICT_TERYTS:
        raise ValueError(
            f"unknown district TERYT {teryt!r}; expected one of {', '.join(DISTRICT_TERYTS)}"
        )
    return code


def district_name(teryt: str, lang: str = "pl") -> str:
    """Display name of a district.

    :param teryt: 4-digit district code, one of DISTRICT_TERYTS.
    :param lang: "pl", "en" or "uk"; anything else raises ValueError.
    """
    return DISTRICT_NAMES[check_teryt(teryt)][check_lang(lang)]
