"""Shared fixtures: the example agreement, and every example, loaded and rendered once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

import tcdocs

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
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
