"""Plain command-line values converted without pydantic, so a command starts sooner.

Typer (0.2x) converts each parameter's value through a pydantic TypeAdapter that it builds on
first use (even for a flag not given): importing pydantic and building the adapters costs
about 0.1 s of every command, more than `copydesk sources` spends on its own work. A `str`, a
`bool`, an `int` without bounds or a `Path` needs no validation library, so those parameters
get a converter that reads them as Typer's adapter would (`"05"` is 5, a path is `Path(value)`
with Typer's own existence and permission checks) and hands any other value to Typer's
converter, which then gives its usual error message. Parameters of other types (choices,
lists, files) keep Typer's converter.

This reaches into Typer's private `_runtime_param` hook; with a Typer that has none (click's
own types, no pydantic), `lighten` leaves the parameters as they are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

try:  # typer >= 0.2x: per-parameter runtime converters built on pydantic
    from typer._click import Context
    from typer._coercion import RuntimeParam, build_runtime_param
    from typer._param_types import coerce_cli_path
except ImportError:  # pragma: no cover - depends on the installed typer
    RuntimeParam = None  # type: ignore[assignment,misc]

_INTEGER = re.compile(r"[+-]?[0-9]+")
_UNSET = object()


def _plain(annotation: Any, info: Any, value: Any, param: Any, ctx: Any) -> Any:
    """The converted value, or _UNSET when Typer's own converter must decide."""
    if annotation is str:
        return value if isinstance(value, str) else _UNSET
    if annotation is bool:  # a flag given or not; a word ("yes", from a prompt) goes to Typer
        return value if isinstance(value, bool) else _UNSET
    if annotation is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and _INTEGER.fullmatch(value):
            return int(value)
        return _UNSET
    if isinstance(value, str | Path):  # a Path: Typer's own checks (exists=, file_okay= …)
        return coerce_cli_path(Path(value), info, path_type=annotation, param=param, ctx=ctx)
    return _UNSET


if RuntimeParam is not None:

    @dataclass(frozen=True)
    class _PlainParam(RuntimeParam):
        """Converts a plain value directly; anything else goes to Typer's converter."""

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            found = _plain(self.annotation, self.parameter_info, value, param, ctx)
            if found is _UNSET:
                typer_own = build_runtime_param(param.type_descriptor)
                return typer_own._coerce_value(value, param=param, ctx=ctx)
            return found


def _is_plain(param: Any) -> bool:
    """A single str, bool, unbounded int, or Path value, with no parser of its own."""
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None or getattr(param, "_runtime_param", _UNSET) is not None:
        return False
    if param.multiple or param.nargs != 1:
        return False
    info, annotation = descriptor.parameter_info, descriptor.annotation
    if info.parser is not None:
        return False
    if annotation in (str, bool):
        return True
    if annotation is int:
        return info.min is None and info.max is None
    return isinstance(annotation, type) and issubclass(annotation, Path) and not info.path_type


def _help_option(command: Any, names: Sequence[str]) -> list[Any]:
    """The command's --help flag, made now (click makes it once, on first use) to be lightened.

    `names` are the application's help option names, which every command's context inherits.
    """
    if getattr(command, "_help_option", _UNSET) is not None:
        return []
    made = command.get_help_option(Context(command, help_option_names=list(names)))
    return [] if made is None else [made]


def lighten(command: Any, help_names: Sequence[str]) -> Any:
    """Give `command`'s plain parameters (and its subcommands') the pydantic-free converter."""
    if RuntimeParam is None:  # pragma: no cover - depends on the installed typer
        return command
    for param in [*command.params, *_help_option(command, help_names)]:
        if _is_plain(param):
            descriptor = param.type_descriptor
            param._runtime_param = _PlainParam(
                parameter_info=descriptor.parameter_info, annotation=descriptor.annotation
            )
    for sub in getattr(command, "commands", {}).values():
        lighten(sub, help_names)
    return command
