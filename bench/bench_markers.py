"""The product markers alone in headless Chromium: page → all clustered, and a filter clear.

``.venv/bin/python -m bench.bench_markers [--size 100000] [--repeats 3] [--profile]
[--tree DIR]`` builds the map page for ``size`` synthetic products (points spread over the
districts as in :mod:`bench.synthetic`) with the map code of ``DIR`` (default: this checkout;
give another checkout to compare), inlines Leaflet as the offline map does, and opens it
from ``file://`` with every other request refused. Without Streamlit and the network the
numbers are the browser's own work on the map script:

- **page → all markers**: navigation start until the cluster holds every marker;
- **filter clear**: after a 10% result, the full product layer evaluated as ``st_folium``
  does on a rerun (remove the old layer, ``eval`` the new feature-group script) until every
  marker is clustered again.

Each is given as wall time and as the CPU time of the browser's processes meanwhile (the
machine is shared: wall time grows with the load, CPU time much less). ``--profile`` prints the functions with the most self time (Chrome's CPU profiler) of one
more load. Not part of pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
TIMEOUT_MS = 240_000

# Run inside the tree under test, so an older checkout builds its own page.
_BUILD = r"""
import json, sys
import numpy as np, pandas as pd
from bench.synthetic import sample_points
from catalogue.taxonomy import CATEGORIES
from fairkit.offline import _inline_assets
from mapview.builder import map_html, render_product_map
from streamlit_folium import _get_feature_group_string

n, out = int(sys.argv[1]), sys.argv[2]
rng = np.random.default_rng(20240611)
lats, lons, _ = sample_points(n, rng)
slugs = [c.slug for c in CATEGORIES]
frame = pd.DataFrame({
    "id": [f"p{i}" for i in range(n)],
    "name_pl": [f"Oferta {i} „Pod Lipami”" for i in range(n)],
    "category": [slugs[i % len(slugs)] for i in range(n)],
    "lat": lats, "lon": lons,
    "partner_sector": np.where(rng.random(n) < 0.3, "social_economy", "ngo"),
})
page = _inline_assets(map_html(render_product_map(frame)))
scripts = {}
for name, part in (("all", frame), ("tenth", frame.iloc[: n // 10])):
    pm = render_product_map(part)
    scripts[name] = _get_feature_group_string(pm.products, pm.base)
    scripts[name + "_count"] = len(part)
with open(out + ".html", "w", encoding="utf-8") as f:
    f.write(page)
with open(out + ".json", "w", encoding="utf-8") as f:
    json.dump(scripts, f)
"""

# The cluster's own count: O(1), unlike getLayers(), so polling does not slow the page.
_CLUSTERED_JS = """(wanted) => {
    const c = window.productCluster;
    return !!(c && c._topClusterLevel && c._topClusterLevel.getChildCount() === wanted);
}"""

_RERUN_JS = """(script) => {
    // What streamlit-folium does with a new feature group: drop the old, eval the new.
    if (!window.feature_group && window.productCluster) { window.productCluster.remove(); }
    (window.feature_group || []).forEach(function (l) { window.map_div.removeLayer(l); });
    window.feature_group = [];
    window.productCluster = null;
    window.__rerunStart = performance.now();
    (0, eval)(script);
}"""


def build_page(tree: Path, size: int, workdir: Path) -> tuple[Path, dict]:
    out = workdir / f"markers-{size}"
    subprocess.run(
        [str(REPO_ROOT / ".venv" / "bin" / "python"), "-c", _BUILD, str(size), str(out)],
        cwd=tree,
        check=True,
        env={**os.environ, "PYTHONPATH": str(tree)},
    )
    return out.with_suffix(".html"), json.loads(out.with_suffix(".json").read_text("utf-8"))


def browser_cpu() -> dict[int, float]:
    """CPU seconds (user + system) so far of each Chromium process this process started."""
    parents, comms, cpu = {}, {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        comm_end = stat.rindex(")")
        fields = stat[comm_end + 2 :].split()
        pid = int(entry.name)
        comms[pid] = stat[stat.index("(") + 1 : comm_end]
        parents[pid] = int(fields[1])
        cpu[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    me, ours = os.getpid(), {}
    for pid in cpu:
        ancestor = parents.get(pid)
        while ancestor and ancestor != me:
            ancestor = parents.get(ancestor)
        if ancestor == me and "chrom" in comms[pid]:
            ours[pid] = cpu[pid]
    return ours


def cpu_since(before: dict[int, float]) -> float:
    """CPU seconds the browser's processes used since ``before`` (new processes in full)."""
    return sum(t - before.get(pid, 0.0) for pid, t in browser_cpu().items())


def _page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route(
        "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
    )
    return context.new_page()


def measure(browser, html: Path, scripts: dict, size: int) -> dict:
    page = _page(browser)
    try:
        cpu = browser_cpu()
        page.goto(html.as_uri(), wait_until="commit", timeout=TIMEOUT_MS)
        page.wait_for_function(_CLUSTERED_JS, arg=size, polling=20, timeout=TIMEOUT_MS)
        load = page.evaluate("performance.now()") / 1000
        load_cpu = cpu_since(cpu)
        # The page's map under the name streamlit-folium gives it.
        page.evaluate(
            "() => { window.map_div = Object.values(window).find(v => v instanceof L.Map); }"
        )
        page.evaluate(_RERUN_JS, scripts["tenth"])
        page.wait_for_function(
            _CLUSTERED_JS, arg=scripts["tenth_count"], polling=20, timeout=TIMEOUT_MS
        )
        cpu = browser_cpu()
        page.evaluate(_RERUN_JS, scripts["all"])
        page.wait_for_function(_CLUSTERED_JS, arg=size, polling=20, timeout=TIMEOUT_MS)
        clear = page.evaluate("performance.now() - window.__rerunStart") / 1000
        clear_cpu = cpu_since(cpu)
        return {"load": load, "load_cpu": load_cpu, "clear": clear, "clear_cpu": clear_cpu}
    finally:
        page.context.close()


def profile(browser, html: Path, size: int, top: int = 25) -> str:
    page = _page(browser)
    try:
        cdp = page.context.new_cdp_session(page)
        cdp.send("Profiler.enable")
        cdp.send("Profiler.setSamplingInterval", {"interval": 500})
        cdp.send("Profiler.start")
        page.goto(html.as_uri(), wait_until="commit", timeout=TIMEOUT_MS)
        page.wait_for_function(_CLUSTERED_JS, arg=size, polling=100, timeout=TIMEOUT_MS)
        prof = cdp.send("Profiler.stop")["profile"]
    finally:
        page.context.close()
    by_id = {n["id"]: n for n in prof["nodes"]}
    self_ms: dict[str, float] = defaultdict(float)
    for node_id, delta in zip(prof["samples"], prof["timeDeltas"], strict=True):
        frame = by_id[node_id]["callFrame"]
        where = Path(frame["url"]).name or "-"
        name = f"{frame['functionName'] or '(anonymous)'} {where}:{frame['lineNumber'] + 1}"
        self_ms[name] += delta / 1000
    total = sum(self_ms.values())
    lines = [f"{'self ms':>9}  share  function"]
    for name, ms in sorted(self_ms.items(), key=lambda kv: -kv[1])[:top]:
        lines.append(f"{ms:9.0f}  {ms / total:5.1%}  {name[:110]}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_markers", description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--tree", type=Path, default=REPO_ROOT)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-markers-") as tmp:
        start = time.perf_counter()
        html, scripts = build_page(args.tree.resolve(), args.size, Path(tmp))
        print(f"page built in {time.perf_counter() - start:.1f} s ({html.stat().st_size:,} B)")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
            )
            try:
                runs = [measure(browser, html, scripts, args.size) for _ in range(args.repeats)]
                for key in ("load", "load_cpu", "clear", "clear_cpu"):
                    values = [r[key] for r in runs]
                    print(
                        f"{key}: median {statistics.median(values):.2f} s "
                        f"(runs {', '.join(f'{v:.2f}' for v in values)})"
                    )
                if args.profile:
                    print(profile(browser, html, args.size))
            finally:
                browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
