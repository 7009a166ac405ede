"""What one browser visit costs the server: CPU seconds and resident memory from ``/proc``.

Shared by ``bench.bench_visit`` (CPU and runs per visit) and ``bench.bench_sessions`` (memory
per open session); script runs are counted by ``harness.run_counter`` from the websocket.
"""

from __future__ import annotations

import os
import time

from bench.common import REPO_ROOT  # noqa: F401  (puts the repository on sys.path)
from harness.run_counter import RunCounter, open_map, wait_idle  # noqa: F401

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds the process has used so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


def group_cpu_seconds(group) -> float:
    """User + system CPU seconds of the processes started by ``group`` (the Popen of
    deploy/run-processes.sh: the Streamlit processes are its children)."""
    total = 0.0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # fields[1] is the parent pid, [11] and [12] user and system ticks.
        if int(fields[1]) == group.pid:
            total += (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS
    return total


def rss_mb(pid: int) -> float:
    """Resident memory of the process in MiB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def launch_chromium(playwright):
    return playwright.chromium.launch(
        executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-dev-shm-usage"]
    )


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def touch_catalogue(db_path) -> None:
    """One real write (a product's description edited and saved): bumps the catalogue version
    as an approval or import would."""
    import dataclasses

    from catalogue.storage import CatalogueStore

    store = CatalogueStore(f"sqlite:///{db_path}")
    try:
        product_id = str(store.products_frame()["id"].iloc[0])
        product = store.get_product(product_id)
        edited = dataclasses.replace(
            product, description_pl=f"{product.description_pl} ({time.time():.0f})"
        )
        store.save_products([edited], actor="benchmark", action="edit")
    finally:
        store.dispose()


def start_server(db_path, app_dir=None, extra_env=None, launcher="streamlit"):
    """``streamlit run app.py`` on a free port (``harness.processes.start_app``), from
    ``app_dir`` when given: a plain export of an earlier commit (``git archive``), so the code
    before a change is measured by the same script in the same run. Returns (process, url)."""
    from pathlib import Path

    from harness.processes import start_app

    return start_app(
        Path(db_path),
        extra_env,
        app_dir=Path(app_dir).resolve() if app_dir else None,
        launcher=launcher,
    )
