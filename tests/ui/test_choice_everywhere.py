"""Every choice widget of the app goes through ``ui.choice`` (the language-switch fix).

A selectbox, radio, multiselect, pills or segmented control made straight from Streamlit
would bring back the stale-label crash of issue 12 the next time its labels change, so the
source of ``app.py`` and ``ui/`` is read for any such call outside ``ui/choice.py``.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHOICE_WIDGETS = {"selectbox", "radio", "multiselect", "pills", "segmented_control"}


def direct_choice_calls(path: Path) -> list[str]:
    """``file:line widget`` of every ``<anything but choice>.<choice widget>(...)`` call."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in CHOICE_WIDGETS
            and not (isinstance(node.func.value, ast.Name) and node.func.value.id == "choice")
        ):
            found.append(f"{path.name}:{node.lineno} {node.func.attr}")
    return found


def test_no_page_makes_a_choice_widget_outside_ui_choice():
    files = [ROOT / "app.py", *sorted((ROOT / "ui").rglob("*.py"))]
    found = [hit for f in files if f.name != "choice.py" for hit in direct_choice_calls(f)]
    assert found == [], "use ui.choice instead: " + ", ".join(found)


def test_the_scan_sees_a_direct_call(tmp_path):
    """The scan itself: a page calling the sidebar's selectbox is reported, choice's is not."""
    page = tmp_path / "probe.py"
    page.write_text(
        "import streamlit as st\nfrom ui import choice\n"
        "st.sidebar.selectbox('x', [1])\nchoice.radio('y', [1], key='y')\n",
        encoding="utf-8",
    )
    assert direct_choice_calls(page) == ["probe.py:3 selectbox"]
