"""``python -m retrieval entities``: JSON lines in, JSON lines out.

Each input line is ``{"id": ..., "text": ...}``; each output line is
``{"id", "entities": [{"start", "end", "type", "text", "concept"}], "relations": [{"chemical", "disease"}]}``
in input order, offsets counting characters of ``text``. A line that cannot be read (not JSON, no
text) gets ``"error"`` and empty lists; a text longer than ``MAX_CHARS`` gets ``"warning"`` and
the entities of its beginning. Blank lines are skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO

from retrieval.library.entities import MAX_CHARS, Extractor, extractor

BATCH = 64


def _read(line_no: int, line: str) -> tuple[object, str | None, str]:
    """(id, text, error) of one input line."""
    try:
        item = json.loads(line)
    except ValueError as error:
        return None, None, f"line {line_no} is not JSON ({error.msg})"
    if not isinstance(item, dict):
        return None, None, f'line {line_no} is not a JSON object with "id" and "text"'
    text = item.get("text")
    if text is None:
        return item.get("id"), None, f'line {line_no} has no "text"'
    if not isinstance(text, str):
        return item.get("id"), None, f'line {line_no}: "text" must be a string'
    return item.get("id"), text, ""


def _batches(lines: IO[str]) -> Iterator[list[tuple[object, str | None, str]]]:
    batch = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        batch.append(_read(number, line))
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def run(lines: IO[str], out: IO[str], ex: Extractor | None = None) -> int:
    """Answer every line of ``lines``; return how many had an error."""
    ex = ex or extractor()
    errors = 0
    for batch in _batches(lines):
        texts = [text or "" for _, text, _ in batch]
        results = ex.extract(texts)
        for (id_, text, error), result in zip(batch, results, strict=True):
            row: dict = {
                "id": id_,
                "entities": [
                    {"start": e.start, "end": e.end, "type": e.type, "text": e.text, "concept": e.concept}
                    for e in result.entities
                ],
                "relations": [{"chemical": c, "disease": d} for c, d in result.relations],
            }
            if error:
                row["error"] = error
                errors += 1
            elif text is not None and len(text) > MAX_CHARS:
                row["warning"] = result.note
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        out.flush()
    return errors
