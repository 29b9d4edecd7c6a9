"""The ``tcdocs cases`` and ``tcdocs users`` commands: the stored cases from the command line.

Each command opens the store named by ``--db`` (or ``$TCDOCS_DB``; by default the SQLite
file in the data folder) and calls one function of :mod:`tcdocs.store`, which is imported
only when such a command runs, so that the other commands never load SQLAlchemy. The
command line works on the database itself: whoever can open it can change it, so the
commands act as an administrator named after the login.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .errors import TcdocsError, UsageError, shown
from .messages import Message, from_environment, say

if TYPE_CHECKING:
    from .store import Store, User

__all__ = ["cases", "users"]

F = TypeVar("F", bound=Callable[..., Any])


def _db_option(command: F) -> F:
    return click.option(
        "--db",
        envvar="TCDOCS_DB",
        metavar="URL",
        help="The database: sqlite:///FILE, an SQLite file, or postgresql://USER@HOST/NAME "
        "[default: $TCDOCS_DB, else tcdocs/tcdocs.db in $XDG_DATA_HOME or ~/.local/share].",
    )(command)


def _today_option(command: F) -> F:
    return click.option(
        "--today",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        default=None,
        metavar="ÅÅÅÅ-MM-DD",
        help="The day the cases are seen from; default: today.",
    )(command)


@contextmanager
def _store(db: str | None) -> Iterator[Store]:
    from .store import open_store

    store = open_store(db)
    try:
        yield store
    finally:
        store.close()


def _operator(name: str | None = None) -> User:
    """The person at the command line, with an administrator's rights, named after the login unless *name* is given."""
    from .store import User

    if name is None:
        try:
            name = getpass.getuser()
        except (OSError, KeyError):  # no login name: a container without a user entry
            name = "tcdocs"
    return User(name, "admin")


def _day(today: dt.datetime | None) -> dt.date:
    return today.date() if today is not None else dt.date.today()


def _echo(message: str) -> None:
    click.echo(say(message, from_environment()))


@click.group(name="cases")
def cases() -> None:
    """The stored cases: import a case's folder, export it back, list the cases and see where each stands.

    Every save of a document is kept as a version with its author and time; `tcdocs cases log
    CASE` shows who changed what.
    """


@cases.command(name="import")
@click.argument("folders", nargs=-1, required=True, type=click.Path(path_type=Path, file_okay=False, exists=True), metavar="DIR...")
@click.option(
    "--case",
    "case_id",
    type=click.IntRange(min=1),
    metavar="CASE",
    help="Import into this case: each changed document becomes its next version. Default: a new case for each DIR.",
)
@click.option("--region", help="The region of a new case, if none of its documents names it.")
@click.option("--note", help="The note each saved version gets [default: import DIR].")
@click.option("--author", metavar="NAME", help="Who the versions are recorded as saved by [default: your login name].")
@_db_option
def import_command(
    folders: Sequence[Path], case_id: int | None, region: str | None, note: str | None, author: str | None, db: str | None
) -> None:
    """Import each DIR of YAML documents (as `tcdocs status DIR` reads it) as a stored case.

    One DIR is imported whole or not at all. Prints each case's number.
    """
    from .store import import_folder

    if case_id is not None and len(folders) > 1:
        raise UsageError(Message("--case imports one folder; give one DIR"))
    with _store(db) as store:
        by = _operator(author)
        for folder in folders:
            case, saved = import_folder(store, folder, by=by, case=case_id, region=region, note=note)
            count = len(store.documents(case.id, by=by))
            _echo(
                Message(
                    "{folder}: case {case}, Teknikcollege {region}: saved {saved} of its {count} documents",
                    folder=shown(folder),
                    case=case.id,
                    region=case.region,
                    saved=len(saved),
                    count=count,
                )
            )


@cases.command(name="export")
@click.argument("targets", nargs=-1, required=True, metavar="CASE DIR | --all DIR")
@click.option("--all", "everything", is_flag=True, help="Export every case, each into a folder of its own in DIR (1-Nordvik, …).")
@_db_option
def export_command(targets: Sequence[str], everything: bool, db: str | None) -> None:
    """Write the latest version of each document of CASE into DIR, as YAML files that `tcdocs status DIR` reads.

    With --all, every case, each in a folder named after its number and region. Importing
    the folder gives the same case; the earlier versions and the log stay in the database.
    """
    from .store import export_all, export_case

    if everything:
        if len(targets) != 1:
            raise UsageError(Message("with --all, give the folder to export into: tcdocs cases export --all DIR"))
        with _store(db) as store:
            for case, folder in export_all(store, Path(targets[0]), by=_operator()):
                _echo(Message("case {case}: wrote {folder}", case=case.id, folder=shown(folder)))
        return
    if len(targets) != 2:
        raise UsageError(Message("give the case and the folder to export it into: tcdocs cases export CASE DIR"))
    case_id, folder = _case_number(targets[0]), Path(targets[1])
    with _store(db) as store:
        written = export_case(store, case_id, folder, by=_operator())
    _echo(Message("case {case}: wrote {count} documents into {folder}", case=case_id, count=len(written), folder=shown(folder)))


def _case_number(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise UsageError(Message("'{case}' is not a case number; tcdocs cases list shows them", case=text))
    return int(text)


@cases.command(name="list")
@_today_option
@_db_option
def list_command(today: dt.datetime | None, db: str | None) -> None:
    """List the stored cases, one a line: its number, region, type, step and next deadline."""
    from .road import summary_line

    language = from_environment()
    by = _operator()
    with _store(db) as store:
        for case in store.cases(by=by):
            status = store.status(case.id, _day(today), by=by)
            if status.documents or status.problems:
                line = summary_line(status, language)
            else:
                line = say(Message("Teknikcollege {region}  no documents yet", region=case.region), language)
            click.echo(f"{case.id}  {line}")


@cases.command(name="status")
@click.argument("case_id", type=click.IntRange(min=1), metavar="CASE")
@_today_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people; json as `tcdocs status --format json` gives it.",
)
@_db_option
def status_command(case_id: int, today: dt.datetime | None, fmt: str, db: str | None) -> None:
    """Show where the stored CASE stands, as `tcdocs status` shows a folder: the steps, deadlines and problems."""
    from .road import road_text

    language = from_environment()
    with _store(db) as store:
        case = store.status(case_id, _day(today), by=_operator())
    if fmt == "json":
        click.echo(json.dumps({"today": case.today.isoformat(), "cases": [case.as_json(language)]}, ensure_ascii=False, indent=2))
    else:
        click.echo(road_text(case, language))
    if case.problems:
        raise TcdocsError(Message("{count} problems between the documents; see above", count=len(case.problems)))


@cases.command(name="log")
@click.argument("case_id", type=click.IntRange(min=1), metavar="CASE")
@_db_option
def log_command(case_id: int, db: str | None) -> None:
    """Show every change to CASE, oldest first: when, who, what, the document and its version, the note."""
    with _store(db) as store:
        entries = store.audit(case_id, by=_operator())
    for entry in entries:
        document = f"{entry.document} {entry.version}" if entry.document else ""
        when = entry.time.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
        click.echo("  ".join(part for part in (when, entry.actor, entry.action, shown(document), entry.detail) if part))


@click.group(name="users")
def users() -> None:
    """The users of the stored cases and their roles.

    processledare: reads and writes the cases of their region (--region), but not RTS
    kansli's documents. rts: RTS kansli; reads every case and writes its återkoppling,
    granskningsprotokoll and beslut. admin: manages users and may do everything.
    """


@users.command(name="add")
@click.argument("name")
@click.option("--role", type=click.Choice(["processledare", "rts", "admin"]), required=True, help="What the user may do.")
@click.option("--region", help="A processledare's region, as the documents name it (Nordvik).")
@_db_option
def add_user(name: str, role: str, region: str | None, db: str | None) -> None:
    """Add the user NAME and print their token, once: the store keeps only its hash."""
    with _store(db) as store:
        user, token = store.add_user(name, role, region, by=_operator())
    click.echo(token)
    click.echo(say(_token_note(user.name), from_environment()), err=True)


def _token_note(name: str) -> Message:
    return Message("the token of {name} above is shown only this once; give it to them where nobody else can read it", name=name)


@users.command(name="list")
@_db_option
def list_users(db: str | None) -> None:
    """List the users, one a line: name, role and region."""
    with _store(db) as store:
        found = store.users(by=_operator())
    for user in found:
        click.echo("  ".join(part for part in (user.name, user.role, user.region) if part))


@users.command(name="remove")
@click.argument("name")
@_db_option
def remove_user(name: str, db: str | None) -> None:
    """Remove the user NAME: their token stops working; what they did stays in the log."""
    with _store(db) as store:
        store.remove_user(name, by=_operator())
    _echo(Message("removed {name}", name=name))


@users.command(name="token")
@click.argument("name")
@_db_option
def new_token(name: str, db: str | None) -> None:
    """Give the user NAME a new token, printed once; their old one stops working."""
    with _store(db) as store:
        token = store.new_token(name, by=_operator())
    click.echo(token)
    click.echo(say(_token_note(name), from_environment()), err=True)
