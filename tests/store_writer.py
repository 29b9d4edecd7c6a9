"""A process that saves one version of a stored document, for the tests of saves that race or die.

    python -m tests.store_writer URL CASE NAME BASE AUTHOR TEXTFILE [--pause]

Once the store is open it prints ``ready`` and waits for a line on its standard input
before it saves, so that two writers can start together and save when told. It prints
one JSON line: ``{"saved": NUMBER}`` or ``{"conflict": {...}}`` with the version that won.
With ``--pause`` it stops inside the save's transaction, once the new version's row is
written but before it is committed, prints ``written`` and waits for another line: there
the tests kill it, or let another save run into it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from tcdocs.errors import SaveConflict
from tcdocs.store import User, open_store
from tcdocs.store.schema import VersionRow


def pause_after_writing(session: Session, context: Any) -> None:
    if any(isinstance(row, VersionRow) for row in session.new):
        print("written", flush=True)
        sys.stdin.readline()


def main(url: str, case: str, name: str, base: str, author: str, text_file: str, *flags: str) -> None:
    if "--pause" in flags:
        event.listen(Session, "after_flush", pause_after_writing)
    store = open_store(url)
    text = Path(text_file).read_text(encoding="utf-8")
    print("ready", flush=True)
    sys.stdin.readline()
    try:
        version = store.save(int(case), name, text, base=int(base), by=User(author, "admin"), note=f"by {author}")
    except SaveConflict as conflict:
        theirs = {"base": conflict.base, "number": conflict.number, "author": conflict.author, "text": conflict.text}
        print(json.dumps({"conflict": theirs, "message": conflict.format("en")}), flush=True)
    else:
        print(json.dumps({"saved": version.number}), flush=True)
    store.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
