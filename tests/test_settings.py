from __future__ import annotations

from datetime import timedelta

import pytest

from copydesk.errors import ConfigError
from copydesk.settings import format_duration, load_settings, parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("500ms", 0.5),
        ("2s", 2),
        ("5m", 300),
        ("1h", 3600),
        ("40d", 40 * 86400),
        ("1.5h", 5400),
        ("30", 30),
        (7, 7),
    ],
)
def test_parse_duration(text, seconds):
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("bad", ["", "5 minutes", "-1s", "1y", "abc", True])
def test_bad_durations_are_config_errors(bad):
    with pytest.raises(ConfigError):
        parse_duration(bad)


def test_format_duration_round_trips():
    for text in ("500ms", "2s", "5m", "1h", "40d"):
        assert format_duration(parse_duration(text)) == text


def test_defaults_match_the_spec(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = load_settings(environ={})
    assert settings.db == "sqlite:///copydesk.db"
    assert settings.fetch.allow_hosts == ()
    assert settings.fetch.per_host_concurrency == 2
    assert settings.fetch.per_host_delay == timedelta(seconds=1)
    assert settings.fetch.respect_robots is True
    assert settings.fetch.max_redirects == 5
    assert settings.fetch.max_body_bytes == 10 * 1024 * 1024
    assert settings.schedule.feed_interval == timedelta(minutes=5)
    assert settings.schedule.after_change == timedelta(minutes=5)
    assert settings.schedule.max_interval == timedelta(days=1)
    assert settings.schedule.retire_after == timedelta(days=40)
    assert "copydesk" in settings.fetch.user_agent


def test_precedence_file_then_env_then_cli(tmp_path):
    config = tmp_path / "copydesk.toml"
    config.write_text(
        """
db = "sqlite:///from-file.db"
[fetch]
allow_hosts = ["127.0.0.1"]
per_host_delay = "250ms"
user_agent_contact = "https://example.org/contact"
[schedule]
after_change = "10s"
max_interval = "1m"
[sources.herald]
exclude = ["/sport/", "/live/"]
[sources.herald.extract]
drop = [".promo"]
""",
        encoding="utf-8",
    )
    env = {"COPYDESK_SCHEDULE__MAX_INTERVAL": "2m", "COPYDESK_FETCH_PER_HOST_CONCURRENCY": "4"}
    settings = load_settings(config, environ=env, overrides={"db": "sqlite:///cli.db"})
    assert settings.db == "sqlite:///cli.db"
    assert settings.fetch.allow_hosts == ("127.0.0.1",)
    assert settings.fetch.per_host_delay == timedelta(milliseconds=250)
    assert settings.fetch.per_host_concurrency == 4
    assert settings.schedule.after_change == timedelta(seconds=10)
    assert settings.schedule.max_interval == timedelta(minutes=2)
    assert "https://example.org/contact" in settings.fetch.user_agent
    herald = settings.source("herald")
    assert herald is not None
    assert herald.exclude == ("/sport/", "/live/")
    assert herald.extract_rules.drop == (".promo",)


def test_env_json_lists_and_plain_lists(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    as_json = load_settings(environ={"COPYDESK_FETCH__ALLOW_HOSTS": '["127.0.0.1", "::1"]'})
    assert as_json.fetch.allow_hosts == ("127.0.0.1", "::1")
    plain = load_settings(environ={"COPYDESK_FETCH__ALLOW_HOSTS": "127.0.0.1,localhost"})
    assert plain.fetch.allow_hosts == ("127.0.0.1", "localhost")
    token = load_settings(environ={"COPYDESK_ADMIN_TOKEN": "s3cret", "COPYDESK_DB": "x.db"})
    assert token.web.admin_token == "s3cret"
    assert token.db == "sqlite:///x.db"  # a file path names a SQLite database


@pytest.mark.parametrize(
    "text",
    [
        "[fetch]\nnope = 1\n",
        "[nonsense]\na = 1\n",
        '[schedule]\nmax_interval = "soon"\n',
        "[fetch\n",
        '[fetch]\nper_host_concurrency = "many"\n',
    ],
)
def test_bad_config_is_one_clear_error(tmp_path, text):
    config = tmp_path / "bad.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError):
        load_settings(config, environ={})


def test_missing_config_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "missing.toml", environ={})


def test_settings_are_frozen(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = load_settings(environ={})
    with pytest.raises(AttributeError):
        settings.db = "other"  # type: ignore[misc]


def test_documented_defaults_are_the_real_defaults():
    """docs/settings.md is generated from SETTINGS, so it must say what the code does."""
    from copydesk.settings import SETTINGS, Settings

    actual = Settings()
    for info in SETTINGS:
        section, _, key = info.name.partition(".")
        if not key or section not in ("fetch", "schedule", "web"):
            continue
        value = getattr(getattr(actual, section), key)
        expected = info.default
        if isinstance(value, timedelta):
            expected = parse_duration(expected)
        elif isinstance(value, tuple):
            expected = tuple(expected)
        assert value == expected, info.name
