"""What every benchmark run records beside its figures, and how it is printed and saved.

A figure is only comparable with another when the machine, the code and the
settings are known, so each result file carries all three. Files are written as
``bench/results/<command>-<UTC timestamp>.json`` plus ``<command>.json`` (the latest).
"""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psutil

from retrieval.settings import Settings

REPO_ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = REPO_ROOT / "bench" / "results"
SECRET_SETTINGS = ("api_key", "llm_api_key", "email")


@dataclass
class Table:
    """A plain-text table: a title, column headers and rows of cells."""

    title: str
    headers: list[str]
    rows: list[list[object]] = field(default_factory=list)

    def render(self) -> str:
        cells = [[_cell(v) for v in row] for row in self.rows]
        widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(self.headers)]
        line = "  ".join("-" * w for w in widths)

        def aligned(row: list[str]) -> str:  # first column left, figures right
            return "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))

        return "\n".join([self.title, line, aligned(self.headers), line, *(aligned(row) for row in cells)])


@dataclass
class BenchResult:
    """What a command hands back: its parameters, its figures and the tables that show them."""

    command: str
    params: dict
    figures: dict
    tables: list[Table]
    settings: Settings
    notes: list[str] = field(default_factory=list)

    def render(self) -> str:
        text = "\n\n".join(t.render() for t in self.tables)
        return text + ("\n\n" + "\n".join(f"* {n}" for n in self.notes) if self.notes else "")


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def machine_info() -> dict:
    """Core count, RAM, CPU model and the versions the figures depend on."""
    import faiss
    import numpy as np

    cpu_model = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu_model": cpu_model,
        "cores": os.cpu_count(),
        "ram_bytes": psutil.virtual_memory().total,
        "load_average_1m": round(os.getloadavg()[0], 2),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "faiss": faiss.__version__,
    }


def git_commit() -> dict:
    """The commit the code under test came from, and whether the work tree differed from it."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": git("rev-parse", "HEAD"), "dirty": bool(status) if status is not None else None}


def settings_snapshot(settings: Settings) -> dict:
    """The settings used, without credentials or personal data."""
    data = settings.model_dump(mode="json")
    for key in SECRET_SETTINGS:
        if data.get(key):
            data[key] = "(set)"
    return data


def write_result(result: BenchResult, argv: list[str], out_dir: Path | None = None) -> Path:
    """Save the run as a timestamped JSON file and as the command's latest copy; return the first."""
    out_dir = Path(out_dir or RESULTS_DIR)
    out_dir.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    payload = {
        "command": result.command,
        "created_utc": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "argv": argv,
        "machine": machine_info(),
        "git": git_commit(),
        "settings": settings_snapshot(result.settings),
        "params": result.params,
        "figures": _finite(result.figures),
        "notes": result.notes,
        "table": result.render(),
    }
    text = json.dumps(payload, indent=2, ensure_ascii=False, default=_json_default, allow_nan=False) + "\n"
    path = out_dir / f"{result.command}-{now.strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(text)
    (out_dir / f"{result.command}.json").write_text(text)
    return path


def _finite(value: object) -> object:
    """NaN (a figure that could not be measured) becomes null: strict JSON has no NaN."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def _json_default(value: object) -> object:
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")
