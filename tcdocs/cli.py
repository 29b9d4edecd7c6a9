"""The ``tcdocs`` command: a thin layer over the library with one error boundary."""

from __future__ import annotations

import datetime as dt
import gettext
import json
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import click

from ._version import __version__
from .backends import FORMATS
from .batch import Outcome, default_jobs, render_files, report_json, validate_files
from .catalogue import kinds, schema_json, starter
from .cli_store import cases, users
from .cli_word import compare_command, read_command
from .data import read_file
from .errors import LoadError, TcdocsError, UsageError, shown
from .messages import CLICK_DOMAIN, LOCALE_DIR, Message, from_environment, say
from .models import KINDS
from .options import PDF_VARIANTS, RenderOptions
from .output import safe_stem, write_all_atomic, write_atomic
from .process import start
from .timelimit import BODY_LIMITS, DEFAULT_TIMEOUT, RENDER_LIMITS, Limits, alarm
from .verify import verify

__all__ = ["cli", "main", "run"]

_KIND = click.Choice(list(KINDS))


class Seconds(click.ParamType):  # type: ignore[type-arg]  # generic only from click 8.2
    """A time limit in seconds: a finite number within *limits* (:mod:`tcdocs.timelimit`)."""

    name = "seconds"

    def __init__(self, limits: Limits = RENDER_LIMITS) -> None:
        self.limits = limits

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> float:
        try:
            seconds = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            self.fail(say(Message("'{value}' is not a number of seconds", value=value), from_environment()), param, ctx)
        try:
            return self.limits.check(seconds)
        except UsageError as exc:
            self.fail(exc.format(), param, ctx)


def _writable_folder(folder: Path, what: str, create: bool = True) -> None:
    """Refuse, before any work is done, a folder that does not exist and (with *create*)
    cannot be made because its own parent does not exist either."""
    missing = folder if not create or folder.parent.is_dir() else folder.parent
    if not folder.is_dir() and (not create or not folder.parent.is_dir()):
        raise UsageError(Message("the folder {folder} does not exist, so {what} cannot be written there", folder=shown(missing), what=what))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tcdocs")
def cli() -> None:
    """Teknikcollege documents from YAML files, in Swedish, as DOCX and PDF.

    Start with `tcdocs new samverkansavtal > avtal.yaml`, edit the file, check it
    with `tcdocs validate avtal.yaml` and make the documents with
    `tcdocs render avtal.yaml`.
    """


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("out"),
    show_default=True,
    help="Folder to write the documents into.",
)
@click.option(
    "-f",
    "--format",
    "format_",
    type=click.Choice([*FORMATS, "all"]),
    default="all",
    show_default=True,
    help="Which files to write for each input.",
)
@click.option(
    "-p",
    "--paragraph",
    type=click.IntRange(min=1),
    metavar="N",
    help="For minutes: write a protokollsutdrag of § N only, named FILE-paragraf-N.",
)
@click.option(
    "--pdf-variant",
    type=click.Choice(list(PDF_VARIANTS)),
    help="Write the PDF as PDF/A-2b or PDF/A-3b (archiving; 3b embeds the data) or PDF/UA-1 (accessible).",
)
@click.option(
    "--templates",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    metavar="DIR",
    help="A folder of templates that override the built-in wording or house style (run sandboxed).",
)
@click.option(
    "--publish",
    is_flag=True,
    help="Write the copy for the web, named FILE-webb: no contact details or personnummer, the signers' names for signatures.",
)
@click.option(
    "--timeout",
    type=Seconds(),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="Stop a document that takes longer than this.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Render N files at once in worker processes [default: the number of cores; 1 renders in this process].",
)
@click.option(
    "--report",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="Write a JSON report: each input's status, outputs with SHA-256, warnings and error.",
)
def render(
    files: Sequence[Path],
    out: Path,
    format_: str,
    paragraph: int | None,
    pdf_variant: str | None,
    templates: Path | None,
    publish: bool,
    timeout: float,
    jobs: int | None,
    report: Path | None,
) -> None:
    """Render each YAML FILE into DOCX and PDF, named after the file.

    A file with problems writes nothing and leaves earlier output as it was; the
    other files still render, and the exit code is 1.
    """
    formats = FORMATS if format_ == "all" else (format_,)
    options = RenderOptions(templates=templates, pdf_variant=pdf_variant, publish=publish)
    _writable_folder(out, Message("the documents"))
    if report is not None:
        _writable_folder(report.parent, Message("the report"), create=False)
    workers = jobs if jobs is not None else default_jobs()
    if _on_terminal():
        with click.progressbar(length=len(files), label=say(Message("Rendering"), from_environment()), file=sys.stderr) as bar:
            outcomes = render_files(
                files, out, formats, options, paragraph=paragraph, jobs=workers, timeout=timeout, progress=lambda _: bar.update(1)
            )
    else:
        outcomes = render_files(files, out, formats, options, paragraph=paragraph, jobs=workers, timeout=timeout)
    if report is not None:
        write_atomic(report, report_json(outcomes).encode("utf-8"), create_folder=False)
    _report(outcomes, done="wrote")


@cli.command(name="serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; loopback unless told otherwise (another address needs users in the store, or --token-file).",
)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1, max=64),
    default=None,
    metavar="N",
    help="Worker processes that render documents [default: the number of cores].",
)
@click.option(
    "--timeout",
    type=Seconds(),
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="Stop a render that takes longer than this and answer 503.",
)
@click.option(
    "--max-body",
    type=click.IntRange(min=1, max=100_000_000),
    default=1_000_000,
    show_default=True,
    metavar="BYTES",
    help="Refuse larger request bodies with 413.",
)
@click.option(
    "--body-timeout",
    type=Seconds(BODY_LIMITS),
    default=15.0,
    show_default=True,
    metavar="SECONDS",
    help="Drop a request whose body stops arriving for this long (408).",
)
@click.option(
    "--token-file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    metavar="FILE",
    help="A file holding the service's own token, for programs: with it as 'Authorization: Bearer TOKEN' a request "
    "reaches the documents, but no case (the cases need a user's token: tcdocs users add).",
)
@click.option(
    "--db",
    envvar="TCDOCS_DB",
    metavar="URL",
    help="The database of the cases and their users: sqlite:///FILE, an SQLite file, or postgresql://USER@HOST/NAME, "
    "the same for every replica [default: $TCDOCS_DB, else tcdocs/tcdocs.db in $XDG_DATA_HOME or ~/.local/share].",
)
def serve_command(
    host: str, port: int, jobs: int | None, timeout: float, max_body: int, body_timeout: float, token_file: Path | None, db: str | None
) -> None:
    """Run tcdocs as an HTTP service with a page at / where documents are filled in, checked and made, and the stored cases kept.

    Beyond loopback the service lets in only those with a token: the users of the case store
    (each with their own token and role), or programs with the service's --token-file.
    """
    try:
        from .server import ServiceSettings, serve
    except ImportError as exc:
        raise UsageError(
            Message('the service needs the server extra: pip install "tcdocs[server]" ({name} is missing)', name=exc.name)
        ) from None
    token = _read_token(token_file) if token_file is not None else None
    settings = ServiceSettings(
        max_body=max_body, timeout=timeout, workers=jobs or default_jobs(), body_timeout=body_timeout, token=token, database=db
    )
    serve(host, port, settings)


def _read_token(path: Path) -> str:
    try:
        token = read_file(path, 4096).decode("utf-8").strip()
    except LoadError as exc:
        raise UsageError(Message("{file}: cannot read the token: {error}", file=shown(path), error=exc.problems[0].message)) from None
    except UnicodeDecodeError:
        raise UsageError(Message("{file}: the token is not UTF-8 text", file=shown(path))) from None
    if len(token) < 16 or any(char.isspace() for char in token):
        raise UsageError(Message("{file}: the token must be one word of at least 16 characters", file=shown(path)))
    return token


@cli.command(name="verify")
@click.argument("pdf", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--data",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="The YAML file the PDF was made from; needed unless the PDF is a PDF/A-3b, which embeds it.",
)
@click.option(
    "--templates",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    metavar="DIR",
    help="The template folder the PDF was made with, if not the built-in one.",
)
@click.option(
    "--trust",
    type=click.Path(path_type=Path, dir_okay=False),
    multiple=True,
    metavar="ROOT.pem",
    help="A root certificate (PEM or DER) you trust; a signature's certificate chain is reported as trusted only if it leads to one.",
)
def verify_command(pdf: Path, data: Path | None, templates: Path | None, trust: Sequence[Path]) -> None:
    """Prove that PDF is exactly what its data renders to: render again and compare the bytes.

    A signed PDF must begin with exactly those bytes; each signature is listed with its signer,
    time, whether its bytes are intact, what was added after it and whether it is trusted.
    """
    with alarm(DEFAULT_TIMEOUT):  # the command's own process: a runaway template of --templates is stopped
        result = verify(pdf, data, templates, trust)
    language = from_environment()
    for line in result.details:
        click.echo(f"  {say(line, language)}")
    if not result.matches:
        raise TcdocsError(result.message)
    click.echo(say(result.message, language))


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
def validate(files: Sequence[Path]) -> None:
    """Check each YAML FILE and list every problem as file:line:col: field: message."""
    _report(validate_files(files), done="ok")


@cli.command()
@click.argument("kind", type=_KIND, metavar="KIND")
def new(kind: str) -> None:
    """Print a commented starter YAML for KIND that renders as it is."""
    click.echo(starter(kind), nl=False)


@cli.command(name="schema")
@click.argument("kind", type=_KIND, metavar="KIND")
def schema_command(kind: str) -> None:
    """Print the JSON Schema of KIND, for editor completion and help in Swedish."""
    click.echo(schema_json(kind))


@cli.command()
@click.argument("folders", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True, file_okay=False), metavar="DIR...")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="ÅÅÅÅ-MM-DD",
    help="The day the cases are seen from; default: today.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "yaml"]),
    default="text",
    show_default=True,
    help="text for people; json for other tools; yaml for the ärendeöversikt's data, which tcdocs render takes.",
)
@click.option(
    "--ics", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE", help="Write the deadlines ahead as an iCalendar file."
)
@click.option(
    "--document",
    "document_folder",
    type=click.Path(path_type=Path, file_okay=False),
    metavar="DIR",
    help="Write each case's ärendeöversikt, DOCX and PDF, into this folder.",
)
def status(folders: Sequence[Path], today: dt.datetime | None, fmt: str, ics: Path | None, document_folder: Path | None) -> None:
    """Show where each case stands on the handbook's road to certification.

    Each DIR holds one case's documents (samverkansavtal, intresseanmälan, ansökan,
    granskningsprotokoll, svar, beslut, ...). One DIR: the thirteen steps with their dates,
    the deadlines and what is late, and every problem between the documents. Several: one
    line per case.
    """
    from .road import calendar, overview, read_case, road_text, summary_line

    language = from_environment()
    day = today.date() if today is not None else dt.date.today()
    if ics is not None:
        _writable_folder(ics.parent, shown(ics), create=False)
    if document_folder is not None:
        _writable_folder(document_folder, Message("the overviews"))
    cases = [read_case(folder, day) for folder in folders]
    # Everything is made before anything is printed or written, so a run that fails leaves nothing half done.
    overviews = [overview(case, language) for case in cases] if fmt == "yaml" or document_folder is not None else []
    if fmt == "json":
        text = json.dumps({"today": day.isoformat(), "cases": [case.as_json(language) for case in cases]}, ensure_ascii=False, indent=2)
    elif fmt == "yaml":
        from .loader import dump_yaml

        text = "\n---\n".join(dump_yaml(doc) for doc in overviews).removesuffix("\n")
    elif len(cases) == 1:
        text = road_text(cases[0], language)
    else:
        text = "\n".join(summary_line(case, language) for case in cases)
    outputs: dict[Path, bytes] = {}
    written: list[tuple[Path, list[Path]]] = []
    if ics is not None:
        outputs[ics] = calendar(cases, dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC))
    if document_folder is not None:
        from .rendering import render_formats

        for folder, case, doc in zip(folders, cases, overviews, strict=True):
            rendered = render_formats(doc)
            stem, number = f"arendeoversikt-{case.region}", 1
            while any(document_folder / f"{safe_stem(stem)}.{name}" in outputs for name in rendered):
                number += 1  # two cases of one region: a file each
                stem = f"arendeoversikt-{case.region}-{number}"
            files = {document_folder / f"{safe_stem(stem)}.{name}": data for name, data in rendered.items()}
            outputs.update(files)
            written.append((folder, list(files)))
    if outputs:
        write_all_atomic(outputs, create_folder=document_folder is not None)
    click.echo(text)
    for folder, paths in written:
        click.echo(say(Message("{file}: wrote {outputs}", file=shown(folder), outputs=", ".join(shown(path) for path in paths)), language))
    problems = sum(len(case.problems) for case in cases)
    if problems:
        raise TcdocsError(Message("{count} problems between the documents; see above", count=problems))


@cli.command(name="kinds")
def kinds_command() -> None:
    """List the document kinds with their Swedish names."""
    names = kinds()
    width = max(len(name) for name in names)
    for name, title in names.items():
        click.echo(f"{name:<{width}}  {title}")


cli.add_command(cases)
cli.add_command(users)
cli.add_command(read_command)
cli.add_command(compare_command)


def _on_terminal() -> bool:
    """Whether a progress bar helps: stderr is a terminal, and not a CI log."""
    return sys.stderr.isatty() and not os.environ.get("CI")


def _report(outcomes: list[Outcome], done: str) -> None:
    language = from_environment()
    failed = 0
    usage = False
    for outcome in outcomes:
        for warning in outcome.warnings:
            click.echo(warning.format(language), err=True)
        source = shown(outcome.source)
        if outcome.error is None:
            written = ", ".join(shown(path) for path in outcome.outputs)
            line = (
                Message("{file}: wrote {outputs}", file=source, outputs=written) if done == "wrote" else Message("{file}: ok", file=source)
            )
            click.echo(say(line, language))
        else:
            failed += 1
            usage = usage or isinstance(outcome.error, UsageError)
            # Problems name their file and line already; other errors get the input's name in front.
            message = outcome.error.format(language)
            click.echo(message if isinstance(outcome.error, LoadError) else f"{source}: {message}", err=True)
    if failed:
        # A file that could not be asked for what was asked (an extract of something not minutes) is a usage error.
        raise (UsageError if usage else TcdocsError)(Message("{failed} of {count} files failed", failed=failed, count=len(outcomes)))


def _quiet_dependencies() -> None:
    """Keep the log lines of dependencies (font subsetting, layout notes) off the terminal.

    The command prints its results and tcdocs' own problems and warnings; a library's
    log record reaches no one unless a handler is set up, and without one Python would
    print its warnings to stderr.
    """
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.NullHandler())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with *argv* (default: ``sys.argv[1:]``) and return the exit code.

    It speaks Swedish unless the locale asks for English (``LANG=en_GB.UTF-8``), and so do
    click's own usage messages, through a catalogue of their Swedish texts.
    """
    _quiet_dependencies()
    language = from_environment()
    with _click_speaks(language):
        try:
            cli.main(args=list(argv) if argv is not None else None, prog_name="tcdocs", standalone_mode=False)
        except click.exceptions.Abort:
            click.echo(say(Message("Aborted."), language), err=True)
            return 1
        except click.ClickException as exc:
            exc.show()
            return exc.exit_code
        except click.exceptions.Exit as exc:
            return exc.exit_code
        except TcdocsError as exc:
            click.echo(f"tcdocs: {exc.format(language)}", err=True)
            return exc.exit_code
    return 0


def run() -> None:
    """The ``tcdocs`` command's own process: set up as one of tcdocs' (:func:`tcdocs.process.start`),
    then :func:`main`, whose exit code ends it. Tests call :func:`main`, which changes no process setting."""
    start()
    sys.exit(main())


@contextmanager
def _click_speaks(language: str) -> Iterator[None]:
    """Let click's messages ("No such option", "Missing argument") be said in *language*.

    click asks the gettext module's global domain; for the command's own run, that domain
    is tcdocs' catalogue of click's messages, in the language tcdocs speaks.
    """
    previous_domain = gettext.textdomain()
    previous_language = os.environ.get("LANGUAGE")
    gettext.bindtextdomain(CLICK_DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(CLICK_DOMAIN)
    os.environ["LANGUAGE"] = language
    try:
        yield
    finally:
        gettext.textdomain(previous_domain)
        if previous_language is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = previous_language


if __name__ == "__main__":  # pragma: no cover
    run()
