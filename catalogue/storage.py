"""The catalogue's persistence, behind one object: :class:`CatalogueStore`.

Each concern lives in a module of its own; the store composes them, so callers keep calling
``store.approve(...)``, ``store.save_products(...)`` and the rest:

- :mod:`catalogue.schema`: the tables;
- :mod:`catalogue.database`: engines, connections, transactions, schema set-up, the
  catalogue version and the audit log (every connection is opened there);
- :mod:`catalogue.rows`: database rows to and from :class:`~catalogue.model.Product` and
  :class:`~catalogue.model.Partner`;
- :mod:`catalogue.products_store`: reading offerings;
- :mod:`catalogue.partners_store`: the partner registry (save, list, merge);
- :mod:`catalogue.moderation`: the moderation lifecycle (submit, edit, withdraw, approve,
  reject, archive, confirm) through :mod:`catalogue.lifecycle`;
- :mod:`catalogue.import_store`: storing an imported file in one transaction;
- :mod:`catalogue.photos_store`: the records of offerings' photos;
- :mod:`catalogue.staff_store`: staff accounts and failed logins.
"""

from __future__ import annotations

from catalogue.import_store import ImportStore
from catalogue.moderation import ModerationStore
from catalogue.partners_store import PartnersStore
from catalogue.photos_store import PhotosStore
from catalogue.products_store import ProductsStore
from catalogue.staff_store import StaffStore


class CatalogueStore(
    ImportStore, ModerationStore, PhotosStore, PartnersStore, ProductsStore, StaffStore
):
    """Catalogue persistence. One instance per process is enough; it is thread-safe."""
