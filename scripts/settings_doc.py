"""Write docs/settings.md from the SETTINGS registry (run after adding a setting)."""

from __future__ import annotations

from pathlib import Path

from copydesk.settings import SETTINGS

HEADER = """# Settings

Precedence: defaults < `copydesk.toml` (or `--config FILE`) < `COPYDESK_SECTION__KEY` environment
variables < command-line options. Durations are written like `500ms`, `2s`, `5m`, `1h`, `40d`.
Environment values are read as JSON when they parse as JSON (`COPYDESK_FETCH__ALLOW_HOSTS='["127.0.0.1"]'`).
"""


def render() -> str:
    parts = [HEADER]
    for setting in SETTINGS:
        env = "COPYDESK_" + setting.name.upper().replace(".", "__")
        if setting.name == "web.admin_token":
            env += "` or `COPYDESK_ADMIN_TOKEN"
        parts.append(
            f"## {setting.name}\n\n{setting.help} Default: `{setting.default!r}`. "
            f"Environment: `{env}`.\n"
        )
    return "\n".join(parts)


if __name__ == "__main__":
    path = Path(__file__).resolve().parent.parent / "docs" / "settings.md"
    path.write_text(render(), encoding="utf-8")
    print(f"wrote {path}")
