"""Writes BENCHMARKS.md from the sections of one run."""

from __future__ import annotations

import time

from bench.common import Options, Section, machine_facts, seconds, table

# Kept by hand: what the benchmarks led us to change, with the numbers before and after.
CHANGES = """\
Before → after, measured back to back on this machine while it was shared (load average
6–15), so read the ratios rather than the absolute numbers.

- **Map rerun** (`catalogue/filters.py`, `mapview/builder.py`). A filter change at 10,000
  products had its map arguments ready in 359 ms → 92 ms; at 50,000 in 944 ms → 252 ms;
  one `st_folium` call 65 → 16 ms (10,000) and 215 → 43 ms (50,000).
  - `sort_products` folded every shown name (NFKD per character) on every rerun and copied
    and sorted the whole frame, descriptions and search text included: the Polish sort key
    is now folded once per catalogue version in `prepare_frame` (translations are folded
    only where they exist), and only a small key frame is sorted before one `take`:
    77 → 3 ms at 10,000, 210 → 9 ms at 50,000.
  - `apply_filter` combines plain boolean arrays instead of aligned Series (6 → 1 ms).
  - `product_rows` builds the marker rows column-wise instead of a Python loop with
    `pd.isna` per cell: 36 → 14 ms at 10,000, 202 → 64 ms at 50,000; identical rows.
  - `ProductLayer` puts its finished script in the page as text. branca's `MacroElement`
    wraps every rendered script in `Element(script)`, which compiles it as a Jinja template:
    the whole product JSON was lexed by Jinja on every rerun (0.21 s → 0.01 s at 50,000).
  - The same finding was a **security bug**: a product name containing `{{ … }}` was
    evaluated by Jinja on the server when a standalone page was rendered (`map_html`, the
    offline fair map), and `{#` or `{% … %}` in a name raised `TemplateSyntaxError` and
    broke the map page for every visitor. `_script_json` now writes the `{` of `{{`, `{%`,
    `{#` as `\\u007b` (same text to JavaScript); `tests/mapview/` covers it.
- **First run of a catalogue version** (`prepare_frame`): the search text was joined with a
  row-wise `DataFrame.agg(" ".join, axis=1)` (4.1 s at 50,000); a column-wise `str.cat` gives
  the same strings in 0.36 s. The AppTest first run at 50,000: 20.5 s → 4.9 s.
- **Validation of partner files** (`catalogue/validation/`). A 10,000-row CSV did not
  finish in minutes: every row was compared with every earlier row (O(n²) Python loop,
  a numpy call per pair) and with the whole catalogue (a pandas `dropna`/`assign`/`sort` per
  row); each row also paid two `geodata.locate` calls (~1 ms each, a one-point
  `locate_many`), the gmina lookup folded all 39 names per call, and every cell re-folded its
  header. Now near-duplicates come from a 3-D grid on the unit sphere (cells as wide as the
  200 m duplicate distance, exact haversine only for neighbours), all points of a file are
  located in one `locate_many` call, gmina lookups and `fold()` are memoised, and
  `similar_names` rejects pairs by difflib's cheap upper bounds before `ratio()`. Same
  reports and products as before (checked on the test files, the sample catalogue and a
  stress file with swapped, outside, unparseable and near-duplicate rows). 1,000 rows:
  6.5 s → 0.2 s; 10,000 rows: ≫ 60 s → ~1.4 s.
- Every change keeps the public functions and their results; the equivalence was checked
  against the previous code on the synthetic catalogues (all sort orders and languages,
  random subsets, filters) besides the test suites.
"""

# Kept by hand: what the numbers point at but is outside the files this suite may change.
OPEN = """\
- **Storing an import** (`catalogue/import_store.py`, `save_products`): one `SELECT … IN (…)`
  per 500 ids and executemany writes for every table (issue 16); what remains per row is the
  lifecycle step and the audit entry's JSON of every value (about a sixth of storing).
  `catalogue.importing.import_records` still reads each *updated* product with its own
  `get_product` before storing (one query per updated row; a file of only new rows pays
  nothing).
- **Reading the catalogue** (`CatalogueStore.products_frame`): ~3 s for 50,000 products through
  `.mappings().all()`; building the frame from plain row tuples with column names avoids a
  dict per row. Paid once per catalogue version, by the first visitor after a change.
- **Per-rerun copy of the catalogue** (`ui/state.py`, line 34: `@st.cache_data` on
  `_published_frame`): `st.cache_data` unpickles a fresh copy of the whole prepared frame on
  every rerun (the "cache_data unpickle" column: ~5–14 ms at 10,000, 35–110 ms at 50,000).
  The pages only read it, so `@st.cache_resource` would hand out the same object for free.
- **First visitor after a change at 50,000**: the "1st load" columns of section 3 include
  reading the catalogue (~3 s at 50,000 during development) and preparing it (`fold_text`
  over ~1 KB of text per product, ~2.5 s), roughly doubling the page load.
  `geodata.fold_text` is per-character Python (a `str.translate` or regex variant of the
  combining-mark removal measured no faster); warming the cache when the server starts
  would hide it.
- **Browser**: "Enter → layer script runs" in section 3 is mostly fixed cost outside our
  code (Streamlit's rerun round trip, the new component arguments over the websocket, the
  iframe evaluating the script): about the same at 1,000 as at 10,000 products. Markers and
  clustering grow with the markers shown; with 10,000 or more on the map,
  Leaflet.markercluster's chunked `addLayers` (200 ms chunks with 50 ms pauses) is the
  largest browser-side part of a filter change. If that ever matters: a larger
  `chunkInterval`, a lower `disableClusteringAtZoom`, or clusters computed on the server —
  product decisions, not bugs.
- **Not done on purpose**: rounding marker coordinates to 5 decimals would save ~2 % of the
  bytes, but the page finds a clicked product by its coordinates within 1e-6°
  (`ui/pages/map_page.py`, `product_at`, line 377 today:
  `(shown["lat"] - lat).abs() < 1e-6`), so that tolerance would have to become ~1e-5 first;
  shorter ids would break `productId` in the offline map, the selection focus and the
  tests that read `row[5]`. The HTML is already at the floor.
"""


def targets_table(sections: list[Section]) -> str:
    rows = []
    for section in sections:
        for t in section.targets:
            verdict = "–" if t.met is None else ("**met**" if t.met else "**missed**")
            rows.append([t.name, t.measured, t.goal, verdict, t.note])
    if not rows:
        return "(no targets in the sections run)"
    return table(["target", "measured (median)", "goal", "", "note"], rows, align="lllll")


def render_report(
    sections: list[Section],
    options: Options,
    *,
    command: str,
    elapsed: float,
    load: tuple[str, str],
    build_seconds: dict[int, float],
    seed: int,
) -> str:
    facts = machine_facts()
    machine = table(["", ""], [[k, v] for k, v in facts.items()], align="ll")
    built = ", ".join(f"{n:,}: {seconds(s)}" for n, s in sorted(build_seconds.items()))
    parts = [
        "# Benchmarks",
        "",
        f"Generated by `{command}` on {time.strftime('%Y-%m-%d %H:%M %Z')} "
        f"(suite wall time {seconds(elapsed)}). Every number is the median of "
        f"{options.repeats} runs unless a note says otherwise. Regenerate with the same command; "
        "`--quick` gives a fast check (1,000 and 10,000 products, one run each) and writes "
        "nothing unless `--out FILE` is given. The suite is not part of `pytest`.",
        "",
        "## Machine",
        "",
        machine,
        "",
        f"Load average (1/5/15 min) before → after the run: {load[0]} → {load[1]}. Other "
        "engineers' test runs share this machine, so single numbers can be noisy; medians of "
        "three damp that but do not remove it.",
        "",
        "## Data",
        "",
        f"Synthetic catalogues of {', '.join(f'{n:,}' for n in options.sizes)} published "
        f"products (`bench/synthetic.py`, seed {seed}): points sampled inside the five district "
        "polygons of `geodata.load_districts()` (weighted towards the city of Przemyśl), Polish "
        "names with diacritics built from the region's places (ids are slugs of the names, "
        "as the importer makes them), ~300-character Polish descriptions, ten categories, "
        "partners (one per ten products) in four sectors, months, flags, tags. Each is stored "
        "with `CatalogueStore.save_products` in a temporary SQLite database the app is pointed "
        f"at with `CATALOGUE_DB` (build time per size: {built or 'reused'}).",
        "",
        "## Targets",
        "",
        targets_table(sections),
        "",
    ]
    for section in sections:
        parts += [f"## {section.title}", "", section.body, ""]
        for note in section.notes:
            parts += [note, ""]
    profiles = [(s.title, name, text) for s in sections for name, text in s.profiles.items()]
    if profiles:
        parts += [
            "## Profiles",
            "",
            "pyinstrument call trees (seconds, top frames) of what a target measures; library "
            "internals are folded.",
            "",
        ]
        for _title, name, text in profiles:
            parts += [f"### {name}", "", "```text", text, "```", ""]
    parts += ["## What the benchmarks changed", "", CHANGES, "## What is left", "", OPEN]
    return "\n".join(parts).rstrip() + "\n"
