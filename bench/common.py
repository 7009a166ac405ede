"""Shared pieces of the benchmark suite: timing, the per-run workspace, machine facts, tables."""

from __future__ import annotations

import gc
import importlib.metadata
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

PACKAGES: tuple[str, ...] = (
    "streamlit",
    "streamlit-folium",
    "folium",
    "branca",
    "pandas",
    "numpy",
    "shapely",
    "geopandas",
    "SQLAlchemy",
    "playwright",
    "pyinstrument",
)


def median_time(fn: Callable[[], object], repeats: int) -> tuple[float, list[float], object]:
    """Median wall time of ``repeats`` calls of ``fn``, every time, and the last result.

    A collection runs before each call so garbage from the previous one is not charged to it.
    """
    times, result = [], None
    for _ in range(max(1, repeats)):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times, result


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


@dataclass
class Target:
    """One target of issue #8 with what was measured."""

    name: str
    measured: str
    goal: str
    met: bool | None  # None: not measured in this run
    note: str = ""


@dataclass
class Section:
    """What one benchmark module reports: a markdown body, targets and optional profiles."""

    title: str
    body: str
    targets: list[Target] = field(default_factory=list)
    profiles: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class Options:
    """The run's settings, as parsed from the command line."""

    sizes: tuple[int, ...]
    repeats: int
    quick: bool
    naive_50k: bool
    profile: bool
    workdir: Path
    browser_sizes: tuple[int, ...] = ()


class Workspace:
    """A temporary directory with one synthetic catalogue database per size, built once."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.build_seconds: dict[int, float] = {}

    def db(self, size: int) -> Path:
        """The SQLite file holding the synthetic catalogue of ``size`` products."""
        path = self.root / f"catalogue-{size}.sqlite"
        if not path.exists():
            from bench.synthetic import build_db

            start = time.perf_counter()
            store = build_db(path, size)
            store.dispose()
            self.build_seconds[size] = time.perf_counter() - start
        return path

    def copy_db(self, size: int, name: str) -> Path:
        """A private copy of the ``size`` database (for runs that write or must start cold)."""
        target = self.root / name
        copy_sqlite(self.db(size), target)
        return target

    def cleanup(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database in WAL mode (the backup API, not a file copy)."""
    import sqlite3

    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def frame_for(db_path: Path):
    """The catalogue frame exactly as the app prepares it (``ui.state.published_products``)."""
    from catalogue.filters import prepare_frame
    from catalogue.storage import CatalogueStore

    store = CatalogueStore(f"sqlite:///{db_path}")
    try:
        return prepare_frame(store.products_frame())
    finally:
        store.dispose()


def load_average() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "n/a"
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def machine_facts() -> dict[str, str]:
    """nproc, RAM, CPU model, OS, Python, package and Chromium versions."""
    facts = {"nproc": str(os.cpu_count())}
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            kb = int(fh.readline().split()[1])
        facts["RAM"] = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        facts["RAM"] = "unknown"
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    facts["CPU"] = cpu
    facts["OS"] = platform.platform()
    facts["Python"] = sys.version.split()[0]
    for name in PACKAGES:
        try:
            facts[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            facts[name] = "not installed"
    try:
        out = subprocess.run(
            ["/usr/bin/chromium", "--version"], capture_output=True, text=True, timeout=30
        ).stdout
        facts["Chromium"] = out.strip().splitlines()[0] if out.strip() else "unknown"
    except (OSError, subprocess.SubprocessError):
        facts["Chromium"] = "not installed"
    return facts


def table(header: list[str], rows: list[list[object]], align: str | None = None) -> str:
    """A markdown table; ``align`` is one character per column (l or r), default text left."""
    align = align or "l" + "r" * (len(header) - 1)
    marks = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(marks) + " |"]
    for row in rows:
        lines.append("| " + " | ".join(str(c) for c in row) + " |")
    return "\n".join(lines)


def seconds(value: float | None) -> str:
    if value is None or value != value:
        return "–"
    if value < 1:
        return f"{value * 1000:.0f} ms"
    return f"{value:.2f} s"


def megabytes(n: int | None) -> str:
    if n is None:
        return "–"
    return f"{n / 1_000_000:.2f} MB"


def ratio(a: float | None, b: float | None) -> str:
    if not a or not b or a != a or b != b:
        return "–"
    return f"{a / b:.2f}×"


def profile_text(fn: Callable[[], object], top: int = 40) -> str:
    """pyinstrument's call tree of one call of ``fn``: its first ``top`` lines."""
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    profiler.start()
    try:
        fn()
    finally:
        profiler.stop()
    text = profiler.output_text(unicode=True, color=False, show_all=False)
    lines = [line.rstrip() for line in text.splitlines()]
    # Skip pyinstrument's banner: the tree starts at the first line with a timing.
    start = next((i for i, line in enumerate(lines) if line[:1].isdigit()), 0)
    return "\n".join(lines[start : start + top])


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)
