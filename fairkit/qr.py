"""QR codes of shareable links (segno)."""

from __future__ import annotations

import io

import segno


def qr_png(url: str, scale: int = 6, border: int = 2) -> bytes:
    """PNG bytes of a QR code for ``url`` (error correction M, ``scale`` px per module)."""
    if not url:
        raise ValueError("a QR code needs a non-empty URL")
    buf = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buf, kind="png", scale=scale, border=border)
    return buf.getvalue()
