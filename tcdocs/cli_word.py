"""The ``tcdocs read`` and ``tcdocs compare`` commands: the Word file that comes back, and two versions side by side."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .errors import TcdocsError, UsageError, shown
from .messages import Message, from_environment, say
from .options import RenderOptions
from .output import write_atomic
from .timelimit import DEFAULT_TIMEOUT, alarm

__all__ = ["compare_command", "read_command"]

_TEMPLATES = click.option(
    "--templates",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    metavar="DIR",
    help="The template folder the documents are made with, if not the built-in one.",
)


@click.command(name="read")
@click.argument("word", type=click.Path(path_type=Path, dir_okay=False), metavar="EDITED.docx")
@click.option(
    "--against",
    "data",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="DATA.yaml",
    help="The YAML file the Word file was made from.",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="NEW.yaml",
    help="Write the data with the Word file's field changes here, comments and order kept (never over DATA.yaml).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people; json for other tools.",
)
@_TEMPLATES
def read_command(word: Path, data: Path, out: Path | None, fmt: str, templates: Path | None) -> None:
    """Read an edited Word file back against its data.

    Says which fields were changed in Word (and writes the data with them to --out), which
    wording outside the fields was changed, at its §, and lists every comment and every
    tracked change not yet accepted.
    """
    from .edits import read_edited_file

    language = from_environment()
    with alarm(DEFAULT_TIMEOUT):
        reading = read_edited_file(word, data, RenderOptions(templates=templates), out)
    written = out is not None and reading.yaml is not None
    if written:
        assert out is not None and reading.yaml is not None
        write_atomic(out, reading.yaml.encode("utf-8"))
    if fmt == "json":
        click.echo(json.dumps(reading.as_json(language), ensure_ascii=False, indent=2))
    else:
        click.echo(reading.report(language))
    for problem in reading.problems:
        click.echo(problem.format(language), err=True)
    if written:
        assert out is not None
        click.echo(say(Message("{file}: wrote the data with the changed fields", file=shown(out)), language), err=fmt == "json")
    elif reading.yaml is not None:
        click.echo(say(Message("give --out NEW.yaml to write the data with these changes"), language), err=fmt == "json")
    if reading.problems:
        raise TcdocsError(Message("the new data has {count} problems; fix them in the file before rendering", count=len(reading.problems)))


@click.command(name="compare")
@click.argument("old", type=click.Path(path_type=Path, dir_okay=False), metavar="OLD.yaml")
@click.argument("new", type=click.Path(path_type=Path, dir_okay=False), metavar="NEW.yaml")
@click.option(
    "-o",
    "--out",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="CHANGES.docx",
    help="The Word file to write: NEW's document, with what differs from OLD as tracked changes.",
)
@click.option("--author", default="tcdocs", show_default=True, metavar="NAME", help="Whom Word names as the author of the changes.")
@_TEMPLATES
def compare_command(old: Path, new: Path, out: Path, author: str, templates: Path | None) -> None:
    """Write NEW's document as a Word file whose differences from OLD are tracked changes.

    Accepting every change in Word or LibreOffice gives NEW's text; rejecting every one, OLD's.
    """
    from .comparison import compare_files

    for given in (old, new):
        if out.resolve() == given.resolve():
            raise UsageError(Message("{out} is {given}: write the Word file to a file of its own", out=shown(out), given=shown(given)))
    with alarm(DEFAULT_TIMEOUT):
        data = compare_files(old, new, author, RenderOptions(templates=templates))
    write_atomic(out, data)
    click.echo(say(Message("{file}: wrote {outputs}", file=shown(new), outputs=shown(out)), from_environment()))
