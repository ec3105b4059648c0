"""Issue 11, item 3: data is printed as text, never as Rich markup or terminal sequences.

Before the fix `Minister resigns [/x] after row` crashed `extract` and `history` with
MarkupError, a source named `[/x]` broke `sources` for good, `[link=https://evil.example/]…`
in a headline became a clickable terminal link, and "`[fetch]` must be a table" printed as
" must be a table". Everything runs through the real entry point, with a forced colour
terminal so Rich would emit its hyperlink and style sequences if it read data as markup.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.loopback import QuietHandler, serving

TITLE = "Minister resigns [/x] after row"
LINK = "[link=https://evil.example/]Read the statement[/link]"
EMOJI = "Campaigners gathered at :fire: station"
CONTROLS = "Markets \x1b]0;pwned\x07fell \x1b[2Jsharply \x9b31m today"
PARAGRAPHS = [
    f"The minister said on Tuesday that {LINK} was final and that she would not return.",
    f"{EMOJI} before the vote, which was held in the late evening after a long debate.",
    f"{CONTROLS}, as traders weighed the news of the resignation and its consequences.",
    "Officials said a successor would be named within days, and the party would meet soon.",
]


def page(title: str = TITLE) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        f"<article><h1>{title}</h1>{body}</article></body></html>"
    ).encode()


@pytest.fixture
def site() -> Iterator[str]:
    class Handler(QuietHandler):
        def do_GET(self) -> None:
            body = page()
            self.reply(200, body, {"Content-Type": "text/html; charset=utf-8"})

    with serving(Handler) as base:
        yield base


def cli(cwd: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    (cwd / "copydesk.toml").write_text(
        '[fetch]\nallow_hosts = ["127.0.0.1"]\nper_host_delay = "0s"\nrespect_robots = false\n',
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("COPYDESK_")}
    env |= {"FORCE_COLOR": "1", "COLUMNS": "300", "TERM": "xterm-256color"}
    return subprocess.run(
        [sys.executable, "-m", "copydesk", "--db", str(cwd / "t.db"), *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
        env=env,
    )


def assert_plain(output: bytes) -> str:
    """No hyperlink, title, clear-screen or C1 sequence from the data reached the terminal."""
    text = output.decode("utf-8")
    assert "Traceback" not in text
    assert "MarkupError" not in text
    assert "\x1b]8;" not in text  # OSC 8: a clickable link
    assert "\x1b]0;" not in text  # OSC 0: the window title
    assert "\x1b[2J" not in text  # clear screen
    assert "\x9b" not in text
    assert "\x07" not in text
    return text


def words(text: str) -> str:
    """The visible text: Rich's own style sequences (ESC [ … m) removed."""
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def test_extract_prints_markup_like_text_as_written(tmp_path):
    (tmp_path / "p.html").write_bytes(page())
    result = cli(tmp_path, "extract", str(tmp_path / "p.html"))
    assert result.returncode == 0, result.stderr.decode()
    shown = words(assert_plain(result.stdout))
    assert TITLE in shown
    assert LINK in shown
    assert ":fire:" in shown
    assert "🔥" not in shown


def test_check_history_and_diff_print_hostile_titles_as_text(tmp_path, site):
    url = f"{site}/news/2026/minister-resigns"
    for command in (["check", url], ["history", url], ["diff", url, "1", "1"]):
        result = cli(tmp_path, *command)
        assert result.returncode == 0, (command, result.stderr.decode())
        shown = words(assert_plain(result.stdout + result.stderr))
        if command[0] == "history":
            assert TITLE in shown


def test_source_names_are_printed_as_text(tmp_path, site):
    for index, name in enumerate(("[bold]Herald", ":fire: Gazette", "[link=https:]x")):
        # one article each: adding a tracked one changes nothing (#17)
        added = cli(tmp_path, "add", f"{site}/news/2026/a-{index}", "--source", name)
        assert added.returncode == 0, added.stderr.decode()
        assert name in words(assert_plain(added.stdout))
    listed = cli(tmp_path, "sources")
    assert listed.returncode == 0, listed.stderr.decode()
    shown = words(assert_plain(listed.stdout))
    for name in ("[bold]Herald", ":fire: Gazette", "[link=https:]x"):
        assert name in shown


def test_a_stored_source_named_like_closing_markup_does_not_break_sources(tmp_path):
    """`[/x]` (now refused as a new name: it has a '/') may sit in an older database."""
    assert cli(tmp_path, "sources").returncode == 0
    with sqlite3.connect(tmp_path / "t.db") as conn:
        conn.execute(
            "INSERT INTO sources (name, include, exclude, extract_keep, extract_drop, active,"
            " created_at) VALUES ('[/x]', '[]', '[]', '[]', '[]', 1, '2026-01-01 00:00:00')"
        )
    result = cli(tmp_path, "sources")
    assert result.returncode == 0, result.stderr.decode()
    assert "[/x]" in words(assert_plain(result.stdout))
    stats = cli(tmp_path, "stats")
    assert stats.returncode == 0, stats.stderr.decode()
    assert "[/x]" in words(assert_plain(stats.stdout))


def test_a_new_source_name_with_a_slash_is_refused_in_one_line(tmp_path, site):
    result = cli(tmp_path, "add", f"{site}/news/2026/b", "--source", "[/x]")
    assert result.returncode != 0
    text = words(assert_plain(result.stderr))
    assert "[/x]" in text
    assert len(text.strip().splitlines()) == 1


def test_error_messages_with_brackets_are_printed_whole(tmp_path):
    result = cli(tmp_path, "history", "https://news.example/[/x]/[link=https://evil.example/]a")
    assert result.returncode == 1
    text = words(assert_plain(result.stderr))
    assert "[link=https://evil.example/]" in text or "%5Blink" in text
    (tmp_path / "copydesk.toml").unlink()
    (tmp_path / "bad.toml").write_text("fetch = 5\n", encoding="utf-8")
    result = cli(tmp_path, "--config", str(tmp_path / "bad.toml"), "sources")
    assert "[fetch]" in words(result.stderr.decode())


def test_usage_errors_are_one_plain_line_not_a_traceback(tmp_path):
    for args in (["[/x]"], ["diff", "https://news.example/a", "[/x]"]):
        result = cli(tmp_path, *args)
        assert result.returncode == 2, result.stderr.decode()
        text = words(assert_plain(result.stderr))
        assert "[/x]" in text or "valid integer" in text


def test_every_console_the_cli_makes_prints_str_as_text():
    """A plain Rich Console crept back in (terminal and pipe): every str must stay data."""
    import io

    from copydesk.cli.output import make_console

    for stderr in (False, True):
        console = make_console(stderr=stderr)
        console.file = io.StringIO()
        console.print(f"Wrote 1 record to {TITLE} {LINK} {EMOJI}")
        assert console.file.getvalue() == f"Wrote 1 record to {TITLE} {LINK} {EMOJI}\n"


def test_a_file_name_like_markup_is_printed_as_written(tmp_path, site):
    assert cli(tmp_path, "check", f"{site}/news/2026/a").returncode == 0
    (tmp_path / "[").mkdir()
    for name in ("[/x].warc.gz", "[red]x :fire:.warc.gz"):
        result = cli(tmp_path, "export", "--format", "warc", "--out", name)
        assert result.returncode == 0, result.stderr.decode()[-2000:]
        assert name in words(assert_plain(result.stdout))
        assert (tmp_path / name).is_file()
    # the import's progress bar names the file: as written, no red, no emoji
    result = cli(tmp_path, "--db", str(tmp_path / "fresh.db"), "import", "[red]x :fire:.warc.gz")
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    shown = assert_plain(result.stderr)
    assert "[red]x :fire:.warc.gz" in words(shown)
    assert "\N{FIRE}" not in shown
