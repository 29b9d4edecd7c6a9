"""Run the ``tcdocs`` command as if Debian's libharfbuzz-subset0 were not installed.

    python tools/without_subsetter.py render examples/samverkansavtal.yaml --out out

WeasyPrint opens HarfBuzz's subsetter through cffi when it is imported; this refuses
that one library, so the tests and the benchmark can prove and measure the fallback
(fontTools subsets the fonts) on a machine that has the library.
"""

from __future__ import annotations

import sys

import cffi


def _refuse_subsetter() -> None:
    opened = cffi.FFI.dlopen

    def dlopen(self: cffi.FFI, name: object, *args: object, **kwargs: object) -> object:
        if isinstance(name, str) and "harfbuzz-subset" in name:
            raise OSError(f"{name}: refused, to run without HarfBuzz's subsetter")
        return opened(self, name, *args, **kwargs)

    cffi.FFI.dlopen = dlopen  # type: ignore[method-assign]


if __name__ == "__main__":
    _refuse_subsetter()
    from tcdocs.cli import main

    sys.exit(main(sys.argv[1:]))
