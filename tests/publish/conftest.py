"""Publisher fixtures: the sample catalogue plus offerings in every state, built once per
module into a temporary site.

Besides the bundled sample (real places, catalogue/sample/README.md) the store holds
offerings that must never be public (pending, rejected, archived, all named ``NOT-PUBLIC…``),
a published offering with a reviewed photo and a later, unreviewed one, an event, and a
published offering with the hostile name below. Photos are generated solid-colour PNGs.
"""

from __future__ import annotations

import io
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from catalogue.model import Product
from catalogue.sample_loading import load_sample_catalogue
from catalogue.storage import CatalogueStore
from publish import build_site

HOSTILE = "</script><img src=x onerror=alert(1)>${alert(2)}"
SITE = "https://mapa.example.org/site"
APP = "https://mapa.example.org"


def png(colour: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buf, "PNG")
    return buf.getvalue()


# The author of the reviewed photo: partner text, so it must come out escaped everywhere.
PHOTO_AUTHOR = "Koło <b>Gospodyń</b> & Co"


def offering(pid: str, name: str, **extra) -> Product:
    # Real coordinates in Jarosław (rynek), district and gmina as the importer derives them.
    values = dict(
        id=pid, name_pl=name, category="heritage", lat=50.0163, lon=22.6777,
        district_teryt="1804", gmina_teryt="1804011", description_pl="Opis " + name,
    )  # fmt: skip
    values.update(extra)
    return Product(**values)


def publish_new(store: CatalogueStore, product: Product) -> str:
    """Submit and approve ``product``; returns its edit token."""
    token = store.submit_new(product, submitted_by="partner")
    store.approve(store.pending_revision(product.id)["id"], actor="anna")
    return token


def populate(store: CatalogueStore) -> dict:
    """Sample plus the special offerings; returns their ids, tokens and photo ids."""
    from catalogue.photos import store_photo

    store.create_schema()
    load_sample_catalogue(store)
    pending = offering("x-pending", "NOT-PUBLIC pending")
    store.submit_new(pending, submitted_by="partner")
    rejected = offering("x-rejected", "NOT-PUBLIC rejected")
    store.submit_new(rejected, submitted_by="partner")
    store.reject(store.pending_revision("x-rejected")["id"], "anna", "duplicate")
    archived = offering("x-archived", "NOT-PUBLIC archived")
    publish_new(store, archived)
    store.archive("x-archived", "anna")
    photo_token = publish_new(
        store,
        offering(
            "x-photo", "Rynek w Jarosławiu (zdjęcia)", text_author="Stowarzyszenie Testowe",
            text_licence="CC-BY-SA-4.0",
        ),
    )  # fmt: skip
    reviewed = store_photo(png("green"), "ok.png")
    store.add_photos(
        "x-photo", [reviewed], actor="partner", author=PHOTO_AUTHOR, licence="CC-BY-4.0"
    )
    store.approve(store.pending_revision("x-photo")["id"], actor="anna")
    unreviewed = store_photo(png("red"), "later.png")
    store.add_photos("x-photo", [unreviewed], actor="partner")
    publish_new(
        store,
        offering(
            "x-event", "Jarmark Jarosławski (test)", category="events",
            event_start=__import__("datetime").date(2027, 8, 14),
            event_end=__import__("datetime").date(2027, 8, 16), free=True,
            event_rrule="FREQ=YEARLY",
        ),
    )  # fmt: skip
    publish_new(
        store,
        offering("x-hostile", HOSTILE, description_pl=f"{HOSTILE} </script><b>bold</b> & co"),
    )
    return {
        "photo_token": photo_token,
        "reviewed_photo": reviewed.id,
        "unreviewed_photo": unreviewed.id,
    }


@pytest.fixture(scope="module")
def photo_env(tmp_path_factory):
    old = os.environ.get("CATALOGUE_PHOTOS")
    os.environ["CATALOGUE_PHOTOS"] = str(tmp_path_factory.mktemp("photos"))
    yield
    if old is None:
        os.environ.pop("CATALOGUE_PHOTOS", None)
    else:
        os.environ["CATALOGUE_PHOTOS"] = old


@pytest.fixture(scope="module")
def built(tmp_path_factory, photo_env):
    """(store, site directory, facts) after one build of the populated store."""
    root = tmp_path_factory.mktemp("publish")
    store = CatalogueStore(f"sqlite:///{root / 'catalogue.sqlite'}")
    facts = populate(store)
    out = root / "site"
    build_site(store, out, base_url=APP, site_url=SITE)
    yield store, out, facts
    store.dispose()


def site_files(out: Path) -> dict[str, Path]:
    """Every file of the site by its path relative to the site root."""
    # os.walk follows the version's symlinked offering folders (publish.pagestore).
    files = {}
    for folder, _dirs, names in os.walk(out, followlinks=True):
        for name in names:
            path = Path(folder) / name
            if path.is_file():
                files[path.relative_to(out).as_posix()] = path
    return files


class Head(HTMLParser):
    """``<html lang>``, the title, meta tags, links and JSON-LD blocks of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = ""
        self.title = ""
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict] = []
        self.jsonld: list[str] = []
        self.h1 = ""
        self._in = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang", "")
        elif tag == "meta":
            key = a.get("property") or a.get("name")
            if key:
                self.meta.setdefault(key, []).append(a.get("content", ""))
        elif tag == "link":
            self.links.append(a)
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in = "jsonld"
            self.jsonld.append("")
        elif tag in ("title", "h1"):
            self._in = tag

    def handle_endtag(self, tag):
        self._in = ""

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "h1":
            self.h1 += data
        elif self._in == "jsonld":
            self.jsonld[-1] += data


def parse_head(data: bytes | str) -> Head:
    parser = Head()
    parser.feed(data.decode("utf-8") if isinstance(data, bytes) else data)
    return parser


def mentions(data: bytes, pid: str) -> bool:
    """Whether a file names offering ``pid`` (links or ids)."""
    pattern = rb"(?<![\w.-])" + re.escape(pid.encode()) + rb"(?![\w-])"
    return re.search(pattern, data) is not None
