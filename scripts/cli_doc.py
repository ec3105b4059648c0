"""Write docs/cli.md from the command line itself: every command's --help, in the table's order.

Run after changing a command, an option or a help text: python scripts/cli_doc.py
(tests/test_docs.py fails while docs/cli.md differs from what this renders).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer.main

from copydesk.cli.app import all_commands, app
from copydesk.cli.commands import COMMANDS

# What `copydesk COMMAND --help` prints in any terminal of 80 columns or more: click wraps help
# at the terminal's width, at most 80, less 2.
WIDTH = 78
HELP_OPTIONS = ["-h", "--help"]
HEADER = """# Command line

Generated from the command line by `python scripts/cli_doc.py`; do not edit by hand
(`tests/test_docs.py` checks that it is current). Settings, their precedence and their
environment variables are in [settings.md](settings.md); the JSON API and feeds in
[api.md](api.md).

Exit status: 0 success; 1 a copydesk error (one line on stderr, no traceback); 2 a usage mistake
or a bad setting, before anything starts; 130 interrupted.
"""


def _help(command: Any, name: str, parent: Any) -> str:
    ctx = command.context_class(
        command, info_name=name, parent=parent, terminal_width=WIDTH, help_option_names=HELP_OPTIONS
    )
    return str(command.get_help(ctx)).rstrip()


def _section(level: str, path: str, text: str) -> str:
    return f"{level} `{path}`\n\n```text\n{text}\n```\n"


def render() -> str:
    group = typer.main.get_command(app)
    root = group.context_class(group, info_name="copydesk", help_option_names=HELP_OPTIONS)
    parts = [HEADER, _section("##", "copydesk", _help(group, "copydesk", None))]
    for name, command in all_commands().items():
        parts.append(_section("##", f"copydesk {name}", _help(command, name, root)))
        for sub in getattr(command, "commands", {}).values():
            ctx = command.context_class(command, info_name=name, parent=root)
            ctx.help_option_names = HELP_OPTIONS
            parts.append(_section("###", f"copydesk {name} {sub.name}", _help(sub, sub.name, ctx)))
    assert list(all_commands()) == list(COMMANDS)
    return "\n".join(parts)


if __name__ == "__main__":
    path = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
    path.write_text(render(), encoding="utf-8")
    print(f"wrote {path}")
