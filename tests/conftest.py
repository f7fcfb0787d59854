"""Fixtures shared by every kind of test."""

from __future__ import annotations

import pytest

from lesson_code.tictactoe.results import RunResults
from tests.support.runs import course_run


@pytest.fixture(scope="session")
def seed0_run() -> RunResults:
    """The notebook's full run of the game course (seed 0), made once per session."""
    return course_run()
