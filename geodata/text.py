"""Text normalisation shared by every package that searches Polish names."""

from __future__ import annotations

import re
import unicodedata

# Letters that NFKD does not decompose into a base letter plus a combining mark.
_EXTRA_FOLDS = str.maketrans(
    {
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ø": "o",
        "Ø": "o",
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ı": "i",
    }
)
_SPACES = re.compile(r"\s+")


def fold_text(s: str) -> str:
    """Fold text for diacritics- and case-insensitive comparison.

    Lowercases, strips diacritics (NFKD plus explicit ł→l and a few other letters NFKD
    keeps), and collapses runs of whitespace into one space. Cyrillic letters are kept,
    only their combining marks are dropped (й→и).

    :param s: any text; None is treated as "".
    """
    if not s:
        return ""
    text = str(s).translate(_EXTRA_FOLDS)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _SPACES.sub(" ", text.casefold()).strip()
