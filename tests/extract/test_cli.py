"""`copydesk extract --jsonl`: a batch of pages in, one article line out per input line."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from copydesk.cli.app import app

_PROSE = (
    "The harbour authority said on Tuesday that the cables of the old swing bridge would be "
    "replaced over the winter, closing the crossing to traffic for eleven weeks."
)
_SECOND = (
    "Engineers found corrosion in three of the twelve main cables during an inspection in "
    "March, the authority's chief engineer, Mairi Lennox, told the council."
)


def _page(title: str, paragraphs: tuple[str, ...]) -> str:
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    return (
        f"<html><head><title>{title}</title>"
        f'<meta property="article:published_time" content="2024-05-14T09:00:00Z">'
        f'<meta name="author" content="Ailsa Reid"></head>'
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    )


def _run(lines: list[str], *options: str) -> list[dict[str, object]]:
    result = CliRunner().invoke(
        app, ["extract", "--jsonl", *options], input="\n".join(lines) + "\n"
    )
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_jsonl_extracts_each_page_in_order() -> None:
    first = {"url": "https://ledger.example/a", "html": _page("Bridge to close", (_PROSE, _SECOND))}
    second = {"url": "https://ledger.example/b", "html": _page("Cables corroded", (_SECOND,))}
    rows = _run([json.dumps(first), json.dumps(second)])
    assert [row["url"] for row in rows] == ["https://ledger.example/a", "https://ledger.example/b"]
    assert set(rows[0]) == {"url", "title", "byline", "published_at", "paragraphs", "text"}
    assert rows[0]["title"] == "Bridge to close"
    assert rows[0]["paragraphs"] == [_PROSE, _SECOND]
    assert rows[0]["text"] == f"{_PROSE}\n\n{_SECOND}"
    assert rows[0]["byline"] == "Ailsa Reid"
    assert str(rows[0]["published_at"]).startswith("2024-05-14")
    assert rows[1]["paragraphs"] == [_SECOND]


def test_jsonl_bad_lines_give_errors_and_do_not_stop_the_stream() -> None:
    good = {"url": "https://ledger.example/c", "html": _page("Bridge to close", (_PROSE,))}
    empty = {"url": "https://ledger.example/empty", "html": ""}
    rows = _run(["{not json", json.dumps(empty), json.dumps({"url": "x"}), json.dumps(good)])
    assert len(rows) == 4
    assert set(rows[0]) == {"url", "error"}
    assert rows[0]["url"] is None
    assert rows[1]["url"] == "https://ledger.example/empty"
    assert "error" in rows[1]
    assert "error" in rows[2]
    assert rows[3]["url"] == "https://ledger.example/c"
    assert rows[3]["paragraphs"] == [_PROSE]


def test_jsonl_in_several_processes_keeps_the_input_order() -> None:
    """`--jobs 3` (and the default, one per CPU): the same lines as one process, in order."""
    pages = [
        json.dumps({"url": f"https://ledger.example/{n}", "html": _page(f"Story {n}", (_PROSE,))})
        for n in range(20)
    ]
    pages[7] = "{not json"
    one = _run(pages, "--jobs", "1")
    assert [row["url"] for row in one[:3]] == [f"https://ledger.example/{n}" for n in range(3)]
    assert one[7]["url"] is None
    assert str(one[7]["error"]).startswith("line 8: bad input")
    assert one[8]["url"] == "https://ledger.example/8"
    assert _run(pages, "--jobs", "3") == one
    assert _run(pages) == one


def test_jsonl_jobs_run_in_other_processes(monkeypatch) -> None:
    """The pages really are extracted elsewhere: each worker reports its own process id."""
    import multiprocessing
    import os

    from copydesk.cli import pages

    if multiprocessing.get_start_method() != "fork":
        pytest.skip("the patch below reaches workers only when they are forked")
    monkeypatch.setattr(pages, "article_json", lambda article, url: {"pid": os.getpid()})
    lines = [json.dumps({"url": "u", "html": _page("T", (_PROSE,))})] * 12
    rows = _run(lines, "-j", "2")
    seen = [int(str(row["pid"])) for row in rows]
    assert os.getpid() not in seen
    assert len(seen) == 12
