"""Shared fixtures: the example agreement, loaded and rendered once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

import tcdocs

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def agreement() -> tcdocs.Samverkansavtal:
    doc = tcdocs.load(EXAMPLES / "samverkansavtal.yaml")
    assert isinstance(doc, tcdocs.Samverkansavtal)
    return doc


@pytest.fixture(scope="session")
def rendered(agreement: tcdocs.Samverkansavtal) -> dict[str, bytes]:
    return tcdocs.render_formats(agreement)
