"""Pre-tokenised, length-bucketed batches: what keeps a GPU fed.

On a GPU the model embeds 1,024 chunks in tens of milliseconds, while one CPU core
tokenises about a thousand a second. Tokenising inside the embedding loop would
leave the GPU idle most of the time, so texts are tokenised here a group at a time
(several batches), split across tokenizer copies on worker threads (the fast
tokenizer does its work outside the GIL), one group ahead of the model. Within a
group, texts are sorted by token length, so each batch pads only to its own
longest text; each batch carries its texts' positions, so the caller puts the
vectors back in the caller's order.

Only numpy here: the model and its device belong to ``retrieval.library.embedding``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

# A tokenizer call: texts in, each feature (input_ids, attention_mask, ...) as one list of ids per text, unpadded.
Tokenize = Callable[[list[str]], dict[str, list[list[int]]]]


@dataclass(frozen=True)
class TokenBatch:
    """Texts of similar token length, padded on the right to the longest of them."""

    positions: np.ndarray  # where each row's text stands in the list given to ``bucketed_batches``
    features: dict[str, np.ndarray]  # int64 arrays of shape (rows, longest row)


def bucket(encoded: dict[str, list[list[int]]], offset: int, batch_size: int, pad_id: int) -> list[TokenBatch]:
    """Batches of one tokenised group, longest texts first; ``offset`` is the group's first position."""
    lengths = np.fromiter(map(len, encoded["input_ids"]), dtype=np.int64, count=len(encoded["input_ids"]))
    order = np.argsort(-lengths, kind="stable")
    batches = []
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]
        width = int(lengths[rows[0]])
        features = {}
        for key, values in encoded.items():
            array = np.full((len(rows), width), pad_id if key == "input_ids" else 0, dtype=np.int64)
            for row, i in enumerate(rows):
                array[row, : lengths[i]] = values[i]
            features[key] = array
        batches.append(TokenBatch(rows + offset, features))
    return batches


def bucketed_batches(
    tokenizers: Sequence[Tokenize], texts: Sequence[str], batch_size: int, group_size: int, pad_id: int
) -> Iterator[TokenBatch]:
    """Every text once, in padded batches sorted by token length within groups of ``group_size``.

    Each tokenizer is used by one thread at a time (a fast tokenizer must not be
    shared between threads), and the next group is tokenised while the caller
    works through the batches of the current one.
    """
    starts = list(range(0, len(texts), group_size))
    if not starts:
        return
    with (
        ThreadPoolExecutor(len(tokenizers), thread_name_prefix="medlit-tokenise") as workers,
        ThreadPoolExecutor(1, thread_name_prefix="medlit-batches") as ahead,
    ):

        def prepare(start: int) -> list[TokenBatch]:
            group = list(texts[start : start + group_size])
            share = -(-len(group) // len(tokenizers))
            parts = [
                workers.submit(tokenize, group[i * share : (i + 1) * share])
                for i, tokenize in enumerate(tokenizers)
                if i * share < len(group)
            ]
            encoded: dict[str, list[list[int]]] = {}
            for part in parts:
                for key, rows in part.result().items():
                    encoded.setdefault(key, []).extend(rows)
            return bucket(encoded, start, batch_size, pad_id)

        pending = ahead.submit(prepare, starts[0])
        for following in [*starts[1:], None]:
            batches = pending.result()
            if following is not None:
                pending = ahead.submit(prepare, following)
            yield from batches
