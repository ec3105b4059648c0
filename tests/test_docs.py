"""Every setting and every command is documented."""

from __future__ import annotations

from copydesk.settings import SETTINGS
from tests.support.paths import REPO


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
    from copydesk.cli.app import all_commands
    from copydesk.cli.commands import COMMANDS

    commands = all_commands()
    assert [n for n, c in commands.items() if c is None] == [], "each module defines its commands"
    assert set(COMMANDS) >= {
        "add", "sources", "remove", "run", "worker", "check", "history", "diff", "extract",
        "export", "demo", "stats", "serve",
    }  # fmt: skip
    for name, command in commands.items():
        doc = (command.help or "").strip().splitlines()[0]
        assert doc == COMMANDS[name][1], f"{name}: the table's help is the docstring's first line"


def test_command_modules_register_nothing_on_the_app():
    """Importing a command module leaves the application as build_app made it."""
    import importlib

    from copydesk.cli.app import app
    from copydesk.cli.commands import COMMANDS

    for module in {module for module, _ in COMMANDS.values()}:
        importlib.import_module(f"copydesk.cli.{module}")
    assert app.registered_commands == []
    assert app.registered_groups == []


def test_cli_doc_is_current():
    import runpy

    render = runpy.run_path(str(REPO / "scripts" / "cli_doc.py"))["render"]
    assert (REPO / "docs" / "cli.md").read_text(encoding="utf-8") == render(), (
        "run: python scripts/cli_doc.py"
    )


def test_api_doc_is_current():
    import runpy

    render = runpy.run_path(str(REPO / "scripts" / "api_doc.py"))["render"]
    assert (REPO / "docs" / "api.md").read_text(encoding="utf-8") == render(), (
        "run: python scripts/api_doc.py"
    )


def test_every_api_route_is_in_the_api_doc():
    """Each /api route and method the server answers has an operation heading in docs/api.md."""
    import re

    from starlette.routing import Match, Route

    from copydesk.publish.app import ROUTES

    text = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    documented = re.findall(r"^### `([A-Z]+) (/api/\S*)`$", text, flags=re.MULTILINE)
    assert len(documented) >= 12
    missing = []
    for route in ROUTES:
        if not isinstance(route, Route) or not route.path.startswith("/api/"):
            continue
        for method in sorted((route.methods or {"GET"}) - {"HEAD"}):
            scopes = [
                {"type": "http", "method": m, "path": re.sub(r"\{[^}]+\}", "1", path)}
                for m, path in documented
                if m == method
            ]
            if not any(route.matches(scope)[0] is Match.FULL for scope in scopes):
                missing.append(f"{method} {route.path}")
    assert missing == [], "run: python scripts/api_doc.py (and describe the route in openapi.py)"
