"""One AppTest smoke test over every page: it runs without exception and shows its title."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import REPO_ROOT

PAGES = [
    ("ui/pages/map_page.py", "Mapa produktów turystycznych"),
    ("ui/pages/partners_page.py", "Partnerzy"),
    ("ui/pages/print_page.py", "Druk i eksport"),
    ("ui/pages/trip_page.py", "Moja wycieczka"),
    ("ui/pages/kiosk_page.py", "Odkryj pięć powiatów"),
    ("ui/pages/stats_page.py", "Statystyki"),
    ("ui/pages/submit_page.py", "Dodaj ofertę"),
    ("ui/pages/edit_page.py", "Moja oferta"),
    ("ui/pages/moderation_page.py", "Moderacja"),
]


def test_every_page_file_is_covered():
    pages = {str(p.relative_to(REPO_ROOT)) for p in (REPO_ROOT / "ui" / "pages").glob("*.py")}
    assert pages == {path for path, _ in PAGES}


@pytest.mark.parametrize(("page", "title"), PAGES, ids=[p for p, _ in PAGES])
def test_page_renders_with_title(page, title):
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.run()
    if page != PAGES[0][0]:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert title in [t.value for t in at.title]
