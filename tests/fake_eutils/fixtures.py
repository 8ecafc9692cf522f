"""pytest fixtures for the fake E-utilities server.

Load them in a test module with ``pytest_plugins = ["tests.fake_eutils.fixtures"]``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from retrieval.settings import Settings
from tests.fake_eutils.server import FakeEutils
from tests.fake_eutils.settings import fast_settings


@pytest.fixture
def fake_eutils() -> Iterator[FakeEutils]:
    """A running fake server with NCBI's window cap of 9,999; stopped after the test."""
    with FakeEutils() as fake:
        yield fake


@pytest.fixture
def eutils_settings(fake_eutils: FakeEutils, tmp_path: Path) -> Settings:
    return fast_settings(fake_eutils, tmp_path)
