"""The Dockerfile and the README's container commands agree with each other and with the CLI.

No container engine runs where the tests run, so the image is not built here (.ci/run builds it
where `docker info` works); instead every command the README gives is parsed by the real
command line, and every path, port and extra it relies on is checked against the Dockerfile.
"""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from dataclasses import dataclass, field

import pytest
import typer.main

from copydesk.cli import app
from copydesk.settings import FetchSettings, load_settings
from tests.support.paths import REPO

DOCKERFILE = REPO / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    lines = [ln for ln in DOCKERFILE.read_text().splitlines() if not ln.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    out = []
    for line in joined.splitlines():
        if line.strip():
            word, _, rest = line.strip().partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def one(name: str) -> str:
    found = [rest for word, rest in instructions() if word == name]
    assert found, f"no {name} in the Dockerfile"
    return found[-1]


def exec_form(name: str) -> list[str]:
    value = json.loads(one(name))  # exec form: a JSON array, so signals reach copydesk
    assert isinstance(value, list)
    return value


def env() -> dict[str, str]:
    values: dict[str, str] = {}
    for word, rest in instructions():
        if word == "ENV":
            for pair in shlex.split(rest):
                key, _, value = pair.partition("=")
                values[key] = value
    return values


def parse_cli(args: list[str]) -> tuple[str, dict]:
    """The command and its parameters as the real `copydesk` parses them (no callback runs)."""

    group = typer.main.get_command(app)
    ctx = group.make_context("copydesk", list(args))
    rest = [*getattr(ctx, "_protected_args", []), *ctx.args]
    name, command, remaining = group.resolve_command(ctx, rest)
    assert command is not None
    sub = command.make_context(name, remaining, parent=ctx)
    return str(name), {**ctx.params, **sub.params}


@dataclass
class DockerRun:
    image: str
    args: list[str]
    volumes: list[tuple[str, str]] = field(default_factory=list)
    ports: list[tuple[str, str]] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)


_WITH_VALUE = {"-v", "--volume", "-p", "--publish", "-e", "--env", "--name"}
_FLAGS = {"-d", "--detach", "--rm", "-i", "-t", "-it"}


def docker_run(words: list[str]) -> DockerRun:
    assert words[:2] == ["docker", "run"]
    rest = words[2:]
    run = DockerRun(image="", args=[])
    while rest and rest[0].startswith("-"):
        flag = rest.pop(0)
        if flag in _FLAGS:
            continue
        assert flag in _WITH_VALUE, f"unexpected docker run option {flag}"
        value = rest.pop(0)
        if flag in ("-v", "--volume"):
            source, target = value.split(":")[:2]
            run.volumes.append((source, target))
        elif flag in ("-p", "--publish"):
            host, container = value.rsplit(":", 1)
            run.ports.append((host, container))
        elif flag in ("-e", "--env"):
            key, _, val = value.partition("=")
            run.env[key] = val
    run.image, run.args = rest[0], rest[1:]
    return run


def readme_commands() -> list[list[str]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Running in a container", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh", 1)[1].split("```", 1)[0]
    return [shlex.split(line) for line in block.splitlines() if line.strip()]


def test_the_image_runs_copydesk_with_the_database_on_the_volume():
    assert one("FROM").startswith("python:3.11")
    assert exec_form("ENTRYPOINT") == ["copydesk"]
    volume = one("VOLUME")
    assert one("WORKDIR") == volume  # the working folder: copydesk.toml is read from the volume
    db = load_settings(environ={"COPYDESK_DB": env()["COPYDESK_DB"]}).db
    assert db.startswith("sqlite:///")
    assert db.removeprefix("sqlite:///").startswith(volume + "/")
    name, params = parse_cli(exec_form("CMD"))
    assert name == "serve"
    assert params["host"] == "0.0.0.0"  # reachable from outside the container
    assert str(params["port"]) == one("EXPOSE")


def test_the_image_installs_the_extras_and_the_browser_it_needs():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    install = next(rest for word, rest in instructions() if word == "RUN" and "pip install" in rest)
    extras = re.search(r"'\.\[([a-z,]+)\]'", install)
    assert extras is not None
    wanted = set(extras.group(1).split(","))
    assert wanted <= set(pyproject["project"]["optional-dependencies"])
    assert {"postgres", "render"} <= wanted
    apt = next(rest for word, rest in instructions() if word == "RUN" and "apt-get install" in rest)
    assert "chromium" in apt.split()
    # Debian's chromium package installs the binary where render_browser looks by default
    assert FetchSettings().render_browser == "/usr/bin/chromium"
    copied = [rest.split()[0] for word, rest in instructions() if word == "COPY"]
    assert {"pyproject.toml", "src"} <= set(copied)


def test_the_readme_commands_build_that_image_and_run_serve_and_run_from_it():
    commands = readme_commands()
    builds = [c for c in commands if c[:2] == ["docker", "build"]]
    assert builds, "the README builds the image"
    tag = builds[0][builds[0].index("-t") + 1]
    assert builds[0][-1] == "."  # from the repository, where the Dockerfile is
    runs = [docker_run(c) for c in commands if c[:2] == ["docker", "run"]]
    assert runs
    assert all(run.image == tag for run in runs)
    volume = one("VOLUME")
    seen = set()
    for run in runs:
        assert [target for _, target in run.volumes] == [volume], run
        name, params = parse_cli(run.args or exec_form("CMD"))
        seen.add(name)
        if name == "serve":
            assert [c for _, c in run.ports] == [str(params["port"])]
            assert params["host"] == "0.0.0.0"
    assert {"serve", "run"} <= seen
    assert len({source for run in runs for source, _ in run.volumes}) == 1  # one shared volume


def test_a_wrong_command_would_be_caught():
    # The checks above mean something: a misspelt command or option fails to parse.
    with pytest.raises(Exception, match=r"No such (command|option)"):
        parse_cli(["serv"])
    with pytest.raises(Exception, match="No such option"):
        parse_cli(["serve", "--listen", "0.0.0.0"])
