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
    from copydesk.cli.app import load_all
    from copydesk.cli.commands import COMMANDS

    load_all()
    registered = {c.name or c.callback.__name__: c for c in app.registered_commands}
    groups = {g.name: g for g in app.registered_groups}
    assert set(registered) | set(groups) == set(COMMANDS), "cli/commands.py lists every command"
    assert set(COMMANDS) >= {
        "add", "sources", "remove", "run", "worker", "check", "history", "diff", "extract",
        "export", "demo", "stats", "serve",
    }  # fmt: skip
    for name, command in registered.items():
        doc = (command.callback.__doc__ or "").strip().splitlines()[0]
        assert doc == COMMANDS[name][1], f"{name}: the table's help is the docstring's first line"
    for name, group in groups.items():
        assert group.typer_instance.info.help == COMMANDS[name][1]
