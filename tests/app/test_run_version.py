"""One catalogue version per script run: what another process writes during a run shows in
the next run, never half-way through one; what this process writes during a run shows at once.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def one_run() -> None:
    """A page's run: counts read before and after another store (another process) and then
    this process's store archive a published product each."""
    import streamlit as st

    from catalogue.filters import ProductFilter
    from catalogue.storage import CatalogueStore
    from ui import state

    state.begin_run()
    shown = state.published_products()
    before = len(shown)
    other = CatalogueStore(state.get_store().url)
    try:
        other.archive(str(shown["id"].iloc[0]), actor="other process")
    finally:
        other.dispose()
    after_other = (
        len(state.published_products()),
        len(state.shared_results(ProductFilter(), "name", "pl")),
        state.shared_markers(ProductFilter(), "name", "pl").count,
    )
    state.get_store().archive(str(shown["id"].iloc[1]), actor="this process")
    after_own = len(state.published_products())
    st.markdown(f"{before}|{after_other}|{after_own}")


def test_another_process_write_waits_for_the_next_run_and_an_own_write_shows_at_once(sample_db):
    total = len(sample_db.products_frame())
    app = AppTest.from_function(one_run, default_timeout=60).run()
    assert not app.exception, app.exception
    before, after_other, after_own = app.markdown[0].value.split("|")
    assert int(before) == total
    # The list, the shared results and the markers of the run all stay on its version.
    assert after_other == str((total, total, total))
    # This process's own write is seen in the same run (with the other's before it).
    assert int(after_own) == total - 2
    app.run()
    assert not app.exception, app.exception
    assert int(app.markdown[0].value.split("|")[0]) == total - 2
