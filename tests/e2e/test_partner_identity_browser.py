"""A new organisation registers with its legal identity in headless Chromium: a NIP typed
with a wrong check digit gets the message right under the field, the message follows a
language switch with everything typed kept, and the corrected number is stored."""

from __future__ import annotations

import pytest

from catalogue.identity import check_nip
from catalogue.storage import CatalogueStore
from tests.e2e.conftest import catalogue_cli, offline_page, screenshot, start_app, stop_app
from tests.e2e.test_journeys import (
    choose_language,
    close_sidebar_on_phone,
    message_after,
    no_exception,
    pick,
    settle,
    textbox,
    type_into,
)

pytestmark = pytest.mark.e2e

NIP, WRONG_NIP = "1234563218", "1234563219"  # the same but for the check digit
COOP = "Spółdzielnia Socjalna Testowa (przeglądarka)"
POINTS = {1280: "50.0163, 22.6777", 375: "50.1560, 23.1230"}  # Jarosław, Lubaczów


@pytest.fixture(scope="module")
def identity_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("identity")
    db = root / "catalogue.sqlite"
    catalogue_cli(db, "init")
    proc, base = start_app(db, {"CATALOGUE_PHOTOS": str(root / "photos")})
    try:
        yield base, f"sqlite:///{db}"
    finally:
        stop_app(proc)


@pytest.mark.parametrize(("width", "height"), [(1280, 1100), (375, 812)])
def test_new_organisation_with_a_wrong_nip_is_told_at_the_field_then_stored(
    browser, identity_server, width, height
):
    base, url = identity_server
    assert check_nip(NIP) == NIP
    page = offline_page(browser, width, height)
    name = f"{COOP} {width}"
    try:
        page.goto(f"{base}/dodaj", wait_until="domcontentloaded")
        page.get_by_role("heading", name="Dodaj ofertę").wait_for(timeout=60_000)
        settle(page)
        close_sidebar_on_phone(page, width)
        page.get_by_test_id("stRadio").get_by_text("nowa organizacja", exact=True).click()
        settle(page)
        type_into(page, "Nazwa organizacji", name)
        pick(page, "Typ partnera", "Ekonomia społeczna")
        pick(page, "Forma prawna (z listy)", "spółdzielnia socjalna")
        type_into(page, "NIP", WRONG_NIP)
        expected = f"Numer NIP „{WRONG_NIP}” ma błędną cyfrę kontrolną"
        assert message_after(page, "NIP").startswith(expected)
        no_exception(page)
        screenshot(page, f"identity-wrong-nip-pl-{width}")

        # The message and everything typed survive a language switch.
        choose_language(page, "en")
        close_sidebar_on_phone(page, width)
        page.get_by_role("heading", name="Add an offering").wait_for(timeout=30_000)
        assert textbox(page, "Name of the organisation").input_value() == name
        assert textbox(page, "NIP (tax number)").input_value() == WRONG_NIP
        assert message_after(page, "NIP (tax number)").startswith(
            f'The NIP "{WRONG_NIP}" has a wrong check digit'
        )
        screenshot(page, f"identity-wrong-nip-en-{width}")

        # Corrected (with the dashes and prefix people copy from invoices), then sent.
        type_into(page, "NIP (tax number)", f"PL {NIP[:3]}-{NIP[3:6]}-{NIP[6:8]}-{NIP[8:]}")
        assert page.get_by_text("wrong check digit").count() == 0
        type_into(page, "Name of the offering *", f"Warsztaty spółdzielni {width}")
        pick(page, "Category *", "Workshops and education")
        # Each width's offering elsewhere, so the second is no likely duplicate of the first.
        type_into(page, "Coordinates", POINTS[width])
        type_into(page, "Website", "https://www.jaroslaw.pl")
        page.get_by_test_id("stCheckbox").filter(has_text="I have the right").locator(
            "label"
        ).click()
        settle(page)
        page.get_by_role("button", name="Send for review").click()
        page.locator("code").filter(has_text="moja-oferta?token=").first.wait_for(timeout=60_000)
        no_exception(page)
        screenshot(page, f"identity-sent-{width}")
    finally:
        screenshot(page, f"identity-last-{width}")
        page.context.close()

    store = CatalogueStore(url)
    try:
        frame = store.partners_frame()
        stored = frame[frame["name"] == name].iloc[0]
    finally:
        store.dispose()
    assert (stored["nip"], stored["legal_form_code"], stored["sector"]) == (
        NIP,
        "spoldzielnia_socjalna",
        "social_economy",
    )
