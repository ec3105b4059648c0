"""`copydesk export --format jsonl|csv|parquet --what versions|edits`: version rows and
sentence-level edit records written from a real store through the CLI."""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from copydesk.cli import main
from copydesk.cli.app import app
from copydesk.errors import UsageError
from copydesk.publish.exports import EDIT_FIELDS, VERSION_FIELDS, edit_rows, write_edits
from copydesk.records import Article, Check, CheckOutcome, CheckResult, Source
from copydesk.store import Store

T0 = datetime(2024, 3, 12, 9, 0, tzinfo=UTC)
URL = "https://www.northbridgeherald.com/news/2024/03/12/flood-defences-breached"
OTHER = "https://www.northbridgeherald.com/news/2024/03/12/council-budget"
V1 = (
    "Flood defences at Saltmarsh Quay were breached on Monday night. Twelve homes were evacuated.",
    "The Environment Agency said the barrier had been inspected in January.",
    "Residents criticised the council's response.",
)
V2 = (
    "Flood defences at Saltmarsh Quay were breached on Monday night. Fifteen homes were evacuated.",
    "Residents criticised the council's response.",
    "The Environment Agency said the barrier had been inspected in January.",
    "A rest centre has opened at the Quay Street leisure centre.",
)
TRIVIAL = (*V2[:3], "A rest centre has opened at the Quay Street leisure centre .")
V3 = (V2[0], V2[2], V2[3])


def _article(paragraphs: tuple[str, ...], title: str = "Flood defences breached") -> Article:
    return Article(
        title=title,
        byline="By Ana Ruiz",
        published_at="2024-03-12",
        paragraphs=paragraphs,
        extractor="test",
    )


def _record(store: Store, article_id: int, at: datetime, article: Article, trivial: bool) -> None:
    outcome = CheckOutcome.TRIVIAL if trivial else CheckOutcome.NEW_VERSION
    check = Check(article_id=article_id, checked_at=at, outcome=outcome, status=200)
    store.record_check(CheckResult(check=check, article=article, trivial=trivial))


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A SQLite store with two articles: one with three visible versions and a trivial one."""
    url = f"sqlite:///{tmp_path / 'export.db'}"
    store = Store.open(url)
    try:
        store.add_source(Source(name="herald"), now=T0)
        first = store.add_article("herald", URL, now=T0)
        _record(store, first.id, T0, _article(V1), trivial=False)
        _record(store, first.id, T0 + timedelta(hours=1), _article(V2), trivial=False)
        _record(store, first.id, T0 + timedelta(hours=2), _article(TRIVIAL), trivial=True)
        _record(store, first.id, T0 + timedelta(hours=3), _article(V3), trivial=False)
        second = store.add_article("herald", OTHER, now=T0)
        _record(store, second.id, T0, _article(("Budget agreed.",), "Budget"), trivial=False)
    finally:
        store.close()
    return url


def run(db_url: str, *args: str) -> str:
    result = CliRunner().invoke(app, ["--db", db_url, "export", *args])
    assert result.exit_code == 0, result.output
    return result.output


def edits_of(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_jsonl_version_rows_are_unchanged(db_url: str) -> None:
    rows = [json.loads(line) for line in run(db_url, "--format", "jsonl").splitlines()]
    assert [(r["article_url"], r["version"]) for r in rows] == [
        (URL, 1),
        (URL, 2),
        (URL, 3),
        (OTHER, 1),
    ]
    assert rows[0]["paragraphs"] == list(V1)
    assert rows[0]["captured_at"] == "2024-03-12T09:00:00Z"
    assert not any(r["trivial"] for r in rows)
    with_trivial = run(db_url, "--format", "jsonl", "--all").splitlines()
    assert len(with_trivial) == 5


def test_edits_jsonl_has_one_record_per_changed_sentence(db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "edits.jsonl"
    run(db_url, "--format", "jsonl", "--what", "edits", "--out", str(out))
    old_name = tmp_path / "old-name.jsonl"
    run(db_url, "--format", "edits-jsonl", "--out", str(old_name))  # the old spelling still works
    assert old_name.read_text() == out.read_text()
    rows = edits_of(out)
    assert all(tuple(row) == EDIT_FIELDS for row in rows)
    first = [r for r in rows if (r["old_version"], r["new_version"]) == (1, 2)]
    ops = sorted((r["op"], r["old_index"], r["new_index"]) for r in first)
    assert ops == [("added", None, 4), ("edited", 1, 1), ("moved", 3, 2)]
    edited = next(r for r in first if r["op"] == "edited")
    assert edited["old_sentence"] == "Twelve homes were evacuated."
    assert edited["new_sentence"] == "Fifteen homes were evacuated."
    assert edited["article_url"] == URL
    assert edited["source"] == "herald"
    assert edited["old_captured_at"] == "2024-03-12T09:00:00Z"
    assert edited["new_captured_at"] == "2024-03-12T10:00:00Z"
    # the trivial version is skipped: version 3 is compared with version 2
    second = [r for r in rows if (r["old_version"], r["new_version"]) == (2, 3)]
    assert [(r["op"], r["old_sentence"]) for r in second] == [("removed", V2[1])]
    assert second[0]["new_captured_at"] == "2024-03-12T12:00:00Z"
    assert {r["article_url"] for r in rows} == {URL}  # a single version has no edits


def test_csv_matches_edits_jsonl(db_url: str, tmp_path: Path) -> None:
    run(db_url, "--format", "edits-jsonl", "--out", str(tmp_path / "edits.jsonl"))
    text = run(db_url, "--format", "csv", "--what", "edits")
    rows = list(csv.DictReader(io.StringIO(text)))
    expected = edits_of(tmp_path / "edits.jsonl")
    assert len(rows) == len(expected) == 4
    for got, want in zip(rows, expected, strict=True):
        assert tuple(got) == EDIT_FIELDS
        assert got == {k: "" if v is None else str(v) for k, v in want.items()}


def test_parquet_is_typed_and_matches_edits_jsonl(db_url: str, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    run(db_url, "--format", "edits-jsonl", "--out", str(tmp_path / "edits.jsonl"))
    run(db_url, "--format", "parquet", "--what", "edits", "--out", str(tmp_path / "edits.parquet"))
    table = pq.read_table(tmp_path / "edits.parquet")
    assert tuple(table.column_names) == EDIT_FIELDS
    assert str(table.schema.field("new_captured_at").type) == "timestamp[us, tz=UTC]"
    rows = table.to_pylist()
    expected = edits_of(tmp_path / "edits.jsonl")
    assert [(r["op"], r["old_sentence"], r["new_sentence"], r["new_index"]) for r in rows] == [
        (r["op"], r["old_sentence"], r["new_sentence"], r["new_index"]) for r in expected
    ]
    assert rows[0]["old_captured_at"] == T0


def test_parquet_without_pyarrow_is_a_one_line_error(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import now raises ImportError
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    rows = edit_rows([])
    with pytest.raises(UsageError, match="pip install 'copydesk\\[parquet\\]'"):
        write_edits(rows, "parquet", None, str(tmp_path / "x.parquet"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "parquet"], "Invalid value for --out: --format parquet writes a file"),
        (["--format", "csv", "--what", "edits", "--all"], "Invalid value for --all"),
        (["--format", "xml"], "Invalid value for --format: 'xml' is not one of jsonl, csv"),
        (["--what", "sentences"], "Invalid value for --what: 'sentences' is not one of"),
        (["--since", "2024-05-01"], "Invalid value for --source/--since"),
    ],
)
def test_export_mistakes_are_usage_errors(
    db_url: str, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Through the console script's function: one line with the usage, exit status 2."""
    with pytest.raises(SystemExit) as stopped:
        main(["--db", db_url, "export", *args])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert message in err
    assert "(usage: copydesk export [OPTIONS]" in err
    assert len(err.strip().splitlines()) == 1


def test_versions_are_the_default_in_every_format(db_url: str, tmp_path: Path) -> None:
    """`--format csv|parquet` give versions, as the README says; edits need `--what edits`."""
    pq = pytest.importorskip("pyarrow.parquet")
    jsonl = [json.loads(line) for line in run(db_url, "--format", "jsonl").splitlines()]
    rows = list(csv.DictReader(io.StringIO(run(db_url, "--format", "csv"))))
    assert tuple(rows[0]) == VERSION_FIELDS
    assert [(r["article_url"], r["version"]) for r in rows] == [
        (r["article_url"], str(r["version"])) for r in jsonl
    ]
    assert json.loads(rows[0]["paragraphs"]) == list(V1)  # a JSON array in one cell
    assert [r["change"] or None for r in rows] == [r["change"] for r in jsonl]
    run(db_url, "--format", "parquet", "--out", str(tmp_path / "v.parquet"))
    table = pq.read_table(tmp_path / "v.parquet")
    assert tuple(table.column_names) == VERSION_FIELDS
    assert str(table.schema.field("captured_at").type) == "timestamp[us, tz=UTC]"
    parquet = table.to_pylist()
    assert parquet[0]["paragraphs"] == list(V1)
    assert [r["version"] for r in parquet] == [r["version"] for r in jsonl]
    with_trivial = list(csv.DictReader(io.StringIO(run(db_url, "--format", "csv", "--all"))))
    assert len(with_trivial) == len(rows) + 1
