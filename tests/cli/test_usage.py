"""The command line as a newcomer and a script meet it: usage mistakes, help, pipes, JSON, logs.

Usage errors go through the real entry point (`copydesk.cli.main`, and the installed console
script): one line on stderr, exit 2, never a traceback.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from copydesk.cli import main
from copydesk.cli.commands import COMMANDS
from copydesk.records import (
    Article,
    Check,
    CheckOutcome,
    CheckResult,
    Endpoint,
    EndpointKind,
    Source,
)
from copydesk.store import Store
from tests.support.loopback import QuietHandler, serving

T0 = datetime(2024, 3, 12, 9, 0, tzinfo=UTC)
FEED = "https://www.northbridgeherald.com/feeds/news.xml"
LONG_URL = (
    "https://www.northbridgeherald.com/news/2024/03/12/"
    "the-council-approves-the-harbour-front-renovation-after-a-decade-of-delays-and-disputes"
)
TITLE = "Council approves the harbour front renovation after a decade of delays and disputes"
V1 = (
    "The renovation will cost $21.2 billion over ten years, the council said on Tuesday.",
    "Work is due to start in the spring.",
)
V2 = (
    "The renovation will cost $16.9 billion over ten years, the council said on Tuesday.",
    "Work is due to start in the spring.",
)
ANSI = re.compile(r"\x1b\[")


def _record(store: Store, article_id: int, at: datetime, paragraphs: tuple[str, ...], kind: str):
    check = Check(
        article_id=article_id, checked_at=at, outcome=CheckOutcome.NEW_VERSION, status=200
    )
    article = Article(
        title=TITLE, byline="By Ana Ruiz", published_at=None, paragraphs=paragraphs, extractor="t"
    )
    store.record_check(
        CheckResult(check=check, article=article, change_kind=kind, change_flags=("numbers",))
    )


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A store with one source, its feed, and an article whose figure changed."""
    path = tmp_path / "cli.db"
    with Store.open(f"sqlite:///{path}") as store:
        store.add_source(Source(name="herald"), now=T0)
        store.add_endpoint(Endpoint(url=FEED, kind=EndpointKind.FEED, source="herald"), now=T0)
        article = store.add_article("herald", LONG_URL, now=T0)
        _record(store, article.id, T0, V1, "new")
        _record(store, article.id, T0 + timedelta(hours=1), V2, "substantive")
    return str(path)


def cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None):
    """`python -m copydesk ARGS` as a whole process, its output going to pipes."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("COPYDESK_")}
    return subprocess.run(
        [sys.executable, "-m", "copydesk", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=cwd,
        env=clean | (env or {}),
    )


def in_process(capsys, *args: str) -> tuple[int, str, str]:
    """copydesk.cli.main(ARGS): the console script's function, without a new interpreter."""
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


# ── point 1: usage mistakes ──────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["histroy"], "No such command 'histroy'. Did you mean 'history'?"),
        (["history"], "Missing argument 'URL'"),
        (["run", "--fro", "3s"], "No such option: --fro"),
        (["diff", LONG_URL, "two"], "Invalid value for 'A'"),
        (["diff", LONG_URL, "--word-diff", "fancy"], "--word-diff"),
        (["--log-format", "xml", "sources"], "--log-format"),
        (["export", "--format"], "requires an argument"),
        (["serve", "--port", "70000"], "--port"),  # was an OverflowError traceback from bind()
        (["demo", "--port", "-1"], "--port"),
        (["import", "--wayback", "https://news.example/", "a.warc"], "not both"),
        (["import", "--prefix", "a.warc"], "go with --wayback"),
        (["import", "--wayback", "https://news.example/", "--from", "May"], "--from: not a date"),
        (["stats", "--source", "nowhere"], "no source named 'nowhere'"),
        (["stats", "--since", "2026-02-01", "--until", "2026-01-01"], "--since must not be after"),
        (["export", "--format", "warc", "--out", "x.warc.gz", "--source", "nowhere"], "nowhere"),
    ],
)
def test_usage_mistakes_are_one_line_and_exit_2(tmp_path, args, expected):
    result = cli("--db", str(tmp_path / "x.db"), *args)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("error: ")
    assert "usage: copydesk" in result.stderr


def test_the_installed_console_script_says_the_same(tmp_path):
    script = Path(sys.executable).parent / "copydesk"
    if not script.exists():
        pytest.skip("no console script next to this interpreter")
    result = subprocess.run([str(script), "sourcse"], capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "Did you mean 'sources'?" in result.stderr
    assert "Traceback" not in result.stderr


def _built(name: str):
    import typer.main

    from copydesk.cli.app import app

    group = typer.main.get_command(app)
    return group.get_command(None, name)


def _leaves() -> list[list[str]]:
    """Every runnable command path: `add`, …, `notify test`."""
    paths = []
    for name in COMMANDS:
        command = _built(name)
        subcommands = getattr(command, "commands", None)
        paths += [[name, sub] for sub in subcommands] if subcommands else [[name]]
    return paths


@pytest.mark.parametrize("path", _leaves(), ids=" ".join)
def test_every_command_refuses_an_unknown_option_in_one_line(capsys, tmp_path, path):
    code, _, err = in_process(capsys, "--db", str(tmp_path / "x.db"), *path, "--no-such-flag")
    assert code == 2
    assert "No such option: --no-such-flag" in err
    assert len(err.strip().splitlines()) == 1
    assert f"usage: copydesk {' '.join(path)}" in err
    assert "{" not in err.split("usage: ", 1)[1]  # a required argument reads URL, not {URL}


@pytest.mark.parametrize("path", _leaves(), ids=" ".join)
def test_every_command_names_its_missing_argument_or_runs_its_help(capsys, tmp_path, path):
    command = _built(path[0])
    if len(path) > 1:
        command = command.commands[path[1]]
    required = [p for p in command.params if p.param_type_name == "argument" and p.required]
    if required:
        code, _, err = in_process(capsys, "--db", str(tmp_path / "x.db"), *path)
        assert code == 2
        assert f"Missing argument '{required[0].display_name_raw}'" in err
        assert len(err.strip().splitlines()) == 1
    code, out, err = in_process(capsys, *path, "--help")
    assert code == 0
    assert err == ""
    assert f"Usage: copydesk {' '.join(path)}" in out
    assert "<bool>" not in out  # flags take no value; the help must not say they do


def test_the_command_list_is_help_as_written(capsys):
    code, out, _ = in_process(capsys, "--help")
    assert code == 0
    listed = re.findall(r"^  (\S+)\s", out.split("Commands:", 1)[1], re.M)
    assert listed == list(COMMANDS)
    assert "[[notify]]" in out  # help text is text: brackets are not eaten as markup
    assert "[archive]" in out
    bare = in_process(capsys)
    assert bare[0] == 0
    assert "Commands:" in bare[1]


def test_help_imports_no_command_module():
    probe = (
        "import sys\nfrom copydesk.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = {'sqlalchemy', 'httpx', 'starlette', 'trafilatura', 'lxml', 'alembic'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))\n"
        "print(sorted(m for m in sys.modules if m.startswith('copydesk.cli.')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    heavy, modules = out.stdout.strip().splitlines()[-2:]
    assert heavy == "[]"
    assert "tracking" not in modules
    assert "versions" not in modules
    assert "pages" not in modules


# What a command reading an up-to-date database never needs: the web and HTTP stacks, the
# extractor, Alembic (a revision check suffices), PostgreSQL's dialect on SQLite, Typer's
# pydantic converters (cli/params.py), the bulk loader and, for `history`, the word differ.
NOT_FOR_READING = (
    "httpx",
    "starlette",
    "trafilatura",
    "lxml",
    "alembic",
    "pydantic",
    "sqlalchemy.dialects.postgresql",
    "copydesk.store.bulk",
    "copydesk.store.quiet",
    "copydesk.pipeline",
    "copydesk.fetch",
    "rapidfuzz",
    "copydesk.diff.significance",
)


@pytest.mark.parametrize("command", [["sources"], ["history", LONG_URL]])
def test_reading_commands_import_only_what_they_use(db, command):
    """Start-up time, guarded without a clock: `sources`/`history` load none of NOT_FOR_READING."""
    probe = (
        "import sys\nfrom copydesk.cli import main\n"
        f"try:\n    main({['--db', db, *command]!r})\nexcept SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        f"unwanted = {NOT_FOR_READING!r}\n"
        "print(sorted(m for m in unwanted if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    *printed, unwanted = out.stdout.strip().splitlines()
    assert unwanted == "[]"
    assert "herald" in "\n".join(printed) or LONG_URL in printed[0]  # it did read the database


# ── point 4: pipes and scripts ───────────────────────────────────────────────────────────────


def test_piped_history_and_sources_are_neither_wrapped_nor_coloured(db):
    history = cli("--db", db, "history", LONG_URL, env={"COLUMNS": "60"})
    assert history.returncode == 0, history.stderr
    assert not ANSI.search(history.stdout)
    lines = history.stdout.splitlines()
    assert lines[0].startswith(LONG_URL)  # the address in one piece, on one line
    assert lines[1].split("\t") == ["version", "captured at", "title", "change", "paragraphs"]
    assert lines[3].split("\t") == ["2", "2024-03-12 10:00:00 UTC", TITLE, "substantive", "2"]
    sources = cli("--db", db, "sources", env={"COLUMNS": "60"}).stdout.splitlines()
    assert sources[1].split("\t")[:2] == ["herald", f"feed {FEED}"]


def test_piped_diff_marks_words_as_git_does(db):
    result = cli("--db", db, "diff", LONG_URL)
    assert result.returncode == 0, result.stderr
    assert not ANSI.search(result.stdout)
    assert "[-21.2-]{+16.9+}" in result.stdout  # never "$21.216.9 billion"
    assert "$[-21.2-]{+16.9+} billion" in result.stdout
    assert result.stdout.splitlines()[0] == f"{LONG_URL}  v1 → v2: substantive [numbers, stealth]"


def test_word_diff_modes(db):
    porcelain = cli("--db", db, "diff", LONG_URL, "--word-diff=porcelain").stdout.splitlines()
    at = porcelain.index("-21.2")
    assert porcelain[at - 1].endswith("The renovation will cost $")
    assert porcelain[at - 1].startswith(" ")
    assert porcelain[at + 1] == "+16.9"
    assert porcelain[at + 2].startswith("  billion over ten years")
    assert "~" in porcelain  # a line break of the text
    colour = cli("--db", db, "diff", LONG_URL, "--word-diff=color").stdout
    assert ANSI.search(colour)  # asked for: coloured even in a pipe
    assert "[-" not in colour
    plain = cli("--db", db, "diff", LONG_URL, "--word-diff=plain").stdout
    assert "[-21.2-]{+16.9+}" in plain


def test_json_output_of_history_sources_and_stats(db):
    history = json.loads(cli("--db", db, "history", LONG_URL, "--json").stdout)
    assert history["url"] == LONG_URL
    assert [v["version"] for v in history["versions"]] == [1, 2]
    assert history["versions"][1]["change"] == "substantive"
    assert history["versions"][1]["flags"] == ["numbers"]
    assert history["versions"][0]["captured_at"] == "2024-03-12T09:00:00Z"
    sources = json.loads(cli("--db", db, "sources", "--json").stdout)
    assert sources == [
        {
            "name": "herald",
            "endpoints": [{"kind": "feed", "url": FEED}],
            "articles": 1,
            "versions": 2,
            "last_check_at": "2024-03-12T10:00:00Z",
        }
    ]
    stats = json.loads(cli("--db", db, "stats", "--json").stdout)
    table = cli("--db", db, "stats").stdout.splitlines()
    assert [row["name"] for row in stats["sources"]] == ["herald"]
    assert list(stats["sources"][0]) == table[0].split("\t")  # the same figures as the table
    assert stats["notifications"]["sent"] == 0


# ── point 5: adding what is tracked already ─────────────────────────────────────────────────


def test_re_adding_a_tracked_feed_says_where_it_is_and_changes_nothing(db):
    result = cli("--db", db, "add", FEED)  # no --source: it would have been a new source
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        f"Already tracked: feed {FEED} in source 'herald'. Nothing changed."
    )
    again = cli("--db", db, "add", FEED, "--source", "other")
    assert "in source 'herald'" in again.stdout
    article = cli("--db", db, "add", LONG_URL)
    assert f"Already tracked: article {LONG_URL} in source 'herald' (active)" in article.stdout
    assert [s["name"] for s in json.loads(cli("--db", db, "sources", "--json").stdout)] == [
        "herald"
    ]


# ── point 3: logs and live status ────────────────────────────────────────────────────────────


@pytest.fixture
def failing_site():
    """A site whose articles answer 404 and 500."""

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            status = {"/robots.txt": 404, "/gone": 404, "/broken": 500}.get(self.path, 404)
            self.reply(status)

    with serving(Handler) as base:
        yield base


def _tracked(tmp_path: Path, base: str) -> str:
    path = tmp_path / "run.db"
    (tmp_path / "copydesk.toml").write_text(
        '[fetch]\nallow_hosts = ["127.0.0.1"]\nper_host_delay = "0s"\nconfirm_changes = false\n'
    )
    with Store.open(f"sqlite:///{path}") as store:
        store.add_source(Source(name="site"), now=T0)
        store.add_article("site", f"{base}/gone", now=T0)
        store.add_article("site", f"{base}/broken", now=T0)
    return str(path)


def test_verbose_logs_every_recorded_fault_with_its_reason(tmp_path, failing_site):
    db = _tracked(tmp_path, failing_site)
    quiet = cli("--db", db, "run", "--once", cwd=tmp_path)
    assert quiet.returncode == 0, quiet.stderr
    assert "/broken" not in quiet.stderr  # without -v: no log lines
    again = tmp_path / "again"
    again.mkdir()
    loud = cli("-v", "--db", _tracked(again, failing_site), "run", "--once", cwd=again)
    assert loud.returncode == 0, loud.stderr
    faults = [line for line in loud.stderr.splitlines() if "copydesk.tracker" in line]
    assert any(f"{failing_site}/gone: http-status: HTTP 404" in line for line in faults), faults
    assert any(f"{failing_site}/broken: http-status: HTTP 500" in line for line in faults), faults


def test_log_format_json_is_one_object_per_line(tmp_path, failing_site):
    db = _tracked(tmp_path, failing_site)
    result = cli("-v", "--log-format", "json", "--db", db, "run", "--once", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    assert records
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
    faults = {r["url"]: r for r in records if r["logger"] == "copydesk.tracker"}
    assert faults[f"{failing_site}/broken"]["reason"] == "http-status"
    assert faults[f"{failing_site}/broken"]["outcome"] in ("error", "gone")
    assert faults[f"{failing_site}/gone"]["level"] == "info"


def in_terminal(*args: str, cwd: Path) -> tuple[int, str]:
    """`python -m copydesk ARGS` with a pseudo-terminal as its stdin, stdout and stderr."""
    import pty

    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith("COPYDESK_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "copydesk", *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        cwd=cwd,
        env=env | {"TERM": "xterm", "COLUMNS": "120"},
    )
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed: the process ended
            break
        if not chunk:
            break
        seen += chunk
    process.wait(timeout=120)
    os.close(leader)
    return process.returncode, seen.decode("utf-8", "replace")


STATUS = re.compile(
    r"\d+ checks · \d+ new versions · \d+ errors · \d+ polls · "
    r"(next check in \d+(\.\d)?[smh]|checks due now|nothing due)"
)


def test_run_shows_a_live_status_line_in_a_terminal_only(tmp_path, failing_site):
    db = _tracked(tmp_path, failing_site)
    piped = cli("--db", db, "run", "--for", "2s", cwd=tmp_path)
    assert "●" not in piped.stdout
    assert "checks ·" not in piped.stdout
    code, text = in_terminal("--db", db, "run", "--for", "3s", cwd=tmp_path)
    assert code == 0, text
    assert STATUS.search(text), text


DEMO = ("demo", "--for", "4s", "--articles", "2", "--port", "0", "--no-keep-serving")


def test_demo_shows_a_live_status_line_in_a_terminal_only(tmp_path):
    code, text = in_terminal("--db", str(tmp_path / "tty.db"), *DEMO, cwd=tmp_path)
    assert code == 0, text
    assert STATUS.search(text), text  # never silent while it tracks
    piped = cli("--db", str(tmp_path / "pipe.db"), *DEMO, cwd=tmp_path)
    assert piped.returncode == 0, piped.stderr
    assert "Captured" in piped.stdout
    assert not STATUS.search(piped.stdout + piped.stderr)
    assert not ANSI.search(piped.stdout + piped.stderr)


def test_import_and_export_draw_progress_in_a_terminal_only(tmp_path, db):
    from tests.support.evidence import write_crawl
    from tests.support.pages import URL, A, B

    crawl = write_crawl(
        tmp_path / "crawl.warc.gz", [(URL, "20240501090000", A), (URL, "20240503090000", B)]
    )
    code, text = in_terminal("--db", str(tmp_path / "tty.db"), "import", str(crawl), cwd=tmp_path)
    assert code == 0, text
    assert "crawl.warc.gz" in text  # the file's bar: its name, a bar, bytes read
    assert "━" in text
    assert "Imported:" in text
    piped = cli("--db", str(tmp_path / "pipe.db"), "import", str(crawl), cwd=tmp_path)
    assert piped.returncode == 0, piped.stderr
    assert piped.stderr == ""
    assert piped.stdout.startswith("Imported:")
    out = tmp_path / "versions.jsonl"
    code, text = in_terminal("--db", db, "export", "--out", str(out), cwd=tmp_path)
    assert code == 0, text
    assert "versions written: 2" in text
    assert len(out.read_text().splitlines()) == 2
    piped = cli("--db", db, "export", "--out", str(tmp_path / "again.jsonl"), cwd=tmp_path)
    assert piped.returncode == 0, piped.stderr
    assert piped.stderr == ""


def test_export_counts_rows_only_on_a_terminal():
    import io

    from rich.console import Console

    from copydesk.cli.progress import counting

    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=80)
    with counting(terminal, "versions written") as count:
        assert [count(n) for n in range(3)] == [0, 1, 2]
    assert "versions written" in screen.getvalue()
    pipe = io.StringIO()
    with counting(Console(file=pipe, force_terminal=False), "versions written") as count:
        assert count("x") == "x"
    assert pipe.getvalue() == ""
