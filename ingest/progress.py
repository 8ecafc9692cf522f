"""Progress reporting shared by the CLI (tqdm) and the web app (st.progress)."""

from __future__ import annotations

from typing import Protocol


class Reporter(Protocol):
    """Receives progress of an ingest; every method may be called many times."""

    def stage(self, name: str, total: int | None) -> None:
        """A new stage begins (``parse``, ``fetch``, ``entities``, ``embed``, ``index``), with its size when known."""

    def advance(self, n: int) -> None:
        """``n`` more units of the current stage are done."""

    def cancelled(self) -> bool:
        """True when the user asked to stop; the pipeline stops at the next safe point."""


class SilentReporter:
    def stage(self, name: str, total: int | None) -> None:
        pass

    def advance(self, n: int) -> None:
        pass

    def cancelled(self) -> bool:
        return False


class TqdmReporter:
    """One tqdm bar per stage, on stderr."""

    def __init__(self, disable: bool = False):
        self._bar = None
        self._disable = disable

    def stage(self, name: str, total: int | None) -> None:
        from tqdm import tqdm

        self.close()
        unit = {"parse": "rec", "fetch": "rec", "entities": "rec", "embed": "chunk"}.get(name, "it")
        self._bar = tqdm(total=total, desc=name, unit=unit, disable=self._disable, dynamic_ncols=True)

    def advance(self, n: int) -> None:
        if self._bar is not None:
            self._bar.update(n)

    def cancelled(self) -> bool:
        return False

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
