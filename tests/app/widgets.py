"""Finding the app's choice widgets in an AppTest by the key the page uses.

Every selectbox, radio, multiselect, pills and segmented control goes through
``ui.choice``: the page's key holds the value, the widget's own key is that key plus a
digest of its labels (``key~digest``).
"""

from __future__ import annotations

from ui.choice import WIDGET_KEY_SEPARATOR


def choice(block, kind: str, key: str):
    """The one ``kind`` widget (``"selectbox"``, ``"multiselect"``…) of ``block`` for ``key``."""
    found = [w for w in getattr(block, kind) if (w.key or "").split(WIDGET_KEY_SEPARATOR)[0] == key]
    assert len(found) == 1, f"{len(found)} {kind} widgets for {key!r}"
    return found[0]
