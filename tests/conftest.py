"""Shared fixtures: the example agreement, and every example, loaded and rendered once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

import tcdocs

# The databases the store's tests run on (an SQLite file, a throwaway PostgreSQL server), and the check
# that a run leaves no temporary file and no process behind.
pytest_plugins = ["tests.databases", "tests.leftovers"]

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

CRITERIA_HEADINGS = [
    "1. Kvalitetssäkrad process",
    "2. Regional samverkan",
    "3. Organisation och styrning",
    "4. Industrins kompetensbehov",
    "5. Utbildningar och dimensionering",
    "6. Kreativ och stimulerande lärmiljö",
    "7. Utbildning inom Teknikcollege",
    "8. Arbetslivets medverkan i utbildningen",
]
"""The eight criteria as a reader sees them, numbered, in the handbook's order."""
EXAMPLE_NAMES = sorted(path.stem for path in EXAMPLES.glob("*.yaml"))


@pytest.fixture(scope="session")
def agreement() -> tcdocs.Samverkansavtal:
    doc = tcdocs.load(EXAMPLES / "samverkansavtal.yaml")
    assert isinstance(doc, tcdocs.Samverkansavtal)
    return doc


@pytest.fixture(scope="session")
def rendered(agreement: tcdocs.Samverkansavtal) -> dict[str, bytes]:
    return tcdocs.render_formats(agreement)


@pytest.fixture(scope="session")
def examples() -> dict[str, dict[str, bytes]]:
    """Every example's DOCX and PDF, by the example's file stem."""
    return {name: tcdocs.render_formats(tcdocs.load(EXAMPLES / f"{name}.yaml")) for name in EXAMPLE_NAMES}
