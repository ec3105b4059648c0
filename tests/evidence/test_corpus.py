"""`copydesk import` on the real WARC/ARC samples of the shared corpus (read in place)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.evidence import copydesk, exported

pytestmark = pytest.mark.corpus


def archives(corpus: Path) -> list[str]:
    folder = corpus / "warc-samples"
    if not folder.is_dir():
        pytest.skip("the corpus has no warc-samples folder")
    found = [
        p
        for p in folder.rglob("*")
        if p.is_file() and p.name.endswith((".warc", ".warc.gz", ".arc", ".arc.gz"))
    ]
    return [str(p) for p in sorted(found)]


def test_corpus_warc_samples_import_and_a_second_import_adds_nothing(corpus, tmp_path):
    files = archives(corpus)
    assert len(files) >= 30  # warcio's, pywb's and the UK Web Archive's samples
    first = copydesk(tmp_path, "corpus.db", "import", *files, timeout=600)
    assert first.returncode == 0, first.stderr
    rows = exported(tmp_path, "corpus.db")
    assert len(rows) >= 20
    by_url: dict[str, list[dict[str, object]]] = {}
    for row in rows:
        by_url.setdefault(str(row["article_url"]), []).append(row)
    # A real before/after of one page: the Wikipedia main page during the SOPA blackout,
    # then after it; two captures a day apart, two versions, in time order.
    main_page = by_url["http://en.wikipedia.org/wiki/Main_Page"]
    assert [row["version"] for row in main_page] == [1, 2]
    assert [row["captured_at"] for row in main_page] == sorted(
        str(row["captured_at"]) for row in main_page
    )
    assert str(main_page[0]["origin_file"]).endswith("sopa-wikipedia-homepage.warc.gz")
    # ARC records have no record id: they are named by file and offset, stably.
    arc_rows = [r for r in rows if str(r["origin_file"]).endswith((".arc", ".arc.gz"))]
    assert arc_rows
    assert all("#" in str(r["origin_record"]) for r in arc_rows)
    # Revisits, images, scripts and redirects are no versions: skipped with a count.
    summary = " ".join(first.stdout.split())
    assert "not HTML" in summary
    assert "not status 200" in summary
    second = copydesk(tmp_path, "corpus.db", "import", *files, timeout=600)
    assert second.returncode == 0, second.stderr
    again = " ".join(second.stdout.split())
    assert "0 versions added, 0 hidden as trivial, 0 moved earlier, 0 unchanged" in again
    assert exported(tmp_path, "corpus.db") == rows


def test_a_file_that_is_no_archive_is_one_clear_error(corpus, tmp_path):
    bad = corpus / "warc-samples" / "warcio" / "example-bad.warc.gz.bad"
    if not bad.is_file():
        pytest.skip("the corpus has no deliberately broken sample")
    readme = corpus / "warc-samples" / "README.md"
    result = copydesk(tmp_path, "bad.db", "import", str(readme))
    assert result.returncode == 1
    assert "not a readable WARC/ARC file" in result.stderr
    assert "Traceback" not in result.stderr
