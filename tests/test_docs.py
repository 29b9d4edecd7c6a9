"""The README and the command line agree: every command and option is in the README, and the
README names no command or option that the command line does not have."""

from __future__ import annotations

import re

import click
import pytest

from tcdocs.cli import cli

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "") -> dict[str, click.Command]:
    """Every command by the words that call it: ``render``, and ``cases import`` for a group's."""
    found: dict[str, click.Command] = {}
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found.update(_commands(command, f"{prefix}{name} "))
        else:
            found[f"{prefix}{name}"] = command
    return found


COMMANDS: dict[str, click.Command] = _commands(cli)
GROUPS = {name for name, command in cli.commands.items() if isinstance(command, click.Group)}


def long_options(command: click.Command) -> list[str]:
    """The command's options as its --help lists them, by their long names (--help itself aside)."""
    return [name for param in command.params if isinstance(param, click.Option) for name in param.opts if name.startswith("--")]


def shown_in_readme() -> list[tuple[str, str, list[str]]]:
    """Each ``tcdocs COMMAND ...`` the README shows, in a code span or a line of a code block:
    (the text, the command, the options given with it)."""
    spans = re.findall(r"(?<!`)`([^`\n]+)`(?!`)", README)
    blocks = [line for block in re.findall(r"^```[a-z]*\n(.*?)^```", README, re.MULTILINE | re.DOTALL) for line in block.splitlines()]
    found = []
    for text in spans + blocks:
        call = text.removeprefix("$ ").split(" # ")[0]
        match = re.match(r"tcdocs (--[a-z-]+|[a-z]+)\b(.*)", call)
        if match and match[1] in GROUPS:
            match = re.match(rf"tcdocs ({match[1]} [a-z]+)\b(.*)", call)
        if match:
            found.append((text, match[1], re.findall(r"(?<![\w-])--[a-z][a-z-]*", match[2])))
    return found


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_is_in_the_readme(command):
    assert f"tcdocs {command}" in README


@pytest.mark.parametrize(
    ("command", "option"), [(name, option) for name, command in sorted(COMMANDS.items()) for option in long_options(command)]
)
def test_every_option_is_in_the_readme(command, option):
    # Beside its command: in a code span or a line that shows tcdocs COMMAND with it.
    assert any(named == command and option in options for _, named, options in shown_in_readme()), f"tcdocs {command} {option}"


def test_the_top_level_options_are_in_the_readme():
    for option in long_options(cli):
        assert f"tcdocs {option}" in README


def test_the_readme_shows_the_commands_it_names_with_their_own_options():
    shown = shown_in_readme()
    assert len(shown) > 20
    for text, command, options in shown:
        if command.startswith("--"):
            assert command in long_options(cli), text
            continue
        assert command in COMMANDS, text
        assert set(options) <= set(long_options(COMMANDS[command])), text
