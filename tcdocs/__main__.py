"""Run the command line as ``python -m tcdocs``."""

import sys

from .cli import main

sys.exit(main())
