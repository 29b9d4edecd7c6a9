"""Write a new migration of the case store from what its models have that the migrations lack.

    python tools/migration.py "keep a secret for each case's calendar"

It brings a new, empty SQLite database up to the newest migration, compares that with
``tcdocs/store/schema.py`` and writes the difference as the next numbered migration in
``tcdocs/store/migrations/versions/``. Read it before committing: Alembic does not see a
renamed column (it drops one and adds another) and a migration may need to move data too.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from tcdocs.store.database import MIGRATIONS, WRITE, engine_for, migrate


@click.command()
@click.argument("message")
def main(message: str) -> None:
    """Write the next migration, described by MESSAGE."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    number = f"{int(head or 0) + 1:04d}"
    with tempfile.TemporaryDirectory() as folder:
        engine = engine_for(Path(folder) / "empty.db")
        migrate(engine)
        with engine.connect().execution_options(**{WRITE: True}) as connection, connection.begin():
            config.attributes["connection"] = connection
            script = command.revision(config, message, autogenerate=True, rev_id=number)
        engine.dispose()
    click.echo(f"wrote {script.path if script and not isinstance(script, list) else '(nothing)'}")


if __name__ == "__main__":
    sys.exit(main())
