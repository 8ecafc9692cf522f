"""MedLit settings for talking to a fake server quickly."""

from __future__ import annotations

from pathlib import Path

from retrieval.settings import Settings
from tests.fake_eutils.server import FakeEutils


def fast_settings(fake: FakeEutils, data_dir: Path, **overrides: object) -> Settings:
    """Settings pointing at ``fake`` with tiny backoffs and timeouts, so every fault costs milliseconds.

    An API key is set so the shared rate limiter spaces requests 0.1 s apart
    (10/s), not 0.37 s; tests of the rate without a key pass ``api_key=None``.
    """
    values: dict[str, object] = {
        "data_dir": data_dir,
        "eutils_url": fake.url,
        "email": "tests@example.org",
        "api_key": "fake-key",
        "eutils_backoff_s": 0.01,
        "eutils_timeout_s": 2.0,  # generous: a loaded CI machine must not turn answers into timeouts
        "eutils_max_retries": 3,
        "eutils_batch_size": 20,
    }
    values.update(overrides)
    return Settings(**values)
