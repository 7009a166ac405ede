"""The offering and partner pages, kept in one directory that every version of the site shares.

Nearly all files of the site are pages of one offering or one partner
(``<lang>/offer/<id>.html``, ``<lang>/partner/<id>.html``: 33,000 at 10,000 offerings and
1,000 partners). Hard-linking each of them into every new version directory, and deleting
the version before last, was most of an incremental build's time. They live instead in
``.DIR.versions/pages/<lang>/<kind>/``, and each version directory holds symlinks
``<lang>/<kind> -> ../../pages/<lang>/<kind>``. What readers see stays whole:

- a page is written aside and renamed over the old one (rename(2)), so a reader gets the old
  bytes or the new ones, never part of a file;
- new and changed pages are written before the version swap (a new page is there before any
  list links to it) and pages of offerings taken off the site are deleted only after it (no
  list of the version being served links to a missing page);
- what the directory holds is recorded in ``pages.state.pickle`` (content key and bytes'
  hash per page; pickle: writing 33,000 entries as JSON was a tenth of an incremental build); a build first notes the pages it is about to write in ``pages.dirty``, so a
  build that stops half-way makes the next one render those pages again.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

STORE_NAME = "pages"
# The page kinds kept here: one page per offering or partner, in every language.
SHARED_KINDS: tuple[str, ...] = ("offer", "partner")
_STATE = f"{STORE_NAME}.state.pickle"
_DIRTY = f"{STORE_NAME}.dirty"
_KINDS = "|".join(SHARED_KINDS)
_SHARED_PAGE = re.compile(rf"^[a-z]{{2}}/({_KINDS})/[^/]+$")


def is_shared_page(path: str) -> bool:
    """True for a site path ``<lang>/offer/<file>`` or ``<lang>/partner/<file>`` (kept in
    the shared store)."""
    return _SHARED_PAGE.match(path) is not None


class SharedPages:
    """The shared directory of offering and partner pages beside the version directories of one site."""

    def __init__(self, versions: Path, fresh: bool) -> None:
        """``versions`` is the site's ``.DIR.versions``; ``fresh`` (no current version)
        starts the store empty."""
        self.versions = versions
        self.root = versions / STORE_NAME
        self.files: dict[str, list[str]] = {}  # site path -> [content key, sha256 of bytes]
        if fresh:
            shutil.rmtree(self.root, ignore_errors=True)
            (versions / _STATE).unlink(missing_ok=True)
            (versions / _DIRTY).unlink(missing_ok=True)
            return
        try:
            with open(versions / _STATE, "rb") as handle:
                stored = pickle.load(handle)  # noqa: S301 - written by this class only
            self.files = stored if isinstance(stored, dict) else {}
        except (OSError, EOFError, ValueError, pickle.PickleError):
            self.files = {}
        try:
            dirty = json.loads((versions / _DIRTY).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            dirty = []
        for path in dirty:
            self.files.pop(path, None)

    def path(self, site_path: str) -> str:
        """Where the page of ``site_path`` lies on disk."""
        return os.path.join(self.root, site_path)

    def write(
        self, pages: Iterable[tuple[str, str, Callable[[], bytes] | None]], trust_keys: bool
    ) -> list[str]:
        """Render and write pages given as (site path, content key, renderer). With
        ``trust_keys`` a page whose key is recorded is not even rendered; otherwise (a full
        build) every page is rendered and checked on disk. A page that renders to its
        recorded bytes is not rewritten. Returns the site paths written."""
        todo = [
            (p, key, make)
            for p, key, make in pages
            if not trust_keys or self.files.get(p, [None])[0] != key
        ]
        if not todo:
            return []
        self.versions.mkdir(parents=True, exist_ok=True)
        _write_json(self.versions / _DIRTY, [p for p, _key, _make in todo])
        written, made = [], set()
        for site_path, key, make in todo:
            if make is None:
                raise RuntimeError(f"no renderer for {site_path}")
            data = make()
            digest = sha256_hex(data)
            target = self.path(site_path)
            if self.files.get(site_path, [None, None])[1] != digest or not os.path.exists(target):
                folder = os.path.dirname(target)
                if folder not in made:
                    os.makedirs(folder, exist_ok=True)
                    made.add(folder)
                temp = f"{target}.tmp-{os.getpid()}"
                with open(temp, "wb") as handle:
                    handle.write(data)
                os.replace(temp, target)
                written.append(site_path)
            self.files[site_path] = [key, digest]
        self.save()
        return written

    def link_into(self, version_dir: Path, languages: Iterable[str]) -> None:
        """Give ``version_dir`` its ``<lang>/<kind>`` symlinks into the store."""
        for lang in languages:
            (version_dir / lang).mkdir(parents=True, exist_ok=True)
            for kind in SHARED_KINDS:
                folder = self.root / lang / kind
                folder.mkdir(parents=True, exist_ok=True)
                os.symlink(os.path.relpath(folder, version_dir / lang), version_dir / lang / kind)

    def remove(self, site_paths: Iterable[str]) -> None:
        """Delete pages no version links to any more (after the swap)."""
        removed = False
        for site_path in site_paths:
            if self.files.pop(site_path, None) is not None:
                removed = True
            try:
                os.unlink(self.path(site_path))
            except FileNotFoundError:
                pass
        if removed:
            self.save()

    def save(self) -> None:
        temp = self.versions / f"{_STATE}.tmp-{os.getpid()}"
        with open(temp, "wb") as handle:
            pickle.dump(self.files, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, self.versions / _STATE)
        (self.versions / _DIRTY).unlink(missing_ok=True)


def sha256_hex(data: bytes) -> str:
    """The hex SHA-256 of ``data``: how the site records a file's bytes."""
    return hashlib.sha256(data).hexdigest()


def _write_json(path: Path, value) -> None:
    temp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    temp.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    os.replace(temp, path)
