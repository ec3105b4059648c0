"""A tracker run with WARC on, read back by warcio and re-imported into a fresh database."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.support.evidence import TrackedRun, copydesk, exported, versions_of

pytestmark = pytest.mark.slow


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def read_all(path: Path) -> list[tuple[str, dict[str, str], bool | None]]:
    """(type, WARC headers, digest check) of every record, reading every byte as warcio does."""
    found = []
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream, check_digests=True):
            body = record.content_stream()
            while body.read(65536):
                pass
            headers = dict(record.rec_headers.headers)
            found.append((record.rec_type, headers, record.digest_checker.passed))
    return found


def test_warcio_reads_every_record_copydesk_writes(tracked: TrackedRun):
    files = sorted((tracked.workdir / "warc").glob("*.warc.gz"))
    assert files, "WARC capture wrote no file"
    assert not list((tracked.workdir / "warc").glob("*.open")), "a file was left open"
    records = [r for path in files for r in read_all(path)]
    kinds = [kind for kind, _, _ in records]
    assert set(kinds) == {"warcinfo", "request", "response", "metadata"}
    assert all(passed is not False for _, _, passed in records)
    responses = [h for kind, h, _ in records if kind == "response"]
    versions = exported(tracked.workdir, tracked.db)
    # Exactly one response record per stored version (trivial ones included), nothing else.
    assert len(responses) == len(versions) > 0
    for headers in responses:
        assert headers["WARC-Payload-Digest"].startswith("sha1:")
        assert headers["WARC-IP-Address"] == "127.0.0.1"
        assert headers["WARC-Date"].endswith("Z")
    response_ids = {h["WARC-Record-ID"] for h in responses}
    for kind, headers, _ in records:
        if kind in ("request", "metadata"):
            assert headers["WARC-Concurrent-To"] in response_ids
    # Every version cites its own response record.
    cited = {row["origin_record"] for row in versions}
    assert cited == response_ids
    assert all(str(row["origin_file"]).endswith(".warc.gz") for row in versions)
    for path in files:
        assert path.name.startswith("copydesk-")
        assert "-vm" in path.name or len(path.name.split("-")) >= 4  # time and host in the name


def test_import_of_tracker_warc_reproduces_the_versions(tracked: TrackedRun):
    original = exported(tracked.workdir, tracked.db)
    files = [str(p) for p in sorted((tracked.workdir / "warc").glob("*.warc.gz"))]
    first = copydesk(tracked.workdir, "fresh.db", "import", *files)
    assert first.returncode == 0, first.stderr
    imported = exported(tracked.workdir, "fresh.db")
    assert versions_of(imported) == versions_of(original)
    assert {row["origin"] for row in imported} == {"warc"}
    assert all(row["origin_record"] for row in imported)
    # A second import of the same files adds nothing.
    again = copydesk(tracked.workdir, "fresh.db", "import", *files)
    assert again.returncode == 0, again.stderr
    assert "0 versions added, 0 hidden" in " ".join(again.stdout.split())
    assert f"{len(original)} already imported" in " ".join(again.stdout.split())
    assert exported(tracked.workdir, "fresh.db") == imported


def test_warc_export_then_import_reproduces_the_versions(tracked: TrackedRun):
    original = exported(tracked.workdir, tracked.db)
    out = tracked.workdir / "export.warc.gz"
    done = copydesk(tracked.workdir, tracked.db, "export", "--format", "warc", "--out", str(out))
    assert done.returncode == 0, done.stderr
    records = read_all(out)
    responses = [h for kind, h, _ in records if kind == "response"]
    assert len(responses) == len(original)
    assert all(passed is not False for _, _, passed in records)
    # Dated at capture time, with where each capture came from.
    dates = sorted(moment(h["WARC-Date"]) for h in responses)
    assert dates == sorted(moment(str(r["captured_at"])) for r in original)
    assert all(h["Copydesk-Origin"] == "fetch" for h in responses)
    assert {h["Copydesk-Origin-Record-ID"] for h in responses} == {
        r["origin_record"] for r in original
    }
    imported = copydesk(tracked.workdir, "from-export.db", "import", str(out))
    assert imported.returncode == 0, imported.stderr
    assert versions_of(exported(tracked.workdir, "from-export.db")) == versions_of(original)


def test_verify_passes_on_a_clean_run(tracked: TrackedRun):
    result = copydesk(tracked.workdir, tracked.db, "verify")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no mismatch" in result.stdout
    assert "WARC files" in " ".join(result.stdout.split())
