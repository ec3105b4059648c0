"""Diff cards: 1200x675 PNGs for Latin, Arabic, Japanese and Cyrillic; marks; ellipses."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from PIL import Image, ImageChops, ImageFont, features

from copydesk.notify import HEIGHT, WIDTH, alt_text, fonts, render_card
from copydesk.notify.cards import DEL_INK, INS_INK
from copydesk.records import Excerpt, Notice

AT = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
HEADLINES = {
    "latin": ("Storm hits coast", "Storm batters coast", "fire was started", "cause is unknown"),
    "arabic": ("الرئيس يزور المدينة", "الرئيس يلغي زيارته", "ستتم يوم الاثنين", "أُلغيت"),
    "japanese": ("東京で大雨", "東京で記録的な大雨", "雨は夜まで続く", "雨は明日の朝まで続く"),
    "cyrillic": ("Мэр посетил завод", "Мэр посетил новый завод", "визит длился час", "три часа"),
}


def notice(old: str, new: str, removed: str, added: str, **extra) -> Notice:
    spans = (("equal", "… "), ("delete", removed), ("insert", added), ("equal", " …"))
    return Notice(
        article_id=7,
        source="daily",
        kind="substantive",
        title=new,
        article_url="https://daily.example/a",
        at=AT,
        flags=("headline",),
        excerpt=Excerpt(title_old=old, title_new=new, spans=spans),
        old_version=1,
        new_version=2,
        **extra,
    )


def opened(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def count(image: Image.Image, colour: tuple[int, int, int]) -> int:
    data = image.convert("RGB").tobytes()
    return sum(1 for i in range(0, len(data), 3) if tuple(data[i : i + 3]) == colour)


@pytest.mark.parametrize("script", list(HEADLINES))
def test_cards_render_for_every_script(script):
    image = opened(render_card(notice(*HEADLINES[script])))
    assert image.format == "PNG"
    assert image.size == (WIDTH, HEIGHT) == (1200, 675)
    # not blank: plenty of ink, and both marks in their colours
    assert sum(image.convert("L").histogram()[:128]) > 2000
    assert count(image, DEL_INK) > 200
    assert count(image, INS_INK) > 200


@pytest.mark.parametrize("script", list(HEADLINES))
def test_no_missing_glyph_boxes(script):
    """Every character is set in a font that has it (no .notdef tofu)."""
    for text in HEADLINES[script]:
        for ch in text.replace(" ", ""):
            font = fonts.font(fonts.script_of(ch) or fonts.LATIN, 40)
            missing = font.getmask("\U0010fffd")  # a private-use code point: the .notdef box
            assert font.getmask(ch).getbbox() != missing.getbbox() or ch in "…", (script, ch)


def test_arabic_is_shaped_and_set_right_to_left():
    assert features.check("raqm"), "Pillow needs Raqm (libfribidi) for Arabic"
    word = "بببب"  # four joined letters are much narrower than four isolated ones
    shaped = fonts.font(fonts.ARABIC, 40)
    basic = ImageFont.truetype(
        str(fonts.font_path(fonts.ARABIC)), 40, layout_engine=ImageFont.Layout.BASIC
    )
    assert shaped.getlength(word, direction="rtl") < 0.8 * basic.getlength(word)
    # the headline block is right-aligned: its ink ends at the right margin
    image = opened(render_card(notice(*HEADLINES["arabic"])))
    band = image.crop((0, 150, WIDTH, 260)).convert("L")
    left, _, right, _ = ImageChops.invert(band).getbbox()
    assert right > WIDTH - 70
    assert left > 300


def test_deletions_and_insertions_survive_greyscale():
    """Struck and underlined: the marks are lines across the words, not only colour."""
    image = opened(render_card(notice("Old", "New", "removed words", "added words"))).convert("L")
    plain = opened(render_card(notice("Old", "New", "", ""))).convert("L")
    assert ImageChops.difference(image, plain).getbbox() is not None
    # a horizontal run of dark pixels (a strike or underline) at least 100 px long exists
    width, height = image.size
    pixels = image.load()
    longest = 0
    for y in range(250, height - 60):
        run = 0
        for x in range(width):
            run = run + 1 if pixels[x, y] < 140 else 0
            longest = max(longest, run)
    assert longest >= 100


def test_overlong_text_is_cut_with_an_ellipsis_and_never_overflows():
    huge = "word " * 400
    card = notice("x" * 500, huge, "y" * 3000, "z " * 2000)
    image = opened(render_card(card))
    assert image.size == (WIDTH, HEIGHT)
    # nothing drawn in the outer margins
    rgb = image.convert("RGB")
    for x in (0, 10, WIDTH - 10, WIDTH - 1):
        column = [rgb.getpixel((x, y)) for y in range(HEIGHT)]
        assert all(pixel == (255, 255, 255) for pixel in column)


def test_alt_text_says_what_the_card_shows():
    text = alt_text(notice(*HEADLINES["cyrillic"]))
    assert "daily" in text
    assert "“Мэр посетил завод” to “Мэр посетил новый завод”" in text
    assert "Removed: “визит длился час”" in text
    assert "Added: “три часа”" in text
    assert "Version 1 to 2" in text


def test_hostile_text_is_only_text():
    hostile = "<script>alert(1)</script>\u202e\x00\n[link](javascript:x)"
    image = opened(render_card(notice(hostile, hostile, hostile, hostile)))
    assert image.size == (WIDTH, HEIGHT)
    assert "\u202e" not in alt_text(notice(hostile, hostile, hostile, hostile))
