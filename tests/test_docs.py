"""Every command and subcommand documents itself with an example (as sqlite-utils' test_docs.py)."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from dedup.cli import main


def walk(cmd: click.Command, path: tuple[str, ...] = ()):
    """(path, command) for ``cmd`` and, recursively, every subcommand of every group.

    Hidden commands (internal plumbing such as ``bench _case``) are not part
    of the documented interface and are skipped.
    """
    if cmd.hidden:
        return
    yield path, cmd
    if isinstance(cmd, click.Group):
        for name in sorted(cmd.commands):
            yield from walk(cmd.commands[name], path + (name,))


COMMANDS = list(walk(main))


def test_the_commands_are_found():
    names = {p for p, _ in COMMANDS}
    assert {(), ("report",), ("canonical",), ("segment",), ("related",), ("bench",), ("bench", "run"),
            ("bench", "compare")} <= names


@pytest.mark.parametrize("path,cmd", COMMANDS, ids=[" ".join(("dedup",) + p) for p, _ in COMMANDS])
def test_help_text_has_an_example(path, cmd):
    assert cmd.help and cmd.help.strip(), f"dedup {' '.join(path)} has no help text"
    assert "Example" in cmd.help
    res = CliRunner().invoke(main, list(path) + ["--help"])
    assert res.exit_code == 0
    assert "Example" in res.output
    assert "dedup" in res.output.split("Example", 1)[1], "the example shows a dedup command line"


@pytest.mark.parametrize("path,cmd", COMMANDS, ids=[" ".join(("dedup",) + p) for p, _ in COMMANDS])
def test_every_option_has_help(path, cmd):
    for param in cmd.params:
        if isinstance(param, click.Option):
            assert param.help, f"dedup {' '.join(path)} {param.opts[0]} has no help"
