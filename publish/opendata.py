"""Open data beside the site: GeoJSON, CSV (plain and Polish Excel), iCalendar, a change
feed and DCAT-AP metadata.

The tables reuse :func:`catalogue.exporting.export_rows` and the catalogue's CSV and GeoJSON
writers per offering (:mod:`publish.rowcache`, one field list, formulas neutralised in CSV);
what is added here is only what a format needs on top (RFC 7946 feature ids, iCalendar
events, the change feed, DCAT).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd

from catalogue.events import calendar_bytes
from publish.pages import Links

# Licences staff may choose (allow-list); CC BY 4.0 is the default.
LICENCES: dict[str, dict[str, str]] = {
    "CC-BY-4.0": {
        "title": "Creative Commons Uznanie autorstwa 4.0 (CC BY 4.0)",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    },
    "CC-BY-SA-4.0": {
        "title": "Creative Commons Uznanie autorstwa – Na tych samych warunkach 4.0 (CC BY-SA 4.0)",
        "url": "https://creativecommons.org/licenses/by-sa/4.0/",
    },
    "CC0-1.0": {
        "title": "Creative Commons Zero 1.0 (CC0 1.0)",
        "url": "https://creativecommons.org/publicdomain/zero/1.0/",
    },
    "ODbL-1.0": {
        "title": "Open Database License 1.0 (ODbL)",
        "url": "https://opendatacommons.org/licenses/odbl/1-0/",
    },
}
DEFAULT_LICENCE = "CC-BY-4.0"
LICENCE_ENV = "PUBLIC_DATA_LICENCE"

# (file under data/, media type, label key in publish.text)
DATA_FILES: tuple[tuple[str, str, str], ...] = (
    ("catalogue.geojson", "application/geo+json", "data_geojson"),
    ("catalogue.csv", "text/csv", "data_csv"),
    ("catalogue-excel.csv", "text/csv", "data_csv_excel"),
    ("events.ics", "text/calendar", "data_ics"),
    ("changes.json", "application/json", "data_changes"),
    ("dcat.jsonld", "application/ld+json", "data_dcat"),
)
REMOVALS_KEPT_DAYS = 365


def check_licence(code: str) -> str:
    """``code`` if it is one of :data:`LICENCES`; ``ValueError`` naming the choices otherwise."""
    if code not in LICENCES:
        raise ValueError(f"unknown licence {code!r}; expected one of {', '.join(LICENCES)}")
    return code


def _aware(value) -> datetime | None:
    if value is None or pd.isna(value):
        return None
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize(UTC) if stamp.tzinfo is None else stamp.tz_convert(UTC)
    return stamp.to_pydatetime().replace(microsecond=0)


def updated_at(row) -> datetime | None:
    """When a published row last changed (UTC): ``updated_at``, else ``decided_at``/``created_at``."""
    for col in ("updated_at", "decided_at", "created_at"):
        value = _aware(row.get(col))
        if value is not None:
            return value
    return None


def ics_bytes(frame: pd.DataFrame, links: Links, host: str) -> bytes:
    """iCalendar (RFC 5545) of the offerings with event dates, in Polish: the catalogue's one
    event writer (recurrence and times included), linking each to its static page."""
    return calendar_bytes(
        frame.to_dict("records"),
        url_for=lambda product_id: links.page("offer", product_id, "pl"),
        uid_host=host,
        name="Wydarzenia · Mapa produktów turystycznych",
        stamp_for=lambda row: updated_at(row) or datetime(2000, 1, 1, tzinfo=UTC),
    )


def changes_bytes(
    offerings: list[tuple[str, str | None]], removed: dict[str, str], links: Links
) -> bytes:
    """The change feed: every published offering (``(id, updated ISO time)`` pairs, see
    :func:`updated_at`) with its page, newest first, and offerings taken off the site
    (``removed``: id → ISO time). A portal keeps the time of its last read and takes entries
    with ``updated``/``removed`` after it."""
    entries = [
        {"id": pid, "updated": stamp, "url": links.page("offer", pid, "pl")}
        for pid, stamp in offerings
    ]
    entries.sort(key=lambda o: (o["updated"] or "", o["id"]), reverse=True)
    stamps = [o["updated"] for o in entries if o["updated"]] + list(removed.values())
    doc = {
        "generated": max(stamps) if stamps else None,
        "geojson": links.root("data/catalogue.geojson"),
        "offerings": entries,
        "removed": [
            {"id": k, "removed": v}
            for k, v in sorted(removed.items(), key=lambda kv: (kv[1], kv[0]), reverse=True)
        ],
    }
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def dcat_bytes(links: Links, licence: str, modified: str | None, count: int) -> bytes:
    """DCAT-AP metadata (JSON-LD): a dcat:Catalog with one dcat:Dataset and a
    dcat:Distribution per data file, under ``licence`` (a :data:`LICENCES` code)."""
    lic = LICENCES[check_licence(licence)]
    dataset_id = links.root("data/dcat.jsonld#dataset")
    distributions = [
        {
            "@id": links.root(f"data/{name}#distribution"),
            "@type": "dcat:Distribution",
            "dct:title": name,
            "dcat:accessURL": {"@id": links.root(f"data/{name}")},
            "dcat:downloadURL": {"@id": links.root(f"data/{name}")},
            "dcat:mediaType": media,
            "dct:license": {"@id": lic["url"]},
        }
        for name, media, _ in DATA_FILES
        if name != "dcat.jsonld"
    ]
    doc = {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
        },
        "@id": links.root("data/dcat.jsonld"),
        "@type": "dcat:Catalog",
        "dct:title": {"@language": "pl", "@value": "Mapa produktów turystycznych RKESI"},
        "dct:description": {
            "@language": "pl",
            "@value": "Oferty turystyczne partnerów Regionalnego Klastra Ekonomii Społecznej "
            "i Innowacji w pięciu powiatach (TERYT 1804, 1809, 1813, 1814, 1862).",
        },
        "dct:publisher": {
            "@type": "foaf:Organization",
            "foaf:name": "Regionalny Klaster Ekonomii Społecznej i Innowacji",
        },
        "dct:license": {"@id": lic["url"]},
        "foaf:homepage": {"@id": links.index("pl")},
        "dcat:dataset": [
            {
                "@id": dataset_id,
                "@type": "dcat:Dataset",
                "dct:title": [
                    {"@language": "pl", "@value": "Oferty turystyczne"},
                    {"@language": "en", "@value": "Tourist offerings"},
                ],
                "dct:description": {
                    "@language": "pl",
                    "@value": f"Opublikowane oferty turystyczne ({count}) z położeniem, "
                    "kategorią, partnerem, terminami i dostępnością.",
                },
                "dct:license": {"@id": lic["url"]},
                "dct:modified": modified,
                "dct:spatial": {
                    "@id": "http://publications.europa.eu/resource/authority/country/POL"
                },
                "dcat:keyword": ["turystyka", "ekonomia społeczna", "Podkarpacie"],
                "dcat:distribution": distributions,
            }
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def licence_info(code: str) -> dict:
    """``{code, title, url}`` of a licence code."""
    return {"code": code, **LICENCES[check_licence(code)]}
