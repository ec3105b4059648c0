"""The evidence commands' options and mistakes, through the real entry point."""

from __future__ import annotations

from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from tests.support.evidence import copydesk, write_crawl
from tests.support.pages import URL, A, B

OTHER = "https://other.example.net/2024/05/01/story"


def responses(path: Path) -> list[tuple[str, str]]:
    with open(path, "rb") as stream:
        return [
            (r.rec_headers.get_header("WARC-Target-URI"), r.rec_headers.get_header("WARC-Date"))
            for r in ArchiveIterator(stream)
            if r.rec_type == "response"
        ]


def test_export_warc_filters_by_source_and_date(tmp_path):
    crawl = write_crawl(
        tmp_path / "crawl.warc.gz",
        [(URL, "20240501090000", A), (URL, "20240503090000", B), (OTHER, "20240502090000", A)],
    )
    assert copydesk(tmp_path, "db.db", "import", str(crawl)).returncode == 0
    out = tmp_path / "all.warc.gz"
    assert (
        copydesk(tmp_path, "db.db", "export", "--format", "warc", "--out", str(out)).returncode == 0
    )
    assert len(responses(out)) == 3
    one = tmp_path / "one.warc.gz"
    done = copydesk(
        tmp_path,
        "db.db",
        "export",
        "--format",
        "warc",
        "--out",
        str(one),
        "--source",
        "news.example.org",
        "--since",
        "2024-05-02",
    )
    assert done.returncode == 0, done.stderr
    assert responses(one) == [(URL, "2024-05-03T09:00:00.000000Z")]
    unknown = copydesk(
        tmp_path, "db.db", "export", "--format", "warc", "--out", str(one), "--source", "nope"
    )
    assert unknown.returncode == 2  # a usage mistake: one line with the command's usage
    assert "no source named 'nope'" in unknown.stderr
    bad_date = copydesk(
        tmp_path, "db.db", "export", "--format", "warc", "--out", str(one), "--since", "May"
    )
    assert bad_date.returncode == 2
    assert "--since: not a date" in bad_date.stderr
    to_stdout = copydesk(tmp_path, "db.db", "export", "--format", "warc", "--out", "-")
    assert to_stdout.returncode == 2
    assert "--out FILE.warc.gz" in to_stdout.stderr


def test_import_mistakes_are_one_clear_line(tmp_path):
    nothing = copydesk(tmp_path, "db.db", "import")
    assert nothing.returncode == 2
    assert "give WARC/ARC files, or --wayback URL" in nothing.stderr
    missing = copydesk(tmp_path, "db.db", "import", str(tmp_path / "nope.warc.gz"))
    assert missing.returncode == 2
    assert "no such file" in missing.stderr
    stray = copydesk(tmp_path, "db.db", "import", str(tmp_path), "--from", "2024-01-01")
    assert stray.returncode == 2
    for result in (nothing, missing, stray):
        assert "Traceback" not in result.stderr
