"""Fixtures shared by the next-token tests: one trained model per session, and the site's data.

Training takes a few seconds to half a minute, so the model is trained once, exactly as
``python -m lesson_code.next_token`` trains it (:func:`generate` with the default seed).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lesson_code.next_token import TrainResult, dumps_data
from lesson_code.next_token.__main__ import generate

ROOT = Path(__file__).resolve().parents[3]
COMMITTED_JSON = ROOT / "docs" / "assets" / "next-token" / "next-token.json"
COMMITTED_FALLBACK = ROOT / "snippets" / "next_token_widget.html"


@pytest.fixture(scope="session")
def generated() -> tuple[TrainResult, dict]:
    """The trained model and its exported data, as the command computes them."""
    return generate()


@pytest.fixture(scope="session")
def trained(generated: tuple[TrainResult, dict]) -> TrainResult:
    return generated[0]


@pytest.fixture(scope="session")
def exported(generated: tuple[TrainResult, dict]) -> dict:
    """The exported data after a round trip through its JSON text, as the page reads it."""
    return json.loads(dumps_data(generated[1]))


@pytest.fixture(scope="session")
def committed() -> dict:
    """The site's committed data."""
    return json.loads(COMMITTED_JSON.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def committed_fallback() -> str:
    """The site's committed no-JavaScript fallback, included by the chapter page."""
    return COMMITTED_FALLBACK.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository's root directory."""
    return ROOT


@pytest.fixture(scope="session")
def committed_paths() -> tuple[Path, Path]:
    """The site's committed data and fallback files."""
    return COMMITTED_JSON, COMMITTED_FALLBACK
