"""A process killed in the middle of an approval or a photo upload leaves the old state or
the new one, never half: the work runs in a child process that dies (``os._exit``, no
cleanup, no rollback call) at a chosen point, and the parent inspects what is on disk."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa

from catalogue.schema import metadata
from catalogue.storage import CatalogueStore
from tests.catalogue.filled import jpeg, new_offering

REPO_ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    import catalogue.atomic_file as atomic_file
    from catalogue.photos import store_photo
    from catalogue.storage import CatalogueStore
    from tests.catalogue.filled import jpeg

    url, photo_dir, point = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    store = CatalogueStore(url)

    def die(*args, **kwargs):
        os._exit(3)  # like a power cut for this process: nothing after this runs

    if point == "approve":
        # The last write of approve, after the offering, revision and photos were updated.
        store._bump_version = die
        store.approve(store.pending_revision("live")["id"], "anna")
    elif point == "upload-row":
        photo = store_photo(jpeg((1, 2, 3)), "a.jpg", base=photo_dir)
        store._bump_version = die  # after the photo row and the review were inserted
        store.add_photos("live", [photo])
    elif point == "upload-file":
        atomic_file.os.replace = die  # the file is written to a temporary name only
        store_photo(jpeg((1, 2, 3)), "a.jpg", base=photo_dir)
    os._exit(0)
    """
)


def snapshot(store: CatalogueStore) -> dict[str, list[tuple]]:
    with store.read() as conn:
        return {
            name: sorted(tuple(map(str, r)) for r in conn.execute(sa.select(table)))
            for name, table in metadata.tables.items()
        }


def visible_files(photo_dir: Path) -> set[str]:
    return {
        str(p.relative_to(photo_dir))
        for p in photo_dir.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }


@pytest.fixture
def live(tmp_path):
    """A live offering with a pending edit and a pending photo, on SQLite."""
    from catalogue.photos import store_photo

    url = f"sqlite:///{tmp_path / 'crash.sqlite'}"
    store = CatalogueStore(url)
    store.create_schema()
    token = store.submit_new(new_offering("live"), "partner")
    store.approve(store.pending_revision("live")["id"], "anna")
    changed = new_offering("live")
    changed.name_pl = "Nowa nazwa"
    store.submit_edit(token, changed)
    photo_dir = tmp_path / "photos"
    store.add_photos("live", [store_photo(jpeg((9, 9, 9)), "b.jpg", base=photo_dir)])
    yield store, url, photo_dir
    store.dispose()


def crash(url: str, photo_dir: Path, point: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, url, str(photo_dir), point],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 3, done.stderr  # it died where it was told to


def test_crash_in_the_middle_of_an_approval_leaves_the_old_state(live):
    store, url, photo_dir = live
    before = snapshot(store)
    crash(url, photo_dir, "approve")
    assert snapshot(store) == before
    with store.read() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    assert store.get_product("live").name_pl == "Nowa oferta testowa"
    assert store.photos_for("live", reviewed_only=True) == []
    # The same approval run to the end gives the whole new state.
    store.approve(store.pending_revision("live")["id"], "anna")
    assert store.get_product("live").name_pl == "Nowa nazwa"
    assert len(store.photos_for("live", reviewed_only=True)) == 1


@pytest.mark.parametrize("point", ["upload-row", "upload-file"])
def test_crash_in_the_middle_of_a_photo_upload_leaves_the_old_state(live, point):
    store, url, photo_dir = live
    before, files = snapshot(store), visible_files(photo_dir)
    crash(url, photo_dir, point)
    assert snapshot(store) == before
    if point == "upload-file":
        # Only a temporary file may remain; no photo file appears half-written.
        assert visible_files(photo_dir) == files
    else:
        # The files were complete before their row; without the row they stay unseen.
        assert len(visible_files(photo_dir) - files) == 2
    assert len(store.photos_for("live")) == 1
