"""Settings for the processes tcdocs owns: a quicker library lookup and a calmer garbage collector.

The library itself changes nothing of the process it runs in (``import tcdocs`` and
:func:`tcdocs.render` leave both alone). These settings are for the processes tcdocs
starts and runs alone: the ``tcdocs`` command's process, a batch's workers and the
service's render workers. Each calls :func:`start` where it starts and :func:`settle`
once it is warm. Neither changes a document's bytes (a test renders every example with
and without them); ``bench/levers.py`` measures what each saves.
"""

from __future__ import annotations

import ctypes.util
import gc
import os
import re
import struct
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

__all__ = ["GC_THRESHOLD", "settle", "start"]

GC_THRESHOLD = (10_000, 10, 10)
"""The collector's thresholds in a process of tcdocs: a document allocates many objects that live
as long as the render, and Python's default (700) collects them again and again while they do."""

_LDCONFIG = "/sbin/ldconfig"


def start() -> None:
    """Set up the process that calls it, which must be one of tcdocs' own, where it starts.

    C libraries are looked up in one reading of the linker's cache (``ldconfig -p``): WeasyPrint
    asks for its libraries under several names, most of which do not exist on Linux, and for
    each of those ``ctypes.util.find_library`` runs ``ldconfig``, ``gcc`` and ``ld`` in turn.
    The collector runs less often (:data:`GC_THRESHOLD`).
    """
    lookup = _cached_lookup(ctypes.util.find_library)
    if lookup is not None:
        ctypes.util.find_library = lookup  # type: ignore[assignment]
    gc.set_threshold(*GC_THRESHOLD)


def settle() -> None:
    """Leave what the process holds once warm (modules, templates, fonts) out of every later collection.

    A worker forked warm calls it first: the collector then never walks, and so never writes
    to, the memory it shares with its parent.
    """
    gc.freeze()


def _cached_lookup(original: Callable[[str], str | None]) -> Callable[[str], str | None] | None:
    """A ``find_library`` that answers from one reading of ``ldconfig -p``, or None where that
    is not how ``ctypes`` looks (not Linux, no ldconfig, already replaced)."""
    if not sys.platform.startswith("linux") or not Path(_LDCONFIG).exists() or getattr(original, "tcdocs_cached", False):
        return None
    cache: list[bytes] = []
    machine = os.uname().machine + ("-32" if struct.calcsize("l") == 4 else "-64")
    abi = {"x86_64-64": "libc6,x86-64", "ppc64-64": "libc6,64bit", "sparc64-64": "libc6,64bit",
           "s390x-64": "libc6,64bit", "ia64-64": "libc6,IA-64"}.get(machine, "libc6")  # as ctypes.util has it

    def find_library(name: str) -> str | None:
        if not cache:
            try:
                done = subprocess.run([_LDCONFIG, "-p"], capture_output=True, env={"LC_ALL": "C", "LANG": "C"}, check=False)
            except OSError:
                done = None
            cache.append(done.stdout if done is not None else b"")
        # The same search as ctypes' own first step, in the same listing.
        found = re.search(os.fsencode(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({abi}"), cache[0])
        if found:
            return os.fsdecode(found.group(1))
        # ctypes would then ask gcc and ld, which find nothing the cache lacks unless
        # LD_LIBRARY_PATH names more folders; then they are asked as ctypes would.
        return original(name) if os.environ.get("LD_LIBRARY_PATH") else None

    find_library.tcdocs_cached = True  # type: ignore[attr-defined]
    return find_library
