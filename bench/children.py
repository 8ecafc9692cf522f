"""Running a measured child process: wall time and peak resident memory (the child and its own children)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

import psutil

from bench.errors import BenchError
from bench.report import REPO_ROOT

POLL_S = 0.1


@dataclass
class ChildRun:
    seconds: float
    peak_rss_bytes: int
    stdout: str


def run_child(args: list[str], env: dict[str, str] | None = None, what: str = "a measured process") -> ChildRun:
    """Run ``python <args>`` from the project root, sampling its memory; stop with its error if it fails."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, *args], cwd=REPO_ROOT, env={**os.environ, **(env or {})}, stdout=out, stderr=err
        )
        peak = 0
        watched = psutil.Process(child.pid)
        while child.poll() is None:
            with contextlib.suppress(psutil.Error):
                peak = max(peak, sum(p.memory_info().rss for p in [watched, *watched.children(recursive=True)]))
            time.sleep(POLL_S)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            tail = err.read().strip().splitlines()[-3:]
            raise BenchError(f"{what} failed (exit {child.returncode}): {' / '.join(tail)}")
        return ChildRun(seconds, peak, out.read())
