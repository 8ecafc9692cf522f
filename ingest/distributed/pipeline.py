"""``import_files`` on Ray: the plain import, its files parsed by Ray tasks and its chunks embedded by Ray actors."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ingest.distributed.cluster import cluster_address, connected_ray
from ingest.distributed.embed import RayEmbed, embedding_device
from ingest.distributed.parse import ParsedFiles
from ingest.imports import ImportResult, import_files
from ingest.progress import Reporter
from retrieval.errors import UserError
from retrieval.library import Library

PARSE_AHEAD = 2  # files parsed ahead of the writer, per worker: the next file is ready when the writer is


def import_files_on_ray(
    library: Library, paths: Sequence[Path], reporter: Reporter, address: str | None = None, workers: int | None = None
) -> ImportResult:
    """Import ``paths`` as ``import_files`` does, with ``workers`` embedding workers (default: one per Ray CPU,
    or per GPU when the model runs on a GPU) on a local Ray or the cluster at ``address`` / ``RAY_ADDRESS``."""
    resource = "GPU" if embedding_device(library) == "cuda" else "CPU"
    with connected_ray(cluster_address(address), max(workers or 0, os.cpu_count() or 1)) as ray:
        available = int(ray.cluster_resources().get(resource, 0))
        workers = workers or available
        if not 0 < workers <= available:
            raise UserError(
                f"Ray has {available} {resource}s here, too few for {workers} embedding workers: "
                f"ask for {max(available, 1)} or fewer with --workers."
            )
        files = ParsedFiles(ray, paths, ahead=PARSE_AHEAD * workers)
        return import_files(library, paths, reporter, items_of=files, embed=RayEmbed(ray, workers))
