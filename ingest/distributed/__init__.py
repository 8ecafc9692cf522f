"""The ingest pipeline on Ray: files parsed by parallel tasks, chunks embedded by Ray Data actors.

``python -m ingest files ... --ray [ADDRESS]``. Ray is an extra (``make install-ray``), imported
only here and only when asked for. This process stays the library's one writer: it takes each
file's records in NLM order, commits them as the plain pipeline does, applies the vectors the
workers send back, and replaces the index atomically; a library built on Ray is the library the
plain pipeline builds from the same files.
"""

from ingest.distributed.pipeline import import_files_on_ray

__all__ = ["import_files_on_ray"]
