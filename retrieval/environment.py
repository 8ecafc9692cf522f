"""The process environment MedLit's entry points set for the libraries under it; nothing else changes it.

The variables are read by libraries, not by MedLit, and none has an API
MedLit could call instead: huggingface_hub reads ``HF_HUB_OFFLINE`` once, when
it is first imported (MedLit imports it only when the embedding model loads),
the tokenizers library reads ``TOKENIZERS_PARALLELISM`` from the environment
whenever it tokenizes, and Ray reads ``RAY_USAGE_STATS_ENABLED`` when it starts
(its usage report would leave the machine: a private library sends nothing). So each entry point (``python -m ingest``,
``retrieval``, ``bench`` and the web app's ``app.py``) calls
``set_process_environment`` before it does any work, and child processes
inherit it.
"""

from __future__ import annotations

import os


def set_process_environment() -> None:
    """No hub lookups (the model is a local folder), no tokenizer thread pool beside torch's threads, and no
    usage report from Ray.

    Values the user has set already are kept.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
