"""Fonts for diff cards, from installed Python packages (nothing is fetched at run time).

Noto Sans covers Latin, Greek and Cyrillic; Noto Sans Arabic covers Arabic; Noto Sans CJK
covers Japanese (kana and kanji), Chinese and Korean. Text is split into runs by script and
each run is set in the font that has its glyphs. With Pillow's Raqm layout (HarfBuzz and
FriBiDi), Arabic is shaped and set right to left.
"""

from __future__ import annotations

import functools
from pathlib import Path

from PIL import ImageFont, features

from copydesk.errors import NotifyError

LATIN, ARABIC, CJK = "latin", "arabic", "cjk"

_FAMILIES = {LATIN: "noto-sans", ARABIC: "noto-sans-arabic"}


def raqm() -> bool:
    """Whether complex layout (shaping, bidi) is available."""
    return bool(features.check("raqm"))


@functools.cache
def font_path(script: str) -> Path:
    """The font file for a script class (LATIN, ARABIC or CJK)."""
    try:
        if script == CJK:
            import cvttf_NotoSansCJK_Regular as cjk

            return Path(cjk.get_TTF_path())
        import fontpkg

        return Path(fontpkg.path(_FAMILIES[script]))
    except (ImportError, LookupError, OSError) as exc:
        raise NotifyError(f"the {script} font package is not installed: {exc}") from exc


@functools.cache
def font(script: str, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """A font of `size` pixels for the script; bold where the font has a weight axis."""
    engine = ImageFont.Layout.RAQM if raqm() else ImageFont.Layout.BASIC
    try:
        loaded = ImageFont.truetype(str(font_path(script)), size, layout_engine=engine)
    except OSError as exc:
        raise NotifyError(f"cannot load the {script} font: {exc}") from exc
    if bold:
        try:
            axes = loaded.get_variation_axes()
        except OSError:  # not a variable font (Noto Sans CJK): regular weight it is
            return loaded
        loaded.set_variation_by_axes(
            [700.0 if axis["name"] == b"Weight" else float(axis["default"] or 0) for axis in axes]
        )
    return loaded


def script_of(ch: str) -> str | None:
    """LATIN, ARABIC or CJK for a character that decides a font; None for spaces."""
    code = ord(ch)
    if ch.isspace():
        return None
    if (
        0x0600 <= code <= 0x06FF
        or 0x0750 <= code <= 0x077F
        or 0x08A0 <= code <= 0x08FF
        or 0xFB50 <= code <= 0xFDFF
        or 0xFE70 <= code <= 0xFEFF
    ):
        return ARABIC
    if (
        0x2E80 <= code <= 0x9FFF
        or 0xAC00 <= code <= 0xD7AF
        or 0xF900 <= code <= 0xFAFF
        or 0xFE30 <= code <= 0xFE4F
        or 0xFF00 <= code <= 0xFFEF
        or 0x20000 <= code <= 0x2FFFF
    ):
        return CJK
    return LATIN
