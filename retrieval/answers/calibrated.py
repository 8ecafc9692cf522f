"""The calibrated values answers rely on: the abstention rule, the verifier's support thresholds and its model check.

Both are fitted offline (``retrieval.calibration``) on vectors of one embedding
model and backend, and mean nothing for other vectors. A library's own fit lives
in its data folder (``calibration/``); MedLit ships defaults fitted on the shared
corpus, with their provenance, in ``defaults/`` beside this file. A value fitted
on other vectors than the library's is never used silently: the user is told in
one sentence how to fit one.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from retrieval.errors import UserError

DEFAULTS_DIR = Path(__file__).with_name("defaults")
ABSTENTION_RULE = "abstention_rule.json"
SUPPORT_THRESHOLD = "support_threshold.json"
ENTAILMENT_CHECK = "entailment_check.json"
FITTED_BY = {
    ABSTENTION_RULE: "python -m retrieval calibrate",
    SUPPORT_THRESHOLD: "python -m retrieval calibrate-verify",
    ENTAILMENT_CHECK: "python -m retrieval calibrate-entailment",
}
WHAT = {
    ABSTENTION_RULE: "abstention rule",
    SUPPORT_THRESHOLD: "support threshold for written answers",
    ENTAILMENT_CHECK: "language-model support check",
}


class CalibrationError(UserError):
    """No calibrated value fits the library's vectors; the message says how to fit one."""


def library_file(data_dir: Path, name: str) -> Path:
    """Where a library keeps its own fit of ``name`` (what the calibrate commands write)."""
    return data_dir / "calibration" / name


def load_calibrated(name: str, data_dir: Path, embedding_model: str, embedding_backend: str) -> dict:
    """The library's own fit of ``name``, else the shipped default, if fitted on the same model and backend."""
    found: list[dict] = []
    for path in (library_file(data_dir, name), DEFAULTS_DIR / name):
        if path.is_file():
            data = _read(path, path.stat().st_mtime_ns)
            if (data.get("embedding_model"), data.get("embedding_backend")) == (embedding_model, embedding_backend):
                return data
            found.append(data)
    if found:
        fitted = f"{found[0].get('embedding_model')} ({found[0].get('embedding_backend')})"
        problem = f"The {WHAT[name]} was fitted on {fitted} vectors, but this library holds"
    else:
        problem = f"No {WHAT[name]} is fitted for this library's"
    raise CalibrationError(
        f"{problem} {embedding_model} ({embedding_backend}) vectors: run `{FITTED_BY[name]}` on this library."
    )


@lru_cache(maxsize=16)
def _read(path: Path, mtime_ns: int) -> dict:
    """One file's content, read again only when it changes (``mtime_ns`` is part of the cache key)."""
    return json.loads(path.read_text(encoding="utf-8"))
