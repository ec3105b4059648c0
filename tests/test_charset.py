"""One charset decoder: the fetcher and the extractor read the same bytes as the same text."""

from __future__ import annotations

import ast
import json

import pytest
from typer.testing import CliRunner

from copydesk.charset import decode_body
from copydesk.extract import extract_article
from tests.support.paths import REPO

PROSE = (
    "The council said “the bridge will reopen” on Monday – after repairs costing €5 million – "
    "and that traffic would be light."
)


def page(charset: str | None) -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    body = "".join(f"<p>{PROSE} Paragraph {i}.</p>" for i in range(3))
    head = f"<head>{meta}<title>Bridge</title></head>"
    return f"<html>{head}<body><article>{body}</article></body></html>"


CASES = {
    # a latin-1 label on windows-1252 bytes: browsers (and the fetcher) read curly quotes
    "latin-1 label, cp1252 quotes": page("iso-8859-1").encode("cp1252"),
    "no label, cp1252 bytes": page(None).encode("cp1252"),
    "utf-8 bytes labelled windows-1252": page("windows-1252").encode("utf-8"),
    "utf-16 label on ASCII-compatible bytes": page("utf-16").encode("utf-8"),
    "utf-8 with a BOM": b"\xef\xbb\xbf" + page(None).encode("utf-8"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_extracting_bytes_reads_them_as_the_fetcher_does(name):
    body = CASES[name]
    fetched_text, _ = decode_body(body)  # what the fetcher stores as Page.text
    from_bytes = extract_article(body, url="https://news.example/a")  # stored capture, saved file
    from_text = extract_article(fetched_text, url="https://news.example/a")
    assert from_bytes == from_text
    assert "“the bridge will reopen”" in from_bytes.text
    assert "€5 million" in from_bytes.text


def test_only_the_kernel_decoder_guesses_charsets():
    users = []
    for path in (REPO / "src" / "copydesk").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n.split(".")[0] == "charset_normalizer" for n in names):
                users.append(path.relative_to(REPO).as_posix())
    assert users == ["src/copydesk/charset.py"]
    assert not (REPO / "src" / "copydesk" / "fetch" / "charset.py").exists()


def test_copydesk_extract_reads_a_saved_windows_1252_file(tmp_path):
    from copydesk.cli.app import app

    saved = tmp_path / "page.html"
    saved.write_bytes(CASES["no label, cp1252 bytes"])
    result = CliRunner().invoke(app, ["extract", str(saved), "--json"])
    assert result.exit_code == 0, result.output
    text = json.loads(result.stdout)["text"]
    assert "“the bridge will reopen”" in text  # not U+FFFD: the file was decoded, not assumed UTF-8


def test_unlabelled_bytes_with_nuls_stay_binary_for_extraction_to_refuse():
    text, encoding = decode_body(b"\x00\x01\x02\xff\xfe" * 400)
    assert encoding == "utf-8"  # not a UTF-16 guess that turns junk into "letters"
    assert "\x00" in text


def test_unlabelled_western_and_cyrillic_legacy_pages_are_told_apart():
    french = "Le café a rouvert “hier” – après des années de travaux à Orléans. " * 5
    assert decode_body(french.encode("cp1252")) == (french, "cp1252")
    russian = "Привет, мир! Это тестовая статья о новостях. " * 20
    assert decode_body(russian.encode("cp1251"))[1] == "cp1251"
