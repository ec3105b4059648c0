from __future__ import annotations

import codecs

import httpx
import pytest

from copydesk.charset import charset_from_content_type, decode_body

TEXT = "Café déjà vu – “quoted” €5"


def test_header_latin1_is_read_like_a_browser():
    body = "<p>Café déjà vu</p>".encode("latin-1")
    text, encoding = decode_body(body, "text/html; charset=ISO-8859-1")
    assert text == "<p>Café déjà vu</p>"
    assert encoding == "cp1252"  # WHATWG: latin-1 labels mean windows-1252


def test_latin1_label_keeps_windows_1252_punctuation():
    body = "“quoted” – €5".encode("cp1252")
    assert decode_body(body, "text/html; charset=latin1")[0] == "“quoted” – €5"


def test_meta_charset_windows_1252():
    body = b'<html><head><meta charset="windows-1252"></head><body>' + TEXT.encode("cp1252")
    text, encoding = decode_body(body, "text/html")
    assert encoding == "cp1252"
    assert text.endswith(TEXT)


def test_meta_http_equiv():
    body = (
        b'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-15">'
        + "Prix: 5 €".encode("iso-8859-15")
    )
    text, encoding = decode_body(body, None)
    assert encoding == "iso8859-15"
    assert text.endswith("Prix: 5 €")


def test_meta_after_first_4kb_is_not_read():
    body = b"<!--" + b"x" * 5000 + b'--><meta charset="koi8-r">' + "é".encode()
    assert decode_body(body, None)[1] == "utf-8"


def test_xml_declaration():
    body = '<?xml version="1.0" encoding="ISO-8859-1"?><rss><title>Café</title></rss>'
    text, encoding = decode_body(body.encode("latin-1"), "application/rss+xml")
    assert "Café" in text
    assert encoding == "cp1252"


def test_undeclared_utf8():
    body = f"<html><body><p>{TEXT}</p></body></html>".encode()
    text, encoding = decode_body(body, "text/html")
    assert encoding == "utf-8"
    assert TEXT in text


def test_wrong_header_charset_name_falls_through_to_meta():
    body = b'<meta charset="utf-8"><p>' + TEXT.encode() + b"</p>"
    text, encoding = decode_body(body, "text/html; charset=utf-9000")
    assert encoding == "utf-8"
    assert TEXT in text


@pytest.mark.parametrize("label", ["base64", "rot13", "hex", "undefined", "unicode_escape", "x"])
def test_non_text_or_bogus_labels_are_ignored(label):
    body = f"<p>{TEXT}</p>".encode()
    assert decode_body(body, f"text/html; charset={label}") == (f"<p>{TEXT}</p>", "utf-8")


@pytest.mark.parametrize(
    ("bom", "codec", "expected"),
    [
        (codecs.BOM_UTF8, "utf-8", "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
    ],
)
def test_bom_wins_and_is_stripped(bom, codec, expected):
    body = bom + f"<p>{TEXT}</p>".encode(codec)
    text, encoding = decode_body(body, "text/html; charset=iso-8859-1")
    assert (text, encoding) == (f"<p>{TEXT}</p>", expected)


def test_guess_for_undeclared_legacy_encoding():
    body = ("Привет, мир! Это тестовая статья о новостях. " * 20).encode("cp1251")
    text, encoding = decode_body(body, "text/html")
    assert "Привет, мир" in text
    assert encoding == "cp1251"


def test_undecodable_falls_back_to_utf8_with_replacement():
    text, encoding = decode_body(b"\x81\xfa\xff\x00" * 3 + b"abc", "text/plain; charset=utf-8")
    assert encoding == "utf-8"
    assert text.endswith("abc")
    assert "\ufffd" in text


def test_empty_body():
    assert decode_body(b"", None) == ("", "utf-8")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("text/html; charset=UTF-8", "utf-8"),
        ('text/html; charset="utf-8"', "utf-8"),
        ("text/html;charset=Shift_JIS", "shift-jis"),
        ("text/html", None),
        (None, None),
        ("text/html; charset=", None),
    ],
)
def test_charset_from_content_type(header, expected):
    assert charset_from_content_type(header) == expected


async def test_fetcher_reports_text_and_encoding(make_fetcher):
    body = '<meta charset="windows-1252"><p>“Hello”</p>'.encode("cp1252")
    fetcher = make_fetcher(
        lambda request: httpx.Response(
            200, content=body, headers={"Content-Type": "text/html; charset=nonsense"}
        )
    )
    page = await fetcher.fetch("https://news.example/story")
    assert page.body == body
    assert page.text == '<meta charset="windows-1252"><p>“Hello”</p>'
    assert page.encoding == "cp1252"
