"""Choice widgets whose value is a stable key (slug, TERYT, enum value), never a label.

Why this module exists: in the browser, Streamlit 1.67 keeps a selectbox's, radio's,
multiselect's, pills' or segmented control's value as the *formatted label* (what
``format_func`` returned) and sends that label back on the next rerun; the server turns it
into an option by looking the label up among the labels of the *current* run. When the
labels change (the interface language switched, or a label that carries data changed), the
label sent back is the old one ("nazwa"), no current option has it, and Streamlit hands the
page the raw old label as the value (``unknown sort order 'nazwa'``). A keyed widget keeps
its identity (and so its stale label) whatever its options and labels become. AppTest sets
values by option, so it never sees this.

The fix, once for every choice widget of the app: the value lives in ``st.session_state``
under the caller's ``key`` (the canonical value, always an option); the widget itself gets
a key derived from that key and a digest of its labels. Whenever the labels change the
widget is a new one, seeded from the canonical value, so a label is only ever read back by
the widget that showed it; a change made in the widget is copied to the canonical key by
an ``on_change`` callback before the script runs. Pages read and set the canonical key
only (``st.session_state[key]``), never the widget's key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import streamlit as st

WIDGET_KEY_SEPARATOR = "~"

_KINDS = ("selectbox", "radio", "multiselect", "pills", "segmented_control")


def widget_key(key: str, labels: Sequence[str]) -> str:
    """The widget's own key: ``key`` plus a digest of the labels it shows."""
    digest = hashlib.blake2s("\x1f".join(labels).encode("utf-8"), digest_size=6).hexdigest()
    return f"{key}{WIDGET_KEY_SEPARATOR}{digest}"


def _valid(value: Any, options: list, multi: bool, default: Any) -> Any:
    if multi:
        if value is None:
            return []
        values = list(value) if isinstance(value, (list, tuple, set)) else [value]
        return [v for v in dict.fromkeys(values) if v in options]
    return value if value is None or value in options else default


def _choice(
    kind: str,
    label: str,
    options: Iterable,
    *,
    key: str,
    format_func: Callable[[Any], str] = str,
    default: Any = None,
    multi: bool = False,
    on_change: Callable | None = None,
    args: tuple = (),
    kwargs: dict | None = None,
    where: Any = None,
    **extra: Any,
) -> Any:
    if kind not in _KINDS:
        raise ValueError(f"unknown choice widget {kind!r}; expected one of {_KINDS}")
    options = list(options)
    labels = [str(format_func(option)) for option in options]
    state = st.session_state
    default = _valid(default, options, multi, None)
    value = _valid(state[key] if key in state else default, options, multi, default)
    state[key] = value
    wkey = widget_key(key, labels)
    if wkey not in state or state[wkey] != value:
        state[wkey] = list(value) if multi else value

    def sync() -> None:
        chosen = state[wkey]
        state[key] = list(chosen or []) if multi else chosen
        if on_change is not None:
            on_change(*args, **(kwargs or {}))

    widget = getattr(where if where is not None else st, kind)
    widget(label, options, key=wkey, format_func=format_func, on_change=sync, **extra)
    return state[key]


def selectbox(label: str, options: Iterable, *, key: str, index: int | None = 0, **kw) -> Any:
    """``st.selectbox`` returning (and keeping in ``st.session_state[key]``) an option.

    ``index`` picks the default option (None: nothing chosen, the placeholder shows).
    ``where`` is the container (a column, the sidebar); other arguments go to Streamlit.
    """
    options = list(options)
    default = options[index] if index is not None and options else None
    return _choice("selectbox", label, options, key=key, default=default, **kw)


def radio(label: str, options: Iterable, *, key: str, index: int | None = 0, **kw) -> Any:
    """``st.radio`` returning an option; see :func:`selectbox`."""
    options = list(options)
    default = options[index] if index is not None and options else None
    return _choice("radio", label, options, key=key, default=default, **kw)


def multiselect(label: str, options: Iterable, *, key: str, default=(), **kw) -> list:
    """``st.multiselect`` returning a list of options; see :func:`selectbox`."""
    return _choice("multiselect", label, options, key=key, default=default, multi=True, **kw)


def pills(label: str, options: Iterable, *, key: str, default=None, **kw) -> Any:
    """``st.pills`` (``selection_mode`` single or multi) returning options."""
    multi = kw.get("selection_mode", "single") == "multi"
    return _choice("pills", label, options, key=key, default=default, multi=multi, **kw)


def segmented_control(label: str, options: Iterable, *, key: str, default=None, **kw) -> Any:
    """``st.segmented_control`` returning options; see :func:`pills`."""
    multi = kw.get("selection_mode", "single") == "multi"
    return _choice("segmented_control", label, options, key=key, default=default, multi=multi, **kw)


__all__ = ["multiselect", "pills", "radio", "segmented_control", "selectbox", "widget_key"]
