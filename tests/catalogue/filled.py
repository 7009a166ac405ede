"""A catalogue with something of every kind in it, for upgrade and backup tests.

The sample catalogue (published), a new submission waiting for review, a pending edit of a
published offering, photos on a published offering (approved) and on a pending one, a staff
account, and the audit entries all of that writes.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from catalogue.model import Product
from catalogue.photos import store_photo
from catalogue.sample_loading import load_sample_catalogue
from catalogue.staff import add_staff
from catalogue.storage import CatalogueStore


def jpeg(colour: tuple[int, int, int], size: tuple[int, int] = (640, 480)) -> bytes:
    """A plain JPEG of one colour."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def new_offering(product_id: str = "nowa-oferta") -> Product:
    """A valid offering in Jarosław (the market square of the sample)."""
    return Product(
        id=product_id,
        name_pl="Nowa oferta testowa",
        category="heritage",
        lat=50.0163,
        lon=22.6777,
        district_teryt="1804",
        gmina_teryt="1804011",
        source="form",
    )


def fill_catalogue(store: CatalogueStore, photo_dir: Path) -> dict:
    """Fill ``store`` (schema at head) and write photo files under ``photo_dir``.

    Returns what was made: ``published_with_photo``, ``pending_new``, ``pending_edit``
    product ids and the edit ``token`` of the pending new offering.
    """
    assert load_sample_catalogue(store) > 0
    published = store.products_frame()["id"].tolist()
    live, edited = published[0], published[1]

    photo = store_photo(jpeg((200, 40, 40)), "live.jpg", base=photo_dir)
    store.add_photos(live, [photo], actor="partner")
    store.approve(store.pending_revision(live)["id"], actor="anna")

    token = store.submit_new(new_offering(), submitted_by="Stowarzyszenie testowe")
    store.add_photos("nowa-oferta", [store_photo(jpeg((40, 200, 40)), "new.jpg", base=photo_dir)])

    edit_token = store.submit_new(new_offering("do-edycji"), submitted_by="partner")
    store.approve(store.pending_revision("do-edycji")["id"], actor="anna")
    changed = store.get_product("do-edycji")
    changed.name_pl = "Oferta po zmianie"
    store.submit_edit(edit_token, changed)

    add_staff(store, "anna", "a long enough password 123", role="moderator")
    return {
        "published_with_photo": live,
        "other_published": edited,
        "pending_new": "nowa-oferta",
        "pending_edit": "do-edycji",
        "token": token,
    }
