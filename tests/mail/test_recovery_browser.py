"""A partner who lost the link gets back to the offering, in headless Chromium against
``streamlit run`` and a real SMTP server: ask on "Moja oferta", the mail arrives, its link
opens the offering, the old link is refused. No request leaves the machine."""

from __future__ import annotations

import pytest

from catalogue.model import Product
from catalogue.storage import CatalogueStore
from tests.e2e.conftest import catalogue_cli, offline_page, screenshot, start_app, stop_app
from tests.mail.conftest import SmtpServer, free_port, links

pytestmark = pytest.mark.e2e
PARTNER = "izba.recovery@example.org"
NAME = "Izba Pamięci Testowa"


@pytest.fixture(scope="module")
def journey(tmp_path_factory):
    root = tmp_path_factory.mktemp("recovery")
    db = root / "catalogue.sqlite"
    catalogue_cli(db, "init")
    store = CatalogueStore(f"sqlite:///{db}")
    offering = Product(
        id="izba-pamieci-testowa",
        name_pl=NAME,
        category="heritage",
        lat=50.0163,
        lon=22.6777,
        email=PARTNER,
    )
    old_token = store.submit_new(offering, "partner-form")
    store.dispose()
    smtp = SmtpServer(free_port())
    smtp.start()
    proc, base = start_app(
        db,
        {
            "SMTP_URL": smtp.url,
            "MAIL_FROM": "mapa@klaster.example.org",
            "MAIL_DIR": str(root / "mail"),
            "PUBLIC_BASE_URL": "",  # links take the address the partner used
        },
    )
    try:
        yield base, smtp, old_token
    finally:
        stop_app(proc)
        smtp.stop()


def test_lost_link_journey(browser, journey):
    base, smtp, old_token = journey
    page = offline_page(browser)
    page.goto(f"{base}/moja-oferta", wait_until="domcontentloaded")
    # The first page a fresh server renders can take long on a loaded machine (it failed
    # once at 30 s at the end of a full CI run): wait for it like the other journeys do.
    page.get_by_text("Nie mam linku").click(timeout=90_000)
    page.get_by_label("Adres e-mail").fill(PARTNER)
    page.get_by_role("button", name="Wyślij nowy link").click()
    page.get_by_text("Jeśli ten adres jest podany w którejś ofercie").wait_for(timeout=30_000)
    screenshot(page, "mail-recovery-asked")
    [message] = smtp.wait_for(1)
    assert message["Subject"] == "Nowy link do Twoich ofert"
    [link] = links(message)
    assert link.startswith(f"{base}/moja-oferta?token=") and old_token not in link
    page.goto(link)
    page.get_by_role("button", name="Wyślij zmiany do sprawdzenia").wait_for(timeout=30_000)
    assert page.get_by_text(NAME).first.is_visible()
    screenshot(page, "mail-recovery-new-link")
    page.goto(f"{base}/moja-oferta?token={old_token}")
    page.get_by_text("Ten link nie jest ważny").wait_for(timeout=30_000)
    assert page.get_by_role("button", name="Wyślij zmiany do sprawdzenia").count() == 0
    page.context.close()
