"""Through Streamlit: the map page's reruns under ``streamlit.testing.v1.AppTest``.

The app runs on a temporary SQLite database of the synthetic catalogue (``CATALOGUE_DB``).
Measured per size: the first script run (the catalogue frame is read and prepared once per
catalogue version, then cached), a rerun with nothing changed, and filter changes (a search
typed into ``f_q`` and cleared, a category chosen in ``f_cat`` and removed). The page's own
steps are timed by wrapping the functions it imports (they are looked up on every rerun):
``published_products``, ``apply_filter``, ``sort_products``, ``render_product_map`` and
``st_folium``; "map arguments ready" is from ``at.run()`` to the end of ``st_folium``.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import time

from bench.common import (
    REPO_ROOT,
    Options,
    Section,
    Target,
    Workspace,
    frame_for,
    log,
    median,
    median_time,
    seconds,
    table,
)

SEARCH = "agroturystyka"
CATEGORY = "food"
# app.py calls current_language() early in every run: profiles start there.
PROFILE_FROM = "current_language"
STEPS: tuple[tuple[str, str], ...] = (
    ("ui.state", "current_language"),
    ("ui.state", "published_products"),
    ("catalogue.filters", "apply_filter"),
    ("catalogue.filters", "sort_products"),
    ("mapview.builder", "render_product_map"),
    ("streamlit_folium", "st_folium"),
)
TABLE_STEPS = STEPS[1:]


class Recorder:
    """Wraps the page's steps; keeps (step, start, end) of the current rerun."""

    def __init__(self) -> None:
        self.events: list[tuple[str, float, float]] = []
        self.profile_next = False
        self.profile_text: str | None = None
        self._profiler = None

    def wrap(self, name: str, fn):
        @functools.wraps(fn)
        def timed(*args, **kwargs):
            if name == PROFILE_FROM and self.profile_next and self._profiler is None:
                from pyinstrument import Profiler

                # AppTest runs the script in its own thread; a profiler started here samples
                # that thread, from app.py's first lines to the map arguments being ready.
                self._profiler = Profiler(interval=0.0005)
                self._profiler.start()
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.events.append((name, start, time.perf_counter()))
                if name == "st_folium" and self._profiler is not None:
                    self._profiler.stop()
                    self.profile_text = self._profiler.output_text(
                        unicode=True, color=False, show_all=False
                    )
                    self._profiler = None
                    self.profile_next = False

        return timed


@contextlib.contextmanager
def instrumented(recorder: Recorder):
    import importlib

    originals = []
    for module_name, attr in STEPS:
        module = importlib.import_module(module_name)
        original = getattr(module, attr)
        originals.append((module, attr, original))
        setattr(module, attr, recorder.wrap(attr, original))
    try:
        yield
    finally:
        for module, attr, original in originals:
            setattr(module, attr, original)


def timed_run(at, recorder: Recorder) -> dict:
    """One ``at.run()``: total, map-arguments-ready and per-step seconds."""
    recorder.events.clear()
    start = time.perf_counter()
    at.run()
    total = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(f"the app raised: {[e.value for e in at.exception]}")
    steps: dict[str, float] = {}
    for name, s, e in recorder.events:
        steps[name] = steps.get(name, 0.0) + (e - s)
    folium_end = max((e for n, _, e in recorder.events if n == "st_folium"), default=None)
    return {
        "total": total,
        "ready": (folium_end - start) if folium_end else float("nan"),
        "steps": steps,
    }


def new_app(db_path) -> object:
    from streamlit.testing.v1 import AppTest

    os.environ["CATALOGUE_DB"] = str(db_path)
    os.environ.pop("DATABASE_URL", None)
    return AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=900)


def measure_size(db_path, repeats: int, recorder: Recorder, profile: bool) -> dict:
    at = new_app(db_path)
    first = timed_run(at, recorder)
    warm = [timed_run(at, recorder) for _ in range(repeats)]
    changes = []
    for i in range(repeats):
        if profile and i == repeats - 1:
            recorder.profile_next = True
        at.text_input(key="f_q").set_value(SEARCH)
        changes.append(timed_run(at, recorder))
        at.text_input(key="f_q").set_value("")
        changes.append(timed_run(at, recorder))
        at.multiselect(key="f_cat").set_value([CATEGORY])
        changes.append(timed_run(at, recorder))
        at.multiselect(key="f_cat").set_value([])
        changes.append(timed_run(at, recorder))
    return {"first": first, "warm": warm, "changes": changes}


def unpickle_seconds(db_path, repeats: int) -> float:
    """What ``st.cache_data`` pays per rerun to hand out its copy of the catalogue frame."""
    import pickle

    blob = pickle.dumps(frame_for(db_path))
    return median_time(lambda: pickle.loads(blob), repeats)[0]  # noqa: S301 - our own bytes


def run(options: Options, workspace: Workspace) -> Section:
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    old_cwd, old_db = os.getcwd(), os.environ.get("CATALOGUE_DB")
    os.chdir(REPO_ROOT)  # app.py's page paths are relative to the repository root
    recorder = Recorder()
    results: dict[int, dict] = {}
    profiles: dict[str, str] = {}
    try:
        with instrumented(recorder):
            # Imports, Streamlit's first script run and the sample catalogue are paid here,
            # so the sizes below measure the app, not the interpreter warming up.
            log("streamlit: warm-up on the sample catalogue")
            timed_run(new_app(workspace.root / "warmup-sample.sqlite"), recorder)
            for size in options.sizes:
                log(f"streamlit: {size:,} products")
                profile = options.profile or size == max(options.sizes)
                results[size] = measure_size(workspace.db(size), options.repeats, recorder, profile)
                results[size]["unpickle"] = unpickle_seconds(workspace.db(size), options.repeats)
                if recorder.profile_text:
                    profiles[f"filter change at {size:,} (page steps up to st_folium)"] = _trim(
                        recorder.profile_text
                    )
                    recorder.profile_text = None
    finally:
        os.chdir(old_cwd)
        if old_db is None:
            os.environ.pop("CATALOGUE_DB", None)
        else:
            os.environ["CATALOGUE_DB"] = old_db

    rows, step_rows = [], []
    for size, r in results.items():
        change_total = median([c["total"] for c in r["changes"]])
        change_ready = median([c["ready"] for c in r["changes"]])
        warm_total = median([w["total"] for w in r["warm"]])
        step = {
            name: median([c["steps"].get(name, 0.0) for c in r["changes"]])
            for _, name in TABLE_STEPS
        }
        mapping = step["render_product_map"] + step["st_folium"]
        rows.append(
            [
                f"{size:,}",
                seconds(r["first"]["total"]),
                seconds(warm_total),
                seconds(change_total),
                seconds(change_ready),
                seconds(step["st_folium"]),
                seconds(mapping),
            ]
        )
        step_rows.append(
            [f"{size:,}"]
            + [seconds(step[name]) for _, name in TABLE_STEPS]
            + [seconds(change_ready - sum(step.values())), seconds(r["unpickle"])]
        )
        r["summary"] = {"ready": change_ready, "mapping": mapping, "total": change_total}
    body = table(
        [
            "products",
            "first run",
            "rerun, nothing changed",
            "filter change: at.run()",
            "filter change: map args ready",
            "one st_folium call",
            "map part (render_product_map + st_folium)",
        ],
        rows,
    )
    body += (
        "\n\nWhere a filter-change rerun goes (medians, up to the map arguments being ready):\n\n"
    )
    body += table(
        ["products"]
        + [name for _, name in TABLE_STEPS]
        + ["rest of the page and AppTest", "of published_products: cache_data unpickle"],
        step_rows,
    )
    section = Section("2. Through Streamlit (AppTest)", body, profiles=profiles)
    section.notes.append(
        f"Filter changes: search `{SEARCH}` typed and cleared, category `{CATEGORY}` chosen "
        f"and removed; {options.repeats} rounds, so {4 * options.repeats} changed reruns per "
        "size. The first run reads the catalogue and prepares it (folded search text), cached "
        "per catalogue version; a warm-up run on the sample catalogue pays the imports first."
    )
    at10 = results.get(10_000)
    if at10:
        ready = at10["summary"]["ready"]
        section.targets.append(
            Target(
                "10,000: filter change → map arguments ready",
                seconds(ready),
                "< 0.3 s",
                ready < 0.3,
                f"map part alone {seconds(at10['summary']['mapping'])}",
            )
        )
    return section


def _trim(text: str, top: int = 45) -> str:
    lines = [line.rstrip() for line in text.splitlines()]
    start = next((i for i, line in enumerate(lines) if line[:1].isdigit()), 0)
    return "\n".join(lines[start : start + top])
