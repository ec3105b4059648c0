"""Issue 11, item 10: every command accepts the same `--db` forms (a plain file path included).

`copydesk --db FILE demo` crashed: the web app was given the path, not a sqlite:/// URL.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _cli(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "copydesk", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith("COPYDESK_")}
        | {"COLUMNS": "200"}
        | (env or {}),
    )


@pytest.mark.slow
def test_demo_takes_a_plain_file_path(tmp_path):
    db = tmp_path / "plain.db"
    result = _cli(
        tmp_path,
        "--db",
        str(db),
        "demo",
        "--for",
        "3s",
        "--articles",
        "1",
        "--port",
        "0",
        "--no-keep-serving",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert "Web UI" in result.stdout
    assert db.is_file()


@pytest.mark.parametrize(
    "form",
    [
        lambda p: str(p / "a.db"),
        lambda p: "a.db",
        lambda p: f"sqlite:///{p / 'a.db'}",
    ],
    ids=["absolute-path", "relative-path", "sqlite-url"],
)
def test_every_db_form_names_the_same_file(tmp_path, form):
    for args in (["--db", form(tmp_path)], []):
        env = {} if args else {"COPYDESK_DB": form(tmp_path)}
        result = _cli(tmp_path, *args, "sources", env=env)
        assert result.returncode == 0, result.stderr
        assert (tmp_path / "a.db").is_file()
        (tmp_path / "a.db").unlink()
