"""The site's version folders on disk: the build lock, one numbered folder per build with its
state file, writing a version (unchanged files hard-linked) and the atomic swap.

Layout on disk, for ``--out DIR``::

    DIR -> .DIR.versions/000042      (a symlink, swapped atomically with rename(2))
    .DIR.versions/000041/…           (the previous version, kept for readers mid-request)
    .DIR.versions/000042.state.json  (what was built: content keys and hashes per file)
    .DIR.versions/000042.pieces-1804.pickle, .fragments-1804.pickle …  (per district:
                                      publish.rowcache.BucketPieces)
    .DIR.versions/000042/pl/offer -> ../../pages/pl/offer   (likewise partner; en, uk)
    .DIR.versions/pages/…            (offering and partner pages, shared: publish.pagestore)
    .DIR.lock                        (flock: a second build waits for the first)
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from catalogue.taxonomy import LANGUAGES
from publish import rowcache
from publish.pagestore import SharedPages, is_shared_page, sha256_hex

KEEP_VERSIONS = 2


@dataclass
class Output:
    """One file of a version: its content key, and how to make it (a renderer or a file to
    link) where the previous version has no file of that key."""

    key: str
    make: Callable[[], bytes] | None = None
    source: Path | None = None


def versions_dir(out: Path) -> Path:
    return out.parent / f".{out.name}.versions"


@contextmanager
def locked(out: Path) -> Iterator[None]:
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out.parent / f".{out.name}.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def current_version_dir(out: Path) -> Path | None:
    """The version directory ``out`` points at, or None before the first build."""
    if out.is_symlink():
        target = out.parent / os.readlink(out)
        return target if target.is_dir() else None
    if out.exists():
        raise ValueError(
            f"{out} exists and is not a site built by publish (a symlink to a version "
            "directory): move it away or choose another --out"
        )
    return None


def load_state(out: str | os.PathLike) -> dict:
    """The state of the current build of the site at ``out`` (empty before the first)."""
    out = Path(out)
    current = current_version_dir(out)
    if current is None:
        return {}
    path = current.parent / f"{current.name}.state.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def swap(out: Path, version_dir: Path) -> None:
    temp = out.parent / f".{out.name}.swap-{os.getpid()}-{threading.get_ident()}"
    if temp.is_symlink() or temp.exists():
        temp.unlink()
    os.symlink(os.path.relpath(version_dir, out.parent), temp)
    os.replace(temp, out)  # rename(2) over the old symlink: atomic for every reader


def clean_old_versions(versions: Path, keep: Path) -> None:
    numbered = sorted(p for p in versions.iterdir() if p.is_dir() and p.name.isdigit())
    for old in numbered[:-KEEP_VERSIONS]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)
            (versions / f"{old.name}.state.json").unlink(missing_ok=True)
            rowcache.remove_stored(old)


def _next_version_dir(versions: Path) -> Path:
    versions.mkdir(parents=True, exist_ok=True)
    numbers = [int(p.name) for p in versions.iterdir() if p.name.isdigit()]
    path = versions / f"{(max(numbers) + 1) if numbers else 1:06d}"
    path.mkdir()
    return path


def _link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def write_version(
    out: Path,
    current: Path | None,
    prev_files: dict[str, list[str]],
    prev_keys: dict[str, str],
    outputs: dict[str, Output],
    shared_pages: SharedPages,
) -> dict:
    """Write the new version directory; unchanged files are hard links to the current one.
    Offering and partner pages go to the shared store (``publish.pagestore``), before the
    swap.

    Plain ``os`` calls on string paths, each directory made once: at 30,000 files the
    ``pathlib`` objects, ``is_file`` checks and ``mkdir`` calls per file were most of a
    build that changed nothing."""
    # One match per path (33,000 at 10,000 offerings), in the outputs' order.
    shared = dict.fromkeys(p for p in outputs if is_shared_page(p))
    written_pages = shared_pages.write(
        ((p, outputs[p].key, outputs[p].make) for p in shared), trust_keys=bool(prev_keys)
    )
    version_dir = _next_version_dir(versions_dir(out))
    new_root = str(version_dir)
    old_root = str(current) if current is not None else None
    made: set[str] = set()
    written: list[str] = []
    kept = 0
    files: dict[str, list[str]] = {}

    def place(path: str) -> str:
        folder = os.path.dirname(path)
        if folder not in made:
            os.makedirs(os.path.join(new_root, folder), exist_ok=True)
            made.add(folder)
        return os.path.join(new_root, path)

    def link(source: str, target: str) -> bool:
        try:
            os.link(source, target)
        except FileNotFoundError:
            return False
        except OSError:
            shutil.copy2(source, target)
        return True

    try:
        shared_pages.link_into(version_dir, LANGUAGES)
        for lang in LANGUAGES:
            made.add(lang)
        for path, output in outputs.items():
            if path in shared:
                continue
            target = place(path)
            old = os.path.join(old_root, path) if old_root and path in prev_files else None
            if old and prev_keys.get(path) == output.key and link(old, target):
                files[path] = [output.key, prev_files[path][1]]
                kept += 1
                continue
            if output.source is not None:
                _link_or_copy(output.source, Path(target))
                files[path] = [output.key, output.key]
                written.append(path)
                continue
            if output.make is None:
                raise RuntimeError(f"no previous file and no renderer for {path}")
            data = output.make()
            digest = sha256_hex(data)
            if not (old and prev_files[path][1] == digest and link(old, target)):
                with open(target, "wb") as handle:
                    handle.write(data)
                written.append(path)
            else:
                kept += 1
            files[path] = [output.key, digest]
    except BaseException:
        shutil.rmtree(version_dir, ignore_errors=True)
        raise
    pages = len(shared)
    return {
        "version_dir": version_dir,
        "written": written_pages + written,
        "kept": kept + pages - len(written_pages),
        "files": files,
    }
