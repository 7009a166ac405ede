"""Preparing the catalogue frame: what the first visitor after a start or a write pays.

Side by side in one run, per catalogue size: the SQL read alone (``products_frame``), the
preparation with the previous whole-string fold (the reference definition, one character at a
time through ``unicodedata``), the table fold on a cold process (nothing folded yet), and the
preparation after one product changed (every other product's folded text is reused).
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from bench.common import Options, Section, Workspace, log, median_time, seconds, table

_EXTRA = str.maketrans(
    {"ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ø": "o", "Ø": "o", "ß": "ss", "æ": "ae", "Æ": "ae",
     "œ": "oe", "Œ": "oe", "ı": "i"}
)  # fmt: skip
_SPACES = re.compile(r"\s+")


def _whole_string_fold(s: str) -> str:
    """The fold as main had it before the table (the alternative being measured)."""
    if not s:
        return ""
    text = unicodedata.normalize("NFKD", str(s).translate(_EXTRA))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _SPACES.sub(" ", text.casefold()).strip()


def _prepare(raw: pd.DataFrame, fold=None, fresh_memo: bool = True) -> pd.DataFrame:
    import catalogue.filters as filters

    if fresh_memo:  # a cold process: nothing folded yet
        filters._SEARCH_FOLDS = filters._FoldMemo()
        filters._NAME_FOLDS = filters._FoldMemo()
    if fold is None:
        return filters.prepare_frame(raw)
    original = filters.fold_text
    filters.fold_text = fold
    try:
        return filters.prepare_frame(raw)
    finally:
        filters.fold_text = original


def run(options: Options, workspace: Workspace) -> Section:
    from catalogue.storage import CatalogueStore

    rows = []
    for size in options.sizes:
        log(f"prepare: {size:,} products")
        store = CatalogueStore(f"sqlite:///{workspace.db(size)}")
        try:
            read, _, raw = median_time(store.products_frame, options.repeats)
        finally:
            store.dispose()
        old, _, _ = median_time(lambda raw=raw: _prepare(raw, _whole_string_fold), options.repeats)
        cold, _, _ = median_time(lambda raw=raw: _prepare(raw), options.repeats)

        def after_one_write(raw=raw) -> pd.DataFrame:
            _prepare(raw)  # the version before the write, folded once (not timed below)
            changed = raw.copy()
            changed.loc[0, "description_pl"] = f"{changed.loc[0, 'description_pl']} (zmiana)"
            return changed

        times = []
        for _ in range(options.repeats):
            changed = after_one_write()
            t, _, _ = median_time(lambda c=changed: _prepare(c, fresh_memo=False), 1)
            times.append(t)
        after = sorted(times)[len(times) // 2]
        rows.append(
            [
                f"{size:,}",
                seconds(read),
                seconds(old),
                seconds(cold),
                seconds(after),
                f"{(read + old) / (read + after):.1f}×",
            ]
        )
    body = table(
        [
            "products",
            "SQL read",
            "prepare, whole-string fold (before)",
            "prepare, table fold, cold",
            "prepare after one write",
            "read+prepare before → after one write",
        ],
        rows,
        align="lrrrrr",
    )
    section = Section("7. Preparing the catalogue after a start or a write", body)
    section.notes.append(
        f"Medians of {options.repeats}. The frame is then shared read-only by every session "
        "until the next write (ui/state.py), so a warm visitor pays neither column."
    )
    return section
