"""How calibration provenance names its data files: relative to the project, ``../shared/...`` for the shared data."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def display(path: Path) -> str:
    """A path relative to the project root (``../shared/...`` for the shared data beside it)."""
    resolved = path.resolve()
    for base, prefix in ((PROJECT_ROOT, Path()), (PROJECT_ROOT.parent, Path(".."))):
        if resolved.is_relative_to(base):
            return str(prefix / resolved.relative_to(base))
    return str(path)
