"""Files parsed by Ray tasks, a few ahead, and handed to the one writer in the order it asks for them.

A task returns the whole file's items, or those before the damage and the ``ParseError`` that
stopped it; the writer replays them exactly as reading the file here would have yielded them,
so a DeleteCitation, a newer version of a record and a damaged file are handled as in the plain
pipeline, and files apply in NLM order whatever order the tasks finish in.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from ingest.formats import iter_file, reader_for
from ingest.items import Item
from retrieval.errors import UserError


@dataclass
class ParsedFile:
    """A file's items in file order, and the error that ended the reading early, if one did."""

    items: list[Item]
    error: UserError | None = None  # a ParseError; or an unsupported file, which the writer refuses first

    def replay(self) -> Iterator[Item]:
        yield from self.items
        if self.error is not None:
            raise self.error


def parse_file(path: str) -> ParsedFile:
    """Runs in a Ray task: every item of the file at ``path`` (on a cluster, every node must see the path)."""
    items: list[Item] = []
    try:
        items.extend(iter_file(Path(path)))
    except UserError as error:
        return ParsedFile(items, error)
    return ParsedFile(items)


class ParsedFiles:
    """``items_of`` for ``import_files``: at most ``ahead`` files parsing or parsed and not yet taken.

    Called with the paths in their order; a path the writer skips (a damaged download) is dropped
    when a later one is asked for.
    """

    def __init__(self, ray: ModuleType, paths: Sequence[Path], ahead: int):
        self._ray = ray
        self._task = ray.remote(num_cpus=1)(parse_file)
        self._paths = list(paths)
        self._ahead = ahead
        self._submitted: dict[int, Any] = {}  # position in paths -> the task's result reference
        self._next = 0  # the first position not submitted yet
        self._asked = 0  # the first position not asked for yet (a path may be named twice)

    def __call__(self, path: Path) -> Iterator[Item]:
        reader_for(path.name)  # an unsupported file is refused before its run starts, as in the plain pipeline
        position = self._paths.index(path, self._asked)
        self._asked = position + 1
        for skipped in [p for p in self._submitted if p < position]:
            del self._submitted[skipped]
        self._fill(position)
        parsed: ParsedFile = self._ray.get(self._submitted.pop(position))
        self._fill(position + 1)
        return parsed.replay()

    def _fill(self, position: int) -> None:
        self._next = max(self._next, position)
        while self._next < len(self._paths) and len(self._submitted) < self._ahead:
            self._submitted[self._next] = self._task.remote(str(self._paths[self._next].resolve()))
            self._next += 1
