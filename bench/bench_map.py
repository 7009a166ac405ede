"""Map: the app's map against the naive folium way and against the data floor.

App: :func:`mapview.builder.render_product_map` with the map page's own options, then the
arguments ``st_folium`` would send (base map script + the product feature group, exactly
as ``streamlit_folium.st_folium`` prepares them; its component call is captured instead of
sent). Naive: one ``folium.Marker`` with a ~300-character ``folium.Popup`` per product in a
``MarkerCluster``, rendered to HTML. Floor: compact JSON of id, name, category, lat, lon.
"""

from __future__ import annotations

import contextlib
import gc
import html
import inspect
import json
import logging
import time

from bench.common import (
    Options,
    Section,
    Target,
    Workspace,
    frame_for,
    log,
    median,
    median_time,
    megabytes,
    profile_text,
    ratio,
    seconds,
    table,
)
from bench.synthetic import floor_json

# The map page's call (ui/pages/map_page.py): Polish, the default base with nothing
# configured (the schematic offline base), nothing selected.
APP_OPTIONS = {
    "lang": "pl",
    "basemap": "offline",
    "selected_id": None,
    "legend_title": "Legenda",
    "social_economy_label": "★ Ekonomia społeczna",
    "fit_to_results": True,
}
RETURNED_OBJECTS = [
    "last_object_clicked",
    "last_object_clicked_count",
    "last_object_clicked_tooltip",
]


def app_options() -> dict:
    """APP_OPTIONS limited to what this version of render_product_map accepts."""
    from mapview.builder import render_product_map

    accepted = inspect.signature(render_product_map).parameters
    return {k: v for k, v in APP_OPTIONS.items() if k in accepted}


@contextlib.contextmanager
def captured_component():
    """Make ``st_folium`` hand its component arguments to us instead of Streamlit."""
    import streamlit_folium

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    sent: dict = {}
    original = streamlit_folium._component_func
    streamlit_folium._component_func = lambda **kwargs: sent.update(kwargs) or None
    try:
        yield sent
    finally:
        streamlit_folium._component_func = original


def st_folium_args(product_map) -> dict:
    """What the page's ``st_folium`` call sends for ``product_map`` (JSON-able arguments)."""
    from streamlit_folium import st_folium

    with captured_component() as sent:
        st_folium(
            product_map.base,
            key="product_map",
            feature_group_to_add=product_map.products,
            returned_objects=RETURNED_OBJECTS,
            height=560,
            use_container_width=True,
        )
    return {k: v for k, v in sent.items() if k not in ("on_change", "key")}


def payload_bytes(args: dict) -> int:
    # Streamlit serialises component arguments with json.dumps (ASCII escapes) per message.
    return len(json.dumps(args).encode("utf-8"))


def build_only(frame):
    from mapview.builder import render_product_map

    return render_product_map(frame, **app_options())


def app_map(frame) -> tuple[object, dict]:
    from mapview.builder import render_product_map

    product_map = render_product_map(frame, **app_options())
    return product_map, st_folium_args(product_map)


def app_html(frame) -> str:
    from mapview.builder import map_html, render_product_map

    return map_html(render_product_map(frame, **app_options()))


def timed_app_map(frame, repeats: int) -> tuple[float, float, float, dict]:
    """Medians of build, st_folium arguments and both, each pair timed in the same run."""
    builds, preps, totals, args = [], [], [], {}
    for _ in range(max(1, repeats)):
        gc.collect()
        start = time.perf_counter()
        product_map = build_only(frame)
        built = time.perf_counter()
        args = st_folium_args(product_map)
        done = time.perf_counter()
        builds.append(built - start)
        preps.append(done - built)
        totals.append(done - start)
    return median(builds), median(preps), median(totals), args


def naive_html(frame) -> str:
    """The obvious folium map: a Marker and a Popup of the description per product."""
    import folium
    from folium.plugins import MarkerCluster

    fmap = folium.Map(location=[49.95, 22.75], zoom_start=9)
    cluster = MarkerCluster().add_to(fmap)
    for name, text, lat, lon in zip(
        frame["name_pl"], frame["description_pl"], frame["lat"], frame["lon"], strict=True
    ):
        popup = folium.Popup(
            f"<b>{html.escape(str(name))}</b><br>{html.escape(str(text))}", max_width=300
        )
        folium.Marker([float(lat), float(lon)], popup=popup).add_to(cluster)
    return fmap.get_root().render()


def run(options: Options, workspace: Workspace) -> Section:
    rows, results = [], {}
    for size in options.sizes:
        frame = frame_for(workspace.db(size))
        log(f"map: {size:,} products")
        app_map(frame)  # warm folium's templates and the district layer cache
        build_s, args_s, total_s, args = timed_app_map(frame, options.repeats)
        html_bytes = len(app_html(frame).encode("utf-8"))
        payload = payload_bytes(args)
        floor = len(floor_json(frame))
        naive_s = naive_bytes = None
        if size <= 10_000 or options.naive_50k:
            log(f"map: naive folium at {size:,} (slow)")
            naive_s, _, text = median_time(
                lambda frame=frame: naive_html(frame), options.repeats if size < 50_000 else 1
            )
            naive_bytes = len(text.encode("utf-8"))
            del text
        results[size] = {
            "build_s": build_s,
            "total_s": total_s,
            "html": html_bytes,
            "payload": payload,
            "floor": floor,
            "naive_s": naive_s,
            "naive_html": naive_bytes,
        }
        rows.append(
            [
                f"{size:,}",
                seconds(build_s),
                seconds(args_s),
                seconds(total_s),
                seconds(naive_s) if naive_s else "skipped",
                ratio(total_s, naive_s),
                ratio(naive_s, total_s),
                megabytes(html_bytes),
                megabytes(payload),
                megabytes(naive_bytes),
                megabytes(floor),
                ratio(html_bytes, floor),
                ratio(payload, floor),
            ]
        )
    body = table(
        [
            "products",
            "app build",
            "st_folium args",
            "app total",
            "naive build + render",
            "app/naive time",
            "speed-up",
            "app HTML",
            "st_folium payload",
            "naive HTML",
            "floor JSON",
            "HTML/floor",
            "payload/floor",
        ],
        rows,
    )
    section = Section("1. Map: app vs naive vs floor", body)
    fixed = len(app_html(frame.iloc[:0]).encode("utf-8"))
    smallest = min(results)
    share = fixed / results[smallest]["html"]
    section.notes.append(
        f"The page without products (tiles, district outlines, labels, legend, styles, the "
        f"layer's code) is {fixed / 1000:.0f} kB, {share:.0%} of the page at {smallest:,} "
        "products, which is why HTML/floor is highest there; per product the app sends less "
        "than the floor (a category index instead of its name)."
    )
    section.notes.append(
        "app build = `render_product_map` with the map page's options; st_folium args = the "
        "work `st_folium` does before handing the map to the browser (base-map script, "
        "feature-group script, links, hash); app HTML = the standalone page (`map_html`); "
        "st_folium payload = those arguments JSON-encoded as Streamlit sends them (non-ASCII "
        "escaped as `\\uXXXX`). Floor = `[id, name, category, lat, lon]` per product, compact "
        "UTF-8 JSON, coordinates to 5 decimals."
    )
    if not options.naive_50k and 50_000 in options.sizes:
        section.notes.append(
            "The naive map at 50,000 is skipped by default (`--skip-naive-50k`; ~70 s and "
            "1.7 GB per NOTES.md); `--naive-50k` runs it once."
        )
    at10 = results.get(10_000)
    if at10:
        html_ratio = at10["html"] / at10["floor"]
        section.targets.append(
            Target(
                "10,000: map HTML ≤ 1.3× floor",
                f"{html_ratio:.2f}× ({megabytes(at10['html'])} vs {megabytes(at10['floor'])})",
                "≤ 1.3×",
                html_ratio <= 1.3,
                f"st_folium payload {at10['payload'] / at10['floor']:.2f}× floor",
            )
        )
        if at10["naive_s"]:
            speedup = at10["naive_s"] / at10["total_s"]
            section.targets.append(
                Target(
                    "10,000: build + render ≥ 20× faster than naive",
                    f"{speedup:.0f}× ({seconds(at10['total_s'])} vs {seconds(at10['naive_s'])})",
                    "≥ 20×",
                    speedup >= 20,
                )
            )
        missed = any(t.met is False for t in section.targets)
        if missed or options.profile:
            frame = frame_for(workspace.db(10_000))
            section.profiles["app map at 10,000 (render_product_map + st_folium args)"] = (
                profile_text(lambda: app_map(frame))
            )
    return section
