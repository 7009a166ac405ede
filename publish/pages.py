"""The static site's HTML pages: contexts, schema.org JSON-LD and Jinja2 rendering.

Every page is rendered by a Jinja2 environment with autoescaping on, so partner text is
always HTML-escaped; the JSON-LD block goes through :func:`mapview.builder._script_json`
(``<``, ``>`` and ``&`` as ``\\u003c``…), so ``</script>`` inside a description cannot end
the script. Contexts are plain JSON-able dicts: the builder hashes them to skip pages whose
content did not change.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from catalogue.columns import LINK_FIELDS, link_label
from catalogue.filters import wheelchair_cell
from catalogue.identity import IDENTITY_LABELS, describe_identity, register_links
from catalogue.locale_format import price_for_reader
from catalogue.localise import field_with_flag
from catalogue.model import ACCESS_FACTS, months_from_mask
from catalogue.opening_hours import describe
from catalogue.taxonomy import (
    ACCESS_LABELS,
    BADGE_BY_SLUG,
    LANGUAGES,
    LEGAL_FORM_BY_SLUG,
    LICENCE_BY_SLUG,
    MONTH_NAMES,
    SECTOR_EXPLANATIONS,
    category_label,
    credit_line,
    sector_label,
    wheelchair_label,
)
from fairkit.pdf_common import app_product_link, site_page_path
from geodata import district_name
from mapview.builder import _script_json
from publish.text import text

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"

# schema.org type per category slug (taxonomy.CATEGORIES); unknown slugs are never published.
SCHEMA_TYPES: dict[str, str] = {
    "heritage": "TouristAttraction",
    "museum": "Museum",
    "nature": "TouristAttraction",
    "active": "TouristAttraction",
    "accommodation": "LodgingBusiness",
    "food": "FoodEstablishment",
    "local_products": "Store",
    "events": "Event",
    "workshops": "LocalBusiness",
    "services": "LocalBusiness",
}
OG_LOCALES: dict[str, str] = {"pl": "pl_PL", "en": "en_GB", "uk": "uk_UA"}
NEARBY_RADIUS_KM = 5.0
NEARBY_LIMIT = 8
DESCRIPTION_CHARS = 160


@functools.cache
def environment() -> Environment:
    """The Jinja2 environment of the site (autoescape on for every template); one per
    process, so each template is compiled once (it is checked for changes on disk at each
    use), not at every build."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["t"] = text
    return env


def render(env: Environment, template: str, context: dict) -> bytes:
    """UTF-8 bytes of ``template`` rendered with ``context``."""
    return env.get_template(template).render(**context).encode("utf-8")


def script_json(value) -> str:
    """JSON safe inside ``<script>`` (one owner: :func:`mapview.builder._script_json`)."""
    return _script_json(value)


# -- small helpers ------------------------------------------------------------------------


def clean(value) -> str:
    """Stripped text; None/NaN give ``""``."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()


def flag(value) -> bool | None:
    """True/False/None from a frame cell (``None``/NaN = not stated)."""
    if value is None or (not isinstance(value, bool) and pd.isna(value)):
        return None
    return bool(value)


def http_url(value) -> str:
    """``value`` if it is an absolute http(s) URL without quote or space characters, else ``""``."""
    url = clean(value)
    if not url or any(c in url for c in " \t\r\n\"'<>`\\"):
        return ""
    return url if re.match(r"^https?://[^/]+", url) else ""


def link_urls(row) -> dict[str, str]:
    """The offering's safe link-column addresses (``{"instagram": url}``), registry order."""
    urls = {name: http_url(row.get(name)) for name in LINK_FIELDS}
    return {name: url for name, url in urls.items() if url}


def phone_list(value) -> list[str]:
    """The numbers of a phone cell: the import joins several with ``, `` (older data ``;``)."""
    return [p.strip() for p in re.split(r"[;,]", clean(value)) if p.strip()]


def localised(row, stem: str, lang: str) -> tuple[str, bool]:
    """``row[stem_lang]`` and whether it fell back to Polish (same rule as the model)."""
    return field_with_flag(row, stem, lang)


def summary(value: str, limit: int = DESCRIPTION_CHARS) -> str:
    """``value`` on one line, cut at a word boundary to at most ``limit`` characters."""
    line = " ".join(value.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.") + "…"


def iso_date(value) -> str:
    """``YYYY-MM-DD`` of a date-like cell, ``""`` when missing."""
    if value is None or pd.isna(value):
        return ""
    return pd.Timestamp(value).date().isoformat()


def local_date(value) -> str:
    """``dd.mm.yyyy`` of a date-like cell (the app's format), ``""`` when missing."""
    if value is None or pd.isna(value):
        return ""
    return pd.Timestamp(value).strftime("%d.%m.%Y")


class Links:
    """Absolute URLs of the site (``site``) and the app (``app``), without trailing slash."""

    def __init__(self, site: str, app: str) -> None:
        self.site = site.rstrip("/")
        self.app = app.rstrip("/")

    def page(self, kind: str, key: str, lang: str) -> str:
        return f"{self.site}/{site_page_path(kind, key, lang)}"

    def index(self, lang: str) -> str:
        return f"{self.site}/{lang}/index.html"

    def root(self, path: str) -> str:
        return f"{self.site}/{path}"

    def alternates(self, kind: str, key: str) -> list[dict]:
        return [{"lang": code, "url": self.page(kind, key, code)} for code in LANGUAGES]

    def index_alternates(self) -> list[dict]:
        return [{"lang": code, "url": self.index(code)} for code in LANGUAGES]


def head(
    lang: str,
    title: str,
    description: str,
    url: str,
    alternates: list[dict],
    image: str = "",
    og_type: str = "website",
) -> dict:
    """The ``<head>`` facts every page carries (title, description, OG/Twitter, hreflang)."""
    return {
        "lang": lang,
        "title": title,
        "description": description,
        "canonical": url,
        "alternates": alternates,
        "x_default": alternates[0]["url"],
        "image": image,
        "og_type": og_type,
        "og_locale": OG_LOCALES[lang],
        "og_alternate_locales": [OG_LOCALES[a["lang"]] for a in alternates if a["lang"] != lang],
        "site_name": text("site_title", lang),
    }


# -- offering pages -----------------------------------------------------------------------


def availability(row, lang: str) -> dict:
    """Event dates (``dd.mm.yyyy``) or opening months of a row, in ``lang``."""
    start, end = local_date(row.get("event_start")), local_date(row.get("event_end"))
    if start or end:
        return {
            "kind": "event_dates",
            "text": " – ".join(dict.fromkeys(d for d in (start, end) if d)),
        }
    mask = row.get("months_mask")
    months = months_from_mask(int(mask) if mask is not None and not pd.isna(mask) else 0)
    if not months:
        return {"kind": "months", "text": text("not_stated", lang)}
    if len(months) == 12:
        return {"kind": "months", "text": text("all_year", lang)}
    return {"kind": "months", "text": ", ".join(MONTH_NAMES[lang][m - 1] for m in months)}


def access_words(row, lang: str) -> list[str]:
    """Accessibility words of an offering: the wheelchair level as stated, family, pets and
    the facts of :data:`catalogue.model.ACCESS_FACTS` stated as yes (unknown says nothing)."""
    level = wheelchair_cell(row.get("wheelchair"))
    words = [wheelchair_label(level, lang).lower()] if level else []
    words += [text(f, lang) for f in ("family", "pets") if flag(row.get(f))]
    return words + [ACCESS_LABELS[f][lang].lower() for f in ACCESS_FACTS if flag(row.get(f))]


def badges_of(row, lang: str) -> list[dict]:
    """The badges an offering holds, each ``{label, url}`` (the list that awards it)."""
    held = [BADGE_BY_SLUG[b] for b in clean(row.get("badges")).split(";") if b in BADGE_BY_SLUG]
    return [{"label": b.label(lang), "url": b.source} for b in held]


def offer_jsonld(
    row, lang: str, name: str, description: str, url: str, image: str, photo: dict | None = None
) -> dict:
    """schema.org JSON-LD of an offering, typed by category (``SCHEMA_TYPES``); the photo's
    author and licence, where known, go into an ``ImageObject``."""
    kind = SCHEMA_TYPES[clean(row.get("category"))]
    lat, lon = float(row["lat"]), float(row["lon"])
    place: dict = {
        "geo": {"@type": "GeoCoordinates", "latitude": lat, "longitude": lon},
    }
    address = clean(row.get("address"))
    if address:
        place["address"] = {
            "@type": "PostalAddress",
            "streetAddress": address,
            "addressCountry": "PL",
        }
    teryt = clean(row.get("district_teryt"))
    if teryt:
        place["containedInPlace"] = {
            "@type": "AdministrativeArea",
            "name": district_name(teryt, lang),
            "identifier": f"TERYT {teryt}",
        }
    doc: dict = {
        "@context": "https://schema.org",
        "@type": kind,
        "@id": f"{url}#offering",
        "name": name,
        "url": url,
        "inLanguage": lang,
    }
    if description:
        doc["description"] = description
    if image:
        doc["image"] = image
        author = str((photo or {}).get("author") or "")
        licence = LICENCE_BY_SLUG.get(str((photo or {}).get("licence") or ""))
        if author or licence:
            picture: dict = {"@type": "ImageObject", "contentUrl": image, "url": image}
            if author:
                picture["creditText"] = author
            if licence and licence.url:
                picture["license"] = licence.url
            doc["image"] = picture
    free = flag(row.get("free"))
    if free is not None:
        doc["isAccessibleForFree"] = free
    same_as = [url for url in (http_url(row.get("website")), *link_urls(row).values()) if url]
    if same_as:
        doc["sameAs"] = same_as[0] if len(same_as) == 1 else same_as
    if kind == "Event":
        doc["startDate"] = iso_date(row.get("event_start")) or iso_date(row.get("event_end"))
        end = iso_date(row.get("event_end"))
        if end:
            doc["endDate"] = end
        doc["eventAttendanceMode"] = "https://schema.org/OfflineEventAttendanceMode"
        doc["location"] = {"@type": "Place", "name": address or name, **place}
        partner = clean(row.get("partner_name"))
        if partner:
            doc["organizer"] = {"@type": "Organization", "name": partner}
        if not doc["startDate"]:
            del doc["startDate"]
    else:
        doc.update(place)
        for field, prop in (("phone", "telephone"), ("email", "email")):
            value = clean(row.get(field))
            if value and kind != "TouristAttraction":
                doc[prop] = value
    return doc


def offer_context(
    row,
    lang: str,
    links: Links,
    nearby: list[dict],
    photo: dict | None,
) -> dict:
    """Everything an offering page in ``lang`` shows (JSON-able; see ``offer.html``).

    ``nearby`` are rows ``{id, names{lang}, km}``; ``photo`` ``{file, width, height}`` of the
    first reviewed photo, or None.
    """
    pid = clean(row["id"])
    name, name_fallback = localised(row, "name", lang)
    description, description_fallback = localised(row, "description", lang)
    category = clean(row.get("category"))
    teryt = clean(row.get("district_teryt"))
    url = links.page("offer", pid, lang)
    image = links.root(f"photos/{photo['file']}") if photo else ""
    district = district_name(teryt, lang) if teryt else ""
    sector = clean(row.get("partner_sector"))
    partner_id = clean(row.get("partner_id"))
    partner_name = clean(row.get("partner_name"))
    lat, lon = float(row["lat"]), float(row["lon"])
    meta = summary(description) or f"{category_label(category, lang)} · {district}".strip(" ·")
    return {
        "head": head(
            lang,
            f"{name} · {district}" if district else name,
            meta,
            url,
            links.alternates("offer", pid),
            image,
            "place",
        ),
        "home": links.index(lang),
        "id": pid,
        "name": name,
        "name_fallback": name_fallback,
        "description": description,
        "description_fallback": description_fallback,
        "category": category,
        "category_label": category_label(category, lang),
        "district": {"name": district, "url": links.page("district", teryt, lang)}
        if teryt
        else None,
        "partner": {
            "name": partner_name,
            "url": links.page("partner", partner_id, lang) if partner_id else "",
            "sector": sector_label(sector, lang) if sector else "",
            "social": sector == "social_economy",
        }
        if partner_name
        else None,
        "address": clean(row.get("address")),
        "website": http_url(row.get("website")),
        "email": clean(row.get("email")),
        "phones": phone_list(row.get("phone")),
        "links": [
            {"label": link_label(name, lang), "url": url} for name, url in link_urls(row).items()
        ],
        "price": price_for_reader(clean(row.get("price")), flag(row.get("free")), lang),
        "availability": availability(row, lang),
        "access": access_words(row, lang),
        "hours": describe(clean(row.get("opening_hours")), lang),
        "badges": badges_of(row, lang),
        "text_credit": credit_line(
            "text", clean(row.get("text_author")), clean(row.get("text_licence")), lang
        ),
        "languages": [x for x in clean(row.get("languages")).split(";") if x],
        "tags": [x for x in clean(row.get("tags")).split(";") if x],
        "directions": {
            "osm": f"https://www.openstreetmap.org/directions?route=%3B{lat:.6f}%2C{lon:.6f}"
            f"#map=15/{lat:.5f}/{lon:.5f}",
            "google": f"https://www.google.com/maps/dir/?api=1&destination={lat:.6f},{lon:.6f}",
        },
        "nearby": [
            {
                "name": n["names"][lang],
                "url": links.page("offer", n["id"], lang),
                "km": f"{n['km']:.1f}".replace(".", "," if lang != "en" else "."),
            }
            for n in nearby
        ],
        "map_url": app_product_link(pid, links.app, lang=lang),
        "photo": {
            "url": image,
            "width": photo["width"],
            "height": photo["height"],
            "alt": text("photo_of", lang, name=name),
            "credit": credit_line("photo", photo.get("author", ""), photo.get("licence", ""), lang),
        }
        if photo
        else None,
        "jsonld": script_json(offer_jsonld(row, lang, name, description, url, image, photo)),
    }


# -- partner, district and index pages ---------------------------------------------------


# The columns entry() reads: list pages are keyed by their rows' hashes over these only, so
# an edit of a description does not re-render the partner's and the district's lists.
ENTRY_COLUMNS: tuple[str, ...] = (
    "id",
    "category",
    "district_teryt",
    *(f"name_{lang}" for lang in LANGUAGES),
)


def entry(row, lang: str, links: Links) -> dict:
    """A line of a list page: an offering's name, category and link in ``lang`` (it reads
    only :data:`ENTRY_COLUMNS`)."""
    name, _ = localised(row, "name", lang)
    teryt = clean(row.get("district_teryt"))
    return {
        "name": name,
        "url": links.page("offer", clean(row["id"]), lang),
        "category": category_label(clean(row["category"]), lang),
        "district": district_name(teryt, lang) if teryt else "",
    }


def _legal_form(partner, lang: str) -> str:
    """The legal form from the fixed list in ``lang``, else as the partner wrote it."""
    code = clean(partner.get("legal_form_code"))
    if code in LEGAL_FORM_BY_SLUG:
        return LEGAL_FORM_BY_SLUG[code].label(lang)
    return clean(partner.get("legal_form"))


def _identity(partner, lang: str) -> dict | None:
    """The partner page's registration block (:func:`catalogue.identity.describe_identity`),
    or None when nothing of it is known."""
    found = describe_identity(partner, lang)
    if not (found["status"] or found["owes"] or found["registers"]):
        return None
    return {
        "title": IDENTITY_LABELS["registers"][lang],
        "status": found["status"],
        "owes": f"{IDENTITY_LABELS['owes'][lang]}: {found['owes']}" if found["owes"] else "",
        "registers": [{"text": text, "url": url} for text, url in found["registers"]],
    }


def _identity_jsonld(partner) -> dict:
    """schema.org ``taxID`` (NIP) and ``identifier`` (KRS, REGON) where stored and valid."""
    out: dict = {}
    ids = []
    for kind in ("nip", "krs", "regon"):
        try:
            found = register_links(**{kind: clean(partner.get(kind))})
        except ValueError:
            continue
        for _key, number, _url in found:
            if kind == "nip":
                out["taxID"] = number
            else:
                ids.append({"@type": "PropertyValue", "propertyID": kind.upper(), "value": number})
    if ids:
        out["identifier"] = ids
    return out


def partner_context(partner, offers: list[dict], lang: str, links: Links) -> dict:
    """A partner page: name, sector (social economy marked), contact, description and
    offerings. The contact is shown as ``offer.html`` shows an offering's (autoescaped)."""
    pid = clean(partner["id"])
    website = http_url(partner.get("website"))
    email = clean(partner.get("email"))
    phones = phone_list(partner.get("phone"))
    contact: dict = {}
    if email:
        contact["email"] = email
    if phones:
        contact["telephone"] = phones[0] if len(phones) == 1 else phones
    sector = clean(partner.get("sector"))
    description, fallback = localised(partner, "description", lang)
    sector_text = sector_label(sector, lang) if sector else ""
    name = clean(partner["name"])
    meta = summary(description) or text(
        "partner_description", lang, name=name, sector=sector_text, n=len(offers)
    )
    return {
        "head": head(
            lang, name, meta, links.page("partner", pid, lang), links.alternates("partner", pid)
        ),
        "home": links.index(lang),
        "name": name,
        "sector": sector_text,
        "social": sector == "social_economy",
        "social_note": SECTOR_EXPLANATIONS["social_economy"][lang]
        if sector == "social_economy"
        else "",
        "member": bool(flag(partner.get("member"))),
        "legal_form": _legal_form(partner, lang),
        "identity": _identity(partner, lang),
        "website": website,
        "email": email,
        "phones": phones,
        "description": description,
        "description_fallback": fallback,
        "offers": offers,
        "jsonld": script_json(
            {
                "@context": "https://schema.org",
                "@type": "Organization",
                "@id": f"{links.page('partner', pid, lang)}#organization",
                "name": name,
                "url": links.page("partner", pid, lang),
                **({"sameAs": website} if website else {}),
                **contact,
                **_identity_jsonld(partner),
                **({"description": description} if description else {}),
            }
        ),
    }


def district_context(teryt: str, offers: list[dict], lang: str, links: Links) -> dict:
    """A district page: its offerings grouped by category (``offers`` already sorted)."""
    name = district_name(teryt, lang)
    groups: dict[str, list[dict]] = {}
    for item in offers:
        groups.setdefault(item["category"], []).append(item)
    return {
        "head": head(
            lang,
            name,
            text("district_description", lang, name=name, n=len(offers)),
            links.page("district", teryt, lang),
            links.alternates("district", teryt),
        ),
        "home": links.index(lang),
        "name": name,
        "count": len(offers),
        "groups": [{"category": c, "offers": items} for c, items in sorted(groups.items())],
        "jsonld": script_json(
            {
                "@context": "https://schema.org",
                "@type": "AdministrativeArea",
                "name": name,
                "identifier": f"TERYT {teryt}",
                "url": links.page("district", teryt, lang),
            }
        ),
    }


def index_context(
    lang: str,
    links: Links,
    count: int,
    districts: list[dict],
    partners: list[dict],
    data_files: list[dict],
    licence: dict,
) -> dict:
    """The index page: the single-file map, search, districts, partners and open data."""
    title = text("site_title", lang)
    return {
        "head": head(
            lang,
            f"{title} · {text('cluster_name', lang)}",
            text("index_description", lang, n=count),
            links.index(lang),
            links.index_alternates(),
        ),
        "home": links.index(lang),
        "title": title,
        "count": count,
        "districts": districts,
        "partners": partners,
        "data_files": data_files,
        "licence": licence,
        "languages": [{"lang": c, "url": links.index(c)} for c in LANGUAGES],
        "jsonld": script_json(
            {
                "@context": "https://schema.org",
                "@type": "WebSite",
                "name": title,
                "url": links.index(lang),
                "inLanguage": lang,
                "publisher": {"@type": "Organization", "name": text("cluster_name", lang)},
            }
        ),
    }
