"""Run the command line as ``python -m tcdocs``."""

from .cli import run

run()
