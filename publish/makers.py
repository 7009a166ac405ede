"""The makers of the site's files: each returns a function that renders one file's bytes, so
that the build renders only the files whose content key changed."""

from __future__ import annotations

import re
from collections.abc import Callable
from xml.sax.saxutils import escape as xml_escape

import pandas as pd

from catalogue.taxonomy import LANGUAGES
from fairkit.offline import offline_map_html
from geodata import fold_text
from publish import rowcache
from publish.pages import Links, district_context, entry, partner_context, render
from publish.text import text


def page_maker(env, template: str, ctx: dict) -> Callable[[], bytes]:
    return lambda: render(env, template, ctx)


def _sorted_entries(rows: list[dict], lang: str, links: Links) -> list[dict]:
    items = [entry(row, lang, links) for row in rows]
    return sorted(items, key=lambda e: (fold_text(e["name"]), e["url"]))


def list_maker(env, kind, subject, rows, lang, links) -> Callable[[], bytes]:
    def make() -> bytes:
        offers = _sorted_entries(rows, lang, links)
        if kind == "partner":
            ctx = partner_context(subject, offers, lang, links)
        else:
            ctx = district_context(subject, offers, lang, links)
        ctx["asset_prefix"] = "../../"
        return render(env, f"{kind}.html", ctx)

    return make


def search_maker(pieces: rowcache.BucketPieces, bucket: str, lang: str) -> Callable[[], bytes]:
    def make() -> bytes:
        of = pieces.of(bucket)
        return rowcache.search_script([of[m]["search"][lang] for m in pieces.members[bucket]])

    return make


def map_data_maker(pieces: rowcache.BucketPieces, bucket: str, lang: str) -> Callable[[], bytes]:
    def make() -> bytes:
        of = pieces.of(bucket)
        shown = [
            (pid, of[pid]["marker"][lang], of[pid]["details"][lang])
            for pid in pieces.members[bucket]
            if lang in of[pid]["marker"]
        ]
        return rowcache.map_script(shown)

    return make


def map_maker(empty: pd.DataFrame, lang: str, as_of, basemap, tiles) -> Callable[[], bytes]:
    def make() -> bytes:
        page = offline_map_html(
            empty,
            lang=lang,
            basemap=basemap,
            as_of=as_of,
            tiles=tiles,
            data_scripts=tuple(f"map/{b}.js" for b in rowcache.BUCKETS),
        )
        # folium names its elements with random ids; number them so that a rebuild of the
        # same catalogue gives the same bytes.
        return _stable_ids(page).encode("utf-8")

    return make


_FOLIUM_ID = re.compile(r"\b([a-z_]+)_([0-9a-f]{32})\b")


def _stable_ids(page: str) -> str:
    seen: dict[str, str] = {}

    def number(match: re.Match) -> str:
        token = match.group(2)
        seen.setdefault(token, f"{len(seen):032x}")
        return f"{match.group(1)}_{seen[token]}"

    return _FOLIUM_ID.sub(number, page)


def root_index(links: Links) -> bytes:
    target = links.index("pl")
    alternates = "\n".join(
        f'<link rel="alternate" hreflang="{c}" href="{links.index(c)}">' for c in LANGUAGES
    )
    choices = " · ".join(
        f'<a href="{c}/index.html" hreflang="{c}">{text("site_title", c)}</a>' for c in LANGUAGES
    )
    page = (
        '<!DOCTYPE html>\n<html lang="pl">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{text('site_title', 'pl')} · {text('cluster_name', 'pl')}</title>\n"
        f'<meta name="description" content="{text("cluster_name", "pl")}">\n'
        f'<link rel="canonical" href="{target}">\n{alternates}\n'
        f'<link rel="alternate" hreflang="x-default" href="{target}">\n'
        '<meta http-equiv="refresh" content="0; url=pl/index.html">\n</head>\n'
        f"<body><p>{choices}</p></body>\n</html>\n"
    )
    return page.encode("utf-8")


def sitemap(html_paths: list[str], links: Links) -> bytes:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for path in html_paths:
        if path.endswith("/map.html"):
            continue
        lines.append(f"<url><loc>{xml_escape(links.root(path))}</loc></url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")
