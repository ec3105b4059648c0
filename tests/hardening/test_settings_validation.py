"""Issue 11, item 9: every bad setting is one line naming key, value and what is allowed; exit 2.

Before the fix these were tracebacks (`max_interval = "99999999999d"`, `inf`, `1e309` from the
environment, `[sources] x = 5`) or silently wrong (`respect_robots = "ture"` turned robots.txt
off, `exclude = "/sport/"` became one-character patterns, negative timeouts, `growth = nan`,
unknown keys in `[sources.X]`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from copydesk.errors import ConfigError
from copydesk.settings import SETTINGS, load_settings, settings_from_mapping

# (TOML text, the key the error must name, a piece of the value as shown)
BAD_FILES = [
    ('[schedule]\nmax_interval = "99999999999d"\n', "schedule.max_interval", "99999999999d"),
    ("[schedule]\nmax_interval = inf\n", "schedule.max_interval", "inf"),
    ("[schedule]\nmax_interval = -5\n", "schedule.max_interval", "-5"),
    ('[schedule]\nfeed_interval = "0s"\n', "schedule.feed_interval", "0s"),
    ("[schedule]\ngrowth = nan\n", "schedule.growth", "nan"),
    ("[schedule]\ngrowth = -1.0\n", "schedule.growth", "-1.0"),
    ("[schedule]\ncheck_yield = 2.0\n", "schedule.check_yield", "2.0"),
    ("[schedule]\nmax_fetches_per_hour = -3\n", "schedule.max_fetches_per_hour", "-3"),
    ('[schedule]\nmax_interval = "1m"\nafter_change = "1h"\n', "schedule.max_interval", "1m"),
    ('[fetch]\nrespect_robots = "ture"\n', "fetch.respect_robots", "ture"),
    ("[fetch]\nrespect_robots = 1\n", "fetch.respect_robots", "1"),
    ('[fetch]\ntotal_timeout = "0s"\n', "fetch.total_timeout", "0s"),
    ("[fetch]\nconnect_timeout = -1\n", "fetch.connect_timeout", "-1"),
    ("[fetch]\nmax_body_bytes = 0\n", "fetch.max_body_bytes", "0"),
    ("[fetch]\nmax_body_bytes = -10\n", "fetch.max_body_bytes", "-10"),
    ("[fetch]\nmax_redirects = -1\n", "fetch.max_redirects", "-1"),
    ("[fetch]\nconcurrency = 0\n", "fetch.concurrency", "0"),
    ("[fetch]\nper_host_concurrency = 0\n", "fetch.per_host_concurrency", "0"),
    ("[fetch]\nmax_retry_after = 0\n", "fetch.max_retry_after", "0"),
    ('[fetch]\nallow_hosts = "127.0.0.1"\n', "fetch.allow_hosts", "127.0.0.1"),
    ("[fetch]\nallow_hosts = [1, 2]\n", "fetch.allow_hosts", "[1, 2]"),
    ("[fetch]\nmax_redirects = 2.5\n", "fetch.max_redirects", "2.5"),
    ('[fetch]\nuser_agent_contact = "a\\nX-Evil: 1"\n', "fetch.user_agent_contact", "X-Evil"),
    ("[fetch]\nnope = 1\n", "fetch.nope", ""),
    ('[web]\nbase_url = "javascript:alert(1)"\n', "web.base_url", "javascript"),
    ('[web]\nbase_url = "news.example"\n', "web.base_url", "news.example"),
    ("fetch = 5\n", "fetch", "5"),
    ("[sources]\nx = 5\n", "sources.x", "5"),
    ('[sources.herald]\nexclude = "/sport/"\n', "sources.herald.exclude", "/sport/"),
    ('[sources.herald]\ninclude = ["(unclosed"]\n', "sources.herald.include", "(unclosed"),
    ('[sources.herald]\nexlcude = ["/sport/"]\n', "sources.herald.exlcude", ""),
    ("[sources.herald]\nmax_fetches_per_hour = -1\n", "sources.herald.max_fetches_per_hour", "-1"),
    ('[sources.herald.extract]\ndrop = "p"\n', "sources.herald.extract", "p"),
    ('[sources.herald.extract]\ndrop = ["p >>> ["]\n', "sources.herald.extract", ">>>"),
    ('[sources.herald.extract]\nremove = ["p"]\n', "sources.herald.extract", "remove"),
    ('[sources."a/b"]\nexclude = []\n', "[sources.NAME]", "a/b"),
]


@pytest.mark.parametrize(("text", "key", "shown"), BAD_FILES)
def test_bad_file_value_names_key_value_and_what_is_allowed(tmp_path, text, key, shown):
    config = tmp_path / "copydesk.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(config, environ={})
    message = str(caught.value)
    assert key in message
    assert shown in message
    assert "allowed" in message or "has " in message  # unknown keys list the known ones
    assert "\n" not in message


@pytest.mark.parametrize(
    ("name", "value", "key"),
    [
        ("COPYDESK_SCHEDULE__FEED_INTERVAL", "1e309", "schedule.feed_interval"),
        ("COPYDESK_SCHEDULE__FEED_INTERVAL", "nan", "schedule.feed_interval"),
        ("COPYDESK_SCHEDULE__GROWTH", "NaN", "schedule.growth"),
        ("COPYDESK_SCHEDULE__GROWTH", "Infinity", "schedule.growth"),
        ("COPYDESK_FETCH__RESPECT_ROBOTS", "ture", "fetch.respect_robots"),
        ("COPYDESK_FETCH__MAX_BODY_BYTES", "9" * 5000, "fetch.max_body_bytes"),
        ("COPYDESK_FETCH__MAX_REDIRECTS", "-1", "fetch.max_redirects"),
        ("COPYDESK_FETCH__CONCURRENCY", "[1]", "fetch.concurrency"),
    ],
)
def test_bad_environment_value_names_the_variable(tmp_path, monkeypatch, name, value, key):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={name: value})
    message = str(caught.value)
    assert key in message
    assert name in message
    assert len(message) < 300  # a 5,000-digit value is shown shortened


@pytest.mark.parametrize(
    "name",
    [
        "COPYDESK_FETHC__TOTAL_TIMEOUT",  # a misspelt section, as ignored as an unknown key was
        "COPYDESK_SOURCES__HERALD__EXCLUDE",  # per-source rules are read from the file only
        "COPYDESK_SCHEDULE__FEED__INTERVAL",
    ],
)
def test_an_environment_variable_naming_no_setting_is_an_error(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={name: "5s"})
    message = str(caught.value)
    assert name in message
    assert "unknown setting" in message
    assert "\n" not in message


def test_other_copydesk_variables_are_left_to_their_owners(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    load_settings(environ={"COPYDESK_CORPUS": "/x", "COPYDESK_REVISION": "1", "COPYDESK_PYWB": ""})


def test_good_values_at_the_edges_are_accepted(tmp_path):
    config = tmp_path / "copydesk.toml"
    config.write_text(
        """
[fetch]
respect_robots = false
per_host_delay = 0
max_redirects = 1
max_body_bytes = 1024
allow_hosts = []
[schedule]
growth = 0.5
max_fetches_per_hour = 0
explore_every = 0
retire_below = 0.0
max_interval = "36500d"
[web]
base_url = "https://news.example.org/"
[sources.herald]
exclude = ["/sport/"]
max_fetches_per_hour = 0
[sources.herald.extract]
keep = ["article"]
""",
        encoding="utf-8",
    )
    settings = load_settings(config, environ={"COPYDESK_FETCH__RESPECT_ROBOTS": "FALSE"})
    assert settings.fetch.respect_robots is False
    assert settings.fetch.per_host_delay == timedelta(0)
    assert settings.schedule.max_interval == timedelta(days=36500)
    assert settings.source("herald").exclude == ("/sport/",)


def test_every_registered_setting_rejects_a_value_of_the_wrong_type():
    """The registry, not a list of special cases, drives validation: try each setting."""
    for info in SETTINGS:
        if info.name == "db":
            continue
        section, _, key = info.name.partition(".")
        with pytest.raises(ConfigError, match=info.name.replace(".", r"\.")):
            settings_from_mapping({section: {key: {"a": "table"}}})


def _cli(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "copydesk", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith("COPYDESK_")}
        | {"COLUMNS": "200"}
        | (env or {}),
    )


@pytest.mark.parametrize("command", [["sources"], ["run", "--once"], ["serve"], ["stats"]])
def test_cli_exits_2_with_one_line_and_starts_nothing(tmp_path, command):
    (tmp_path / "copydesk.toml").write_text('[fetch]\nrespect_robots = "ture"\n', encoding="utf-8")
    result = _cli(tmp_path, *command)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "fetch.respect_robots" in lines[0]
    assert "'ture'" in lines[0]
    assert "true or false" in lines[0]
    assert not (tmp_path / "copydesk.db").exists()  # nothing started: not even the database


def test_cli_env_overflow_is_exit_2(tmp_path):
    result = _cli(tmp_path, "sources", env={"COPYDESK_SCHEDULE__FEED_INTERVAL": "1e309"})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "COPYDESK_SCHEDULE__FEED_INTERVAL" in result.stderr


def test_cli_error_with_brackets_is_printed_whole(tmp_path):
    """`[fetch]` in a message used to be eaten as Rich markup (" must be a table")."""
    (tmp_path / "copydesk.toml").write_text("fetch = 5\n", encoding="utf-8")
    result = _cli(tmp_path, "sources")
    assert result.returncode == 2
    assert "[fetch]" in result.stderr


def test_help_is_readable_with_a_broken_config(tmp_path):
    (tmp_path / "copydesk.toml").write_text("[fetch]\nconcurrency = 0\n", encoding="utf-8")
    result = _cli(tmp_path, "run", "--help")
    assert result.returncode == 0
    assert "--once" in result.stdout
