"""Package-wide habits: a complete public API, an exception tree, a working CLI."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import truceline
from truceline import errors
from truceline.cli import app

SRC = Path(truceline.__file__).parent


def _public_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages([str(SRC)], prefix="truceline."):
        parts = info.name.split(".")[1:]
        # The CLI is not library API: its command functions are registered, not imported.
        if parts[0] == "cli" or any(part.startswith("_") for part in parts):
            continue
        names.append(info.name)
    return names


@pytest.mark.parametrize("name", _public_modules())
def test_module_all_lists_its_public_definitions(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{name} has no __all__"
    for attr in exported:
        assert hasattr(module, attr), f"{name}.__all__ names missing {attr!r}"
    defined = {
        key
        for key, value in vars(module).items()
        if not key.startswith("_")
        and (inspect.isclass(value) or inspect.isfunction(value))
        and getattr(value, "__module__", None) == name
    }
    assert defined <= set(exported), f"{name}: public but not in __all__: {defined - set(exported)}"


def test_top_level_all_is_complete() -> None:
    for attr in truceline.__all__:
        assert hasattr(truceline, attr)
    public = {k for k in vars(truceline) if not k.startswith("_")}
    modules = {k for k, v in vars(truceline).items() if inspect.ismodule(v)}
    assert public - modules - {"annotations"} <= set(truceline.__all__)


def test_every_error_derives_from_the_base_and_has_a_docstring() -> None:
    for name in errors.__all__:
        value = getattr(errors, name)
        if inspect.isclass(value):
            assert issubclass(value, errors.TrucelineError)
            assert value.__doc__ and value.__doc__.strip()


def test_exit_code_is_that_of_the_nearest_class() -> None:
    assert errors.exit_code_for(errors.NotFirmsError("x")) == 3
    assert errors.exit_code_for(errors.ArchiveError("x")) == 4
    assert errors.exit_code_for(errors.TrucelineError("x")) == 1


def test_no_bare_exception_raised_in_src() -> None:
    offenders = [
        str(path)
        for path in SRC.rglob("*.py")
        if re.search(r"raise Exception\(", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_no_module_over_600_lines() -> None:
    long = {
        str(p.relative_to(SRC)): n
        for p in SRC.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 600
    }
    assert long == {}


def test_cli_help_lists_the_commands() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("ingest", "agreement", "baseline", "detect", "incidents", "run", "demo"):
        assert command in result.output
