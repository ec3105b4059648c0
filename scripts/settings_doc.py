"""Write docs/settings.md from the SETTINGS registry (run after adding a setting)."""

from __future__ import annotations

from pathlib import Path

from copydesk.settings import SETTINGS, SOURCE_HELP, allowed_words

HEADER = """# Settings

Precedence: defaults < `copydesk.toml` (or `--config FILE`) < `COPYDESK_SECTION__KEY` environment
variables < command-line options. Durations are written like `500ms`, `2s`, `5m`, `1h`, `40d`.
Environment values are read as JSON when they parse as JSON (`COPYDESK_FETCH__ALLOW_HOSTS='["127.0.0.1"]'`).

Every value is checked when copydesk starts: a bad one (wrong type, out of range, `nan`, an
unknown key, a string where a list belongs) stops every command with one line naming the
setting, the value, where it came from and what is allowed, and exit status 2.
"""


def render() -> str:
    parts = [HEADER]
    for setting in SETTINGS:
        env = "COPYDESK_" + setting.name.upper().replace(".", "__")
        if setting.name == "web.admin_token":
            env += "` or `COPYDESK_ADMIN_TOKEN"
        parts.append(
            f"## {setting.name}\n\n{setting.help} Allowed: {allowed_words(setting)}. "
            f"Default: `{setting.default!r}`. "
            f"Environment: `{env}`.\n"
        )
    parts.append(
        "## [sources.NAME]\n\nPer-source rules, one table per source name (the name may not "
        "contain `/` or control characters); these keys are read from `copydesk.toml`, and any other "
        "key is an error.\n"
    )
    for key, (text, allowed) in SOURCE_HELP.items():
        parts.append(f"## sources.NAME.{key}\n\n{text} Allowed: {allowed}.\n")
    parts.append(
        "## [[notify]]\n\nNotification rules, as many as you like; each sends the changes it "
        "matches to its Apprise URLs (email, Slack, Matrix, Telegram, Mastodon, Bluesky, ntfy, "
        "`json://` / `form://` webhooks, …). Keys: `urls` (list of Apprise URLs, at least one), "
        "`sources` (list of source names; empty: every source), `kinds` (list among `substantive`, "
        '`minor`, `gone`, `moved`, `restored`, `new`; default `["substantive"]`), `flags` (list; '
        "not empty: only changes carrying at least one of these flags) and `card` (true or false, "
        "default true: attach the PNG diff card). Any other key is an error. The outbox keeps "
        "only a hash and the host of each URL, never its credentials; a URL removed from the "
        "rules before its messages went out marks them failed.\n"
    )
    return "\n".join(parts)


if __name__ == "__main__":
    path = Path(__file__).resolve().parent.parent / "docs" / "settings.md"
    path.write_text(render(), encoding="utf-8")
    print(f"wrote {path}")
