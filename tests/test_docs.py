"""Every setting and every command is documented."""

from __future__ import annotations

from copydesk.cli import app
from copydesk.settings import SETTINGS
from tests.conftest import REPO


def test_every_setting_has_a_heading():
    text = (REPO / "docs" / "settings.md").read_text(encoding="utf-8")
    missing = [s.name for s in SETTINGS if f"## {s.name}\n" not in text]
    assert missing == [], "run: python scripts/settings_doc.py"


def test_every_source_key_has_a_heading():
    from copydesk.settings import SOURCE_HELP, SOURCE_KEYS

    assert set(SOURCE_HELP) == set(SOURCE_KEYS)
    text = (REPO / "docs" / "settings.md").read_text(encoding="utf-8")
    assert [k for k in SOURCE_KEYS if f"## sources.NAME.{k}\n" not in text] == []


def test_settings_doc_is_current():
    import runpy

    render = runpy.run_path(str(REPO / "scripts" / "settings_doc.py"))["render"]
    assert (REPO / "docs" / "settings.md").read_text(encoding="utf-8") == render()


def test_readme_gives_the_two_setup_commands():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert ".venv/bin/copydesk demo" in text
    assert ".venv/bin/pytest" in text


def test_every_command_has_help():
    import copydesk.cli.main  # noqa: F401  (registers the commands)

    commands = app.registered_commands
    assert {c.name or c.callback.__name__ for c in commands} >= {
        "add",
        "sources",
        "remove",
        "run",
        "worker",
        "check",
        "history",
        "diff",
        "extract",
        "export",
        "demo",
        "stats",
    }
    assert all((c.callback.__doc__ or "").strip() for c in commands)
