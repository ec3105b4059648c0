"""`copydesk notify test` through the real entry point."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support.receiver import Receiver


def notify_test(workdir, toml: str) -> subprocess.CompletedProcess[str]:
    (workdir / "copydesk.toml").write_text(toml, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("COPYDESK_")}
    return subprocess.run(
        [sys.executable, "-m", "copydesk", "--db", str(workdir / "t.db"), "notify", "test"],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**env, "COLUMNS": "200"},
    )


def test_notify_test_reports_each_target(tmp_path):
    receiver = Receiver().start()
    try:
        ok = notify_test(tmp_path, f'[[notify]]\nurls = ["{receiver.url}"]\n')
        assert ok.returncode == 0, ok.stderr
        assert "1 of 1 targets reached." in ok.stdout
        [sample] = receiver.received()
        assert sample["message_id"].startswith("copydesk:test:")
        assert "Before: " in sample["message"]
        assert len(sample["attachments"]) == 1  # card = true by default
        mixed = notify_test(
            tmp_path,
            f'[[notify]]\nurls = ["{receiver.url}", "json://127.0.0.1:1/x"]\ncard = false\n',
        )
    finally:
        receiver.stop()
    assert mixed.returncode == 1
    assert "1 of 2 targets reached." in mixed.stdout
    assert "FAILED" in mixed.stdout
    assert "json://127.0.0.1:1" in mixed.stdout
    assert "1 of 2 targets could not be reached" in mixed.stderr
    assert receiver.received()[1]["attachments"] == []  # card = false


def test_notify_test_without_rules_is_one_clear_error(tmp_path):
    result = notify_test(tmp_path, "")
    assert result.returncode == 1
    assert "no [[notify]] rules" in result.stderr
    assert "Traceback" not in result.stderr
