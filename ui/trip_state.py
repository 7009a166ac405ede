"""The visitor's trip: a list of product ids in visiting order, kept in the session.

``st.session_state["trip"]`` holds the list. A session that has no trip yet takes it from
the URL parameter ``trip=id1,id2,…`` (a shared link or QR code), so the trip page can be
reopened on another device; a link opened in a session that already has a trip replaces it
(:func:`adopt_url`). Only the trip page writes the URL (:func:`sync_url`); other pages
manage their own query string and just call :func:`add_to_trip`.

Callable from widget callbacks (``on_click=add_to_trip, args=(product_id,)``).
"""

from __future__ import annotations

import streamlit as st

from fairkit.trips import MAX_STOPS, parse_trip_param, trip_param

TRIP_KEY = "trip"
URL_PARAM = "trip"
_WRITTEN_KEY = "_trip_url"  # the trip value this session last put in the URL


def trip_ids() -> list[str]:
    """The trip's product ids in visiting order (a copy).

    Seeds the session from the ``trip`` URL parameter the first time it is read in a
    session; ids are well-formed but not checked against the catalogue here (the trip page
    drops ids that are not published).
    """
    if TRIP_KEY not in st.session_state:
        st.session_state[TRIP_KEY] = parse_trip_param(st.query_params.get(URL_PARAM))
    return list(st.session_state[TRIP_KEY])


def adopt_url() -> None:
    """Take the trip from the URL when it holds one this session did not write itself.

    That is a shared link or QR code opened in a session that already has a trip (e.g. after
    visiting the map); the trip page calls this first on every run.
    """
    raw = st.query_params.get(URL_PARAM)
    if raw is not None and raw != st.session_state.get(_WRITTEN_KEY):
        st.session_state[TRIP_KEY] = parse_trip_param(raw)
        st.session_state[_WRITTEN_KEY] = raw


def set_trip(ids: list[str]) -> None:
    """Replace the trip with ``ids`` (unique, in order, at most ``MAX_STOPS``)."""
    st.session_state[TRIP_KEY] = parse_trip_param(trip_param(ids))


def in_trip(product_id: str) -> bool:
    """Whether ``product_id`` is one of the trip's stops."""
    return str(product_id) in trip_ids()


def add_to_trip(product_id: str) -> bool:
    """Append ``product_id`` to the trip; False if it was there already or the trip is full."""
    ids = trip_ids()
    pid = str(product_id)
    if pid in ids or len(ids) >= MAX_STOPS:
        return False
    set_trip([*ids, pid])
    return pid in st.session_state[TRIP_KEY]


def remove_from_trip(product_id: str) -> bool:
    """Remove ``product_id`` from the trip; False if it was not in it."""
    ids = trip_ids()
    if str(product_id) not in ids:
        return False
    set_trip([i for i in ids if i != str(product_id)])
    return True


def move_in_trip(product_id: str, step: int) -> None:
    """Move a stop ``step`` places later (negative: earlier), clamped to the ends."""
    ids = trip_ids()
    if str(product_id) not in ids:
        return
    old = ids.index(str(product_id))
    new = max(0, min(len(ids) - 1, old + step))
    ids.insert(new, ids.pop(old))
    set_trip(ids)


def clear_trip() -> None:
    """Remove every stop."""
    set_trip([])


def sync_url(extra: dict[str, str] | None = None) -> None:
    """Mirror the trip (and ``extra`` parameters) into the URL, only when it differs."""
    wanted = dict(extra or {})
    ids = trip_ids()
    if ids:
        wanted[URL_PARAM] = trip_param(ids)
    st.session_state[_WRITTEN_KEY] = wanted.get(URL_PARAM)
    current = {k: st.query_params.get(k) for k in st.query_params}
    if current != wanted:
        st.query_params.from_dict(wanted)
